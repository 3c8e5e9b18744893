//! The files analysts open next load in their tools: GEXF and GraphML in networkx (as
//! Gephi would), Parquet in DuckDB, with the same nodes, edges and rows as the CSV files;
//! and `lockstep report` re-renders the page from an analyze directory.
//!
//! The Python with networkx and DuckDB is `LOCKSTEP_REPORT_PYTHON`, else
//! `.venv-report/bin/python`, which `scripts/setup-report-tests.sh` creates. Missing is a
//! failure, never a skip.

mod common;

use common::*;
use std::path::Path;

/// What `analyze` writes besides its CSV and JSON files.
const EXPORT_FILES: [&str; 6] = [
    "report.html",
    "edges.parquet",
    "accounts.parquet",
    "evidence.parquet",
    "coordinated_posts.csv",
    "coordinated_posts.parquet",
];

fn check_exports(dir: &Path) -> serde_json::Value {
    python_check("check_exports.py", dir)
}

fn count_csv_rows(path: &Path) -> u64 {
    csv::Reader::from_path(path).expect("csv").records().count() as u64
}

#[test]
fn generated_campaigns_export_to_networkx_and_duckdb() {
    let dir = tempfile::tempdir().unwrap();
    let (data, out) = analyze_basic(dir.path(), "5");
    for f in EXPORT_FILES {
        assert!(out.join(f).exists(), "analyze wrote no {f}");
    }
    let v = check_exports(&out);
    assert_eq!(
        v["evidence"].as_u64(),
        Some(count_csv_rows(&out.join("evidence.csv")))
    );
    assert!(v["graph"]["nodes"].as_u64().unwrap() > 10);
    assert!(v["evidence_joined_to_accounts"].as_u64().unwrap() > 0);

    // Every post of the evidence is in coordinated_posts.csv.
    let posts: std::collections::HashSet<String> =
        csv::Reader::from_path(out.join("coordinated_posts.csv"))
            .unwrap()
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
    let mut r = csv::Reader::from_path(out.join("evidence.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let (a, b) = (
        h.iter().position(|c| c == "post_a").unwrap(),
        h.iter().position(|c| c == "post_b").unwrap(),
    );
    for rec in r.records() {
        let rec = rec.unwrap();
        assert!(posts.contains(&rec[a]) && posts.contains(&rec[b]));
    }

    // `lockstep report` re-renders the same page elsewhere.
    let page = dir.path().join("again.html");
    lockstep_ok(&[
        "report",
        out.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy"));
    // Not an analyze directory: usage error.
    let bad = lockstep(&["report", data.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn hostile_strings_survive_every_export() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.csv");
    let hostile = [
        "<script>alert(1)</script>",
        "</script><img src=x onerror=alert(2)>",
        "]]><!-- \"quoted\" & 'single' -->",
        "\u{202e}txt.exe \u{200b} 人民日报",
    ];
    let mut w = cnt_writer(&input);
    let mut id = 1_000u64;
    let t0 = 1_754_006_400u64;
    for u in 0..120u64 {
        for k in 0..10u64 {
            id += 1;
            let text = format!("ordinary {u} {k} {}", (u * 31 + k * 7) % 101);
            let ts = (t0 + (u * 7919 + k * 104_729) % 345_600).to_string();
            w.write_record([
                &id.to_string(),
                &(100 + u).to_string(),
                &format!("plain{u}"),
                "",
                "",
                &text,
                &ts,
                "",
            ])
            .unwrap();
        }
    }
    for round in 0..12u64 {
        let text = format!("{} round {round}", hostile[round as usize % hostile.len()]);
        for m in 0..8u64 {
            id += 1;
            let name = format!("{}{m}", hostile[m as usize % hostile.len()]);
            let ts = (t0 + 3_600 + round * 5_400 + m).to_string();
            let url = format!("javascript:alert({m}) http://x.example/{round}");
            w.write_record([
                &id.to_string(),
                &(900 + m).to_string(),
                &name,
                "",
                "",
                &text,
                &ts,
                &url,
            ])
            .unwrap();
        }
    }
    w.flush().unwrap();
    let out = dir.path().join("out");
    analyze(&input, &out, &[]);
    let accounts = std::fs::read_to_string(out.join("accounts.csv")).unwrap();
    assert!(
        accounts.contains("<script>alert(1)</script>"),
        "the ring is a campaign"
    );
    check_exports(&out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("\\u003cscript\\u003ealert(1)"));
}
