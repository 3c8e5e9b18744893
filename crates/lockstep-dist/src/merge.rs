//! Summing partial pair statistics ([`PairStats`], a block's count each) in any order.

use lockstep_networks::native::PairStats;

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
pub fn merge(parts: impl IntoIterator<Item = PairStats>, mut tags: Tags) -> Vec<PairStats> {
    let mut by: foldhash::HashMap<u64, PairStats> = Default::default();
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
    let mut out: Vec<PairStats> = by.into_values().filter(|p| p.co_actions > 0).collect();
    out.sort_unstable_by_key(|s| (s.a, s.b));
    out
}
