//! The brief on `lockstep demo`: every planted campaign of the h20 scenario is a campaign
//! whose `kind` is the kind it was planted as, findings.md names each one with its label,
//! and the brief's sections are all there.

mod common;

use common::*;
use std::collections::HashMap;

/// The kind a planted campaign's truth label names (lockstep-generate's campaign names:
/// `h20_copypaste_1`, `h20_repost_1`, `h20_slow_1`, ...).
fn planted_kind(label: &str) -> Option<&'static str> {
    [
        ("copypaste", "copy-paste"),
        ("copy_paste", "copy-paste"),
        ("reply_swarm", "reply swarm"),
        ("repost", "repost ring"),
        ("slow", "repost ring"),
        ("link", "link ring"),
        ("hashtag", "hashtag push"),
    ]
    .into_iter()
    .find(|(stem, _)| label.contains(stem))
    .map(|(_, kind)| kind)
}

#[test]
fn the_demo_brief_names_every_planted_campaign_with_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    lockstep_ok(&["demo", "--out", dir.path().to_str().unwrap()]);
    let results = dir.path().join("results");
    let (_, truth) = read_csv(&dir.path().join("data/truth.csv"));
    let label_of: HashMap<&str, &str> = truth
        .iter()
        .map(|r| (r["account_id"].as_str(), r["label"].as_str()))
        .collect();
    let planted: std::collections::BTreeSet<&str> = truth
        .iter()
        .map(|r| r["label"].as_str())
        .filter(|l| planted_kind(l).is_some())
        .collect();
    assert!(planted.len() >= 5, "planted: {planted:?}");

    let campaigns = json(&results.join("campaigns.json"));
    let findings = std::fs::read_to_string(results.join("findings.md")).unwrap();
    let mut found = std::collections::BTreeSet::new();
    for c in campaigns["campaigns"].as_array().unwrap() {
        // The truth label most of its members carry.
        let mut votes: HashMap<&str, usize> = HashMap::new();
        for m in c["members"].as_array().unwrap() {
            let id = m["account_id"].as_str().unwrap();
            *votes
                .entry(label_of.get(id).copied().unwrap_or("organic"))
                .or_default() += 1;
        }
        let (label, n) = votes.into_iter().max_by_key(|v| (v.1, v.0)).unwrap();
        let id = c["id"].as_u64().unwrap();
        let Some(want) = planted_kind(label) else {
            continue;
        };
        if 2 * n < c["size"].as_u64().unwrap() as usize {
            continue;
        }
        assert_eq!(
            c["kind"], want,
            "campaign {id} ({label}): behaviours {}",
            c["behaviours"]
        );
        let text = c["label"].as_str().unwrap();
        assert!(text.starts_with(want), "label {text}");
        assert!(!c["disarm"].as_array().unwrap().is_empty());
        assert!(
            findings.contains(&format!("[Campaign {id}](report.html#campaign-{id})")),
            "findings.md does not link campaign {id}"
        );
        // The label as findings.md writes it (Markdown punctuation escaped).
        let first_words: String = text.chars().take_while(|c| *c != ':').collect();
        assert!(
            findings.contains(&first_words),
            "findings.md lacks {first_words}"
        );
        found.insert(label);
    }
    assert_eq!(found, planted, "planted campaigns not found as campaigns");
    for section in [
        "## What was found",
        "## What they pushed",
        "## When it escalated",
        "## Whose words and accounts they amplified",
        "## How sure the engine is",
        "## What to watch next",
    ] {
        assert!(findings.contains(section), "findings.md lacks {section}");
    }
    assert!(results.join("stix.json").exists());
}
