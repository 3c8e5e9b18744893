//! MinHash signatures and LSH banding.
//!
//! A signature has `bands × rows` minima, one per hash function `h_j(x) = mix32(x ^ s_j)`
//! (a bijection of the 32-bit shingle hash, seeded per function; `mix32` is Chris
//! Wellons' `lowbias32`). Two sets agree on one minimum with probability close to their
//! Jaccard similarity `J`, so they share a band with probability `p = J^rows`, and the
//! number of bands they share is Binomial(bands, p).
//!
//! A pair becomes a candidate when it shares at least `min_shared` bands. Asking for two
//! shared bands rather than one is what keeps the work bounded on real text: boilerplate
//! ("just saw … on my lunch break") makes thousands of unrelated posts share the odd band,
//! but almost never two, while a true near-duplicate shares several.
//! [`LshParams::for_threshold`] picks the longest bands (fewest accidental candidates)
//! that keep the candidate probability at the threshold itself at or above
//! [`TARGET_RECALL`]; pairs more similar than the threshold are found even more surely.

/// Per-pair probability of becoming a candidate at exactly the threshold.
pub const TARGET_RECALL: f64 = 0.995;
/// Most hash functions a signature may have.
pub const MAX_HASHES: usize = 160;

/// How a signature is cut into bands, and how many a pair must share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Minima per band.
    pub rows: usize,
    /// Bands two documents must share to be compared (1 or more).
    pub min_shared: usize,
}

/// P(Binomial(n, p) >= k).
fn binomial_at_least(n: usize, p: f64, k: usize) -> f64 {
    let mut below = 0.0;
    let mut term = (1.0 - p).powi(n as i32); // P(X = 0)
    for i in 0..k.min(n + 1) {
        below += term;
        term *= (n - i) as f64 / (i + 1) as f64 * p / (1.0 - p);
    }
    (1.0 - below).clamp(0.0, 1.0)
}

impl LshParams {
    /// The banding for a Jaccard threshold: two shared bands required, the most rows per
    /// band such that `bands × rows <= MAX_HASHES` and the candidate probability at
    /// `threshold` is at least [`TARGET_RECALL`] (0.8 gives 25 bands of 6 rows, 0.5 gives
    /// 27 of 2). (One shared band is the fallback should no banding with two fit; for
    /// thresholds down to 0.05 one does.)
    pub fn for_threshold(threshold: f64) -> Self {
        let t = threshold.clamp(0.05, 0.999);
        for min_shared in [2, 1] {
            let mut best = None;
            for rows in 1..=32usize {
                let Some(bands) = (min_shared..=MAX_HASHES / rows).find(|&b| {
                    binomial_at_least(b, t.powi(rows as i32), min_shared) >= TARGET_RECALL
                }) else {
                    break;
                };
                best = Some(LshParams {
                    bands,
                    rows,
                    min_shared,
                });
            }
            if let Some(b) = best {
                return b;
            }
        }
        LshParams {
            bands: MAX_HASHES,
            rows: 1,
            min_shared: 1,
        }
    }

    /// Number of hash functions.
    pub fn hashes(&self) -> usize {
        self.bands * self.rows
    }

    /// Probability that a pair with Jaccard similarity `j` shares at least `min_shared`
    /// bands.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        binomial_at_least(self.bands, j.powi(self.rows as i32), self.min_shared.max(1))
    }
}

/// Most bytes in a sketch.
pub const SKETCH_MAX: usize = 64;

/// A sketch filter: two sets whose sketches agree in fewer than [`Sketch::min_matches`]
/// places are almost surely below the threshold.
///
/// A sketch keeps the low byte of each of the first minima of the signature. Two sets
/// agree on a byte with probability `J + (1 - J) / 256 >= J`, so the number of agreeing
/// bytes of a pair at the threshold is at least Binomial(len, threshold); the cut-off sits
/// 4.5 standard deviations below its mean, which drops a pair at the threshold with
/// probability below 10^-5 (and a more similar pair even less often), while it spares
/// the exact comparison for most of the pairs that share a band by accident.
#[derive(Clone, Copy, Debug)]
pub struct Sketch {
    /// Bytes per sketch.
    pub len: usize,
    /// Fewest agreeing bytes of a candidate.
    pub min_matches: usize,
}

impl Sketch {
    /// The filter for sketches of `len` bytes at `threshold`.
    pub fn new(len: usize, threshold: f64) -> Self {
        let n = len as f64;
        let t = threshold.clamp(0.0, 1.0);
        let cut = n * t - 4.5 * (n * t * (1.0 - t)).sqrt();
        Self {
            len,
            min_matches: cut.floor().max(0.0) as usize,
        }
    }

    /// True if the two sketches agree enough to be worth an exact comparison.
    #[inline]
    pub fn passes(&self, a: &[u8], b: &[u8]) -> bool {
        self.min_matches == 0 || a.iter().zip(b).filter(|(x, y)| x == y).count() >= self.min_matches
    }
}

/// `lowbias32`: a 32-bit bijection with good avalanche.
#[inline(always)]
pub fn mix32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// The hash family of a signature.
#[derive(Clone, Debug)]
pub struct MinHasher {
    params: LshParams,
    seeds: Vec<u32>,
}

#[inline(always)]
fn signature_generic(seeds: &[u32], shingles: &[u32], sig: &mut [u32]) {
    sig.fill(u32::MAX);
    for &x in shingles {
        for (s, &seed) in sig.iter_mut().zip(seeds) {
            *s = (*s).min(mix32(x ^ seed));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn signature_avx2(seeds: &[u32], shingles: &[u32], sig: &mut [u32]) {
    signature_generic(seeds, shingles, sig)
}

impl MinHasher {
    /// A family for `params`, its seeds drawn from `seed`.
    pub fn new(params: LshParams, seed: u64) -> Self {
        let mut state = seed ^ 0x6d69_6e68_6173_6821;
        let seeds = (0..params.hashes())
            .map(|_| {
                state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                (crate::shingle::mix64(state) >> 32) as u32
            })
            .collect();
        Self { params, seeds }
    }

    /// The banding.
    pub fn params(&self) -> LshParams {
        self.params
    }

    /// The signature of a shingle set into `sig` (length `bands × rows`).
    pub fn signature(&self, shingles: &[u32], sig: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { signature_avx2(&self.seeds, shingles, sig) };
                return;
            }
        }
        signature_generic(&self.seeds, shingles, sig)
    }

    /// Length of a sketch: the low bytes of the first (at most 64) minima.
    pub fn sketch_len(&self) -> usize {
        self.params.hashes().min(SKETCH_MAX)
    }

    /// The band keys of a shingle set into `keys` (length `bands`) and its sketch into
    /// `sketch` (length [`MinHasher::sketch_len`]); `sig` is scratch.
    pub fn keys_and_sketch(
        &self,
        shingles: &[u32],
        sig: &mut Vec<u32>,
        keys: &mut [u32],
        sketch: &mut [u8],
    ) {
        self.band_keys(shingles, sig, keys);
        for (s, &m) in sketch.iter_mut().zip(sig.iter()) {
            *s = m as u8;
        }
    }

    /// The band keys of a shingle set into `keys` (length `bands`); `sig` is scratch (and
    /// holds the signature afterwards).
    pub fn band_keys(&self, shingles: &[u32], sig: &mut Vec<u32>, keys: &mut [u32]) {
        sig.resize(self.params.hashes(), 0);
        self.signature(shingles, sig);
        for (b, (key, rows)) in keys
            .iter_mut()
            .zip(sig.chunks_exact(self.params.rows))
            .enumerate()
        {
            let mut h = (b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for &m in rows {
                h = crate::shingle::mix64(h ^ m as u64);
            }
            *key = (h >> 32) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::jaccard;

    #[test]
    fn banding_meets_the_target() {
        for t in [0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] {
            let p = LshParams::for_threshold(t);
            assert!(p.hashes() <= MAX_HASHES, "{t}: {p:?}");
            assert!(
                p.candidate_probability(t) >= TARGET_RECALL,
                "{t}: {p:?} {}",
                p.candidate_probability(t)
            );
        }
        let p = LshParams::for_threshold(0.8);
        assert_eq!((p.bands, p.rows, p.min_shared), (25, 6, 2));
        let p = LshParams::for_threshold(0.5);
        assert_eq!((p.bands, p.rows, p.min_shared), (27, 2, 2));
        assert_eq!(LshParams::for_threshold(0.1).min_shared, 2);
        // Accidental candidates are rare.
        let p = LshParams::for_threshold(0.8);
        assert!(p.candidate_probability(0.4) < 0.01);
        assert!((binomial_at_least(10, 0.5, 0) - 1.0).abs() < 1e-12);
        assert!((binomial_at_least(2, 0.5, 2) - 0.25).abs() < 1e-12);
        assert!((binomial_at_least(3, 0.5, 1) - 0.875).abs() < 1e-12);
    }

    /// The fraction of agreeing minima estimates the Jaccard similarity without bias.
    #[test]
    fn minhash_estimates_jaccard() {
        let h = MinHasher::new(
            LshParams {
                bands: 32,
                rows: 4,
                min_shared: 1,
            },
            7,
        );
        let mut x = 1u64;
        let mut rnd = || {
            x = crate::shingle::mix64(x.wrapping_add(0x9e37_79b9_7f4a_7c15));
            x as u32
        };
        let mut total_err = 0.0;
        let mut total_bias = 0.0;
        let trials = 400;
        for i in 0..trials {
            let shared: Vec<u32> = (0..20 + i % 30).map(|_| rnd()).collect();
            let mut a = shared.clone();
            let mut b = shared.clone();
            a.extend((0..i % 13).map(|_| rnd()));
            b.extend((0..(i / 7) % 11).map(|_| rnd()));
            a.sort_unstable();
            a.dedup();
            b.sort_unstable();
            b.dedup();
            let j = jaccard(&a, &b);
            let (mut sa, mut sb) = (vec![0; 128], vec![0; 128]);
            h.signature(&a, &mut sa);
            h.signature(&b, &mut sb);
            let est = sa.iter().zip(&sb).filter(|(x, y)| x == y).count() as f64 / 128.0;
            total_err += (est - j).abs();
            total_bias += est - j;
        }
        let mae = total_err / trials as f64;
        let bias = total_bias / trials as f64;
        // Binomial noise with 128 hashes is about 0.03 on average.
        assert!(mae < 0.045, "mean absolute error {mae}");
        assert!(bias.abs() < 0.01, "bias {bias}");
    }
}
