//! Small numerical helpers: Poisson upper tails in log space and Benjamini–Hochberg.

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln P(X >= k) for X ~ Poisson(lambda). Exact to floating point for every k and lambda,
/// and never underflows: tiny p-values stay comparable in log space.
pub fn poisson_ln_sf(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 0.0;
    }
    if lambda <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let kf = k as f64;
    if lambda < kf {
        // Sum the upper tail from k: terms shrink by lambda / (i + 1) < 1.
        let ln_first = -lambda + kf * lambda.ln() - ln_gamma(kf + 1.0);
        let mut sum = 1.0;
        let mut term = 1.0;
        let mut i = kf;
        loop {
            i += 1.0;
            term *= lambda / i;
            sum += term;
            if term < sum * 1e-17 || i > kf + 100_000.0 {
                break;
            }
        }
        ln_first + sum.ln()
    } else {
        // The lower part is the bulk: 1 - P(X < k).
        let mut term = (-lambda).exp();
        let mut cdf = term;
        for i in 1..k {
            term *= lambda / i as f64;
            cdf += term;
        }
        (1.0 - cdf.min(1.0)).max(f64::MIN_POSITIVE).ln()
    }
}

/// Benjamini–Hochberg adjusted values, in log space, for `ln_p` over `m` hypotheses of
/// which only these were observed (the rest have p = 1 and do not change the ranks
/// below them). Returns ln q in the input order.
pub fn bh_ln_q(ln_p: &[f64], m: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ln_p.len()).collect();
    order.sort_by(|&a, &b| ln_p[a].total_cmp(&ln_p[b]));
    let ln_m = m.max(ln_p.len() as f64).ln();
    let mut q = vec![0.0; ln_p.len()];
    let mut running = 0.0f64; // ln 1
    for (rank0, &i) in order.iter().enumerate().rev() {
        let v = ln_p[i] + ln_m - ((rank0 + 1) as f64).ln();
        running = running.min(v);
        q[i] = running;
    }
    q
}

/// A sum of non-negative reals, each at most 1, in integer fixed point (2^-120 steps): the
/// same bits whatever order the terms come in, so a sum split over machines and merged in
/// any order equals the single-machine one. Terms are truncated to the grid (an error
/// below 1e-36 per term).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixedSum(pub u128);

impl FixedSum {
    const ONE: f64 = (1u128 << 120) as f64;

    /// Add `x` (0 <= x <= 1; out-of-range values saturate).
    pub fn add(&mut self, x: f64) {
        self.0 = self.0.saturating_add((x * Self::ONE) as u128);
    }

    /// Merge another partial sum.
    pub fn merge(&mut self, other: FixedSum) {
        self.0 = self.0.saturating_add(other.0);
    }

    /// The sum as a float.
    pub fn value(self) -> f64 {
        self.0 as f64 / Self::ONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_matches_factorials() {
        let mut f = 1.0f64;
        for n in 1..20 {
            f *= n as f64;
            assert!((ln_gamma(n as f64 + 1.0) - f.ln()).abs() < 1e-10, "{n}");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn poisson_tail_matches_direct_sums() {
        for &lambda in &[0.001f64, 0.3, 1.0, 4.5, 20.0, 80.0] {
            for k in 0..40u64 {
                let mut cdf = 0.0;
                let mut term = (-lambda).exp();
                for i in 0..k {
                    if i > 0 {
                        term *= lambda / i as f64;
                    }
                    cdf += term;
                }
                let direct = 1.0 - cdf;
                if direct > 1e-6 {
                    let got = poisson_ln_sf(k, lambda).exp();
                    assert!(
                        (got - direct).abs() / direct < 1e-6,
                        "k {k} lambda {lambda}: {got} vs {direct}"
                    );
                }
            }
        }
        // Small tails against a reference summed term by term from k.
        for &(k, lambda) in &[(9u64, 0.3f64), (30, 2.0), (5, 1e-4)] {
            let reference: f64 = (k..k + 400)
                .map(|i| (-lambda + i as f64 * lambda.ln() - ln_gamma(i as f64 + 1.0)).exp())
                .sum();
            let got = poisson_ln_sf(k, lambda).exp();
            assert!(
                (got - reference).abs() / reference < 1e-9,
                "k {k}: {got} vs {reference}"
            );
        }
        // Far tail stays finite and ordered.
        assert!(poisson_ln_sf(50, 1e-6) < poisson_ln_sf(10, 1e-6));
        assert!(poisson_ln_sf(50, 1e-6).is_finite());
    }

    #[test]
    fn bh_matches_textbook_example() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let ln: Vec<f64> = p.iter().map(|x: &f64| x.ln()).collect();
        let q: Vec<f64> = bh_ln_q(&ln, 4.0).iter().map(|x| x.exp()).collect();
        let want = [0.02, 0.04, 0.04, 0.02];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
        // Unobserved hypotheses raise m.
        let q10: Vec<f64> = bh_ln_q(&ln, 10.0).iter().map(|x| x.exp()).collect();
        assert!((q10[3] - 0.05).abs() < 1e-12);
    }

    #[test]
    fn fixed_sums_ignore_order() {
        let terms: Vec<f64> = (1..2000)
            .map(|i| 1.0 / (i as f64 * i as f64 * 7.0))
            .collect();
        let mut fwd = FixedSum::default();
        terms.iter().for_each(|&t| fwd.add(t));
        let mut parts = [FixedSum::default(); 3];
        for (i, &t) in terms.iter().rev().enumerate() {
            parts[i % 3].add(t);
        }
        let mut merged = FixedSum::default();
        parts.iter().rev().for_each(|p| merged.merge(*p));
        assert_eq!(fwd, merged);
        let plain: f64 = terms.iter().sum();
        assert!((fwd.value() - plain).abs() < 1e-15);
    }
}
