//! LSH recall against brute force on a sample of posts:
//! `cargo run --release -p lockstep-similar --example recall -- FILE.csv [SAMPLE] [THRESHOLD]`.
//!
//! Takes every k-th non-repost post of a coordination-network-toolkit CSV (k chosen so that
//! SAMPLE posts are taken, default 100,000), shingles them as co-similar does, compares
//! every pair of distinct shingle sets exactly, and counts the pairs at or above the
//! threshold that the candidate stage (LSH bands plus the sketch filter) lets through.
//! Pairs of posts with identical shingle sets are always found (identical signatures);
//! they are reported separately.
use lockstep_similar::recall::lsh_recall;
use lockstep_similar::{shingle_set, LshParams, SimilarParams};
use std::collections::HashMap;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: recall FILE [SAMPLE] [THRESHOLD]")?;
    let sample: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let threshold: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(0.8);
    let params = SimilarParams::with_threshold(threshold);
    let t0 = Instant::now();
    // Count non-reposts first, to pick the stride.
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(&path)?;
    let mut originals = 0usize;
    for row in rdr.records() {
        if row?.get(3).is_some_and(str::is_empty) {
            originals += 1;
        }
    }
    let stride = (originals / sample).max(1);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(&path)?;
    let mut taken = 0usize;
    let mut k = 0usize;
    let mut counts: HashMap<Vec<u32>, u64> = HashMap::new();
    let mut empty = 0usize;
    for row in rdr.records() {
        let row = row?;
        if !row.get(3).is_some_and(str::is_empty) {
            continue;
        }
        k += 1;
        if !k.is_multiple_of(stride) || taken >= sample {
            continue;
        }
        taken += 1;
        let s = shingle_set(&row[5], &params);
        if s.is_empty() {
            empty += 1;
            continue;
        }
        *counts.entry(s).or_insert(0) += 1;
    }
    let mut sets: Vec<(Vec<u32>, u64)> = counts.into_iter().collect();
    sets.sort();
    let dup_pairs: u64 = sets.iter().map(|(_, m)| m * (m - 1) / 2).sum();
    let distinct: Vec<Vec<u32>> = sets.iter().map(|(s, _)| s.clone()).collect();
    eprintln!(
        "{taken} posts sampled (every {stride}th original) in {:.1?}; {empty} too short; {} distinct shingle sets",
        t0.elapsed(),
        distinct.len()
    );
    let lsh = LshParams::for_threshold(threshold);
    let t1 = Instant::now();
    let r = lsh_recall(&distinct, threshold, lsh, params.seed);
    println!(
        "threshold {threshold}, {lsh:?}, brute force over {} distinct sets in {:.1?}",
        distinct.len(),
        t1.elapsed()
    );
    println!(
        "distinct-text pairs >= threshold: {} found of {} (recall {:.5}); within [t, t+0.05): {} of {} ({:.5})",
        r.found,
        r.true_pairs,
        r.recall(),
        r.near_threshold_found,
        r.near_threshold,
        r.near_threshold_recall()
    );
    println!("post pairs with identical shingle sets (always candidates): {dup_pairs}");
    Ok(())
}
