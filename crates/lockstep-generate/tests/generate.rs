//! End-to-end checks of the generated files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lockstep_generate::{
    generate, scenario_names, snowflake_time_ms, GenerateOptions, GenerateSummary, CSV_HEADER,
    POSTS_CSV, POSTS_JSONL, TRUTH_CSV,
};

fn run(dir: &Path, scenario: &str, seed: u64, scale: f64) -> GenerateSummary {
    generate(&GenerateOptions {
        scenario: scenario.to_string(),
        seed,
        scale,
        out_dir: dir.to_path_buf(),
    })
    .expect("generate")
}

struct Row {
    id: u64,
    user_id: String,
    repost_id: String,
    reply_id: String,
    message: String,
    timestamp: i64,
    urls: String,
}

fn read_posts(dir: &Path) -> Vec<Row> {
    let mut rdr = csv::Reader::from_path(dir.join(POSTS_CSV)).expect("open posts.csv");
    let header = rdr.headers().expect("header").clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), CSV_HEADER.to_vec());
    rdr.records()
        .map(|rec| {
            let rec = rec.expect("csv record");
            assert_eq!(rec.len(), 8, "row {rec:?}");
            Row {
                id: rec[0].parse().expect("message_id is a number"),
                user_id: rec[1].to_string(),
                repost_id: rec[3].to_string(),
                reply_id: rec[4].to_string(),
                message: rec[5].to_string(),
                timestamp: rec[6].parse().expect("timestamp is an integer"),
                urls: rec[7].to_string(),
            }
        })
        .collect()
}

fn read_truth(dir: &Path) -> BTreeMap<String, String> {
    let mut rdr = csv::Reader::from_path(dir.join(TRUTH_CSV)).expect("open truth.csv");
    assert_eq!(
        rdr.headers().expect("header").iter().collect::<Vec<_>>(),
        vec!["account_id", "label"]
    );
    rdr.records()
        .map(|r| {
            let r = r.expect("truth record");
            (r[0].to_string(), r[1].to_string())
        })
        .collect()
}

#[test]
fn same_seed_gives_identical_bytes_and_other_seed_does_not() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let c = tempfile::tempdir().expect("tempdir");
    let sa = run(a.path(), "basic", 42, 0.05);
    let sb = run(b.path(), "basic", 42, 0.05);
    run(c.path(), "basic", 43, 0.05);
    assert_eq!(sa.posts, sb.posts);
    for name in [POSTS_CSV, POSTS_JSONL, TRUTH_CSV] {
        let x = std::fs::read(a.path().join(name)).expect("read a");
        let y = std::fs::read(b.path().join(name)).expect("read b");
        let z = std::fs::read(c.path().join(name)).expect("read c");
        assert!(!x.is_empty());
        assert!(x == y, "{name} differs between identical runs");
        assert!(x != z, "{name} identical for different seeds");
    }
}

#[test]
fn basic_small_scale_is_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(dir.path(), "basic", 7, 0.05);
    assert_eq!(summary.files.len(), 3);
    let rows = read_posts(dir.path());
    assert_eq!(rows.len() as u64, summary.posts);
    assert!(
        (4_500..=5_500).contains(&rows.len()),
        "{} posts at scale 0.05",
        rows.len()
    );

    let ids: BTreeSet<u64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), rows.len(), "message ids are unique");
    let mut prev = 0;
    for r in &rows {
        assert!(r.id > prev, "posts are in id (time) order");
        prev = r.id;
        assert_eq!(
            snowflake_time_ms(r.id),
            r.timestamp * 1000,
            "snowflake time"
        );
        if !r.repost_id.is_empty() {
            let target: u64 = r.repost_id.parse().expect("repost_id is a number");
            assert!(ids.contains(&target), "repost target {target} present");
            assert!(target < r.id, "repost after its original");
            assert!(r.message.starts_with("RT @"), "{}", r.message);
            assert!(r.reply_id.is_empty());
        }
        if !r.reply_id.is_empty() {
            let target: u64 = r.reply_id.parse().expect("reply_id is a number");
            assert!(ids.contains(&target), "reply target {target} present");
            assert!(target < r.id);
            assert!(r.message.starts_with('@'), "{}", r.message);
        }
        for u in r.urls.split(' ').filter(|u| !u.is_empty()) {
            assert!(u.starts_with("http://") || u.starts_with("https://"), "{u}");
        }
    }

    let truth = read_truth(dir.path());
    assert_eq!(truth.len() as u64, summary.accounts);
    for r in &rows {
        assert!(
            truth.contains_key(&r.user_id),
            "user {} in truth",
            r.user_id
        );
    }
    let campaign = truth.values().filter(|l| *l != "organic").count() as u64;
    assert_eq!(campaign, summary.campaign_accounts);
    for kind in [
        "repost_ring",
        "text_ring",
        "link_ring",
        "reply_ring",
        "hashtag_ring",
    ] {
        let members: BTreeSet<&String> = truth
            .iter()
            .filter(|(_, l)| l.starts_with(kind))
            .map(|(id, _)| id)
            .collect();
        assert!(members.len() >= 8, "{kind}: {} members", members.len());
        let posts = rows.iter().filter(|r| members.contains(&r.user_id)).count();
        assert!(posts >= 50, "{kind}: {posts} posts");
    }
}

#[test]
fn repost_ring_retweets_cluster_within_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "basic", 11, 0.2);
    let rows = read_posts(dir.path());
    let truth = read_truth(dir.path());
    // For every ring label, group its members' retweets by target.
    let mut groups: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    for r in &rows {
        let label = &truth[&r.user_id];
        if label.starts_with("repost_ring") && !r.repost_id.is_empty() {
            groups
                .entry((label.clone(), r.repost_id.clone()))
                .or_default()
                .push(r.timestamp);
        }
    }
    let rounds: Vec<&Vec<i64>> = groups.values().filter(|v| v.len() >= 3).collect();
    assert!(rounds.len() >= 10, "{} repost rounds", rounds.len());
    for ts in rounds {
        let spread = ts.iter().max().unwrap_or(&0) - ts.iter().min().unwrap_or(&0);
        assert!(spread <= 30, "ring retweets spread over {spread} s");
    }
}

#[test]
fn jsonl_matches_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "basic", 5, 0.02);
    let rows = read_posts(dir.path());
    let text = std::fs::read_to_string(dir.path().join(POSTS_JSONL)).expect("read jsonl");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows.len());
    let mut saw_rt = false;
    let mut saw_reply = false;
    for (line, row) in lines.iter().zip(&rows) {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        assert_eq!(v["id"].as_u64(), Some(row.id));
        assert_eq!(v["id_str"].as_str(), Some(row.id.to_string().as_str()));
        assert_eq!(v["full_text"].as_str(), Some(row.message.as_str()));
        assert_eq!(v["user"]["id_str"].as_str(), Some(row.user_id.as_str()));
        let created = v["created_at"].as_str().expect("created_at");
        assert_eq!(created.len(), 30, "{created}");
        assert!(created.contains(" +0000 20"), "{created}");
        let urls: Vec<&str> = v["entities"]["urls"]
            .as_array()
            .expect("urls")
            .iter()
            .filter_map(|u| u["expanded_url"].as_str())
            .collect();
        assert_eq!(urls.join(" "), row.urls);
        if !row.repost_id.is_empty() {
            saw_rt = true;
            assert_eq!(
                v["retweeted_status"]["id_str"].as_str(),
                Some(row.repost_id.as_str())
            );
        } else {
            assert!(v.get("retweeted_status").is_none());
        }
        if !row.reply_id.is_empty() {
            saw_reply = true;
            assert_eq!(
                v["in_reply_to_status_id_str"].as_str(),
                Some(row.reply_id.as_str())
            );
        } else {
            assert!(v["in_reply_to_status_id_str"].is_null());
        }
    }
    assert!(saw_rt && saw_reply);
}

#[test]
fn hotspot_scenario_has_the_burst() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(dir.path(), "hotspot", 3, 0.01);
    let rows = read_posts(dir.path());
    let truth = read_truth(dir.path());
    let hotspot: BTreeSet<&String> = truth
        .iter()
        .filter(|(_, l)| *l == "hotspot")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(hotspot.len(), 50_000);
    let mut per_target: BTreeMap<&str, (u64, i64, i64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.repost_id.is_empty()) {
        let e = per_target
            .entry(r.repost_id.as_str())
            .or_insert((0, i64::MAX, i64::MIN));
        e.0 += 1;
        e.1 = e.1.min(r.timestamp);
        e.2 = e.2.max(r.timestamp);
    }
    let (_, &(count, first, last)) = per_target
        .iter()
        .max_by_key(|(_, v)| v.0)
        .expect("some retweets");
    assert!(count >= 200_000, "{count}");
    assert!(last - first < 3600, "burst spans {} s", last - first);
    assert!(summary.campaign_accounts >= 50_000);
}

#[test]
fn rejects_bad_options() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = GenerateOptions {
        scenario: "nope".into(),
        seed: 1,
        scale: 1.0,
        out_dir: dir.path().to_path_buf(),
    };
    assert!(generate(&opts).is_err());
    opts.scenario = "basic".into();
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        opts.scale = bad;
        assert!(generate(&opts).is_err(), "scale {bad}");
    }
    assert!(scenario_names().contains(&"basic"));
    assert!(scenario_names().contains(&"hotspot"));
}
