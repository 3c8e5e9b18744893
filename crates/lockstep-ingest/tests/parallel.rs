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
                "{} {} {} {} {:?} {:?} {} {:?} {:?} {:?} {:?} {} {} {:?}",
                t.post_id(p),
                // Raw ids too: reading on several threads must give them out in the same
                // order.
                t.author(p),
                t.account_id(t.author(p)),
                t.time(p),
                t.time_precision(p),
                t.kind(p),
                t.text(p),
                strs(&t.hashtags, t.hashtag_syms(p)),
                strs(&t.urls, t.url_syms(p)),
                t.lang(p),
                t.url_syms(p),
                t.repost_of(p),
                t.reply_to(p),
                t.account_handle(t.author(p)),
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

/// The toolkit's CSV with a byte-order mark before the header, CRLF line ends and a record
/// whose quoted message spans many lines, over several blocks.
#[test]
fn toolkit_csv_with_bom_and_crlf_on_several_threads_reads_as_on_one() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    let body = String::from_utf8(toolkit_csv(30_000, true)).expect("utf-8");
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    bytes.extend_from_slice(body.as_bytes());
    let one = read_csv_with(1, &bytes);
    assert!(
        !one.contains("header with unexpected names"),
        "the BOM is stripped"
    );
    assert!(one.contains("\"accepted\": 29"), "posts read");
    for threads in [2, 3] {
        assert!(
            one == read_csv_with(threads, &bytes),
            "{threads} threads differ"
        );
    }
}

/// Posts repeated far apart (in other blocks) and near: the first copy wins, later ones
/// are counted as duplicates, and the rejections after them keep their lines.
#[test]
fn duplicates_across_blocks_keep_the_first_copy() {
    let mut csv =
        String::from("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n");
    for i in 0..60_000u64 {
        // Ids cycle every 20,000 rows: rows 20,000.. repeat earlier ones with other texts.
        let id = i % 20_000;
        let msg = format!("copy {} of {id} {}", i / 20_000, "x".repeat(40));
        let ts = if i % 7_001 == 3 { "bad" } else { "1500000000" };
        csv.push_str(&format!("{id},u{},h,,,{msg},{ts},\n", i % 101));
    }
    let bytes = csv.into_bytes();
    assert!(bytes.len() > 3 << 20, "several blocks");
    let one = read_csv_with(1, &bytes);
    assert!(one.contains("copy 0 of 19999"));
    assert!(!one.contains("copy 1 of 19999"), "the first copy wins");
    assert!(
        one.contains("Number(7006)"),
        "rejection lines count the header"
    );
    for threads in [2, 4] {
        assert!(
            one == read_csv_with(threads, &bytes),
            "{threads} threads differ"
        );
    }
}

/// `--strict` stops at the first bad CSV row, far into the file, with its line, whatever
/// the threads.
#[test]
fn strict_stops_at_the_same_csv_row_on_several_threads() {
    let bytes = toolkit_csv(40_000, true);
    let err = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut ingest = lockstep_ingest::Ingest::new(IngestOptions {
                strict: true,
                ..opts()
            });
            let f = lockstep_ingest::format_by_name("cnt-csv").expect("format");
            let mut r: &[u8] = &bytes;
            let e = ingest
                .read_stream("input", &mut r, Some(f))
                .expect_err("strict stops")
                .to_string();
            (e, ingest.table().len())
        })
    };
    let one = err(1);
    assert!(one.0.contains("unparsable timestamp"), "{}", one.0);
    assert!(one.1 > 0, "posts before the bad row are stored");
    assert_eq!(one, err(2));
    assert_eq!(one, err(3));
}

/// With [`Ingest::collect`] (lockstep serve), the new posts handed back are those of a
/// one-thread read, in the same order.
#[test]
fn collected_posts_are_those_of_one_thread() {
    let collect = |threads: usize, bytes: &[u8], format: &str| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut ingest = lockstep_ingest::Ingest::new(opts());
            ingest.collect();
            let f = lockstep_ingest::format_by_name(format).expect("format");
            let mut r: &[u8] = bytes;
            ingest.read_stream("input", &mut r, Some(f)).expect("read");
            ingest.take_collected()
        })
    };
    for (bytes, format) in [
        (toolkit_csv(20_000, true), "cnt-csv"),
        (tweets(20_000), "twitter-v1"),
    ] {
        let one = collect(1, &bytes, format);
        assert!(one.0.len() > 15_000 && !one.1.is_empty(), "{format}");
        assert!(
            one == collect(2, &bytes, format),
            "{format}: 2 threads differ"
        );
    }
}

/// generic-csv with a mapping, a byte-order mark, CRLF rows, quoted line breaks, short
/// rows, over-long records and no id column (posts are named FILE:LINE by the csv crate's
/// line count, which must count the blocks before): as on one thread.
#[test]
fn generic_csv_on_several_threads_reads_as_on_one() {
    let body = String::from_utf8(toolkit_csv(40_000, true)).expect("utf-8");
    let body = body.replacen("message_id,", "msgno,", 1);
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    // An over-long record (the limit is 4096 bytes), far into the file.
    let at = bytes.len() / 2;
    let cut = at
        + bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("a line end")
        + 1;
    let long = format!("1,u1,n,,,\"{}\",1500000000,\n", "y".repeat(6000));
    bytes.splice(cut..cut, long.bytes());
    let mapping = [
        ("author", "user_id"),
        ("time", "timestamp"),
        ("text", "message"),
        ("repost_of", "repost_id"),
        ("reply_to", "reply_id"),
    ]
    .iter()
    .map(|(k, c)| (k.to_string(), c.to_string()))
    .collect::<Vec<_>>();
    let read = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let o = IngestOptions {
                mapping: mapping.clone(),
                ..opts()
            };
            let (t, mut rep, rejected) = load_bytes(&bytes, Some("generic-csv"), o);
            rep.quarantine = None;
            format!(
                "{:#?}\n{}\n{:#?}",
                dump(&t),
                serde_json::to_string_pretty(&rep).expect("report"),
                rejected
            )
        })
    };
    let one = read(1);
    assert!(one.contains("no id column"), "posts are named by line");
    assert!(
        one.contains("\"input:40"),
        "ids from lines far into the file"
    );
    assert!(
        one.contains("longer than the limit"),
        "the over-long record is rejected"
    );
    assert!(
        one.contains("expected 8 columns as in the header"),
        "short rows"
    );
    for threads in [2, 3] {
        let many = read(threads);
        if one != many {
            let d = std::env::temp_dir();
            std::fs::write(d.join("par-one.txt"), &one).ok();
            std::fs::write(d.join("par-many.txt"), &many).ok();
            panic!("{threads} threads differ from one (see par-*.txt in {d:?})");
        }
    }
}
