//! Property tests for the Weibo and WeChat readers (the stable-toolchain companion of their
//! cargo-fuzz targets): arbitrary bytes and their samples with bytes flipped, cut or
//! duplicated never panic, and every record that goes in comes out as a post, a
//! duplicate, a skip or a rejection.

mod common;

use common::{mutate, read_and_balance};
use lockstep_ingest::{format_by_name, IngestOptions};
use proptest::prelude::*;
use std::path::PathBuf;

const FORMATS: [&str; 13] = [
    "weibo-search",
    "weibo-crawler-csv",
    "weibo-crawler-json",
    "weibo-spider-csv",
    "weibo-spider-json",
    "weibo-nghuyong",
    "mediacrawler-weibo-csv",
    "mediacrawler-weibo-json",
    "weibo-nested",
    "wechat-exporter-json",
    "wechat-exporter-xlsx",
    "wechat-rss-sqlite",
    "auto",
];

const SEEDS: [&str; 12] = [
    "weibo_search.csv",
    "weibo_search_2022.csv",
    "weibo/芯片博主/1669879400.csv",
    "weibo/芯片博主/1669879400.json",
    "weibospider/1669879400.csv",
    "weibospider/1669879400.json",
    "nghuyong_tweet_20250801101010.jsonl",
    "mediacrawler/search_contents_2025-08-01.csv",
    "mediacrawler/search_comments_2025-08-01.jsonl",
    "checked/fake_news/9f3c2a1b4d5e6f708192a3b4c5d6e7f8.json",
    "wechat_exporter.json",
    "weibo/users.csv",
];

fn seed(i: usize) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cn")
        .join(SEEDS[i]);
    std::fs::read(p).unwrap()
}

fn run(format: &str, data: &[u8]) {
    if format_by_name(format).is_err() && format != "auto" {
        return; // a reader left out of this build
    }
    // Named like a crawler's per-user file, so readers that take the account from the
    // name read the rows.
    read_and_balance(
        format,
        "weibo/1669879400.csv",
        data,
        IngestOptions {
            crawl_time: Some("2025-08-01 12:00:00".into()),
            ..IngestOptions::default()
        },
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(fmt in 0usize..FORMATS.len(), data in proptest::collection::vec(any::<u8>(), 0..600)) {
        run(FORMATS[fmt], &data);
    }

    #[test]
    fn mutated_samples_never_panic(
        fmt in 0usize..FORMATS.len(),
        which in 0usize..SEEDS.len(),
        edits in proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..4), 0..8),
        cut in any::<u16>(),
    ) {
        let d = mutate(seed(which), &edits, cut);
        run(FORMATS[fmt], &d);
    }
}
