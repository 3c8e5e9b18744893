//! What every group of posts (a narrative, a watch term, a campaign, a reference's echo)
//! reports: volume, accounts, campaigns, first seen, peak, the series and its bursts.

use crate::burst::{detect_bursts, growth, BinGrid, BurstParams};
use lockstep_model::{PostIdx, PostKind, PostTable, NONE};
use lockstep_output::rfc3339;
use serde::Serialize;

/// Shared inputs of every summary.
pub struct Context<'a> {
    /// The posts.
    pub table: &'a PostTable,
    /// The time bins of the run.
    pub grid: BinGrid,
    /// All posts per bin.
    pub totals: Vec<u32>,
    /// Campaign id (1-based) of each post's author, or [`NONE`].
    pub post_campaign: Vec<u32>,
    /// Posts that are part of the evidence of a significant edge.
    pub coordinated: &'a [bool],
    /// Campaign id of the co-actions inside one campaign each post is evidence of, or 0.
    pub evidence_campaign: &'a [u32],
    /// Burst detection parameters.
    pub burst: BurstParams,
    /// Accounts listed per group.
    pub top_accounts: usize,
}

impl Context<'_> {
    /// The campaign of a post's author, if any.
    pub fn campaign(&self, p: PostIdx) -> Option<u32> {
        self.post_campaign
            .get(p as usize)
            .copied()
            .filter(|&c| c != NONE)
    }

    /// True when the post is coordinated.
    pub fn is_coordinated(&self, p: PostIdx) -> bool {
        self.coordinated.get(p as usize).copied().unwrap_or(false)
    }

    /// The campaign whose internal co-action the post is evidence of.
    pub fn evidence_campaign(&self, p: PostIdx) -> Option<u32> {
        self.evidence_campaign
            .get(p as usize)
            .copied()
            .filter(|&c| c != 0)
    }
}

/// An account of a group, with its posts in the group.
#[derive(Clone, Debug, Serialize)]
pub struct AccountCount {
    /// Account id on its platform.
    pub account_id: String,
    /// Handle, if known.
    pub handle: Option<String>,
    /// Posts of the group by this account.
    pub posts: u64,
    /// Campaign the account belongs to, if any.
    pub campaign_id: Option<u32>,
}

/// A campaign's part in a group.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignShare {
    /// Campaign id (as in campaigns.json).
    pub campaign_id: u32,
    /// Posts of the group by the campaign's accounts.
    pub posts: u64,
    /// Of those, posts that are evidence of a co-action inside the campaign.
    pub campaign_posts: u64,
    /// Distinct campaign accounts that posted in the group.
    pub accounts: u64,
    /// `posts` over the group's posts.
    pub share: f64,
}

/// Posts per time bin, from the group's first to its last bin.
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    /// Bin width, seconds.
    pub bin_seconds: f64,
    /// Start of each bin (RFC 3339 UTC).
    pub bin_start: Vec<String>,
    /// Posts per bin.
    pub posts: Vec<u32>,
    /// Coordinated posts per bin.
    pub coordinated_posts: Vec<u32>,
    /// Index of the first bin on the run's grid.
    #[serde(skip)]
    pub first_bin: usize,
}

/// A burst of a series.
#[derive(Clone, Debug, Serialize)]
pub struct Burst {
    /// Start of the first bin of the burst (the change point).
    pub onset: String,
    /// Start of the bin with the most posts.
    pub peak: String,
    /// Start of the last bin of the burst.
    pub end: String,
    /// End of the last bin.
    pub until: String,
    /// Posts in the onset bin.
    pub onset_posts: u32,
    /// Posts in the peak bin.
    pub peak_posts: u32,
    /// Posts in the burst.
    pub posts: u64,
    /// Posts the baseline share predicts for the same bins.
    pub expected_posts: f64,
    /// Burst posts that are coordinated.
    pub coordinated_posts: u64,
    /// Burst posts that are not.
    pub other_posts: u64,
    /// `coordinated_posts / posts`.
    pub coordinated_share: f64,
    /// The series' share of all posts before the burst.
    pub baseline_share: f64,
    /// Hours from onset to peak.
    pub rise_hours: f64,
    /// Growth factor per hour from onset to peak (`(peak/onset)^(1/rise_hours)`).
    pub growth_per_hour: Option<f64>,
    /// Doubling time from onset to peak, hours.
    pub doubling_time_hours: Option<f64>,
    /// Largest standardised excess in the burst.
    pub peak_z: f64,
    /// Onset, ms since the epoch (not written).
    #[serde(skip)]
    pub onset_ms: i64,
}

/// The summary of one group of posts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Posts.
    pub posts: u64,
    /// Of which reposts.
    pub reposts: u64,
    /// Of which coordinated.
    pub coordinated_posts: u64,
    /// `coordinated_posts / posts`.
    pub coordinated_share: f64,
    /// Distinct authors.
    pub accounts: u64,
    /// Earliest post.
    pub first_seen: Option<String>,
    /// Latest post.
    pub last_seen: Option<String>,
    /// Start of the bin with the most posts.
    pub peak_bin: Option<String>,
    /// Posts in that bin.
    pub peak_posts: u32,
    /// Most active accounts.
    pub top_accounts: Vec<AccountCount>,
    /// Campaigns whose accounts posted in the group, most posts first.
    pub campaigns: Vec<CampaignShare>,
    /// Posts per bin (for the groups that get a series).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// Bursts of the series, in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bursts: Option<Vec<Burst>>,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Round to 4 decimals for output.
pub fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Bursts of a full-grid series with its coordinated counts.
pub fn bursts_of(ctx: &Context, x: &[u32], c: &[u32]) -> Vec<Burst> {
    let g = &ctx.grid;
    let hours_per_bin = g.bin_ms as f64 / 3_600_000.0;
    detect_bursts(x, &ctx.totals, &ctx.burst)
        .into_iter()
        .map(|b| {
            let coord: u64 = c[b.onset..=b.end].iter().map(|&v| v as u64).sum();
            let rise = (b.peak - b.onset) as f64 * hours_per_bin;
            let (gph, dbl) = growth(x[b.onset], x[b.peak], rise);
            Burst {
                onset: rfc3339(g.bin_start(b.onset)),
                peak: rfc3339(g.bin_start(b.peak)),
                end: rfc3339(g.bin_start(b.end)),
                until: rfc3339(g.bin_start(b.end + 1)),
                onset_posts: x[b.onset],
                peak_posts: x[b.peak],
                posts: b.posts,
                expected_posts: r4(b.expected),
                coordinated_posts: coord,
                other_posts: b.posts - coord.min(b.posts),
                coordinated_share: r4(ratio(coord, b.posts)),
                baseline_share: (b.baseline_share * 1e8).round() / 1e8,
                rise_hours: r4(rise),
                growth_per_hour: gph.map(r4),
                doubling_time_hours: dbl.map(r4),
                peak_z: r4(b.peak_z),
                onset_ms: g.bin_start(b.onset),
            }
        })
        .collect()
}

/// Summarise `posts` (any order); with `with_series`, also the series and its bursts.
pub fn summarise(ctx: &Context, posts: &[PostIdx], with_series: bool) -> Summary {
    let t = ctx.table;
    let g = &ctx.grid;
    if posts.is_empty() {
        return Summary {
            series: with_series.then(|| Series {
                bin_seconds: g.bin_ms as f64 / 1000.0,
                bin_start: Vec::new(),
                posts: Vec::new(),
                coordinated_posts: Vec::new(),
                first_bin: 0,
            }),
            bursts: with_series.then(Vec::new),
            ..Summary::default()
        };
    }
    let mut reposts = 0u64;
    let mut coordinated = 0u64;
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    let mut authors: Vec<u32> = Vec::with_capacity(posts.len());
    let mut bins: Vec<u32> = Vec::with_capacity(posts.len());
    let mut camp: foldhash::HashMap<u32, (u64, u64)> = Default::default();
    let mut camp_accounts: Vec<(u32, u32)> = Vec::new();
    for &p in posts {
        let time = t.time(p);
        first = first.min(time);
        last = last.max(time);
        reposts += (t.kind(p) == PostKind::Repost) as u64;
        let co = ctx.is_coordinated(p);
        coordinated += co as u64;
        authors.push(t.author(p));
        bins.push(g.bin(time) as u32);
        if let Some(c) = ctx.campaign(p) {
            let e = camp.entry(c).or_default();
            e.0 += 1;
            e.1 += (ctx.evidence_campaign(p) == Some(c)) as u64;
            camp_accounts.push((c, t.author(p)));
        }
    }
    // Accounts, by posts.
    authors.sort_unstable();
    let mut runs: Vec<(u64, u32)> = Vec::new();
    for chunk in authors.chunk_by(|a, b| a == b) {
        runs.push((chunk.len() as u64, chunk[0]));
    }
    let accounts = runs.len() as u64;
    let k = ctx.top_accounts.min(runs.len());
    if k > 0 && k < runs.len() {
        runs.select_nth_unstable_by(k - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    runs.truncate(k);
    runs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    camp_accounts.sort_unstable();
    camp_accounts.dedup();
    let campaign_of_account = |a: u32| -> Option<u32> {
        camp_accounts
            .iter()
            .find(|&&(_, acc)| acc == a)
            .map(|&(c, _)| c)
    };
    let top_accounts = runs
        .iter()
        .map(|&(n, a)| AccountCount {
            account_id: t.account_id(a).to_string(),
            handle: t.account_handle(a).map(str::to_string),
            posts: n,
            campaign_id: campaign_of_account(a),
        })
        .collect();
    let n = posts.len() as u64;
    let mut campaigns: Vec<CampaignShare> = camp
        .into_iter()
        .map(|(c, (p, co))| CampaignShare {
            campaign_id: c,
            posts: p,
            campaign_posts: co,
            accounts: camp_accounts.iter().filter(|x| x.0 == c).count() as u64,
            share: r4(ratio(p, n)),
        })
        .collect();
    campaigns.sort_unstable_by(|a, b| {
        b.posts
            .cmp(&a.posts)
            .then(a.campaign_id.cmp(&b.campaign_id))
    });
    // Peak bin.
    bins.sort_unstable();
    let (mut peak_bin, mut peak_posts) = (0u32, 0u32);
    for chunk in bins.chunk_by(|a, b| a == b) {
        if chunk.len() as u32 > peak_posts {
            peak_posts = chunk.len() as u32;
            peak_bin = chunk[0];
        }
    }
    let mut summary = Summary {
        posts: n,
        reposts,
        coordinated_posts: coordinated,
        coordinated_share: r4(ratio(coordinated, n)),
        accounts,
        first_seen: Some(rfc3339(first)),
        last_seen: Some(rfc3339(last)),
        peak_bin: Some(rfc3339(g.bin_start(peak_bin as usize))),
        peak_posts,
        top_accounts,
        campaigns,
        series: None,
        bursts: None,
    };
    if with_series {
        let (x, c) = full_series(ctx, posts);
        let lo = g.bin(first);
        let hi = g.bin(last);
        summary.bursts = Some(bursts_of(ctx, &x, &c));
        summary.series = Some(Series {
            bin_seconds: g.bin_ms as f64 / 1000.0,
            bin_start: (lo..=hi).map(|b| rfc3339(g.bin_start(b))).collect(),
            posts: x[lo..=hi].to_vec(),
            coordinated_posts: c[lo..=hi].to_vec(),
            first_bin: lo,
        });
    }
    summary
}

/// Posts and coordinated posts per bin over the whole grid.
pub fn full_series(ctx: &Context, posts: &[PostIdx]) -> (Vec<u32>, Vec<u32>) {
    let mut x = vec![0u32; ctx.grid.bins];
    let mut c = vec![0u32; ctx.grid.bins];
    for &p in posts {
        let b = ctx.grid.bin(ctx.table.time(p));
        x[b] += 1;
        c[b] += ctx.is_coordinated(p) as u32;
    }
    (x, c)
}

/// Median of a list (0 when empty).
pub fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

/// The `q` quantile (nearest rank) of a list.
pub fn quantile(v: &mut [f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let i = ((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    let (_, m, _) = v.select_nth_unstable_by(i, f64::total_cmp);
    Some(*m)
}

/// Posts by the same index, for a per-post label vector: CSR of (label, posts).
pub fn group_by_label(labels: &[u32], groups: usize) -> (Vec<usize>, Vec<PostIdx>) {
    let mut starts = vec![0usize; groups + 1];
    for &l in labels {
        if l != NONE && (l as usize) < groups {
            starts[l as usize + 1] += 1;
        }
    }
    for i in 0..groups {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut items = vec![0 as PostIdx; starts[groups]];
    for (p, &l) in labels.iter().enumerate() {
        if l != NONE && (l as usize) < groups {
            items[fill[l as usize]] = p as PostIdx;
            fill[l as usize] += 1;
        }
    }
    (starts, items)
}
