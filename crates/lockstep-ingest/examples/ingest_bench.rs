//! Ingest throughput of one input file (or every file under a directory) in one format
//! (`auto`: detected per file), on rayon's pool (`RAYON_NUM_THREADS=1` for one thread): prints `format bytes posts seconds MB/s
//! posts/s`, then rejections, accounts and posts per time precision. Used by
//! `bench/ingest_throughput.sh`.
//!
//! usage: ingest_bench FORMAT FILE|DIR [--map KEY=COLUMN]...
//!        ingest_bench --convert-v2 IN.jsonl OUT.jsonl   (v1.1 tweets -> v2 pages of 100)

use lockstep_ingest::{expand_inputs, format_by_name, Ingest, IngestOptions};
use std::io::{BufRead, Write};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--convert-v2") {
        convert_v2(&args[1], &args[2]);
        return;
    }
    let (Some(format), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: ingest_bench FORMAT FILE [--map KEY=COLUMN]...");
        std::process::exit(2);
    };
    let mut mapping = Vec::new();
    let mut it = args[2..].iter();
    while let Some(a) = it.next() {
        if a == "--map" {
            if let Some((k, c)) = it.next().and_then(|m| m.split_once('=')) {
                mapping.push((k.to_string(), c.to_string()));
            }
        }
    }
    let fmt = if format == "auto" {
        None
    } else {
        Some(format_by_name(format).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        }))
    };
    let inputs = expand_inputs(&[file.into()]).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let bytes: u64 = inputs
        .iter()
        .map(|f| std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0))
        .sum();
    let mut ingest = Ingest::new(IngestOptions {
        mapping,
        ..IngestOptions::default()
    });
    let t0 = Instant::now();
    for input in &inputs {
        if let Err(e) = ingest.read_file(input, fmt) {
            eprintln!("{e}");
            if fmt.is_some() {
                std::process::exit(1);
            }
        }
    }
    let (table, report) = ingest.finish().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let s = t0.elapsed().as_secs_f64();
    println!(
        "{format} {bytes} {} {s:.3} {:.1} {:.0} rejected={} records={} files={} accounts={} precisions={:?}",
        table.len(),
        bytes as f64 / 1e6 / s,
        table.len() as f64 / s,
        report.rejected,
        report.records,
        report.files.len(),
        table.account_count(),
        report.precisions,
    );
    // CPU seconds of the reading thread and of the whole process (Linux): the reading
    // thread's share bounds what more cores can give.
    if let (Some(main), Some(all)) = (cpu_seconds("thread-self"), cpu_seconds("self")) {
        eprintln!("cpu: reading thread {main:.2} s, process {all:.2} s");
    }
}

/// User + system CPU seconds from /proc/{who}/stat (fields 14 and 15, in clock ticks of
/// 1/100 s on Linux).
fn cpu_seconds(who: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{who}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Turn v1.1 tweets into v2 response pages of 100 tweets (id, author_id, created_at, text,
/// referenced_tweets, entities), with the authors in includes.users.
fn convert_v2(inp: &str, out: &str) {
    let r = std::io::BufReader::new(std::fs::File::open(inp).expect("open input"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("create output"));
    let mut page = Vec::new();
    let mut users = Vec::new();
    let flush = |page: &mut Vec<serde_json::Value>,
                 users: &mut Vec<serde_json::Value>,
                 w: &mut dyn Write| {
        if page.is_empty() {
            return;
        }
        let p = serde_json::json!({"data": page, "includes": {"users": users}, "meta": {"result_count": page.len()}});
        serde_json::to_writer(&mut *w, &p).expect("write");
        w.write_all(b"\n").expect("write");
        page.clear();
        users.clear();
    };
    for line in r.lines() {
        let line = line.expect("read");
        let Ok(t) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let mut refs = Vec::new();
        if let Some(rt) = t.get("retweeted_status").and_then(|r| r.get("id_str")) {
            refs.push(serde_json::json!({"type": "retweeted", "id": rt}));
        }
        if let Some(rp) = t.get("in_reply_to_status_id_str").filter(|v| !v.is_null()) {
            refs.push(serde_json::json!({"type": "replied_to", "id": rp}));
        }
        let hashtags: Vec<serde_json::Value> = t["entities"]["hashtags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|h| serde_json::json!({"tag": h["text"]}))
                    .collect()
            })
            .unwrap_or_default();
        let urls: Vec<serde_json::Value> = t["entities"]["urls"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(
                        |u| serde_json::json!({"url": u["url"], "expanded_url": u["expanded_url"]}),
                    )
                    .collect()
            })
            .unwrap_or_default();
        page.push(serde_json::json!({
            "id": t["id_str"], "author_id": t["user"]["id_str"], "created_at": "2025-08-01T00:00:00.000Z",
            "text": t.get("full_text").or(t.get("text")), "referenced_tweets": refs,
            "entities": {"hashtags": hashtags, "urls": urls}, "lang": t["lang"],
        }));
        users.push(
            serde_json::json!({"id": t["user"]["id_str"], "username": t["user"]["screen_name"]}),
        );
        if page.len() == 100 {
            flush(&mut page, &mut users, &mut w);
        }
    }
    flush(&mut page, &mut users, &mut w);
}
