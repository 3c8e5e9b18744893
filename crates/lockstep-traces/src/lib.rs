//! Behaviour traces: every kind of coordination reduces to a table of
//! `(object, account, post, time)` events, sorted by object then time, which one kernel
//! sweeps. Each behaviour is one file of `behaviours/` and one line of its registry
//! ([`Behaviour::spec`] says everything about it); [`extract`] runs its extraction.

mod behaviour;
mod behaviours;
mod support;
pub mod text;
mod trace;
pub mod urls;

pub use behaviour::{Behaviour, Semantics, Spec};
pub use support::nothing_to_work_on;
pub use trace::{extract, Event, KeptLabels, ObjectSpace, Trace};
