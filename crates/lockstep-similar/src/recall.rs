//! Measuring the LSH stage against brute force.
//!
//! [`brute_force_pairs`] compares every pair of a sample (only the length filter, which is
//! exact: `J(a, b) <= min(|a|, |b|) / max(|a|, |b|)`), and [`lsh_recall`] counts how many of
//! the pairs at or above the threshold the candidate stage lets through: they share at
//! least `min_shared` LSH bands and their sketches agree enough (the same rule
//! [`crate::assign_templates`] applies before its exact comparison).

use crate::lsh::{LshParams, MinHasher, Sketch};
use crate::shingle::intersection;
use rayon::prelude::*;

/// Every pair `(i, j)`, `i < j`, of `sets` with Jaccard similarity at least `threshold`,
/// with that similarity, sorted.
pub fn brute_force_pairs(sets: &[Vec<u32>], threshold: f64) -> Vec<(u32, u32, f64)> {
    let mut order: Vec<u32> = (0..sets.len() as u32).collect();
    order.sort_by_key(|&i| (sets[i as usize].len(), i));
    let mut out: Vec<(u32, u32, f64)> = order
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, &i)| {
            let a = &sets[i as usize];
            let max_len = (a.len() as f64 / threshold.max(1e-9)).floor() as usize;
            order[k + 1..]
                .iter()
                .take_while(move |&&j| sets[j as usize].len() <= max_len)
                .filter_map(move |&j| {
                    let b = &sets[j as usize];
                    if a.is_empty() && b.is_empty() {
                        return Some((i.min(j), i.max(j), 1.0));
                    }
                    let inter = intersection(a, b);
                    let s = inter as f64 / (a.len() + b.len() - inter) as f64;
                    (s >= threshold).then_some((i.min(j), i.max(j), s))
                })
        })
        .collect();
    out.par_sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    out
}

/// Recall of the LSH stage on a sample.
#[derive(Clone, Debug, Default)]
pub struct Recall {
    /// Pairs at or above the threshold (brute force).
    pub true_pairs: u64,
    /// Of those, pairs sharing at least one band.
    pub found: u64,
    /// Pairs with similarity in `[threshold, threshold + 0.05)`: the hardest.
    pub near_threshold: u64,
    /// Of those, found.
    pub near_threshold_found: u64,
}

impl Recall {
    /// Found / true (1 when there is nothing to find).
    pub fn recall(&self) -> f64 {
        if self.true_pairs == 0 {
            1.0
        } else {
            self.found as f64 / self.true_pairs as f64
        }
    }

    /// Recall among pairs just above the threshold.
    pub fn near_threshold_recall(&self) -> f64 {
        if self.near_threshold == 0 {
            1.0
        } else {
            self.near_threshold_found as f64 / self.near_threshold as f64
        }
    }
}

/// Recall of LSH banding `lsh` (seeded by `seed`) on `sets` at `threshold`.
pub fn lsh_recall(sets: &[Vec<u32>], threshold: f64, lsh: LshParams, seed: u64) -> Recall {
    let hasher = MinHasher::new(lsh, seed);
    let bands = lsh.bands;
    let sketch = Sketch::new(hasher.sketch_len(), threshold);
    let sl = sketch.len;
    let mut keys = vec![0u32; sets.len() * bands];
    let mut sketches = vec![0u8; sets.len() * sl];
    keys.par_chunks_mut(bands)
        .zip(sketches.par_chunks_mut(sl))
        .zip(sets.par_iter())
        .for_each_init(Vec::new, |sig, ((k, sk), s)| {
            hasher.keys_and_sketch(s, sig, k, sk)
        });
    let pairs = brute_force_pairs(sets, threshold);
    let mut r = Recall::default();
    for (i, j, s) in pairs {
        let (i, j) = (i as usize, j as usize);
        let a = &keys[i * bands..(i + 1) * bands];
        let b = &keys[j * bands..(j + 1) * bands];
        let shared = a.iter().zip(b).filter(|(x, y)| x == y).count();
        let hit = shared >= lsh.min_shared.max(1)
            && sketch.passes(
                &sketches[i * sl..(i + 1) * sl],
                &sketches[j * sl..(j + 1) * sl],
            );
        r.true_pairs += 1;
        r.found += hit as u64;
        if s < threshold + 0.05 {
            r.near_threshold += 1;
            r.near_threshold_found += hit as u64;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::mix64;
    use crate::{shingle_set, SimilarParams};

    /// A sample with many pairs near every similarity: base sentences from a small
    /// vocabulary (so unrelated texts share words), and variants with a few words changed,
    /// dropped or added.
    fn sample(n: usize, seed: u64) -> Vec<String> {
        let vocab: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
        let zh: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理".chars().collect();
        let mut x = seed;
        let mut rnd = move |m: usize| {
            x = mix64(x.wrapping_add(0x9e37_79b9_7f4a_7c15));
            (x % m as u64) as usize
        };
        let mut out = Vec::new();
        while out.len() < n {
            let chinese = rnd(4) == 0;
            let len = 8 + rnd(25);
            let base: Vec<String> = (0..len)
                .map(|_| {
                    if chinese {
                        zh[rnd(zh.len())].to_string()
                    } else {
                        vocab[rnd(vocab.len())].clone()
                    }
                })
                .collect();
            let sep = if chinese { "" } else { " " };
            out.push(base.join(sep));
            for _ in 0..rnd(6) {
                let mut v = base.clone();
                for _ in 0..rnd(4) {
                    let i = rnd(v.len());
                    match rnd(3) {
                        0 => {
                            v[i] = if chinese {
                                zh[rnd(zh.len())].to_string()
                            } else {
                                vocab[rnd(300)].clone()
                            }
                        }
                        1 if v.len() > 6 => {
                            v.remove(i);
                        }
                        _ => v.insert(
                            i,
                            if chinese {
                                zh[rnd(zh.len())].to_string()
                            } else {
                                vocab[rnd(300)].clone()
                            },
                        ),
                    }
                }
                out.push(v.join(sep));
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn lsh_recall_against_brute_force() {
        let texts = sample(3000, 11);
        for threshold in [0.5, 0.8, 0.9] {
            let p = SimilarParams::with_threshold(threshold);
            let mut sets: Vec<Vec<u32>> = texts.iter().map(|t| shingle_set(t, &p)).collect();
            sets.sort();
            sets.dedup();
            let lsh = LshParams::for_threshold(threshold);
            let r = lsh_recall(&sets, threshold, lsh, p.seed);
            assert!(r.true_pairs > 200, "{threshold}: sample too easy: {r:?}");
            eprintln!("threshold {threshold}: {lsh:?} {r:?}");
            assert!(r.near_threshold > 20, "{threshold}: {r:?}");
            assert!(r.recall() >= 0.99, "{threshold}: {r:?}");
            assert!(r.near_threshold_recall() >= 0.97, "{threshold}: {r:?}");
        }
    }

    #[test]
    fn brute_force_is_complete() {
        let sets = vec![
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 4, 5],
            vec![9],
            vec![1, 2, 3],
        ];
        let p = brute_force_pairs(&sets, 0.75);
        assert_eq!(
            p.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(),
            vec![(0, 1), (0, 3)]
        );
    }
}
