//! `stix.json` from every generated scenario is a valid STIX 2.1 bundle under the OASIS
//! tools (stix2-validator and stix2, `tests/exports/check_stix.py`), with a campaign per
//! campaign, its accounts, and the DISARM techniques of `campaigns.json`; and the same
//! input gives the same bundle.
//!
//! The Python with stix2 and stix2-validator is `LOCKSTEP_REPORT_PYTHON`, else
//! `.venv-report/bin/python`, which `scripts/setup-report-tests.sh` creates. Missing is a
//! failure, never a skip.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// Run `lockstep analyze` (the release binary under `./scripts/test.sh`: seven analyses in
/// a debug build cost minutes of CI).
fn analyze(args: &[&str]) {
    lockstep_release_ok(args);
}

fn check_stix(dir: &Path) -> serde_json::Value {
    python_check("check_stix.py", dir)
}

/// The input files of a generated scenario (the Weibo scenario writes crawler exports).
fn inputs(data: &Path) -> Vec<PathBuf> {
    let csv = data.join("posts.csv");
    if csv.exists() {
        vec![csv]
    } else {
        vec![data.join("weibo-search.csv"), data.join("checked")]
    }
}

#[test]
fn every_scenario_exports_valid_stix() {
    let dir = tempfile::tempdir().unwrap();
    for scenario in ["basic", "hotspot", "organic", "mixed", "h20", "weibo"] {
        let run = dir.path().join(scenario);
        let data = generate(&run, scenario, "1", "0.05");
        let out = run.join("out");
        let mut args = vec!["analyze".to_string()];
        args.extend(inputs(&data).iter().map(|p| p.display().to_string()));
        args.extend(["--out".to_string(), out.display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        analyze(&args);
        let v = check_stix(&out);
        let campaigns = json(&out.join("campaigns.json"));
        let list = campaigns["campaigns"].as_array().unwrap();
        assert_eq!(
            v["types"]["campaign"].as_u64().unwrap_or(0),
            list.len() as u64,
            "{scenario}: {v}"
        );
        let mut disarm: Vec<String> = list
            .iter()
            .flat_map(|c| c["disarm"].as_array().unwrap().clone())
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        disarm.sort();
        disarm.dedup();
        assert_eq!(v["techniques"], serde_json::json!(disarm), "{scenario}");
        if !list.is_empty() {
            assert!(
                v["types"]["user-account"].as_u64().unwrap() > 0,
                "{scenario}: {v}"
            );
            assert!(
                v["types"]["relationship"].as_u64().unwrap() > 0,
                "{scenario}: {v}"
            );
        }
        // Deterministic: a second run writes the same bundle (checked on one scenario, to
        // keep the test short).
        if scenario != "h20" {
            continue;
        }
        let again = run.join("again");
        let mut args2 = args.clone();
        let n = args2.len();
        let again_s = again.display().to_string();
        args2[n - 1] = &again_s;
        analyze(&args2);
        assert_eq!(
            std::fs::read(out.join("stix.json")).unwrap(),
            std::fs::read(again.join("stix.json")).unwrap(),
            "{scenario}: stix.json differs between two runs"
        );
    }
}
