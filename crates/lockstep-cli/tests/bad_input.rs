//! Bad input never panics: bad records are quarantined with file, line and reason, the run
//! goes on and counts them; `--strict` stops at the first with exit code 2.

mod common;

use common::*;
use std::path::Path;

const HEADER: &str = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n";

/// `lockstep network` on `inputs` (co-post, 60 s window) into `out`, `extra` flags after.
fn network(inputs: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    network_as("co-post", inputs, out, extra)
}

/// [`network`] with another `--behaviour`.
fn network_as(
    behaviour: &str,
    inputs: &[&Path],
    out: &Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec!["network"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend_from_slice(&[
        "--behaviour",
        behaviour,
        "--window",
        "60",
        "--out",
        out.to_str().unwrap(),
    ]);
    args.extend_from_slice(extra);
    lockstep(&args)
}

fn rejections(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("rejected.jsonl line is JSON"))
        .collect()
}

#[test]
fn bad_rows_are_quarantined_and_good_rows_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.csv");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"1,u1,alice,,,hello,1600000000,\n"); // line 2: good
    bytes.extend_from_slice(b"2,u2,bob,,,short row\n"); // line 3: too short
    bytes.extend_from_slice(b"3,u3,carol,,,hi,1600000001,,extra,cols\n"); // line 4: too long
    bytes.extend_from_slice(b"4,u4,dave,,,hi,yesterday,\n"); // line 5: bad time
    bytes.extend_from_slice(b"5,u5,eve,,,caf\xe9 latin-1,1600000002,\n"); // line 6: invalid UTF-8
    bytes.extend_from_slice(b"6,u6,frank,,,\"multi\nline\",1600000003,http://a.example\n"); // lines 7-8: good
    bytes.extend_from_slice(b",u7,gina,,,no id,1600000004,\n"); // line 9: empty id
    bytes.extend_from_slice(b"8,u8,hank,,,fine,1600000005,\n"); // line 10: good
    std::fs::write(&input, &bytes).unwrap();
    let out = dir.path().join("edges.csv");
    let rejected = dir.path().join("rejected.jsonl");
    let o = network(&[&input], &out, &["--rejected", rejected.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("3 posts") && stderr.contains("5 rejected"),
        "{stderr}"
    );
    let r = rejections(&rejected);
    let lines: Vec<u64> = r.iter().map(|x| x["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 6, 9]);
    for x in &r {
        assert!(x["file"].as_str().unwrap().ends_with("mixed.csv"));
        assert!(!x["reason"].as_str().unwrap().is_empty());
        assert!(x["raw"].is_string());
    }
    assert!(r[0]["reason"]
        .as_str()
        .unwrap()
        .contains("expected 8 columns"));
    assert!(r[2]["reason"].as_str().unwrap().contains("timestamp"));
    assert!(r[3]["reason"].as_str().unwrap().contains("UTF-8"));
    // The three good posts are within 60 s of each other: 3 accounts, 3 undirected edges.
    assert_eq!(edge_set(&out).len(), 3);
}

#[test]
fn strict_stops_at_the_first_bad_record_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(
        &input,
        format!("{HEADER}1,u1,a,,,x,1600000000,\n2,u2,b,,,x,not-a-time,\n3,u3,c,,,x,1600000001,\n"),
    )
    .unwrap();
    let o = network(&[&input], &dir.path().join("e.csv"), &["--strict"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("bad.csv:3:") && stderr.contains("timestamp"),
        "{stderr}"
    );
}

#[test]
fn missing_header_keeps_the_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("nohead.csv");
    std::fs::write(&input, "1,u1,a,,,x,1600000000,\n2,u2,b,,,x,1600000010,\n").unwrap();
    let out = dir.path().join("e.csv");
    let o = network(&[&input], &out, &["--format", "cnt-csv"]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("no header row") && stderr.contains("2 posts"),
        "{stderr}"
    );
    assert_eq!(edge_set(&out).len(), 1);
}

#[test]
fn empty_and_binary_files_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let o = network(&[&empty], &dir.path().join("e.csv"), &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = network(
        &[&empty],
        &dir.path().join("e.csv"),
        &["--format", "cnt-csv"],
    );
    assert_eq!(o.status.code(), Some(2));

    let binary = dir.path().join("blob.bin");
    let junk: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&binary, &junk).unwrap();
    let o = network(&[&binary], &dir.path().join("e.csv"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot detect the input format"));
    let rejected = dir.path().join("r.jsonl");
    let o = network(
        &[&binary],
        &dir.path().join("e.csv"),
        &[
            "--format",
            "cnt-csv",
            "--rejected",
            rejected.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!rejections(&rejected).is_empty());

    // A good file beside the bad ones: the run goes on.
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!("{HEADER}1,u1,a,,,x,1600000000,\n2,u2,b,,,x,1600000001,\n"),
    )
    .unwrap();
    let out = dir.path().join("e.csv");
    let o = network(&[&empty, &binary, &good], &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(edge_set(&out).len(), 1);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{HEADER}1,u1,a,,,x,1600000000,\n")).unwrap();
    let out = dir.path().join("e.csv");
    // An unknown behaviour; an unknown semantics.
    for (behaviour, extra) in [
        ("co-nothing", &[][..]),
        ("co-post", &["--semantics", "other"]),
    ] {
        let o = network_as(behaviour, &[&good], &out, extra);
        assert_eq!(o.status.code(), Some(2), "{behaviour} {extra:?}");
    }
    let o = lockstep(&[
        "network",
        "/nonexistent/file.csv",
        "--behaviour",
        "co-post",
        "--window",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn compressed_inputs_read_like_plain_ones() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}1,u1,a,7,,x,1600000000,\n2,u2,b,7,,x,1600000005,\n");
    let gz = dir.path().join("posts.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let out = dir.path().join("e.csv");
    lockstep_ok(&[
        "network",
        gz.to_str().unwrap(),
        "--behaviour",
        "co-repost",
        "--window",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(edge_set(&out).len(), 1);
}

#[test]
fn network_window_is_checked_once_before_reading_and_takes_durations() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        format!("{HEADER}1,u1,a,,,same,1600000000,\n2,u2,b,,,same,1600000090,\n"),
    )
    .unwrap();
    // Bad windows: exit code 2 before any input is read (the input here does not exist).
    let missing = dir.path().join("missing.csv");
    for bad in ["-1", "NaN", "inf", "5 parsecs", ""] {
        let o = lockstep(&[
            "network",
            missing.to_str().unwrap(),
            "--behaviour",
            "co-post",
            "--window",
            bad,
            "--out",
            dir.path().join("x.csv").to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "--window {bad:?}: {o:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--window"),
            "{o:?}"
        );
    }
    // 90 s apart: inside "90", "90s" and "1.5m", outside "89".
    for (window, edges) in [("90", 1), ("90s", 1), ("1.5m", 1), ("89", 0)] {
        let out = dir.path().join(format!("e-{window}.csv"));
        let mut args = vec!["network", input.to_str().unwrap()];
        args.extend_from_slice(&[
            "--behaviour",
            "co-post",
            "--window",
            window,
            "--out",
            out.to_str().unwrap(),
        ]);
        let o = lockstep(&args);
        assert!(o.status.success(), "--window {window}: {o:?}");
        assert_eq!(edge_set(&out).len(), edges, "--window {window}");
    }
}
