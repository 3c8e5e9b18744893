//! Reading inputs into a [`PostTable`].
//!
//! Every format implements [`Format`]: it parses one decompressed byte stream and pushes
//! each record into an [`Ingest`], which stores good records and quarantines bad ones with
//! file, line and reason (or stops at the first one under `--strict`). Adding a format is
//! one new module in `formats/` and one line in [`formats::all`].

mod error;
pub mod formats;
mod ingest;
mod input;
mod records;
pub mod timefmt;

pub use error::IngestError;
pub use formats::{detect, detect_with, format_by_name, Format};
pub use ingest::{
    CnClock, FileReport, Ingest, IngestOptions, IngestReport, PrecisionCounts, Rejection,
    MIN_POSTS_FOR_PRECISION,
};
pub use input::{expand_inputs, open_decompressed, InputFile};

pub use lockstep_model::PostTable;
