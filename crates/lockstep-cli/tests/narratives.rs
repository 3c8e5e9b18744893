//! Narratives, escalation, watch terms and echo on the `h20` scenario, checked against its
//! ground truth (`truth_posts.csv`, `truth_events.csv`):
//!
//! - every planted copy-paste template is one template with at least 90 % of its posts
//!   and at most 5 % foreign posts;
//! - every narrative lists the campaigns whose accounts push it;
//! - the planted escalation is a burst of campaign activity whose onset is within one hour
//!   of the truth;
//! - posts echoing a reference are found with precision and recall of at least 0.95, with
//!   their lag;
//! - watch terms, seed accounts and the CSV outputs are there and consistent.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// The rows of a CSV file keyed by column name.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    read_csv(path).1
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2025-08-01T13:05:28Z`).
fn secs(s: &str) -> i64 {
    let b = s.as_bytes();
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
    assert!(b.len() >= 20 && b[10] == b'T' && s.ends_with('Z'), "{s}");
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

#[test]
fn h20_narratives_escalation_and_echo_match_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), "h20", "1", "0.3");
    let out = dir.path().join("out");
    analyze(
        &data.join("posts.jsonl"),
        &out,
        &[
            "--reference",
            data.join("references.jsonl").to_str().unwrap(),
            "--seed-accounts",
            data.join("seed_accounts.csv").to_str().unwrap(),
            "--watch",
            "后门,backdoor",
        ],
    );
    for f in [
        "narratives.json",
        "post_labels.csv",
        "echo.json",
        "echo_posts.csv",
        "seed_amplifications.csv",
        "timeseries_narratives.csv",
        "timeseries_campaigns.csv",
        "timeseries_watch.csv",
        "timeseries_overall.csv",
        "timeseries_references.csv",
    ] {
        assert!(out.join(f).exists(), "missing {f}");
    }
    let truth = rows(&data.join("truth_posts.csv"));
    let labels: HashMap<String, HashMap<String, String>> = rows(&out.join("post_labels.csv"))
        .into_iter()
        .map(|r| (r["post_id"].clone(), r))
        .collect();
    let narratives = json(&out.join("narratives.json"));

    // 1. Copy-paste templates.
    let mut planted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &truth {
        if r["campaign"].starts_with("h20_copypaste") && !r["template"].is_empty() {
            planted
                .entry(&r["template"])
                .or_default()
                .push(&r["post_id"]);
        }
    }
    assert!(planted.len() >= 5, "planted templates: {planted:?}");
    let mut template_size: HashMap<&str, usize> = HashMap::new();
    for l in labels.values() {
        if !l["template_id"].is_empty() {
            *template_size.entry(&l["template_id"]).or_default() += 1;
        }
    }
    for (name, posts) in &planted {
        let mut by: HashMap<&str, usize> = HashMap::new();
        for p in posts {
            if let Some(t) = labels.get(*p).map(|l| l["template_id"].as_str()) {
                if !t.is_empty() {
                    *by.entry(t).or_default() += 1;
                }
            }
        }
        let (best, hit) = by
            .iter()
            .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
            .unwrap_or_else(|| panic!("{name}: no template"));
        let recall = *hit as f64 / posts.len() as f64;
        let foreign = 1.0 - *hit as f64 / template_size[best] as f64;
        assert!(
            recall >= 0.9 && foreign <= 0.05,
            "{name}: template {best} holds {hit} of {} posts (recall {recall:.3}), {:.3} foreign",
            posts.len(),
            foreign
        );
    }

    // 2. Narratives list the campaigns whose accounts push them.
    let member_campaign: HashMap<String, String> = rows(&out.join("accounts.csv"))
        .into_iter()
        .map(|r| (r["account_id"].clone(), r["campaign_id"].clone()))
        .collect();
    let posts_csv = rows(&data.join("posts.csv"));
    let author: HashMap<&str, &str> = posts_csv
        .iter()
        .map(|r| (r["message_id"].as_str(), r["user_id"].as_str()))
        .collect();
    let mut pushed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (p, l) in &labels {
        if l["narrative_id"].is_empty() {
            continue;
        }
        if let Some(c) = author.get(p.as_str()).and_then(|a| member_campaign.get(*a)) {
            pushed
                .entry(l["narrative_id"].clone())
                .or_default()
                .insert(c.clone());
        }
    }
    let list = narratives["narratives"].as_array().unwrap();
    assert!(!list.is_empty());
    let mut with_campaigns = 0;
    for n in list {
        let id = n["id"].to_string();
        let listed: BTreeSet<String> = n["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["campaign_id"].to_string())
            .collect();
        let expected = pushed.get(&id).cloned().unwrap_or_default();
        if (n["top_accounts"].as_array().map_or(0, |a| a.len())) > 0 {
            assert_eq!(listed, expected, "narrative {id} ({})", n["name"]);
        } else {
            assert!(listed.is_subset(&expected), "narrative {id}");
        }
        with_campaigns += (!listed.is_empty()) as usize;
        assert!(n["top_terms"].is_array() && n["first_seen"].is_string());
    }
    assert!(
        with_campaigns >= 3,
        "only {with_campaigns} narratives name a campaign"
    );
    // The planted templates' narratives name the campaign of the copy-paste ring.
    for (name, posts) in &planted {
        let (p, camp) = posts
            .iter()
            .find_map(|p| member_campaign.get(author[p]).map(|c| (*p, c)))
            .unwrap_or_else(|| panic!("no account of {name} is in a campaign"));
        let nid = &labels[p]["narrative_id"];
        let n = list.iter().find(|n| &n["id"].to_string() == nid).unwrap();
        assert!(
            n["campaigns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| &c["campaign_id"].to_string() == camp),
            "narrative {nid} misses campaign {camp}"
        );
    }

    // 3. Escalation: the burst of campaign activity that holds the truth's peak starts
    //    within an hour of the truth's onset.
    let events: HashMap<String, String> = rows(&data.join("truth_events.csv"))
        .into_iter()
        .map(|r| (r["event"].clone(), r["time"].clone()))
        .collect();
    let onset = secs(&events["escalation_onset"]);
    let peak = secs(&events["escalation_peak"]);
    let bursts = narratives["overall"]["campaign_bursts"].as_array().unwrap();
    let b = bursts
        .iter()
        .find(|b| {
            secs(b["onset"].as_str().unwrap()) <= peak && peak < secs(b["until"].as_str().unwrap())
        })
        .unwrap_or_else(|| {
            panic!(
                "no burst holds the peak {}: {bursts:?}",
                events["escalation_peak"]
            )
        });
    let found = secs(b["onset"].as_str().unwrap());
    assert!(
        (found - onset).abs() <= 3600,
        "escalation onset {} vs truth {}",
        b["onset"],
        events["escalation_onset"]
    );
    assert!(b["coordinated_share"].as_f64().unwrap() > 0.99);
    assert!(b["growth_per_hour"].as_f64().unwrap() > 1.0);

    // 4. Echo of references.
    let echo: HashMap<String, HashMap<String, String>> = rows(&out.join("echo_posts.csv"))
        .into_iter()
        .map(|r| (r["post_id"].clone(), r))
        .collect();
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    for r in &truth {
        let t = &r["echoes_reference"];
        match echo.get(&r["post_id"]) {
            Some(e) if !t.is_empty() => {
                tp += 1;
                assert_eq!(&e["reference_url"], t, "post {}", r["post_id"]);
            }
            Some(_) => fp += 1,
            None if !t.is_empty() => fneg += 1,
            None => {}
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fneg).max(1) as f64;
    assert!(
        precision >= 0.95 && recall >= 0.95 && tp > 50,
        "echo precision {precision:.3}, recall {recall:.3} ({tp} true, {fp} false, {fneg} missed)"
    );
    let refs: Vec<serde_json::Value> = std::fs::read_to_string(data.join("references.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let published: HashMap<String, i64> = refs
        .iter()
        .map(|r| {
            (
                r["url"].as_str().unwrap().to_string(),
                secs(r["published_at"].as_str().unwrap()),
            )
        })
        .collect();
    let time: HashMap<&str, i64> = posts_csv
        .iter()
        .map(|r| (r["message_id"].as_str(), r["timestamp"].parse().unwrap()))
        .collect();
    for (p, e) in echo.iter().take(200) {
        let lag: f64 = e["lag_s"].parse().expect("lag reported");
        assert_eq!(
            lag as i64,
            time[p.as_str()] - published[&e["reference_url"]]
        );
    }
    let echo_json = json(&out.join("echo.json"));
    let r = echo_json["references"].as_array().unwrap();
    assert_eq!(r.len(), refs.len());
    assert!(r
        .iter()
        .any(|x| !x["campaigns"].as_array().unwrap().is_empty()));
    assert!(r.iter().all(|x| x["lag"]["median_s"].is_number()));

    // 5. Seed accounts: all found; the repost ring is tied to them.
    let seeds = &echo_json["seed_accounts"];
    assert!(seeds["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["found"] == true));
    let tied = seeds["campaigns"].as_array().unwrap();
    assert!(
        tied.iter()
            .any(|c| c["share_of_members"].as_f64().unwrap() >= 0.8
                && c["delay"]["within_10min"].as_f64().unwrap() >= 0.5),
        "no campaign amplifies the seeds fast: {tied:?}"
    );

    // 6. Watch terms, series files and post labels.
    let watch = narratives["watch_terms"].as_array().unwrap();
    assert_eq!(watch.len(), 2);
    assert_eq!(watch[0]["term"], "后门");
    for w in watch {
        assert!(w["posts"].as_u64().unwrap() > 20, "{}", w["term"]);
        assert!(w["coordinated_posts"].as_u64().unwrap() > 0);
        assert!(!w["bursts"].as_array().unwrap().is_empty());
    }
    let ts = rows(&out.join("timeseries_watch.csv"));
    let sum: u64 = ts
        .iter()
        .filter(|r| r["series"] == "后门")
        .map(|r| r["posts"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, watch[0]["posts"].as_u64().unwrap());
    for (p, l) in &labels {
        if !l["campaign_id"].is_empty() {
            assert_eq!(
                member_campaign.get(author[p.as_str()]),
                Some(&l["campaign_id"]),
                "post {p}"
            );
        }
    }
    let summary = json(&out.join("summary.json"));
    assert!(
        summary["narratives"]["counts"]["narratives"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(summary["timings_s"]["narratives"].is_number());
}

#[test]
fn bad_reference_and_watch_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Seed 1 is the generator's default.
    let data = generate(dir.path(), "basic", "1", "0.01");
    let posts = data.join("posts.csv");
    let out = dir.path().join("out");
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "not json\n").unwrap();
    for extra in [
        vec!["--reference", "/nonexistent/refs.jsonl"],
        vec!["--reference", empty.to_str().unwrap()],
        vec!["--seed-accounts", "/nonexistent/seeds.csv"],
        vec!["--watch", "@/nonexistent/terms.txt"],
        vec!["--watch", " , "],
    ] {
        let mut args = vec![
            "analyze",
            posts.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra.iter().copied());
        let o = lockstep(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // Without any of them, the narrative outputs are still written.
    analyze(&posts, &out, &[]);
    let n = json(&out.join("narratives.json"));
    assert!(n["narratives"].is_array() && n["watch_terms"].as_array().unwrap().is_empty());
    let e = json(&out.join("echo.json"));
    assert!(e["references"].as_array().unwrap().is_empty() && e["seed_accounts"].is_null());
    assert!(!out.join("echo_posts.csv").exists());
    let header = std::fs::read_to_string(out.join("post_labels.csv")).unwrap();
    assert!(header.starts_with("post_id,template_id,narrative_id,campaign_id\n"));
}
