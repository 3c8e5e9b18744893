//! Alert rules. Each refresh makes an analysis (lockstep-analyze's, in memory; its files
//! are written too, for the dashboard and the report); the rules compare it with what
//! was seen before and raise alerts for what is new: a campaign, a
//! campaign that grew, a narrative burst, a watch-term spike, a campaign echoing a
//! reference source.
//!
//! Campaign ids in one analysis are ranks, not identities, so campaigns are tracked across
//! refreshes by their members: a detected group continues a tracked campaign when at least
//! half of the smaller group is shared. An alerted campaign that a later analysis sets
//! aside (fan-like, crowd-like) raises one `campaign_set_aside`, withdrawing the alert. Tracked campaigns and raised alerts live in the
//! database, so a restart neither forgets a campaign nor repeats an alert.

use crate::config::Config;
use anyhow::Context;
use lockstep_analyze::Analysis;
use lockstep_ingest::timefmt::iso8601_to_ms;
use lockstep_output::{rfc3339, schema};
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The documents of an analysis the rules read: `campaigns.json`, `narratives.json` and
/// `echo.json`, in memory.
#[derive(Clone, Copy, Debug)]
pub struct Documents<'a> {
    /// Campaigns and set-aside groups.
    pub campaigns: &'a schema::CampaignsFile,
    /// Narratives and watch terms with their bursts.
    pub narratives: &'a schema::NarrativesFile,
    /// References with their echo.
    pub echo: &'a schema::EchoFile,
}

/// A campaign followed across refreshes.
#[derive(Clone, Debug)]
struct Tracked {
    id: i64,
    members: HashSet<String>,
    first_seen_ms: i64,
    last_seen_ms: i64,
    alerted_size: usize,
}

/// An alert about to be stored: `key` makes it unique (the same burst or campaign is
/// never announced twice).
#[derive(Clone, Debug)]
pub struct NewAlert {
    /// Dedup key.
    pub key: String,
    /// Kind (see [`crate::config::ALERT_KINDS`]).
    pub kind: &'static str,
    /// One sentence for people.
    pub title: String,
    /// Tracked campaign it concerns.
    pub campaign_id: Option<i64>,
    /// Details for machines.
    pub detail: Value,
}

/// One campaign of the latest analysis, as `GET /api/v1/campaigns` lists it.
pub type LiveCampaign = Value;

/// What the rules keep between refreshes.
pub struct Rules {
    tracked: Vec<Tracked>,
    next_id: i64,
    /// (kind, label) -> onsets already announced, to absorb onsets that move by an hour or
    /// two as more data arrive.
    announced: HashMap<(String, String), Vec<i64>>,
}

const ONSET_SLACK_MS: i64 = 6 * 3_600_000;

fn overlap(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / small as f64
}

fn parse_time(v: &Value) -> Option<i64> {
    v.as_str().and_then(iso8601_to_ms)
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

impl Rules {
    /// Load tracked campaigns and announced bursts from the database.
    pub fn load(conn: &Connection) -> anyhow::Result<Self> {
        let mut st = conn.prepare(
            "SELECT id, first_seen_ms, last_seen_ms, alerted_size, members FROM campaigns",
        )?;
        let tracked = st
            .query_map([], |r| {
                let members: String = r.get(4)?;
                Ok(Tracked {
                    id: r.get(0)?,
                    first_seen_ms: r.get(1)?,
                    last_seen_ms: r.get(2)?,
                    alerted_size: r.get::<_, i64>(3)?.max(0) as usize,
                    members: serde_json::from_str(&members).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let next_id = tracked.iter().map(|t| t.id).max().unwrap_or(0) + 1;
        let mut announced: HashMap<(String, String), Vec<i64>> = HashMap::new();
        let mut st = conn.prepare(
            "SELECT kind, body FROM alerts WHERE kind IN ('narrative_burst', 'watch_term_spike')",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (kind, body) = row?;
            let Ok(v) = serde_json::from_str::<Value>(&body) else {
                continue;
            };
            let label = v["detail"]["label"].as_str().unwrap_or("").to_string();
            if let Some(onset) = parse_time(&v["detail"]["onset"]) {
                announced.entry((kind, label)).or_default().push(onset);
            }
        }
        Ok(Self {
            tracked,
            next_id,
            announced,
        })
    }

    /// Read the analysis in `dir` (campaigns.json, narratives.json, echo.json: the files of
    /// `analyze`) and return the alerts it raises and the live campaign list; tracked
    /// campaigns are updated in `conn` (the caller commits). A missing narratives or echo
    /// file raises no burst or echo alert.
    pub fn evaluate(
        &mut self,
        dir: &Path,
        config: &Config,
        watermark_ms: i64,
        conn: &Connection,
    ) -> anyhow::Result<(Vec<NewAlert>, Vec<LiveCampaign>)> {
        let path = dir.join(schema::files::CAMPAIGNS);
        let campaigns: schema::CampaignsFile = serde_json::from_value(read_json(&path)?)
            .with_context(|| format!("reading {}", path.display()))?;
        let narratives: schema::NarrativesFile = read_json(&dir.join(schema::files::NARRATIVES))
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let echo: schema::EchoFile = read_json(&dir.join(schema::files::ECHO))
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let docs = Documents {
            campaigns: &campaigns,
            narratives: &narratives,
            echo: &echo,
        };
        self.evaluate_documents(docs, config, watermark_ms, conn)
    }

    /// [`Rules::evaluate`] on an analysis in memory (the live service has it from
    /// lockstep-analyze): nothing is read back from its files.
    pub fn evaluate_analysis(
        &mut self,
        analysis: &Analysis<'_>,
        config: &Config,
        watermark_ms: i64,
        conn: &Connection,
    ) -> anyhow::Result<(Vec<NewAlert>, Vec<LiveCampaign>)> {
        let docs = Documents {
            campaigns: &analysis.campaigns,
            narratives: &analysis.narratives,
            echo: &analysis.echo,
        };
        self.evaluate_documents(docs, config, watermark_ms, conn)
    }

    /// The rules on the three documents of an analysis.
    pub fn evaluate_documents(
        &mut self,
        docs: Documents<'_>,
        config: &Config,
        watermark_ms: i64,
        conn: &Connection,
    ) -> anyhow::Result<(Vec<NewAlert>, Vec<LiveCampaign>)> {
        let mut alerts = Vec::new();
        let (live, id_map) =
            self.campaigns(docs.campaigns, config, watermark_ms, conn, &mut alerts)?;
        self.bursts(docs.narratives, config, watermark_ms, &id_map, &mut alerts);
        echo_alerts(&docs.echo.references, config, &id_map, &mut alerts);
        alerts.retain(|a| config.enabled(a.kind));
        Ok((alerts, live))
    }

    fn campaigns(
        &mut self,
        doc: &schema::CampaignsFile,
        config: &Config,
        now: i64,
        conn: &Connection,
        alerts: &mut Vec<NewAlert>,
    ) -> anyhow::Result<(Vec<LiveCampaign>, HashMap<u64, i64>)> {
        let rules = &config.alerts;
        let mut live = Vec::new();
        let mut id_map = HashMap::new();
        let mut used: HashSet<i64> = HashSet::new();
        for c in &doc.campaigns {
            let members: HashSet<String> = c.members.iter().map(|m| m.account_id.clone()).collect();
            if members.is_empty() {
                continue;
            }
            let score = c.score;
            let size = members.len();
            let best = self
                .tracked
                .iter()
                .enumerate()
                .filter(|(_, t)| !used.contains(&t.id))
                .map(|(i, t)| (i, overlap(&members, &t.members)))
                .filter(|&(_, o)| o >= 0.5)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            let qualifies =
                size >= rules.min_campaign_accounts && score >= rules.min_campaign_score;
            let idx = match best {
                Some((i, _)) => i,
                None => {
                    self.tracked.push(Tracked {
                        id: self.next_id,
                        members: HashSet::new(),
                        first_seen_ms: now,
                        last_seen_ms: now,
                        alerted_size: 0,
                    });
                    self.next_id += 1;
                    self.tracked.len() - 1
                }
            };
            let t = &mut self.tracked[idx];
            t.members = members;
            t.last_seen_ms = now;
            used.insert(t.id);
            id_map.insert(u64::from(c.id), t.id);
            let names: Vec<&str> = c.behaviours.keys().map(String::as_str).collect();
            let mut accounts: Vec<&String> = t.members.iter().collect();
            accounts.sort();
            let summary = json!({
                "size": size,
                "score": score,
                "behaviours": c.behaviours,
                "accounts": accounts,
                "leaders": c.leaders,
                "first_post": c.first_post,
                "last_post": c.last_post,
                "evidence_samples": c.evidence_samples.iter().take(3).collect::<Vec<_>>(),
            });
            if qualifies && t.alerted_size == 0 {
                alerts.push(NewAlert {
                    key: format!("new_campaign:{}", t.id),
                    kind: "new_campaign",
                    title: format!(
                        "New campaign #{}: {} accounts acting in lockstep ({}), score {:.2}",
                        t.id,
                        size,
                        names.join(", "),
                        score
                    ),
                    campaign_id: Some(t.id),
                    detail: summary.clone(),
                });
                t.alerted_size = size;
            } else if qualifies && t.alerted_size > 0 {
                let step = rules
                    .growth_min_accounts
                    .max((t.alerted_size as f64 * rules.growth_ratio).ceil() as usize);
                if size >= t.alerted_size + step {
                    alerts.push(NewAlert {
                        key: format!("campaign_growth:{}:{}", t.id, size),
                        kind: "campaign_growth",
                        title: format!(
                            "Campaign #{} grew from {} to {} accounts",
                            t.id, t.alerted_size, size
                        ),
                        campaign_id: Some(t.id),
                        detail: json!({"from": t.alerted_size, "to": size, "campaign": summary}),
                    });
                    t.alerted_size = size;
                }
            }
            let handles: Vec<Option<&str>> =
                c.members.iter().map(|m| m.handle.as_deref()).collect();
            let accounts: Vec<&str> = c.members.iter().map(|m| m.account_id.as_str()).collect();
            live.push(json!({
                "id": t.id,
                "accounts": accounts,
                "handles": handles,
                "size": size,
                "score": score,
                "first_seen": rfc3339(t.first_seen_ms),
                "last_seen": rfc3339(t.last_seen_ms),
                "first_post": c.first_post,
                "last_post": c.last_post,
                "behaviours": c.behaviours,
                "alerted": t.alerted_size > 0,
                "analysis_id": c.id,
            }));
            let members_json = serde_json::to_string(&t.members)?;
            conn.execute(
                "INSERT INTO campaigns(id, first_seen_ms, last_seen_ms, alerted_size, members)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms,
                   alerted_size = excluded.alerted_size, members = excluded.members",
                params![
                    t.id,
                    t.first_seen_ms,
                    t.last_seen_ms,
                    t.alerted_size as i64,
                    members_json
                ],
            )?;
        }
        self.set_aside(doc, &used, alerts);
        Ok((live, id_map))
    }

    /// Alerted campaigns that this analysis no longer reports but sets aside (fan-like or
    /// crowd-like once more of the crowd is in the window): say so once, so whoever acted
    /// on the first alert hears that the engine withdrew it, and why. The set-aside group
    /// must be mostly the campaign's members (80 %) and hold at least half of them.
    fn set_aside(
        &self,
        doc: &schema::CampaignsFile,
        used: &HashSet<i64>,
        alerts: &mut Vec<NewAlert>,
    ) {
        // Each group's members, gathered once for all tracked campaigns.
        let groups: Vec<(HashSet<&str>, &schema::SetAside)> = doc
            .set_aside
            .iter()
            .map(|g| (g.members.iter().map(String::as_str).collect(), g))
            .collect();
        for t in &self.tracked {
            if t.alerted_size == 0 || used.contains(&t.id) {
                continue;
            }
            let best = groups
                .iter()
                .map(|(members, g)| {
                    let shared = members.iter().filter(|m| t.members.contains(**m)).count() as f64;
                    let (of_group, of_campaign) = (
                        shared / members.len().max(1) as f64,
                        shared / t.members.len().max(1) as f64,
                    );
                    (of_group, of_campaign, *g)
                })
                // The set-aside group must be essentially the campaign: a campaign merged
                // with outsiders into a loose group that is set aside says nothing about
                // the campaign itself (it comes back once the groups separate again).
                .filter(|&(of_group, of_campaign, _)| of_group >= 0.8 && of_campaign >= 0.5)
                .max_by(|a, b| (a.0 + a.1).total_cmp(&(b.0 + b.1)));
            let Some((_, _, g)) = best else { continue };
            let reason = &g.reason;
            alerts.push(NewAlert {
                key: format!("campaign_set_aside:{}", t.id),
                kind: "campaign_set_aside",
                title: format!("Campaign #{} set aside: {reason}", t.id),
                campaign_id: Some(t.id),
                detail: json!({
                    "reason": reason,
                    "accounts": g.members,
                    "score_components": g.score_components,
                }),
            });
        }
    }

    /// Whether a burst of `label` starting at `onset` was announced (within the slack).
    fn announce(&mut self, kind: &str, label: &str, onset: i64) -> bool {
        let seen = self
            .announced
            .entry((kind.to_string(), label.to_string()))
            .or_default();
        if seen.iter().any(|&o| (o - onset).abs() <= ONSET_SLACK_MS) {
            return false;
        }
        seen.push(onset);
        true
    }

    /// Bursts in `bursts` that pass `(min_posts, min_coordinated_share)`, are still under
    /// way, and were not announced for `label` yet: (burst, onset ms, posts, share).
    fn new_bursts<'a>(
        &mut self,
        kind: &str,
        label: &str,
        bursts: &'a Value,
        (min_posts, min_share): (u64, f64),
        current: &dyn Fn(&Value) -> bool,
    ) -> Vec<(&'a Value, i64, u64, f64)> {
        let mut out = Vec::new();
        for b in bursts.as_array().into_iter().flatten() {
            let posts = b["posts"].as_u64().unwrap_or(0);
            let share = b["coordinated_share"].as_f64().unwrap_or(0.0);
            let Some(onset) = parse_time(&b["onset"]) else {
                continue;
            };
            if posts >= min_posts
                && share >= min_share
                && current(b)
                && self.announce(kind, label, onset)
            {
                out.push((b, onset, posts, share));
            }
        }
        out
    }

    fn bursts(
        &mut self,
        doc: &schema::NarrativesFile,
        config: &Config,
        now: i64,
        id_map: &HashMap<u64, i64>,
        alerts: &mut Vec<NewAlert>,
    ) {
        let rules = &config.alerts;
        // A burst is news while it is under way: its last elevated hour is recent.
        let current = |b: &Value| parse_time(&b["until"]).is_some_and(|u| u >= now - 3_600_000);
        // Tracked campaigns with at least `min_posts` posts in a narrative.
        let campaigns_of = |n: &Value, min_posts: u64| -> Vec<i64> {
            n["campaigns"]
                .as_array()
                .map(|cs| {
                    cs.iter()
                        .filter(|c| c["campaign_posts"].as_u64().unwrap_or(0) >= min_posts)
                        .filter_map(|c| c["campaign_id"].as_u64())
                        .filter_map(|id| id_map.get(&id).copied())
                        .collect()
                })
                .unwrap_or_default()
        };
        for n in doc.narratives.as_array().into_iter().flatten() {
            let label = n["top_terms"][0]["term"]
                .as_str()
                .or_else(|| n["name"].as_str())
                .unwrap_or("")
                .to_string();
            let campaigns = campaigns_of(n, rules.burst_min_campaign_posts.max(1));
            if rules.burst_min_campaign_posts > 0 && campaigns.is_empty() {
                continue;
            }
            for (b, onset, posts, share) in self.new_bursts(
                "narrative_burst",
                &label,
                &n["bursts"],
                (rules.burst_min_posts, rules.burst_min_coordinated_share),
                &current,
            ) {
                alerts.push(NewAlert {
                    key: format!("narrative_burst:{label}:{onset}"),
                    kind: "narrative_burst",
                    title: format!(
                        "Narrative \u{201c}{}\u{201d} is bursting: {} posts since {}, {:.0}% coordinated",
                        n["name"].as_str().unwrap_or(&label),
                        posts,
                        b["onset"].as_str().unwrap_or("?"),
                        share * 100.0
                    ),
                    campaign_id: campaigns.first().copied(),
                    detail: json!({
                        "label": label,
                        "name": n["name"],
                        "onset": b["onset"],
                        "burst": b,
                        "campaigns": campaigns,
                        "top_terms": n["top_terms"],
                        "examples": n["examples"],
                    }),
                });
            }
        }
        for w in doc.watch_terms.as_array().into_iter().flatten() {
            let term = w["term"].as_str().unwrap_or("").to_string();
            for (b, onset, posts, _) in self.new_bursts(
                "watch_term_spike",
                &term,
                &w["bursts"],
                (rules.watch_min_posts, 0.0),
                &current,
            ) {
                let campaigns = campaigns_of(w, 1);
                alerts.push(NewAlert {
                    key: format!("watch_term_spike:{term}:{onset}"),
                    kind: "watch_term_spike",
                    title: format!(
                        "Watch term \u{201c}{}\u{201d} is spiking: {} posts since {}",
                        term,
                        posts,
                        b["onset"].as_str().unwrap_or("?")
                    ),
                    campaign_id: campaigns.first().copied(),
                    detail: json!({
                        "label": term,
                        "onset": b["onset"],
                        "burst": b,
                        "campaigns": campaigns,
                    }),
                });
            }
        }
    }
}

fn echo_alerts(
    references: &Value,
    config: &Config,
    id_map: &HashMap<u64, i64>,
    alerts: &mut Vec<NewAlert>,
) {
    for r in references.as_array().into_iter().flatten() {
        let url = r["url"].as_str().unwrap_or("").to_string();
        for c in r["campaigns"].as_array().into_iter().flatten() {
            let posts = c["campaign_posts"].as_u64().unwrap_or(0);
            let Some(&id) = c["campaign_id"].as_u64().and_then(|a| id_map.get(&a)) else {
                continue;
            };
            if posts < config.alerts.echo_min_posts {
                continue;
            }
            alerts.push(NewAlert {
                key: format!("echo:{url}:{id}"),
                kind: "echo",
                title: format!(
                    "Campaign #{id} echoes \u{201c}{}\u{201d} ({}): {} posts",
                    r["title"].as_str().unwrap_or(&url),
                    r["source"].as_str().unwrap_or("reference"),
                    posts
                ),
                campaign_id: Some(id),
                detail: json!({
                    "url": url,
                    "title": r["title"],
                    "source": r["source"],
                    "published_at": r["published_at"],
                    "campaign_posts": posts,
                    "first_echo_lag_s": r["first_echo_lag_s"],
                    "lag": r["lag"],
                }),
            });
        }
    }
}

/// Store alerts (skipping keys already raised) and return the stored ones with their
/// sequence numbers, in order.
pub fn store_alerts(
    conn: &Connection,
    alerts: Vec<NewAlert>,
    watermark_ms: i64,
) -> anyhow::Result<Vec<crate::store::StoredAlert>> {
    let now = crate::parse::now_ms();
    let mut out = Vec::new();
    for a in alerts {
        // The key is unique: an alert raised before is not stored (or sent) again.
        let added = conn.execute(
            "INSERT OR IGNORE INTO alerts(key, kind, created_ms, body) VALUES (?1, ?2, ?3, '')",
            params![a.key, a.kind, now],
        )?;
        if added == 0 {
            continue;
        }
        let seq = conn.last_insert_rowid();
        let body = json!({
            "seq": seq,
            "kind": a.kind,
            "title": a.title,
            "created": rfc3339(now),
            "event_time": rfc3339(watermark_ms),
            "campaign_id": a.campaign_id,
            "detail": a.detail,
        })
        .to_string();
        conn.execute(
            "UPDATE alerts SET body = ?1 WHERE seq = ?2",
            params![body, seq],
        )?;
        out.push(crate::store::StoredAlert { seq, body });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{connect, Store};

    fn campaign(id: u64, members: &[&str], score: f64) -> Value {
        json!({
            "id": id,
            "score": score,
            "behaviours": {"co-repost": 10},
            "members": members.iter().map(|m| json!({"account_id": m, "handle": format!("h{m}")})).collect::<Vec<_>>(),
        })
    }

    fn write(dir: &Path, campaigns: Vec<Value>) {
        std::fs::write(
            dir.join("campaigns.json"),
            json!({"campaigns": campaigns, "set_aside": []}).to_string(),
        )
        .expect("write");
    }

    /// A temporary directory (for the analysis files) with a fresh database, a
    /// connection to it and its rules.
    fn fixture() -> (tempfile::TempDir, Store, Connection, Rules) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("a.db");
        let store = Store::open(&db).expect("open");
        let conn = connect(&db).expect("connect");
        let rules = Rules::load(&conn).expect("load");
        (dir, store, conn, rules)
    }

    #[test]
    fn new_growth_and_identity_across_refreshes() {
        let (dir, _store, conn, mut rules) = fixture();
        let config = Config::default();
        write(dir.path(), vec![campaign(1, &["a", "b", "c"], 0.9)]);
        let (alerts, live) = rules
            .evaluate(dir.path(), &config, 1000, &conn)
            .expect("evaluate");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, "new_campaign");
        assert_eq!(live[0]["id"], 1);
        let stored = store_alerts(&conn, alerts, 1000).expect("store");
        assert_eq!(stored.len(), 1);
        // Same group, ranked second behind a new small one, then grown.
        write(
            dir.path(),
            vec![
                campaign(1, &["x", "y"], 0.9),
                campaign(2, &["a", "b", "c", "d", "e", "f"], 0.9),
            ],
        );
        let (alerts, live) = rules
            .evaluate(dir.path(), &config, 2000, &conn)
            .expect("evaluate");
        let kinds: Vec<_> = alerts.iter().map(|a| a.kind).collect();
        assert_eq!(kinds, vec!["campaign_growth"], "x,y is below min size");
        assert_eq!(live[1]["id"], 1, "identity kept by members");
        // A restart reloads tracked campaigns: no repeated alert.
        let mut again = Rules::load(&conn).expect("reload");
        let (alerts, _) = again
            .evaluate(dir.path(), &config, 3000, &conn)
            .expect("evaluate");
        assert!(alerts.is_empty(), "{alerts:?}");
    }

    #[test]
    fn an_alerted_campaign_set_aside_later_is_withdrawn_once() {
        let (dir, _store, conn, mut rules) = fixture();
        let config = Config::default();
        write(dir.path(), vec![campaign(1, &["a", "b", "c", "d"], 0.4)]);
        let (alerts, _) = rules
            .evaluate(dir.path(), &config, 1000, &conn)
            .expect("evaluate");
        store_alerts(&conn, alerts, 1000).expect("store");
        let set_aside = |groups: Value| {
            std::fs::write(
                dir.path().join("campaigns.json"),
                json!({"campaigns": [], "set_aside": groups}).to_string(),
            )
            .expect("write");
        };
        // Merged with as many outsiders into a loose group that is set aside: that says
        // nothing about the campaign itself.
        let crowd = "crowd-like: a minority of the activity it joins";
        set_aside(
            json!([{"members": ["a", "b", "c", "d", "x1", "x2", "x3", "x4"],
            "reason": crowd, "score_components": {}}]),
        );
        let (alerts, _) = rules
            .evaluate(dir.path(), &config, 1500, &conn)
            .expect("evaluate");
        assert!(alerts.is_empty(), "{alerts:?}");
        // More of the crowd in the window: the group itself is set aside (with one more
        // fan); an unrelated set-aside group raises nothing.
        let reason = "fan-like: amplifies a single outside source as part of a larger crowd";
        set_aside(json!([
            {"members": ["a", "b", "c", "d", "f1"], "reason": reason, "score_components": {"exclusivity": 0.57}},
            {"members": ["x", "y", "z"], "reason": crowd, "score_components": {}},
        ]));
        let (alerts, _) = rules
            .evaluate(dir.path(), &config, 2000, &conn)
            .expect("evaluate");
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].kind, "campaign_set_aside");
        assert_eq!(alerts[0].campaign_id, Some(1));
        assert!(alerts[0].title.contains("fan-like"), "{}", alerts[0].title);
        assert_eq!(store_alerts(&conn, alerts, 2000).expect("store").len(), 1);
        // The next refresh, or one after a restart, says nothing new.
        let mut again = Rules::load(&conn).expect("reload");
        let (alerts, _) = again
            .evaluate(dir.path(), &config, 3000, &conn)
            .expect("evaluate");
        assert!(store_alerts(&conn, alerts, 3000).expect("store").is_empty());
    }

    #[test]
    fn duplicate_keys_are_not_stored_twice() {
        let (_dir, _store, conn, _) = fixture();
        let a = NewAlert {
            key: "k".into(),
            kind: "echo",
            title: "t".into(),
            campaign_id: None,
            detail: json!({}),
        };
        assert_eq!(store_alerts(&conn, vec![a.clone()], 0).expect("s").len(), 1);
        assert_eq!(store_alerts(&conn, vec![a], 0).expect("s").len(), 0);
    }

    #[test]
    fn bursts_once_while_current() {
        let mut rules = Rules {
            tracked: vec![],
            next_id: 1,
            announced: HashMap::new(),
        };
        let doc = json!({"narratives": [{"name": "后门 / h20", "top_terms": [{"term": "后门"}],
            "campaigns": [{"campaign_id": 1, "campaign_posts": 40}],
            "bursts": [{"onset": "2025-08-01T07:00:00Z", "until": "2025-08-01T12:00:00Z", "posts": 50, "coordinated_share": 0.5}]}],
            "watch_terms": [{"term": "backdoor", "bursts": [{"onset": "2025-08-01T08:00:00Z", "until": "2025-08-01T12:00:00Z", "posts": 12}]}]});
        let now = iso8601_to_ms("2025-08-01T12:30:00Z").expect("time");
        let tracked: HashMap<u64, i64> = [(1, 7)].into_iter().collect();
        let mut alerts = vec![];
        let doc: schema::NarrativesFile = serde_json::from_value(doc).expect("narratives");
        rules.bursts(&doc, &Config::default(), now, &tracked, &mut alerts);
        assert_eq!(alerts.len(), 2);
        assert_eq!(alerts[0].campaign_id, Some(7));
        // Without a campaign behind it, a burst is left to the report.
        let mut none = vec![];
        rules.bursts(&doc, &Config::default(), now, &HashMap::new(), &mut none);
        assert!(none.iter().all(|a| a.kind != "narrative_burst"));
        // The onset moves an hour as data arrive: still the same burst.
        let moved = json!({"narratives": [{"name": "后门 / h20", "top_terms": [{"term": "后门"}],
            "campaigns": [{"campaign_id": 1, "campaign_posts": 40}],
            "bursts": [{"onset": "2025-08-01T06:00:00Z", "until": "2025-08-01T12:00:00Z", "posts": 60, "coordinated_share": 0.5}]}]});
        let moved: schema::NarrativesFile = serde_json::from_value(moved).expect("narratives");
        let mut more = vec![];
        rules.bursts(&moved, &Config::default(), now, &tracked, &mut more);
        assert!(more.is_empty());
        // A burst that ended a day ago is history, not news.
        let later = now + 86_400_000;
        let old = json!({"narratives": [{"name": "x", "top_terms": [{"term": "x"}],
            "campaigns": [{"campaign_id": 1, "campaign_posts": 40}],
            "bursts": [{"onset": "2025-08-01T07:00:00Z", "until": "2025-08-01T12:00:00Z", "posts": 50, "coordinated_share": 0.5}]}]});
        let old: schema::NarrativesFile = serde_json::from_value(old).expect("narratives");
        rules.bursts(&old, &Config::default(), later, &tracked, &mut more);
        assert!(more.is_empty());
    }
}
