//! The normalised data model every other lockstep crate speaks.
//!
//! Readers turn each input record into a [`PostRecord`] (owned strings, reused between
//! records) and push it into a [`PostTable`], which interns every id to a dense integer and
//! stores posts column by column. Behaviour traces, the co-action kernel and every output
//! work on those dense integers; ids become strings again only at the output edge.
//!
//! Texts are needed whole only to shingle, normalise and match them, in a few passes, and
//! afterwards for a handful of evidence rows and examples: [`PostTable::spill_text`] moves
//! them out of the heap into a memory-mapped temporary file (`lockstep analyze` does so
//! once the input is read), so they take resident memory only while a pass reads them.
//! [`PostTable::heap_sizes`] says where a table's memory goes, column by column.

mod batch;
mod interner;
mod precision;
mod record;
mod refs;
mod table;
pub mod time;

pub use batch::PostBatch;
pub use interner::Interner;
pub use precision::TimePrecision;
pub use record::{is_placeholder_author, PostKind, PostRecord, PostRef, PLACEHOLDER_AUTHORS};
pub use refs::PostId;
pub use table::{ListColumn, PostTable, PushOutcome, NONE};
pub use time::{parse_duration_ms, Window};

/// Dense index of a post in a [`PostTable`].
pub type PostIdx = u32;
/// Dense index of an account in a [`PostTable`].
pub type AccountIdx = u32;
/// Milliseconds since the Unix epoch, UTC.
pub type TimeMs = i64;
