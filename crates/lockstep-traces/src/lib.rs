//! Behaviour traces: every kind of coordination reduces to a table of
//! `(object, account, post, time)` events, sorted by object then time, which one kernel
//! sweeps. Adding a behaviour is one more arm in [`extract`].

mod behaviour;
pub mod text;
mod trace;
pub mod urls;

pub use behaviour::{Behaviour, Semantics};
pub use trace::{extract, Event, ObjectSpace, Trace};
