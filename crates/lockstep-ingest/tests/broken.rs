//! The broken-input corpus: nothing panics, every bad record is in rejected.jsonl with
//! file, line and reason, and the good records around it are kept.

mod common;
use common::*;
use lockstep_ingest::{Ingest, IngestError, IngestOptions};
use std::io::{BufReader, Read};

fn tweet(id: u64, user: u64) -> String {
    format!(
        r#"{{"created_at":"Mon Aug 16 00:00:00 +0000 2021","id_str":"{id}","text":"hello {id}","user":{{"id_str":"{user}","screen_name":"u{user}"}},"entities":{{"hashtags":[],"user_mentions":[],"urls":[]}}}}"#
    )
}

fn reasons(rej: &[serde_json::Value]) -> Vec<(u64, String)> {
    rej.iter()
        .map(|r| {
            assert!(r["file"].is_string() && r["raw"].is_string(), "{r}");
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn jsonl_truncated_wrong_types_invalid_utf8_nul_bom_crlf_duplicates() {
    let mut input: Vec<u8> = b"\xef\xbb\xbf".to_vec();
    input.extend(tweet(1, 1).as_bytes());
    input.extend(b"\r\n");
    input.extend(br#"{"created_at":"Mon Aug 16 00:00:00 +0000 2021","id_str":"2","user":{"#); // truncated
    input.extend(b"\n");
    input.extend(
        tweet(3, 3)
            .replace(r#""user":{"id_str":"3","screen_name":"u3"}"#, r#""user":5"#)
            .as_bytes(),
    );
    input.extend(b"\n");
    input.extend(tweet(4, 4).replace("hello 4", "hello \u{1}").as_bytes()); // fine: escaped? no: raw control char
    input.extend(b"\n");
    input.extend(tweet(5, 5).replace("hello 5", "hel\u{0}lo").as_bytes()); // raw NUL in a string
    input.extend(b"\n");
    let mut bad_utf8 = tweet(6, 6).into_bytes();
    let pos = bad_utf8.windows(5).position(|w| w == b"hello").unwrap();
    bad_utf8[pos] = 0xff;
    input.extend(&bad_utf8);
    input.extend(b"\n\n   \n");
    input.extend(
        tweet(7, 7)
            .replace(r#""id_str":"7""#, r#""id_str":["7"]"#)
            .as_bytes(),
    );
    input.extend(b"\n");
    input.extend(
        tweet(8, 8)
            .replace(r#""id_str":"8""#, r#""id_str":"9.06E+17""#)
            .as_bytes(),
    );
    input.extend(b"\n");
    input.extend(tweet(1, 1).as_bytes()); // duplicate id
    input.extend(b"\r\n");
    input.extend(tweet(10, 10).as_bytes()); // no final newline
    let (t, rep, rej) = load_bytes(&input, Some("twitter-v1"), IngestOptions::default());
    let got = reasons(&rej);
    let lines: Vec<u64> = got.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 9, 10], "{got:?}");
    assert!(
        got[0].1.contains("EOF") || got[0].1.contains("invalid JSON"),
        "{got:?}"
    );
    assert!(got[1].1.contains("user should be an object"), "{got:?}");
    assert!(got[4].1.contains("invalid UTF-8"), "{got:?}");
    assert!(got[5].1.contains("tweet id"), "{got:?}");
    assert!(got[6].1.contains("spreadsheet"), "{got:?}");
    assert_eq!(t.len(), 2);
    assert_eq!(rep.duplicates, 1);
    assert_eq!(rep.rejected, 7);
}

/// A 100 MB single line is rejected without being held in memory; the records around it
/// are kept and line numbers stay right.
#[test]
fn hundred_megabyte_line() {
    let before = format!("{}\n", tweet(1, 1));
    let after = format!("\n{}\n", tweet(2, 2));
    let big = std::io::repeat(b'x').take(100 << 20);
    let stream = before
        .as_bytes()
        .chain(&b"{\"text\":\""[..])
        .chain(big)
        .chain(&b"\"}"[..])
        .chain(after.as_bytes());
    let mut r = BufReader::with_capacity(1 << 16, stream);
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("rejected.jsonl");
    let mut ingest = Ingest::new(IngestOptions {
        quarantine_path: Some(q.clone()),
        ..IngestOptions::default()
    });
    ingest.read_stream("big.jsonl", &mut r, None).unwrap();
    let (t, rep) = ingest.finish().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(rep.rejected, 1);
    let rej: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&q).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(rej["line"], 2);
    assert!(rej["reason"]
        .as_str()
        .unwrap()
        .contains("longer than the limit"));
    assert!(rej["raw"].as_str().unwrap().len() <= 64 * 1024);
}

#[test]
fn csv_wrong_delimiter_bom_crlf_invalid_utf8_and_four_time_formats() {
    // Times in four spellings and zones, all the same instant; one unparsable.
    let mut csv = b"\xef\xbb\xbfid,user_id,created_at,text\r\n".to_vec();
    csv.extend(b"1,a,1629072000,unix seconds\r\n");
    csv.extend(b"2,b,1629072000000,unix ms\r\n");
    csv.extend(b"3,c,2021-08-16T08:00:00+08:00,iso with offset\r\n");
    csv.extend(b"4,d,Mon Aug 16 03:00:00 +0300 2021,twitter style\r\n");
    csv.extend(b"5,e,2021-08-15 19:00:00 EST,iso with zone name\r\n");
    csv.extend(b"6,f,yesterday,bad time\r\n");
    csv.extend(b"7,g,1629072000,bad \xff utf8\r\n");
    csv.extend(b"8,h,1629072000\r\n"); // short row
                                       // An opening quote never closed runs to the end of the file (as in every CSV reader):
                                       // the row is kept with the rest of the file as its text.
    csv.extend(b"9,i,1629072000,\"unterminated\r\n");
    let (t, rep, rej) = load_bytes(&csv, None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "generic-csv");
    let got = reasons(&rej);
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        vec![7, 8, 9],
        "{got:?}"
    );
    assert!(got[0].1.contains("unparsable time 'yesterday'"));
    assert!(got[1].1.contains("invalid UTF-8 in column 'text'"));
    assert!(got[2].1.contains("expected 4 columns"));
    assert_eq!(t.len(), 6);
    for p in 0..5 {
        assert_eq!(t.time(p), 1_629_072_000_000, "post {}", t.post_id(p));
    }

    // The same file read as `;`-delimited: the header has no usable columns: one rejection.
    let o = IngestOptions {
        delimiter: Some(b';'),
        ..IngestOptions::default()
    };
    let (t, _rep, rej) = load_bytes(&csv, Some("generic-csv"), o);
    assert_eq!(t.len(), 0);
    assert_eq!(reasons(&rej)[0].0, 1);
    assert!(
        reasons(&rej)[0].1.contains("no column for author"),
        "{rej:?}"
    );

    // cnt-csv forced on a `;` file: every row is one rejection, nothing panics.
    let semi = "message_id;user_id;username;repost_id;reply_id;message;timestamp;urls\n1;2;x;;;hi;1629072000;\n";
    let (t, _rep, rej) = load_bytes(semi.as_bytes(), Some("cnt-csv"), IngestOptions::default());
    assert_eq!(t.len(), 0);
    assert_eq!(rej.len(), 2); // the unrecognised header row and the data row
    assert_eq!(rej[1]["line"], 2);
    assert!(rej[1]["reason"]
        .as_str()
        .unwrap()
        .contains("expected 8 columns"));
}

#[test]
fn json_documents_truncated_and_bad_elements() {
    // A Telegram export cut in the middle of its third message.
    let doc = r#"{
 "name": "c", "type": "public_channel", "id": 7,
 "messages": [
  {"id": 1, "type": "message", "date_unixtime": "1645678862", "from": "c", "from_id": "channel7", "text": "a"},
  {"id": 2, "type": "message", "date_unixtime": 5, "from": "c", "from_id": ["x"], "text": "b"},
  {"id": 3, "type": "message", "date_unixtime": "1645678862", "text": "cut he"#;
    let (t, _rep, rej) = load_bytes(doc.as_bytes(), None, IngestOptions::default());
    assert_eq!(t.len(), 1);
    let got = reasons(&rej);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, 5);
    assert!(
        got[0].1.contains("message 1 (0-based) at byte offset"),
        "{got:?}"
    );
    assert_eq!(got[1].0, 6);
    assert!(got[1].1.contains("truncated"), "{got:?}");

    // A JSON array of Mastodon statuses with a number in the middle.
    let arr = r#"[{"uri":"u1","created_at":"2022-11-18T10:00:00Z","account":{"url":"a"},"content":"x","visibility":"public"},
 42,
 {"uri":"u3","created_at":"2022-11-18T10:00:00Z","account":{"url":"b"},"content":"y"}]"#;
    let (t, _rep, rej) = load_bytes(arr.as_bytes(), None, IngestOptions::default());
    assert_eq!(t.len(), 2);
    let got = reasons(&rej);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, 2);
    assert!(got[0].1.contains("element 1"), "{got:?}");
}

#[test]
fn strict_mode_stops_at_the_first_bad_record() {
    let input = format!("{}\nnot json\n{}\n", tweet(1, 1), tweet(2, 2));
    let mut ingest = Ingest::new(IngestOptions {
        strict: true,
        ..IngestOptions::default()
    });
    let mut r = input.as_bytes();
    match ingest.read_stream("s.jsonl", &mut r, None) {
        Err(IngestError::Strict { file, line, .. }) => {
            assert_eq!(file, "s.jsonl");
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn gzip_and_zstd_inputs_are_detected_by_content() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = format!("{}\n{}\n", tweet(1, 1), tweet(2, 2));
    let gz = dir.path().join("t.jsonl.gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    e.write_all(plain.as_bytes()).unwrap();
    e.finish().unwrap();
    let (t, rep) = load_file(&gz, None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "twitter-v1");
    assert_eq!(t.len(), 2);
}
