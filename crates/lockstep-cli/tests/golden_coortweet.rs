//! CooRTweet 2.1's published values on its own sample data (tests/data/README.md).

mod common;

use common::*;
use std::collections::BTreeSet;

/// `lockstep network --behaviour co-object --semantics coortweet` with `window` seconds,
/// `extra` flags before `--out`.
fn coortweet_network(input: &std::path::Path, out: &std::path::Path, window: &str, extra: &[&str]) {
    let mut args = vec![
        "network",
        input.to_str().unwrap(),
        "--behaviour",
        "co-object",
        "--window",
        window,
        "--semantics",
        "coortweet",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    lockstep_ok(&args);
}

fn vertices_edges(path: &std::path::Path) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let mut v = BTreeSet::new();
    let mut e = BTreeSet::new();
    for rec in csv::Reader::from_path(path).unwrap().records() {
        let r = rec.unwrap();
        let (a, b) = (r[0].to_string(), r[1].to_string());
        v.insert(a.clone());
        v.insert(b.clone());
        e.insert(if a < b { (a, b) } else { (b, a) });
    }
    (v, e)
}

#[test]
fn russian_coord_tweets_gives_2110_vertices_and_3721_edges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ru.csv");
    let input = test_data("coortweet_russian_coord_tweets.csv.gz");
    coortweet_network(
        &input,
        &out,
        "60",
        &["--min-participation", "2", "--edge-weight", "0.5"],
    );
    let (v, e) = vertices_edges(&out);
    assert_eq!((v.len(), e.len()), (2110, 3721));
    // The flag column is CooRTweet's weight_threshold: weight strictly above the median.
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "source",
            "target",
            "weight",
            "edge_type",
            "avg_time_delta",
            "weight_threshold"
        ]
    );
    let flagged = r
        .records()
        .filter(|x| &x.as_ref().unwrap()[5] == "1")
        .count();
    assert!(flagged > 0 && flagged < e.len());
}

#[test]
fn german_elections_urls_and_images_give_671_vertices_and_1732_edges() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_gz_csv("coortweet_german_elections.csv.gz");
    let [a, p, u, ph, t] = columns(
        &h,
        ["account_id", "post_id", "url_id", "phash_id", "timestamp"],
    );
    let mut v = BTreeSet::new();
    let mut e = BTreeSet::new();
    // As in CooRTweet's vignette: URLs and images detected separately, results stacked.
    for (prefix, c) in [("url_", u), ("hash_", ph)] {
        let rows: BTreeSet<Vec<String>> = rows
            .iter()
            .filter(|r| !r[c].is_empty() && r[c] != "NA")
            .map(|r| {
                vec![
                    format!("{prefix}{}", r[c]),
                    r[a].clone(),
                    r[p].clone(),
                    r[t].clone(),
                ]
            })
            .collect();
        let input = dir.path().join(format!("{prefix}long.csv"));
        let mut w = csv::Writer::from_path(&input).unwrap();
        w.write_record(["object_id", "account_id", "content_id", "timestamp_share"])
            .unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        let out = dir.path().join(format!("{prefix}net.csv"));
        coortweet_network(&input, &out, "30", &[]);
        let (vv, ee) = vertices_edges(&out);
        v.extend(vv);
        e.extend(ee);
    }
    assert_eq!((v.len(), e.len()), (671, 1732));
}
