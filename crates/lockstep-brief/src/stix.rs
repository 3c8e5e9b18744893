//! The findings as a STIX 2.1 bundle (`stix.json`), for OpenCTI, MISP and other
//! threat-intelligence tools:
//!
//! * one `campaign` per campaign (its label as name, kind, size, score and evidence in
//!   the description, first and last post as `first_seen` / `last_seen`);
//! * its members as `user-account` observables (`user_id`, `account_login` when a handle
//!   is known, the platform as `account_type`), each tied to the campaign by a
//!   `related-to` relationship that says its role;
//! * the DISARM techniques its evidence supports as `attack-pattern`s (external id and
//!   URL of the DISARM framework), tied by `uses`;
//! * the narratives campaigns pushed and the references they echoed as `note`s on the
//!   campaigns;
//! * one `report` listing everything, and an `identity` for lockstep as the author.
//!
//! Ids are deterministic: UUID v5 of what the object is (a campaign's members, a
//! technique id, ...) in lockstep's namespace, and for `user-account`s the STIX 2.1
//! deterministic id (UUID v5 in the STIX namespace of the canonical JSON of `account_type`,
//! `user_id` and `account_login`, spec section 2.9), so the same account from two runs is
//! the same object. `created` and `modified` are the last post of the data, not the clock,
//! so the same input gives the same bytes.

use crate::findings::{self, Block, Line};
use crate::AnalysisDir;
use lockstep_output::kind::technique;
use lockstep_output::schema::Campaign;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// lockstep's namespace for the UUID v5 of the objects it writes
/// (UUID v5 of `https://github.com/lockstep/stix` in the URL namespace).
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://github.com/lockstep/stix")
}

/// STIX 2.1's namespace for deterministic ids of cyber-observable objects.
const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

fn sdo_id(kind: &str, name: &str) -> String {
    format!(
        "{kind}--{}",
        Uuid::new_v5(&namespace(), format!("{kind}/{name}").as_bytes())
    )
}

/// The deterministic id of a `user-account` with these id-contributing properties.
fn account_id(props: &Map<String, Value>) -> String {
    // serde_json's map is sorted and its compact form has no whitespace: the canonical
    // JSON (RFC 8785) of these string-valued properties.
    let canonical = Value::Object(props.clone()).to_string();
    format!(
        "user-account--{}",
        Uuid::new_v5(&STIX_SCO_NAMESPACE, canonical.as_bytes())
    )
}

/// A STIX timestamp (millisecond precision, `Z`) of RFC 3339 UTC text; None when the text
/// is not that.
fn timestamp(t: &str) -> Option<String> {
    let b = t.as_bytes();
    if b.len() < 20 || b[10] != b'T' || !t.ends_with('Z') {
        return None;
    }
    let (main, frac) = match t[..t.len() - 1].split_once('.') {
        Some((m, f)) => (m, f),
        None => (&t[..t.len() - 1], ""),
    };
    if main.len() != 19 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut ms: String = frac.chars().take(3).collect();
    while ms.len() < 3 {
        ms.push('0');
    }
    Some(format!("{main}.{ms}Z"))
}

fn line_text(line: &Line) -> String {
    line.iter().map(|s| s.text.as_str()).collect()
}

fn campaign_key(c: &Campaign) -> String {
    let mut members: Vec<String> = c
        .members
        .iter()
        .map(|m| format!("{}:{}", m.platform, m.account_id))
        .collect();
    members.sort();
    members.join("\n")
}

fn description(c: &Campaign) -> String {
    let behaviours: Vec<String> = c
        .behaviours
        .iter()
        .map(|(b, n)| format!("{b} {n}"))
        .collect();
    format!(
        "{kind} of {size} accounts on {platforms}, found by lockstep (campaign {id}, score {score:.3}). \
Significant internal edges by behaviour: {behaviours}. {share:.0} % of the members' posts are evidence of co-action. \
Leaders: {leaders}.",
        kind = c.kind,
        size = c.size,
        platforms = if c.platforms.is_empty() {
            "an unknown platform".to_string()
        } else {
            c.platforms.join(", ")
        },
        id = c.id,
        score = c.score,
        behaviours = behaviours.join(", "),
        share = 100.0 * c.coordinated_share,
        leaders = if c.leaders.is_empty() {
            "none".to_string()
        } else {
            c.leaders.join(", ")
        },
    )
}

/// The bundle of an analysis.
pub fn bundle(a: &AnalysisDir) -> Value {
    let cs = &a.campaigns.campaigns;
    let stamp = cs
        .iter()
        .filter_map(|c| timestamp(&c.last_post))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_string());
    let identity = sdo_id("identity", "lockstep");
    let common = |kind: &str, id: &str| {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        m.insert("spec_version".into(), json!("2.1"));
        m.insert("id".into(), json!(id));
        m.insert("created".into(), json!(stamp));
        m.insert("modified".into(), json!(stamp));
        m.insert("created_by_ref".into(), json!(identity));
        m
    };
    let mut objects: Vec<Value> = Vec::new();
    let mut refs: Vec<String> = Vec::new();
    let mut push = |objects: &mut Vec<Value>, m: Map<String, Value>| {
        if let Some(id) = m.get("id").and_then(Value::as_str) {
            refs.push(id.to_string());
        }
        objects.push(Value::Object(m));
    };

    let mut me = common("identity", &identity);
    me.remove("created_by_ref");
    me.insert("name".into(), json!("lockstep"));
    me.insert("identity_class".into(), json!("system"));
    me.insert(
        "description".into(),
        json!("lockstep, an engine that finds coordinated amplification campaigns in social-media data, with evidence for every edge."),
    );
    push(&mut objects, me);

    // Techniques, each once, in id order.
    let mut techniques: Vec<&str> = cs
        .iter()
        .flat_map(|c| c.disarm.iter().map(String::as_str))
        .collect();
    techniques.sort_unstable();
    techniques.dedup();
    for t in &techniques {
        let Some(t) = technique(t) else { continue };
        let mut m = common("attack-pattern", &sdo_id("attack-pattern", t.id));
        m.insert("name".into(), json!(t.name));
        m.insert(
            "external_references".into(),
            json!([{ "source_name": "DISARM", "external_id": t.id, "url": t.url }]),
        );
        push(&mut objects, m);
    }

    let mut campaign_ids: Vec<(u32, String)> = Vec::new();
    let mut accounts_seen: std::collections::BTreeSet<String> = Default::default();
    for c in cs {
        let cid = sdo_id("campaign", &campaign_key(c));
        campaign_ids.push((c.id, cid.clone()));
        let mut m = common("campaign", &cid);
        m.insert(
            "name".into(),
            json!(format!("lockstep campaign {}: {}", c.id, c.label)),
        );
        m.insert("description".into(), json!(description(c)));
        if !c.kind.is_empty() {
            m.insert("labels".into(), json!([c.kind]));
        }
        let (first, last) = (timestamp(&c.first_post), timestamp(&c.last_post));
        if let (Some(f), Some(l)) = (&first, &last) {
            if f <= l {
                m.insert("first_seen".into(), json!(f));
                m.insert("last_seen".into(), json!(l));
            }
        }
        push(&mut objects, m);
        for t in &c.disarm {
            let Some(t) = technique(t) else { continue };
            let target = sdo_id("attack-pattern", t.id);
            let mut r = common(
                "relationship",
                &sdo_id("relationship", &format!("{cid} uses {target}")),
            );
            r.insert("relationship_type".into(), json!("uses"));
            r.insert("source_ref".into(), json!(cid));
            r.insert("target_ref".into(), json!(target));
            push(&mut objects, r);
        }
        for member in &c.members {
            let mut props = Map::new();
            props.insert("user_id".into(), json!(member.account_id));
            if !member.platform.is_empty() {
                props.insert("account_type".into(), json!(member.platform));
            }
            if let Some(h) = member.handle.as_deref().filter(|h| !h.is_empty()) {
                props.insert("account_login".into(), json!(h));
            }
            let aid = account_id(&props);
            if accounts_seen.insert(aid.clone()) {
                let mut m = Map::new();
                m.insert("type".into(), json!("user-account"));
                m.insert("spec_version".into(), json!("2.1"));
                m.insert("id".into(), json!(aid));
                m.extend(props);
                push(&mut objects, m);
            }
            let mut r = common(
                "relationship",
                &sdo_id("relationship", &format!("{cid} related-to {aid}")),
            );
            r.insert("relationship_type".into(), json!("related-to"));
            r.insert("source_ref".into(), json!(cid));
            r.insert("target_ref".into(), json!(aid));
            r.insert(
                "description".into(),
                json!(format!(
                    "member ({}, account score {:.3}, {} of {} posts coordinated)",
                    member.role, member.score, member.coordinated_posts, member.posts
                )),
            );
            push(&mut objects, r);
        }
    }
    let stix_of = |id: u32| campaign_ids.iter().find(|c| c.0 == id).map(|c| c.1.clone());

    // Narratives and references as notes on the campaigns that pushed or echoed them.
    let brief = findings::brief(a);
    for s in &brief.sections {
        let (what, list) = match s.id.as_str() {
            "pushed" => ("narrative", true),
            "amplified" => ("reference or seed account", true),
            _ => ("", false),
        };
        if !list {
            continue;
        }
        for b in &s.blocks {
            let Block::List { items } = b else { continue };
            for item in items {
                let targets: Vec<String> = item
                    .iter()
                    .filter_map(|sp| sp.link.as_deref())
                    .filter_map(|l| l.strip_prefix("#campaign-"))
                    .filter_map(|n| n.parse().ok())
                    .filter_map(stix_of)
                    .collect();
                if targets.is_empty() {
                    continue;
                }
                let content = line_text(item);
                let mut m = common("note", &sdo_id("note", &format!("{what}\n{content}")));
                let head = item.first().map(|sp| sp.text.clone()).unwrap_or_default();
                m.insert("abstract".into(), json!(format!("{what}: {head}")));
                m.insert("content".into(), json!(content));
                m.insert("object_refs".into(), json!(targets));
                push(&mut objects, m);
            }
        }
    }

    let report_id = sdo_id(
        "report",
        &campaign_ids
            .iter()
            .map(|c| c.1.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let mut m = common("report", &report_id);
    m.insert(
        "name".into(),
        json!(format!(
            "lockstep findings: {} campaign(s)",
            campaign_ids.len()
        )),
    );
    m.insert("description".into(), json!(line_text(&brief.headline)));
    m.insert("published".into(), json!(stamp));
    m.insert("report_types".into(), json!(["campaign"]));
    m.insert("object_refs".into(), json!(refs.clone()));
    objects.push(Value::Object(m));

    json!({
        "type": "bundle",
        "id": format!("bundle--{}", Uuid::new_v5(&namespace(), format!("bundle/{report_id}").as_bytes())),
        "objects": objects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds() {
        assert_eq!(
            timestamp("2025-08-01T02:00:05Z").as_deref(),
            Some("2025-08-01T02:00:05.000Z")
        );
        assert_eq!(
            timestamp("2025-08-01T02:00:05.25Z").as_deref(),
            Some("2025-08-01T02:00:05.250Z")
        );
        assert_eq!(timestamp("2025-08-01 02:00"), None);
    }

    #[test]
    fn account_ids_follow_the_stix_rule() {
        // STIX 2.1 section 2.9: UUID v5 in the SCO namespace of the canonical JSON of the
        // id-contributing properties (here: {"account_type":"weibo","user_id":"1"}).
        let mut p = Map::new();
        p.insert("user_id".into(), json!("1"));
        p.insert("account_type".into(), json!("weibo"));
        let expected = Uuid::new_v5(
            &STIX_SCO_NAMESPACE,
            br#"{"account_type":"weibo","user_id":"1"}"#,
        );
        assert_eq!(account_id(&p), format!("user-account--{expected}"));
        assert_eq!(
            STIX_SCO_NAMESPACE.to_string(),
            "00abedb4-aa42-466c-9c01-fed23315a9b7"
        );
    }

    #[test]
    fn the_same_analysis_gives_the_same_bundle() {
        let mut a = AnalysisDir::default();
        a.campaigns.campaigns.push(Campaign {
            id: 1,
            kind: "repost ring".into(),
            label: "repost ring, 2 accounts".into(),
            disarm: vec!["T0049.003".into()],
            first_post: "2025-08-01T00:00:00Z".into(),
            last_post: "2025-08-02T00:00:00Z".into(),
            members: vec![
                lockstep_output::schema::Member {
                    account_id: "a".into(),
                    platform: "twitter".into(),
                    ..Default::default()
                },
                lockstep_output::schema::Member {
                    account_id: "b".into(),
                    platform: "twitter".into(),
                    handle: Some("bee".into()),
                    ..Default::default()
                },
            ],
            ..Campaign::default()
        });
        let b1 = bundle(&a);
        assert_eq!(b1, bundle(&a));
        let objects = b1["objects"].as_array().expect("objects");
        let types: Vec<&str> = objects.iter().filter_map(|o| o["type"].as_str()).collect();
        for t in [
            "identity",
            "attack-pattern",
            "campaign",
            "user-account",
            "relationship",
            "report",
        ] {
            assert!(types.contains(&t), "{t} missing: {types:?}");
        }
        let ap = objects
            .iter()
            .find(|o| o["type"] == "attack-pattern")
            .expect("attack-pattern");
        assert_eq!(ap["external_references"][0]["external_id"], "T0049.003");
        assert_eq!(ap["created"], "2025-08-02T00:00:00.000Z");
    }
}
