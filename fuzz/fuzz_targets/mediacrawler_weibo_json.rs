//! Fuzz the `mediacrawler-weibo-json` reader: arbitrary bytes must never panic.
#![no_main]

use lockstep_ingest::{Ingest, IngestOptions};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut ingest = Ingest::new(IngestOptions {
        max_record_bytes: 1 << 20,
        ..IngestOptions::default()
    });
    let format = lockstep_ingest::format_by_name("mediacrawler-weibo-json").ok();
    let mut input: &[u8] = data;
    let _ = ingest.read_stream("fuzz", &mut input, format);
    let _ = ingest.finish();
});
