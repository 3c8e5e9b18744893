//! lockstep's `--semantics cnt` against coordination-network-toolkit 1.5.2 itself: the
//! edge sets must be identical for every network type, window and minimum weight.

mod common;

use common::*;
use std::path::Path;

const NETWORKS: [(&str, &str); 5] = [
    ("co_retweet", "co-repost"),
    ("co_tweet", "co-text"),
    ("co_link", "co-link"),
    ("co_reply", "co-reply"),
    ("co_post", "co-post"),
];

fn compare_all(
    input: &Path,
    dir: &Path,
    networks: &[(&str, &str)],
    windows: &[u32],
    min_weights: &[u32],
) {
    let oracle = dir.join("cnt");
    let names: Vec<&str> = networks.iter().map(|n| n.0).collect();
    let join = |v: &[u32]| {
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    run_cnt(
        input,
        &oracle,
        &names.join(","),
        &join(windows),
        &join(min_weights),
        "csv",
    );
    let mut failures = Vec::new();
    for (cnt, ours) in networks {
        for w in windows {
            for m in min_weights {
                let out = dir.join(format!("ours_{cnt}_{w}_{m}.csv"));
                lockstep_ok(&[
                    "network",
                    input.to_str().unwrap(),
                    "--behaviour",
                    ours,
                    "--window",
                    &w.to_string(),
                    "--min-weight",
                    &m.to_string(),
                    "--semantics",
                    "cnt",
                    "--out",
                    out.to_str().unwrap(),
                ]);
                let a = edge_set(&out);
                let b = edge_set(&oracle.join(format!("{cnt}_w{w}_m{m}.csv")));
                if a != b {
                    failures.push(format!(
                        "{cnt} window {w} min weight {m}: ours {} edges, toolkit {}; only ours {:?}; only toolkit {:?}",
                        a.len(),
                        b.len(),
                        a.difference(&b).take(3).collect::<Vec<_>>(),
                        b.difference(&a).take(3).collect::<Vec<_>>()
                    ));
                } else {
                    assert!(
                        !a.is_empty() || *cnt == "co_reply" || *cnt == "co_tweet",
                        "{cnt} w{w} m{m}: empty network tells nothing"
                    );
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "differences from the toolkit:\n{}",
        failures.join("\n")
    );
}

#[test]
fn generated_data_all_networks_match_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    lockstep_ok(&[
        "generate",
        "--scenario",
        "basic",
        "--seed",
        "7",
        "--scale",
        "0.05",
        "--out",
        data.to_str().unwrap(),
    ]);
    compare_all(
        &data.join("posts.csv"),
        dir.path(),
        &NETWORKS,
        &[10, 60],
        &[1, 2],
    );
}

/// CooRTweet's Russian retweet sample in the toolkit's CSV: object -> repost_id.
#[test]
fn russian_retweets_match_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_gz_csv("coortweet_russian_coord_tweets.csv.gz");
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (o, a, c, t) = (
        col("object_id"),
        col("account_id"),
        col("content_id"),
        col("timestamp_share"),
    );
    let path = dir.path().join("ru.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record([
        "message_id",
        "user_id",
        "username",
        "repost_id",
        "reply_id",
        "message",
        "timestamp",
        "urls",
    ])
    .unwrap();
    for r in &rows {
        w.write_record([&r[c], &r[a], &r[a], &r[o], "", "", &r[t], ""])
            .unwrap();
    }
    w.flush().unwrap();
    compare_all(
        &path,
        dir.path(),
        &[("co_retweet", "co-repost"), ("co_post", "co-post")],
        &[10, 60],
        &[1, 2],
    );
}

/// CooRTweet's German election sample: each post's URL ids as its links.
#[test]
fn german_links_match_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_gz_csv("coortweet_german_elections.csv.gz");
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (a, p, u, t) = (
        col("account_id"),
        col("post_id"),
        col("url_id"),
        col("timestamp"),
    );
    let mut posts: std::collections::BTreeMap<String, (String, String, Vec<String>)> =
        Default::default();
    // Rows without a post id are not posts (lockstep rejects an empty id; the toolkit would
    // take "" as one id shared by all of them).
    for r in rows.iter().filter(|r| !r[p].is_empty()) {
        let e = posts
            .entry(r[p].clone())
            .or_insert_with(|| (r[a].clone(), r[t].clone(), Vec::new()));
        if !r[u].is_empty() && r[u] != "NA" {
            let url = format!("https://example.org/u/{}", r[u]);
            if !e.2.contains(&url) {
                e.2.push(url);
            }
        }
    }
    let path = dir.path().join("de.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record([
        "message_id",
        "user_id",
        "username",
        "repost_id",
        "reply_id",
        "message",
        "timestamp",
        "urls",
    ])
    .unwrap();
    for (id, (acc, ts, urls)) in &posts {
        w.write_record([id.as_str(), acc, acc, "", "", "", ts, &urls.join(" ")])
            .unwrap();
    }
    w.flush().unwrap();
    compare_all(
        &path,
        dir.path(),
        &[("co_link", "co-link"), ("co_post", "co-post")],
        &[10, 60],
        &[1, 2],
    );
}
