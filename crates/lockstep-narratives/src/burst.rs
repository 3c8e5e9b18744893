//! Time bins and burst detection.
//!
//! Every series (a narrative, a campaign, a watch term, a reference) is counted on one
//! grid of time bins (an hour by default) shared by the whole run, next to the count of
//! *all* posts in each bin. A burst is judged against the series' usual **share** of all
//! posts, so the daily rhythm of the data (five times more posts at noon than at 4 am)
//! and its overall growth do not look like bursts.
//!
//! The detector is a one-sided CUSUM on standardised counts against a trailing baseline:
//!
//! 1. Baseline share: posts of the series over all posts in the last `baseline_bins` bins
//!    that were not part of a burst (when fewer than `min_baseline_bins` such bins exist,
//!    the series' median share over all bins). Expected count `e = share × all posts`.
//! 2. `z = (x - e) / sqrt(e + 1 + (overdispersion × e)²)`: Poisson noise, plus a relative
//!    term because real counts vary more than Poisson at high volume.
//! 3. `S = clamp(S + z - k, 0, cap)`. A burst is declared when `S >= h` and the excess
//!    `sum(x - e)` since `S` last left zero is at least `min_excess` posts. Its **onset**
//!    is the change point: the first bin of the run of positive `S'` that ends in the
//!    alarm, where `S'` is the same CUSUM with the larger allowance `onset_k` (so that a
//!    noisy bin just above the baseline before the real rise is not the onset), trimmed
//!    forward to the first bin with `z >= elevated_z`. This is the CUSUM estimate of when
//!    the rate changed, not the later bin in which the alarm rang. While a burst lasts
//!    the baseline is frozen, so a long escalation does not become its own baseline.
//! 4. The burst ends when `S` falls back to zero; its **end** is its last bin with
//!    `z >= elevated_z`. The cap on `S` bounds how long a huge spike keeps a burst open
//!    (at most `cap / k` quiet bins), while gaps between the rounds of a slowly starting
//!    campaign do not split its escalation.
//!
//! With `k = 0.5`, `h = 5` (standard choices for detecting a shift of about one standard
//! deviation) a series that is silent before a campaign starts is in a burst from the
//! first round of ten or more posts.

use serde::Serialize;

/// A grid of equal time bins covering the run.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct BinGrid {
    /// Start of bin 0, ms since the epoch (a multiple of `bin_ms`).
    pub start_ms: i64,
    /// Width of a bin, ms.
    pub bin_ms: i64,
    /// Number of bins.
    pub bins: usize,
}

impl BinGrid {
    /// Bins of `bin_ms` (widened to a whole number of hours if more than `max_bins` would
    /// be needed) covering `[min_ms, max_ms]`.
    pub fn new(min_ms: i64, max_ms: i64, bin_ms: i64, max_bins: usize) -> Self {
        let mut bin_ms = bin_ms.max(1000);
        let (lo, hi) = if min_ms <= max_ms {
            (min_ms, max_ms)
        } else {
            (0, 0)
        };
        let span = (hi as i128 - lo as i128).max(0) as u128;
        let max_bins = max_bins.max(1) as u128;
        if span / bin_ms as u128 + 1 > max_bins {
            let hour = 3_600_000u128;
            let need = span.div_ceil(max_bins.saturating_sub(1).max(1));
            bin_ms = (need.div_ceil(hour) * hour).min(i64::MAX as u128 / 4) as i64;
        }
        let start_ms = lo.div_euclid(bin_ms) * bin_ms;
        let bins = ((hi - start_ms) / bin_ms + 1) as usize;
        Self {
            start_ms,
            bin_ms,
            bins,
        }
    }

    /// The bin of time `t` (clamped to the grid).
    #[inline]
    pub fn bin(&self, t: i64) -> usize {
        if t <= self.start_ms {
            return 0;
        }
        (((t - self.start_ms) / self.bin_ms) as usize).min(self.bins - 1)
    }

    /// Start of bin `b`, ms.
    #[inline]
    pub fn bin_start(&self, b: usize) -> i64 {
        self.start_ms + b as i64 * self.bin_ms
    }
}

/// Parameters of [`detect_bursts`] (see the module documentation).
#[derive(Clone, Debug, Serialize)]
pub struct BurstParams {
    /// Trailing bins that make the baseline share (default 24).
    pub baseline_bins: usize,
    /// Fewer non-burst trailing bins than this: use the median share (default 6).
    pub min_baseline_bins: usize,
    /// CUSUM allowance per bin, in standard deviations (default 0.5).
    pub k: f64,
    /// Allowance of the second CUSUM that places the onset (default 1.0).
    pub onset_k: f64,
    /// CUSUM decision threshold (default 5).
    pub h: f64,
    /// Largest CUSUM value (default 20).
    pub cap: f64,
    /// Fewest excess posts that make a burst (default 10).
    pub min_excess: f64,
    /// A bin is elevated at this z (default 1.5); onsets and ends are elevated bins.
    pub elevated_z: f64,
    /// Relative extra noise at high volume (default 0.1).
    pub overdispersion: f64,
}

impl Default for BurstParams {
    fn default() -> Self {
        Self {
            baseline_bins: 24,
            min_baseline_bins: 6,
            k: 0.5,
            onset_k: 1.0,
            h: 5.0,
            cap: 20.0,
            min_excess: 10.0,
            elevated_z: 1.5,
            overdispersion: 0.1,
        }
    }
}

/// A burst in bin indices.
#[derive(Clone, Debug, PartialEq)]
pub struct BurstBins {
    /// First bin.
    pub onset: usize,
    /// Bin with the most posts.
    pub peak: usize,
    /// Last bin.
    pub end: usize,
    /// Posts in the burst.
    pub posts: u64,
    /// Posts expected from the baseline share in the same bins.
    pub expected: f64,
    /// Baseline share of all posts.
    pub baseline_share: f64,
    /// Largest z in the burst.
    pub peak_z: f64,
}

struct Trailing {
    bins: std::collections::VecDeque<(u32, u32)>,
    sum_x: u64,
    sum_d: u64,
    cap: usize,
}

impl Trailing {
    fn push(&mut self, x: u32, d: u32) {
        self.bins.push_back((x, d));
        self.sum_x += x as u64;
        self.sum_d += d as u64;
        if self.bins.len() > self.cap {
            if let Some((ox, od)) = self.bins.pop_front() {
                self.sum_x -= ox as u64;
                self.sum_d -= od as u64;
            }
        }
    }
}

/// Median of `x / d` over bins with `d > 0`.
fn median_share(x: &[u32], d: &[u32]) -> f64 {
    let mut s: Vec<f64> = x
        .iter()
        .zip(d)
        .filter(|(_, &d)| d > 0)
        .map(|(&x, &d)| x as f64 / d as f64)
        .collect();
    if s.is_empty() {
        return 0.0;
    }
    let mid = s.len() / 2;
    let (_, m, _) = s.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

/// Bursts of the series `x` (posts per bin) given `d` (all posts per bin), in time order.
pub fn detect_bursts(x: &[u32], d: &[u32], p: &BurstParams) -> Vec<BurstBins> {
    let n = x.len().min(d.len());
    let fallback = median_share(&x[..n], &d[..n]);
    let mut trailing = Trailing {
        bins: Default::default(),
        sum_x: 0,
        sum_d: 0,
        cap: p.baseline_bins.max(1),
    };
    let share_now = |tr: &Trailing| {
        if tr.bins.len() >= p.min_baseline_bins && tr.sum_d > 0 {
            tr.sum_x as f64 / tr.sum_d as f64
        } else {
            fallback
        }
    };
    let mut z = vec![0.0f64; n];
    let mut e = vec![0.0f64; n];
    let mut s = 0.0f64;
    let mut out = Vec::new();
    // Bins since S last left zero (not yet in a burst), and their excess.
    let mut pending_start: Option<usize> = None;
    let mut excess = 0.0f64;
    // Open burst: (onset, frozen share).
    let mut open: Option<(usize, f64)> = None;
    let close = |onset: usize, upto: usize, share: f64, z: &[f64], e: &[f64]| -> BurstBins {
        let elevated = |b: &usize| z[*b] >= p.elevated_z;
        let end = (onset..=upto).rev().find(elevated).unwrap_or(onset);
        let onset = (onset..=end).find(elevated).unwrap_or(onset);
        let mut peak = onset;
        for b in onset..=end {
            if x[b] > x[peak] {
                peak = b;
            }
        }
        BurstBins {
            onset,
            peak,
            end,
            posts: x[onset..=end].iter().map(|&v| v as u64).sum(),
            expected: e[onset..=end].iter().sum(),
            baseline_share: share,
            peak_z: z[onset..=end].iter().copied().fold(f64::MIN, f64::max),
        }
    };
    for t in 0..n {
        let share = match open {
            Some((_, sh)) => sh,
            None => share_now(&trailing),
        };
        let et = share * d[t] as f64;
        let sigma = (et + 1.0 + (p.overdispersion * et).powi(2)).sqrt();
        z[t] = (x[t] as f64 - et) / sigma;
        e[t] = et;
        s = (s + z[t] - p.k).clamp(0.0, p.cap);
        if let Some((onset, sh)) = open {
            if s <= 0.0 {
                let b = close(onset, t, sh, &z, &e);
                for u in b.end + 1..=t {
                    trailing.push(x[u], d[u]);
                }
                out.push(b);
                open = None;
            }
            continue;
        }
        if s > 0.0 {
            let start = *pending_start.get_or_insert(t);
            excess += x[t] as f64 - et;
            if s >= p.h && excess >= p.min_excess {
                // The change point: the start of the last run of positive S' (a CUSUM
                // with the larger allowance `onset_k`) before the alarm, so that noise
                // just above the baseline before the real rise is not taken as onset.
                let mut s2 = 0.0f64;
                let mut onset = start;
                for (u, &zu) in z.iter().enumerate().take(t + 1).skip(start) {
                    s2 = (s2 + zu - p.onset_k).max(0.0);
                    if s2 <= 0.0 {
                        onset = u + 1;
                    }
                }
                let onset = onset.min(t);
                for u in start..onset {
                    trailing.push(x[u], d[u]);
                }
                open = Some((onset, share));
                pending_start = None;
                excess = 0.0;
            }
        } else {
            if let Some(start) = pending_start.take() {
                for u in start..t {
                    trailing.push(x[u], d[u]);
                }
            }
            excess = 0.0;
            trailing.push(x[t], d[t]);
        }
    }
    if let Some((onset, sh)) = open {
        if n > 0 {
            out.push(close(onset, n - 1, sh, &z, &e));
        }
    }
    out
}

/// Growth from onset to peak: (factor per hour, doubling time in hours), when it grew.
pub fn growth(onset_posts: u32, peak_posts: u32, hours: f64) -> (Option<f64>, Option<f64>) {
    if hours <= 0.0 || peak_posts <= onset_posts.max(1) {
        return (None, None);
    }
    let g = (peak_posts as f64 / onset_posts.max(1) as f64).powf(1.0 / hours);
    (Some(g), Some(std::f64::consts::LN_2 / g.ln()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid() {
        let g = BinGrid::new(3_600_000 * 10 + 5, 3_600_000 * 12, 3_600_000, 1000);
        assert_eq!(g.start_ms, 36_000_000);
        assert_eq!(g.bins, 3);
        assert_eq!(g.bin(36_000_000 + 3_599_999), 0);
        assert_eq!(g.bin(3_600_000 * 12), 2);
        assert_eq!(g.bin(0), 0);
        assert_eq!(g.bin(i64::MAX), 2);
        // Too many bins: widened to whole hours.
        let g = BinGrid::new(0, 3_600_000 * 1000, 3_600_000, 100);
        assert_eq!(g.bin_ms % 3_600_000, 0);
        assert!(g.bins <= 100 && g.bins >= 80, "{g:?}");
    }

    /// A diurnal background with a campaign that starts slowly at `onset` and grows.
    fn synthetic(onset: usize) -> (Vec<u32>, Vec<u32>) {
        let n = 120;
        let mut x = vec![0u32; n];
        let mut d = vec![0u32; n];
        for t in 0..n {
            let hour = (t % 24) as f64;
            let day = 1000.0 + 800.0 * ((hour - 14.0) / 24.0 * std::f64::consts::TAU).cos();
            d[t] = day as u32;
            // The term's organic share: 1 % of all posts, with deterministic noise.
            x[t] = (day * 0.01) as u32 + (t * 7 % 5) as u32;
        }
        // Escalation: a first round of 25 posts, a quiet gap, then exponential growth.
        x[onset] += 25;
        for t in onset + 3..onset + 40 {
            let extra = (8.0 * ((t - onset) as f64 / 8.0).exp()).min(400.0) as u32;
            x[t] += extra;
            d[t] += extra;
        }
        (x, d)
    }

    #[test]
    fn finds_a_slowly_starting_escalation_at_its_onset() {
        for onset in [30, 47, 61] {
            let (x, d) = synthetic(onset);
            let b = detect_bursts(&x, &d, &BurstParams::default());
            assert_eq!(b.len(), 1, "onset {onset}: {b:?}");
            assert_eq!(b[0].onset, onset, "{b:?}");
            assert!(b[0].peak > onset + 25, "{b:?}");
            assert!(b[0].end >= b[0].peak);
            assert!(b[0].posts as f64 > b[0].expected * 3.0);
        }
    }

    #[test]
    fn diurnal_rhythm_alone_is_not_a_burst() {
        let d: Vec<u32> = (0..120)
            .map(|t| {
                let hour = (t % 24) as f64;
                (1000.0 + 800.0 * ((hour - 14.0) / 24.0 * std::f64::consts::TAU).cos()) as u32
            })
            .collect();
        let x: Vec<u32> = (0..d.len())
            .map(|t| (d[t] as f64 * 0.01) as u32 + (t * 7 % 5) as u32)
            .collect();
        assert!(detect_bursts(&x, &d, &BurstParams::default()).is_empty());
    }

    #[test]
    fn a_spike_is_a_short_burst_and_a_series_from_nothing_starts_at_once() {
        let d = vec![1000u32; 48];
        let mut x = vec![0u32; 48];
        x[20] = 40;
        x[21] = 10;
        let b = detect_bursts(&x, &d, &BurstParams::default());
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].onset, b[0].peak, b[0].end), (20, 20, 21));
        assert_eq!(b[0].posts, 50);
        // Too small to matter.
        let mut x = vec![0u32; 48];
        x[20] = 4;
        assert!(detect_bursts(&x, &d, &BurstParams::default()).is_empty());
    }

    #[test]
    fn growth_figures() {
        let (g, dt) = growth(10, 80, 3.0);
        assert!((g.unwrap() - 2.0).abs() < 1e-9);
        assert!((dt.unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(growth(10, 10, 3.0), (None, None));
        assert_eq!(growth(10, 80, 0.0), (None, None));
    }
}
