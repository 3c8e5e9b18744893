use lockstep_kernel::count_window_pairs;
use lockstep_traces::Trace;

/// Key of an ordered account pair.
#[inline]
pub fn pair_key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// The accounts of a pair key.
#[inline]
pub fn pair_of(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// One of `count` disjoint slices of the unordered pair space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Which slice.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

impl Partition {
    /// The whole pair space.
    pub const ALL: Partition = Partition { index: 0, count: 1 };

    /// True if the unordered pair {a, b} belongs to this slice.
    #[inline]
    pub fn contains(&self, a: u32, b: u32) -> bool {
        if self.count == 1 {
            return true;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let h = (pair_key(lo, hi)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        ((h >> 32) % self.count as u64) as u32 == self.index
    }

    /// All slices of a space cut into `count`.
    pub fn all(count: u32) -> impl Iterator<Item = Partition> {
        (0..count.max(1)).map(move |index| Partition {
            index,
            count: count.max(1),
        })
    }
}

/// How many partitions keep pair maps of `bytes_per_pair` within `budget`, judged from
/// the number of in-window event pairs (an upper bound on distinct account pairs).
pub fn plan_partitions(trace: &Trace, window_ms: i64, bytes_per_pair: usize, budget: usize) -> u32 {
    let visits = count_window_pairs(trace, window_ms);
    // Hits are counted in both directions.
    let bytes = visits
        .saturating_mul(2)
        .saturating_mul(bytes_per_pair as u64);
    let parts = bytes.div_ceil(budget.max(1) as u64).max(1);
    parts.min(4096) as u32
}
