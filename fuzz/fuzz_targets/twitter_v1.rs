//! Fuzz the `twitter-v1` reader: arbitrary bytes must never panic, and the reader's typed
//! fast path must read every line it answers for as the `serde_json::Value` path does.
#![no_main]

use lockstep_ingest::{Ingest, IngestOptions};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut ingest = Ingest::new(IngestOptions {
        max_record_bytes: 1 << 20,
        ..IngestOptions::default()
    });
    let format = lockstep_ingest::format_by_name("twitter-v1").ok();
    let mut input: &[u8] = data;
    let _ = ingest.read_stream("fuzz", &mut input, format);
    let _ = ingest.finish();
    // Differential: panics where the typed and Value paths disagree on a line.
    for line in data.split(|&b| b == b'\n') {
        let _ = lockstep_ingest::formats::twitter_v1_typed_agrees(line);
    }
});
