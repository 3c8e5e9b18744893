//! The pipeline as a library: analyse in memory, then write; the typed tables hold what
//! the files hold; progress is reported in order; a cancel flag stops a run.

use lockstep_analyze::input::{load, InputOptions, Loaded};
use lockstep_analyze::{analyze, analyze_with, AnalyzeConfig, Progress, Run, STAGES};
use lockstep_generate::{generate, GenerateOptions};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The `basic` scenario (seed 1, scale 0.05), read as `lockstep analyze` reads it.
fn posts(dir: &Path) -> Loaded {
    generate(&GenerateOptions {
        scenario: "basic".into(),
        seed: 1,
        scale: 0.05,
        out_dir: dir.to_path_buf(),
    })
    .expect("generate");
    let options = InputOptions {
        inputs: vec![dir.join("posts.csv")],
        ..InputOptions::default()
    };
    load(&options, None).expect("load")
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).expect("open");
    r.records().map(|x| x.expect("record")).collect()
}

#[test]
fn analyze_then_write_gives_the_tables_the_files_hold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loaded = posts(&dir.path().join("data"));
    let analysis = analyze(&loaded.table, &AnalyzeConfig::default()).expect("analyze");
    // Planted campaigns are found: there is something to compare.
    assert!(!analysis.campaigns.campaigns.is_empty());
    assert!(!analysis.evidence.is_empty());
    assert_eq!(
        analysis.summary.counts.evidence_rows,
        analysis.evidence.len() as u64
    );
    let out = dir.path().join("out");
    analysis.write(&out).expect("write");
    for name in ["accounts", "edges", "evidence", "coordinated_posts"] {
        let table = analysis.table(name).expect("table");
        let file = out.join(format!("{name}.csv"));
        let header = csv::Reader::from_path(&file)
            .expect("open")
            .headers()
            .expect("header")
            .clone();
        let columns: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
        assert_eq!(columns, header.iter().collect::<Vec<_>>(), "{name}");
        let rows: Vec<_> = table.rows.collect();
        let want = csv_rows(&file);
        assert_eq!(rows.len(), want.len(), "{name}");
        // Text cells are the file's text; numbers read back from the file are the cells.
        for (row, rec) in rows.iter().zip(&want) {
            for (cell, field) in row.iter().zip(rec) {
                use lockstep_analyze::tables::Cell;
                match cell {
                    Cell::Text(t) => assert_eq!(t, field, "{name}"),
                    Cell::Int(i) => assert_eq!(i.to_string(), field, "{name}"),
                    Cell::Float(f) if f.is_finite() => {
                        assert_eq!(*f, field.parse::<f64>().expect("number"), "{name}")
                    }
                    Cell::Float(_) => assert_eq!(field, "", "{name}"),
                    Cell::Bool(b) => assert_eq!(if *b { "1" } else { "0" }, field, "{name}"),
                }
            }
        }
    }
    // The documents in memory are the files' (summary.json adds the time spent writing).
    let campaigns = serde_json::to_string_pretty(&analysis.campaigns).expect("serialise") + "\n";
    assert_eq!(
        campaigns,
        std::fs::read_to_string(out.join("campaigns.json")).expect("read")
    );
    let summary: lockstep_analyze::schema::Summary =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("read"))
            .expect("parse");
    assert_eq!(summary.counts, analysis.summary.counts);
    assert!(summary.timings_s.contains_key("write"));
    assert!(out.join("report.html").exists());
}

#[test]
fn progress_in_order_and_a_cancel_flag_stops_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loaded = posts(dir.path());
    let seen = Mutex::new(Vec::new());
    let record = |p: Progress| seen.lock().expect("lock").push((p.stage, p.index, p.total));
    analyze_with(
        &loaded.table,
        &AnalyzeConfig::default(),
        Run {
            progress: Some(&record),
            ..Run::default()
        },
    )
    .expect("analyze");
    let want: Vec<_> = STAGES
        .iter()
        .copied()
        .chain(["done"])
        .enumerate()
        .map(|(i, s)| (s, i, STAGES.len()))
        .collect();
    assert_eq!(*seen.lock().expect("lock"), want);

    // A flag raised while detection runs stops the run before the evidence stage.
    let cancel = AtomicBool::new(false);
    let stages = Mutex::new(Vec::new());
    let stop_at_detect = |p: Progress| {
        stages.lock().expect("lock").push(p.stage);
        if p.stage == "detect" {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let err = analyze_with(
        &loaded.table,
        &AnalyzeConfig::default(),
        Run {
            progress: Some(&stop_at_detect),
            cancel: Some(&cancel),
            ..Run::default()
        },
    )
    .expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
    assert_eq!(err.exit_code(), 130);
    assert_eq!(*stages.lock().expect("lock"), ["traces", "detect"]);
}
