//! `lockstep serve`: the engine of `analyze`, live.
//!
//! Posts arrive over HTTP, from a Bluesky Jetstream socket and from a watched directory.
//! Each batch is committed to SQLite before it is acknowledged ([`writer`]), then joins
//! the rolling window of the last hours ([`window`]). Every refresh period the window is
//! analysed by the same engine as `analyze` ([`Analyzer`]: lockstep-analyze's pipeline), and
//! the alert rules ([`alerts`]) turn what changed into alerts, which go to the dashboard
//! over server-sent events and to webhooks with retries ([`webhook`]).
//!
//! ```text
//!  HTTP ─┐                       ┌─> window ─> analysis ─> rules ─> alerts ─┬─> SSE
//!  Jetstream ─┼─> parse ─> writer (SQLite, fsync) ─┘                          ├─> webhooks
//!  watch dir ─┘                                                             └─> /api/v1/alerts
//! ```

pub mod alerts;
pub mod config;
pub mod detector;
pub mod http;
pub mod jetstream;
pub mod parse;
pub mod store;
pub mod watchdir;
pub mod webhook;
pub mod window;
pub mod writer;

use anyhow::{anyhow, Context};
use config::{Config, Resolved};
use lockstep_analyze::{Analysis, AnalyzeConfig, DetectParams, NarrativeInputs, Outputs};
use lockstep_model::PostTable;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::{broadcast, watch, Semaphore};

/// The analysis a refresh runs: lockstep-analyze's pipeline with the service's settings;
/// its usual files (campaigns.json, narratives.json, echo.json, report.html, …) go into a
/// snapshot directory, and the alert rules work on the results in memory.
pub struct Analyzer {
    config: AnalyzeConfig,
}

impl Analyzer {
    /// The analysis with `config` (see [`analysis_config`]).
    pub fn new(config: AnalyzeConfig) -> Self {
        Self { config }
    }

    /// Analyse `table` into the directory `out` (created here), without the Parquet
    /// copies: a refresh every few seconds needs the JSON, the CSV files and report.html.
    /// Returns the typed results, which the alert rules work on.
    pub fn analyze<'t>(&self, table: &'t PostTable, out: &Path) -> anyhow::Result<Analysis<'t>> {
        let analysis =
            lockstep_analyze::analyze(table, &self.config).map_err(|e| anyhow!("{e:#}"))?;
        analysis
            .write_with(out, Outputs::Live)
            .map_err(|e| anyhow!("{e:#}"))?;
        Ok(analysis)
    }
}

/// `analyze`'s defaults with what the config sets: the false discovery rate, and the watch
/// terms, reference articles and seed accounts of the alert rules, read once here. A
/// missing or empty file, or a watch list without a term, is a usage error.
pub fn analysis_config(config: &Config) -> lockstep_analyze::Result<AnalyzeConfig> {
    let mut narratives = NarrativeInputs::load(
        None,
        config.alerts.references.as_deref(),
        config.alerts.seed_accounts.as_deref(),
    )?;
    for w in &narratives.warnings {
        eprintln!("lockstep: warning: {w}");
    }
    // The config's terms are a list: they go straight to the options, never through
    // `--watch`'s comma-separated spelling, so a term may contain a comma.
    narratives.options.watch = lockstep_analyze::watch_terms(&config.alerts.watch);
    if narratives.options.watch.is_empty() && !config.alerts.watch.is_empty() {
        return Err(lockstep_analyze::Error::usage(anyhow!(
            "alerts.watch: no term"
        )));
    }
    Ok(AnalyzeConfig {
        detection: DetectParams {
            alpha: config.detection.alpha,
            // Rounds are not tested live yet: on the growing window of an organic week
            // (tests/serve_alerts.rs), rounds of a partial day raised a campaign alert
            // that the whole week does not bear out.
            rounds: false,
            ..DetectParams::default()
        },
        narratives,
        ..AnalyzeConfig::default()
    })
}

/// State shared by the HTTP handlers, the sources and the detector.
pub struct Shared {
    /// Settings.
    pub config: Config,
    /// Settings resolved to numbers.
    pub resolved: Resolved,
    /// Read access to the database.
    pub store: Arc<store::Store>,
    /// Durable writes.
    pub writer: writer::WriterHandle,
    /// Posts committed and not yet in the window.
    pub inbox: Arc<writer::Inbox>,
    /// Write counters.
    pub counters: Arc<writer::WriteCounters>,
    /// The latest refresh.
    pub live: RwLock<detector::LiveState>,
    /// New alerts, for server-sent events.
    pub alerts_tx: broadcast::Sender<store::StoredAlert>,
    /// Alerts raised (stored).
    pub alert_count: AtomicU64,
    /// Requests refused by limits (429/503).
    pub refused: AtomicU64,
    /// Watched files ingested since start.
    pub files_ingested: AtomicU64,
    /// Wakes webhook delivery.
    pub wake: Arc<webhook::Wake>,
    /// Webhook status.
    pub hooks: Arc<Mutex<Vec<webhook::HookStatus>>>,
    /// Jetstream consumer status, when one runs.
    pub jetstream: Option<Arc<jetstream::JetstreamStatus>>,
    /// Becomes true on shutdown.
    pub shutdown: watch::Receiver<bool>,
    /// Start time.
    pub started: Instant,
    /// Per-client request rate.
    pub limiter: http::RateLimiter,
    /// Ingest requests in progress.
    pub ingest_slots: Arc<Semaphore>,
}

/// The Jetstream consumer's sink: parse with the `jetstream` reader and store the posts
/// with the cursor in one transaction.
struct StoreSink(Arc<Shared>);

impl jetstream::JetstreamSink for StoreSink {
    async fn deliver(&self, lines: Vec<u8>, cursor_us: i64) -> anyhow::Result<()> {
        let format = parse::resolve_format(Some("jetstream"))?;
        let max_future = self.0.resolved.lateness_ms.max(300_000);
        let parsed = tokio::task::spawn_blocking(move || {
            parse::parse_batch("jetstream", &lines, format, max_future)
        })
        .await??;
        self.0
            .writer
            .write_wait(writer::Batch {
                origin: writer::Origin::Jetstream { cursor_us },
                posts: parsed.posts,
                rejected: parsed.rejected,
            })
            .await?;
        Ok(())
    }

    fn cursor(&self) -> anyhow::Result<Option<i64>> {
        self.0.store.cursor("jetstream")
    }
}

/// The service's state opened on its database, before anything serves: the writer runs,
/// nothing listens, no detector or source is started. [`run`] starts those around it; the
/// router's tests build one and call [`http::router`] in process.
pub struct Opened {
    /// The state the handlers, sources and detector share.
    pub shared: Arc<Shared>,
    /// Send `true` to shut down.
    pub shutdown_tx: watch::Sender<bool>,
    /// The database writer's thread (ends when the last writer handle is dropped).
    pub writer_thread: std::thread::JoinHandle<()>,
}

impl Shared {
    /// Open the database named by `config` (created if missing), start its writer and
    /// build the shared state.
    pub fn open(config: Config, resolved: Resolved) -> anyhow::Result<Opened> {
        let store = Arc::new(store::Store::open(&config.db)?);
        // Posts committed but not yet in the window are bounded like posts not yet committed.
        let inbox = Arc::new(writer::Inbox::new(config.limits.max_pending_posts));
        let counters = Arc::new(writer::WriteCounters::default());
        let (writer, writer_thread) = writer::start(
            &config.db,
            config.limits.max_pending_posts,
            inbox.clone(),
            counters.clone(),
        )?;
        let (shutdown_tx, shutdown) = watch::channel(false);
        let (alerts_tx, _) = broadcast::channel(1024);
        let alert_count = store.alert_count()?;
        let shared = Arc::new(Shared {
            limiter: http::RateLimiter::new(
                config.limits.ingest_requests_per_s,
                config.limits.ingest_burst,
            ),
            ingest_slots: Arc::new(Semaphore::new(config.limits.max_concurrent_ingest)),
            resolved,
            store,
            writer,
            inbox,
            counters,
            live: RwLock::new(detector::LiveState::default()),
            alerts_tx,
            alert_count: AtomicU64::new(alert_count),
            refused: AtomicU64::new(0),
            files_ingested: AtomicU64::new(0),
            wake: Arc::new(webhook::Wake::default()),
            hooks: Arc::new(Mutex::new(Vec::new())),
            jetstream: config
                .jetstream
                .as_ref()
                .map(|_| Arc::new(jetstream::JetstreamStatus::default())),
            shutdown,
            started: Instant::now(),
            config,
        });
        Ok(Opened {
            shared,
            shutdown_tx,
            writer_thread,
        })
    }
}

/// Run the service until Ctrl-C or SIGTERM, analysing with `analysis` (see
/// [`analysis_config`]).
pub fn run(config: Config, analysis: AnalyzeConfig) -> anyhow::Result<()> {
    let analyzer = Arc::new(Analyzer::new(analysis));
    let resolved = config.resolve()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("lockstep-serve")
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(config, resolved, analyzer))
}

async fn serve(config: Config, resolved: Resolved, analyzer: Arc<Analyzer>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(resolved.bind)
        .await
        .with_context(|| format!("listening on {}", resolved.bind))?;
    let local = listener.local_addr()?;
    let Opened {
        shared,
        shutdown_tx,
        writer_thread,
    } = Shared::open(config, resolved)?;
    let shutdown = shared.shutdown.clone();
    webhook::start(
        shared.store.clone(),
        &shared.config.alerts.webhooks,
        shared.wake.clone(),
        shared.hooks.clone(),
        shutdown.clone(),
    )?;
    let detector = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("lockstep-detector".into())
            .spawn(move || detector::run(shared, analyzer))?
    };
    if let (Some(url), Some(status)) = (shared.config.jetstream.clone(), shared.jetstream.clone()) {
        let sink = Arc::new(StoreSink(shared.clone()));
        tokio::spawn(jetstream::run(url, sink, status, shutdown.clone()));
    }
    if let Some(dir) = shared.config.watch_dir.clone() {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        tokio::spawn(watchdir::run(shared.clone(), dir));
    }
    eprintln!(
        "lockstep serve: listening on http://{local} (database {}, horizon {} h, refresh every {} s)",
        shared.config.db.display(),
        shared.resolved.horizon_ms as f64 / 3_600_000.0,
        shared.resolved.refresh_ms as f64 / 1000.0
    );
    let app =
        http::router(shared.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            wait_for_signal().await;
            let _ = shutdown_tx.send(true);
        })
        .await
        .context("serving HTTP")?;
    eprintln!("lockstep serve: shutting down");
    drop(shared);
    let _ = detector.join();
    // Not joined: every acknowledged batch is already committed, and the writer ends by
    // itself when the last handle (held by tasks still winding down) is dropped.
    drop(writer_thread);
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
