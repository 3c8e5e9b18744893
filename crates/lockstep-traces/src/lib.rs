//! Behaviour traces: every kind of coordination reduces to a table of
//! `(object, account, post, time)` events, sorted by object then time, which one kernel
//! sweeps. Adding a behaviour is one more arm in [`extract`].

mod behaviour;
mod support;
pub mod text;
mod trace;
pub mod urls;

pub use behaviour::{Behaviour, Semantics};
pub use support::{nothing_to_work_on, Holdings};
pub use trace::{extract, Event, ObjectSpace, Trace};
