//! Small random-variate helpers on top of [`rand`]: alias tables for weighted choice, and
//! exponential, Pareto, Poisson and Zipf draws. Everything is driven by the caller's RNG, so
//! results are reproducible for a given seed.

use rand::Rng;

/// Walker/Vose alias table: O(1) weighted choice among `n` items.
#[derive(Debug, Clone)]
pub(crate) struct AliasTable {
    prob: Vec<f64>,
    alias: Vec<u32>,
}

impl AliasTable {
    /// Builds a table from non-negative weights. Negative or non-finite weights count as zero;
    /// if every weight is zero, the choice is uniform.
    pub(crate) fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        if n == 0 {
            return Self {
                prob: Vec::new(),
                alias: Vec::new(),
            };
        }
        let clean: Vec<f64> = weights
            .iter()
            .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
            .collect();
        let total: f64 = clean.iter().sum();
        let scaled: Vec<f64> = if total > 0.0 {
            clean.iter().map(|w| w * n as f64 / total).collect()
        } else {
            vec![1.0; n]
        };
        let mut prob = vec![0.0; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let mut small: Vec<usize> = Vec::new();
        let mut large: Vec<usize> = Vec::new();
        let mut work = scaled;
        for (i, &p) in work.iter().enumerate() {
            if p < 1.0 {
                small.push(i);
            } else {
                large.push(i);
            }
        }
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            prob[s] = work[s];
            alias[s] = l as u32;
            work[l] = (work[l] + work[s]) - 1.0;
            if work[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        for i in large.into_iter().chain(small) {
            prob[i] = 1.0;
        }
        Self { prob, alias }
    }

    /// Draws an index in `0..len()`. Returns 0 for an empty table.
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        let n = self.prob.len();
        if n == 0 {
            return 0;
        }
        let i = rng.random_range(0..n);
        if rng.random::<f64>() < self.prob[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

/// Alias table over ranks `0..n` with Zipf weights `1 / (rank + 1)^s`.
pub(crate) fn zipf_table(n: usize, s: f64) -> AliasTable {
    let w: Vec<f64> = (0..n).map(|r| 1.0 / ((r + 1) as f64).powf(s)).collect();
    AliasTable::new(&w)
}

/// Uniform draw in `[0, 1)`.
#[inline]
pub(crate) fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.random::<f64>()
}

/// Exponential draw with the given mean.
#[inline]
pub(crate) fn exponential<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    -(1.0 - unit(rng)).ln() * mean
}

/// Pareto draw with scale `xm` and shape `alpha`.
#[inline]
pub(crate) fn pareto<R: Rng + ?Sized>(rng: &mut R, xm: f64, alpha: f64) -> f64 {
    xm * (1.0 - unit(rng)).powf(-1.0 / alpha)
}

/// Standard normal draw (Box–Muller).
pub(crate) fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Poisson draw: Knuth's method for small means, a rounded normal approximation above 30.
pub(crate) fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda.is_nan() || lambda <= 0.0 || lambda.is_infinite() {
        return 0;
    }
    if lambda > 30.0 {
        let x = lambda + lambda.sqrt() * normal(rng);
        return x.round().max(0.0) as u64;
    }
    let limit = (-lambda).exp();
    let mut k = 0u64;
    let mut p = 1.0;
    loop {
        p *= unit(rng);
        if p <= limit {
            return k;
        }
        k += 1;
    }
}

/// Uniform integer in `lo..=hi` (returns `lo` when `hi < lo`).
#[inline]
pub(crate) fn between<R: Rng + ?Sized>(rng: &mut R, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Uniform index in `0..n` (returns 0 when `n == 0`).
#[inline]
pub(crate) fn index<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        rng.random_range(0..n)
    }
}

/// Bernoulli draw; `p` is clamped to `[0, 1]`.
#[inline]
pub(crate) fn chance<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    unit(rng) < p
}

/// Picks one element of a non-empty slice uniformly; `fallback` for an empty one.
#[inline]
pub(crate) fn pick<'a, R: Rng + ?Sized>(
    rng: &mut R,
    items: &'a [&'a str],
    fallback: &'a str,
) -> &'a str {
    if items.is_empty() {
        fallback
    } else {
        items[index(rng, items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn alias_table_follows_weights() {
        let t = AliasTable::new(&[1.0, 0.0, 3.0]);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            counts[t.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        let ratio = counts[2] as f64 / counts[0] as f64;
        assert!((2.7..3.3).contains(&ratio), "ratio {ratio}");
    }

    #[test]
    fn poisson_mean_is_close() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for lambda in [0.3, 4.0, 55.0] {
            let n = 20_000;
            let sum: u64 = (0..n).map(|_| poisson(&mut rng, lambda)).sum();
            let mean = sum as f64 / n as f64;
            assert!(
                (mean - lambda).abs() < lambda * 0.05 + 0.02,
                "{lambda} -> {mean}"
            );
        }
    }
}
