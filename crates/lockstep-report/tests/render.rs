//! `write_report` end to end on a small analyze directory full of hostile strings: the page
//! holds exactly its own scripts, the data round-trips through the escaped JSON, long
//! strings are cut, and every section's data is there.

use serde_json::Value;
use std::fs;
use std::path::Path;

const HOSTILE: &str =
    "</script><script>alert(1)</script><img src=x onerror=alert(2)>\u{2028}\u{202e}";

fn write_dir(dir: &Path) {
    let big = "A".repeat(1 << 20);
    fs::write(
        dir.join("summary.json"),
        serde_json::to_string(&serde_json::json!({
            "lockstep_version": "0.1.0",
            "inputs": [{"path": HOSTILE, "format": "cnt-csv", "records": 10, "sha256": "00"}],
            "counts": {"posts": 10, "accounts": 4, "campaigns": 1, "rejected": 1},
            "parameters": {"window_override": HOSTILE},
        }))
        .unwrap(),
    )
    .unwrap();
    fs::write(
        dir.join("campaigns.json"),
        serde_json::to_string(&serde_json::json!({"campaigns": [{
            "id": 1, "score": 0.9, "size": 3, "behaviours": {"co-text": 3},
            "hour_profile_utc": vec![1; 24], "leaders": ["a1"],
            "members": [{"account_id": "a1"}],
            "evidence_samples": [{"post_a": "p1", "text_a": HOSTILE, "post_b": "p2", "text_b": big}],
        }]}))
        .unwrap(),
    )
    .unwrap();
    let mut w = csv::Writer::from_path(dir.join("accounts.csv")).unwrap();
    w.write_record([
        "account_id",
        "campaign_id",
        "score",
        "handle",
        "role",
        "posts",
        "coordinated_posts",
    ])
    .unwrap();
    for (i, h) in [HOSTILE, "__proto__", "normal"].iter().enumerate() {
        w.write_record([&format!("a{i}"), "1", "0.9", h, "peer", "5", "3"])
            .unwrap();
    }
    w.flush().unwrap();
    let mut w = csv::Writer::from_path(dir.join("edges.csv")).unwrap();
    w.write_record(["source", "target", "weight", "edge_type", "campaign_id"])
        .unwrap();
    for (a, b, t) in [
        ("a0", "a1", "co-text"),
        ("a1", "a2", "co-text"),
        ("a0", "a2", "co-link"),
        ("a0", "a1", "co-link"),
        ("a2", "x9", "co-text"),
    ] {
        w.write_record([a, b, "3", t, "1"]).unwrap();
    }
    w.flush().unwrap();
    let mut w = csv::Writer::from_path(dir.join("evidence.csv")).unwrap();
    w.write_record([
        "campaign_id",
        "behaviour",
        "object",
        "post_a",
        "account_a",
        "time_a",
        "post_b",
        "account_b",
        "time_b",
        "dt_seconds",
    ])
    .unwrap();
    for k in 0..100 {
        w.write_record([
            "1",
            "co-text",
            HOSTILE,
            "p1",
            "a0",
            "1754006400",
            "p2",
            "a1",
            "1754006405",
            &(k % 70).to_string(),
        ])
        .unwrap();
    }
    w.flush().unwrap();
    let mut w = csv::Writer::from_path(dir.join("coordinated_posts.csv")).unwrap();
    w.write_record([
        "post_id",
        "account_id",
        "time",
        "kind",
        "text",
        "urls",
        "hashtags",
    ])
    .unwrap();
    w.write_record([
        "p1",
        "a0",
        "2025-08-01T00:00:00Z",
        "original",
        HOSTILE,
        "javascript:alert(3)",
        "#x",
    ])
    .unwrap();
    w.write_record(["p2", "a1", "2025-08-01T00:00:05Z", "original", &big, "", ""])
        .unwrap();
    w.flush().unwrap();
    fs::write(
        dir.join("rejected.jsonl"),
        format!("{}\n", serde_json::json!({"file": "in.csv", "line": 3, "reason": "bad time: x", "raw": HOSTILE})),
    )
    .unwrap();
}

fn data_of(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/json\" id=\"data\">")
        .unwrap();
    let body = &html[start..];
    let open = body.find('>').unwrap() + 1;
    let close = body.find("</script>").unwrap();
    serde_json::from_str(&body[open..close]).unwrap()
}

#[test]
fn hostile_directory_renders_safely_and_completely() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path());
    let out = dir.path().join("report.html");
    lockstep_report::write_report(dir.path(), &out).unwrap();
    let html = fs::read_to_string(&out).unwrap();

    assert_eq!(html.matches("<script").count(), 5);
    assert_eq!(html.to_ascii_lowercase().matches("</script").count(), 5);
    assert!(!html.contains("<img"));
    assert!(!html.contains('\u{2028}'));
    assert!(
        html.len() < 2 << 20,
        "the megabyte strings were cut: {} bytes",
        html.len()
    );

    let d = data_of(&html);
    // Strings come back exactly.
    assert_eq!(d["summary"]["inputs"][0]["path"], HOSTILE);
    assert_eq!(d["rejected"]["total"], 1);
    assert_eq!(d["rejected"]["examples"][0]["raw"], HOSTILE);
    let g = &d["graph"];
    assert_eq!(
        g["id"].as_array().unwrap().len(),
        4,
        "three members and one outside account"
    );
    // Labels are cut at 60 characters, saying so.
    let label = g["label"][0].as_str().unwrap();
    assert!(
        label.starts_with("</script><script>alert(1)</script>")
            && label.contains("[cut: 64 characters]")
    );
    assert_eq!(g["label"][1], "__proto__");
    assert_eq!(
        g["edges"].as_array().unwrap().len(),
        2 * 4,
        "pairs, behaviours fused"
    );
    assert!(g["x"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x.as_f64().is_some_and(f64::is_finite)));
    let c = &d["campaigns"][0];
    assert!(c.get("members").is_none());
    assert_eq!(c["evidence"]["total"], 100);
    assert_eq!(
        c["evidence"]["rows"].as_array().unwrap().len(),
        40,
        "per-behaviour cap"
    );
    assert_eq!(
        c["evidence"]["lag_counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .sum::<u64>(),
        100
    );
    assert_eq!(d["posts"]["p1"][3], HOSTILE);
    assert_eq!(d["posts"]["p1"][4][0], "javascript:alert(3)");
    let cut = d["posts"]["p2"][3].as_str().unwrap();
    assert!(
        cut.len() < 2000 && cut.ends_with("[cut: 1048576 characters]"),
        "{}",
        &cut[cut.len() - 40..]
    );
    assert_eq!(d["narratives"], Value::Null);
}

#[test]
fn empty_directory_still_renders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    lockstep_report::write_report(dir.path(), &out).unwrap();
    let d = data_of(&fs::read_to_string(&out).unwrap());
    assert_eq!(d["campaigns"], serde_json::json!([]));
    assert_eq!(d["graph"]["id"], serde_json::json!([]));
}

#[test]
fn malformed_json_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("campaigns.json"), "{not json").unwrap();
    let err = lockstep_report::write_report(dir.path(), &dir.path().join("r.html")).unwrap_err();
    assert!(err.to_string().contains("campaigns.json"), "{err}");
}
