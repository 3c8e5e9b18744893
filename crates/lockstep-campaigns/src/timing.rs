//! Windows on the data's own time grid.
//!
//! Weibo crawlers write minutes (`2020-04-02 08:52`), most exports seconds, Twitter ids and
//! Jetstream milliseconds; readers say which in each post's
//! [`TimePrecision`]. A stamp on a grid of step `s` stands for a true time somewhere in
//! `[t, t + s)` (stamps are truncated, never rounded). Two acts *may* lie within a window
//! `w` of each other when their intervals come that close: for stamps `t1 <= t2`,
//!
//! ```text
//! t2 - t1 < w + s1        (s1: the step of the earlier stamp)
//! ```
//!
//! That is the co-action rule everywhere (the kernel's sweep, the null model's `p_o`, the
//! bursts, the evidence). On one grid it is simply `|dt| <= ceil(w / s) * s` on the stamps:
//! a 60 s window on minute stamps is the same or the adjacent minute (acts up to 119 s
//! apart in true time, never 120 s or more), exactly as the inclusive `|dt| <= 60 s` of
//! second or millisecond data. The null model's `p_o` is counted with the same rule on the
//! same stamps, so ties, which are common on minute stamps, are as likely under the null as
//! in the data and make no pair significant by themselves.
//!
//! A window finer than the grid cannot be honoured: on minute stamps a 10 s window holds
//! the same pairs as a 60 s one (same or adjacent minute). It is widened to the step, and
//! the run says so in a warning and in summary.json. When one behaviour mixes grids (a
//! Twitter file and a Weibo file in one run, sharing links or texts), each pair of acts
//! gets the rule for its own two stamps: Twitter pairs keep their 60 s, Weibo pairs get
//! adjacent minutes, a Twitter act and a Weibo act the interval rule above.
//!
//! Approximate times (resolved from `3分钟前` or `昨天` against a crawl time) take no part
//! in any co-action: they are off by up to a day, and worse, every post crawled in one
//! pass and resolved against the same crawl time lands on the same instant, which would
//! manufacture exactly the synchrony detection looks for. They are dropped from the traces
//! before testing ([`drop_approximate`]) and counted in summary.json; their text still
//! feeds templates and narratives.

use lockstep_model::{PostTable, TimePrecision};
use lockstep_traces::{Event, Trace};
use serde::Serialize;

/// Grid step of a precision in milliseconds. Approximate times (which sit on no grid) are
/// given a day, the most they can be off; they are dropped before testing anyway.
pub fn step_ms(p: TimePrecision) -> i64 {
    p.step_ms().unwrap_or(86_400_000)
}

/// Whether acts stamped `t_a` (grid step `s_a`) and `t_b` (step `s_b`) may lie within
/// `window_ms` of each other in true time (see the module documentation).
#[inline]
pub fn may_co_act(t_a: i64, s_a: i64, t_b: i64, s_b: i64, window_ms: i64) -> bool {
    let (dt, s_first) = if t_a <= t_b {
        (t_b - t_a, s_a)
    } else {
        (t_a - t_b, s_b)
    };
    dt < window_ms + s_first
}

/// How precisely one behaviour's event times are known.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Resolution {
    /// Events with millisecond stamps.
    pub millisecond: usize,
    /// Events with second stamps.
    pub second: usize,
    /// Events with minute stamps.
    pub minute: usize,
    /// The finest grid present, milliseconds.
    pub finest_step_ms: i64,
    /// The coarsest grid present, milliseconds.
    pub coarsest_step_ms: i64,
}

impl Resolution {
    /// The grids of `trace`'s events (approximate ones should be dropped before).
    pub fn of(table: &PostTable, trace: &Trace) -> Self {
        let mut r = Resolution::default();
        for e in &trace.events {
            match table.time_precision(e.post) {
                TimePrecision::Millisecond => r.millisecond += 1,
                TimePrecision::Second => r.second += 1,
                TimePrecision::Minute => r.minute += 1,
                TimePrecision::Approximate => {}
            }
        }
        let steps: Vec<i64> = [(r.millisecond, 1), (r.second, 1_000), (r.minute, 60_000)]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|&(_, s)| s)
            .collect();
        r.finest_step_ms = steps.first().copied().unwrap_or(1);
        r.coarsest_step_ms = steps.last().copied().unwrap_or(1);
        r
    }

    /// True when the events sit on more than one grid.
    pub fn mixed(&self) -> bool {
        self.finest_step_ms != self.coarsest_step_ms
    }

    /// The grid's name (`millisecond`, `second`, `minute`) or `mixed`.
    pub fn name(&self) -> &'static str {
        if self.mixed() {
            "mixed"
        } else {
            match self.coarsest_step_ms {
                1 => "millisecond",
                1_000 => "second",
                _ => "minute",
            }
        }
    }

    /// The largest stamp difference that can still be a co-action under `window_ms`: on
    /// one grid of step `s`, `ceil(w / s) * s`; mixed, `w + s_max - 1` (the sweep then
    /// checks each pair with [`may_co_act`]).
    pub fn stamp_window_ms(&self, window_ms: i64) -> i64 {
        let s = self.coarsest_step_ms.max(1);
        if self.mixed() {
            window_ms + s - 1
        } else {
            (window_ms.max(1) + s - 1) / s * s
        }
    }

    /// How `window_ms` is applied: the figures summary.json records.
    pub fn window_use(&self, window_ms: i64) -> WindowUse {
        let stamps = self.stamp_window_ms(window_ms);
        WindowUse {
            requested_s: window_ms as f64 / 1000.0,
            on_stamps_s: stamps as f64 / 1000.0,
            max_true_gap_s: if self.mixed() {
                stamps as f64 / 1000.0
            } else {
                (stamps + self.coarsest_step_ms - 1) as f64 / 1000.0
            },
            widened: window_ms < self.coarsest_step_ms,
        }
    }
}

/// How one window was applied to one behaviour's stamps.
#[derive(Clone, Debug, Serialize)]
pub struct WindowUse {
    /// The window asked for, seconds.
    pub requested_s: f64,
    /// The largest difference of two stamps that counts as a co-action, seconds (on a
    /// mixed grid, the largest for any pair; each pair is checked on its own grids).
    pub on_stamps_s: f64,
    /// The largest true time between two acts that can count, seconds.
    pub max_true_gap_s: f64,
    /// True when the window was finer than the coarsest grid and so widened to it.
    pub widened: bool,
}

/// The pair rule of one behaviour at one window, ready for the sweeps.
#[derive(Clone, Copy)]
pub struct CoActRule<'t> {
    table: &'t PostTable,
    /// The requested window, milliseconds.
    pub window_ms: i64,
    /// The sweep's window on the stamps, milliseconds.
    pub stamp_ms: i64,
    mixed: bool,
}

impl<'t> CoActRule<'t> {
    /// The rule for `window_ms` on the grids of `res`.
    pub fn new(table: &'t PostTable, res: &Resolution, window_ms: i64) -> Self {
        Self {
            table,
            window_ms,
            stamp_ms: res.stamp_window_ms(window_ms),
            mixed: res.mixed(),
        }
    }

    /// True when the sweep's stamp window alone decides (one grid).
    pub fn exact_by_stamps(&self) -> bool {
        !self.mixed
    }

    /// Whether two events on one object co-act.
    #[inline]
    pub fn co_act(&self, a: &Event, b: &Event) -> bool {
        if !self.mixed {
            return lockstep_kernel::within_window(a.time, b.time, self.stamp_ms);
        }
        may_co_act(
            a.time,
            step_ms(self.table.time_precision(a.post)),
            b.time,
            step_ms(self.table.time_precision(b.post)),
            self.window_ms,
        )
    }
}

/// Drop `trace`'s events with approximate times (see the module documentation); returns
/// how many were dropped.
pub fn drop_approximate(table: &PostTable, trace: &mut Trace) -> usize {
    let before = trace.events.len();
    if table.precision_counts()[3] > 0 {
        trace
            .events
            .retain(|e| table.time_precision(e.post) != TimePrecision::Approximate);
    }
    before - trace.events.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_stamps_co_act_in_the_same_or_adjacent_minute() {
        let m = 60_000;
        // Same minute, adjacent minute: possibly within 60 s; two minutes apart: never.
        assert!(may_co_act(0, m, 0, m, 60_000));
        assert!(may_co_act(0, m, m, m, 60_000));
        assert!(!may_co_act(0, m, 2 * m, m, 60_000));
        // The one-grid shortcut says the same.
        let r = Resolution {
            minute: 3,
            finest_step_ms: m,
            coarsest_step_ms: m,
            ..Resolution::default()
        };
        assert_eq!(r.stamp_window_ms(60_000), 60_000);
        assert_eq!(r.stamp_window_ms(900_000), 900_000);
        // A 10 s window is finer than minutes: widened to the same or adjacent minute.
        assert_eq!(r.stamp_window_ms(10_000), 60_000);
        assert!(r.window_use(10_000).widened);
        assert!(!r.window_use(60_000).widened);
        // 90 s: stamps up to two minutes apart may be 61..179 s apart in true time.
        assert_eq!(r.stamp_window_ms(90_000), 120_000);
        assert!(may_co_act(0, m, 2 * m, m, 90_000));
        assert!((r.window_use(60_000).max_true_gap_s - 119.999).abs() < 1e-9);
        assert_eq!(r.name(), "minute");
    }

    #[test]
    fn finer_grids_keep_the_inclusive_window() {
        for s in [1i64, 1_000] {
            let r = Resolution {
                second: 1,
                finest_step_ms: s,
                coarsest_step_ms: s,
                ..Resolution::default()
            };
            assert_eq!(r.stamp_window_ms(60_000), 60_000);
            assert!(may_co_act(0, s, 60_000, s, 60_000));
            assert!(!may_co_act(0, s, 60_000 + s, s, 60_000));
        }
    }

    #[test]
    fn mixed_grids_check_each_pair_on_its_own_stamps() {
        let (ms, m) = (1, 60_000);
        // A Weibo minute stamp at 10:00 (true 10:00:00-10:00:59) and a tweet at 10:01:30:
        // possibly 31 s apart.
        assert!(may_co_act(0, m, 90_000, ms, 60_000));
        // A tweet at 10:00:30 and a Weibo stamp at 10:02 (true 10:02:00 or later): at
        // least 90 s apart.
        assert!(!may_co_act(30_000, ms, 120_000, m, 60_000));
        // Two tweets keep the exact 60 s.
        assert!(!may_co_act(0, ms, 60_001, ms, 60_000));
        let r = Resolution {
            millisecond: 5,
            minute: 5,
            finest_step_ms: ms,
            coarsest_step_ms: m,
            ..Resolution::default()
        };
        assert!(r.mixed());
        assert_eq!(r.name(), "mixed");
        assert_eq!(r.stamp_window_ms(60_000), 119_999);
    }
}
