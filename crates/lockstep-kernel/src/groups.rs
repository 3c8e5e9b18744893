//! The iterations every stage shares over a trace sorted by object and time: the object
//! groups, the runs of an object's events that are linked one to the next, the pairs of
//! an object's events within the window, the activity near a set of events, and the
//! per-pair windows of significant edges. The co-action window is applied here (and in the
//! sweep), nowhere else: the null model, bursts, exclusivity, rounds and evidence all go
//! through these.

use foldhash::HashMap;
use lockstep_traces::Event;

/// True if two event times are at most `window_ms` apart (inclusive): the one place the
/// window test is written.
#[inline]
pub fn within_window(a: i64, b: i64, window_ms: i64) -> bool {
    (b - a).abs() <= window_ms
}

/// The object groups of `events` (sorted by object, then time): each maximal run of
/// events on one object, in order.
pub fn object_groups(
    events: &[Event],
) -> std::slice::ChunkBy<'_, Event, fn(&Event, &Event) -> bool> {
    events.chunk_by(same_object as fn(&Event, &Event) -> bool)
}

fn same_object(a: &Event, b: &Event) -> bool {
    a.object == b.object
}

/// The runs of `events` (sorted by object, then time) within one object where every event
/// is `linked` to the one before it (for example, co-acts with it): bursts. A run never
/// crosses objects.
pub fn linked_runs<'a, F>(events: &'a [Event], linked: &'a F) -> impl Iterator<Item = &'a [Event]>
where
    F: Fn(&Event, &Event) -> bool,
{
    object_groups(events).flat_map(move |g| g.chunk_by(move |a, b| linked(a, b)))
}

/// Pairs `(k, l)` of one object's events `ev` (sorted by time), `k` in `owned`, `k < l`,
/// that co-act: stamps at most `window` apart and, unless `exact`, `co_act` says so (any
/// two events, whoever's: the null model's `p_o` counts pairs of visits). Counting only
/// the pairs whose earlier event is owned lets a distributed run split a hot object into
/// time blocks and add the blocks' counts.
pub fn pairs_within(
    ev: &[Event],
    owned: std::ops::Range<usize>,
    window: i64,
    exact: bool,
    co_act: impl Fn(&Event, &Event) -> bool,
) -> u64 {
    let mut within = 0u64;
    let mut hi = owned.start;
    for k in owned {
        if hi < k + 1 {
            hi = k + 1;
        }
        while hi < ev.len() && within_window(ev[k].time, ev[hi].time, window) {
            hi += 1;
        }
        within += if exact {
            (hi - k - 1) as u64
        } else {
            ev[k + 1..hi].iter().filter(|f| co_act(&ev[k], f)).count() as u64
        };
    }
    within
}

/// For one object's events `ev` (sorted by time): how many are `marked`, and how many
/// (marked or not) lie within `window_ms` of a marked one: the activity around a group's
/// own acts.
pub fn activity_near(ev: &[Event], window_ms: i64, marked: impl Fn(&Event) -> bool) -> (u64, u64) {
    let n = ev.len();
    // Distance to the nearest marked event before and after each event.
    let mut near = vec![false; n];
    let mut last: Option<i64> = None;
    for (k, e) in ev.iter().enumerate() {
        if marked(e) {
            last = Some(e.time);
        }
        if last.is_some_and(|t| within_window(t, e.time, window_ms)) {
            near[k] = true;
        }
    }
    let mut next: Option<i64> = None;
    for (k, e) in ev.iter().enumerate().rev() {
        if marked(e) {
            next = Some(e.time);
        }
        if next.is_some_and(|t| within_window(e.time, t, window_ms)) {
            near[k] = true;
        }
    }
    let own = ev.iter().filter(|e| marked(e)).count() as u64;
    let all = near.iter().filter(|&&x| x).count() as u64;
    (own, all)
}

/// Each account pair's own window (the window of its significant edge), for sweeping once
/// at the widest and keeping only the co-actions inside the pair's window.
#[derive(Clone, Debug, Default)]
pub struct PairWindows {
    windows: HashMap<u64, i64>,
    max: i64,
}

fn pair_key(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    ((lo as u64) << 32) | hi as u64
}

impl PairWindows {
    /// The windows of `(a, b, window_ms)` pairs (either order; a later pair replaces an
    /// earlier one).
    pub fn new(pairs: impl IntoIterator<Item = (u32, u32, i64)>) -> Self {
        let windows: HashMap<u64, i64> = pairs
            .into_iter()
            .map(|(a, b, w)| (pair_key(a, b), w))
            .collect();
        let max = windows.values().copied().max().unwrap_or(0);
        Self { windows, max }
    }

    /// The widest window: the one to sweep at.
    pub fn max_ms(&self) -> i64 {
        self.max
    }

    /// The accounts of `x` and `y`, lower first, if they are a pair here and the two
    /// events lie within its window.
    #[inline]
    pub fn admits(&self, x: &Event, y: &Event) -> Option<(u32, u32)> {
        let w = *self.windows.get(&pair_key(x.account, y.account))?;
        within_window(x.time, y.time, w)
            .then_some((x.account.min(y.account), x.account.max(y.account)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(object: u32, time: i64, account: u32) -> Event {
        Event {
            time,
            object,
            account,
            post: 0,
        }
    }

    #[test]
    fn groups_are_maximal_runs_of_one_object() {
        let ev = [e(1, 0, 0), e(1, 5, 1), e(2, 0, 0), e(3, 1, 2), e(3, 2, 2)];
        let lens: Vec<(u32, usize)> = object_groups(&ev).map(|g| (g[0].object, g.len())).collect();
        assert_eq!(lens, [(1, 2), (2, 1), (3, 2)]);
        assert_eq!(object_groups(&[]).count(), 0);
    }

    #[test]
    fn linked_runs_split_on_gaps_and_objects() {
        let ev = [
            e(1, 0, 0),
            e(1, 10, 1),
            e(1, 100, 2),
            e(2, 101, 3),
            e(2, 105, 4),
        ];
        let linked = |a: &Event, b: &Event| within_window(a.time, b.time, 10);
        let lens: Vec<usize> = linked_runs(&ev, &linked).map(<[Event]>::len).collect();
        assert_eq!(lens, [2, 1, 2]);
    }

    #[test]
    fn pairs_within_counts_inclusive_window_and_owned_split() {
        let ev = [e(1, 0, 0), e(1, 10, 1), e(1, 20, 2), e(1, 31, 3)];
        assert_eq!(pairs_within(&ev, 0..4, 10, true, |_, _| true), 2);
        assert_eq!(pairs_within(&ev, 0..4, 20, true, |_, _| true), 4);
        // Split into owned blocks, the counts add up.
        let whole = pairs_within(&ev, 0..4, 20, true, |_, _| true);
        let parts = pairs_within(&ev, 0..2, 20, true, |_, _| true)
            + pairs_within(&ev, 2..4, 20, true, |_, _| true);
        assert_eq!(whole, parts);
        // Not exact: the predicate decides inside the window.
        assert_eq!(
            pairs_within(&ev, 0..4, 20, false, |a, b| a.account + b.account != 1),
            3
        );
    }

    #[test]
    fn activity_near_marked_events() {
        let ev = [e(1, 0, 9), e(1, 50, 1), e(1, 60, 2), e(1, 200, 3)];
        // Account 1 is marked: it and the events within 10 ms (60) and 50 ms (0) count.
        assert_eq!(activity_near(&ev, 10, |x| x.account == 1), (1, 2));
        assert_eq!(activity_near(&ev, 50, |x| x.account == 1), (1, 3));
        assert_eq!(activity_near(&ev, 10, |_| false), (0, 0));
    }

    #[test]
    fn pair_windows_admit_only_inside_the_pairs_window() {
        let pw = PairWindows::new([(2, 1, 10), (3, 4, 100)]);
        assert_eq!(pw.max_ms(), 100);
        assert_eq!(pw.admits(&e(0, 0, 1), &e(0, 10, 2)), Some((1, 2)));
        assert_eq!(pw.admits(&e(0, 0, 2), &e(0, 11, 1)), None);
        assert_eq!(pw.admits(&e(0, 0, 4), &e(0, 100, 3)), Some((3, 4)));
        assert_eq!(pw.admits(&e(0, 0, 1), &e(0, 0, 3)), None);
    }
}
