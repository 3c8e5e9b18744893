//! Fuzz the `weibo-spider-csv` reader: arbitrary bytes must never panic. The input is named
//! `<user_id>.csv`, as the crawler names its files, so rows are read (the account comes from
//! the name).
#![no_main]

use lockstep_ingest::{Ingest, IngestOptions};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut ingest = Ingest::new(IngestOptions {
        max_record_bytes: 1 << 20,
        ..IngestOptions::default()
    });
    let format = lockstep_ingest::format_by_name("weibo-spider-csv").ok();
    let mut input: &[u8] = data;
    let _ = ingest.read_stream("weibo/1669879400.csv", &mut input, format);
    let _ = ingest.finish();
});
