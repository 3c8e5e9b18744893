//! Planning hot objects: window-wide time buckets bound the co-actions of an object
//! exactly from counts alone, and an object over the budget is cut into time blocks.
//!
//! With buckets of one window's width (on the stamps), two events at most a window apart
//! lie in the same or adjacent buckets, so an object's co-actions are at most
//! `sum_k n_k (n_k - 1) / 2 + n_k n_{k+1}` over its bucket counts `n_k`. A block owns a run
//! of buckets and reads one bucket of context on each side; the owner-of-the-earlier-event
//! rule ([`crate::block`]) makes the blocks' counts add up to the whole object's.

/// The bucket of a stamp for a window of `window_ms` (on the stamps, at least 1 ms).
#[inline]
pub fn bucket_of(time_ms: i64, window_ms: i64) -> i64 {
    time_ms.div_euclid(window_ms.max(1))
}

/// Upper bound on the co-acting pairs of events (any accounts) of one object, from its
/// bucket counts `(bucket, events)` sorted by bucket.
pub fn pair_bound(counts: &[(i64, u64)]) -> u64 {
    let mut total = 0u64;
    for (k, &(b, n)) in counts.iter().enumerate() {
        total = total.saturating_add(n * n.saturating_sub(1) / 2);
        if let Some(&(b2, n2)) = counts.get(k + 1) {
            if b2 == b + 1 {
                total = total.saturating_add(n * n2);
            }
        }
    }
    total
}

/// Cut one object's buckets (`(bucket, events)` sorted by bucket) into blocks of at most
/// `budget` bounded pairs each (a single bucket over the budget is a block of its own).
/// Returns the first bucket of each block; block `i` owns buckets from its start to the
/// next block's start. One block means the object is not split.
pub fn plan_blocks(counts: &[(i64, u64)], budget: u64) -> Vec<i64> {
    let mut starts = Vec::new();
    let mut k = 0;
    while k < counts.len() {
        starts.push(counts[k].0);
        let mut end = k + 1;
        // Grow while the block's pairs (its buckets plus the pairs reaching into the next
        // bucket) stay within the budget.
        while end < counts.len() {
            let upto = (end + 2).min(counts.len());
            if pair_bound(&counts[k..upto]) > budget {
                break;
            }
            end += 1;
        }
        k = end;
    }
    starts
}

/// The blocks an event in `bucket` goes to, given the blocks' first buckets `starts`
/// (sorted): its owner, and as context the block before (when the event is in the owner's
/// first bucket) and the block after (when it is in the owner's last bucket). Returns
/// `(block, owned)` pairs.
pub fn blocks_of(bucket: i64, starts: &[i64]) -> Vec<(usize, bool)> {
    let owner = starts.partition_point(|&s| s <= bucket).saturating_sub(1);
    let mut out = vec![(owner, true)];
    if owner > 0 && bucket == starts[owner] {
        out.push((owner - 1, false));
    }
    if owner + 1 < starts.len() && bucket + 1 == starts[owner + 1] {
        out.push((owner + 1, false));
    }
    out
}

/// The cost guard: the bounded co-actions of a whole run, from every object's bucket
/// counts; a run over `budget` is refused with this estimate.
pub fn estimate(objects: &[Vec<(i64, u64)>]) -> u64 {
    objects
        .iter()
        .map(|c| pair_bound(c))
        .fold(0u64, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_holds_and_blocks_cover_every_bucket() {
        let counts = vec![(0, 10), (1, 3), (3, 50), (4, 1), (5, 7)];
        // 45 + 30 + 3 + 1225 + 50 + 0 + 7 + 21.
        assert_eq!(pair_bound(&counts), 45 + 30 + 3 + 1225 + 50 + 7 + 21);
        let starts = plan_blocks(&counts, 100);
        assert_eq!(starts[0], 0);
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        assert!(starts.len() > 1);
        assert_eq!(plan_blocks(&counts, u64::MAX), vec![0]);
        // Every bucket has exactly one owner; context only next to a boundary.
        for &(b, _) in &counts {
            let to = blocks_of(b, &starts);
            assert_eq!(to.iter().filter(|x| x.1).count(), 1);
        }
        assert_eq!(blocks_of(7, &[0]), vec![(0, true)]);
        assert_eq!(
            blocks_of(3, &[0, 3, 4]),
            vec![(1, true), (0, false), (2, false)]
        );
    }
}
