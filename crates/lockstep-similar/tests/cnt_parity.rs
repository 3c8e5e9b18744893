//! `co_similar_tweet` under `--semantics cnt` against coordination-network-toolkit 1.5.2
//! itself: the edge sets must be identical, and the tokeniser must agree with the toolkit's
//! on a corpus of corner cases except for the differences listed (and explained) here.
//!
//! The oracle is `tests/peer/cnt_networks.py` run by the Python that has the toolkit:
//! `LOCKSTEP_PEER_PYTHON`, else `<repo>/.venv-peer/bin/python`. Without it these tests
//! fail: they never pass by skipping.

use lockstep_ingest::{format_by_name, Ingest, IngestOptions};
use lockstep_model::PostTable;
use lockstep_networks::NetworkParams;
use lockstep_similar::cnt::{cnt_network, cnt_trace, token_set, CntTokenSets};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn peer_python() -> PathBuf {
    let p = std::env::var_os("LOCKSTEP_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv-peer/bin/python"));
    assert!(
        p.exists(),
        "the peer oracle (coordination-network-toolkit 1.5.2) is not installed at {}: run the \
         project's test command, which creates <repo>/.venv-peer, or set LOCKSTEP_PEER_PYTHON \
         to a Python that has coordination-network-toolkit==1.5.2",
        p.display()
    );
    p
}

/// Posts that exercise the tokeniser, all posted within seconds of each other by
/// different accounts so that every pair is compared.
const TRICKY: &[&str] = &[
    "美国芯片，美国控制！",
    "国美片芯，国美制控！",
    "美國芯片，美國控制！",
    "Don't stop — it's rock'n'roll o'clock, 'quoted' words",
    "DON'T STOP: it's rock'n'roll o'clock 'quoted' words!!",
    "see https://t.co/abc?x=1&y=2 now @bob",
    "see http://t.co/abc?x=1&y=2 now",
    "a  b\t\tc\n\nd  e",
    "a b c d e",
    "🔥🔥 fire 🇺🇸🇨🇳 👨‍👩‍👧 done",
    "fire 🔥 done 🇨🇳🇺🇸",
    "3.14 1,000 U.S.A. e-mail foo_bar",
    "3.14 1000 USA email foo bar",
    "カタカナ ひらがな 漢字 テスト",
    "ひらがな カタカナ 漢字",
    "Привет, МИР! Как дела?",
    "привет мир как дела",
    "مرحبا بالعالم، كيف حالك؟",
    "مرحبا بالعالم كيف حالك",
    "x\u{a0}y\u{3000}z\u{2007}w",
    "x y z w",
    "#hashtag @mention email@x.com",
    "#hashtag email",
    "ΣΊΣΥΦΟΣ σίσυφος",
    "σίσυφος ΣΊΣΥΦΟΣ",
    "@only",
    "",
    "   ",
    "שלום עולם ״ציטוט״ ו׳",
    "สวัสดีครับ ประเทศไทย",
    "ab\u{1c}cd @ef\u{1c}gh ij",
    "ab cd ij",
];

/// Strings on which the tokeniser knowingly differs from the toolkit's, with what each
/// side produces.
///
/// unicode-segmentation 1.13 keeps a letter or digit together with a following
/// MidLetter/MidNum/MidNumLet/quote character when a zero-width joiner and an emoji follow
/// that character (`b.` ZWJ `©`); UAX #29 (WB4 then WB6/WB7) and the `regex` module break
/// before the punctuation mark, because what follows it is not a letter. The case needs a
/// ZWJ directly after `. , : ; ' "` and before an emoji: 7 of 200,000 random strings drawn
/// from an adversarial alphabet, none in the generated data.
const KNOWN_DIFFERENCES: &[(&str, &[&str], &[&str])] =
    &[("b.\u{200d}©", &["b.\u{200d}©"], &[".\u{200d}©", "b"])];

fn run_oracle_tokens(texts: &[&str]) -> Vec<Vec<String>> {
    let script = "import json,sys\n\
        from coordination_network_toolkit.similarity import tokenize\n\
        for line in sys.stdin:\n    \
            s = json.loads(line)\n    \
            print(json.dumps(sorted(set(tokenize(s).split()))))\n";
    let mut child = Command::new(peer_python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running the peer oracle");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for t in texts {
            writeln!(stdin, "{}", json_string(t)).expect("write");
        }
    }
    let out = child.wait_with_output().expect("oracle output");
    assert!(out.status.success(), "the oracle's tokenize failed");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(parse_json_strings)
        .collect()
}

fn json_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Parse Python's `json.dumps` of a list of strings (ASCII-escaped).
fn parse_json_strings(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = line.trim().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '"' {
            i += 1;
            continue;
        }
        i += 1;
        let mut units: Vec<u16> = Vec::new();
        while chars[i] != '"' {
            if chars[i] == '\\' {
                i += 1;
                match chars[i] {
                    'u' => {
                        let hex: String = chars[i + 1..i + 5].iter().collect();
                        units.push(u16::from_str_radix(&hex, 16).expect("hex"));
                        i += 4;
                    }
                    'n' => units.push(10),
                    't' => units.push(9),
                    'r' => units.push(13),
                    'b' => units.push(8),
                    'f' => units.push(12),
                    c => units.push(c as u16),
                }
            } else {
                let mut buf = [0u16; 2];
                units.extend_from_slice(chars[i].encode_utf16(&mut buf));
            }
            i += 1;
        }
        out.push(String::from_utf16(&units).expect("utf-16"));
        i += 1;
    }
    out
}

#[test]
fn tokeniser_matches_the_toolkit() {
    let mut texts: Vec<&str> = TRICKY.to_vec();
    texts.extend(KNOWN_DIFFERENCES.iter().map(|k| k.0));
    let oracle = run_oracle_tokens(&texts);
    let mut failures = Vec::new();
    for (t, want) in TRICKY.iter().zip(&oracle) {
        let got = token_set(t);
        if &got != want {
            failures.push(format!("{t:?}: toolkit {want:?}, ours {got:?}"));
        }
    }
    for ((text, ours, theirs), want) in KNOWN_DIFFERENCES.iter().zip(&oracle[TRICKY.len()..]) {
        let want_listed: Vec<String> = theirs.iter().map(|s| s.to_string()).collect();
        let ours_listed: Vec<String> = ours.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            want, &want_listed,
            "{text:?}: the toolkit's side of a listed difference changed"
        );
        assert_eq!(
            token_set(text),
            ours_listed,
            "{text:?}: our side of a listed difference changed (fixed upstream? then drop it)"
        );
    }
    assert!(
        failures.is_empty(),
        "tokeniser differences:\n{}",
        failures.join("\n")
    );
    // The scrambled sentence the toolkit cannot tell apart.
    assert_eq!(oracle[0], oracle[1]);
}

/// Generated posts (text rings with cosmetic variations, about a tenth Chinese) plus the
/// tricky texts, as one CNT CSV.
fn dataset(dir: &Path) -> PathBuf {
    let gen = dir.join("gen");
    lockstep_generate::generate(&lockstep_generate::GenerateOptions {
        scenario: "basic".into(),
        seed: 7,
        scale: 0.04,
        out_dir: gen.clone(),
    })
    .expect("generate");
    let src = std::fs::read_to_string(gen.join("posts.csv")).expect("posts.csv");
    let mut rows = csv::Reader::from_reader(src.as_bytes());
    let header = rows.headers().expect("header").clone();
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    let first_time: i64 = records
        .iter()
        .filter_map(|r| r.get(6)?.parse().ok())
        .min()
        .expect("times");
    let path = dir.join("posts.csv");
    let mut w = csv::Writer::from_path(&path).expect("csv");
    w.write_record(&header).expect("write");
    for r in &records {
        w.write_record(r).expect("write");
    }
    // Every tricky text twice, by two accounts, a second apart, near the start.
    for (i, t) in TRICKY.iter().enumerate() {
        for k in 0..2 {
            let time = (first_time + 30 + i as i64 + k).to_string();
            let id = format!("9{:05}{k}", i);
            let user = format!("7{:03}{k}", i % 5);
            w.write_record([
                id.as_str(),
                &user,
                &format!("tricky{user}"),
                "",
                "",
                t,
                &time,
                "",
            ])
            .expect("write");
        }
    }
    w.flush().expect("flush");
    path
}

fn load(path: &Path) -> PostTable {
    let mut ingest = Ingest::new(IngestOptions::default());
    let f = std::fs::File::open(path).expect("open");
    let mut r = std::io::BufReader::new(f);
    ingest
        .read_stream(
            "posts.csv",
            &mut r,
            Some(format_by_name("cnt-csv").expect("format")),
        )
        .expect("read");
    let (table, report) = ingest.finish().expect("finish");
    assert_eq!(report.rejected, 0, "generated data must load cleanly");
    table
}

fn edge_file(path: &Path) -> BTreeSet<(String, String, u64)> {
    let mut r = csv::Reader::from_path(path).expect("edge csv");
    r.records()
        .map(|rec| {
            let rec = rec.expect("edge row");
            (
                rec[0].to_string(),
                rec[1].to_string(),
                rec[2].parse().expect("weight"),
            )
        })
        .collect()
}

#[test]
fn co_similar_tweet_edges_match_the_toolkit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dataset(dir.path());
    let oracle = dir.path().join("cnt");
    let similarities = ["0.5", "0.8", "1.0"];
    let windows = [10u32, 60];
    let min_weights = [1u32, 2];
    let status = Command::new(peer_python())
        .arg(repo().join("tests/peer/cnt_networks.py"))
        .args(["--networks", "co_similar_tweet", "--windows", "10,60"])
        .args([
            "--min-weights",
            "1,2",
            "--similarity",
            &similarities.join(","),
        ])
        .arg("--out")
        .arg(&oracle)
        .arg(&input)
        .stdout(Stdio::null())
        .status()
        .expect("running the peer oracle");
    assert!(status.success(), "coordination-network-toolkit failed");

    let table = load(&input);
    let trace = cnt_trace(&table);
    let mut failures = Vec::new();
    let mut total = 0;
    for s in similarities {
        let sets = CntTokenSets::new(&table, s.parse().expect("threshold"), 1.0);
        for w in windows {
            for m in min_weights {
                let params = NetworkParams {
                    window_ms: w as i64 * 1000,
                    min_weight: m as u64,
                    ..NetworkParams::default()
                };
                let mut ours = BTreeSet::new();
                cnt_network(&table, &trace, &sets, &params, |edges| {
                    for e in edges {
                        ours.insert((
                            table.account_id(e.source).to_string(),
                            table.account_id(e.target).to_string(),
                            e.weight,
                        ));
                    }
                });
                let theirs =
                    edge_file(&oracle.join(format!("co_similar_tweet_w{w}_m{m}_s{s}.csv")));
                total += theirs.len();
                if ours != theirs {
                    failures.push(format!(
                        "similarity {s}, window {w}, min weight {m}: ours {} edges, toolkit {}; \
                         only ours {:?}; only toolkit {:?}",
                        ours.len(),
                        theirs.len(),
                        ours.difference(&theirs).take(5).collect::<Vec<_>>(),
                        theirs.difference(&ours).take(5).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "differences:\n{}", failures.join("\n"));
    assert!(total > 100, "too few edges ({total}) to tell anything");
}
