//! The service's configuration: a TOML file (`--config`) with every setting, overridden by
//! the command line. Unknown keys are errors, so a typo never silently falls back to a
//! default.

use anyhow::{anyhow, bail, Context};
use lockstep_model::parse_duration_ms;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything `lockstep serve` runs with.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The SQLite database (created if missing; WAL journal next to it).
    pub db: PathBuf,
    /// Address and port to listen on; loopback unless told otherwise.
    pub bind: String,
    /// Bearer token for the API and the dashboard; required when `bind` is not loopback.
    pub token: Option<String>,
    /// Bluesky Jetstream endpoint to consume (`wss://…/subscribe?wantedCollections=…`).
    pub jetstream: Option<String>,
    /// Directory where collectors drop files to ingest.
    pub watch_dir: Option<PathBuf>,
    /// Rolling-horizon detection.
    pub detection: Detection,
    /// Request limits.
    pub limits: Limits,
    /// Alert rules and delivery.
    pub alerts: Alerts,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            db: PathBuf::from("lockstep.db"),
            bind: "127.0.0.1:8787".into(),
            token: None,
            jetstream: None,
            watch_dir: None,
            detection: Detection::default(),
            limits: Limits::default(),
            alerts: Alerts::default(),
        }
    }
}

/// How the live window is analysed.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Detection {
    /// How far back from the newest post the analysis looks (`72h`).
    pub horizon: String,
    /// How late a post may arrive and still be analysed with its partners at the horizon's
    /// edge; also how far past the wall clock a post's time may be before it is refused as
    /// a bad timestamp.
    pub lateness: String,
    /// How often the window is analysed again when new posts arrived (`15s`).
    pub refresh: String,
    /// Most posts kept in the live window; the oldest leave first beyond it (memory bound).
    pub max_window_posts: usize,
    /// Where live analyses are written (default: next to the database, `<db>.live/`).
    pub snapshot_dir: Option<PathBuf>,
    /// False discovery rate for pair edges (as `analyze --alpha`).
    pub alpha: f64,
}

impl Default for Detection {
    fn default() -> Self {
        Self {
            horizon: "72h".into(),
            lateness: "1h".into(),
            refresh: "15s".into(),
            max_window_posts: 3_000_000,
            snapshot_dir: None,
            alpha: 0.01,
        }
    }
}

/// Limits that keep the service alive under load: memory stays bounded because work
/// beyond them is refused (429 or 503), never queued without end.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest request body, in MiB (413 beyond).
    pub max_body_mib: usize,
    /// Ingest requests per second allowed per client address (429 beyond), with a burst
    /// of `ingest_burst`.
    pub ingest_requests_per_s: f64,
    /// Requests a client may make at once before the rate applies.
    pub ingest_burst: f64,
    /// Ingest requests being parsed or written at once (503 beyond).
    pub max_concurrent_ingest: usize,
    /// Posts accepted but not yet durable (503 beyond); also the most posts waiting,
    /// durable, for the next refresh (beyond, the window is reloaded from the database).
    pub max_pending_posts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_mib: 32,
            ingest_requests_per_s: 50.0,
            ingest_burst: 100.0,
            max_concurrent_ingest: 8,
            max_pending_posts: 200_000,
        }
    }
}

/// Alert rules, files the narrative stage reads, and where alerts go.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alerts {
    /// Smallest campaign that raises `new_campaign`.
    pub min_campaign_accounts: usize,
    /// Lowest campaign score (0..1) that raises `new_campaign`.
    pub min_campaign_score: f64,
    /// `campaign_growth` when a campaign has grown by this share of its size at the last
    /// alert…
    pub growth_ratio: f64,
    /// …and by at least this many accounts.
    pub growth_min_accounts: usize,
    /// Raise `narrative_burst` for bursts of at least this many posts.
    pub burst_min_posts: u64,
    /// …whose share of coordinated posts is at least this (0 = any burst)…
    pub burst_min_coordinated_share: f64,
    /// …in a narrative a campaign pushed with at least this many posts (0 = bursts
    /// without a campaign too: fandoms and news cycles burst all the time).
    pub burst_min_campaign_posts: u64,
    /// Terms to watch (any language; traditional and simplified Chinese match each other).
    pub watch: Vec<String>,
    /// Raise `watch_term_spike` for watch-term bursts of at least this many posts.
    pub watch_min_posts: u64,
    /// Reference articles (JSON lines, as `analyze --reference`).
    pub references: Option<PathBuf>,
    /// Seed accounts (as `analyze --seed-accounts`).
    pub seed_accounts: Option<PathBuf>,
    /// Raise `echo` when a campaign has at least this many posts echoing one reference.
    pub echo_min_posts: u64,
    /// Alert kinds not raised (`new_campaign`, `campaign_growth`, `campaign_set_aside`,
    /// `narrative_burst`, `watch_term_spike`, `echo`).
    pub disabled: Vec<String>,
    /// Webhooks receiving every alert as JSON (POST), retried with backoff until they
    /// answer 2xx.
    pub webhooks: Vec<Webhook>,
}

impl Default for Alerts {
    fn default() -> Self {
        Self {
            min_campaign_accounts: 3,
            min_campaign_score: 0.1,
            growth_ratio: 0.5,
            growth_min_accounts: 3,
            burst_min_posts: 20,
            burst_min_coordinated_share: 0.2,
            burst_min_campaign_posts: 10,
            watch: Vec::new(),
            watch_min_posts: 10,
            references: None,
            seed_accounts: None,
            echo_min_posts: 3,
            disabled: Vec::new(),
            webhooks: Vec::new(),
        }
    }
}

/// One webhook.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// `http://` or `https://` URL.
    pub url: String,
    /// Sent as `Authorization: Bearer …` when set.
    #[serde(default)]
    pub token: Option<String>,
}

/// Alert kinds, as written in alerts and in `disabled`.
pub const ALERT_KINDS: [&str; 6] = [
    "new_campaign",
    "campaign_growth",
    "campaign_set_aside",
    "narrative_burst",
    "watch_term_spike",
    "echo",
];

/// Durations and limits resolved to numbers.
#[derive(Clone, Copy, Debug)]
pub struct Resolved {
    /// Horizon in ms.
    pub horizon_ms: i64,
    /// Lateness in ms.
    pub lateness_ms: i64,
    /// Refresh period in ms.
    pub refresh_ms: i64,
    /// Listening address.
    pub bind: SocketAddr,
}

impl Config {
    /// Read a config file (TOML).
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Check every setting and resolve durations; the service refuses to start on any
    /// error, including a non-loopback bind address without a token.
    pub fn resolve(&self) -> anyhow::Result<Resolved> {
        let d = |name: &str, v: &str| {
            parse_duration_ms(v).map_err(|e| anyhow!("detection.{name}: {e}"))
        };
        let horizon_ms = d("horizon", &self.detection.horizon)?;
        let lateness_ms = d("lateness", &self.detection.lateness)?;
        let refresh_ms = d("refresh", &self.detection.refresh)?;
        if horizon_ms < 60_000 {
            bail!("detection.horizon must be at least 1m");
        }
        if refresh_ms < 100 {
            bail!("detection.refresh must be at least 100ms");
        }
        if !(self.detection.alpha > 0.0 && self.detection.alpha < 1.0) {
            bail!("detection.alpha must be between 0 and 1");
        }
        if self.detection.max_window_posts < 1000 {
            bail!("detection.max_window_posts must be at least 1000");
        }
        let bind: SocketAddr = self
            .bind
            .parse()
            .map_err(|e| anyhow!("--bind {}: {e} (expected ADDR:PORT)", self.bind))?;
        let token_ok = self.token.as_deref().is_some_and(|t| t.len() >= 8);
        if let Some(t) = &self.token {
            if t.len() < 8 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
                bail!("the token must be at least 8 characters without spaces");
            }
        }
        if !bind.ip().is_loopback() && !token_ok {
            bail!(
                "refusing to listen on {bind} without a token: give --token (or LOCKSTEP_TOKEN) \
                 when the address is not loopback"
            );
        }
        let l = &self.limits;
        if l.max_body_mib == 0
            || l.max_concurrent_ingest == 0
            || l.max_pending_posts == 0
            || l.ingest_requests_per_s <= 0.0
            || l.ingest_burst < 1.0
        {
            bail!("limits must be positive");
        }
        for k in &self.alerts.disabled {
            if !ALERT_KINDS.contains(&k.as_str()) {
                bail!(
                    "alerts.disabled: unknown alert kind '{k}' (kinds: {})",
                    ALERT_KINDS.join(", ")
                );
            }
        }
        for w in &self.alerts.webhooks {
            if !(w.url.starts_with("http://") || w.url.starts_with("https://")) {
                bail!("alerts.webhooks: '{}' is not an http(s) URL", w.url);
            }
        }
        if let Some(j) = &self.jetstream {
            if !(j.starts_with("ws://") || j.starts_with("wss://")) {
                bail!("--jetstream '{j}' is not a ws:// or wss:// URL");
            }
        }
        Ok(Resolved {
            horizon_ms,
            lateness_ms,
            refresh_ms,
            bind,
        })
    }

    /// Where live analyses are written.
    pub fn snapshot_dir(&self) -> PathBuf {
        match &self.detection.snapshot_dir {
            Some(d) => d.clone(),
            None => {
                let mut s = self.db.clone().into_os_string();
                s.push(".live");
                PathBuf::from(s)
            }
        }
    }

    /// Whether alerts of `kind` are raised.
    pub fn enabled(&self, kind: &str) -> bool {
        !self.alerts.disabled.iter().any(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_on_loopback() {
        let r = Config::default().resolve().expect("defaults are valid");
        assert_eq!(r.horizon_ms, 72 * 3_600_000);
        assert!(r.bind.ip().is_loopback());
    }

    #[test]
    fn public_bind_needs_a_token() {
        let mut c = Config {
            bind: "0.0.0.0:8787".into(),
            ..Config::default()
        };
        let e = c.resolve().expect_err("no token");
        assert!(e.to_string().contains("without a token"), "{e}");
        c.token = Some("short".into());
        assert!(c.resolve().is_err());
        c.token = Some("long-enough-token".into());
        assert!(c.resolve().is_ok());
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = toml::from_str::<Config>("[detection]\nhorizn = \"1h\"\n").expect_err("typo");
        assert!(e.to_string().contains("horizn"), "{e}");
        let c: Config = toml::from_str(
            "bind = \"127.0.0.1:9000\"\n[detection]\nrefresh = \"2s\"\n[alerts]\nwatch = [\"后门\"]\n[[alerts.webhooks]]\nurl = \"http://127.0.0.1:9/hook\"\n",
        )
        .expect("valid");
        assert_eq!(c.detection.refresh, "2s");
        assert_eq!(c.alerts.watch, vec!["后门".to_string()]);
        assert_eq!(c.alerts.webhooks.len(), 1);
        assert!(c.resolve().is_ok());
    }
}
