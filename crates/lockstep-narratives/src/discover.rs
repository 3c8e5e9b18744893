//! New Chinese words, found in the data before segmenting it.
//!
//! jieba's dictionary does not know the names and coinages a story is made of: it cuts
//! 英伟达 (Nvidia) into 英|伟达 and 约谈英伟达 into 约|谈英|伟达, so the key term of the
//! H20 story would never be a term. Before segmenting, character n-grams (3 to 5 Han
//! characters) of the texts are scored the usual way for new-word discovery:
//!
//! - frequency: in at least `min_docs` texts;
//! - cohesion: for every split into a left and right part, the pointwise mutual
//!   information `ln(c(w) N / (c(l) c(r)))` is at least `min_pmi` (the parts occur
//!   together far more often than chance);
//! - freedom: the entropy of the characters just left of it, and just right of it, is at
//!   least `min_entropy` nats (a text boundary counts as a new neighbour each time), so a
//!   fragment of a longer word (英伟, 约谈英) is not a word;
//! - novelty: jieba's dictionary alone cuts it into pieces that include a single
//!   character (so 美国芯片, two known words, is left alone).
//!
//! The words found are added to a private copy of the segmenter for this run.

use crate::terms::{is_han, Segmenter};
use jieba_rs::Jieba;

/// Parameters of new-word discovery.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DiscoverParams {
    /// Texts a word must appear in (default 5).
    pub min_docs: u32,
    /// Smallest cohesion (default 2.0).
    pub min_pmi: f64,
    /// Smallest left and right neighbour entropy, nats (default 1.0).
    pub min_entropy: f64,
    /// Most texts looked at (default 50,000).
    pub max_texts: usize,
}

impl Default for DiscoverParams {
    fn default() -> Self {
        Self {
            min_docs: 5,
            min_pmi: 2.0,
            min_entropy: 1.0,
            max_texts: 50_000,
        }
    }
}

/// Up to 5 characters packed into one key (21 bits each) with the length.
fn key(chars: &[char]) -> u128 {
    let mut k = chars.len() as u128;
    for &c in chars {
        k = (k << 21) | c as u128;
    }
    k
}

fn entropy(counts: &foldhash::HashMap<u32, u32>, boundary: u32) -> f64 {
    let total: f64 = counts.values().map(|&v| v as f64).sum::<f64>() + boundary as f64;
    if total <= 0.0 {
        return 0.0;
    }
    let mut h = 0.0;
    for &v in counts.values() {
        let p = v as f64 / total;
        h -= p * p.ln();
    }
    // Each boundary is a neighbour of its own.
    let p = 1.0 / total;
    h -= boundary as f64 * p * p.ln();
    h
}

/// Han runs of normalised texts.
fn runs(texts: &[String]) -> Vec<Vec<Vec<char>>> {
    texts
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            let mut cur = Vec::new();
            for c in t.chars() {
                if is_han(c) {
                    cur.push(c);
                } else if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            if !cur.is_empty() {
                out.push(cur);
            }
            out
        })
        .collect()
}

/// New words in `texts` (already normalised), best first. `jieba` is asked about
/// candidates only, so texts without Chinese never load its dictionary.
pub fn discover_words(texts: &[String], jieba: Segmenter, p: &DiscoverParams) -> Vec<String> {
    let texts = &texts[..texts.len().min(p.max_texts)];
    let docs = runs(texts);
    // Occurrences of 1..=5-grams, and the texts they occur in.
    let mut count: foldhash::HashMap<u128, u32> = Default::default();
    let mut doc_count: foldhash::HashMap<u128, u32> = Default::default();
    let mut total = 0u64;
    let mut seen: foldhash::HashSet<u128> = Default::default();
    for doc in &docs {
        seen.clear();
        for run in doc {
            total += run.len() as u64;
            for i in 0..run.len() {
                for n in 1..=5.min(run.len() - i) {
                    let k = key(&run[i..i + n]);
                    *count.entry(k).or_default() += 1;
                    if n >= 3 && seen.insert(k) {
                        *doc_count.entry(k).or_default() += 1;
                    }
                }
            }
        }
    }
    if total == 0 {
        return Vec::new();
    }
    let c = |s: &[char]| count.get(&key(s)).copied().unwrap_or(0) as f64;
    // Candidates by frequency and cohesion.
    struct Cand {
        chars: Vec<char>,
        left: foldhash::HashMap<u32, u32>,
        right: foldhash::HashMap<u32, u32>,
        left_edge: u32,
        right_edge: u32,
        docs: u32,
    }
    let mut cands: foldhash::HashMap<u128, Cand> = Default::default();
    for doc in &docs {
        for run in doc {
            for i in 0..run.len() {
                for n in 3..=5.min(run.len() - i) {
                    let w = &run[i..i + n];
                    let k = key(w);
                    let dc = doc_count.get(&k).copied().unwrap_or(0);
                    if dc < p.min_docs {
                        continue;
                    }
                    let e = match cands.entry(k) {
                        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            let cw = c(w);
                            let cohesive = (1..n).all(|s| {
                                let pmi =
                                    (cw * total as f64 / (c(&w[..s]) * c(&w[s..])).max(1.0)).ln();
                                pmi >= p.min_pmi
                            });
                            if !cohesive {
                                continue;
                            }
                            v.insert(Cand {
                                chars: w.to_vec(),
                                left: Default::default(),
                                right: Default::default(),
                                left_edge: 0,
                                right_edge: 0,
                                docs: dc,
                            })
                        }
                    };
                    match i.checked_sub(1).map(|j| run[j]) {
                        Some(l) => *e.left.entry(l as u32).or_default() += 1,
                        None => e.left_edge += 1,
                    }
                    match run.get(i + n) {
                        Some(&r) => *e.right.entry(r as u32).or_default() += 1,
                        None => e.right_edge += 1,
                    }
                }
            }
        }
    }
    let mut words: Vec<(u32, String)> = cands
        .into_values()
        .filter(|e| {
            entropy(&e.left, e.left_edge) >= p.min_entropy
                && entropy(&e.right, e.right_edge) >= p.min_entropy
        })
        .filter_map(|e| {
            let w: String = e.chars.iter().collect();
            let jieba = jieba.get();
            let pieces = jieba.cut(&w, false);
            let broken = pieces.iter().any(|t| t.word.chars().nth(1).is_none());
            (broken && !jieba.has_word(&w)).then_some((e.docs, w))
        })
        .collect();
    words.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // A word inside a better one found here is dropped (英伟达 over 英伟达公).
    let mut kept: Vec<String> = Vec::new();
    for (_, w) in words {
        if !kept
            .iter()
            .any(|k| k.contains(w.as_str()) || w.contains(k.as_str()))
        {
            kept.push(w);
        }
    }
    kept
}

/// A segmenter with the default dictionary plus `words`.
pub fn segmenter_with(words: &[String]) -> Jieba {
    let mut j = Jieba::new();
    for w in words {
        let f = j.suggest_freq(w);
        j.add_word(w, Some(f.max(10)), None);
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_brand_name_jieba_does_not_know() {
        let contexts = [
            "国家网信部门约谈英伟达公司",
            "英伟达必须给个说法",
            "大家都在讨论英伟达芯片",
            "对英伟达的产品有疑问",
            "英伟达股价会不会受影响",
            "感觉这事会影响英伟达在中国的销量",
            "今天天气很好我们去公园散步",
            "公司楼下新开了一家面馆",
        ];
        let texts: Vec<String> = contexts.iter().map(|s| s.to_string()).collect();
        let words = discover_words(&texts, Segmenter::Default, &DiscoverParams::default());
        assert_eq!(words, ["英伟达"]);
        let j = segmenter_with(&words);
        let cut: Vec<&str> = j
            .cut("国家网信部门约谈英伟达公司", true)
            .iter()
            .map(|t| t.word)
            .collect();
        assert!(cut.contains(&"英伟达"), "{cut:?}");
        assert!(!cut.contains(&"谈英"), "{cut:?}");
    }
}
