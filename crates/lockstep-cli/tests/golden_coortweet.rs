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

/// CooRTweet's own tests/testthat/test-sample_data.R: with `min_participation = 5`,
/// `time_window = 10`, account 9fa51ef17278c01d13d313741eddfc0b is filtered out when loops
/// are removed and present with `remove_loops = FALSE` (it shares the same object twice
/// within seconds: a loop).
#[test]
fn russian_self_coordinated_account_only_with_loops() {
    let dir = tempfile::tempdir().unwrap();
    let input = test_data("coortweet_russian_coord_tweets.csv.gz");
    let account = "9fa51ef17278c01d13d313741eddfc0b";
    for loops in [false, true] {
        let out = dir.path().join(format!("ru_{loops}.csv"));
        let mut extra = vec!["--min-participation", "5"];
        if loops {
            extra.push("--self-loops");
        }
        coortweet_network(&input, &out, "10", &extra);
        let (v, _) = vertices_edges(&out);
        assert_eq!(v.contains(account), loops, "loops {loops}");
        if loops {
            let (_, rows) = read_csv(&out);
            assert!(rows
                .iter()
                .any(|r| r["source"] == account && r["target"] == account));
        }
    }
}

/// An exact duplicate row counts as CooRTweet counts it: `detect_groups` never
/// deduplicates (its vignette calls `unique()` before it), so the copy adds a row to the
/// account's participation and pairs with every other row of its object; the pair of the
/// two copies is a loop, kept only with `remove_loops = FALSE`. Expected values worked out
/// by hand from R/detect_groups.R and R/generate_coordinated_network.R.
#[test]
fn exact_duplicate_rows_count_as_in_coortweet() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dup.csv");
    std::fs::write(
        &input,
        "object_id,account_id,content_id,timestamp_share\n\
         o1,A,c1,100\n\
         o1,A,c1,100\n\
         o1,B,c2,105\n\
         o2,A,c3,200\n\
         o2,B,c4,201\n\
         o3,C,c5,300\n\
         o3,C,c5,300\n\
         o3,A,c6,302\n",
    )
    .unwrap();
    let rows_of = |loops: bool| {
        let out = dir.path().join(format!("net_{loops}.csv"));
        let extra: &[&str] = if loops { &["--self-loops"] } else { &[] };
        coortweet_network(&input, &out, "10", extra);
        let (_, rows) = read_csv(&out);
        rows.iter()
            .map(|r| {
                (
                    format!("{}-{}", r["source"], r["target"]),
                    r["weight"].clone(),
                    format!("{:.4}", r["avg_time_delta"].parse::<f64>().unwrap()),
                    r["weight_threshold"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let s = |a: &str, w: &str, d: &str, f: &str| (a.into(), w.into(), d.into(), f.into());
    // C has two rows (one a copy), so it takes part; A-B pairs (c1,c2) twice and (c3,c4);
    // A-C pairs (c5,c6) twice. Weights 3 and 2, median 2.5.
    assert_eq!(
        rows_of(false),
        vec![s("A-B", "3", "3.6667", "1"), s("A-C", "2", "2.0000", "0")]
    );
    // With loops the copies pair with each other: A-A and C-C, weight 1, dt 0; the median
    // of 1, 3, 2, 1 is 1.5.
    assert_eq!(
        rows_of(true),
        vec![
            s("A-A", "1", "0.0000", "0"),
            s("A-B", "3", "3.6667", "1"),
            s("A-C", "2", "2.0000", "1"),
            s("C-C", "1", "0.0000", "0"),
        ]
    );
    // Everywhere else the copy is a duplicate: lockstep's native co-object network counts
    // one co-action per pair of distinct posts.
    let out = dir.path().join("native.csv");
    lockstep_ok(&[
        "network",
        input.to_str().unwrap(),
        "--behaviour",
        "co-object",
        "--window",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (_, rows) = read_csv(&out);
    let w: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                format!("{}-{}", r["source"], r["target"]),
                r["weight"].clone(),
            )
        })
        .collect();
    assert_eq!(w, [("A-B".into(), "2".into()), ("A-C".into(), "1".into())]);
}

/// A behaviour with nothing to work on says so, names what the input lacks and the
/// behaviour that fits, in `network` and in `analyze --behaviours`.
#[test]
fn a_behaviour_with_nothing_to_work_on_says_what_fits() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("long.csv");
    std::fs::write(
        &input,
        "object_id,account_id,content_id,timestamp_share\no1,A,c1,100\no1,B,c2,101\n",
    )
    .unwrap();
    let out = dir.path().join("net.csv");
    let run = lockstep_ok(&[
        "network",
        input.to_str().unwrap(),
        "--behaviour",
        "co-repost",
        "--window",
        "60",
        "--semantics",
        "coortweet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains(
            "co-repost: no post in the input is a repost; this input names explicit objects: \
             use --behaviour co-object"
        ),
        "{err}"
    );
    assert_eq!(read_csv(&out).1.len(), 0);
    let run = lockstep_ok(&[
        "analyze",
        input.to_str().unwrap(),
        "--behaviours",
        "co-link,co-object",
        "--out",
        dir.path().join("a").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("co-link: no post in the input (reposts aside) has a link; this input names explicit objects: use --behaviours co-object"),
        "{err}"
    );
    assert!(!err.contains("co-object:"), "{err}");
    // Loops belong to the peers' semantics.
    let bad = lockstep(&[
        "network",
        input.to_str().unwrap(),
        "--behaviour",
        "co-object",
        "--window",
        "60",
        "--self-loops",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
