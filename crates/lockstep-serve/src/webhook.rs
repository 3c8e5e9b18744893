//! Webhook delivery: every alert is POSTed as JSON to each configured URL, in order, at
//! least once. A failed delivery is retried with exponential backoff (1 s doubling to
//! 5 min) until the receiver answers 2xx; the position of each webhook is kept in the
//! database, so a restart resumes where delivery stopped. A webhook added later receives
//! alerts raised from then on, not the whole history.

use crate::config::Webhook;
use crate::store::{self, Store};
use rusqlite::params;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Wakes delivery threads when alerts were stored.
#[derive(Default)]
pub struct Wake {
    count: Mutex<u64>,
    cond: Condvar,
}

impl Wake {
    /// Tell the delivery threads to look for new alerts.
    pub fn notify(&self) {
        if let Ok(mut c) = self.count.lock() {
            *c += 1;
        }
        self.cond.notify_all();
    }

    fn wait(&self, seen: &mut u64, timeout: Duration) {
        let Ok(guard) = self.count.lock() else {
            return;
        };
        if *guard != *seen {
            *seen = *guard;
            return;
        }
        if let Ok((guard, _)) = self.cond.wait_timeout(guard, timeout) {
            *seen = *guard;
        }
    }
}

/// Status of one webhook, for `/api/v1/stats`.
#[derive(Default, Debug, Clone, serde::Serialize)]
pub struct HookStatus {
    /// The URL (its query string removed: it may hold a secret).
    pub url: String,
    /// Alerts delivered since start.
    pub delivered: u64,
    /// Failed attempts since start.
    pub failures: u64,
    /// The last error, if the last attempt failed.
    pub last_error: Option<String>,
}

/// Start one delivery thread per webhook.
pub fn start(
    store: Arc<Store>,
    hooks: &[Webhook],
    wake: Arc<Wake>,
    status: Arc<Mutex<Vec<HookStatus>>>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    for (i, hook) in hooks.iter().enumerate() {
        if let Ok(mut s) = status.lock() {
            s.push(HookStatus {
                url: hook.url.split('?').next().unwrap_or("").to_string(),
                ..HookStatus::default()
            });
        }
        let conn = store::connect(store.path())?;
        let name = format!("webhook:{}", hook.url);
        let start_at: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM alerts", [], |r| r.get(0))?;
        conn.execute(
            "INSERT OR IGNORE INTO cursors(name, value) VALUES (?1, ?2)",
            params![name, start_at],
        )?;
        let (hook, store, wake, status, shutdown) = (
            hook.clone(),
            store.clone(),
            wake.clone(),
            status.clone(),
            shutdown.clone(),
        );
        std::thread::Builder::new()
            .name(format!("lockstep-webhook-{i}"))
            .spawn(move || {
                deliver_loop(i, &hook, &name, &conn, &store, &wake, &status, &shutdown)
            })?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn deliver_loop(
    index: usize,
    hook: &Webhook,
    name: &str,
    conn: &rusqlite::Connection,
    store: &Store,
    wake: &Wake,
    status: &Mutex<Vec<HookStatus>>,
    shutdown: &watch::Receiver<bool>,
) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(15)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut seen = 0u64;
    let mut backoff = Duration::from_secs(1);
    let update = |f: &dyn Fn(&mut HookStatus)| {
        if let Ok(mut s) = status.lock() {
            if let Some(h) = s.get_mut(index) {
                f(h);
            }
        }
    };
    while !*shutdown.borrow() {
        let cursor = store.cursor(name).ok().flatten().unwrap_or(0);
        let next = match store.alerts_after(cursor, 1) {
            Ok(mut v) => v.pop(),
            Err(e) => {
                eprintln!("lockstep serve: webhook: reading alerts: {e:#}");
                None
            }
        };
        let Some(alert) = next else {
            wake.wait(&mut seen, Duration::from_secs(5));
            continue;
        };
        let mut req = agent
            .post(&hook.url)
            .header("Content-Type", "application/json")
            .header(
                "User-Agent",
                concat!("lockstep/", env!("CARGO_PKG_VERSION")),
            );
        if let Some(t) = &hook.token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let result = match req.send(alert.body.as_bytes()) {
            Ok(resp) if resp.status().is_success() => Ok(()),
            Ok(resp) => Err(format!("HTTP {}", resp.status())),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(()) => {
                if let Err(e) = conn.execute(
                    "UPDATE cursors SET value = MAX(value, ?2) WHERE name = ?1",
                    params![name, alert.seq],
                ) {
                    eprintln!("lockstep serve: webhook: saving position: {e}");
                }
                update(&|h| {
                    h.delivered += 1;
                    h.last_error = None;
                });
                backoff = Duration::from_secs(1);
            }
            Err(e) => {
                update(&|h| {
                    h.failures += 1;
                    h.last_error = Some(e.clone());
                });
                // Sleep in small steps so shutdown is prompt.
                let until = std::time::Instant::now() + backoff;
                while std::time::Instant::now() < until && !*shutdown.borrow() {
                    std::thread::sleep(Duration::from_millis(100));
                }
                backoff = (backoff * 2).min(Duration::from_secs(300));
            }
        }
    }
}
