//! The analyst's report: one self-contained HTML file (`report.html`) rendered from the
//! files `lockstep analyze` writes, and Parquet copies of its tables.
//!
//! # The page
//! Everything is inside the file: the vendored JavaScript (sigma.js 3 and graphology, MIT,
//! see `assets/vendor/README.md`), the page's own script and styles, and the data. It opens
//! offline from disk, loads nothing and connects nowhere.
//!
//! Hostile text is expected: influence operations can plant markup in posts, handles and
//! URLs to attack the analyst who opens the report. So:
//! * data never becomes HTML: it travels as JSON inside
//!   `<script type="application/json" id="data">`, with `<`, `>`, `&`, U+2028 and U+2029
//!   written as `\uXXXX` ([`escape::script_json`]), so `</script>` in a post cannot end the
//!   element; the page reads it with `JSON.parse` and builds the DOM with `textContent`
//!   and `createElement` only;
//! * a Content-Security-Policy ([`escape::content_security_policy`]) allows only the
//!   inline scripts and the stylesheet whose SHA-256 hashes were computed when the page
//!   was rendered, denies every fetch, connection, frame, form and plug-in, allows images
//!   only from `data:`, and requires Trusted Types, so string-to-HTML sinks (`innerHTML`,
//!   `document.write`) throw even if the page's own code tried to use one;
//! * URLs from the data are shown as text, never as links;
//! * invisible and direction-changing characters are shown as visible `U+XXXX` marks and
//!   every data cell is bidi-isolated, so right-to-left overrides cannot disguise text;
//! * long strings are cut ([`Limits`]), so a megabyte post cannot stall the page.
//!
//! # Inputs
//! [`write_report`] reads, from an analyze directory: `summary.json`, `campaigns.json`,
//! `accounts.csv`, `edges.csv`, `evidence.csv`, and when present `coordinated_posts.csv`
//! (texts of the posts behind the evidence), `rejected.jsonl`, `narratives.json` and
//! `echo.json`. Missing files leave their sections empty. The expected shapes of
//! `narratives.json` and `echo.json` are documented in `crates/lockstep-report/README.md`;
//! fields the page does not know are still shown, as generic tables.

pub mod escape;
#[cfg(feature = "parquet")]
pub mod export;
pub mod input;
pub mod layout;
mod render;

pub use input::Limits;
pub use render::render_html;

use std::io::Write;
use std::path::{Path, PathBuf};

/// File name of the coordinated posts table `analyze` writes beside its other outputs.
pub const POSTS_FILE: &str = lockstep_output::schema::files::COORDINATED_POSTS;

/// What went wrong while reading an analyze directory or writing an output.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A JSON file is malformed.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The error.
        source: serde_json::Error,
    },
    /// A CSV file is malformed.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The error.
        source: csv::Error,
    },
    /// Writing Parquet failed.
    #[error("{path}: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What the writer said.
        message: String,
    },
}

impl ReportError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        ReportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    pub(crate) fn json(path: &Path, source: serde_json::Error) -> Self {
        ReportError::Json {
            path: path.to_path_buf(),
            source,
        }
    }
    pub(crate) fn csv(path: &Path, source: csv::Error) -> Self {
        ReportError::Csv {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Render `report.html` for the analyze directory `analyze_dir` into `out`, with the
/// default [`Limits`].
pub fn write_report(analyze_dir: &Path, out: &Path) -> Result<(), ReportError> {
    write_report_with(analyze_dir, out, &Limits::default())
}

/// [`write_report`] with explicit limits.
pub fn write_report_with(
    analyze_dir: &Path,
    out: &Path,
    limits: &Limits,
) -> Result<(), ReportError> {
    let data = input::collect(analyze_dir, limits)?;
    let html = render_html(&data);
    // Write to a temporary name first, so a reader never sees half a report.
    let tmp = out.with_extension("html.partial");
    let mut f = std::fs::File::create(&tmp).map_err(|e| ReportError::io(&tmp, e))?;
    f.write_all(html.as_bytes())
        .and_then(|()| f.flush())
        .map_err(|e| ReportError::io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, out).map_err(|e| ReportError::io(out, e))
}
