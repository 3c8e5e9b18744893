//! lockstep's native network: undirected account pairs with the statistics an analyst
//! judges coordination by.

use crate::NetworkParams;
use lockstep_kernel::Neighbourhoods;
use lockstep_model::PostTable;
use lockstep_traces::{Event, Trace};

/// One undirected edge between accounts `a < b`.
///
/// Also a partial count (of one block of a distributed run, `lockstep-dist`): every field is
/// a sum or a minimum, so partials [`add`](PairStats::add) up in any order. In a partial,
/// `objects` counts only the objects wholly inside the block, and `posts_a`/`posts_b` only
/// when the block can count them alone; the merge adds the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairStats {
    /// Lower account index.
    pub a: u32,
    /// Higher account index.
    pub b: u32,
    /// Co-actions: pairs of their events on one object within the window.
    pub co_actions: u64,
    /// Distinct posts of `a` with a `b` event in the window.
    pub posts_a: u64,
    /// Distinct posts of `b` with an `a` event in the window.
    pub posts_b: u64,
    /// Distinct objects they co-acted on.
    pub objects: u64,
    /// Smallest `|dt|`, milliseconds.
    pub min_dt_ms: i64,
    /// Sum of `|dt|` over co-actions, milliseconds (mean = sum / co_actions).
    pub sum_dt_ms: i64,
    /// Co-actions where `a` acted strictly first.
    pub a_first: u64,
    /// Co-actions where `b` acted strictly first.
    pub b_first: u64,
}

impl PairStats {
    /// No co-action yet between `a < b` (`min_dt_ms` is `i64::MAX` until one is added).
    pub fn empty(a: u32, b: u32) -> Self {
        PairStats {
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

    /// Add another partial count of the same pair.
    pub fn add(&mut self, o: &PairStats) {
        self.co_actions += o.co_actions;
        self.posts_a += o.posts_a;
        self.posts_b += o.posts_b;
        self.objects += o.objects;
        self.min_dt_ms = self.min_dt_ms.min(o.min_dt_ms);
        self.sum_dt_ms += o.sum_dt_ms;
        self.a_first += o.a_first;
        self.b_first += o.b_first;
    }

    /// Mean `|dt|` in seconds.
    pub fn mean_dt_s(&self) -> f64 {
        if self.co_actions == 0 {
            0.0
        } else {
            self.sum_dt_ms as f64 / self.co_actions as f64 / 1000.0
        }
    }
}

/// Per-thread scratch, indexed by the other account `b` of the pair `(a, b)`, `a < b`.
struct Scratch {
    co: Vec<u32>,
    posts_a: Vec<u32>,
    posts_b: Vec<u32>,
    objects: Vec<u32>,
    last_object: Vec<u32>,
    a_first: Vec<u32>,
    b_first: Vec<u32>,
    min_dt: Vec<i64>,
    sum_dt: Vec<i64>,
    /// Stamp per `b`: the current event of `a` already counted a hit on `b`.
    hit_stamp: Vec<u32>,
    /// Stamp per post: this post of some `b` was already counted for the current `a`.
    post_stamp: Vec<u32>,
    /// (b, post of a) hits, when a post can have several events.
    post_hits: Vec<(u32, u32)>,
    touched: Vec<u32>,
    next_stamp: u32,
}

impl Scratch {
    fn new(accounts: usize, posts: usize) -> Self {
        Scratch {
            co: vec![0; accounts],
            posts_a: vec![0; accounts],
            posts_b: vec![0; accounts],
            objects: vec![0; accounts],
            last_object: vec![u32::MAX; accounts],
            a_first: vec![0; accounts],
            b_first: vec![0; accounts],
            min_dt: vec![i64::MAX; accounts],
            sum_dt: vec![0; accounts],
            hit_stamp: vec![0; accounts],
            post_stamp: vec![u32::MAX; posts],
            post_hits: Vec::new(),
            touched: Vec::new(),
            next_stamp: 0,
        }
    }

    fn take(&mut self, a: u32, b: u32) -> PairStats {
        let i = b as usize;
        let s = PairStats {
            a,
            b,
            co_actions: std::mem::take(&mut self.co[i]) as u64,
            posts_a: std::mem::take(&mut self.posts_a[i]) as u64,
            posts_b: std::mem::take(&mut self.posts_b[i]) as u64,
            objects: std::mem::take(&mut self.objects[i]) as u64,
            min_dt_ms: std::mem::replace(&mut self.min_dt[i], i64::MAX),
            sum_dt_ms: std::mem::take(&mut self.sum_dt[i]),
            a_first: std::mem::take(&mut self.a_first[i]) as u64,
            b_first: std::mem::take(&mut self.b_first[i]) as u64,
        };
        self.last_object[i] = u32::MAX;
        s
    }
}

/// Native edges of `trace`: `emit` receives the pairs with `co_actions >= min_weight`
/// in (a, b) order, a chunk of accounts at a time, so the result streams and never sits
/// in a global pair map.
pub fn network(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    emit: impl FnMut(&[PairStats]),
) {
    network_matching(table, trace, params, &|_: &Event, _: &Event| true, emit);
}

/// Like [`network`], but two events within the window co-act only if `matches` says so
/// (for example, when each pair is judged on its own stamps' time grids). `matches` must be
/// symmetric; the window must hold every pair it can accept.
pub fn network_matching<M>(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    matches: &M,
    mut emit: impl FnMut(&[PairStats]),
) where
    M: Fn(&Event, &Event) -> bool + Sync,
{
    let accounts = table.account_count();
    let nb = Neighbourhoods::new(trace, params.window_ms, accounts);
    let ev = nb.events();
    let multi = trace.multi_object_posts;
    let min_weight = params.min_weight.max(1);
    nb.for_each_account(
        || Scratch::new(accounts, table.len()),
        |s, a, out: &mut Vec<PairStats>| {
            // a's events are in object order, so distinct objects per b can be counted
            // with a "last object" mark.
            for &i in nb.events_of(a) {
                let e = &ev[i as usize];
                s.next_stamp = s.next_stamp.wrapping_add(1);
                if s.next_stamp == 0 {
                    s.hit_stamp.iter_mut().for_each(|x| *x = 0);
                    s.next_stamp = 1;
                }
                for f in &ev[nb.window(i)] {
                    if f.account <= a || !matches(e, f) {
                        continue;
                    }
                    let b = f.account as usize;
                    if s.co[b] == 0 {
                        s.touched.push(f.account);
                    }
                    s.co[b] += 1;
                    let dt = (f.time - e.time).abs();
                    s.sum_dt[b] += dt;
                    s.min_dt[b] = s.min_dt[b].min(dt);
                    if e.time < f.time {
                        s.a_first[b] += 1;
                    } else if f.time < e.time {
                        s.b_first[b] += 1;
                    }
                    if s.last_object[b] != e.object {
                        s.last_object[b] = e.object;
                        s.objects[b] += 1;
                    }
                    if s.hit_stamp[b] != s.next_stamp {
                        s.hit_stamp[b] = s.next_stamp;
                        if multi {
                            s.post_hits.push((f.account, e.post));
                        } else {
                            s.posts_a[b] += 1;
                        }
                    }
                    if s.post_stamp[f.post as usize] != a {
                        s.post_stamp[f.post as usize] = a;
                        s.posts_b[b] += 1;
                    }
                }
            }
            if multi {
                s.post_hits.sort_unstable();
                s.post_hits.dedup();
                for k in 0..s.post_hits.len() {
                    let b = s.post_hits[k].0 as usize;
                    s.posts_a[b] += 1;
                }
                s.post_hits.clear();
            }
            s.touched.sort_unstable();
            for k in 0..s.touched.len() {
                let b = s.touched[k];
                let stats = s.take(a, b);
                if stats.co_actions >= min_weight {
                    out.push(stats);
                }
            }
            s.touched.clear();
        },
        |edges| emit(&edges),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::PostRecord;
    use lockstep_traces::{Behaviour, Event, ObjectSpace, Semantics};
    use std::collections::{BTreeMap, BTreeSet};

    /// A pseudo-random table and a trace in which posts may act on several objects.
    fn fixture() -> (PostTable, Trace) {
        let mut x: u64 = 7;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut table = PostTable::new();
        let mut events = Vec::new();
        for p in 0..1500u32 {
            let r = next();
            let author = (r % 30).to_string();
            let time = ((r >> 8) % 3000) as i64;
            table.push(&PostRecord {
                id: p.to_string(),
                author_id: author,
                time_ms: time,
                ..Default::default()
            });
            let objects = 1 + (r >> 30) % 3;
            for k in 0..objects {
                events.push(Event {
                    time,
                    object: (((r >> 40) + k * 3) % 5) as u32,
                    account: table.author(p),
                    post: p,
                });
            }
        }
        events.sort_by_key(|e| (e.object, e.time, e.post));
        events.dedup();
        let trace = Trace {
            behaviour: Behaviour::CoLink,
            semantics: Semantics::Native,
            events,
            space: ObjectSpace::Single("*"),
            multi_object_posts: true,
        };
        (table, trace)
    }

    #[test]
    fn account_major_stats_equal_brute_force() {
        let (table, trace) = fixture();
        let w = 40;
        let ev = &trace.events;
        #[derive(Default, Debug, PartialEq)]
        struct B {
            co: u64,
            pa: BTreeSet<u32>,
            pb: BTreeSet<u32>,
            objects: BTreeSet<u32>,
            min: i64,
            sum: i64,
            af: u64,
            bf: u64,
        }
        let mut want: BTreeMap<(u32, u32), B> = BTreeMap::new();
        for i in 0..ev.len() {
            for j in i + 1..ev.len() {
                let (x, y) = (&ev[i], &ev[j]);
                if x.object != y.object || x.account == y.account || (x.time - y.time).abs() > w {
                    continue;
                }
                let (lo, hi) = if x.account < y.account {
                    (x, y)
                } else {
                    (y, x)
                };
                let b = want.entry((lo.account, hi.account)).or_insert_with(|| B {
                    min: i64::MAX,
                    ..Default::default()
                });
                let dt = (x.time - y.time).abs();
                b.co += 1;
                b.pa.insert(lo.post);
                b.pb.insert(hi.post);
                b.objects.insert(x.object);
                b.min = b.min.min(dt);
                b.sum += dt;
                if lo.time < hi.time {
                    b.af += 1;
                } else if hi.time < lo.time {
                    b.bf += 1;
                }
            }
        }
        let params = NetworkParams {
            window_ms: w,
            ..NetworkParams::default()
        };
        let mut got = Vec::new();
        network(&table, &trace, &params, |edges| {
            got.extend_from_slice(edges)
        });
        assert_eq!(got.len(), want.len());
        for (e, ((a, b), x)) in got.iter().zip(&want) {
            assert_eq!((e.a, e.b), (*a, *b));
            assert_eq!(e.co_actions, x.co, "co {a}-{b}");
            assert_eq!(e.posts_a, x.pa.len() as u64, "posts_a {a}-{b}");
            assert_eq!(e.posts_b, x.pb.len() as u64, "posts_b {a}-{b}");
            assert_eq!(e.objects, x.objects.len() as u64, "objects {a}-{b}");
            assert_eq!((e.min_dt_ms, e.sum_dt_ms), (x.min, x.sum));
            assert_eq!((e.a_first, e.b_first), (x.af, x.bf));
        }
    }
}
