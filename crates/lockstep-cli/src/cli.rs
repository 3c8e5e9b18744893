use clap::{Args, Parser, Subcommand};
use lockstep_model::time::Window;
use std::path::PathBuf;

/// lockstep finds coordinated amplification: accounts that repost, link, post, reply and
/// tag in lockstep.
#[derive(Parser, Debug)]
#[command(name = "lockstep", version, about, long_about = None)]
pub struct Cli {
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Find campaigns: every behaviour the data supports, tested, fused and grouped, with
    /// evidence, networks and a summary written into a directory.
    Analyze(AnalyzeArgs),
    /// Build one account co-action network and write it as CSV.
    Network(NetworkArgs),
    /// Write synthetic data with planted coordination and its ground truth.
    Generate(GenerateArgs),
    /// Score an analysis against ground truth (precision, recall, purity, false positives
    /// per hard-negative kind) and print JSON.
    Eval(EvalArgs),
    /// Generate a demo dataset, analyse it and say where the results are.
    Demo(DemoArgs),
    /// Render report.html (a self-contained page to open offline and share) from the
    /// output directory of `analyze`.
    Report(ReportArgs),
    /// Run the live service: ingest over HTTP, Jetstream and a watched directory, analyse
    /// a rolling horizon every few seconds, raise alerts, serve a dashboard.
    Serve(ServeArgs),
}

/// Options shared by every command that reads inputs.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Input files or directories (gzip and zstd are recognised).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Input format, or `auto` to detect it from the content.
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Stop at the first bad record (exit code 2) instead of quarantining it.
    #[arg(long)]
    pub strict: bool,
    /// Column mapping for generic-csv, generic-jsonl and parquet, repeatable:
    /// `--map author=uid --map time=created_at`. Keys: id, author, handle, time, text,
    /// repost_of, reply_to, quote_of, urls, hashtags, mentions, media, lang, platform,
    /// objects. Giving a mapping makes detection prefer the generic formats.
    #[arg(long = "map", value_name = "KEY=COLUMN", value_parser = parse_map)]
    pub map: Vec<(String, String)>,
    /// How the generic formats' time column is written: auto, unix, unix_ms, unix_us,
    /// iso8601, twitter, or a pattern such as `%Y-%m-%d %H:%M:%S`.
    #[arg(long, value_name = "FORMAT")]
    pub time_format: Option<String>,
    /// UTC offset of times written without one, e.g. `+08:00` (default: UTC for the
    /// generic formats, Beijing time +08:00 for the Weibo and WeChat readers).
    #[arg(long, value_name = "OFFSET")]
    pub time_zone: Option<String>,
    /// When the data was collected (RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in the time
    /// zone): the Weibo and WeChat readers resolve relative stamps (`刚刚`, `3分钟前`,
    /// `昨天 12:30`) against it (default: each file's modification time).
    #[arg(long, value_name = "TIME")]
    pub crawl_time: Option<String>,
    /// Platform name for the generic formats (default: the mapped `platform` column, or
    /// `unknown`); ids are deduplicated per platform.
    #[arg(long)]
    pub platform: Option<String>,
    /// Field delimiter of generic-csv (one character; default: detected from the header).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Longest record (line or JSON element) read, in MiB; longer ones are rejected.
    #[arg(long, default_value_t = 64)]
    pub max_record_mib: usize,
}

impl InputArgs {
    /// The library's reading options.
    pub fn options(&self) -> lockstep_analyze::input::InputOptions {
        lockstep_analyze::input::InputOptions {
            inputs: self.inputs.clone(),
            format: self.format.clone(),
            strict: self.strict,
            map: self.map.clone(),
            time_format: self.time_format.clone(),
            time_zone: self.time_zone.clone(),
            crawl_time: self.crawl_time.clone(),
            platform: self.platform.clone(),
            delimiter: self.delimiter,
            max_record_mib: self.max_record_mib,
        }
    }
}

fn parse_map(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, c)) if !k.trim().is_empty() && !c.trim().is_empty() => {
            Ok((k.trim().to_string(), c.trim().to_string()))
        }
        _ => Err(format!("expected KEY=COLUMN, got '{s}'")),
    }
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "expected one ASCII character (or 'tab'), got '{s}'"
        )),
    }
}

#[derive(Args, Debug)]
pub struct NetworkArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Behaviour: co-repost, co-link, co-text, co-similar, co-reply, co-hashtag, co-post,
    /// co-object (explicit objects of CooRTweet's long format), co-mention (same set of
    /// mentioned accounts), co-image (same media id or hash).
    #[arg(long)]
    pub behaviour: String,
    /// Window: two acts count together when |dt| <= window. Seconds (`60`) or a duration
    /// (`90s`, `5m`, `1h`); parsed once here, so a bad or negative window is a usage error
    /// before any input is read.
    #[arg(long, value_parser = Window::parse)]
    pub window: Window,
    /// Drop edges lighter than this.
    #[arg(long, default_value_t = 1)]
    pub min_weight: u64,
    /// Similarity threshold for co-similar.
    #[arg(long)]
    pub similarity: Option<f64>,
    /// Whose rules: native (lockstep), cnt (coordination-network-toolkit 1.5.2), coortweet (CooRTweet 2.1).
    #[arg(long, default_value = "native")]
    pub semantics: String,
    /// CooRTweet's min_participation.
    #[arg(long, default_value_t = 2)]
    pub min_participation: u64,
    /// CooRTweet's edge_weight quantile for the weight_threshold flag.
    #[arg(long, default_value_t = 0.5)]
    pub edge_weight: f64,
    /// Keep loops (an account co-acting with itself), as the peers can: with `--semantics
    /// cnt` the toolkit's graph with loops (its --include_self_loops; in 1.5.2 every message
    /// matches itself, so a loop weighs all of the account's messages of the behaviour);
    /// with `--semantics coortweet` CooRTweet's remove_loops = FALSE.
    #[arg(long)]
    pub self_loops: bool,
    /// Also write every co-action (post pairs, object, dt) to this CSV file.
    #[arg(long)]
    pub evidence: Option<PathBuf>,
    /// Where to write rejected records (default: next to --out, `<out>.rejected.jsonl`).
    #[arg(long)]
    pub rejected: Option<PathBuf>,
    /// Output CSV file.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Scenario name.
    #[arg(long, default_value = "basic")]
    pub scenario: String,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Size: 1.0 is about 100,000 posts.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Ground truth: `account_id,label` (as `generate` writes `truth.csv`).
    #[arg(long)]
    pub truth: PathBuf,
    /// The `analyze` output directory (reads its `accounts.csv`).
    pub dir: PathBuf,
    /// Also write the JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The output directory of `lockstep analyze`.
    pub dir: PathBuf,
    /// Where to write the page (default: DIR/report.html).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also (re)write the Parquet copies of the CSV tables in DIR.
    #[arg(long)]
    pub parquet: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Output directory.
    #[arg(long, default_value = "lockstep-demo")]
    pub out: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// One window for every behaviour (e.g. `60`, `90s`, `5m`, `1h`) instead of the
    /// defaults (60 s and 15 min for each behaviour).
    #[arg(long)]
    pub window: Option<String>,
    /// Behaviours to run, comma-separated (default: every behaviour the data supports).
    #[arg(long)]
    pub behaviours: Option<String>,
    /// False discovery rate for account-pair edges.
    #[arg(long, default_value_t = 0.01)]
    pub alpha: f64,
    /// Fewer co-actions than this never make an edge.
    #[arg(long, default_value_t = 2)]
    pub min_co_actions: u64,
    /// Smallest campaign reported.
    #[arg(long, default_value_t = 3)]
    pub min_campaign_size: usize,
    /// Groups scoring below this (0..1) are not reported as campaigns.
    #[arg(long, default_value_t = 0.1)]
    pub min_campaign_score: f64,
    /// Groups making less than this share of the activity on what they push (0..1) are not
    /// reported as campaigns: fans of a celebrity are a slice of a large audience.
    #[arg(long, default_value_t = 0.8)]
    pub min_exclusivity: f64,
    /// Count an account's acts on one object with no gap over this duration (e.g. `1h`) as
    /// one visit, so a comment thread or repeated reposting does not make a pair
    /// significant by itself. Default `1h`; `0` or `none` counts every act.
    #[arg(long, value_name = "DURATION")]
    pub visit_gap: Option<String>,
    /// Do not test bursts of reposts and replies for overlaps (rounds). Rounds find boost
    /// rings and reply swarms no pair of which stands out; such groups must look like a ring
    /// as a group (README, "Rounds"). On by default.
    #[arg(long)]
    pub no_rounds: bool,
    /// Test rounds (the default; kept so that scripts written when rounds were off by
    /// default still run).
    #[arg(long, hide = true, conflicts_with = "no_rounds")]
    pub rounds: bool,
    /// Reference articles (JSON lines with url, title, text, source, published_at): find
    /// posts that link to them or reuse their text (echo.json, echo_posts.csv).
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Seed accounts (CSV `account_id,handle,label`, or one id or handle per line): find
    /// who amplifies them, how fast, and which campaigns are tied to them (echo.json).
    #[arg(long, value_name = "FILE")]
    pub seed_accounts: Option<PathBuf>,
    /// Terms to track as narratives of their own, in any language: comma-separated
    /// (`后门,backdoor,远程关闭`) or `@FILE` with one term per line.
    #[arg(long, value_name = "TERMS")]
    pub watch: Option<String>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// SQLite database (default: the config's `db`, else ./lockstep.db).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Address and port to listen on (default 127.0.0.1:8787). Any address that is not
    /// loopback needs a token.
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<String>,
    /// Bearer token for the API and the dashboard (or the LOCKSTEP_TOKEN environment
    /// variable, which keeps it out of the process list).
    #[arg(long)]
    pub token: Option<String>,
    /// Bluesky Jetstream endpoint to consume, e.g.
    /// wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post
    #[arg(long, value_name = "URL")]
    pub jetstream: Option<String>,
    /// Directory where collectors drop files to ingest.
    #[arg(long, value_name = "DIR")]
    pub watch_dir: Option<PathBuf>,
    /// Config file (TOML): detection horizon, refresh, limits, alert rules, webhooks.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}
