//! From co-action pairs to campaigns.
//!
//! 1. [`significance`]: per behaviour, a null model of chance co-action and a false
//!    discovery rate over all pairs keeps only pairs that co-act more than popularity and
//!    activity explain.
//! 2. Fusion: the significant pairs of every behaviour form one multiplex graph; an
//!    edge's strength is the evidence summed over behaviours.
//! 3. [`communities`]: Leiden splits the graph into campaigns.
//! 4. Scores and [`signals`] describe each campaign so an analyst can judge it.

pub mod bursts;
pub mod communities;
pub mod echo;
pub mod rounds;
pub mod signals;
pub mod significance;
pub mod stats;
pub mod substance;
pub mod text_rounds;
pub mod timing;
pub mod visits;

use foldhash::HashMap;
use lockstep_model::PostTable;
use lockstep_traces::{Behaviour, Trace};
use serde::Serialize;
use significance::{test_behaviour, BehaviourSummary, SigEdge, TestParams};

/// Parameters of campaign detection.
#[derive(Clone, Debug, Serialize)]
pub struct DetectParams {
    /// False discovery rate for pair edges.
    pub alpha: f64,
    /// Fewer co-actions than this never make an edge, except for pairs in a significant
    /// overlap of two bursts when `group_evidence` is on.
    pub min_co_actions: u64,
    /// Also take evidence from bursts on different objects shared by the same accounts
    /// (see `bursts`): catches rings that rotate their members, rounds earlier.
    pub group_evidence: bool,
    /// Smallest campaign reported.
    pub min_campaign_size: usize,
    /// Groups scoring below this are not reported as campaigns (their edges stay in
    /// edges.csv): loose, weakly supported clusters are what chance produces.
    pub min_campaign_score: f64,
    /// A group amplifying mostly one outside source (see `fan_concentration`) whose own
    /// acts are less than this share of the activity around them is set aside as fan-like:
    /// fans are a slice of a celebrity's crowd, a ring makes most of the traffic it pushes.
    pub min_exclusivity: f64,
    /// Share of a group's amplified posts coming from one author above which the group is
    /// single-source (fan-like unless exclusive).
    pub fan_concentration: f64,
    /// Groups whose internal edges carry less summed evidence (-log10 q) than this are
    /// not reported: three accounts sharing two hashtag sets is not a campaign.
    pub min_campaign_evidence: f64,
    /// Leiden resolution (modularity).
    pub resolution: f64,
    /// Seed for community detection.
    pub seed: u64,
    /// Cap on one behaviour's evidence for one pair, in -log10 q units, so one
    /// overwhelming behaviour does not drown the others in the fused graph.
    pub max_evidence: f64,
    /// When set, acts of one account on one object with no gap over this many
    /// milliseconds are one visit, and the test counts visits (see [`visits`]; default one
    /// hour); `None` tests every act (see README, "Finding campaigns").
    pub visit_gap_ms: Option<i64>,
    /// Groups with less than this share of their evidence from pairs that co-acted on two
    /// or more objects are set aside: their evidence rests on one object (see
    /// [`Basis::multi_object_evidence`]).
    pub min_multi_object_evidence: f64,
    /// Test bursts of reposts and replies for overlaps too (rounds; see [`rounds`]). On by
    /// default; `--no-rounds` turns it off.
    pub rounds: bool,
    /// Accounts given as known sources (`--seed-accounts`), as table indices, ascending:
    /// a group set aside as part of a crowd around them is labelled echo (see [`echo`]). Filled by the
    /// pipeline once the table is read; not a parameter of its own in summary.json.
    #[serde(skip)]
    pub seed_accounts: Vec<u32>,
}

impl Default for DetectParams {
    fn default() -> Self {
        Self {
            alpha: 0.01,
            min_co_actions: 2,
            group_evidence: true,
            min_campaign_size: 3,
            min_campaign_score: 0.1,
            min_exclusivity: 0.8,
            fan_concentration: 0.8,
            min_campaign_evidence: 15.0,
            resolution: 1.0,
            seed: 42,
            max_evidence: 50.0,
            visit_gap_ms: Some(visits::DEFAULT_VISIT_GAP_MS),
            min_multi_object_evidence: 0.5,
            rounds: true,
            seed_accounts: Vec::new(),
        }
    }
}

/// One behaviour's significant edges.
#[derive(Debug)]
pub struct BehaviourEdges {
    /// The behaviour.
    pub behaviour: Behaviour,
    /// Significant pairs, sorted by (a, b).
    pub edges: Vec<SigEdge>,
    /// Figures behind the test.
    pub summary: BehaviourSummary,
}

/// One edge of the fused graph.
#[derive(Clone, Debug)]
pub struct FusedEdge {
    /// Lower account index.
    pub a: u32,
    /// Higher account index.
    pub b: u32,
    /// Summed evidence, -log10 q capped per behaviour.
    pub strength: f64,
    /// (behaviour index into [`Detection::behaviours`], edge index in it).
    pub parts: Vec<(usize, usize)>,
}

/// A detected campaign.
#[derive(Clone, Debug, Serialize)]
pub struct Campaign {
    /// 1-based id, ranked by score.
    pub id: u32,
    /// Member accounts (table indices), strongest first.
    #[serde(skip)]
    pub members: Vec<u32>,
    /// Overall score in [0, 1].
    pub score: f64,
    /// What the score is made of.
    pub components: ScoreComponents,
    /// Significant internal edges per behaviour.
    pub behaviours: Vec<(String, usize)>,
    /// Internal fused edges.
    pub edges: usize,
    /// What its evidence rests on: objects and time grid.
    pub basis: Basis,
}

/// What a group's evidence rests on, beyond its behaviours: the objects its members
/// co-acted on and the time grid the co-actions were judged on.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Basis {
    /// Distinct objects (per behaviour with internal edges) that two or more members
    /// acted on.
    pub objects: usize,
    /// Of the member pairs meeting on those objects (an object with `k` members counts
    /// `k(k-1)/2`), the share on the single most shared object.
    pub top_object_share: f64,
    /// Share of the internal evidence (-log10 q, capped per behaviour) carried by pairs
    /// that co-acted on two or more distinct objects, or wrote the same text again (co-text,
    /// co-similar): evidence beyond any one object.
    pub multi_object_evidence: f64,
    /// The time grid its evidence was judged on (`millisecond`, `second`, `minute`,
    /// `mixed`; see [`timing`]), over the behaviours with internal edges.
    pub time_resolution: String,
    /// Share of the internal evidence that is round overlaps on reposts or replies
    /// ([`significance::SigEdge::from_rounds`]).
    pub round_evidence: f64,
    /// How the members act together on other accounts' posts (see [`rounds`]).
    pub rounds: rounds::RoundSignals,
    /// Share of the internal evidence from behaviours on other accounts' posts (co-repost,
    /// co-reply): what the members amplify, as against what they post themselves (text,
    /// hashtags, links). Below a half, what the group amplifies does not make it a slice of
    /// a crowd (see [`set_aside_reason`]).
    pub amplify_evidence: f64,
    /// With seed accounts: of the members' acts on the posts two or more of them acted
    /// on, the share on seed accounts' posts (see [`echo`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_echo: Option<f64>,
    /// For a core split off a round group that its rounds set aside: the size of that
    /// group (see `core_of_round_groups`); the core is judged by its own rounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_core_of: Option<usize>,
}

/// The visible parts of a campaign score.
#[derive(Clone, Debug, Serialize)]
pub struct ScoreComponents {
    /// Internal edges over possible pairs.
    pub density: f64,
    /// Median -log10 q of internal fused edges.
    pub median_evidence: f64,
    /// Sum of -log10 q over internal fused edges.
    pub total_evidence: f64,
    /// Distinct behaviours with internal edges.
    pub behaviours: usize,
    /// Median smallest |dt| of internal edges, seconds.
    pub median_min_dt_s: f64,
    /// Co-actions on internal edges.
    pub co_actions: u64,
    /// Share of the activity around the members' own acts, on the objects two or more
    /// of them acted on, that the members made themselves.
    pub exclusivity: f64,
    /// Share of the posts the members amplified (reposted or replied to) that come from
    /// the single most amplified author.
    pub source_concentration: f64,
    /// The same, member by member: the median over members linked by the pair test (not
    /// only by round overlaps) of the share of a member's amplifying (on the posts two or
    /// more members acted on) that went to that member's own most amplified author. Two
    /// fan clubs of different stars joined into one group amplify two sources (source
    /// concentration about a half), yet each fan amplifies one; a ring boosting popular
    /// posts has every member spread over many authors.
    pub member_concentration: f64,
}

/// A dense, significant group not reported as a campaign, with the reason.
#[derive(Clone, Debug, Serialize)]
pub struct SetAside {
    /// Number of accounts.
    pub accounts: usize,
    /// Why it was set aside.
    pub reason: &'static str,
    /// Its score components.
    pub components: ScoreComponents,
    /// What its evidence rests on.
    pub basis: Basis,
    /// Member accounts.
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// Everything detection found.
#[derive(Debug)]
pub struct Detection {
    /// Per behaviour results.
    pub behaviours: Vec<BehaviourEdges>,
    /// The fused graph.
    pub fused: Vec<FusedEdge>,
    /// Campaigns, best first.
    pub campaigns: Vec<Campaign>,
    /// For each account in a campaign: (campaign index into `campaigns`, account score).
    pub account_campaign: HashMap<u32, (usize, f64)>,
    /// Groups not reported as campaigns, with the reason.
    pub set_aside: Vec<SetAside>,
}

fn ln_to_log10(x: f64) -> f64 {
    x / std::f64::consts::LN_10
}

/// Evidence of one significant edge: -log10 q, capped.
pub fn evidence_of(e: &SigEdge, cap: f64) -> f64 {
    (-ln_to_log10(e.ln_q)).clamp(0.0, cap)
}

/// Run significance testing on every trace, fuse, find and score campaigns.
pub fn detect(
    table: &PostTable,
    traces: &[(Trace, Vec<i64>)],
    params: &DetectParams,
) -> Result<Detection, String> {
    let test = test_params(params);
    let stock = substance::StockPhrases::of(table, traces.iter().map(|(t, _)| t));
    let behaviours: Vec<BehaviourEdges> = traces
        .iter()
        .map(|(trace, windows)| {
            let (tested, resolution) = prepare_with(table, trace, params, &stock);
            let tested = tested.as_ref().unwrap_or(trace);
            // Rounds are bursts on other accounts' posts: reposts and replies.
            let test = TestParams {
                rounds: params.rounds
                    && matches!(trace.space, lockstep_traces::ObjectSpace::PostRefs),
                ..test.clone()
            };
            let (edges, summary) = test_behaviour(
                table,
                tested,
                trace.events.len(),
                &resolution,
                windows,
                &test,
            );
            BehaviourEdges {
                behaviour: trace.behaviour,
                edges,
                summary,
            }
        })
        .collect();
    detect_from_with(table, traces, behaviours, params, &stock)
}

/// The parameters of the pair test within `params`.
pub fn test_params(params: &DetectParams) -> TestParams {
    TestParams {
        alpha: params.alpha,
        min_co_actions: params.min_co_actions,
        group_evidence: params.group_evidence,
        visit_gap_ms: params.visit_gap_ms.unwrap_or(0),
        // Set per behaviour by `detect` (reposts and replies only); the distributed stage
        // does not test rounds.
        rounds: false,
    }
}

/// What the pair test of `trace` runs on: the trace without stock phrases and reduced to
/// visits (`None`: the trace itself), and the time grids of its acts.
pub fn prepare(
    table: &PostTable,
    trace: &Trace,
    params: &DetectParams,
) -> (Option<Trace>, timing::Resolution) {
    prepare_with(
        table,
        trace,
        params,
        &substance::StockPhrases::of(table, [trace]),
    )
}

/// [`prepare`] with the stock-phrase verdicts already worked out for `trace`'s posts.
pub(crate) fn prepare_with(
    table: &PostTable,
    trace: &Trace,
    params: &DetectParams,
    stock: &substance::StockPhrases,
) -> (Option<Trace>, timing::Resolution) {
    let resolution = timing::Resolution::of(table, trace);
    let substantive = substance::without_stock_phrases_in(trace, stock);
    let trace_in = substantive.as_ref().unwrap_or(trace);
    let tested = match params.visit_gap_ms {
        Some(gap) => Some(visits::visits(trace_in, gap, table.account_count())),
        None => substantive,
    };
    (tested, resolution)
}

/// Fuse, find and score campaigns from each behaviour's significant edges, found by
/// [`detect`] or elsewhere (the distributed significance stage, lockstep-dist), in the
/// order of `traces`.
pub fn detect_from(
    table: &PostTable,
    traces: &[(Trace, Vec<i64>)],
    behaviours: Vec<BehaviourEdges>,
    params: &DetectParams,
) -> Result<Detection, String> {
    let stock = substance::StockPhrases::of(table, traces.iter().map(|(t, _)| t));
    detect_from_with(table, traces, behaviours, params, &stock)
}

/// [`detect_from`] with the stock-phrase verdicts of `traces` already worked out.
fn detect_from_with(
    table: &PostTable,
    traces: &[(Trace, Vec<i64>)],
    behaviours: Vec<BehaviourEdges>,
    params: &DetectParams,
    stock: &substance::StockPhrases,
) -> Result<Detection, String> {
    let mut behaviours = behaviours;
    let mut fused = fuse(&behaviours, params);

    // Communities over the accounts that have any edge.
    let mut nodes: Vec<u32> = fused.iter().flat_map(|f| [f.a, f.b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    // Nodes are numbered by account (platform, id), not by the order accounts were read:
    // Leiden's result depends on the numbering, and the same records in another order (a
    // nested Weibo export whose root posts follow their comments, or its flattened copy
    // with roots first) must give the same campaigns.
    nodes.sort_by(|&a, &b| {
        (table.account_platform(a), table.account_id(a))
            .cmp(&(table.account_platform(b), table.account_id(b)))
    });
    let index: HashMap<u32, u32> = nodes
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, i as u32))
        .collect();
    let mut graph: Vec<(u32, u32, f64)> = fused
        .iter()
        .map(|f| {
            let (i, j) = (index[&f.a], index[&f.b]);
            (i.min(j), i.max(j), f.strength.max(1e-9))
        })
        .collect();
    graph.sort_by_key(|e| (e.0, e.1));
    let community = communities::leiden(nodes.len(), &graph, params.resolution, params.seed)?;

    let mut groups: HashMap<u32, Vec<u32>> = HashMap::default();
    for (i, &c) in community.iter().enumerate() {
        groups.entry(c).or_default().push(nodes[i]);
    }
    let mut campaigns = Vec::new();
    let mut account_campaign = HashMap::default();
    let mut group_list: Vec<Vec<u32>> = groups
        .into_values()
        .filter(|g| g.len() >= params.min_campaign_size)
        .collect();
    group_list.sort();
    let mut by_rounds = vec![false; group_list.len()];
    // Cores split off round groups (see `core_of_round_groups`): members -> group size.
    let mut round_cores = RoundCores::default();
    if params.rounds {
        // Groups whose evidence is mostly round overlaps are judged by their rounds
        // (`round_reason`), not by exclusivity.
        let judged: Vec<bool> = group_list
            .iter()
            .map(|g| {
                score_campaign(g, &fused, &behaviours, params)
                    .0
                    .basis
                    .round_evidence
                    >= 0.5
            })
            .collect();
        let unpruned: Vec<Vec<u32>> = group_list
            .iter()
            .zip(&judged)
            .filter(|&(_, &j)| j)
            .map(|(g, _)| g.clone())
            .collect();
        (group_list, by_rounds) = prune_round_groups(table, group_list, judged, traces, params);
        (group_list, by_rounds) = keep_pruned_links(
            &unpruned,
            group_list,
            by_rounds,
            traces,
            &fused,
            &behaviours,
            params,
        );
        (group_list, by_rounds) = split_round_groups(
            table,
            group_list,
            by_rounds,
            traces,
            &fused,
            &behaviours,
            params,
        );
        (group_list, by_rounds, round_cores) =
            core_of_round_groups(table, group_list, by_rounds, traces, params);
        (group_list, by_rounds) = drop_round_only_members(
            table,
            group_list,
            by_rounds,
            traces,
            &fused,
            &behaviours,
            params,
        );
    }
    (group_list, by_rounds) =
        split_single_object(table, group_list, by_rounds, &fused, &behaviours, params);
    let exclusive = exclusivity(
        table,
        &group_list,
        traces,
        &fused,
        &behaviours,
        &params.seed_accounts,
    );
    let on_posts = on_posts(traces);
    let round_signals = rounds::round_signals(table, &group_list, traces);
    let mut set_aside = Vec::new();
    let describe = |members: &[u32],
                    ex: GroupObjects,
                    rs: rounds::RoundSignals,
                    fused: &[FusedEdge],
                    behaviours: &[BehaviourEdges]| {
        let (mut campaign, strengths) = score_campaign(members, fused, behaviours, params);
        campaign.components.exclusivity = ex.share;
        campaign.components.source_concentration = ex.concentration;
        campaign.components.member_concentration = ex.member_concentration;
        campaign.basis.objects = ex.objects;
        campaign.basis.top_object_share = ex.top_object_share;
        campaign.basis.rounds = rs;
        campaign.basis.seed_echo = ex.seed_share;
        if !round_cores.is_empty() {
            let mut key = members.to_vec();
            key.sort_unstable();
            campaign.basis.round_core_of = round_cores.get(&key).copied();
        }
        campaign.basis.amplify_evidence =
            echo::amplify_evidence(members, fused, behaviours, &on_posts, params.max_evidence);
        (campaign, strengths)
    };
    for (((members, ex), rs), by_rounds) in group_list
        .into_iter()
        .zip(exclusive)
        .zip(round_signals)
        .zip(by_rounds)
    {
        let (campaign, strengths) = describe(&members, ex, rs, &fused, &behaviours);
        if campaign.edges == 0 || campaign.score < params.min_campaign_score {
            continue;
        }
        if campaign.components.total_evidence < params.min_campaign_evidence {
            continue;
        }
        let crowd = if by_rounds {
            round_reason(&campaign.basis.rounds)
        } else {
            set_aside_reason(&campaign.components, &campaign.basis, params)
        };
        // Part of a crowd around a known source: say so (see [`echo`]).
        let crowd = crowd.map(|r| {
            if echo::is_echo(campaign.basis.seed_echo, campaign.basis.amplify_evidence) {
                echo::REASON
            } else {
                r
            }
        });
        let reason = one_object_reason(&campaign.basis, params).or(crowd);
        if let Some(reason) = reason {
            set_aside.push(SetAside {
                accounts: members.len(),
                reason,
                components: campaign.components.clone(),
                basis: campaign.basis.clone(),
                members,
            });
            continue;
        }
        campaigns.push((campaign, members, strengths));
    }
    // Accounts that write a campaign's texts in its rounds join it (see [`text_rounds`]).
    let joins = {
        let groups: Vec<&[u32]> = campaigns.iter().map(|c| c.1.as_slice()).collect();
        text_rounds::joins_with(table, traces, &groups, params, stock)
    };
    if !joins.is_empty() {
        let mut grown: Vec<usize> = Vec::new();
        let mut joined: foldhash::HashSet<u32> = Default::default();
        for j in joins {
            for (bi, e) in j.edges {
                behaviours[bi].edges.push(e);
            }
            campaigns[j.campaign].1.push(j.account);
            joined.insert(j.account);
            if grown.last() != Some(&j.campaign) {
                grown.push(j.campaign);
            }
        }
        // An account is listed once: a joining account leaves the group set aside it was in.
        for g in &mut set_aside {
            g.members.retain(|a| !joined.contains(a));
            g.accounts = g.members.len();
        }
        for be in &mut behaviours {
            be.edges.sort_by_key(|e| (e.stats.a, e.stats.b));
            be.edges.dedup_by_key(|e| (e.stats.a, e.stats.b));
            be.summary.significant = be.edges.len();
        }
        fused = fuse(&behaviours, params);
        let groups: Vec<Vec<u32>> = grown.iter().map(|&c| campaigns[c].1.clone()).collect();
        let exclusive = exclusivity(
            table,
            &groups,
            traces,
            &fused,
            &behaviours,
            &params.seed_accounts,
        );
        let round_signals = rounds::round_signals(table, &groups, traces);
        for ((&c, ex), rs) in grown.iter().zip(exclusive).zip(round_signals) {
            let (campaign, strengths) = describe(&campaigns[c].1, ex, rs, &fused, &behaviours);
            campaigns[c].0 = campaign;
            campaigns[c].2 = strengths;
        }
    }
    campaigns.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(a.1.cmp(&b.1)));
    let mut out = Vec::with_capacity(campaigns.len());
    for (i, (mut c, mut members, strengths)) in campaigns.into_iter().enumerate() {
        c.id = i as u32 + 1;
        let max = strengths
            .values()
            .cloned()
            .fold(0.0f64, f64::max)
            .max(1e-12);
        members.sort_by(|x, y| strengths[y].total_cmp(&strengths[x]).then(x.cmp(y)));
        for &m in &members {
            account_campaign.insert(m, (i, c.score * (0.5 + 0.5 * strengths[&m] / max)));
        }
        c.members = members;
        out.push(c);
    }
    Ok(Detection {
        behaviours,
        fused,
        campaigns: out,
        account_campaign,
        set_aside,
    })
}

/// The multiplex graph of `behaviours`' significant edges: one edge a pair, its strength
/// the evidence summed over behaviours, sorted by (a, b).
fn fuse(behaviours: &[BehaviourEdges], params: &DetectParams) -> Vec<FusedEdge> {
    let mut fused_map: HashMap<u64, FusedEdge> = HashMap::default();
    for (bi, be) in behaviours.iter().enumerate() {
        for (ei, e) in be.edges.iter().enumerate() {
            let key = ((e.stats.a as u64) << 32) | e.stats.b as u64;
            let f = fused_map.entry(key).or_insert_with(|| FusedEdge {
                a: e.stats.a,
                b: e.stats.b,
                strength: 0.0,
                parts: Vec::new(),
            });
            f.strength += evidence_of(e, params.max_evidence);
            f.parts.push((bi, ei));
        }
    }
    let mut fused: Vec<FusedEdge> = fused_map.into_values().collect();
    fused.sort_by_key(|f| (f.a, f.b));
    fused
}

/// For each group: on the objects two or more of its members acted on (in the behaviours
/// where it has internal edges), the share of the activity around the group's own acts
/// (within the behaviour's tightest window of any member's act) that the group made. A
/// ring pushing an article is most of the traffic in the minutes it pushes, even when the
/// article is shared all week; fans are a slice of the crowd reacting to their celebrity.
fn exclusivity(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    seeds: &[u32],
) -> Vec<GroupObjects> {
    let group_of = group_index(table, groups, |_| true);
    // Behaviours with an internal edge, per group.
    let mut active = vec![vec![false; traces.len()]; groups.len()];
    // Members with an internal pair-test edge (not only round overlaps).
    let mut pair_linked = vec![false; table.account_count()];
    for f in fused {
        let (ga, gb) = (group_of[f.a as usize], group_of[f.b as usize]);
        if ga != u32::MAX && ga == gb {
            // Round overlaps are judged by the rounds (`round_reason`), not by exclusivity.
            for &(bi, ei) in &f.parts {
                if !behaviours[bi].edges[ei].from_rounds {
                    active[ga as usize][bi] = true;
                    pair_linked[f.a as usize] = true;
                    pair_linked[f.b as usize] = true;
                }
            }
        }
    }
    let mut own = vec![0u64; groups.len()];
    let mut all = vec![0u64; groups.len()];
    // Per group: member events on posts, by the posts' author.
    let mut sources: Vec<HashMap<u32, u64>> = vec![HashMap::default(); groups.len()];
    // Per member: events on posts two or more members acted on, by the posts' author.
    let mut member_sources: HashMap<(u32, u32), u64> = HashMap::default();
    // Per group: objects two or more members acted on, member pairs on them, and the most
    // on one object.
    let mut objects = vec![0usize; groups.len()];
    let mut pairs = vec![0u64; groups.len()];
    let mut top_pairs = vec![0u64; groups.len()];
    let mut present: Vec<(u32, u32)> = Vec::new();
    for (bi, (trace, windows)) in traces.iter().enumerate() {
        let w = windows.iter().copied().min().unwrap_or(60_000);
        let on_posts = matches!(trace.space, lockstep_traces::ObjectSpace::PostRefs);
        for group in lockstep_kernel::object_groups(&trace.events) {
            let obj = group[0].object;
            present.clear();
            for e in group {
                let g = group_of[e.account as usize];
                if g != u32::MAX && active[g as usize][bi] {
                    present.push((g, e.account));
                }
            }
            if present.len() >= 2 {
                present.sort_unstable();
                present.dedup();
                for members in present.chunk_by(|x, y| x.0 == y.0) {
                    let g = members[0].0;
                    if members.len() >= 2 {
                        let k_members = members.len() as u64;
                        let p = k_members * (k_members - 1) / 2;
                        objects[g as usize] += 1;
                        pairs[g as usize] += p;
                        top_pairs[g as usize] = top_pairs[g as usize].max(p);
                        let (o, a) = lockstep_kernel::activity_near(group, w, |e| {
                            group_of[e.account as usize] == g
                        });
                        own[g as usize] += o;
                        all[g as usize] += a;
                        if on_posts {
                            if let Some(p) = table.ref_post(obj) {
                                let author = table.author(p);
                                *sources[g as usize].entry(author).or_default() += o;
                                for e in group {
                                    if group_of[e.account as usize] == g {
                                        *member_sources.entry((e.account, author)).or_default() +=
                                            1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // Each member's most amplified author's share of its amplifying, grouped by group;
    // only members the pair test links (round overlaps lend a fan club the busy accounts
    // that meet it on its star's posts, whose own reposts are spread).
    let mut member_top: HashMap<u32, (u64, u64)> = HashMap::default();
    for (&(account, _), &n) in member_sources
        .iter()
        .filter(|((a, _), _)| pair_linked[*a as usize])
    {
        let (top, total) = member_top.entry(account).or_default();
        *top = (*top).max(n);
        *total += n;
    }
    let mut member_shares: Vec<Vec<f64>> = vec![Vec::new(); groups.len()];
    for (account, (top, total)) in member_top {
        member_shares[group_of[account as usize] as usize].push(top as f64 / total as f64);
    }
    (0..groups.len())
        .map(|g| {
            let (o, a) = (own[g], all[g]);
            let share = if a == 0 { 0.0 } else { o as f64 / a as f64 };
            let total: u64 = sources[g].values().sum();
            let top = sources[g].values().copied().max().unwrap_or(0);
            let concentration = if total == 0 {
                0.0
            } else {
                top as f64 / total as f64
            };
            let seed_share = (!seeds.is_empty()).then(|| {
                let on_seeds: u64 = sources[g]
                    .iter()
                    .filter(|(a, _)| seeds.binary_search(a).is_ok())
                    .map(|(_, &n)| n)
                    .sum();
                if total == 0 {
                    0.0
                } else {
                    on_seeds as f64 / total as f64
                }
            });
            GroupObjects {
                share,
                concentration,
                member_concentration: median(&mut member_shares[g]),
                seed_share,
                objects: objects[g],
                top_object_share: if pairs[g] == 0 {
                    0.0
                } else {
                    top_pairs[g] as f64 / pairs[g] as f64
                },
            }
        })
        .collect()
}

/// What [`exclusivity`] finds for one group.
struct GroupObjects {
    /// Exclusivity (see [`ScoreComponents::exclusivity`]).
    share: f64,
    /// Source concentration (see [`ScoreComponents::source_concentration`]).
    concentration: f64,
    /// See [`ScoreComponents::member_concentration`].
    member_concentration: f64,
    /// See [`Basis::objects`].
    objects: usize,
    /// See [`Basis::top_object_share`].
    top_object_share: f64,
    /// See [`Basis::seed_echo`].
    seed_share: Option<f64>,
}

/// Why a group's evidence is not enough, if it rests on one object.
///
/// Many acts of accounts on one object — regulars answering each other under one post, a
/// post reposted again and again — are one occasion, however many co-actions they add up
/// to: a thread is not a plan. A group is reported only if most of its evidence comes from
/// pairs that co-acted on two or more distinct objects, or wrote the same (substantive)
/// text again ([`Basis::multi_object_evidence`] at least
/// [`DetectParams::min_multi_object_evidence`]).
fn one_object_reason(b: &Basis, params: &DetectParams) -> Option<&'static str> {
    if b.multi_object_evidence >= params.min_multi_object_evidence {
        return None;
    }
    if b.top_object_share >= 0.5 {
        Some("one object: its evidence rests on one object (a thread, one post acted on again and again)")
    } else {
        Some("single-object pairs: most of its evidence is pairs that co-acted on one object only")
    }
}

/// Whether an edge's evidence goes beyond one object: the pair co-acted on two or more
/// distinct objects, or the behaviour is text the members wrote themselves (co-text,
/// co-similar). Such text is replicated, not visited: the same paragraph posted again in a
/// later round (visits have already merged repeats within the gap) is a new occasion, and
/// repeating it is what a copy-paste ring does. Stock phrases make no such evidence
/// ([`substance`]).
fn beyond_one_object(behaviours: &[BehaviourEdges], bi: usize, ei: usize) -> bool {
    behaviours[bi].edges[ei].stats.objects >= 2 || behaviours[bi].behaviour.spec().authored
}

/// Groups whose evidence rests mostly on single objects, split into the parts the pair test
/// links by evidence beyond one object ([`beyond_one_object`]; round overlaps do not link):
/// the connected components of those internal edges with at least the smallest campaign's
/// members, each judged as a group, and the rest, kept as one group (set aside by
/// [`one_object_reason`] unless what is left says otherwise).
///
/// Leiden joins a group that coordinates across many posts with the commenters it meets
/// under one or two of them: a hashtag push that also comments under popular posts is
/// linked to those posts' commenters by single-object co-reply pairs (or, with `--rounds`,
/// comment-round overlaps), and if those are most of the merged group's evidence the whole
/// group was set aside as single-object, the push with it. A thread's regulars linked only
/// under their thread stay set aside. Returns the groups, sorted, each with its `by_rounds`
/// flag (the rest keeps its group's).
fn split_single_object(
    table: &PostTable,
    groups: Vec<Vec<u32>>,
    by_rounds: Vec<bool>,
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    params: &DetectParams,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let edges: Vec<LinkEvidence> = fused
        .iter()
        .map(|f| {
            let (mut total, mut beyond, mut links) = (0.0, 0.0, false);
            for &(bi, ei) in &f.parts {
                let e = &behaviours[bi].edges[ei];
                let ev = evidence_of(e, params.max_evidence);
                total += ev;
                if beyond_one_object(behaviours, bi, ei) {
                    beyond += ev;
                    links |= !e.from_rounds;
                }
            }
            LinkEvidence {
                a: f.a,
                b: f.b,
                total,
                beyond,
                links,
            }
        })
        .collect();
    split_by_links(
        table.account_count(),
        groups,
        by_rounds,
        &edges,
        params.min_multi_object_evidence,
        params.min_campaign_size,
    )
}

/// A fused edge's evidence: all of it, the part beyond one object, and whether the pair
/// test itself (not a round overlap) found evidence beyond one object.
#[derive(Clone, Copy, Debug)]
struct LinkEvidence {
    a: u32,
    b: u32,
    total: f64,
    beyond: f64,
    links: bool,
}

/// [`split_single_object`] on the fused edges' evidence (`accounts`: how many accounts
/// there are): groups with less than `min_share` of their internal evidence beyond one
/// object are split into the components of their pair-test edges with evidence beyond one
/// object (`min_size` members or more; judged like any group) and the rest (keeping its
/// `by_rounds` flag).
fn split_by_links(
    accounts: usize,
    groups: Vec<Vec<u32>>,
    by_rounds: Vec<bool>,
    edges: &[LinkEvidence],
    min_share: f64,
    min_size: usize,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let mut group_of = vec![u32::MAX; accounts];
    for (gi, g) in groups.iter().enumerate() {
        for &a in g {
            group_of[a as usize] = gi as u32;
        }
    }
    // Per group: internal evidence, the part beyond one object, and those edges.
    let mut total = vec![0.0f64; groups.len()];
    let mut beyond = vec![0.0f64; groups.len()];
    let mut links: Vec<Vec<(u32, u32)>> = vec![Vec::new(); groups.len()];
    for e in edges {
        let g = group_of[e.a as usize];
        if g == u32::MAX || g != group_of[e.b as usize] {
            continue;
        }
        total[g as usize] += e.total;
        beyond[g as usize] += e.beyond;
        if e.links {
            links[g as usize].push((e.a, e.b));
        }
    }
    let mut out: Vec<(Vec<u32>, bool)> = Vec::with_capacity(groups.len());
    for (gi, (g, is_round)) in groups.into_iter().zip(by_rounds).enumerate() {
        let single = total[gi] > 0.0 && beyond[gi] < min_share * total[gi];
        if !single {
            out.push((g, is_round));
            continue;
        }
        let cores: Vec<Vec<u32>> = components(&links[gi])
            .into_iter()
            .filter(|c| c.len() >= min_size)
            .collect();
        if cores.is_empty() || (cores.len() == 1 && cores[0].len() == g.len()) {
            out.push((g, is_round));
            continue;
        }
        let taken: foldhash::HashSet<u32> = cores.iter().flatten().copied().collect();
        let rest: Vec<u32> = g.into_iter().filter(|a| !taken.contains(a)).collect();
        out.extend(cores.into_iter().map(|c| (c, false)));
        if rest.len() >= min_size {
            out.push((rest, is_round));
        }
    }
    out.sort();
    out.into_iter().unzip()
}

/// Each account's group (index into `groups`, among the groups `keep` accepts), or
/// `u32::MAX` for none.
fn group_index(table: &PostTable, groups: &[Vec<u32>], keep: impl Fn(usize) -> bool) -> Vec<u32> {
    let mut group_of = vec![u32::MAX; table.account_count()];
    for (gi, g) in groups.iter().enumerate().filter(|&(gi, _)| keep(gi)) {
        for &a in g {
            group_of[a as usize] = gi as u32;
        }
    }
    group_of
}

/// For each trace, whether its objects are posts (reposts, replies): what the members
/// amplify, as against what they write, tag or link.
fn on_posts(traces: &[(Trace, Vec<i64>)]) -> Vec<bool> {
    traces
        .iter()
        .map(|(t, _)| matches!(t.space, lockstep_traces::ObjectSpace::PostRefs))
        .collect()
}

/// Connected components of the graph of `edges`, each sorted (union-find; the accounts
/// are the edges' ends).
fn components(edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut nodes: Vec<u32> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let at = |a: u32| nodes.binary_search(&a).unwrap_or_default();
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(a, b) in edges {
        let (ra, rb) = (root(&mut parent, at(a)), root(&mut parent, at(b)));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut by_root: HashMap<usize, Vec<u32>> = HashMap::default();
    for (i, &a) in nodes.iter().enumerate() {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(a);
    }
    let mut out: Vec<Vec<u32>> = by_root.into_values().collect();
    out.sort();
    out
}

/// Groups judged by their rounds (`judged`: evidence mostly round overlaps,
/// [`Basis::round_evidence`] at least a half) keep only the
/// members in at least [`rounds::MIN_MEMBER_ROUNDS`] of the group's independent rounds
/// ([`rounds::Round::independent`]): Leiden puts
/// the few cascade participants (or fans) who happened to share some rounds with a ring
/// into its community, and a ring member joins most rounds. A group with no independent
/// round is kept whole (and set aside by [`round_reason`]); groups left smaller than the
/// smallest campaign are dropped. Returns the groups, sorted, each with its `judged` flag.
fn prune_round_groups(
    table: &PostTable,
    groups: Vec<Vec<u32>>,
    judged: Vec<bool>,
    traces: &[(Trace, Vec<i64>)],
    params: &DetectParams,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let mut groups: Vec<(Vec<u32>, bool)> = groups.into_iter().zip(judged).collect();
    // Until no member is dropped: a group's rounds are those of its members, so pruning
    // changes them. A ring in a community four times its size has few rounds of a quarter
    // of the community (two, on seed 3 of the weibo world at scale 0.1), in which the
    // cascade's participants who shared one of them pass; among the ring alone, its many
    // rounds show them up. Each pass only removes members, so this ends.
    for _ in 0..MAX_PRUNE_PASSES {
        let lists: Vec<Vec<u32>> = groups.iter().map(|(g, _)| g.clone()).collect();
        let presence = rounds::member_rounds(table, &lists, traces);
        let mut changed = false;
        groups = groups
            .into_iter()
            .zip(presence)
            .filter_map(|((g, is_round), (n_rounds, per_member))| {
                if !is_round || n_rounds == 0 {
                    return Some((g, is_round));
                }
                let before = g.len();
                let kept: Vec<u32> = g
                    .into_iter()
                    .zip(per_member)
                    .filter(|&(_, k)| k as f64 >= rounds::MIN_MEMBER_ROUNDS * n_rounds as f64)
                    .map(|(m, _)| m)
                    .collect();
                changed |= kept.len() != before;
                (kept.len() >= params.min_campaign_size).then_some((kept, true))
            })
            .collect();
        if !changed {
            break;
        }
    }
    groups.sort();
    groups.into_iter().unzip()
}

/// In a group judged like any other (not by its rounds), a member linked to the others
/// only by round overlaps must be in at least [`rounds::MIN_MEMBER_ROUNDS`] of the group's
/// synchronised rounds, or it is dropped. Round overlaps only add: they find members whose
/// pairs co-act too seldom for the pair test, but a group the pair test found by itself
/// (a repost ring on the h20 world, 39 synchronised rounds) also gathers, by one or two
/// overlaps each, organic accounts that reposted the same posts in one or two of its
/// rounds (five on seeds 2 and 3: precision 0.96 with rounds, 1.00 without). A ring
/// member joins most rounds. Groups left smaller than the smallest campaign are dropped.
/// Returns the groups, sorted, each with its `by_rounds` flag.
fn drop_round_only_members(
    table: &PostTable,
    groups: Vec<Vec<u32>>,
    by_rounds: Vec<bool>,
    traces: &[(Trace, Vec<i64>)],
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    params: &DetectParams,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let group_of = group_index(table, &groups, |gi| !by_rounds[gi]);
    // Members with an internal edge, and those with an internal pair-test edge.
    let mut linked = vec![false; table.account_count()];
    let mut pair_linked = vec![false; table.account_count()];
    for f in fused {
        let g = group_of[f.a as usize];
        if g == u32::MAX || g != group_of[f.b as usize] {
            continue;
        }
        linked[f.a as usize] = true;
        linked[f.b as usize] = true;
        if f.parts
            .iter()
            .any(|&(bi, ei)| !behaviours[bi].edges[ei].from_rounds)
        {
            pair_linked[f.a as usize] = true;
            pair_linked[f.b as usize] = true;
        }
    }
    let round_only = |a: u32| linked[a as usize] && !pair_linked[a as usize];
    let checked: Vec<usize> = (0..groups.len())
        .filter(|&gi| !by_rounds[gi] && groups[gi].iter().any(|&a| round_only(a)))
        .collect();
    if checked.is_empty() {
        return (groups, by_rounds);
    }
    let lists: Vec<Vec<u32>> = checked.iter().map(|&gi| groups[gi].clone()).collect();
    let mut presence: Vec<(usize, Vec<usize>)> =
        lists.iter().map(|g| (0, vec![0; g.len()])).collect();
    for r in rounds::rounds_of(table, &lists, traces) {
        if !r.synchronised {
            continue;
        }
        let entry = &mut presence[r.group as usize];
        entry.0 += 1;
        for &pos in &r.members {
            entry.1[pos as usize] += 1;
        }
    }
    let mut out: Vec<(Vec<u32>, bool)> = groups.into_iter().zip(by_rounds).collect();
    for (&gi, (n_rounds, per_member)) in checked.iter().zip(presence) {
        let need = rounds::MIN_MEMBER_ROUNDS * n_rounds as f64;
        let g = std::mem::take(&mut out[gi].0);
        out[gi].0 = g
            .into_iter()
            .zip(per_member)
            .filter(|&(a, k)| !round_only(a) || (n_rounds > 0 && k as f64 >= need))
            .map(|(a, _)| a)
            .collect();
    }
    let mut out: Vec<(Vec<u32>, bool)> = out
        .into_iter()
        .filter(|(g, _)| g.len() >= params.min_campaign_size)
        .collect();
    out.sort();
    out.into_iter().unzip()
}

/// Members that [`prune_round_groups`] dropped from a round group keep what the pair test
/// found among them: round overlaps only add pairs, they never take away a pair's own
/// evidence (the rule of [`split_round_groups`] for groups set aside whole). Pruning drops
/// a member for not being in the group's rounds, which says nothing of what else it did:
/// Leiden put members of a copy-paste group in a boost ring's community (their camouflage
/// reposts of the ring's popular posts overlap the ring's rounds), and pruning removed them
/// with their co-similar edges, so the copy-paste group was in no group at all (weibo world
/// at scale 0.05, seed 2: 0 of its 22 members reported or set aside). The dropped members
/// of each group (`unpruned`: the round groups before pruning) are split into the connected
/// components of their pair-test edges among themselves of behaviours whose objects are not
/// posts (what they wrote, tagged or linked: their rounds were just found to speak against
/// their acts on posts, as in [`split_round_groups`]). A dropped member with such edges into
/// a group not judged by rounds first returns to the one it has most of that evidence with:
/// the same camouflage put two members of a hashtag push in the ring's community by their
/// co-repost round overlaps, although each had 23-29 co-hashtag edges to the push (seed 2),
/// and Leiden would have left them with the push but for those overlaps. The rest form the
/// connected components of those edges among themselves; each component of the smallest
/// campaign's size or more is a group judged like any other, by exclusivity. Returns the
/// groups, sorted, each with its `by_rounds` flag.
fn keep_pruned_links(
    unpruned: &[Vec<u32>],
    groups: Vec<Vec<u32>>,
    by_rounds: Vec<bool>,
    traces: &[(Trace, Vec<i64>)],
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    params: &DetectParams,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let kept: foldhash::HashSet<u32> = groups.iter().flatten().copied().collect();
    // Dropped member -> the round group it was dropped from.
    let mut dropped_from: HashMap<u32, usize> = HashMap::default();
    for (gi, g) in unpruned.iter().enumerate() {
        for &a in g {
            if !kept.contains(&a) {
                dropped_from.insert(a, gi);
            }
        }
    }
    if dropped_from.is_empty() {
        return (groups, by_rounds);
    }
    let on_posts = on_posts(traces);
    // Pair-test evidence of behaviours whose objects are not posts.
    let content = |f: &FusedEdge| -> f64 {
        f.parts
            .iter()
            .filter(|&&(bi, ei)| !behaviours[bi].edges[ei].from_rounds && !on_posts[bi])
            .map(|&(bi, ei)| evidence_of(&behaviours[bi].edges[ei], params.max_evidence))
            .sum()
    };
    let mut group_of: HashMap<u32, usize> = HashMap::default();
    for (gi, g) in groups.iter().enumerate() {
        if !by_rounds[gi] {
            for &a in g {
                group_of.insert(a, gi);
            }
        }
    }
    // Dropped member -> (group not judged by rounds -> content evidence with its members).
    let mut towards: HashMap<u32, HashMap<usize, f64>> = HashMap::default();
    let mut links: Vec<(u32, u32)> = Vec::new();
    for f in fused {
        let ev = content(f);
        if ev <= 0.0 {
            continue;
        }
        match (dropped_from.get(&f.a), dropped_from.get(&f.b)) {
            (Some(x), Some(y)) if x == y => links.push((f.a, f.b)),
            (Some(_), None) | (None, Some(_)) => {
                let (d, other) = if dropped_from.contains_key(&f.a) {
                    (f.a, f.b)
                } else {
                    (f.b, f.a)
                };
                if let Some(&gi) = group_of.get(&other) {
                    *towards.entry(d).or_default().entry(gi).or_default() += ev;
                }
            }
            _ => {}
        }
    }
    let mut groups = groups;
    let mut returned: foldhash::HashSet<u32> = Default::default();
    let mut sorted: Vec<(&u32, &HashMap<usize, f64>)> = towards.iter().collect();
    sorted.sort_by_key(|&(&a, _)| a);
    for (&a, to) in sorted {
        let best = to
            .iter()
            .max_by(|x, y| x.1.total_cmp(y.1).then(y.0.cmp(x.0)))
            .map(|(&gi, _)| gi);
        if let Some(gi) = best {
            groups[gi].push(a);
            returned.insert(a);
        }
    }
    for g in groups.iter_mut() {
        g.sort_unstable();
    }
    links.retain(|&(a, b)| !returned.contains(&a) && !returned.contains(&b));
    let mut out: Vec<(Vec<u32>, bool)> = groups.into_iter().zip(by_rounds).collect();
    out.extend(
        components(&links)
            .into_iter()
            .filter(|c| c.len() >= params.min_campaign_size)
            .map(|c| (c, false)),
    );
    out.sort();
    out.into_iter().unzip()
}

/// Most pruning passes of [`prune_round_groups`] (each drops members; two or three settle
/// the weibo world's and CHECKED's groups).
const MAX_PRUNE_PASSES: usize = 8;

/// Round groups (`by_rounds`) that their rounds would set aside ([`round_reason`]) keep
/// what the pair test found in them: round overlaps only add pairs, they never take away a
/// pair's own evidence. Such a group is split into the members linked inside it by pair-test
/// edges (each connected component of those edges, of the smallest campaign's size or more,
/// judged like any group, by exclusivity) and the rest, linked by round overlaps only
/// (judged by their rounds). Components, not all linked members together: a hashtag push
/// (co-hashtag) and 26 real commenters sharing slogans among themselves (co-text), with no
/// edge between the two, were judged as one loosely linked group and set aside (CHECKED,
/// planting seed 1). Which pair-test edges count depends on what the rounds say:
/// - fewer than three rounds say nothing either way, so any pair-test edge does. A hashtag
///   push whose members also comment together under two popular posts is linked by those
///   comment bursts to the posts' other commenters; without the split the whole group was
///   set aside for having two rounds. The components of edges on what the members wrote,
///   tagged or linked are split off first, then those of the other pair-test edges among
///   the members left: Leiden put a copy-paste group (co-similar) with 150 real commenters
///   of the outlet whose posts it comments under (CHECKED, planting seed 4), and judged
///   together the commenters' co-replies made the group a slice of that outlet's crowd.
/// - three rounds or more that are slow or follow the cascade are evidence against the
///   members' acts on posts being coordinated, so only edges of behaviours whose objects are
///   not posts (what the members wrote, tagged or linked) do. Leiden put a copy-paste group
///   (co-similar) and the fan club whose star's posts both reposted in one community
///   joined by round overlaps; the fans' rounds set the copy-paste group aside with them.
///   An ordered comment cohort's co-reply edges stay judged by its slow rounds.
fn split_round_groups(
    table: &PostTable,
    groups: Vec<Vec<u32>>,
    by_rounds: Vec<bool>,
    traces: &[(Trace, Vec<i64>)],
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    params: &DetectParams,
) -> (Vec<Vec<u32>>, Vec<bool>) {
    let signals = rounds::round_signals(table, &groups, traces);
    let group_of = group_index(table, &groups, |_| true);
    let on_posts = on_posts(traces);
    // Pair-test edges inside each group: (a, b, of a behaviour whose objects are not posts).
    let mut links: Vec<Vec<(u32, u32, bool)>> = vec![Vec::new(); groups.len()];
    for f in fused {
        let g = group_of[f.a as usize];
        if g == u32::MAX || g != group_of[f.b as usize] {
            continue;
        }
        let own = || {
            f.parts
                .iter()
                .filter(|&&(bi, ei)| !behaviours[bi].edges[ei].from_rounds)
        };
        if own().next().is_some() {
            links[g as usize].push((f.a, f.b, own().any(|&(bi, _)| !on_posts[bi])));
        }
    }
    let mut out: Vec<(Vec<u32>, bool)> = Vec::with_capacity(groups.len());
    for (((g, is_round), rs), links) in groups.into_iter().zip(by_rounds).zip(signals).zip(links) {
        if !is_round || round_reason(&rs).is_none() {
            out.push((g, is_round));
            continue;
        }
        // The connected components of what the members wrote, tagged or linked first;
        // with fewer than three rounds, then those of the other pair-test edges among the
        // members left.
        let big = |c: &Vec<u32>| c.len() >= params.min_campaign_size;
        let content: Vec<(u32, u32)> = links
            .iter()
            .filter(|l| l.2)
            .map(|&(a, b, _)| (a, b))
            .collect();
        let mut parts: Vec<Vec<u32>> = components(&content).into_iter().filter(big).collect();
        if rs.rounds < 3 {
            let taken: foldhash::HashSet<u32> = parts.iter().flatten().copied().collect();
            let acts: Vec<(u32, u32)> = links
                .iter()
                .filter(|l| !taken.contains(&l.0) && !taken.contains(&l.1))
                .map(|&(a, b, _)| (a, b))
                .collect();
            parts.extend(components(&acts).into_iter().filter(big));
        }
        if parts.is_empty() {
            out.push((g, true));
            continue;
        }
        let taken: foldhash::HashSet<u32> = parts.iter().flatten().copied().collect();
        let rest: Vec<u32> = g.into_iter().filter(|a| !taken.contains(a)).collect();
        out.extend(parts.into_iter().map(|p| (p, false)));
        if big(&rest) {
            out.push((rest, true));
        }
    }
    out.sort();
    out.into_iter().unzip()
}

/// Cores split off round groups by [`core_of_round_groups`]: sorted members -> size of
/// the group each was found in.
type RoundCores = HashMap<Vec<u32>, usize>;

/// Round groups (`by_rounds`) that their rounds set aside ([`round_reason`]) are searched
/// for a core with synchronised rounds of its own. A group's rounds need a quarter of its
/// members ([`rounds::round_size`]): a ring of 35 that Leiden put in one community with 140
/// real reposters of the same popular posts (CHECKED, planting seed 5) sends 21-31 members
/// a round, under the 44 a round of 175 needs, so the group has no synchronised round and
/// is set aside whole although the ring alone has 26. The search reads the group's rounds
/// as a sub-group of half its size would have them ([`rounds::rounds_at`]), then a quarter,
/// and so on down to the smallest campaign: the core is the members in at least
/// [`rounds::MIN_MEMBER_ROUNDS`] of those rounds that are independent of their post
/// ([`rounds::Round::independent`], three or more; a fan club's rounds on its star's posts
/// are not, so fans in the same group do not join a ring's core), pruned by its own
/// independent rounds as any round group ([`prune_round_groups`]). The
/// first core that its own rounds do not set aside ([`round_reason`]) and whose rounds are
/// at least half independent, unsynchronised ones included, is split off and judged by its
/// rounds like any round group; the rest stays a round group, judged by its own rounds (the
/// crowd of reposters is set aside by them). The second condition is stricter than a
/// group's because the core was searched for among the group's members: busy accounts of
/// a crowd meeting on viral posts have many rounds, of which a searched core of four can
/// have three synchronised and independent by chance (18 rounds, 4 synchronised, 3
/// independent on seed 5 of the weibo world at scale 0.1), while a ring's rounds are its
/// own (26 of 26 on CHECKED, planting seed 5). A crowd's core is judged the same way: fans acting
/// in the first minutes after each post, or busy accounts meeting on viral posts over
/// hours, have no synchronised rounds independent of the post among themselves either.
///
/// Returns the groups, sorted, each with its `by_rounds` flag, and for each core split off
/// (by its sorted members) the size of the group it was found in.
fn core_of_round_groups(
    table: &PostTable,
    groups: Vec<Vec<u32>>,
    by_rounds: Vec<bool>,
    traces: &[(Trace, Vec<i64>)],
    params: &DetectParams,
) -> (Vec<Vec<u32>>, Vec<bool>, RoundCores) {
    let signals = rounds::round_signals(table, &groups, traces);
    let mut open: Vec<usize> = (0..groups.len())
        .filter(|&i| by_rounds[i] && round_reason(&signals[i]).is_some())
        .collect();
    let group_of = group_index(table, &groups, |_| true);
    // The size of sub-group whose rounds each open group is read for, halved each pass.
    let mut size: Vec<usize> = groups.iter().map(|g| g.len() / 2).collect();
    let mut core: Vec<Option<Vec<u32>>> = vec![None; groups.len()];
    loop {
        // At least 2, so the halving ends whatever a library caller set.
        open.retain(|&i| size[i] >= params.min_campaign_size.max(2));
        if open.is_empty() {
            break;
        }
        let lists: Vec<Vec<u32>> = open.iter().map(|&i| groups[i].clone()).collect();
        let need: Vec<usize> = open.iter().map(|&i| rounds::round_size(size[i])).collect();
        let mut independent = vec![0usize; open.len()];
        let mut presence: Vec<Vec<usize>> = lists.iter().map(|g| vec![0; g.len()]).collect();
        for r in rounds::rounds_at(table, &lists, traces, &need) {
            if r.independent() {
                independent[r.group as usize] += 1;
                for &pos in &r.members {
                    presence[r.group as usize][pos as usize] += 1;
                }
            }
        }
        let candidates: Vec<Vec<u32>> = lists
            .iter()
            .zip(&presence)
            .zip(&independent)
            .filter(|&(_, &n)| n >= 3)
            .map(|((g, per_member), &n)| {
                g.iter()
                    .zip(per_member)
                    .filter(|&(_, &k)| k as f64 >= rounds::MIN_MEMBER_ROUNDS * n as f64)
                    .map(|(&m, _)| m)
                    .collect::<Vec<u32>>()
            })
            .filter(|c| c.len() >= params.min_campaign_size)
            .collect();
        let judged = vec![true; candidates.len()];
        let (pruned, _) = prune_round_groups(table, candidates, judged, traces, params);
        let pruned_signals = rounds::round_signals(table, &pruned, traces);
        for (c, rs) in pruned.into_iter().zip(pruned_signals) {
            // Groups are disjoint: a core's members name the group it came from (pruning
            // keeps groups of `min_campaign_size` or more, which a library caller may set to 0).
            let Some(&first) = c.first() else {
                continue;
            };
            let gi = group_of[first as usize] as usize;
            if round_reason(&rs).is_none()
                && 2 * rs.independent >= rs.rounds
                && c.len() < groups[gi].len()
            {
                core[gi] = Some(c);
            }
        }
        open.retain(|&i| core[i].is_none());
        for &i in &open {
            size[i] /= 2;
        }
    }
    let mut cores = HashMap::default();
    let mut out: Vec<(Vec<u32>, bool)> = Vec::with_capacity(groups.len());
    for ((g, is_round), c) in groups.into_iter().zip(by_rounds).zip(core) {
        let Some(mut c) = c else {
            out.push((g, is_round));
            continue;
        };
        c.sort_unstable();
        let rest: Vec<u32> = g
            .iter()
            .copied()
            .filter(|a| c.binary_search(a).is_err())
            .collect();
        cores.insert(c.clone(), g.len());
        out.push((c, true));
        if rest.len() >= params.min_campaign_size {
            out.push((rest, true));
        }
    }
    out.sort();
    let (groups, by_rounds) = out.into_iter().unzip();
    (groups, by_rounds, cores)
}

/// Why a group whose evidence is mostly round overlaps is not a campaign, if it is not.
///
/// Exclusivity does not decide here: a ring reposting viral posts is a small part of their
/// traffic by design. What decides is whether the members' synchrony is explained by the
/// posts: fans act as their star's posts appear, in the first minutes, one by one; a ring
/// joins a post well into its cascade, all within a minute or two. A group is reported if
/// it has three rounds or more, three or more of them synchronised (most of the members on
/// the post act within [`rounds::MOMENT_S`], [`rounds::Round::synchronised`]), and at least
/// half of its synchronised rounds (three or more) are independent of their post
/// ([`rounds::Round::independent`]: they start at least [`rounds::MIN_LAG_TO_SPAN`] times
/// their span after the post appeared). Rounds that are not synchronised (the members
/// meeting on a popular post over hours, as camouflage or as any busy accounts do) neither
/// count for nor against the group.
fn round_reason(r: &rounds::RoundSignals) -> Option<&'static str> {
    if r.rounds < 3 {
        return Some(
            "few rounds: fewer than three posts on which a quarter of its members act together",
        );
    }
    if r.synchronised < 3 {
        return Some("slow rounds: on fewer than three posts do most of its members there act within ten minutes; a queue or a crowd, not a synchronised round");
    }
    if r.independent >= 3 && 2 * r.independent >= r.synchronised {
        return None;
    }
    Some("cascade-following: its rounds are the first minutes after each post appeared, as fans act; not synchronised on their own")
}

/// Share of a group's internal evidence from behaviours on other accounts' posts
/// ([`Basis::amplify_evidence`]) from which what it amplifies can make it a slice of a crowd.
pub const MIN_CROWD_AMPLIFY: f64 = 0.5;

/// Why a dense, significant group is not a campaign, if it is not.
///
/// A ring makes most of the traffic on what it pushes in the minutes it pushes
/// (exclusivity). A group that is a minority of that traffic is kept only if it is densely
/// linked (half its pairs) and either amplifies many sources (a ring joining popular posts)
/// or rests mostly on what its members post themselves, not on what they amplify
/// ([`Basis::amplify_evidence`] under [`MIN_CROWD_AMPLIFY`]): text they write together
/// (co-text, co-similar; stock phrases make none), hashtags, links. Source concentration
/// describes what a group amplifies; fans of a celebrity reply under the same posts, each
/// in their own words or a stock phrase. A copy-paste group or a hashtag push that also
/// comments under a state outlet's posts is a minority of the traffic there and mostly one
/// source, like fans, and is told apart by what it posts. Otherwise the group is a slice of
/// a crowd: fans of one celebrity, or a loose overlap of busy accounts (on real CHECKED, 20
/// commenters sharing a few slogans under one outlet's posts had density 0.22).
fn set_aside_reason(
    c: &ScoreComponents,
    basis: &Basis,
    params: &DetectParams,
) -> Option<&'static str> {
    if c.exclusivity >= params.min_exclusivity {
        return None;
    }
    let amplifies = basis.amplify_evidence >= MIN_CROWD_AMPLIFY;
    let single_source = c.source_concentration.max(c.member_concentration);
    if amplifies && single_source >= params.fan_concentration {
        return Some("fan-like: amplifies a single outside source as part of a larger crowd");
    }
    if (amplifies && c.source_concentration >= 0.5) || c.density < 0.5 {
        return Some(
            "crowd-like: a minority of the activity it joins, loosely linked or mostly one source",
        );
    }
    None
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Score a group: how dense its evidence is, how strong, and across how many behaviours.
fn score_campaign(
    members: &[u32],
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    params: &DetectParams,
) -> (Campaign, HashMap<u32, f64>) {
    let set: foldhash::HashSet<u32> = members.iter().copied().collect();
    let mut strengths: HashMap<u32, f64> = members.iter().map(|&m| (m, 0.0)).collect();
    let mut evidence = Vec::new();
    let mut min_dts = Vec::new();
    let mut per_behaviour: HashMap<usize, usize> = HashMap::default();
    let mut co_actions = 0u64;
    let mut edges = 0usize;
    let (mut multi, mut parts_evidence, mut from_rounds) = (0.0f64, 0.0f64, 0.0f64);
    for f in fused
        .iter()
        .filter(|f| set.contains(&f.a) && set.contains(&f.b))
    {
        edges += 1;
        evidence.push(f.strength);
        *strengths.entry(f.a).or_default() += f.strength;
        *strengths.entry(f.b).or_default() += f.strength;
        let mut min_dt = f64::INFINITY;
        for &(bi, ei) in &f.parts {
            *per_behaviour.entry(bi).or_default() += 1;
            let e = &behaviours[bi].edges[ei];
            let s = &e.stats;
            co_actions += s.co_actions;
            min_dt = min_dt.min(s.min_dt_ms as f64 / 1000.0);
            let ev = evidence_of(e, params.max_evidence);
            parts_evidence += ev;
            if e.from_rounds {
                from_rounds += ev;
            }
            if beyond_one_object(behaviours, bi, ei) {
                multi += ev;
            }
        }
        min_dts.push(min_dt);
    }
    let n = members.len() as f64;
    let density = if n > 1.0 {
        edges as f64 / (n * (n - 1.0) / 2.0)
    } else {
        0.0
    };
    let total_evidence: f64 = evidence.iter().sum();
    let median_evidence = median(&mut evidence);
    let nb = per_behaviour.len();
    let score = (density.sqrt()
        * (1.0 - (-median_evidence / 10.0).exp())
        * (1.0 + 0.15 * (nb.saturating_sub(1)) as f64))
        .min(1.0);
    let mut grids: Vec<&'static str> = per_behaviour
        .keys()
        .map(|&bi| behaviours[bi].summary.time_grid)
        .collect();
    grids.sort_unstable();
    grids.dedup();
    let time_resolution = match grids.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        _ => "mixed".to_string(),
    };
    let mut behaviours_list: Vec<(String, usize)> = per_behaviour
        .into_iter()
        .map(|(bi, c)| (behaviours[bi].behaviour.name().to_string(), c))
        .collect();
    behaviours_list.sort();
    (
        Campaign {
            id: 0,
            members: Vec::new(),
            score,
            components: ScoreComponents {
                density,
                median_evidence,
                total_evidence,
                behaviours: nb,
                median_min_dt_s: median(&mut min_dts),
                co_actions,
                exclusivity: 0.0,
                source_concentration: 0.0,
                member_concentration: 0.0,
            },
            behaviours: behaviours_list,
            edges,
            basis: Basis {
                objects: 0,
                top_object_share: 0.0,
                multi_object_evidence: if parts_evidence > 0.0 {
                    multi / parts_evidence
                } else {
                    0.0
                },
                time_resolution,
                round_evidence: if parts_evidence > 0.0 {
                    from_rounds / parts_evidence
                } else {
                    0.0
                },
                rounds: rounds::RoundSignals::default(),
                seed_echo: None,
                amplify_evidence: 0.0,
                round_core_of: None,
            },
        },
        strengths,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{PostRecord, TimePrecision};
    use lockstep_traces::{extract, Semantics};

    /// Minute-stamped Weibo comments under 60 posts of one outlet: a background of 600
    /// accounts commenting once per post, five regulars answering each other all day under
    /// one post (a thread), and five accounts commenting within a minute under each of 12
    /// posts (a ring).
    fn table() -> PostTable {
        let mut t = PostTable::new();
        let mut push = |id: String, author: String, minute: i64, reply: Option<String>| {
            t.push(&PostRecord {
                platform: "weibo".into(),
                id,
                author_id: author,
                time_ms: minute * 60_000,
                time_precision: TimePrecision::Minute,
                reply_to: reply,
                ..Default::default()
            });
        };
        for p in 0..60 {
            push(
                format!("root{p}"),
                format!("outlet{}", p % 7),
                p * 600,
                None,
            );
            for k in 0..10 {
                push(
                    format!("c{p}-{k}"),
                    format!("u{}", (p * 10 + k) % 600),
                    p * 600 + 3 * k,
                    Some(format!("root{p}")),
                );
            }
        }
        for k in 0..40 {
            for m in 0..5 {
                push(
                    format!("t{k}-{m}"),
                    format!("thread{m}"),
                    5 + 5 * k + m,
                    Some("root0".into()),
                );
            }
        }
        for r in 0..12 {
            let p = 4 * r + 3;
            for m in 0..5 {
                push(
                    format!("r{r}-{m}"),
                    format!("ring{m}"),
                    p * 600 + 40,
                    Some(format!("root{p}")),
                );
            }
        }
        t
    }

    #[test]
    fn a_thread_is_set_aside_as_one_object_and_a_ring_across_posts_is_reported() {
        let t = table();
        let trace = extract(&t, Behaviour::CoReply, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        // Every act counted, so the thread's pairs are significant: the rule must catch it.
        let params = DetectParams {
            visit_gap_ms: None,
            ..DetectParams::default()
        };
        let det = detect(&t, &traces, &params).expect("detect");
        let names = |m: &[u32]| -> Vec<String> {
            let mut v: Vec<String> = m.iter().map(|&a| t.account_id(a).to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(det.campaigns.len(), 1, "{:?}", det.campaigns);
        let ring = &det.campaigns[0];
        assert_eq!(
            names(&ring.members),
            ["ring0", "ring1", "ring2", "ring3", "ring4"]
        );
        assert_eq!(ring.basis.objects, 12);
        assert!(ring.basis.multi_object_evidence > 0.99, "{:?}", ring.basis);
        assert_eq!(ring.basis.time_resolution, "minute");
        let thread = det
            .set_aside
            .iter()
            .find(|s| s.members.iter().any(|&m| t.account_id(m) == "thread0"))
            .expect("the thread is set aside");
        assert!(thread.reason.starts_with("one object"), "{}", thread.reason);
        assert_eq!(thread.basis.multi_object_evidence, 0.0);
        assert!(thread.basis.top_object_share > 0.99, "{:?}", thread.basis);
    }

    /// Comments with text: 600 background accounts each writing their own words, five
    /// fans answering each of 12 posts within a minute with a stock phrase or emoji, and
    /// five ring accounts posting one copied paragraph per post within a minute.
    fn texts() -> PostTable {
        let mut t = PostTable::new();
        let mut push = |id: String, author: String, minute: i64, text: String| {
            t.push(&PostRecord {
                platform: "weibo".into(),
                id,
                author_id: author,
                time_ms: minute * 60_000,
                time_precision: TimePrecision::Minute,
                text,
                ..Default::default()
            });
        };
        for p in 0..60 {
            for k in 0..10 {
                push(
                    format!("c{p}-{k}"),
                    format!("u{}", (p * 10 + k) % 600),
                    p * 600 + 3 * k,
                    format!("my own comment number {p} {k} on this news story"),
                );
            }
        }
        let stock = ["🌹", "支持！", "说得好", "❤️", "[心]", "说得好像你很懂"];
        for r in 0..12 {
            for m in 0..5 {
                push(
                    format!("f{r}-{m}"),
                    format!("fan{m}"),
                    (4 * r + 3) * 600 + 40,
                    stock[r as usize % stock.len()].to_string(),
                );
                push(
                    format!("r{r}-{m}"),
                    format!("ring{m}"),
                    (4 * r + 1) * 600 + 40,
                    format!("一款存在后门隐患的芯片，不可能是好芯片，第{r}轮"),
                );
            }
        }
        t
    }

    /// Without the stock-phrase rule the fans are a second "campaign" on six distinct texts.
    #[test]
    fn stock_phrases_make_no_co_text_campaign_and_copied_paragraphs_do() {
        let t = texts();
        let trace = extract(&t, Behaviour::CoText, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        let det = detect(&t, &traces, &DetectParams::default()).expect("detect");
        let names = |m: &[u32]| -> Vec<String> {
            let mut v: Vec<String> = m.iter().map(|&a| t.account_id(a).to_string()).collect();
            v.sort();
            v
        };
        let mut found: Vec<Vec<String>> = det.campaigns.iter().map(|c| names(&c.members)).collect();
        found.extend(det.set_aside.iter().map(|s| names(&s.members)));
        found.sort();
        assert_eq!(found, [["ring0", "ring1", "ring2", "ring3", "ring4"]]);
    }

    /// Push a minute-stamped Weibo post, a repost of `of` when given.
    fn push_minute_repost(
        t: &mut PostTable,
        id: String,
        author: String,
        minute: i64,
        of: Option<String>,
    ) {
        t.push(&PostRecord {
            platform: "weibo".into(),
            id,
            author_id: author,
            time_ms: minute * 60_000,
            time_precision: TimePrecision::Minute,
            repost_of: of,
            ..Default::default()
        });
    }

    /// Six star posts ten hours apart, each reposted in its first minutes by `fans`
    /// accounts (`fan00`, `fan01`, ...), ten a minute.
    fn star_with_fans(push: &mut impl FnMut(String, String, i64, Option<String>), fans: i64) {
        for r in 0..6 {
            push(format!("star{r}"), "star".into(), r * 600, None);
            for f in 0..fans {
                push(
                    format!("s{r}-{f}"),
                    format!("fan{f:02}"),
                    r * 600 + f / 10,
                    Some(format!("star{r}")),
                );
            }
        }
    }

    /// Minute-stamped reposts: 40 outlet posts reposted by a public of 2,000 accounts every
    /// ten minutes for five hours; a star's 12 posts reposted by six fans in the first three
    /// minutes; six ring accounts reposting 12 of the outlet posts two hours into their
    /// cascades, all in one minute.
    fn reposts() -> PostTable {
        let mut t = PostTable::new();
        let mut push = |id: String, author: String, minute: i64, of: Option<String>| {
            push_minute_repost(&mut t, id, author, minute, of)
        };
        for p in 0..40 {
            push(
                format!("root{p}"),
                format!("outlet{}", p % 5),
                p * 600,
                None,
            );
            for k in 0..30 {
                push(
                    format!("r{p}-{k}"),
                    format!("u{}", (p * 30 + k) % 2000),
                    p * 600 + 10 * k,
                    Some(format!("root{p}")),
                );
            }
        }
        for r in 0..12 {
            push(format!("star{r}"), "star".into(), r * 600 + 5, None);
            for f in 0..6 {
                push(
                    format!("s{r}-{f}"),
                    format!("fan{f}"),
                    r * 600 + 5 + f / 2,
                    Some(format!("star{r}")),
                );
            }
            let p = 3 * r + 1;
            for m in 0..6 {
                push(
                    format!("b{r}-{m}"),
                    format!("ring{m}"),
                    p * 600 + 120,
                    Some(format!("root{p}")),
                );
            }
        }
        t
    }

    /// A club of 20 fans reposting each of six star posts in its first minute, and, as
    /// active accounts do, three of them meeting now and then on other posts half an hour
    /// into their cascades.
    fn fans_with_incidental_posts() -> PostTable {
        let mut t = PostTable::new();
        let mut push = |id: String, author: String, minute: i64, of: Option<String>| {
            push_minute_repost(&mut t, id, author, minute, of)
        };
        star_with_fans(&mut push, 20);
        for p in 0..10 {
            push(
                format!("root{p}"),
                format!("outlet{p}"),
                p * 500 + 100,
                None,
            );
            for k in 0..3 {
                push(
                    format!("x{p}-{k}"),
                    format!("fan{:02}", (3 * p + k) % 20),
                    p * 500 + 130,
                    Some(format!("root{p}")),
                );
            }
        }
        t
    }

    /// Three members of a twenty-account group on a post are not one of its rounds: counted
    /// as rounds, the ten incidental posts made the club's median round start half an hour
    /// after its post, as a ring's does.
    #[test]
    fn a_round_needs_a_quarter_of_the_group() {
        let t = fans_with_incidental_posts();
        let trace = extract(&t, Behaviour::CoRepost, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        let fans: Vec<u32> = (0..t.account_count() as u32)
            .filter(|&a| t.account_id(a).starts_with("fan"))
            .collect();
        assert_eq!(fans.len(), 20);
        assert_eq!(rounds::round_size(fans.len()), 5);
        let groups = vec![fans];
        let s = &rounds::round_signals(&t, &groups, &traces)[0];
        assert_eq!((s.rounds, s.independent, s.sources), (6, 0, 1), "{s:?}");
        assert!(s.lag_s <= 60.0, "{s:?}");
        assert!(round_reason(s).is_some_and(|r| r.starts_with("cascade-following")));
        // The six rounds are the star's posts, none independent of its post: no member is
        // counted in an independent round, so pruning keeps no one (the group is set
        // aside whole, not pruned).
        let presence = rounds::member_rounds(&t, &groups, &traces);
        assert_eq!(presence[0], (0, vec![0; 20]));
    }

    #[test]
    fn fans_following_their_star_are_cascade_following_and_a_ring_mid_cascade_is_not() {
        let t = reposts();
        let trace = extract(&t, Behaviour::CoRepost, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        let ids = |prefix: &str| -> Vec<u32> {
            (0..t.account_count() as u32)
                .filter(|&a| t.account_id(a).starts_with(prefix))
                .collect()
        };
        let groups = vec![ids("fan"), ids("ring")];
        let signals = rounds::round_signals(&t, &groups, &traces);
        let (fans, ring) = (&signals[0], &signals[1]);
        assert_eq!((fans.rounds, fans.sources), (12, 1), "{fans:?}");
        assert_eq!((ring.rounds, ring.sources), (12, 5), "{ring:?}");
        assert_eq!(ring.span_s, 0.0);
        assert_eq!(ring.lag_s, 7200.0);
        assert!(fans.lag_s <= 60.0, "{fans:?}");
        assert!(round_reason(fans).is_some_and(|r| r.starts_with("cascade-following")));
        assert_eq!(round_reason(ring), None);
        // Every ring act is in a round; the ring's minute is a small slice of a five-hour
        // cascade (its own six reposts and at most one of the public's 30).
        assert_eq!(ring.share, 1.0);
        assert!(ring.traffic_share < 0.25, "{ring:?}");
        // A member in no round is pruned from a round group; here every member is in all.
        let presence = rounds::member_rounds(&t, &groups, &traces);
        assert_eq!(presence[1], (12, vec![12; 6]));
    }

    fn link(a: u32, b: u32, total: f64, beyond: f64) -> LinkEvidence {
        LinkEvidence {
            a,
            b,
            total,
            beyond,
            links: beyond > 0.0,
        }
    }

    #[test]
    fn a_group_resting_on_one_thread_gives_up_its_multi_object_core() {
        // Accounts 0-9 answer each other under one post (single-object pairs, strong);
        // 10-14 push a hashtag set across posts (beyond one object) and comment under the
        // same post as 0-9, which links them; 15-17 are a second, separate core.
        let mut edges = Vec::new();
        for a in 0..10 {
            for b in a + 1..10 {
                edges.push(link(a, b, 20.0, 0.0));
            }
            edges.push(link(a, 10 + a % 5, 3.0, 0.0));
        }
        for a in 10..15 {
            for b in a + 1..15 {
                edges.push(link(a, b, 6.0, 5.0));
            }
        }
        edges.push(link(15, 16, 4.0, 4.0));
        edges.push(link(16, 17, 4.0, 4.0));
        let group: Vec<u32> = (0..18).collect();
        let (groups, by_rounds) =
            split_by_links(18, vec![group.clone()], vec![false], &edges, 0.5, 3);
        assert_eq!(
            groups,
            vec![
                (0..10).collect::<Vec<u32>>(),
                (10..15).collect(),
                vec![15, 16, 17]
            ]
        );
        assert_eq!(by_rounds, vec![false; 3]);

        // Judged by rounds: the cores are judged like any group, the rest by its rounds.
        let (groups, by_rounds) =
            split_by_links(18, vec![group.clone()], vec![true], &edges, 0.5, 3);
        assert_eq!(groups.len(), 3);
        assert_eq!(by_rounds, vec![true, false, false]);
        // Round overlaps beyond one object do not link: no core, the group stays whole.
        let overlaps: Vec<LinkEvidence> = edges
            .iter()
            .map(|&e| LinkEvidence { links: false, ..e })
            .collect();
        let (groups, by_rounds) =
            split_by_links(18, vec![group.clone()], vec![true], &overlaps, 0.5, 3);
        assert_eq!((groups, by_rounds), (vec![group.clone()], vec![true]));
        // Enough evidence beyond one object for the share asked (58 of 998 here): whole.
        let (groups, _) = split_by_links(18, vec![group.clone()], vec![false], &edges, 0.05, 3);
        assert_eq!(groups, vec![group]);
        // A thread alone has no core: it stays whole (and is set aside as one object).
        let thread: Vec<u32> = (0..10).collect();
        let (groups, _) = split_by_links(18, vec![thread.clone()], vec![false], &edges, 0.5, 3);
        assert_eq!(groups, vec![thread]);
    }

    #[test]
    fn a_group_resting_on_what_it_posts_is_not_a_slice_of_a_crowd() {
        let params = DetectParams::default();
        // A copy-paste group under one outlet's posts: a minority of the traffic there,
        // mostly one source, like fans.
        let components = ScoreComponents {
            density: 0.6,
            median_evidence: 10.0,
            total_evidence: 2800.0,
            behaviours: 2,
            median_min_dt_s: 0.0,
            co_actions: 810,
            exclusivity: 0.16,
            source_concentration: 0.96,
            member_concentration: 0.97,
        };
        let mut basis = Basis {
            objects: 55,
            top_object_share: 0.2,
            multi_object_evidence: 0.96,
            time_resolution: "minute".into(),
            round_evidence: 0.1,
            rounds: rounds::RoundSignals::default(),
            seed_echo: None,
            amplify_evidence: 0.9,
            round_core_of: None,
        };
        assert_eq!(
            set_aside_reason(&components, &basis, &params),
            Some("fan-like: amplifies a single outside source as part of a larger crowd")
        );
        // Most of its evidence is what it writes (co-similar), not what it amplifies.
        basis.amplify_evidence = 0.16;
        assert_eq!(set_aside_reason(&components, &basis, &params), None);
        // Commenters sharing a few slogans: writing the same, but loosely linked.
        let loose = ScoreComponents {
            density: 0.22,
            ..components
        };
        assert_eq!(
            set_aside_reason(&loose, &basis, &params),
            Some("crowd-like: a minority of the activity it joins, loosely linked or mostly one source")
        );
    }

    #[test]
    fn fans_of_two_stars_joined_in_one_group_are_still_fans() {
        let params = DetectParams::default();
        // Two fan clubs reposting their own star within seconds, joined by Leiden: the
        // group amplifies two sources, so its source concentration is about a half.
        let joined = ScoreComponents {
            density: 0.68,
            median_evidence: 10.6,
            total_evidence: 27_000.0,
            behaviours: 1,
            median_min_dt_s: 10.0,
            co_actions: 17_779,
            exclusivity: 0.57,
            source_concentration: 0.48,
            member_concentration: 1.0,
        };
        let basis = Basis {
            objects: 421,
            top_object_share: 0.07,
            multi_object_evidence: 0.87,
            time_resolution: "second".into(),
            round_evidence: 0.26,
            rounds: rounds::RoundSignals::default(),
            seed_echo: None,
            amplify_evidence: 1.0,
            round_core_of: None,
        };
        assert_eq!(
            set_aside_reason(&joined, &basis, &params),
            Some("fan-like: amplifies a single outside source as part of a larger crowd")
        );
        // A ring reposting popular posts of many authors: every member spreads its
        // reposts, and a minority of the traffic on viral posts is its camouflage.
        let ring = ScoreComponents {
            density: 1.0,
            exclusivity: 0.6,
            source_concentration: 0.13,
            member_concentration: 0.2,
            ..joined
        };
        assert_eq!(set_aside_reason(&ring, &basis, &params), None);
    }

    /// A significant pair-test edge between `a` and `b` (no round overlap).
    fn pair_edge(a: u32, b: u32) -> SigEdge {
        let (a, b) = (a.min(b), a.max(b));
        SigEdge {
            stats: lockstep_networks::native::PairStats::empty(a, b),
            expected: 1.0,
            ln_p: -20.0,
            ln_q: -20.0,
            window_ms: 60_000,
            from_rounds: false,
            stamp_window_ms: 60_000,
        }
    }

    fn edges_of(behaviour: Behaviour, edges: Vec<SigEdge>) -> BehaviourEdges {
        BehaviourEdges {
            behaviour,
            edges,
            summary: significance::BehaviourSummary {
                behaviour: behaviour.name().to_string(),
                windows_s: Vec::new(),
                events: 0,
                visits: 0,
                visit_gap_s: 0.0,
                resolution: timing::Resolution::default(),
                time_grid: "minute",
                windows: Vec::new(),
                accounts: 0,
                objects: 0,
                null_c: Vec::new(),
                pairs_observed: Vec::new(),
                pairs_tested: Vec::new(),
                hypotheses: 0.0,
                significant: 0,
                from_burst_overlaps: 0,
            },
        }
    }

    /// The fan club of `fans_with_incidental_posts` as one round group (its rounds follow
    /// the star's posts: set aside), with five of its members also linked by pair-test
    /// edges of `linked_by` (the first trace: co-repost, on posts; the second: co-text, on
    /// written texts). Returns the groups after the split, each with whether it is judged
    /// by its rounds.
    fn split_fans(linked_by: usize, star_posts: usize, cliques: usize) -> Vec<(Vec<u32>, bool)> {
        let t = fans_with_incidental_posts();
        let mut reposts = extract(&t, Behaviour::CoRepost, Semantics::Native).expect("trace");
        // Keep the reposts of the first `star_posts` star posts only (fewer rounds).
        let mut stars: Vec<u32> = (0..t.ref_count() as u32)
            .filter(|&s| t.ref_id(s).to_string().starts_with("star"))
            .collect();
        stars.sort_by_key(|&s| t.ref_id(s).to_string());
        reposts
            .events
            .retain(|e| stars[..star_posts].contains(&e.object) || !stars.contains(&e.object));
        let texts = Trace {
            behaviour: Behaviour::CoText,
            semantics: Semantics::Native,
            events: Vec::new(),
            space: lockstep_traces::ObjectSpace::Objects,
            multi_object_posts: false,
        };
        let traces = vec![(reposts, vec![60_000]), (texts, vec![60_000])];
        let fans: Vec<u32> = (0..t.account_count() as u32)
            .filter(|&a| t.account_id(a).starts_with("fan"))
            .collect();
        // `cliques` disjoint cliques of five fans, no edge between them.
        let mut pairs: Vec<SigEdge> = Vec::new();
        for k in 0..cliques {
            let five = &fans[5 * k..5 * k + 5];
            for (i, &a) in five.iter().enumerate() {
                pairs.extend(five[i + 1..].iter().map(|&b| pair_edge(a, b)));
            }
        }
        let mut behaviours = vec![
            edges_of(Behaviour::CoRepost, Vec::new()),
            edges_of(Behaviour::CoText, Vec::new()),
        ];
        behaviours[linked_by].edges = pairs;
        let fused: Vec<FusedEdge> = behaviours[linked_by]
            .edges
            .iter()
            .enumerate()
            .map(|(ei, e)| FusedEdge {
                a: e.stats.a,
                b: e.stats.b,
                strength: 20.0,
                parts: vec![(linked_by, ei)],
            })
            .collect();
        let signals = rounds::round_signals(&t, std::slice::from_ref(&fans), &traces);
        assert!(round_reason(&signals[0]).is_some(), "{signals:?}");
        let (groups, by_rounds) = split_round_groups(
            &t,
            vec![fans],
            vec![true],
            &traces,
            &fused,
            &behaviours,
            &DetectParams::default(),
        );
        groups.into_iter().zip(by_rounds).collect()
    }

    /// Members pruned from a round group keep what the pair test found among them: five
    /// copy-paste accounts linked by co-text (pruned from a ring's community, which round
    /// overlaps of their camouflage reposts put them in) become a group judged like any
    /// other; two push accounts with co-text edges into a group not judged by rounds return
    /// to it; accounts with only round overlaps, or only pair-test edges on posts (co-repost:
    /// the rounds just spoke against those), stay dropped.
    /// A repost ring of six (12 synchronised rounds, [`reposts`]) in a group judged like any
    /// other, with three more members: `o1` reposted with the ring in one round and `o2` in
    /// four, both linked to it by round overlaps only; `o3` by a pair-test edge.
    #[test]
    fn members_held_only_by_round_overlaps_need_a_quarter_of_the_rounds() {
        let mut t = reposts();
        let at = |r: i64| ((3 * r + 1) * 600 + 120, format!("root{}", 3 * r + 1));
        let (minute, root) = at(5);
        push_minute_repost(&mut t, "x1".into(), "o1".into(), minute, Some(root));
        for r in 0..4 {
            let (minute, root) = at(r);
            push_minute_repost(&mut t, format!("x2-{r}"), "o2".into(), minute, Some(root));
        }
        push_minute_repost(&mut t, "x3".into(), "o3".into(), 7, Some("root0".into()));
        let idx = |name: &str| {
            (0..t.account_count() as u32)
                .find(|&a| t.account_id(a) == name)
                .expect("account")
        };
        let ring: Vec<u32> = (0..6).map(|m| idx(&format!("ring{m}"))).collect();
        let (o1, o2, o3) = (idx("o1"), idx("o2"), idx("o3"));
        let mut edges = Vec::new();
        for (i, &a) in ring.iter().enumerate() {
            for &b in &ring[i + 1..] {
                edges.push(pair_edge(a, b));
            }
        }
        for &o in &[o1, o2] {
            edges.push(SigEdge {
                from_rounds: true,
                ..pair_edge(o, ring[0])
            });
        }
        edges.push(pair_edge(o3, ring[1]));
        edges.sort_by_key(|e| (e.stats.a, e.stats.b));
        let behaviours = vec![edges_of(Behaviour::CoRepost, edges)];
        let params = DetectParams::default();
        let fused = fuse(&behaviours, &params);
        let trace = extract(&t, Behaviour::CoRepost, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000])];
        let mut group = ring.clone();
        group.extend([o1, o2, o3]);
        let run = |by_rounds: bool| {
            drop_round_only_members(
                &t,
                vec![group.clone()],
                vec![by_rounds],
                &traces,
                &fused,
                &behaviours,
                &params,
            )
        };
        let mut want = ring.clone();
        want.extend([o2, o3]);
        assert_eq!(run(false), (vec![want], vec![false]));
        // A group judged by its rounds is pruned by `prune_round_groups`, not here.
        assert_eq!(run(true), (vec![group.clone()], vec![true]));
    }

    #[test]
    fn members_pruned_from_a_round_group_keep_their_pair_test_links() {
        let trace = |behaviour, space| Trace {
            behaviour,
            semantics: Semantics::Native,
            events: Vec::new(),
            space,
            multi_object_posts: false,
        };
        let traces = vec![
            (
                trace(Behaviour::CoRepost, lockstep_traces::ObjectSpace::PostRefs),
                vec![60_000],
            ),
            (
                trace(Behaviour::CoText, lockstep_traces::ObjectSpace::Objects),
                vec![60_000],
            ),
        ];
        let ring: Vec<u32> = (0..6).collect();
        let copy: Vec<u32> = (10..15).collect();
        let push: Vec<u32> = (30..36).collect();
        // Before pruning: the ring's community holds the copy-paste five, two push members
        // (20, 21), two accounts meeting the ring by round overlaps only (40, 41) and three
        // linked by co-repost pair-test edges (50-52).
        let unpruned: Vec<u32> = ring
            .iter()
            .chain(&copy)
            .copied()
            .chain([20, 21, 40, 41, 50, 51, 52])
            .collect();
        let mut repost = Vec::new();
        let mut text = Vec::new();
        for (i, &a) in copy.iter().enumerate() {
            for &b in &copy[i + 1..] {
                text.push(pair_edge(a, b));
            }
            repost.push(SigEdge {
                from_rounds: true,
                ..pair_edge(a, 0)
            });
        }
        for &a in &[20, 21] {
            for &b in &push {
                text.push(pair_edge(a, b));
            }
        }
        for &a in &[40, 41] {
            for &b in &ring {
                repost.push(SigEdge {
                    from_rounds: true,
                    ..pair_edge(a, b)
                });
            }
        }
        repost.extend([pair_edge(50, 51), pair_edge(50, 52), pair_edge(51, 52)]);
        let behaviours = vec![
            edges_of(Behaviour::CoRepost, repost),
            edges_of(Behaviour::CoText, text),
        ];
        let fused: Vec<FusedEdge> = behaviours
            .iter()
            .enumerate()
            .flat_map(|(bi, be)| {
                be.edges.iter().enumerate().map(move |(ei, e)| FusedEdge {
                    a: e.stats.a,
                    b: e.stats.b,
                    strength: 20.0,
                    parts: vec![(bi, ei)],
                })
            })
            .collect();
        let (groups, by_rounds) = keep_pruned_links(
            &[unpruned],
            vec![ring.clone(), push.clone()],
            vec![true, false],
            &traces,
            &fused,
            &behaviours,
            &DetectParams::default(),
        );
        let mut push_back = push.clone();
        push_back.extend([20, 21]);
        push_back.sort_unstable();
        let got: Vec<(Vec<u32>, bool)> = groups.into_iter().zip(by_rounds).collect();
        assert_eq!(
            got,
            vec![(ring, true), (copy, false), (push_back, false)],
            "{got:?}"
        );
    }

    /// A round group its rounds set aside keeps what the pair test found in it: five fans
    /// who also write the same texts (co-text) are split off and judged like any group,
    /// the other fifteen stay judged by their rounds. Co-repost edges (on the posts whose
    /// rounds set the club aside) do not split a group with three rounds or more, and any
    /// pair-test edge splits one with fewer than three (rounds that say nothing).
    #[test]
    fn round_groups_set_aside_keep_their_pair_test_members() {
        let split = split_fans(1, 6, 1);
        assert_eq!(split.len(), 2, "{split:?}");
        let linked: Vec<&(Vec<u32>, bool)> = split.iter().filter(|(_, r)| !r).collect();
        assert_eq!(linked.len(), 1);
        assert_eq!(linked[0].0.len(), 5);
        assert!(split.iter().any(|(g, r)| *r && g.len() == 15));

        let whole = split_fans(0, 6, 1);
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert_eq!((whole[0].0.len(), whole[0].1), (20, true));

        let few = split_fans(0, 2, 1);
        assert!(
            few.iter().any(|(g, r)| !r && g.len() == 5),
            "two rounds: co-repost edges split too: {few:?}"
        );

        // Two cliques with no edge between them are two groups, not one loosely linked.
        let two = split_fans(1, 6, 2);
        let linked: Vec<&Vec<u32>> = two.iter().filter(|(_, r)| !r).map(|(g, _)| g).collect();
        assert_eq!(
            linked.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [5, 5],
            "{two:?}"
        );
        assert!(two.iter().any(|(g, r)| *r && g.len() == 10), "{two:?}");
    }

    /// A crowd's round group with a ring inside: 30 fans reposting each of six star posts
    /// in its first minutes, and six ring accounts reposting twelve outlet posts together
    /// two hours into their cascades (30 of the public repost each). The ring sends six
    /// members a round, under the nine (a quarter) a round of the 36 needs.
    fn ring_in_fan_crowd() -> PostTable {
        let mut t = PostTable::new();
        let mut push = |id: String, author: String, minute: i64, of: Option<String>| {
            push_minute_repost(&mut t, id, author, minute, of)
        };
        star_with_fans(&mut push, 30);
        for p in 0..12 {
            let at = 5000 + p * 300;
            push(format!("root{p}"), format!("outlet{}", p % 4), at, None);
            for k in 0..30 {
                push(
                    format!("r{p}-{k}"),
                    format!("u{}", p * 30 + k),
                    at + 4 * k,
                    Some(format!("root{p}")),
                );
            }
            for m in 0..6 {
                push(
                    format!("b{p}-{m}"),
                    format!("ring{m}"),
                    at + 120,
                    Some(format!("root{p}")),
                );
            }
        }
        t
    }

    /// A round group its rounds set aside is searched for a core with synchronised rounds
    /// of its own: the ring in a fan crowd's group is split off and judged by its own
    /// rounds (reported), the fans stay a round group set aside by theirs. Without the
    /// search the group is set aside whole: pruning keeps everyone (no independent round of
    /// nine members) and no pair-test edge splits it. A fan club whose members meet by
    /// threes on other posts now and then has no core.
    #[test]
    fn a_ring_inside_a_crowds_round_group_is_split_off_by_its_own_rounds() {
        let t = ring_in_fan_crowd();
        let trace = extract(&t, Behaviour::CoRepost, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        let ids = |t: &PostTable, prefix: &str| -> Vec<u32> {
            (0..t.account_count() as u32)
                .filter(|&a| t.account_id(a).starts_with(prefix))
                .collect()
        };
        let (fans, ring) = (ids(&t, "fan"), ids(&t, "ring"));
        let mut group: Vec<u32> = fans.iter().chain(&ring).copied().collect();
        group.sort_unstable();
        let params = DetectParams::default();
        let whole = &rounds::round_signals(&t, std::slice::from_ref(&group), &traces)[0];
        assert_eq!((whole.rounds, whole.independent), (6, 0), "{whole:?}");
        assert!(round_reason(whole).is_some_and(|r| r.starts_with("cascade-following")));
        // Before: pruning and the pair-test split leave the group whole.
        let (pruned, judged) =
            prune_round_groups(&t, vec![group.clone()], vec![true], &traces, &params);
        assert_eq!((&pruned, &judged), (&vec![group.clone()], &vec![true]));
        let (split, judged) = split_round_groups(
            &t,
            pruned,
            judged,
            &traces,
            &[],
            &[edges_of(Behaviour::CoRepost, Vec::new())],
            &params,
        );
        assert_eq!((&split, &judged), (&vec![group.clone()], &vec![true]));

        let (groups, by_rounds, cores) = core_of_round_groups(&t, split, judged, &traces, &params);
        assert_eq!(by_rounds, vec![true, true]);
        let mut expected = vec![fans.clone(), ring.clone()];
        expected.sort();
        assert_eq!(groups, expected);
        assert_eq!(cores.get(&ring), Some(&36));
        assert_eq!(cores.len(), 1);
        let signals = rounds::round_signals(&t, &groups, &traces);
        for (g, s) in groups.iter().zip(&signals) {
            if *g == ring {
                assert_eq!((s.rounds, s.independent), (12, 12), "{s:?}");
                assert_eq!(round_reason(s), None);
            } else {
                assert!(round_reason(s).is_some_and(|r| r.starts_with("cascade-following")));
            }
        }

        let t = fans_with_incidental_posts();
        let trace = extract(&t, Behaviour::CoRepost, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        let fans = ids(&t, "fan");
        let (groups, by_rounds, cores) =
            core_of_round_groups(&t, vec![fans.clone()], vec![true], &traces, &params);
        assert_eq!((groups, by_rounds), (vec![fans], vec![true]));
        assert!(cores.is_empty());
    }
}
