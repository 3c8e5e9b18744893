//! Summing partial pair statistics in any order.

use lockstep_networks::native::PairStats;

/// One block's (or one merge's) statistics of an account pair `a < b`: sums and minima, so
/// partials add up in any order (see [`PairStats`] for the fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairPartial {
    /// Lower account.
    pub a: u32,
    /// Higher account.
    pub b: u32,
    /// Co-actions.
    pub co_actions: u64,
    /// Posts of `a` with a `b` event in the window (when posts are counted here).
    pub posts_a: u64,
    /// Posts of `b` with an `a` event in the window (when posts are counted here).
    pub posts_b: u64,
    /// Distinct objects (whole objects only; split ones through [`Tags::objects`]).
    pub objects: u64,
    /// Smallest `|dt|` (i64::MAX when none).
    pub min_dt_ms: i64,
    /// Sum of `|dt|`.
    pub sum_dt_ms: i64,
    /// Co-actions where `a` acted strictly first.
    pub a_first: u64,
    /// Co-actions where `b` acted strictly first.
    pub b_first: u64,
}

impl PairPartial {
    /// An empty partial of `a < b`.
    pub fn new(a: u32, b: u32) -> Self {
        PairPartial {
            a,
            b,
            co_actions: 0,
            posts_a: 0,
            posts_b: 0,
            objects: 0,
            min_dt_ms: i64::MAX,
            sum_dt_ms: 0,
            a_first: 0,
            b_first: 0,
        }
    }

    /// Add another partial of the same pair.
    pub fn add(&mut self, o: &PairPartial) {
        self.co_actions += o.co_actions;
        self.posts_a += o.posts_a;
        self.posts_b += o.posts_b;
        self.objects += o.objects;
        self.min_dt_ms = self.min_dt_ms.min(o.min_dt_ms);
        self.sum_dt_ms += o.sum_dt_ms;
        self.a_first += o.a_first;
        self.b_first += o.b_first;
    }

    /// The finished statistics.
    pub fn stats(&self) -> PairStats {
        PairStats {
            a: self.a,
            b: self.b,
            co_actions: self.co_actions,
            posts_a: self.posts_a,
            posts_b: self.posts_b,
            objects: self.objects,
            min_dt_ms: self.min_dt_ms,
            sum_dt_ms: self.sum_dt_ms,
            a_first: self.a_first,
            b_first: self.b_first,
        }
    }
}

/// What a block cannot count alone: a split object met by a pair in several blocks, and a
/// post on several objects (links, hashtags) with partners in several blocks. The merge
/// counts them distinct.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags {
    /// (pair key, object) of a split object with a co-action of the pair.
    pub objects: Vec<(u64, u32)>,
    /// (pair key, post is `a`'s, post) of a post with a partner of the pair.
    pub post_hits: Vec<(u64, bool, u32)>,
}

impl Tags {
    /// Append another block's tags.
    pub fn extend(&mut self, o: Tags) {
        self.objects.extend(o.objects);
        self.post_hits.extend(o.post_hits);
    }
}

/// Merge partials and tags (all of one reducer's pairs, in any order) into finished
/// statistics sorted by pair. Pairs without a co-action (only post hits) are not pairs.
pub fn merge(parts: impl IntoIterator<Item = PairPartial>, mut tags: Tags) -> Vec<PairStats> {
    let mut by: foldhash::HashMap<u64, PairPartial> = Default::default();
    for p in parts {
        by.entry(crate::pair_key(p.a, p.b))
            .and_modify(|x| x.add(&p))
            .or_insert(p);
    }
    tags.objects.sort_unstable();
    tags.objects.dedup();
    for (key, _) in tags.objects {
        if let Some(p) = by.get_mut(&key) {
            p.objects += 1;
        }
    }
    tags.post_hits.sort_unstable();
    tags.post_hits.dedup();
    for (key, side_a, _) in tags.post_hits {
        if let Some(p) = by.get_mut(&key) {
            if side_a {
                p.posts_a += 1;
            } else {
                p.posts_b += 1;
            }
        }
    }
    let mut out: Vec<PairStats> = by
        .into_values()
        .filter(|p| p.co_actions > 0)
        .map(|p| p.stats())
        .collect();
    out.sort_unstable_by_key(|s| (s.a, s.b));
    out
}
