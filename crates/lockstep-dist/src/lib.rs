//! lockstep's significance stage split over machines, with the single-machine results
//! exactly (the Spark job of the Python package drives these pieces; see README.md,
//! "Beyond one machine").
//!
//! The stage per behaviour and window, as [`lockstep_campaigns::significance`] runs it on
//! one machine, becomes:
//!
//! 1. [`plan`]: a first count of events per (object, window-wide time bucket) bounds an
//!    object's co-actions ([`plan::pair_bound`]); an object over the budget is split into
//!    time blocks ([`plan::plan_blocks`]), each block also reading the bucket before and the
//!    bucket after it (one window of context on each side).
//! 2. [`block`]: each block is swept by the kernel ([`lockstep_kernel::Sweep`]); a
//!    co-action is counted by the block that owns its earlier event, a post's "has a
//!    partner" hit by the block that owns the post's event, so every count is made exactly
//!    once however the objects are cut and scheduled. Out come per-pair partial
//!    statistics ([`PairStats`](lockstep_networks::native::PairStats)), the object's share of the null model, and burst
//!    segments for the group evidence.
//! 3. [`merge`]: partials are summed per pair in any order (integer sums and minima;
//!    distinct objects and posts through tags where a block cannot know them alone).
//! 4. [`driver`]: the null model's constant in fixed point, Poisson p-values,
//!    Benjamini-Hochberg over the candidates that can pass
//!    ([`lockstep_campaigns::significance::candidate_ln_p_bound`]), burst overlaps, and the
//!    best window per pair: the same [`SigEdge`]s and summary as one machine.
//!
//! Only one time grid per behaviour is distributed (a mixed-grid run is refused by the
//! caller), and co-similar needs a distributed near-duplicate stage that does not exist
//! yet.

pub mod block;
pub mod driver;
pub mod merge;
pub mod plan;

pub use block::{block_partials, BlockOutput, Segment};
pub use lockstep_campaigns::significance::SigEdge;
pub use merge::{merge, Tags};

/// Key of an account pair `a < b`.
#[inline]
pub fn pair_key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}
