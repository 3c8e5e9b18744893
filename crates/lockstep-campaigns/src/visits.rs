//! Visits: an account's repeated acts on one object are one draw, not many.
//!
//! The null model treats a pair's co-actions as independent chances: each act of `a` and
//! each act of `b` lands on an object by its popularity and at its usual times. On real
//! Weibo cascades that breaks where one account acts many times on one object within
//! minutes: two commenters answering each other twenty times under one post, or a fan
//! reposting the same post again and again. Their four hundred co-actions are one decision
//! each (to join that thread), not four hundred coincidences, and a Poisson test on them
//! finds a "campaign" in every busy thread.
//!
//! So the unit of the test is the *visit*: an account's acts on one object with no gap
//! longer than the visit gap (`--visit-gap`; one hour suggested) form one visit, which stands for all of
//! them at the time of its first act. The observed count is co-acting visits, the degrees
//! `d_a` count visits, and `n_o`, `E` and `p_o` are taken over visits, so the observation and
//! the null are the same kind of thing. A thread's regulars get one co-action per thread,
//! which never makes a pair significant by itself; a ring that reuses one hashtag set in
//! twelve rounds hours apart still has twelve visits, and twelve co-actions. Nothing is
//! conditioned on the objects a pair shares: every visit of every account still counts in
//! the degrees and the popularity of objects.
//!
//! Why a gap of an hour: on CHECKED's 1.2 M comments, 92 % of the gaps between two comments
//! of one account under one post are at most 15 minutes and 95 % at most an hour (reposts:
//! 97 % and 99 %), while the rounds of planted and real campaigns that reuse an object come
//! hours apart. A gap tied to the test's window would cut a conversation at a one-minute
//! window into as many visits as replies. BENCHMARKS.md ("Real Weibo data: CHECKED") gives
//! what visits change there; they are on by default (`analyze --visit-gap 0` turns them
//! off) since they left every generated benchmark unchanged (BENCHMARKS.md).

use lockstep_traces::{Event, ObjectSpace, Trace};

/// Default visit gap: one hour.
pub const DEFAULT_VISIT_GAP_MS: i64 = 3_600_000;

/// One event per visit of `trace` (sorted as `trace`): an account's first act on an object
/// and every act that comes more than `gap_ms` after its previous act there. The object
/// space is not copied: name objects through the original trace.
pub fn visits(trace: &Trace, gap_ms: i64, accounts: usize) -> Trace {
    let mut last_object = vec![u32::MAX; accounts];
    let mut last_time = vec![i64::MIN; accounts];
    let mut events: Vec<Event> = Vec::with_capacity(trace.events.len());
    for e in &trace.events {
        let a = e.account as usize;
        let new_visit = last_object[a] != e.object || e.time.saturating_sub(last_time[a]) > gap_ms;
        // Objects are contiguous in the trace, so a changed object always starts a visit.
        last_object[a] = e.object;
        last_time[a] = e.time;
        if new_visit {
            events.push(*e);
        }
    }
    events.shrink_to_fit();
    Trace {
        behaviour: trace.behaviour,
        semantics: trace.semantics,
        events,
        space: ObjectSpace::Single(""),
        multi_object_posts: trace.multi_object_posts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_traces::{Behaviour, Semantics};

    fn trace(mut events: Vec<Event>) -> Trace {
        events.sort_by_key(|e| (e.object, e.time, e.post));
        Trace {
            behaviour: Behaviour::CoReply,
            semantics: Semantics::Native,
            events,
            space: ObjectSpace::PostRefs,
            multi_object_posts: false,
        }
    }

    fn e(object: u32, account: u32, minute: i64) -> Event {
        Event {
            time: minute * 60_000,
            object,
            account,
            post: (object * 1000 + account * 100 + minute as u32),
        }
    }

    #[test]
    fn a_thread_is_one_visit_and_rounds_hours_apart_are_many() {
        let mut ev = Vec::new();
        // Accounts 0 and 1 answer each other every two minutes for an hour under post 7.
        for k in 0..15 {
            ev.push(e(7, 0, 4 * k));
            ev.push(e(7, 1, 4 * k + 2));
        }
        // Account 2 tags one set (object 9) in twelve rounds three hours apart.
        for r in 0..12 {
            ev.push(e(9, 2, 180 * r));
        }
        // Account 0 again on post 7 two hours after its last reply: a new visit.
        ev.push(e(7, 0, 56 + 120));
        let v = visits(&trace(ev), DEFAULT_VISIT_GAP_MS, 3);
        let count = |o: u32, a: u32| {
            v.events
                .iter()
                .filter(|x| x.object == o && x.account == a)
                .count()
        };
        assert_eq!(count(7, 0), 2);
        assert_eq!(count(7, 1), 1);
        assert_eq!(count(9, 2), 12);
        // Visits start at their first act and stay sorted.
        assert!(v
            .events
            .windows(2)
            .all(|w| (w[0].object, w[0].time) <= (w[1].object, w[1].time)));
        assert!(v
            .events
            .iter()
            .any(|x| x.account == 1 && x.time == 2 * 60_000));
    }
}
