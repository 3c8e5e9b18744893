use std::path::PathBuf;

/// Why ingest stopped. Bad records are not errors: they are quarantined and counted,
/// except under `--strict`, where the first one becomes [`IngestError::Strict`].
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The input.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// `--strict` is on and a record was bad.
    #[error("{file}:{line}: {reason}")]
    Strict {
        /// The input file.
        file: String,
        /// 1-based line (or record) number.
        line: u64,
        /// Why the record was rejected.
        reason: String,
    },
    /// The format of an input could not be recognised.
    #[error(
        "{path}: cannot detect the input format (tried {tried}); {hint}; name it with --format"
    )]
    UnknownFormat {
        /// The input.
        path: PathBuf,
        /// Formats tried, comma-separated.
        tried: String,
        /// What the start of the input looked like, and what to do about it.
        hint: String,
    },
    /// An input option is wrong (a `--map` key, a time format, a time zone).
    #[error("{0}")]
    BadOption(String),
    /// `--format` named no known format.
    #[error("unknown format '{0}' (known: {1})")]
    NoSuchFormat(String, String),
    /// The quarantine file could not be written.
    #[error("writing rejected records to {path}: {source}")]
    Quarantine {
        /// The quarantine file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}
