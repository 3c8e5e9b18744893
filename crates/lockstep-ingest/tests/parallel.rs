//! Reading on several threads gives exactly what one thread gives: the same posts in the
//! same order (first copy wins), the same counts, the same rejections with the same line
//! numbers, and the same stop under `--strict`.

mod common;
use common::*;
use lockstep_ingest::IngestOptions;
use lockstep_model::PostTable;

/// JSON lines of `n` tweets (v1.1) with, every few hundred lines, the things real files
/// hold: a duplicate, a bad line, a delete notice, a blank line, a CRLF, an over-long line.
fn tweets(n: usize) -> Vec<u8> {
    let mut out = String::new();
    for i in 0..n {
        let text = format!("tweet {i} #tag{} http://example.org/{}", i % 13, i % 7);
        match i % 400 {
            17 => out.push_str("{\"id_str\": \"broken\n"),
            41 => out.push_str("\n   \n"),
            99 => out.push_str(
                "{\"delete\":{\"status\":{\"id\":1,\"id_str\":\"1\",\"user_id\":3},\"timestamp_ms\":\"1539200000000\"}}\n",
            ),
            123 => {
                out.push_str(&format!("{{\"id_str\":\"{i}\",\"text\":\"{}\"}}\n", "z".repeat(5000)));
            }
            _ => {}
        }
        // Every 50th tweet repeats an earlier id (the first copy must win).
        let id = if i % 50 == 49 { i - 10 } else { i };
        out.push_str(&format!(
            "{{\"created_at\":\"Wed Oct 10 20:{:02}:{:02} +0000 2018\",\"id_str\":\"{id}\",\"text\":\"{text}\",\"user\":{{\"id_str\":\"u{}\",\"screen_name\":\"user{}\"}},\"lang\":\"en\"}}{}",
            (i / 60) % 60,
            i % 60,
            i % 997,
            i % 997,
            if i % 3 == 0 { "\r\n" } else { "\n" }
        ));
    }
    out.into_bytes()
}

/// Everything a table says about its posts, resolved to strings.
fn dump(t: &PostTable) -> Vec<String> {
    (0..t.len() as u32)
        .map(|p| {
            format!(
                "{} {} {} {:?} {:?} {} {:?} {:?} {:?}",
                t.post_id(p),
                t.account_id(t.author(p)),
                t.time(p),
                t.time_precision(p),
                t.kind(p),
                t.text(p),
                strs(&t.hashtags, t.hashtag_syms(p)),
                strs(&t.urls, t.url_syms(p)),
                t.lang(p),
            )
        })
        .collect()
}

fn read_with(threads: usize, bytes: &[u8], opts: IngestOptions) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        let (t, mut rep, rejected) = load_bytes(bytes, Some("twitter-v1"), opts);
        // The temporary quarantine file's name differs from run to run.
        rep.quarantine = None;
        format!(
            "{:#?}\n{}\n{:#?}",
            dump(&t),
            serde_json::to_string_pretty(&rep).expect("report"),
            rejected
        )
    })
}

fn opts() -> IngestOptions {
    IngestOptions {
        max_record_bytes: 4096,
        ..IngestOptions::default()
    }
}

#[test]
fn json_lines_on_several_threads_read_as_on_one() {
    let bytes = tweets(30_000);
    let one = read_with(1, &bytes, opts());
    assert!(one.contains("line of 5"), "the over-long line is rejected");
    assert!(one.contains("\"duplicates\": 600"), "duplicates counted");
    for threads in [2, 3, 8] {
        let many = read_with(threads, &bytes, opts());
        if one != many {
            let d = std::env::temp_dir();
            std::fs::write(d.join("par-one.txt"), &one).ok();
            std::fs::write(d.join("par-many.txt"), &many).ok();
            panic!("{threads} threads differ from one (see par-one.txt, par-many.txt in {d:?})");
        }
    }
}

#[test]
fn strict_stops_at_the_same_line_on_several_threads() {
    let bytes = tweets(30_000);
    let strict = IngestOptions {
        strict: true,
        ..opts()
    };
    let err = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut ingest = lockstep_ingest::Ingest::new(strict.clone());
            let f = lockstep_ingest::format_by_name("twitter-v1").expect("format");
            let mut r: &[u8] = &bytes;
            ingest
                .read_stream("input", &mut r, Some(f))
                .expect_err("strict stops")
                .to_string()
        })
    };
    let one = err(1);
    assert!(one.contains(":18"), "{one}");
    assert_eq!(one, err(2));
    assert_eq!(one, err(4));
}

/// The toolkit's CSV with what real files hold: quoted messages with commas, doubled
/// quotes and line breaks, CRLF rows, literal quotes inside unquoted fields, blank lines,
/// rows of the wrong width, bad timestamps and repeated ids.
fn toolkit_csv(n: usize, header: bool) -> Vec<u8> {
    let mut out = String::new();
    if header {
        out.push_str("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n");
    }
    for i in 0..n {
        let id = if i % 50 == 49 { i - 10 } else { i };
        let message = match i % 7 {
            0 => format!("\"a message, with a comma #tag{}\"", i % 11),
            1 => format!("\"two\nlines \"\"quoted\"\" {i}\""),
            2 => format!("5\"7 tall {i}"),
            3 => format!("\"crlf\r\ninside {i}\""),
            _ => format!("plain message number {i} {}", "x".repeat(i % 90)),
        };
        let ts = if i % 333 == 5 {
            "yesterday".to_string()
        } else {
            format!("{}", 1_500_000_000 + i)
        };
        let end = if i % 4 == 0 { "\r\n" } else { "\n" };
        match i % 500 {
            77 => out.push_str(&format!("{id},u{},only,four{end}", i % 313)),
            78 => out.push_str(end),
            _ => out.push_str(&format!(
                "{id},u{},name{},{},,{message},{ts},http://example.org/{}{end}",
                i % 313,
                i % 313,
                if i % 9 == 0 {
                    format!("{}", i / 2)
                } else {
                    String::new()
                },
                i % 5
            )),
        }
    }
    out.into_bytes()
}

fn read_csv_with(threads: usize, bytes: &[u8]) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        let (t, mut rep, rejected) = load_bytes(bytes, Some("cnt-csv"), opts());
        rep.quarantine = None;
        format!(
            "{:#?}\n{}\n{:#?}",
            dump(&t),
            serde_json::to_string_pretty(&rep).expect("report"),
            rejected
        )
    })
}

#[test]
fn toolkit_csv_on_several_threads_reads_as_on_one() {
    for header in [true, false] {
        let bytes = toolkit_csv(40_000, header);
        assert!(bytes.len() > 3 << 20, "several blocks");
        let one = read_csv_with(1, &bytes);
        assert!(
            one.contains("unparsable timestamp"),
            "bad rows are rejected"
        );
        assert!(
            one.contains("expected 8 columns"),
            "short rows are rejected"
        );
        assert!(
            one.contains("two\\nlines \\\"quoted\\\""),
            "quoted line breaks kept"
        );
        assert_eq!(one.contains("no header row"), !header);
        for threads in [2, 3, 8] {
            let many = read_csv_with(threads, &bytes);
            if one != many {
                let d = std::env::temp_dir();
                std::fs::write(d.join("par-one.txt"), &one).ok();
                std::fs::write(d.join("par-many.txt"), &many).ok();
                panic!(
                    "{threads} threads differ from one (header {header}; see par-*.txt in {d:?})"
                );
            }
        }
    }
}
