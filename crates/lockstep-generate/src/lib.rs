//! Deterministic synthetic social-media data with planted coordination rings.
//!
//! [`generate`] writes three files into an output directory:
//!
//! * `posts.csv` — coordination-network-toolkit's CSV layout:
//!   `message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`;
//! * `posts.jsonl` — the same posts as Twitter API v1.1 tweet objects, one per line
//!   (retweets nest the original under `retweeted_status`);
//! * `truth.csv` — `account_id,label`, one row per account; the label is `organic` or the
//!   planted campaign's name (`repost_ring_1`, `text_ring_1`, `link_ring_1`, `reply_ring_1`,
//!   `hashtag_ring_1`, …, and `hotspot`).
//!
//! `scale = 1.0` is about 100,000 posts by about 5,000 accounts over about 2.3 days (0.5
//! posts per second on average, with a diurnal cycle), starting 2025-08-01T00:00:00Z. Post
//! ids are Twitter snowflakes whose time is the post's timestamp. The same scenario, seed
//! and scale always give byte-identical files. Generation streams hour by hour, so memory
//! stays bounded at any scale.
//!
//! Scenarios:
//!
//! * `basic` — organic background (originals with Zipf-popular URLs and hashtags, ~10 %
//!   Chinese; ~35 % retweets and ~10 % replies of popular recent posts; heavy-tailed account
//!   activity) plus planted rings of five kinds: repost, text, link, reply and hashtag rings
//!   of 8–25 accounts acting together within seconds over 10–40 rounds;
//! * `hotspot` — `basic` plus one tweet retweeted 200,000 times within one hour by 50,000
//!   accounts (about four retweets each), labelled `hotspot`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accounts;
mod engine;
mod sampling;
mod scenario;
mod text;
mod timefmt;
mod tweet;
mod writer;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use accounts::FIRST_USER_ID;
pub use scenario::{
    ACCOUNTS_PER_POST, HOTSPOT_ACCOUNTS, HOTSPOT_RETWEETS, POSTS_PER_SCALE, POSTS_PER_SECOND,
};
pub use timefmt::{snowflake, snowflake_time_ms, COLLECTION_START, TWITTER_EPOCH_MS};
pub use writer::CSV_HEADER;

/// File name of the toolkit CSV inside the output directory.
pub const POSTS_CSV: &str = "posts.csv";
/// File name of the Twitter v1.1 JSON-lines file inside the output directory.
pub const POSTS_JSONL: &str = "posts.jsonl";
/// File name of the ground-truth labels inside the output directory.
pub const TRUTH_CSV: &str = "truth.csv";

/// Largest accepted scale (10 billion posts).
pub const MAX_SCALE: f64 = 100_000.0;

/// What to generate and where.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Scenario name, one of [`scenario_names`].
    pub scenario: String,
    /// Seed of the random generator; the same seed gives the same files.
    pub seed: u64,
    /// Data size: `1.0` is about 100,000 posts; posts and accounts grow linearly.
    pub scale: f64,
    /// Directory to write into (created if missing; existing output files are replaced).
    pub out_dir: PathBuf,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Posts written (rows of `posts.csv`, lines of `posts.jsonl`).
    pub posts: u64,
    /// Accounts (rows of `truth.csv`).
    pub accounts: u64,
    /// Accounts whose label is not `organic`.
    pub campaign_accounts: u64,
    /// The files written: `posts.csv`, `posts.jsonl`, `truth.csv`.
    pub files: Vec<PathBuf>,
}

/// Names of the known scenarios.
pub fn scenario_names() -> &'static [&'static str] {
    scenario::SCENARIOS
}

/// Derives an independent random stream for one part of the run.
fn stream(seed: u64, which: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(which);
    rng
}

/// Generates a data set as described in the crate documentation.
///
/// # Errors
/// An unknown scenario, a scale that is not a positive finite number up to [`MAX_SCALE`],
/// or any I/O error creating the directory or writing the files.
pub fn generate(opts: &GenerateOptions) -> Result<GenerateSummary> {
    let Some(kind) = scenario::Scenario::parse(&opts.scenario) else {
        bail!(
            "unknown scenario {:?}; known scenarios: {}",
            opts.scenario,
            scenario_names().join(", ")
        );
    };
    if !opts.scale.is_finite() || opts.scale <= 0.0 || opts.scale > MAX_SCALE {
        bail!(
            "scale must be a number in (0, {MAX_SCALE}], got {}",
            opts.scale
        );
    }
    std::fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("creating {}", opts.out_dir.display()))?;

    let plan = scenario::Plan::new(&mut stream(opts.seed, 1), kind, opts.scale);
    let vocab = text::Vocab::new(&mut stream(opts.seed, 2), opts.seed, opts.scale, plan.start);

    let csv_path = opts.out_dir.join(POSTS_CSV);
    let json_path = opts.out_dir.join(POSTS_JSONL);
    let truth_path = opts.out_dir.join(TRUTH_CSV);

    let mut out = writer::PostWriter::create(&csv_path, &json_path)?;
    engine::Engine::new(stream(opts.seed, 3), &plan, vocab).run(&mut out)?;
    let posts = out.written();
    out.finish()?;
    writer::write_truth(&truth_path, &plan.accounts)?;

    Ok(GenerateSummary {
        posts,
        accounts: plan.accounts.len() as u64,
        campaign_accounts: plan.campaign_accounts(),
        files: vec![csv_path, json_path, truth_path],
    })
}
