//! Placeholder until the Jetstream consumer lands (being written alongside).
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex};

/// Where the consumer delivers.
pub trait JetstreamSink: Send + Sync + 'static {
    /// Store lines and cursor durably.
    fn deliver(
        &self,
        lines: Vec<u8>,
        cursor_us: i64,
    ) -> impl std::future::Future<Output = anyhow::Result<()>> + Send;
    /// The durable cursor.
    fn cursor(&self) -> anyhow::Result<Option<i64>>;
}

/// Consumer status.
#[derive(Default)]
pub struct JetstreamStatus {
    /// Connected now.
    pub connected: AtomicBool,
    /// Events read.
    pub events: AtomicU64,
    /// Cursor reached (0 = none).
    pub cursor_us: AtomicI64,
    /// Reconnections.
    pub reconnects: AtomicU64,
    /// Last error.
    pub last_error: Mutex<Option<String>>,
}

/// Consume until shutdown.
pub async fn run<S: JetstreamSink>(
    _url: String,
    _sink: Arc<S>,
    _status: Arc<JetstreamStatus>,
    _shutdown: tokio::sync::watch::Receiver<bool>,
) {
}
