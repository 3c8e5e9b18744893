//! From message templates to narratives.
//!
//! 1. Each template's representative text is cut into terms ([`crate::terms`]).
//! 2. Document frequencies come from the templates plus a deterministic sample of the
//!    other posts (every k-th non-repost outside any template, up to
//!    `background_sample`), so that a word every post uses (`今天`, `people`) is not
//!    distinctive just because few templates exist. `idf = ln((1 + N) / (1 + df)) + 1`.
//! 3. A template's vector: `(1 + ln tf) × idf` for its terms, the `max_terms` heaviest
//!    kept, normalised to unit length.
//! 4. Templates are visited from the most posted down. Each joins the narrative whose
//!    centroid (the sum of its templates' vectors) is most similar by cosine, if that is
//!    at least `similarity`; otherwise it starts a narrative. Candidates come from an
//!    inverted index of terms to narratives, so the cost is linear in the templates.
//!    Comparing with the centroid instead of one leader lets a narrative gather the
//!    variants of its vocabulary (追踪定位, 远程关闭, 后门) while an unrelated template
//!    that shares one word stays apart.

use crate::discover::{discover_words, segmenter_with, DiscoverParams};
use crate::refine::TemplateSet;
use crate::terms::{normaliser, terms_of_normalised, Segmenter};
use lockstep_model::{Interner, PostIdx, PostTable, NONE};
use lockstep_traces::text::post_words;
use rayon::prelude::*;

/// Terms and their weights, per template.
pub struct TermVectors {
    /// Term strings.
    pub terms: Interner,
    /// Per template: (term, weight), unit length, heaviest first.
    pub vectors: Vec<Vec<(u32, f32)>>,
    /// Documents behind the document frequencies (templates + background posts).
    pub documents: usize,
    /// Background posts sampled.
    pub background: usize,
    /// New words found in the data and added to the segmenter.
    pub new_words: Vec<String>,
}

/// Parameters of term extraction and grouping.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TermParams {
    /// Terms kept per template (default 12).
    pub max_terms: usize,
    /// Background posts sampled for document frequencies (default 20,000).
    pub background_sample: usize,
    /// Cosine similarity (template vector to narrative centroid) to join (default 0.3).
    pub similarity: f64,
    /// Narratives looked at per term when finding candidates (default 64 most recent).
    pub max_candidates_per_term: usize,
    /// Find new Chinese words in the data before segmenting (default true).
    pub discover_words: bool,
    /// New-word discovery.
    pub discover: DiscoverParams,
}

impl Default for TermParams {
    fn default() -> Self {
        Self {
            max_terms: 12,
            background_sample: 20_000,
            similarity: 0.3,
            max_candidates_per_term: 64,
            discover_words: true,
            discover: DiscoverParams::default(),
        }
    }
}

/// The normalised `text` of every item, in order. Each text is read just before it is
/// normalised: a table's spilled texts are charged as they are read and their pages
/// handed back after a while (lockstep-model's `PostTable::spill_text`), so a text
/// gathered first and read later could be read again after a hand-back, uncharged,
/// making its pages resident for the rest of the stage.
fn normalise_all<'a, T: Sync>(items: &[T], text: impl Fn(&T) -> &'a str + Sync) -> Vec<String> {
    items
        .par_chunks(256)
        .flat_map_iter(|chunk| {
            let mut n = normaliser();
            chunk
                .iter()
                .map(|t| n.normalise(text(t)))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn tokenise_all(texts: &[String], jieba: Segmenter) -> Vec<Vec<String>> {
    texts
        .par_iter()
        .map(|t| {
            let mut out = Vec::new();
            terms_of_normalised(t, jieba, &mut out);
            out
        })
        .collect()
}

/// Templates normalised, cut into terms and counted this many at a time: holding every
/// template's normalised text and terms as strings at once (750k templates at 10M posts,
/// a dozen strings each) was the stage's largest temporary.
const TERM_CHUNK: usize = 1 << 14;

/// Term vectors of every template.
pub fn template_vectors(table: &PostTable, templates: &TemplateSet, p: &TermParams) -> TermVectors {
    let nt = templates.len();
    let rep_text = |t: usize| post_words(table, templates.representative(t as u32));
    // Background sample: non-reposts outside templates, evenly spread.
    let n = table.len();
    let eligible = |q: usize| {
        let q = q as PostIdx;
        table.repost_of(q) == NONE && templates.template_of(q).is_none()
    };
    let stride = (n / p.background_sample.max(1)).max(1);
    let sample: Vec<PostIdx> = (0..n)
        .step_by(stride)
        .filter(|&q| eligible(q))
        .take(p.background_sample)
        .map(|q| q as PostIdx)
        .collect();
    let background = sample.len();
    let bg = normalise_all(&sample, |&q| post_words(table, q));
    drop(sample);
    // New words: from the largest templates' texts and the background.
    let new_words = if p.discover_words {
        let mut order: Vec<usize> = (0..nt).collect();
        order.sort_unstable_by_key(|&t| (std::cmp::Reverse(templates.members(t as u32).len()), t));
        let top = &order[..order.len().min(p.discover.max_texts)];
        let mut corpus = normalise_all(top, |&t| rep_text(t));
        drop(order);
        corpus.extend(bg.iter().cloned());
        discover_words(&corpus, Segmenter::Default, &p.discover)
    } else {
        Vec::new()
    };
    let own;
    let seg = if new_words.is_empty() {
        Segmenter::Default
    } else {
        own = segmenter_with(&new_words);
        Segmenter::With(&own)
    };
    // Terms interned in template order (ids by first use, as one pass over all would give).
    let mut interner = Interner::new();
    let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(nt);
    for lo in (0..nt).step_by(TERM_CHUNK) {
        let chunk: Vec<usize> = (lo..(lo + TERM_CHUNK).min(nt)).collect();
        let tokens = tokenise_all(&normalise_all(&chunk, |&t| rep_text(t)), seg);
        for toks in &tokens {
            let mut ids: Vec<u32> = toks.iter().map(|w| interner.intern(w)).collect();
            ids.sort_unstable();
            let mut c: Vec<(u32, u32)> = Vec::new();
            for chunk in ids.chunk_by(|a, b| a == b) {
                c.push((chunk[0], chunk.len() as u32));
            }
            counts.push(c);
        }
    }
    let mut df = vec![0u32; interner.len()];
    for c in &counts {
        for &(id, _) in c {
            df[id as usize] += 1;
        }
    }
    let bg_tokens = tokenise_all(&bg, seg);
    for toks in &bg_tokens {
        let mut ids: Vec<u32> = toks.iter().filter_map(|w| interner.get(w)).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            df[id as usize] += 1;
        }
    }
    let documents = nt + background;
    let idf: Vec<f64> = df
        .iter()
        .map(|&d| ((1.0 + documents as f64) / (1.0 + d as f64)).ln() + 1.0)
        .collect();
    let vectors = counts
        .into_par_iter()
        .map(|c| {
            let mut v: Vec<(u32, f64)> = c
                .into_iter()
                .map(|(id, tf)| (id, (1.0 + (tf as f64).ln()) * idf[id as usize]))
                .collect();
            v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(p.max_terms);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
            v.into_iter()
                .map(|(id, w)| (id, if norm > 0.0 { (w / norm) as f32 } else { 0.0 }))
                .collect()
        })
        .collect();
    TermVectors {
        terms: interner,
        vectors,
        documents,
        background,
        new_words,
    }
}

/// A narrative being built: the sum of its templates' vectors.
struct Centroid {
    weights: foldhash::HashMap<u32, f32>,
    norm2: f64,
}

impl Centroid {
    fn cosine(&self, v: &[(u32, f32)]) -> f64 {
        if self.norm2 <= 0.0 {
            return 0.0;
        }
        let dot: f64 = v
            .iter()
            .filter_map(|(t, w)| self.weights.get(t).map(|c| *c as f64 * *w as f64))
            .sum();
        dot / self.norm2.sqrt()
    }

    fn add(&mut self, v: &[(u32, f32)]) {
        for &(t, w) in v {
            let e = self.weights.entry(t).or_insert(0.0);
            let old = *e as f64;
            *e += w;
            self.norm2 += (*e as f64).powi(2) - old * old;
        }
    }

    /// Heaviest terms, (term, weight / |centroid|).
    fn top(&self, k: usize) -> Vec<(u32, f64)> {
        let norm = self.norm2.sqrt().max(f64::MIN_POSITIVE);
        let mut v: Vec<(u32, f64)> = self
            .weights
            .iter()
            .map(|(&t, &w)| (t, w as f64 / norm))
            .collect();
        v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(k);
        v
    }
}

/// Templates grouped into narratives.
pub struct Grouping {
    /// Narrative (in creation order) of each template.
    pub template_narrative: Vec<u32>,
    /// Per narrative: its heaviest terms with weights (share of the centroid's length).
    pub top_terms: Vec<Vec<(u32, f64)>>,
}

/// Group templates (see the module documentation). `sizes[t]` orders the visit.
pub fn group_templates(
    tv: &TermVectors,
    sizes: &[usize],
    p: &TermParams,
    top_k: usize,
) -> Grouping {
    let nt = tv.vectors.len();
    let mut order: Vec<u32> = (0..nt as u32).collect();
    order.sort_unstable_by_key(|&t| (std::cmp::Reverse(sizes[t as usize]), t));
    let mut index: foldhash::HashMap<u32, Vec<u32>> = Default::default();
    let mut centroids: Vec<Centroid> = Vec::new();
    let mut assign = vec![NONE; nt];
    let mut cands: Vec<u32> = Vec::new();
    let cap = p.max_candidates_per_term.max(1);
    for &t in &order {
        let v = &tv.vectors[t as usize];
        cands.clear();
        for (term, _) in v {
            if let Some(list) = index.get(term) {
                cands.extend_from_slice(&list[list.len().saturating_sub(cap)..]);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        let mut best: Option<(f64, u32)> = None;
        for &c in &cands {
            let s = centroids[c as usize].cosine(v);
            if s >= p.similarity && best.is_none_or(|(b, bc)| s > b || (s == b && c < bc)) {
                best = Some((s, c));
            }
        }
        let n = match best {
            Some((_, c)) => c,
            None => {
                centroids.push(Centroid {
                    weights: Default::default(),
                    norm2: 0.0,
                });
                (centroids.len() - 1) as u32
            }
        };
        centroids[n as usize].add(v);
        for (term, _) in v {
            let list = index.entry(*term).or_default();
            if list.last() != Some(&n) {
                list.push(n);
            }
        }
        assign[t as usize] = n;
    }
    Grouping {
        template_narrative: assign,
        top_terms: centroids.iter().map(|c| c.top(top_k)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refine::{refine_templates, RefineParams};
    use crate::test_util::table;
    use lockstep_similar::{assign_templates, SimilarParams};

    #[test]
    fn distinctive_terms_and_narratives() {
        let backdoor = [
            "H20芯片被曝存在后门，能追踪定位还能远程关闭，用户数据安全谁来保障？",
            "技术专家指出，具备远程关闭能力的芯片，等于把开关交到了别人手里。",
            "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。",
        ];
        let other = [
            "今天天气很好，我们去公园散步了，孩子们玩得很开心。",
            "American chips, American control. Experts say the H20 can be shut down remotely.",
        ];
        let mut texts = Vec::new();
        for t in backdoor.iter().chain(&other) {
            texts.push(*t);
            texts.push(*t);
            texts.push(*t);
        }
        // Background chatter, each line once, that makes common words common.
        let a = [
            "今天天气真好",
            "今天去吃火锅了",
            "孩子们放假了",
            "今天加班到很晚",
        ];
        let b = ["地铁又晚点了", "晚上看了一场电影", "明天还要早起上班"];
        let chatter: Vec<String> = a
            .iter()
            .flat_map(|x| b.iter().map(move |y| format!("{x}，{y}")))
            .collect();
        texts.extend(chatter.iter().map(String::as_str));
        let t = table(&texts);
        let sim = SimilarParams::default();
        let tpl = refine_templates(
            &t,
            &assign_templates(&t, &sim),
            &sim,
            &RefineParams::default(),
        );
        let p = TermParams::default();
        let tv = template_vectors(&t, &tpl, &p);
        assert!(tv.background > 0);
        let term = |t: u32, k: usize| -> Vec<String> {
            tv.vectors[t as usize]
                .iter()
                .take(k)
                .map(|&(id, _)| tv.terms.resolve(id).to_string())
                .collect()
        };
        let of = |text: &str| {
            tpl.template_of(texts.iter().position(|x| *x == text).unwrap() as u32)
                .unwrap()
        };
        // Distinctive words lead; words the background uses a lot do not.
        let first = term(of(backdoor[0]), 12);
        assert!(
            first.contains(&"后门".to_string()) && first.contains(&"远程".to_string()),
            "{first:?}"
        );
        let park = term(of(other[0]), 3);
        assert!(!park.contains(&"今天".to_string()), "{park:?}");
        for v in &tv.vectors {
            let norm: f32 = v.iter().map(|x| x.1 * x.1).sum();
            assert!((norm - 1.0).abs() < 1e-4);
        }
        let sizes: Vec<usize> = (0..tpl.len() as u32)
            .map(|x| tpl.members(x).len())
            .collect();
        let g = group_templates(
            &tv,
            &sizes,
            &TermParams {
                similarity: 0.15,
                ..p
            },
            5,
        );
        let n = |text: &str| g.template_narrative[of(text) as usize];
        // The backdoor templates share terms (后门, 远程, 关闭, 技术专家): one narrative; the
        // park and the English slogan are narratives of their own.
        assert_eq!(n(backdoor[0]), n(backdoor[1]));
        assert_eq!(n(backdoor[1]), n(backdoor[2]));
        assert_ne!(n(backdoor[0]), n(other[0]));
        assert_ne!(n(backdoor[0]), n(other[1]));
        assert_ne!(n(other[0]), n(other[1]));
    }
}
