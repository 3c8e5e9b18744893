//! One block of one object: the kernel's sweep over its events, counting only what the
//! block owns.

use crate::merge::Tags;
use crate::pair_key;
use lockstep_kernel::{Sink, Sweep};
use lockstep_networks::native::PairStats;
use lockstep_traces::{Behaviour, Event, ObjectSpace, Semantics, Trace};
use std::ops::Range;

/// A run of one object's owned events in which consecutive events co-act: a piece of a
/// burst ([`lockstep_campaigns::bursts`]). Pieces at a block's edges are joined by
/// [`crate::driver::stitch_bursts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The object.
    pub object: u32,
    /// (time, post) of its first event: orders the pieces of one object.
    pub first: (i64, u32),
    /// Time of its last event.
    pub last: i64,
    /// Its first event co-acts with the event just before it (in the previous block).
    pub joins_previous: bool,
    /// Its last event is the block's last owned event (the next block may continue it).
    pub open_end: bool,
    /// Events in the run.
    pub events: u64,
    /// Distinct accounts, sorted.
    pub accounts: Vec<u32>,
}

/// What one block contributes.
#[derive(Debug, Default)]
pub struct BlockOutput {
    /// Per-pair partial statistics, sorted by pair.
    pub pairs: Vec<PairStats>,
    /// Distinct objects and posts that only the merge can count.
    pub tags: Tags,
    /// Owned events (summed over blocks: the object's `n_o`).
    pub events: u64,
    /// Co-acting pairs of any two events whose earlier event is owned (summed: the
    /// object's pairs within the window, for `p_o`).
    pub within: u64,
    /// Burst pieces (only when asked for).
    pub segments: Vec<Segment>,
}

/// How blocks are swept.
#[derive(Clone, Copy, Debug)]
pub struct BlockParams {
    /// The window on the stamps, milliseconds (inclusive).
    pub window_ms: i64,
    /// True when the stamp window alone decides (one grid); otherwise `matches` does too.
    pub exact: bool,
    /// Some post has events on several objects: distinct posts are counted by the merge.
    pub multi_object_posts: bool,
    /// Find burst pieces (group evidence of behaviours whose bursts are paired, see
    /// `lockstep_campaigns::bursts::pairing`).
    pub bursts: bool,
}

struct PairSink<'a> {
    lo: (i64, u32),
    hi: (i64, u32),
    global: &'a [u32],
    multi: bool,
    pairs: foldhash::HashMap<u64, PairStats>,
    post_hits: Vec<(u64, bool, u32)>,
}

impl PairSink<'_> {
    fn owned(&self, e: &Event) -> bool {
        let k = (e.time, e.post);
        self.lo <= k && k <= self.hi
    }

    fn entry(&mut self, a: u32, b: u32) -> &mut PairStats {
        self.pairs
            .entry(pair_key(a, b))
            .or_insert_with(|| PairStats::empty(a, b))
    }
}

impl Sink for PairSink<'_> {
    fn wants_hits(&self) -> bool {
        true
    }

    fn co_action(&mut self, e: &Event, f: &Event) {
        if !self.owned(e) {
            return;
        }
        let (ge, gf) = (
            self.global[e.account as usize],
            self.global[f.account as usize],
        );
        let (a, b, ea, eb) = if ge < gf {
            (ge, gf, e, f)
        } else {
            (gf, ge, f, e)
        };
        let p = self.entry(a, b);
        let dt = (f.time - e.time).abs();
        p.co_actions += 1;
        p.sum_dt_ms += dt;
        p.min_dt_ms = p.min_dt_ms.min(dt);
        if ea.time < eb.time {
            p.a_first += 1;
        } else if eb.time < ea.time {
            p.b_first += 1;
        }
    }

    fn hit(&mut self, e: &Event, other: u32) {
        if !self.owned(e) {
            return;
        }
        let (ge, go) = (self.global[e.account as usize], self.global[other as usize]);
        let side_a = ge < go;
        let (a, b) = if side_a { (ge, go) } else { (go, ge) };
        if self.multi {
            self.post_hits.push((pair_key(a, b), side_a, e.post));
            // The pair must exist in the merge even if no co-action is owned here.
            self.entry(a, b);
        } else {
            let p = self.entry(a, b);
            if side_a {
                p.posts_a += 1;
            } else {
                p.posts_b += 1;
            }
        }
    }
}

/// Sweep one block of `object`: `events` are the object's events in the block with their
/// context, sorted by (time, post), accounts global; `owned` the block's own range;
/// `split` whether the object has other blocks. `matches` decides pairs when the stamp
/// window alone does not (see [`BlockParams::exact`]); it must be symmetric.
pub fn block_partials<M>(
    object: u32,
    events: &[Event],
    owned: Range<usize>,
    split: bool,
    params: &BlockParams,
    matches: &M,
) -> BlockOutput
where
    M: Fn(&Event, &Event) -> bool + Sync,
{
    let mut out = BlockOutput {
        events: owned.len() as u64,
        ..Default::default()
    };
    if owned.is_empty() {
        return out;
    }
    out.within = lockstep_kernel::pairs_within(
        events,
        owned.clone(),
        params.window_ms,
        params.exact,
        matches,
    );
    if params.bursts {
        out.segments = segments(object, events, owned.clone(), split, matches);
    }
    // The kernel sweeps dense local accounts (its scratch is one slot per account), so
    // the block's accounts are renumbered and mapped back in the sink.
    let mut global: Vec<u32> = events.iter().map(|e| e.account).collect();
    global.sort_unstable();
    global.dedup();
    let local: Vec<Event> = events
        .iter()
        .map(|e| Event {
            account: global.partition_point(|&g| g < e.account) as u32,
            object: 0,
            ..*e
        })
        .collect();
    let trace = Trace {
        behaviour: Behaviour::CoPost,
        semantics: Semantics::Native,
        events: local,
        space: ObjectSpace::Single(""),
        multi_object_posts: params.multi_object_posts,
    };
    let sweep = Sweep {
        window_ms: params.window_ms,
        accounts: global.len(),
    };
    let first = &events[owned.start];
    let last = &events[owned.end - 1];
    let local_matches = |x: &Event, y: &Event| {
        params.exact || {
            // `matches` sees global accounts, as the caller's rule expects.
            let gx = Event {
                account: global[x.account as usize],
                object,
                ..*x
            };
            let gy = Event {
                account: global[y.account as usize],
                object,
                ..*y
            };
            matches(&gx, &gy)
        }
    };
    let sinks = sweep.run_matching(&trace, &local_matches, || PairSink {
        lo: (first.time, first.post),
        hi: (last.time, last.post),
        global: &global,
        multi: params.multi_object_posts,
        pairs: Default::default(),
        post_hits: Vec::new(),
    });
    for s in sinks {
        out.tags.post_hits.extend(s.post_hits);
        for (key, mut p) in s.pairs {
            if p.co_actions > 0 {
                if split {
                    out.tags.objects.push((key, object));
                } else {
                    p.objects = 1;
                }
            }
            out.pairs.push(p);
        }
    }
    out.pairs.sort_unstable_by_key(|p| (p.a, p.b));
    out
}

/// Burst pieces of the owned range: complete bursts, and in a split object the runs that
/// touch the block's edges (they may continue in the neighbours).
fn segments<M: Fn(&Event, &Event) -> bool>(
    object: u32,
    ev: &[Event],
    owned: Range<usize>,
    split: bool,
    matches: &M,
) -> Vec<Segment> {
    use lockstep_campaigns::bursts::MIN_BURST_ACCOUNTS;
    let mut out = Vec::new();
    let mut i = owned.start;
    while i < owned.end {
        let mut j = i + 1;
        while j < owned.end && matches(&ev[j - 1], &ev[j]) {
            j += 1;
        }
        let joins_previous = i == owned.start && i > 0 && matches(&ev[i - 1], &ev[i]);
        let open_end = j == owned.end && j < ev.len() && matches(&ev[j - 1], &ev[j]);
        let mut accounts: Vec<u32> = ev[i..j].iter().map(|e| e.account).collect();
        accounts.sort_unstable();
        accounts.dedup();
        let whole = j - i >= MIN_BURST_ACCOUNTS && accounts.len() >= MIN_BURST_ACCOUNTS;
        if whole || (split && (joins_previous || open_end)) {
            out.push(Segment {
                object,
                first: (ev[i].time, ev[i].post),
                last: ev[j - 1].time,
                joins_previous,
                open_end,
                events: (j - i) as u64,
                accounts,
            });
        }
        i = j;
    }
    out
}
