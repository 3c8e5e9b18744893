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
/// Every comparison covers these windows (seconds) and minimum weights.
const WINDOWS: [u32; 2] = [10, 60];
const MIN_WEIGHTS: [u32; 2] = [1, 2];

/// Run the toolkit and `lockstep network --semantics cnt` on `input` for each of `networks`
/// (toolkit name, lockstep behaviour) and insist on identical edge sets.
fn compare_all(input: &Path, dir: &Path, networks: &[(&str, &str)]) {
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
        &join(&WINDOWS),
        &join(&MIN_WEIGHTS),
        "csv",
    );
    let mut failures = Vec::new();
    for (cnt, ours) in networks {
        for w in WINDOWS {
            for m in MIN_WEIGHTS {
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

/// Write `records` as the toolkit's CSV `dir/name` and compare `networks` on it.
fn compare_records<I, R>(dir: &Path, name: &str, records: I, networks: &[(&str, &str)])
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let path = dir.join(name);
    let mut w = cnt_writer(&path);
    for r in records {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    compare_all(&path, dir, networks);
}

#[test]
fn generated_data_all_networks_match_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), "basic", "7", "0.05");
    compare_all(&data.join("posts.csv"), dir.path(), &NETWORKS);
}

/// CooRTweet's Russian retweet sample in the toolkit's CSV: object -> repost_id.
#[test]
fn russian_retweets_match_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_gz_csv("coortweet_russian_coord_tweets.csv.gz");
    let [o, a, c, t] = columns(
        &h,
        ["object_id", "account_id", "content_id", "timestamp_share"],
    );
    compare_records(
        dir.path(),
        "ru.csv",
        rows.iter()
            .map(|r| [&r[c], &r[a], &r[a], &r[o], "", "", &r[t], ""]),
        &[("co_retweet", "co-repost"), ("co_post", "co-post")],
    );
}

/// CooRTweet's German election sample: each post's URL ids as its links.
#[test]
fn german_links_match_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let (h, rows) = read_gz_csv("coortweet_german_elections.csv.gz");
    let [a, p, u, t] = columns(&h, ["account_id", "post_id", "url_id", "timestamp"]);
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
    compare_records(
        dir.path(),
        "de.csv",
        posts.iter().map(|(id, (acc, ts, urls))| {
            [id, acc, acc, "", "", "", ts, &urls.join(" ")].map(String::from)
        }),
        &[("co_link", "co-link"), ("co_post", "co-post")],
    );
}
