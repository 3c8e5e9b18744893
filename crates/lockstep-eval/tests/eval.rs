//! `evaluate` on small hand-written truth and analysis files, covering every metric.

use std::path::Path;

use lockstep_eval::{adjusted_rand_index, evaluate, to_json, EvalReport, ACCOUNTS_CSV};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

const TRUTH: &str = "\
account_id,label,note
a1,ring_a,
a2,ring_a,
a3,ring_a,
a4,ring_a,
b1,ring_b,
b2,ring_b,
f1,organic:fan_group,
f2,organic:fan_group,
v1,organic:viral_cascade,
o1,organic,
o2,organic,
o3,organic,
o4,organic,
o5,organic,
";

/// Columns in another order, an extra column, a lower-scored duplicate, an unknown account.
const ACCOUNTS: &str = "\
campaign_id,account_id,score,role
1,a1,0.9,leader
1,a2,0.8,
1,a3,0.7,
1,f1,0.2,
2,b1,0.6,
2,a4,0.5,
1,a2,0.3,
3,x9,0.1,
2,o1,0.4,
";

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

fn run(truth: &str, accounts: &str) -> EvalReport {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "truth.csv", truth);
    write(dir.path(), ACCOUNTS_CSV, accounts);
    evaluate(&dir.path().join("truth.csv"), dir.path()).expect("evaluate")
}

#[test]
fn account_metrics() {
    let r = run(TRUTH, ACCOUNTS);
    let a = &r.accounts;
    assert_eq!(a.truth, 14);
    assert_eq!(a.truth_positive, 6);
    assert_eq!(a.predicted, 8);
    assert_eq!(a.true_positive, 5);
    assert_eq!(a.false_positive, 3);
    assert_eq!(a.false_negative, 1);
    assert_eq!(a.unknown, 1);
    assert_eq!(a.duplicate_rows, 1);
    assert!(close(r.precision, 5.0 / 8.0));
    assert!(close(r.recall, 5.0 / 6.0));
    assert!(close(r.f1, 10.0 / 14.0));
    // Flagged truth negatives (f1, o1) over truth negatives (8).
    assert!(close(r.false_positive_rate, 0.25));
}

#[test]
fn per_campaign_recall_and_landing() {
    let r = run(TRUTH, ACCOUNTS);
    assert_eq!(r.campaigns.len(), 2);
    let a = &r.campaigns[0];
    assert_eq!(a.label, "ring_a");
    assert_eq!((a.accounts, a.flagged), (4, 4));
    assert!(close(a.recall, 1.0));
    let landed: Vec<(&str, u64)> = a
        .predicted_campaigns
        .iter()
        .map(|l| (l.campaign_id.as_str(), l.accounts))
        .collect();
    assert_eq!(landed, [("1", 3), ("2", 1)]);
    let b = &r.campaigns[1];
    assert_eq!(b.label, "ring_b");
    assert_eq!((b.accounts, b.flagged), (2, 1));
    assert!(close(b.recall, 0.5));
}

#[test]
fn predicted_campaign_purity_and_scores() {
    let r = run(TRUTH, ACCOUNTS);
    let ids: Vec<&str> = r
        .predicted_campaigns
        .iter()
        .map(|c| c.campaign_id.as_str())
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
    let c1 = &r.predicted_campaigns[0];
    assert_eq!(c1.accounts, 4);
    assert_eq!(c1.majority_label, "ring_a");
    assert_eq!(c1.majority_accounts, 3);
    assert!(close(c1.purity, 0.75));
    // The duplicate a2 row (score 0.3) lost to the first (0.8).
    assert!(close(c1.mean_score, (0.9 + 0.8 + 0.7 + 0.2) / 4.0));
    assert_eq!(c1.labels["organic:fan_group"], 1);
    // A three-way tie goes to a campaign label, then the smallest.
    let c2 = &r.predicted_campaigns[1];
    assert_eq!(c2.majority_label, "ring_a");
    assert!(close(c2.purity, 1.0 / 3.0));
    let c3 = &r.predicted_campaigns[2];
    assert_eq!(c3.majority_label, "unknown");
    // Weighted purity: (3 + 1 + 1) / 8.
    assert!(close(r.cluster_purity, 5.0 / 8.0));
}

#[test]
fn adjusted_rand_index_over_flagged_positives() {
    let r = run(TRUTH, ACCOUNTS);
    // (ring_a,1) x3, (ring_a,2), (ring_b,2): index 3, expected 2.4, max 5.
    assert!(close(r.adjusted_rand_index, 0.6 / 2.6));
    // Known values (scikit-learn's adjusted_rand_score).
    let ari = |a: &[&str], b: &[&str]| {
        let items: Vec<(&str, &str)> = a.iter().copied().zip(b.iter().copied()).collect();
        adjusted_rand_index(&items)
    };
    assert!(close(
        ari(&["0", "0", "1", "1"], &["0", "0", "1", "2"]),
        4.0 / 7.0
    ));
    assert!(close(
        ari(&["0", "0", "1", "1"], &["1", "1", "0", "0"]),
        1.0
    ));
    assert!(close(
        ari(&["0", "0", "0", "0"], &["0", "1", "2", "3"]),
        0.0
    ));
    assert!(close(ari(&["0", "1", "2"], &["5", "6", "7"]), 1.0));
    assert_eq!(ari(&["0"], &["1"]), None);
}

#[test]
fn false_positive_rate_per_hard_negative_kind() {
    let r = run(TRUTH, ACCOUNTS);
    let keys: Vec<&str> = r.hard_negatives.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "organic",
            "organic:fan_group",
            "organic:viral_cascade",
            "unknown"
        ]
    );
    let k = &r.hard_negatives["organic"];
    assert_eq!((k.accounts, k.flagged), (5, 1));
    assert!(close(k.false_positive_rate, 0.2));
    let k = &r.hard_negatives["organic:fan_group"];
    assert_eq!((k.accounts, k.flagged), (2, 1));
    assert!(close(k.false_positive_rate, 0.5));
    let k = &r.hard_negatives["organic:viral_cascade"];
    assert_eq!((k.accounts, k.flagged), (1, 0));
    assert!(close(k.false_positive_rate, 0.0));
    let k = &r.hard_negatives["unknown"];
    assert_eq!((k.accounts, k.flagged), (0, 1));
    assert_eq!(k.false_positive_rate, None);
}

#[test]
fn perfect_and_empty_analyses() {
    let perfect =
        "account_id,campaign_id,score\na1,7,1\na2,7,1\na3,7,1\na4,7,1\nb1,10,1\nb2,10,1\n";
    let r = run(TRUTH, perfect);
    assert!(close(r.precision, 1.0) && close(r.recall, 1.0) && close(r.f1, 1.0));
    assert!(close(r.cluster_purity, 1.0));
    assert!(close(r.adjusted_rand_index, 1.0));
    assert!(close(r.false_positive_rate, 0.0));
    // Numeric ids in numeric order.
    assert_eq!(r.predicted_campaigns[0].campaign_id, "7");
    assert_eq!(r.predicted_campaigns[1].campaign_id, "10");

    let r = run(TRUTH, "account_id,campaign_id,score\n");
    assert_eq!(r.accounts.predicted, 0);
    assert_eq!(r.precision, None);
    assert!(close(r.recall, 0.0));
    assert_eq!(r.f1, None);
    assert_eq!(r.cluster_purity, None);
    assert_eq!(r.adjusted_rand_index, None);
    assert!(r.predicted_campaigns.is_empty());
    assert!(close(r.campaigns[0].recall, 0.0));
}

#[test]
fn duplicate_with_higher_score_wins_and_score_is_optional() {
    let r = run(TRUTH, "account_id,campaign_id\na1,1\na1,2\no2,2\n");
    // Without scores the first row wins.
    assert_eq!(r.accounts.duplicate_rows, 1);
    assert_eq!(r.campaigns[0].predicted_campaigns[0].campaign_id, "1");
    assert_eq!(r.predicted_campaigns[0].mean_score, None);
    let r = run(TRUTH, "account_id,campaign_id,score\na1,1,0.1\na1,2,0.9\n");
    assert_eq!(r.campaigns[0].predicted_campaigns[0].campaign_id, "2");
}

#[test]
fn json_has_a_stable_key_order() {
    let r = run(TRUTH, ACCOUNTS);
    let json = to_json(&r).expect("json");
    let order = [
        "\"accounts\"",
        "\"precision\"",
        "\"recall\"",
        "\"f1\"",
        "\"false_positive_rate\"",
        "\"cluster_purity\"",
        "\"adjusted_rand_index\"",
        "\"campaigns\"",
        "\"predicted_campaigns\"",
        "\"hard_negatives\"",
    ];
    let pos: Vec<usize> = order
        .iter()
        .map(|k| json.find(k).unwrap_or_else(|| panic!("{k} missing")))
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{json}");
    assert_eq!(json, to_json(&run(TRUTH, ACCOUNTS)).expect("json"));
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["accounts"]["true_positive"], 5);
    assert!(v["hard_negatives"]["unknown"]["false_positive_rate"].is_null());
}

#[test]
fn bad_inputs_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let truth = dir.path().join("truth.csv");
    // Missing files.
    let err = evaluate(&truth, dir.path()).expect_err("no truth");
    assert!(format!("{err:#}").contains("truth.csv"), "{err:#}");
    write(dir.path(), "truth.csv", TRUTH);
    let err = evaluate(&truth, dir.path()).expect_err("no accounts.csv");
    assert!(format!("{err:#}").contains(ACCOUNTS_CSV), "{err:#}");
    // Missing column.
    write(dir.path(), ACCOUNTS_CSV, "account,campaign_id\na1,1\n");
    let err = evaluate(&truth, dir.path()).expect_err("no account_id column");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("account_id") && msg.contains(ACCOUNTS_CSV),
        "{msg}"
    );
    // Empty id, with its line.
    write(
        dir.path(),
        ACCOUNTS_CSV,
        "account_id,campaign_id\na1,1\n,2\n",
    );
    let err = evaluate(&truth, dir.path()).expect_err("empty id");
    assert!(format!("{err:#}").contains(":3:"), "{err:#}");
    // Ragged record.
    write(dir.path(), ACCOUNTS_CSV, "account_id,campaign_id\na1,1,9\n");
    assert!(evaluate(&truth, dir.path()).is_err());
    // A byte-order mark and padded header names are fine.
    write(
        dir.path(),
        ACCOUNTS_CSV,
        "\u{feff}account_id , campaign_id\na1,1\n",
    );
    let r = evaluate(&truth, dir.path()).expect("BOM header");
    assert_eq!(r.accounts.true_positive, 1);
}
