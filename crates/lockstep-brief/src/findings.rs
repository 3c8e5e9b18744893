//! The brief: what the analysis found, in sentences with numbers and links into the
//! report, in six sections (what was found, what it pushed, when it escalated, whose words
//! and accounts it amplified, how sure the engine is, what to watch next).
//!
//! The brief is data ([`Brief`]: sections of paragraphs, lists and tables made of
//! [`Span`]s), so `findings.md` ([`markdown`]) and the report's first section (which
//! builds it with DOM calls from the same JSON) say the same thing. Links are fragments
//! of `report.html`: `#campaign-3`, `#narratives`, `#echo`, `#overview`.
//!
//! `narratives.json` and `echo.json` are lockstep-narratives' documents, read here as
//! JSON values: a field an older file lacks leaves its sentence out.

use crate::text::{self, clip, duration, int, lag, pct, plural, when};
use crate::AnalysisDir;
use lockstep_output::kind::behaviour_kind;
use lockstep_output::schema::Campaign;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A run of text, maybe strong, maybe a link into the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Span {
    /// The text.
    pub text: String,
    /// A fragment of report.html (`#campaign-3`), when the span is a link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Shown in bold.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strong: bool,
}

/// A line of spans.
pub type Line = Vec<Span>;

/// One block of a section.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Para {
        /// Its spans.
        spans: Line,
    },
    /// A bulleted list.
    List {
        /// One line per item.
        items: Vec<Line>,
    },
    /// A small table.
    Table {
        /// Column headings.
        head: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<Line>>,
    },
}

/// One section of the brief.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    /// Anchor (`found`, `pushed`, `escalation`, `amplified`, `confidence`, `watch`).
    pub id: String,
    /// Heading.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// The brief.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Brief {
    /// One sentence that says it all.
    pub headline: Line,
    /// The sections, in reading order.
    pub sections: Vec<Section>,
}

/// Builds a [`Line`].
#[derive(Default)]
struct L(Line);

impl L {
    fn t(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span {
            text: s.into(),
            ..Span::default()
        });
        self
    }
    fn b(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span {
            text: s.into(),
            strong: true,
            ..Span::default()
        });
        self
    }
    fn a(mut self, s: impl Into<String>, link: impl Into<String>) -> Self {
        self.0.push(Span {
            text: s.into(),
            link: Some(link.into()),
            ..Span::default()
        });
        self
    }
    fn campaign(self, id: u32) -> Self {
        self.a(format!("Campaign {id}"), format!("#campaign-{id}"))
    }
    fn campaigns(mut self, ids: &[u32]) -> Self {
        for (i, &id) in ids.iter().enumerate() {
            if i > 0 {
                self = self.t(", ");
            }
            self = self.campaign(id);
        }
        self
    }
    fn para(self) -> Block {
        Block::Para { spans: self.0 }
    }
}

// ------------------------------------------------------------------ JSON helpers

fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}
fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}
fn count(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}
fn string<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}
fn campaign_ids(v: &Value) -> Vec<u32> {
    // `campaigns` of a narrative summary: [{campaign_id, posts, campaign_posts, ...}],
    // most posts first; only campaigns whose own evidence posts are in it.
    arr(v, "campaigns")
        .iter()
        .filter(|c| count(c, "campaign_posts") > 0)
        .filter_map(|c| num(c, "campaign_id").map(|x| x as u32))
        .collect()
}

/// The narrative of `narratives.json` campaign `id` posted most evidence posts in.
pub fn campaign_narrative(narratives: &Value, id: u32) -> Option<&Value> {
    let posts = |n: &Value| {
        arr(n, "campaigns")
            .iter()
            .find(|c| num(c, "campaign_id") == Some(f64::from(id)))
            .map(|c| (count(c, "campaign_posts"), count(c, "posts")))
            .unwrap_or((0, 0))
    };
    // First narrative wins ties (narratives are largest first).
    let mut best: Option<(&Value, (u64, u64))> = None;
    for n in arr(narratives, "narratives") {
        let p = posts(n);
        if p.0 > 0 && best.is_none_or(|b| p > b.1) {
            best = Some((n, p));
        }
    }
    best.map(|b| b.0)
}

/// The `n` heaviest terms of a narrative.
pub fn top_terms(narrative: &Value, n: usize) -> Vec<String> {
    arr(narrative, "top_terms")
        .iter()
        .filter_map(|t| t.get("term").and_then(Value::as_str))
        .take(n)
        .map(str::to_string)
        .collect()
}

// ------------------------------------------------------------------ sections

/// The co-action that best shows a campaign: among the evidence samples of the behaviour
/// that names its kind (all samples when none is), the one with the smallest lag (the
/// first one on ties).
fn strongest_sample(c: &Campaign) -> Option<&lockstep_output::schema::EvidenceSample> {
    let of_kind = |s: &&lockstep_output::schema::EvidenceSample| {
        behaviour_kind(&s.behaviour).is_some_and(|k| k.name() == c.kind)
    };
    let pool: Vec<_> = if c.evidence_samples.iter().any(|s| of_kind(&s)) {
        c.evidence_samples.iter().filter(of_kind).collect()
    } else {
        c.evidence_samples.iter().collect()
    };
    pool.into_iter().min_by(|a, b| a.dt_s.total_cmp(&b.dt_s))
}

fn what_it_means(behaviour: &str) -> &'static str {
    match behaviour {
        "co-repost" => "reposted the same post",
        "co-text" => "posted the same text",
        "co-similar" => "posted near-identical text",
        "co-link" => "shared the same link",
        "co-hashtag" => "posted the same hashtags",
        "co-reply" => "replied to the same post",
        "co-mention" => "mentioned the same accounts",
        "co-image" => "posted the same image",
        _ => "acted on the same object",
    }
}

fn found(a: &AnalysisDir) -> Section {
    let counts = &a.summary.counts;
    let cs = &a.campaigns.campaigns;
    let mut blocks = Vec::new();
    let people = L::default()
        .t(format!(
            "among {} by {}",
            plural(counts.posts as u64, "post", "posts"),
            text::accounts(counts.accounts)
        ))
        .t(".");
    if cs.is_empty() {
        blocks.push(
            L::default()
                .t("lockstep found no coordinated campaign ")
                .t(people.0.into_iter().map(|s| s.text).collect::<String>())
                .para(),
        );
    } else {
        let mut l = L::default()
            .t("lockstep found ")
            .b(plural(cs.len() as u64, "campaign", "campaigns"))
            .t(format!(
                " ({} in all) ",
                text::accounts(counts.campaign_accounts)
            ));
        l.0.extend(people.0);
        l = l.t(" Strongest first:");
        blocks.push(l.para());
        let rows = cs
            .iter()
            .map(|c| {
                let evidence = match strongest_sample(c) {
                    Some(s) => {
                        L::default()
                            .t(format!(
                                "{} and {} {} {} apart ({}): “{}”",
                                s.account_a,
                                s.account_b,
                                what_it_means(&s.behaviour),
                                duration(s.dt_s),
                                when(&s.time_a),
                                clip(
                                    if s.text_a.is_empty() {
                                        &s.object
                                    } else {
                                        &s.text_a
                                    },
                                    60
                                )
                            ))
                            .0
                    }
                    None => L::default().t("—").0,
                };
                vec![
                    L::default().campaign(c.id).0,
                    L::default().t(&c.label).0,
                    L::default().t(format!("{:.2}", c.score)).0,
                    evidence,
                    L::default().t(c.disarm.join(", ")).0,
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "campaign".into(),
                "what it is".into(),
                "score".into(),
                "strongest evidence".into(),
                "DISARM".into(),
            ],
            rows,
        });
    }
    Section {
        id: "found".into(),
        title: "What was found".into(),
        blocks,
    }
}

fn pushed(a: &AnalysisDir) -> Section {
    let mut list: Vec<&Value> = arr(&a.narratives, "narratives")
        .iter()
        .filter(|n| !campaign_ids(n).is_empty())
        .collect();
    list.sort_by_key(|n| std::cmp::Reverse(count(n, "coordinated_posts")));
    let mut blocks = Vec::new();
    if list.is_empty() {
        let why = if a.narratives.is_null() {
            "No narratives.json: the narratives stage did not run."
        } else {
            "No narrative carries a campaign's evidence posts."
        };
        blocks.push(L::default().t(why).para());
    } else {
        blocks.push(
            L::default()
                .t(format!(
                    "{} campaign posts; by coordinated posts (",
                    plural(list.len() as u64, "narrative carries", "narratives carry")
                ))
                .a("all narratives", "#narratives")
                .t("):")
                .para(),
        );
        let items = list
            .iter()
            .take(6)
            .map(|n| {
                L::default()
                    .b(format!(
                        "Narrative {} “{}”",
                        count(n, "id"),
                        string(n, "name")
                    ))
                    .t(format!(
                        ": {} by {}, {} coordinated, pushed by ",
                        plural(count(n, "posts"), "post", "posts"),
                        plural(count(n, "accounts"), "account", "accounts"),
                        pct(num(n, "coordinated_share").unwrap_or(0.0)),
                    ))
                    .campaigns(&campaign_ids(n))
                    .t(".")
                    .0
            })
            .collect();
        blocks.push(Block::List { items });
    }
    Section {
        id: "pushed".into(),
        title: "What they pushed".into(),
        blocks,
    }
}

/// A burst as a sentence: onset, peak, growth, doubling time, coordinated share.
fn burst_line(b: &Value, bin_s: f64) -> L {
    let mut l = L::default().t(format!(
        "from {} it rose to a peak at {} ({} in {}",
        when(string(b, "onset")),
        when(string(b, "peak")),
        plural(count(b, "peak_posts"), "post", "posts"),
        duration(bin_s),
    ));
    if let Some(rise) = num(b, "rise_hours").filter(|h| *h > 0.0) {
        l = l.t(format!(", {} after onset", text::hours(rise)));
    }
    l = l.t(")");
    if let Some(g) = num(b, "growth_per_hour") {
        l = l.t(format!(", growing ×{g:.1} per hour"));
    }
    if let Some(d) = num(b, "doubling_time_hours") {
        l = l.t(format!(", doubling every {}", text::hours(d)));
    }
    l.t(format!(
        "; {} of its {} were coordinated (usual share before: {})",
        pct(num(b, "coordinated_share").unwrap_or(0.0)),
        plural(count(b, "posts"), "post", "posts"),
        pct(num(b, "baseline_share").unwrap_or(0.0)),
    ))
}

fn escalation(a: &AnalysisDir) -> Section {
    let n = &a.narratives;
    let bin_s = num(get(n, "grid"), "bin_seconds").unwrap_or(3600.0);
    let bursts = arr(get(n, "overall"), "campaign_bursts");
    let mut blocks = Vec::new();
    if bursts.is_empty() {
        blocks.push(
            L::default()
                .t("No burst of campaign posts stood out from the run's usual volume.")
                .para(),
        );
    } else {
        let biggest = bursts
            .iter()
            .max_by_key(|b| count(b, "posts"))
            .unwrap_or(&bursts[0]);
        let mut l = L::default().b("Campaign posts escalated").t(format!(
            " in {}; the largest: ",
            plural(bursts.len() as u64, "burst", "bursts")
        ));
        l.0.extend(burst_line(biggest, bin_s).0);
        blocks.push(l.t(".").para());
    }
    // The narrative campaigns pushed most, with its own first burst.
    let top = arr(n, "narratives")
        .iter()
        .filter(|x| !campaign_ids(x).is_empty())
        .max_by_key(|x| {
            (
                count(x, "coordinated_posts"),
                std::cmp::Reverse(count(x, "id")),
            )
        });
    if let Some(top) = top {
        if let Some(b) = arr(top, "bursts").first() {
            let mut l = L::default()
                .t(format!(
                    "Narrative {} “{}”: ",
                    count(top, "id"),
                    string(top, "name")
                ))
                .t("");
            l.0.extend(burst_line(b, bin_s).0);
            blocks.push(l.t(".").para());
        }
    }
    blocks.push(
        L::default()
            .t("Times are UTC; the series are binned by ")
            .t(duration(bin_s))
            .t(".")
            .para(),
    );
    Section {
        id: "escalation".into(),
        title: "When it escalated".into(),
        blocks,
    }
}

fn amplified(a: &AnalysisDir) -> Section {
    let e = &a.echo;
    let mut blocks = Vec::new();
    let mut refs: Vec<&Value> = arr(e, "references")
        .iter()
        .filter(|r| count(r, "posts") > 0)
        .collect();
    refs.sort_by_key(|r| std::cmp::Reverse(count(r, "posts")));
    if !refs.is_empty() {
        blocks.push(
            L::default()
                .t(format!(
                    "{} echoed (",
                    plural(refs.len() as u64, "reference was", "references were")
                ))
                .a("echo", "#echo")
                .t("). Coordinated posts are evidence of a campaign; the others are overt echo, ordinary accounts quoting, linking or reposting:")
                .para(),
        );
        let items = refs
            .iter()
            .take(6)
            .map(|r| {
                let title = match string(r, "title") {
                    "" => string(r, "url"),
                    t => t,
                };
                let posts = count(r, "posts");
                let coordinated = count(r, "coordinated_posts");
                let mut l = L::default().b(format!("“{}”", clip(title, 80)));
                let source = string(r, "source");
                let published = string(r, "published_at");
                if !source.is_empty() || !published.is_empty() {
                    let sep = if source.is_empty() || published.is_empty() {
                        ""
                    } else {
                        ", "
                    };
                    let published = if published.is_empty() {
                        String::new()
                    } else {
                        format!("published {}", when(published))
                    };
                    l = l.t(format!(" ({source}{sep}{published})"));
                }
                l = l.t(format!(
                    ": {} by {}",
                    plural(posts, "echoing post", "echoing posts"),
                    plural(count(r, "accounts"), "account", "accounts"),
                ));
                if let Some(first) = num(r, "first_echo_lag_s") {
                    l = l.t(format!("; first echo {}", lag(first)));
                }
                if let Some(m) = num(get(r, "lag"), "median_s") {
                    l = l.t(format!(", median {}", lag(m)));
                }
                let before = count(get(r, "lag"), "before_publication");
                if before > 0 {
                    l = l.t(format!(
                        "; {} before it was published",
                        plural(before, "post", "posts")
                    ));
                }
                l = l.t(format!(
                    "; {} coordinated, {} overt echo",
                    int(coordinated),
                    int(posts.saturating_sub(coordinated))
                ));
                let ids = campaign_ids(r);
                if !ids.is_empty() {
                    l = l.t(" (").campaigns(&ids).t(")");
                }
                l.t(".").0
            })
            .collect();
        blocks.push(Block::List { items });
    }
    let sa = get(e, "seed_accounts");
    let seeds: Vec<&Value> = arr(sa, "seeds")
        .iter()
        .filter(|s| count(s, "amplifications") > 0)
        .collect();
    if !seeds.is_empty() {
        blocks.push(
            L::default()
                .t(format!(
                    "{} given with --seed-accounts were amplified:",
                    plural(seeds.len() as u64, "seed account", "seed accounts")
                ))
                .para(),
        );
        let items = seeds
            .iter()
            .take(8)
            .map(|s| {
                let who = match (string(s, "handle"), string(s, "account_id")) {
                    ("", "") => string(s, "key").to_string(),
                    ("", id) => id.to_string(),
                    (h, _) => format!("@{h}"),
                };
                let label = string(s, "label");
                let mut l = L::default().b(who);
                if !label.is_empty() {
                    l = l.t(format!(" ({label})"));
                }
                let d = get(s, "delay");
                l = l.t(format!(
                    ": {} by {}",
                    plural(
                        count(s, "amplifications"),
                        "amplification",
                        "amplifications"
                    ),
                    plural(count(s, "amplifier_accounts"), "account", "accounts"),
                ));
                if let Some(m) = num(d, "median_s") {
                    l = l.t(format!(", median delay {}", duration(m)));
                }
                if let Some(w) = num(d, "within_60s") {
                    l = l.t(format!(", {} within a minute", pct(w)));
                }
                let ids: Vec<u32> = arr(s, "campaigns")
                    .iter()
                    .filter_map(|c| num(c, "campaign_id").map(|x| x as u32))
                    .collect();
                if !ids.is_empty() {
                    l = l.t("; amplified by ").campaigns(&ids);
                }
                l.t(".").0
            })
            .collect();
        blocks.push(Block::List { items });
    }
    if blocks.is_empty() {
        blocks.push(
            L::default()
                .t("No reference was echoed and no seed account amplified (give them with --reference and --seed-accounts).")
                .para(),
        );
    }
    Section {
        id: "amplified".into(),
        title: "Whose words and accounts they amplified".into(),
        blocks,
    }
}

fn confidence(a: &AnalysisDir) -> Section {
    let s = &a.summary;
    let p = &s.parameters;
    let mut blocks = Vec::new();
    let alpha = num(&p.detection, "alpha");
    let mut l = L::default().t("Every pair of accounts was tested, per behaviour");
    if !p.behaviours.is_empty() {
        l = l.t(format!(" ({})", p.behaviours.join(", ")));
    }
    l = l.t(" and time window, against a null model of popularity and timing");
    if !p.null_model.is_empty() {
        l = l.t(format!(" ({})", p.null_model));
    }
    if let Some(alpha) = alpha {
        l = l.t(format!(
            "; edges were kept at a false discovery rate of {}",
            pct(alpha)
        ));
    }
    l = l.t(format!(
        ". {} significant edges rest on {} co-actions, each a pair of posts in ",
        int(s.counts.edges),
        int(s.counts.evidence_rows)
    ));
    blocks.push(l.t("evidence.csv.").para());
    let set_aside = &a.campaigns.set_aside;
    if set_aside.is_empty() {
        blocks.push(
            L::default()
                .t("No dense, significant group was set aside.")
                .para(),
        );
    } else {
        let mut reasons: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for g in set_aside {
            let r = reasons.entry(g.reason.as_str()).or_default();
            r.0 += 1;
            r.1 += g.accounts;
        }
        blocks.push(
            L::default()
                .t(format!(
                    "{} ({}) set aside: significant, but not reported as campaigns, because",
                    plural(set_aside.len() as u64, "group was", "groups were"),
                    text::accounts(set_aside.iter().map(|g| g.accounts).sum())
                ))
                .para(),
        );
        let mut items: Vec<(usize, Line)> = reasons
            .into_iter()
            .map(|(reason, (n, acc))| {
                (
                    n,
                    L::default()
                        .t(format!(
                            "{} ({}): {reason}",
                            plural(n as u64, "group", "groups"),
                            text::accounts(acc)
                        ))
                        .0,
                )
            })
            .collect();
        items.sort_by_key(|x| std::cmp::Reverse(x.0));
        blocks.push(Block::List {
            items: items.into_iter().take(8).map(|x| x.1).collect(),
        });
    }
    let c = &s.counts;
    let mut l = L::default().t(format!(
        "Read {} into {}",
        plural(c.records, "record", "records"),
        plural(c.posts as u64, "post", "posts")
    ));
    if c.rejected > 0 {
        l = l.t(format!(
            "; {} rejected (rejected.jsonl)",
            plural(c.rejected, "record was", "records were")
        ));
    }
    if c.posts_without_author > 0 {
        l = l.t(format!(
            "; {} without a known author are counted but never flagged",
            plural(c.posts_without_author as u64, "post", "posts")
        ));
    }
    if !s.warnings.is_empty() {
        l = l.t("; ").a(
            plural(s.warnings.len() as u64, "warning", "warnings"),
            "#overview",
        );
    }
    blocks.push(l.t(".").para());
    Section {
        id: "confidence".into(),
        title: "How sure the engine is".into(),
        blocks,
    }
}

fn watch(a: &AnalysisDir) -> Section {
    let n = &a.narratives;
    let mut items: Vec<Line> = Vec::new();
    for w in arr(n, "watch_terms") {
        let Some(b) = arr(w, "bursts").last() else {
            continue;
        };
        items.push(
            L::default()
                .b(format!("Watch term “{}”", string(w, "term")))
                .t(format!(
                    ": {}, {} coordinated; latest burst peaked at {} ({}).",
                    plural(count(w, "posts"), "post", "posts"),
                    pct(num(w, "coordinated_share").unwrap_or(0.0)),
                    when(string(b, "peak")),
                    plural(count(b, "peak_posts"), "post", "posts"),
                ))
                .0,
        );
    }
    // Narratives rising with few coordinated posts: organic so far, or a campaign not yet
    // seen.
    let mut rising: Vec<(&Value, &Value)> = arr(n, "narratives")
        .iter()
        .filter_map(|x| arr(x, "bursts").last().map(|b| (x, b)))
        .filter(|(_, b)| num(b, "coordinated_share").unwrap_or(1.0) < 0.5)
        .collect();
    rising.sort_by_key(|(x, b)| (std::cmp::Reverse(count(b, "posts")), count(x, "id")));
    for (x, b) in rising.into_iter().take(3) {
        items.push(
            L::default()
                .b(format!(
                    "Narrative {} “{}”",
                    count(x, "id"),
                    string(x, "name")
                ))
                .t(format!(
                    " rose from {} ({} in the burst, {} coordinated): not a campaign's yet.",
                    when(string(b, "onset")),
                    plural(count(b, "posts"), "post", "posts"),
                    pct(num(b, "coordinated_share").unwrap_or(0.0)),
                ))
                .0,
        );
    }
    // Accounts outside every campaign that amplify seeds or post most in pushed
    // narratives.
    let mut outside: BTreeMap<String, u64> = BTreeMap::new();
    for s in arr(get(&a.echo, "seed_accounts"), "seeds") {
        for amp in arr(s, "top_amplifiers") {
            if get(amp, "campaign_id").is_null() {
                *outside
                    .entry(string(amp, "account_id").to_string())
                    .or_default() += count(amp, "amplifications");
            }
        }
    }
    for x in arr(n, "narratives")
        .iter()
        .filter(|x| !campaign_ids(x).is_empty())
    {
        for acc in arr(x, "top_accounts") {
            if get(acc, "campaign_id").is_null() {
                *outside
                    .entry(string(acc, "account_id").to_string())
                    .or_default() += count(acc, "posts");
            }
        }
    }
    outside.remove("");
    let mut outside: Vec<(String, u64)> = outside.into_iter().collect();
    outside.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !outside.is_empty() {
        let names: Vec<String> = outside
            .iter()
            .take(8)
            .map(|(id, n)| format!("{id} ({})", int(*n)))
            .collect();
        items.push(
            L::default()
                .b("Accounts in no campaign")
                .t(format!(
                    " that amplify seed accounts or post most in the pushed narratives (posts): {}.",
                    names.join(", ")
                ))
                .0,
        );
    }
    if let Some(g) = a.campaigns.set_aside.iter().max_by_key(|g| g.accounts) {
        items.push(
            L::default()
                .b("The largest set-aside group")
                .t(format!(
                    " ({}, {}): {}.",
                    text::accounts(g.accounts),
                    g.reason,
                    g.members
                        .iter()
                        .take(6)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .0,
        );
    }
    let blocks = if items.is_empty() {
        vec![L::default()
            .t("Nothing rising outside the campaigns, no watch term in a burst.")
            .para()]
    } else {
        vec![Block::List { items }]
    };
    Section {
        id: "watch".into(),
        title: "What to watch next".into(),
        blocks,
    }
}

/// The brief of an analysis.
pub fn brief(a: &AnalysisDir) -> Brief {
    let cs = &a.campaigns.campaigns;
    let headline = match cs.first() {
        None => L::default().t(format!(
            "No coordinated campaign in {} by {}.",
            plural(a.summary.counts.posts as u64, "post", "posts"),
            text::accounts(a.summary.counts.accounts)
        )),
        Some(top) => {
            let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
            for c in cs {
                *kinds.entry(c.kind.as_str()).or_default() += 1;
            }
            let kinds: Vec<String> = kinds.into_iter().map(|(k, n)| format!("{n} {k}")).collect();
            L::default()
                .b(plural(cs.len() as u64, "campaign", "campaigns"))
                .t(format!(
                    " ({}) of {}; the strongest is ",
                    kinds.join(", "),
                    text::accounts(a.summary.counts.campaign_accounts)
                ))
                .campaign(top.id)
                .t(format!(", {}.", top.label))
        }
    };
    Brief {
        headline: headline.0,
        sections: vec![
            found(a),
            pushed(a),
            escalation(a),
            amplified(a),
            confidence(a),
            watch(a),
        ],
    }
}

// ------------------------------------------------------------------ markdown

/// Text from the data made inert in Markdown: its punctuation escaped, on one line.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

fn md_line(line: &Line) -> String {
    line.iter()
        .map(|s| {
            let t = md_escape(&s.text);
            let t = if s.strong { format!("**{t}**") } else { t };
            match &s.link {
                Some(l) => format!("[{t}](report.html{l})"),
                None => t,
            }
        })
        .collect()
}

/// The brief as Markdown (`findings.md`).
pub fn markdown(b: &Brief) -> String {
    let mut out = String::from("# Findings\n\n");
    out.push_str(&md_line(&b.headline));
    out.push_str("\n\n");
    for s in &b.sections {
        out.push_str(&format!("## {}\n\n", s.title));
        for block in &s.blocks {
            match block {
                Block::Para { spans } => {
                    out.push_str(&md_line(spans));
                    out.push_str("\n\n");
                }
                Block::List { items } => {
                    for i in items {
                        out.push_str("- ");
                        out.push_str(&md_line(i));
                        out.push('\n');
                    }
                    out.push('\n');
                }
                Block::Table { head, rows } => {
                    out.push_str(&format!("| {} |\n", head.join(" | ")));
                    out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                    for r in rows {
                        let cells: Vec<String> = r.iter().map(md_line).collect();
                        out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out.push_str("Every number above is computed from the files of this directory; links open report.html.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_output::schema::{CampaignsFile, EvidenceSample};
    use serde_json::json;

    fn sample_dir() -> AnalysisDir {
        let mut a = AnalysisDir::default();
        a.summary.counts.posts = 1200;
        a.summary.counts.accounts = 300;
        a.summary.counts.campaign_accounts = 12;
        a.campaigns = CampaignsFile {
            campaigns: vec![Campaign {
                id: 1,
                score: 0.91,
                size: 12,
                behaviours: [("co-similar".to_string(), 40)].into_iter().collect(),
                platforms: vec!["weibo".into()],
                first_post: "2025-08-01T01:00:00Z".into(),
                last_post: "2025-08-04T09:00:00Z".into(),
                evidence_samples: vec![EvidenceSample {
                    account_a: "a1".into(),
                    account_b: "a2".into(),
                    behaviour: "co-similar".into(),
                    dt_s: 12.0,
                    text_a: "美国芯片，美国控制 | *后门*".into(),
                    time_a: "2025-08-01T02:00:00Z".into(),
                    ..EvidenceSample::default()
                }],
                ..Campaign::default()
            }],
            set_aside: vec![],
        };
        a.narratives = json!({
            "grid": {"bin_seconds": 3600.0},
            "narratives": [{"id": 1, "name": "芯片 / 后门 / 安全", "posts": 300, "accounts": 40,
                "coordinated_posts": 120, "coordinated_share": 0.4,
                "top_terms": [{"term": "美国芯片"}, {"term": "后门"}, {"term": "安全"}, {"term": "h20"}],
                "campaigns": [{"campaign_id": 1, "posts": 150, "campaign_posts": 120}],
                "bursts": [{"onset": "2025-08-01T02:00:00Z", "peak": "2025-08-01T05:00:00Z", "peak_posts": 80,
                    "posts": 200, "rise_hours": 3.0, "growth_per_hour": 2.0, "doubling_time_hours": 1.0,
                    "coordinated_share": 0.6, "baseline_share": 0.01}],
                "top_accounts": [{"account_id": "x9", "posts": 30, "campaign_id": null}]}],
            "overall": {"campaign_bursts": []},
        });
        a.echo = json!({"references": [{"id": 1, "title": "State media: <b>backdoor</b>", "source": "xinhua",
            "published_at": "2025-08-01T03:00:00Z", "posts": 50, "accounts": 20, "coordinated_posts": 30,
            "first_echo_lag_s": -2400.0, "lag": {"median_s": 600.0, "before_publication": 4},
            "campaigns": [{"campaign_id": 1, "posts": 30, "campaign_posts": 30}]}], "seed_accounts": null});
        crate::name_campaigns(&mut a.campaigns, &a.narratives.clone());
        a
    }

    #[test]
    fn names_the_campaign_from_its_evidence_and_narrative() {
        let a = sample_dir();
        let c = &a.campaigns.campaigns[0];
        assert_eq!(c.kind, "copy-paste");
        assert_eq!(c.disarm, vec!["T0084.001"]);
        assert_eq!(
            c.label,
            "copy-paste, 12 accounts: 美国芯片 / 后门 / 安全, 1–4 Aug 2025"
        );
    }

    #[test]
    fn the_brief_says_it_in_sentences_with_links() {
        let a = sample_dir();
        let md = markdown(&brief(&a));
        assert!(md.contains("[Campaign 1](report.html#campaign-1)"), "{md}");
        assert!(md.contains("**1 campaign**"), "{md}");
        assert!(
            md.contains("a1 and a2 posted near-identical text 12 s apart (2025-08-01 02:00 UTC)"),
            "{md}"
        );
        // Data text is inert: its Markdown punctuation escaped.
        assert!(md.contains("美国芯片，美国控制 \\| \\*后门\\*"), "{md}");
        assert!(md.contains("\\<b\\>backdoor\\</b\\>"), "{md}");
        assert!(
            md.contains("first echo 40 min before publication, median 10 min after publication"),
            "{md}"
        );
        assert!(md.contains("30 coordinated, 20 overt echo"), "{md}");
        assert!(md.contains("doubling every 1 h"), "{md}");
        assert!(md.contains("x9 (30)"), "{md}");
        for title in [
            "What was found",
            "What they pushed",
            "When it escalated",
            "Whose words",
            "How sure",
            "What to watch",
        ] {
            assert!(md.contains(&format!("## {title}")), "{title}");
        }
    }

    #[test]
    fn an_empty_directory_still_reads() {
        let md = markdown(&brief(&AnalysisDir::default()));
        assert!(md.contains("No coordinated campaign"), "{md}");
    }
}
