//! Test tooling for lockstep, kept out of the production crates (`publish = false`):
//! [`replay`], a Jetstream replay server the `lockstep serve` tests and benchmarks stream
//! posts from.

pub mod replay;
