//! The analysis: from a post table to campaigns, with evidence for every claim, computed
//! in memory ([`analyze`], [`analyze_with`]); `write.rs` writes the files.

use crate::analysis::{AccountRow, Analysis, EdgeRow, EvidenceRow, Posts};
use crate::config::AnalyzeConfig;
use crate::error::{Error, Result};
use anyhow::anyhow;
use lockstep_campaigns::signals::{signals, AccountSignals, CampaignSignals};
use lockstep_campaigns::significance::default_windows;
use lockstep_campaigns::{detect, DetectParams, Detection};
use lockstep_ingest::IngestReport;
use lockstep_kernel::PairWindows;
use lockstep_model::PostTable;
use lockstep_narratives::SeedIndex;
use lockstep_networks::evidence::collect_evidence;
use lockstep_networks::native::PairStats;
use lockstep_output::{rfc3339, schema, AttrType, AttrValue, Edge, Graph, Node};
use lockstep_similar::{assign_templates, co_similar_trace, SimilarParams};
use lockstep_traces::{extract, Behaviour, Semantics, Trace};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Extra edge columns of a native pair, shared by `network`'s CSV and `analyze`'s
/// edges.csv so the two files describe a pair the same way.
pub const PAIR_STATS_COLUMNS: [&str; 7] = schema::columns::edges::PAIR_STATS;

/// The values of [`PAIR_STATS_COLUMNS`] for one pair.
pub fn pair_stats_values(s: &PairStats) -> [lockstep_networks::Value<'static>; 7] {
    use lockstep_networks::Value;
    [
        Value::U(s.posts_a),
        Value::U(s.posts_b),
        Value::U(s.objects),
        Value::F(s.min_dt_ms as f64 / 1000.0),
        Value::F(s.mean_dt_s()),
        Value::U(s.a_first),
        Value::U(s.b_first),
    ]
}

/// The null model, in words, for summary.json.
const NULL_MODEL: &str = "Poisson, lambda = d_a * d_b * sum_o (n_o/E)^2 * p_o; Benjamini-Hochberg over A(A-1)/2 pairs per behaviour and window, Bonferroni over windows";

/// Community detection, in words, for summary.json.
const COMMUNITY_DETECTION: &str = "Leiden (modularity) on the fused graph; edge strength = sum over behaviours of min(-log10 q, max_evidence)";

/// Behaviours `analyze` tests by default that the data can support, in output order
/// (the registry's `default` and `supported`, lockstep-traces' `behaviours/`).
fn supported(table: &PostTable) -> Vec<Behaviour> {
    Behaviour::ALL
        .into_iter()
        .filter(|b| b.spec().default && (b.spec().supported)(table))
        .collect()
}

/// Stage timings of one run, for summary.json.
#[derive(Clone, Debug)]
pub struct Timer {
    started: Instant,
    stages: Vec<(String, f64)>,
}

impl Timer {
    /// A timer whose first stage starts now.
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            stages: Vec::new(),
        }
    }

    /// End the current stage, naming it, and start the next.
    pub fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.stages
            .push((name.to_string(), (now - self.started).as_secs_f64()));
        // What the stage freed goes back to the system before the next one allocates.
        crate::memory::release();
        crate::memory::report_stage(name);
        self.started = Instant::now();
    }
}

/// The stages of an analysis, in order, as a progress callback hears of them.
pub const STAGES: [&str; 5] = ["traces", "detect", "evidence", "signals", "narratives"];

/// Where an analysis is: stage `index` of `total` ([`STAGES`]) starts; `index == total`
/// (stage `done`) when the last one has ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The stage starting (a name of [`STAGES`]), or `done`.
    pub stage: &'static str,
    /// Its position, from 0.
    pub index: usize,
    /// Number of stages.
    pub total: usize,
}

/// A progress callback: called on the thread running the analysis, so it must be quick.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Sync);

/// How an analysis runs, besides its configuration: what came before it (how the posts
/// were read, when the run started), who watches it and how to stop it. The default runs
/// silently with nothing before.
#[derive(Default)]
pub struct Run<'a> {
    /// How the posts were read, for summary.json's counts, inputs and warnings (none:
    /// zero records read, no input files).
    pub ingest: Option<&'a IngestReport>,
    /// When the whole run started and the stages timed before the analysis (the command
    /// line's `ingest`); none: now, no earlier stage.
    pub clock: Option<(Instant, Timer)>,
    /// Called as each stage starts ([`Progress`]).
    pub progress: Option<ProgressFn<'a>>,
    /// Checked between stages and between behaviours: once set (from any thread), the
    /// analysis stops with [`Error::cancelled`].
    pub cancel: Option<&'a AtomicBool>,
}

impl Run<'_> {
    fn stage(&self, index: usize) -> Result {
        self.check()?;
        if let Some(f) = self.progress {
            f(Progress {
                stage: STAGES.get(index).copied().unwrap_or("done"),
                index,
                total: STAGES.len(),
            });
        }
        Ok(())
    }

    fn check(&self) -> Result {
        match self.cancel {
            Some(c) if c.load(Ordering::Relaxed) => Err(Error::cancelled()),
            _ => Ok(()),
        }
    }
}

/// Which files besides the core outputs [`Analysis::write_with`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outputs {
    /// Everything, including the Parquet copies (`analyze`).
    All,
    /// No Parquet copies: a live service refreshing every few seconds needs the JSON, the
    /// CSV files and report.html only.
    Live,
}

/// Analyse posts already read: every behaviour the data supports (or the configuration
/// names) tested against the null model, campaigns with their evidence, signals,
/// narratives and echo, all in memory. [`Analysis::write`] writes the files of
/// `lockstep analyze`. Warnings go to stderr as the command line gives them.
///
/// ```no_run
/// # fn main() -> lockstep_analyze::Result {
/// use lockstep_analyze::{analyze, input, AnalyzeConfig};
/// let loaded = input::load(&input::InputOptions { inputs: vec!["posts.csv".into()], ..Default::default() }, None)?;
/// let analysis = analyze(&loaded.table, &AnalyzeConfig::default())?;
/// println!("{} campaign(s)", analysis.campaigns.campaigns.len());
/// analysis.write("results".as_ref())?;
/// # Ok(()) }
/// ```
pub fn analyze<'t>(table: &'t PostTable, config: &AnalyzeConfig) -> Result<Analysis<'t>> {
    analyze_with(table, config, Run::default())
}

/// [`analyze`] with what came before the run, a progress callback or a cancel flag.
pub fn analyze_with<'t>(
    table: &'t PostTable,
    config: &AnalyzeConfig,
    run: Run<'_>,
) -> Result<Analysis<'t>> {
    compute(table, config, run).map(|parts| parts.into_analysis(Posts::Borrowed(table)))
}

/// [`analyze_with`] on a shared table: the result keeps the table alive and borrows
/// nothing (the Python package holds it after the call returns).
pub fn analyze_shared(
    table: Arc<PostTable>,
    config: &AnalyzeConfig,
    run: Run<'_>,
) -> Result<Analysis<'static>> {
    let parts = compute(&table, config, run)?;
    Ok(parts.into_analysis(Posts::Shared(table)))
}

/// An analysis without its table.
pub(crate) struct Parts {
    campaigns: schema::CampaignsFile,
    summary: schema::Summary,
    narratives: schema::NarrativesFile,
    echo: schema::EchoFile,
    accounts: Vec<AccountRow>,
    edges: Vec<EdgeRow>,
    evidence: Vec<EvidenceRow>,
    graph: Graph,
    coordinated: Vec<bool>,
    traces: Vec<Trace>,
    findings: lockstep_narratives::Narratives,
}

impl Parts {
    pub(crate) fn into_analysis(self, posts: Posts<'_>) -> Analysis<'_> {
        Analysis {
            posts,
            campaigns: self.campaigns,
            summary: self.summary,
            narratives: self.narratives,
            echo: self.echo,
            accounts: self.accounts,
            edges: self.edges,
            evidence: self.evidence,
            graph: self.graph,
            coordinated: self.coordinated,
            traces: self.traces,
            findings: self.findings,
        }
    }
}

/// The traces an analysis tests, in output order, with what they were made from.
pub struct Traces {
    /// The behaviours asked for or supported by the data.
    pub behaviours: Vec<Behaviour>,
    /// Near-duplicate templates, when co-similar is tested.
    pub templates: Option<lockstep_similar::Templates>,
    /// Each behaviour's trace (approximate times dropped) and its windows, milliseconds.
    pub traces: Vec<(Trace, Vec<i64>)>,
    /// Warnings about the data's time precision.
    pub warnings: Vec<String>,
}

/// The traces [`analyze`] tests: the configured behaviours (or every default one the data
/// supports) with their windows (the distributed significance stage starts from these).
pub fn traces(table: &PostTable, config: &AnalyzeConfig) -> Result<Traces> {
    traces_checked(table, config, &|| Ok(()))
}

fn traces_checked(
    table: &PostTable,
    config: &AnalyzeConfig,
    check: &dyn Fn() -> Result,
) -> Result<Traces> {
    let window_override = config.window.as_ref().map(|w| w.ms());
    let behaviours: Vec<Behaviour> = match &config.behaviours {
        Some(list) => list.clone(),
        None => supported(table),
    };
    // Near-duplicate templates: the objects of co-similar (and the basis of narratives).
    let templates = behaviours
        .contains(&Behaviour::CoSimilar)
        .then(|| assign_templates(table, &SimilarParams::default()));
    let mut traces: Vec<(Trace, Vec<i64>)> = Vec::new();
    for b in &behaviours {
        check()?;
        let trace = match (b, &templates) {
            (Behaviour::CoSimilar, Some(t)) => co_similar_trace(table, t),
            _ => extract(table, *b, Semantics::Native).map_err(|e| Error::usage(anyhow!(e)))?,
        };
        if config.behaviours.is_some() && trace.is_empty() {
            let why = lockstep_traces::nothing_to_work_on(table, *b, "--behaviours");
            eprintln!("lockstep: warning: {why}");
        }
        let windows = window_override
            .map(|w| vec![w])
            .unwrap_or_else(|| default_windows(*b));
        traces.push((trace, windows));
    }
    // Warnings about the data's time precision, printed and kept for summary.json.
    let mut warnings: Vec<String> = Vec::new();
    warnings.extend(crate::precision::drop_approximate_acts(table, &mut traces));
    Ok(Traces {
        behaviours,
        templates,
        traces,
        warnings,
    })
}

/// How campaigns are found from the traces: [`detect`], or edges found elsewhere
/// (`crate::precomputed`).
pub(crate) type Find<'f> = Box<
    dyn FnOnce(
            &PostTable,
            &[(Trace, Vec<i64>)],
            &DetectParams,
        ) -> std::result::Result<Detection, String>
        + 'f,
>;

fn compute(table: &PostTable, config: &AnalyzeConfig, run: Run<'_>) -> Result<Parts> {
    compute_detecting(table, config, run, Box::new(detect))
}

pub(crate) fn compute_detecting(
    table: &PostTable,
    config: &AnalyzeConfig,
    run: Run<'_>,
    find: Find<'_>,
) -> Result<Parts> {
    let (total, mut timer) = run
        .clock
        .clone()
        .unwrap_or_else(|| (Instant::now(), Timer::start()));
    let no_report = IngestReport::default();
    let report = run.ingest.unwrap_or(&no_report);
    config.validate()?;
    run.stage(0)?;
    let Traces {
        behaviours,
        templates,
        traces,
        mut warnings,
    } = traces_checked(table, config, &|| run.check())?;
    timer.lap("traces");

    run.stage(1)?;
    // Seed accounts found in the table: groups that only echo them are labelled so.
    let seeded;
    let params: &DetectParams = if config.narratives.options.seeds.is_empty() {
        &config.detection
    } else {
        seeded = DetectParams {
            seed_accounts: SeedIndex::new(table, &config.narratives.options.seeds).accounts(),
            ..config.detection.clone()
        };
        &seeded
    };
    let det =
        find(table, &traces, params).map_err(|e| anyhow!("community detection failed: {e}"))?;
    timer.lap("detect");
    warnings.extend(crate::precision::widened_windows(&det));
    for w in &warnings {
        eprintln!("lockstep: warning: {w}");
    }

    run.stage(2)?;
    let (coordinated, campaign_posts, samples, evidence) =
        collect_all_evidence(table, &traces, &det, &run)?;
    // The events are the bulk of the traces and no later stage reads them: free them before
    // signals and narratives allocate (only the object spaces are kept, to name evidence).
    // Of their own labels (co-text's: every normalised text) only the evidence rows'
    // objects are ever named again.
    let mut traces = traces;
    for (t, _) in &mut traces {
        t.events = Vec::new();
        let b = t.behaviour;
        t.space.retain_labels(
            evidence
                .iter()
                .filter(|r| r.behaviour == b)
                .map(|r| r.object),
        );
    }
    timer.lap("evidence");
    run.stage(3)?;
    let (acc_signals, camp_signals) = signals(table, &det, &coordinated);
    let accounts = account_rows(&det, &acc_signals);
    let mut campaigns = campaigns_file(table, &det, &camp_signals, &acc_signals, &samples);
    let edges = edge_rows(&det);
    let graph = graph(table, &det);
    timer.lap("signals");
    // Templates, narratives, escalation, watch terms and echo of references / seed accounts.
    run.stage(4)?;
    let (findings, narratives_section) = crate::narratives::run(
        table,
        templates.as_ref(),
        &det,
        &coordinated,
        &campaign_posts,
        &config.narratives,
    )?;
    let (narratives, echo) = lockstep_narratives::documents(&findings)?;
    // Campaigns named: kind, DISARM techniques and label (lockstep-brief).
    lockstep_brief::name_campaigns(&mut campaigns, &serde_json::to_value(&narratives)?);
    timer.lap("narratives");

    let kinds = table.kind_counts();
    let summary = schema::Summary {
        behaviours: det
            .behaviours
            .iter()
            .map(|b| serde_json::to_value(&b.summary))
            .collect::<serde_json::Result<_>>()?,
        command: "analyze".into(),
        counts: schema::Counts {
            accounts: table.known_account_count(),
            campaign_accounts: det.account_campaign.len(),
            campaigns: det.campaigns.len(),
            duplicates: report.duplicates,
            edges: edges.len() as u64,
            evidence_rows: evidence.len() as u64,
            kinds: schema::Kinds {
                original: kinds[0],
                quote: kinds[3],
                reply: kinds[2],
                repost: kinds[1],
            },
            merged: report.merged,
            posts: table.len(),
            posts_without_author: table.anonymous_posts(),
            records: report.records,
            rejected: report.rejected,
        },
        inputs: serde_json::to_value(&report.files)?,
        lockstep_version: env!("CARGO_PKG_VERSION").into(),
        narratives: narratives_section,
        parameters: schema::Parameters {
            behaviours: behaviours.iter().map(|b| b.name().to_string()).collect(),
            community_detection: COMMUNITY_DETECTION.into(),
            detection: serde_json::to_value(params)?,
            null_model: NULL_MODEL.into(),
            semantics: "native".into(),
            threads: rayon::current_num_threads(),
            window_override: config.window.as_ref().map(|w| w.as_str().to_string()),
            windows_s: traces
                .iter()
                .map(|(t, w)| {
                    let secs = w.iter().map(|x| *x as f64 / 1000.0).collect();
                    (t.behaviour.name().to_string(), secs)
                })
                .collect(),
        },
        rejected_file: report.quarantine.clone(),
        timings_s: timer.stages.iter().cloned().collect(),
        total_s: total.elapsed().as_secs_f64(),
        warnings: report.warnings.iter().chain(&warnings).cloned().collect(),
    };
    run.stage(STAGES.len())?;
    // Keep only what names evidence objects (the events went after the evidence stage).
    let traces = traces.into_iter().map(|(t, _)| t).collect();
    Ok(Parts {
        campaigns,
        summary,
        narratives,
        echo,
        accounts,
        edges,
        evidence,
        graph,
        coordinated,
        traces,
        findings,
    })
}

fn campaign_of(det: &Detection, account: u32) -> u32 {
    det.account_campaign
        .get(&account)
        .map_or(0, |&(ci, _)| det.campaigns[ci].id)
}

/// Campaign id of a pair if both accounts are in the same campaign, else 0.
fn pair_campaign(det: &Detection, a: u32, b: u32) -> u32 {
    let (ca, cb) = (campaign_of(det, a), campaign_of(det, b));
    if ca == cb {
        ca
    } else {
        0
    }
}

/// One sample of evidence kept for campaigns.json.
#[derive(Clone, Debug)]
struct Sample {
    behaviour: Behaviour,
    object: String,
    post_a: u32,
    post_b: u32,
}

const SAMPLES_PER_CAMPAIGN: usize = 8;

type Samples = Vec<Vec<Sample>>;

/// The evidence samples of each campaign: the first [`SAMPLES_PER_CAMPAIGN`] co-actions in
/// (behaviour, post, post, object) order, whatever order the threads find them in, so the
/// same input always shows the same samples. An atomic bar per campaign (on the posts
/// part of the key) turns most co-actions away without the lock once samples are kept.
struct SampleKeeper {
    kept: Vec<Mutex<Vec<(usize, u128, Sample)>>>,
    bar: Vec<AtomicU64>,
}

impl SampleKeeper {
    fn new(campaigns: usize) -> Self {
        Self {
            kept: (0..campaigns).map(|_| Mutex::new(Vec::new())).collect(),
            bar: (0..campaigns).map(|_| AtomicU64::new(u64::MAX)).collect(),
        }
    }

    /// Before behaviour `i`: campaigns whose samples are complete take no more.
    fn start_behaviour(&self, i: usize) {
        for (kept, bar) in self.kept.iter().zip(&self.bar) {
            let full = kept
                .lock()
                .map(|k| k.len() >= SAMPLES_PER_CAMPAIGN && k.iter().all(|e| e.0 < i))
                .unwrap_or(true);
            // The bar is only a fast path: `offer` decides under the lock.
            bar.store(if full { 0 } else { u64::MAX }, Ordering::Relaxed);
        }
    }

    /// Offer campaign `c`'s (1-based) co-action of posts `p`, `q` on `object` in
    /// behaviour `i`.
    fn offer(
        &self,
        c: u32,
        i: usize,
        (p, q, object): (u32, u32, u32),
        sample: impl FnOnce() -> Sample,
    ) {
        let c = c as usize - 1;
        let posts = ((p.min(q) as u64) << 32) | p.max(q) as u64;
        if posts > self.bar[c].load(Ordering::Relaxed) {
            return;
        }
        let key = ((posts as u128) << 32) | object as u128;
        let Ok(mut kept) = self.kept[c].lock() else {
            return;
        };
        if kept.len() < SAMPLES_PER_CAMPAIGN {
            kept.push((i, key, sample()));
        } else {
            // Only this behaviour's samples can give way: earlier behaviours come first.
            let Some(worst) = (0..kept.len())
                .filter(|&k| kept[k].0 == i)
                .max_by_key(|&k| kept[k].1)
            else {
                return;
            };
            if kept[worst].1 <= key {
                return;
            }
            kept[worst] = (i, key, sample());
        }
        if kept.len() >= SAMPLES_PER_CAMPAIGN {
            let bar = kept
                .iter()
                .filter(|e| e.0 == i)
                .map(|e| (e.1 >> 32) as u64)
                .max();
            self.bar[c].store(bar.unwrap_or(0), Ordering::Relaxed);
        }
    }

    fn into_samples(self) -> Samples {
        self.kept
            .into_iter()
            .map(|m| {
                let mut k = m.into_inner().unwrap_or_else(|e| e.into_inner());
                k.sort_by_key(|e| (e.0, e.1));
                k.into_iter().map(|e| e.2).collect()
            })
            .collect()
    }
}

/// What the evidence stage finds: coordinated posts, each post's campaign, samples and
/// rows.
type EvidenceFound = (Vec<bool>, Vec<u32>, Samples, Vec<EvidenceRow>);

/// Every co-action of every significant edge, tagged with its campaign (the rows of
/// evidence.csv, in its order). Also returns which posts are coordinated, the campaign
/// each post is evidence for (both accounts of the co-action in that campaign; 0 for
/// none) and a few samples per campaign.
fn collect_all_evidence(
    table: &PostTable,
    traces: &[(Trace, Vec<i64>)],
    det: &Detection,
    run: &Run<'_>,
) -> Result<EvidenceFound> {
    let coordinated: Vec<AtomicBool> = (0..table.len()).map(|_| AtomicBool::new(false)).collect();
    let campaign_posts: Vec<AtomicU32> = (0..table.len()).map(|_| AtomicU32::new(0)).collect();
    let samples = SampleKeeper::new(det.campaigns.len());
    let mut rows = Vec::new();
    for (i, ((trace, _), be)) in traces.iter().zip(&det.behaviours).enumerate() {
        if be.edges.is_empty() {
            continue;
        }
        run.check()?;
        // Each pair's co-actions within the window of its edge: one sweep at the widest.
        let windows = PairWindows::new(
            be.edges
                .iter()
                .map(|e| (e.stats.a, e.stats.b, e.stamp_window_ms)),
        );
        samples.start_behaviour(i);
        let behaviour = trace.behaviour;
        let keep =
            |x: &lockstep_traces::Event, y: &lockstep_traces::Event| -> Option<EvidenceRow> {
                let (lo, hi) = windows.admits(x, y)?;
                coordinated[x.post as usize].store(true, Ordering::Relaxed);
                coordinated[y.post as usize].store(true, Ordering::Relaxed);
                let c = pair_campaign(det, lo, hi);
                if c > 0 {
                    campaign_posts[x.post as usize].store(c, Ordering::Relaxed);
                    campaign_posts[y.post as usize].store(c, Ordering::Relaxed);
                }
                if c > 0 {
                    samples.offer(c, i, (x.post, y.post, x.object), || Sample {
                        behaviour,
                        object: trace.object_label(table, x.object).to_string(),
                        post_a: x.post,
                        post_b: y.post,
                    });
                }
                Some(EvidenceRow {
                    campaign_id: c,
                    behaviour,
                    object: x.object,
                    post_a: x.post,
                    post_b: y.post,
                })
            };
        let found = collect_evidence(table, trace, windows.max_ms(), &keep);
        if rows.is_empty() {
            rows = found;
        } else {
            rows.extend(found);
        }
    }
    let coordinated = coordinated.into_iter().map(|b| b.into_inner()).collect();
    let campaign_posts = campaign_posts.into_iter().map(|c| c.into_inner()).collect();
    let samples = samples.into_samples();
    Ok((coordinated, campaign_posts, samples, rows))
}

/// The platforms of `members`, sorted and distinct: a campaign that spans platforms says
/// so (`["twitter", "wechat", "weibo"]`).
fn platforms_of(table: &PostTable, members: &[u32]) -> Vec<String> {
    let mut p: Vec<String> = members
        .iter()
        .map(|&m| table.account_platform(m).to_string())
        .collect();
    p.sort_unstable();
    p.dedup();
    p
}

/// The rows of accounts.csv: each campaign's members with their signals.
fn account_rows(det: &Detection, sig: &[Vec<AccountSignals>]) -> Vec<AccountRow> {
    det.campaigns
        .iter()
        .zip(sig)
        .flat_map(|(c, accs)| {
            c.members.iter().zip(accs).map(|(&m, s)| AccountRow {
                account: m,
                campaign_id: c.id,
                score: det.account_campaign.get(&m).map_or(0.0, |x| x.1),
                role: s.role,
                posts: s.posts,
                coordinated_posts: s.coordinated_posts,
                leads: s.leads,
                follows: s.follows,
                first_post_ms: s.first_post_ms,
                last_post_ms: s.last_post_ms,
            })
        })
        .collect()
}

/// The typed `campaigns.json` of a detection.
fn campaigns_file(
    table: &PostTable,
    det: &Detection,
    sig: &[CampaignSignals],
    acc: &[Vec<AccountSignals>],
    samples: &[Vec<Sample>],
) -> schema::CampaignsFile {
    let components = |c: &lockstep_campaigns::ScoreComponents| schema::ScoreComponents {
        behaviours: c.behaviours,
        co_actions: c.co_actions,
        density: c.density,
        exclusivity: c.exclusivity,
        median_evidence: c.median_evidence,
        median_min_dt_s: c.median_min_dt_s,
        source_concentration: c.source_concentration,
        member_concentration: c.member_concentration,
        total_evidence: c.total_evidence,
    };
    let basis = |b: &lockstep_campaigns::Basis| schema::Basis {
        amplify_evidence: b.amplify_evidence,
        multi_object_evidence: b.multi_object_evidence,
        objects: b.objects,
        time_resolution: b.time_resolution.clone(),
        top_object_share: b.top_object_share,
        round_evidence: b.round_evidence,
        round_core_of: b.round_core_of,
        seed_echo: b.seed_echo,
        rounds: schema::Rounds {
            rounds: b.rounds.rounds,
            synchronised: b.rounds.synchronised,
            independent: b.rounds.independent,
            sources: b.rounds.sources,
            share: b.rounds.share,
            span_s: b.rounds.span_s,
            lag_s: b.rounds.lag_s,
            traffic_share: b.rounds.traffic_share,
        },
    };
    let campaigns = det
        .campaigns
        .iter()
        .zip(sig)
        .zip(acc)
        .zip(samples)
        .map(|(((c, s), acc), samples)| schema::Campaign {
            basis: basis(&c.basis),
            behaviours: c.behaviours.iter().cloned().collect(),
            busiest_9h_share: s.busiest_9h_share,
            busiest_9h_start_utc: s.busiest_9h_start_utc,
            coordinated_share: s.coordinated_share,
            creation_batches: s.creation_batches.clone(),
            creation_known: s.creation_known,
            evidence_samples: samples
                .iter()
                .map(|x| schema::EvidenceSample {
                    account_a: table.account_id(table.author(x.post_a)).to_string(),
                    account_b: table.account_id(table.author(x.post_b)).to_string(),
                    behaviour: x.behaviour.name().to_string(),
                    dt_s: (table.time(x.post_b) - table.time(x.post_a)).abs() as f64 / 1000.0,
                    object: x.object.clone(),
                    platform_a: table.post_platform(x.post_a).to_string(),
                    platform_b: table.post_platform(x.post_b).to_string(),
                    post_a: table.post_id(x.post_a).to_string(),
                    post_b: table.post_id(x.post_b).to_string(),
                    text_a: table.text(x.post_a).to_string(),
                    text_b: table.text(x.post_b).to_string(),
                    time_a: rfc3339(table.time(x.post_a)),
                    time_b: rfc3339(table.time(x.post_b)),
                })
                .collect(),
            first_post: rfc3339(s.first_post_ms),
            hour_profile_utc: s.hour_profile_utc.to_vec(),
            id: c.id,
            implied_utc_offset: s.implied_utc_offset,
            internal_edges: c.edges,
            last_post: rfc3339(s.last_post_ms),
            leaders: s
                .leaders
                .iter()
                .map(|&m| table.account_id(m).to_string())
                .collect(),
            members: c
                .members
                .iter()
                .zip(acc)
                .map(|(&m, a)| schema::Member {
                    account_id: table.account_id(m).to_string(),
                    coordinated_posts: a.coordinated_posts,
                    handle: table.account_handle(m).map(str::to_string),
                    platform: table.account_platform(m).to_string(),
                    posts: a.posts,
                    role: a.role.to_string(),
                    score: det.account_campaign.get(&m).map_or(0.0, |x| x.1),
                })
                .collect(),
            platforms: platforms_of(table, &c.members),
            score: c.score,
            score_components: components(&c.components),
            size: c.members.len(),
            // Kind, DISARM techniques and label: lockstep-brief, once narratives are known.
            ..schema::Campaign::default()
        })
        .collect();
    let set_aside = det
        .set_aside
        .iter()
        .map(|g| schema::SetAside {
            accounts: g.accounts,
            basis: basis(&g.basis),
            members: g
                .members
                .iter()
                .map(|&m| table.account_id(m).to_string())
                .collect(),
            platforms: platforms_of(table, &g.members),
            reason: g.reason.to_string(),
            score_components: components(&g.components),
        })
        .collect();
    schema::CampaignsFile {
        campaigns,
        set_aside,
    }
}

/// The rows of edges.csv: every significant pair, behaviour by behaviour.
fn edge_rows(det: &Detection) -> Vec<EdgeRow> {
    det.behaviours
        .iter()
        .flat_map(|be| {
            be.edges.iter().map(|e| EdgeRow {
                behaviour: be.behaviour,
                campaign_id: pair_campaign(det, e.stats.a, e.stats.b),
                window_ms: e.window_ms,
                expected: e.expected,
                neg_log10_p: -e.ln_p / std::f64::consts::LN_10,
                neg_log10_q: -e.ln_q / std::f64::consts::LN_10,
                stats: e.stats,
            })
        })
        .collect()
}

/// The fused graph of every account with a significant edge, for Gephi and networkx.
fn graph(table: &PostTable, det: &Detection) -> Graph {
    let mut nodes: Vec<u32> = det.fused.iter().flat_map(|f| [f.a, f.b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let index: foldhash::HashMap<u32, usize> =
        nodes.iter().enumerate().map(|(i, &a)| (a, i)).collect();
    // Accounts are keyed by platform and id: when one id string names accounts on two
    // platforms, their nodes are `platform:id` so node ids stay unique.
    let mut id_count: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
    for &a in &nodes {
        *id_count.entry(table.account_id(a)).or_default() += 1;
    }
    let node_id = |a: u32| {
        let id = table.account_id(a);
        if id_count.get(id).copied().unwrap_or(0) > 1 {
            format!("{}:{id}", table.account_platform(a))
        } else {
            id.to_string()
        }
    };
    Graph {
        node_attrs: vec![
            ("campaign".into(), AttrType::Int),
            ("score".into(), AttrType::Float),
            ("handle".into(), AttrType::Text),
            ("posts".into(), AttrType::Int),
            ("platform".into(), AttrType::Text),
        ],
        edge_attrs: vec![
            ("behaviours".into(), AttrType::Text),
            ("co_actions".into(), AttrType::Int),
            ("campaign".into(), AttrType::Int),
        ],
        nodes: nodes
            .iter()
            .map(|&a| Node {
                id: node_id(a),
                label: table
                    .account_handle(a)
                    .unwrap_or(table.account_id(a))
                    .to_string(),
                values: vec![
                    AttrValue::Int(campaign_of(det, a) as i64),
                    AttrValue::Float(det.account_campaign.get(&a).map_or(0.0, |x| x.1)),
                    AttrValue::Text(table.account_handle(a).unwrap_or("").to_string()),
                    AttrValue::Int(0),
                    AttrValue::Text(table.account_platform(a).to_string()),
                ],
            })
            .collect(),
        edges: det
            .fused
            .iter()
            .map(|f| {
                let names: Vec<&str> = f
                    .parts
                    .iter()
                    .map(|&(bi, _)| det.behaviours[bi].behaviour.name())
                    .collect();
                let co: u64 = f
                    .parts
                    .iter()
                    .map(|&(bi, ei)| det.behaviours[bi].edges[ei].stats.co_actions)
                    .sum();
                Edge {
                    source: index[&f.a],
                    target: index[&f.b],
                    weight: f.strength,
                    values: vec![
                        AttrValue::Text(names.join(" ")),
                        AttrValue::Int(co as i64),
                        AttrValue::Int(pair_campaign(det, f.a, f.b) as i64),
                    ],
                }
            })
            .collect(),
    }
}
