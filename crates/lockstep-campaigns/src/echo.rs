//! Overt echo of known sources: a group set aside as part of a crowd around a source
//! (fan-like, crowd-like, cascade-following, slow rounds) whose source is one of the seed
//! accounts (`--seed-accounts`: state media, officials) is labelled echo of a known source.
//!
//! Many accounts repost and answer a state broadcaster within minutes of each post, day
//! after day: an audience, overt and attributable, not a hidden network. Without seeds such
//! a group is set aside as fan-like (a slice of a larger crowd around one source); with
//! them, the reason names what it is. A group is labelled echo when, besides having been set
//! aside as part of a crowd:
//! - at least [`MIN_SEED_SHARE`] of the members' acts on the posts they shared (the posts two
//!   or more of them reposted, quoted or replied to) are on seed accounts' posts
//!   ([`crate::Basis::seed_echo`]), and
//! - at least [`MIN_AMPLIFY_EVIDENCE`] of its internal evidence comes from behaviours on
//!   other accounts' posts (co-repost, co-reply), not from what the members wrote or linked.
//!
//! A group that coordinates among themselves stays a campaign whatever it amplifies: one
//! that is most of the traffic at the moments it acts (exclusive), or that writes the same
//! text together, is a ring, and a ring boosting state media is what this engine is for.
//! Its `basis.seed_echo` says how much of its amplifying went to the seeds, and the seeds'
//! amplifiers are in `echo.json` and `seed_amplifications.csv` either way.

use crate::{evidence_of, BehaviourEdges, FusedEdge};

/// Share of a group's acts on shared posts that must be on seed accounts' posts.
pub const MIN_SEED_SHARE: f64 = 0.8;

/// Share of a group's internal evidence that must come from behaviours on other accounts'
/// posts (co-repost, co-reply).
pub const MIN_AMPLIFY_EVIDENCE: f64 = 0.8;

/// The reason a group is set aside as echo of a known source.
pub const REASON: &str = "echo of a known source: part of a crowd amplifying the seed \
    accounts' posts, with no evidence of coordination beyond that";

/// Share of the internal evidence of `members` carried by behaviours whose objects
/// are posts (`on_posts[behaviour index]`); 0 without internal edges.
pub fn amplify_evidence(
    members: &[u32],
    fused: &[FusedEdge],
    behaviours: &[BehaviourEdges],
    on_posts: &[bool],
    cap: f64,
) -> f64 {
    let set: foldhash::HashSet<u32> = members.iter().copied().collect();
    let inside = |a: u32| set.contains(&a);
    let (mut on, mut all) = (0.0f64, 0.0f64);
    for f in fused.iter().filter(|f| inside(f.a) && inside(f.b)) {
        for &(bi, ei) in &f.parts {
            let ev = evidence_of(&behaviours[bi].edges[ei], cap);
            all += ev;
            if on_posts[bi] {
                on += ev;
            }
        }
    }
    if all > 0.0 {
        on / all
    } else {
        0.0
    }
}

/// Whether a group set aside as part of a crowd is echo of a known source: `seed_share` is
/// [`crate::Basis::seed_echo`] (`None` without seed accounts), `amplify` what
/// [`amplify_evidence`] gives.
pub fn is_echo(seed_share: Option<f64>, amplify: f64) -> bool {
    seed_share.is_some_and(|s| s >= MIN_SEED_SHARE) && amplify >= MIN_AMPLIFY_EVIDENCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_needs_seeds_and_nothing_beyond_amplifying_them() {
        assert!(!is_echo(None, 1.0));
        assert!(is_echo(Some(0.95), 1.0));
        // The same accounts also write the same texts: coordination among themselves.
        assert!(!is_echo(Some(0.95), 0.5));
        // Mostly amplifying others than the seeds.
        assert!(!is_echo(Some(0.3), 1.0));
    }
}
