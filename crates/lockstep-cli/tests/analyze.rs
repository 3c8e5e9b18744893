//! `lockstep analyze` end to end on generated data with ground truth: the outputs exist
//! and agree with each other, every edge and campaign is backed by evidence rows that
//! point at real posts, and the planted campaigns are found.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// A CSV row keyed by column name.
type Row = HashMap<String, String>;
/// (behaviour, lower account, higher account).
type PairKey = (String, String, String);

#[test]
fn outputs_are_complete_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let (data, out) = analyze_basic(dir.path(), "11");
    for f in [
        "summary.json",
        "accounts.csv",
        "campaigns.json",
        "edges.csv",
        "evidence.csv",
        "network.gexf",
        "network.graphml",
    ] {
        assert!(out.join(f).exists(), "missing {f}");
    }
    assert!(
        !out.join("rejected.jsonl").exists(),
        "nothing was rejected, so no quarantine file"
    );

    let summary = json(&out.join("summary.json"));
    let input = &summary["inputs"][0];
    let bytes = std::fs::read(data.join("posts.csv")).unwrap();
    let sha: String =
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    assert_eq!(input["sha256"], sha);
    assert_eq!(input["format"], "cnt-csv");
    assert_eq!(summary["counts"]["rejected"], 0);
    assert!(summary["parameters"]["windows_s"]["co-repost"].is_array());
    assert!(summary["parameters"]["detection"]["alpha"].is_number());
    let campaigns = json(&out.join("campaigns.json"));
    let list = campaigns["campaigns"].as_array().unwrap();
    assert_eq!(summary["counts"]["campaigns"], list.len());
    assert!(list.len() >= 5, "the basic scenario plants five rings");

    let (header, accounts) = read_csv(&out.join("accounts.csv"));
    assert_eq!(&header[..3], ["account_id", "campaign_id", "score"]);
    let members: usize = list
        .iter()
        .map(|c| c["members"].as_array().unwrap().len())
        .sum();
    assert_eq!(accounts.len(), members);
}

#[test]
fn every_edge_and_campaign_is_backed_by_evidence_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (data, out) = analyze_basic(dir.path(), "12");
    let (_, posts) = read_csv(&data.join("posts.csv"));
    let by_id: HashMap<&str, &HashMap<String, String>> = posts
        .iter()
        .map(|p| (p["message_id"].as_str(), p))
        .collect();
    let (_, edges) = read_csv(&out.join("edges.csv"));
    let (_, evidence) = read_csv(&out.join("evidence.csv"));
    assert!(!edges.is_empty() && !evidence.is_empty());

    // Evidence rows per (behaviour, unordered pair).
    let mut rows: BTreeMap<PairKey, Vec<&Row>> = BTreeMap::new();
    for e in &evidence {
        let (a, b) = (e["account_a"].clone(), e["account_b"].clone());
        let key = if a < b {
            (e["behaviour"].clone(), a, b)
        } else {
            (e["behaviour"].clone(), b, a)
        };
        rows.entry(key).or_default().push(e);
        // Each row points at two real posts by the named accounts at the named times.
        for side in ["a", "b"] {
            let post = by_id
                .get(e[&format!("post_{side}")].as_str())
                .expect("evidence names a post in the input");
            assert_eq!(post["user_id"], e[&format!("account_{side}")]);
            assert_eq!(post["timestamp"], e[&format!("time_{side}")]);
        }
        let dt: f64 = e["dt_seconds"].parse().unwrap();
        let ta: f64 = e["time_a"].parse().unwrap();
        let tb: f64 = e["time_b"].parse().unwrap();
        assert_eq!(dt, (tb - ta).abs());
    }
    // Every edge's weight is exactly its number of evidence rows, each within its window.
    for e in &edges {
        let (a, b) = (e["source"].clone(), e["target"].clone());
        let key = if a < b {
            (e["edge_type"].clone(), a, b)
        } else {
            (e["edge_type"].clone(), b, a)
        };
        let ev = rows
            .get(&key)
            .unwrap_or_else(|| panic!("edge without evidence: {key:?}"));
        assert_eq!(ev.len().to_string(), e["weight"], "{key:?}");
        let window: f64 = e["window_s"].parse().unwrap();
        assert!(ev
            .iter()
            .all(|r| r["dt_seconds"].parse::<f64>().unwrap() <= window));
        assert!(ev.iter().all(|r| r["campaign_id"] == e["campaign_id"]));
    }
    // Every campaign has evidence rows tagged with it, between its own members.
    let campaigns = json(&out.join("campaigns.json"));
    for c in campaigns["campaigns"].as_array().unwrap() {
        let id = c["id"].to_string();
        let members: BTreeSet<&str> = c["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["account_id"].as_str().unwrap())
            .collect();
        let tagged: Vec<_> = evidence.iter().filter(|e| e["campaign_id"] == id).collect();
        assert!(!tagged.is_empty(), "campaign {id} has no evidence");
        assert!(tagged
            .iter()
            .all(|e| members.contains(e["account_a"].as_str())
                && members.contains(e["account_b"].as_str())));
        assert!(!c["evidence_samples"].as_array().unwrap().is_empty());
    }
}

#[test]
fn planted_rings_are_found_without_false_accusations() {
    let dir = tempfile::tempdir().unwrap();
    let (data, out) = analyze_basic(dir.path(), "13");
    let (_, truth) = read_csv(&data.join("truth.csv"));
    let planted: BTreeSet<String> = truth
        .iter()
        .filter(|t| t["label"] != "organic" && !t["label"].starts_with("organic:"))
        .map(|t| t["account_id"].clone())
        .collect();
    let (_, accounts) = read_csv(&out.join("accounts.csv"));
    let flagged: BTreeSet<String> = accounts.iter().map(|a| a["account_id"].clone()).collect();
    let tp = planted.intersection(&flagged).count() as f64;
    let precision = tp / flagged.len().max(1) as f64;
    let recall = tp / planted.len().max(1) as f64;
    assert!(
        precision >= 0.95 && recall >= 0.9,
        "precision {precision:.3}, recall {recall:.3}"
    );
}

#[test]
fn graph_files_load_in_networkx() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = analyze_basic(dir.path(), "14");
    let script = format!(
        "import networkx as nx\ng = nx.read_gexf({gexf:?})\nh = nx.read_graphml({graphml:?})\n\
         assert g.number_of_nodes() == h.number_of_nodes() > 0, (g, h)\n\
         assert g.number_of_edges() == h.number_of_edges() > 0\n\
         assert all('campaign' in d for _, d in h.nodes(data=True))\nprint(g.number_of_nodes(), g.number_of_edges())",
        gexf = out.join("network.gexf").display().to_string(),
        graphml = out.join("network.graphml").display().to_string()
    );
    let o = std::process::Command::new(peer_python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "networkx could not read the graphs: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The same input gives the same findings whatever the threads do: every output file but
/// the run's timings is byte-identical between one worker thread and two.
#[test]
fn outputs_do_not_depend_on_thread_scheduling() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), "h20", "1", "0.5");
    let posts = data.join("posts.csv");
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out-{threads}"));
        lockstep_ok(&[
            "--threads",
            threads,
            "analyze",
            posts.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        runs.push(out);
    }
    for f in [
        "campaigns.json",
        "accounts.csv",
        "edges.csv",
        "evidence.csv",
        "narratives.json",
        "network.graphml",
    ] {
        let a = std::fs::read(runs[0].join(f)).unwrap();
        let b = std::fs::read(runs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between one and two threads");
    }
    let campaigns = json(&runs[0].join("campaigns.json"));
    assert!(campaigns["campaigns"][0]["evidence_samples"]
        .as_array()
        .is_some_and(|s| !s.is_empty()));
}

/// The same records in another order give the same campaigns and set-aside groups (Leiden
/// numbers accounts by id, not by when they were read): CHECKED read nested (root posts
/// after their comments) and flattened (roots first) once flagged 89 and 44 accounts.
#[test]
fn campaigns_do_not_depend_on_the_order_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), "weibo", "2", "0.05");
    let search = data.join("weibo-search.csv");
    // The same file with its records in reverse order (BOM and header first).
    let mut rdr = csv::Reader::from_path(&search).unwrap();
    let header = rdr.byte_headers().unwrap().clone();
    let mut records: Vec<csv::ByteRecord> = rdr.byte_records().map(|r| r.unwrap()).collect();
    records.reverse();
    let reversed = dir.path().join("weibo-search-reversed.csv");
    let mut w = csv::Writer::from_path(&reversed).unwrap();
    w.write_byte_record(&header).unwrap();
    for r in &records {
        w.write_byte_record(r).unwrap();
    }
    w.flush().unwrap();
    let groups = |input: &Path, name: &str| {
        let out = dir.path().join(name);
        lockstep_ok(&[
            "analyze",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let c = json(&out.join("campaigns.json"));
        let mut found: Vec<(bool, BTreeSet<String>)> = Vec::new();
        for (reported, key) in [(true, "campaigns"), (false, "set_aside")] {
            for g in c[key].as_array().unwrap() {
                let members = g["members"].as_array().unwrap().iter().map(|m| {
                    m.get("account_id")
                        .unwrap_or(m)
                        .as_str()
                        .unwrap()
                        .to_string()
                });
                found.push((reported, members.collect()));
            }
        }
        found.sort();
        found
    };
    let forward = groups(&search, "forward");
    assert!(forward.iter().any(|g| g.0), "the world has campaigns");
    assert_eq!(forward, groups(&reversed, "reversed"));
}

#[test]
fn visit_gap_is_applied_and_bad_values_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), "weibo", "1", "0.05");
    let out = dir.path().join("out");
    let inputs = [data.join("weibo-search.csv"), data.join("checked")];
    let mut args = vec!["analyze"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    // Visits are on by default (one hour), another gap is taken, `0` and `none` turn them off.
    for (flag, want) in [
        (None, serde_json::json!(3_600_000)),
        (Some("2h"), serde_json::json!(7_200_000)),
        (Some("0"), serde_json::Value::Null),
        (Some("none"), serde_json::Value::Null),
    ] {
        let mut run = args.clone();
        run.extend_from_slice(&["--out", out.to_str().unwrap()]);
        if let Some(f) = flag {
            run.extend_from_slice(&["--visit-gap", f]);
        }
        lockstep_ok(&run);
        let summary = json(&out.join("summary.json"));
        assert_eq!(
            summary["parameters"]["detection"]["visit_gap_ms"], want,
            "{flag:?}: {}",
            summary["parameters"]["detection"]
        );
    }
    for bad in ["soon", "1 parsec"] {
        let mut args = vec!["analyze"];
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        args.extend_from_slice(&["--out", out.to_str().unwrap(), "--visit-gap", bad]);
        let o = lockstep(&args);
        assert_eq!(o.status.code(), Some(2), "--visit-gap {bad}: {o:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--visit-gap"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// The `weibo` world (issue 12's benchmark): seeds 1-5, both parts analysed together with
/// the defaults (rounds on), scored against `truth.csv`: precision at least 0.95 and recall
/// at least 0.90 on every seed, the bar. Measured at scale 0.05 (BENCHMARKS.md,
/// "Rounds, seventh step"): precision 0.982-1.000, recall 0.914-0.994 (0.897-0.988 before
/// members joined their campaign by its text rounds).
#[test]
fn weibo_world_precision_and_recall_floor() {
    weibo_world_floor(&[], WEIBO_RECALL_FLOOR, WEIBO_SEED_RECALL_FLOOR);
}

/// The same with `--no-rounds`: a regression floor, not the bar. Without rounds
/// the boost ring and the reply swarm have no significant pair edges (BENCHMARKS.md, "The
/// weibo world"); the hashtag push is found by its rounds' burst overlaps on co-hashtag
/// ("Hashtag push: burst overlaps on tags").
#[test]
fn weibo_world_without_rounds_precision_and_recall_floor() {
    weibo_world_floor(&["--no-rounds"], WEIBO_NO_ROUNDS_RECALL_FLOOR, 0.0);
}

/// Rounds (on by default) on a world with no campaign (the organic scenario: fan groups of two stars,
/// viral cascades, news bursts, ordinary accounts) flags no one. Round overlaps once joined
/// a fan club with the busy accounts that met it on its star's posts (54 and 84 accounts
/// flagged on seeds 3 and 1, BENCHMARKS.md "Fans joined by rounds"): the group amplified
/// less than half from one source, though each fan amplified one.
#[test]
fn organic_world_flags_no_one() {
    let dir = tempfile::tempdir().unwrap();
    for seed in ["1", "3"] {
        let run = dir.path().join(seed);
        let data = generate(&run, "organic", seed, "1");
        let out = run.join("out");
        lockstep_ok(&[
            "analyze",
            data.join("posts.csv").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let (_, accounts) = read_csv(&out.join("accounts.csv"));
        assert!(
            accounts.is_empty(),
            "seed {seed}: {} organic accounts flagged",
            accounts.len()
        );
    }
}

/// Precision at least 0.95 on every seed 1-5 of the weibo world at [`WEIBO_TEST_SCALE`],
/// recall at least `seed_recall_floor` on each and pooled recall at least `recall_floor`,
/// with `extra` arguments to `analyze`.
fn weibo_world_floor(extra: &[&str], recall_floor: f64, seed_recall_floor: f64) {
    let dir = tempfile::tempdir().unwrap();
    let (mut tp, mut flagged, mut planted) = (0usize, 0usize, 0usize);
    for seed in ["1", "2", "3", "4", "5"] {
        let run = dir.path().join(seed);
        let data = generate(&run, "weibo", seed, WEIBO_TEST_SCALE);
        let out = run.join("out");
        let search = data.join("weibo-search.csv");
        let checked = data.join("checked");
        let mut args = vec![
            "analyze",
            search.to_str().unwrap(),
            checked.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        lockstep_ok(&args);
        let (_, truth) = read_csv(&data.join("truth.csv"));
        let campaign: BTreeSet<String> = truth
            .iter()
            .filter(|t| t["label"] != "organic" && !t["label"].starts_with("organic:"))
            .map(|t| t["account_id"].clone())
            .collect();
        let (_, accounts) = read_csv(&out.join("accounts.csv"));
        let found: BTreeSet<String> = accounts.iter().map(|a| a["account_id"].clone()).collect();
        // An account is in one group: a campaign or a group set aside, never both.
        let c = json(&out.join("campaigns.json"));
        let aside: BTreeSet<String> = c["set_aside"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["members"].as_array().unwrap().iter())
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        assert!(
            found.is_disjoint(&aside),
            "seed {seed}: flagged and set aside: {:?}",
            found.intersection(&aside).collect::<Vec<_>>()
        );
        let hits = campaign.intersection(&found).count();
        let precision = hits as f64 / found.len().max(1) as f64;
        assert!(
            precision >= 0.95,
            "seed {seed}: precision {precision:.3} ({hits} of {} flagged)",
            found.len()
        );
        let seed_recall = hits as f64 / campaign.len().max(1) as f64;
        assert!(
            seed_recall >= seed_recall_floor,
            "seed {seed}: recall {seed_recall:.3} ({hits} of {} planted)",
            campaign.len()
        );
        tp += hits;
        flagged += found.len();
        planted += campaign.len();
    }
    let recall = tp as f64 / planted.max(1) as f64;
    let precision = tp as f64 / flagged.max(1) as f64;
    assert!(
        precision >= 0.95 && recall >= recall_floor,
        "seeds 1-5: precision {precision:.3}, recall {recall:.3} ({tp} of {planted} planted)"
    );
}

/// Scale of the weibo world in the test above (small enough for a debug build).
const WEIBO_TEST_SCALE: &str = "0.05";
/// Pooled recall the defaults' test holds (0.955 measured, BENCHMARKS.md "Rounds, seventh
/// step"; 0.933 before members joined by text rounds).
const WEIBO_RECALL_FLOOR: f64 = 0.93;
/// Recall the defaults' test holds on each seed: the target (0.914 on the weakest
/// seed, seed 4).
const WEIBO_SEED_RECALL_FLOOR: f64 = 0.90;
/// Pooled recall the `--no-rounds` test holds (0.335 measured; 0.317 before members joined
/// by text rounds).
const WEIBO_NO_ROUNDS_RECALL_FLOOR: f64 = 0.32;
