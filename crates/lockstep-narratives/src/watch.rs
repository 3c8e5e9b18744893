//! Watch terms: words an analyst wants tracked, in any language.
//!
//! Terms and posts are normalised alike ([`crate::terms::normaliser`]: NFKC, case folding,
//! traditional → simplified Chinese, links and mentions removed, hashtags kept), so
//! `後門` finds `后门` and `BACKDOOR` finds `backdoor`. A term whose first character is a
//! letter of a spaced script (Latin, Cyrillic, Hangul, ...) must start a word: the
//! character before it is not a letter (`backdoor` matches `backdoors`, `#H20backdoor`
//! and `backdoor's`, but not `nobackdoor`; `ai` does not match `said`). Other terms
//! (Chinese, Japanese, Thai, symbols) match anywhere.

use crate::terms::normaliser;
use lockstep_model::{PostIdx, PostTable};
use lockstep_similar::shingle::is_unspaced;
use memchr::memmem::Finder;
use rayon::prelude::*;

/// Parse a `--watch` value: terms separated by commas (`,` or `，`), or `@FILE` with one
/// term per line (blank lines and lines starting with `#` are skipped; commas inside a
/// line are kept). Terms are trimmed; duplicates (after normalisation) are dropped.
pub fn parse_watch(spec: &str) -> std::io::Result<Vec<String>> {
    let raw: Vec<String> = if let Some(path) = spec.strip_prefix('@') {
        std::fs::read_to_string(path.trim())?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect()
    } else {
        spec.split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    Ok(watch_terms(raw))
}

/// Terms given as a list (a config file's array): trimmed, with those empty after
/// normalisation and duplicates (after normalisation) dropped. Commas inside a term are kept.
pub fn watch_terms<S: AsRef<str>>(terms: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut n = normaliser();
    let mut seen = std::collections::HashSet::new();
    terms
        .into_iter()
        .map(|t| t.as_ref().trim().to_string())
        .filter(|t| {
            let k = n.normalise(t);
            !k.is_empty() && seen.insert(k)
        })
        .collect()
}

/// Compiled watch terms.
pub struct Watch {
    /// Terms as given.
    pub terms: Vec<String>,
    /// Normalised forms.
    pub keys: Vec<String>,
    word_start: Vec<bool>,
    finders: Vec<Finder<'static>>,
}

impl Watch {
    /// Compile `terms` (empty ones are kept but never match).
    pub fn new(terms: &[String]) -> Self {
        let mut n = normaliser();
        let keys: Vec<String> = terms.iter().map(|t| n.normalise(t)).collect();
        let word_start = keys
            .iter()
            .map(|k| {
                k.chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() && !is_unspaced(c) && !c.is_ascii_digit())
            })
            .collect();
        let finders = keys
            .iter()
            .map(|k| Finder::new(k.as_bytes()).into_owned())
            .collect();
        Self {
            terms: terms.to_vec(),
            keys,
            word_start,
            finders,
        }
    }

    /// Indices of the terms found in a normalised text, appended to `out`.
    pub fn matches(&self, norm: &str, out: &mut Vec<u32>) {
        let bytes = norm.as_bytes();
        for (i, f) in self.finders.iter().enumerate() {
            if self.keys[i].is_empty() {
                continue;
            }
            let found = if self.word_start[i] {
                f.find_iter(bytes).any(|at| {
                    !norm[..at]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphabetic)
                })
            } else {
                f.find(bytes).is_some()
            };
            if found {
                out.push(i as u32);
            }
        }
    }

    /// Posts matching each term: (term, post) pairs sorted by term then post.
    pub fn scan(&self, table: &PostTable) -> Vec<(u32, PostIdx)> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        let n = table.len();
        let mut pairs: Vec<(u32, PostIdx)> = (0..n)
            .collect::<Vec<_>>()
            .par_chunks(4096)
            .flat_map_iter(|chunk| {
                let mut nz = normaliser();
                let mut buf = String::new();
                let mut hits = Vec::new();
                let mut out = Vec::new();
                for &p in chunk {
                    nz.normalise_into(table.text(p as PostIdx), &mut buf);
                    hits.clear();
                    self.matches(&buf, &mut hits);
                    out.extend(hits.iter().map(|&t| (t, p as PostIdx)));
                }
                out
            })
            .collect();
        pairs.par_sort_unstable();
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(w: &Watch, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        w.matches(&normaliser().normalise(text), &mut out);
        out
    }

    #[test]
    fn chinese_and_english_terms() {
        let w = Watch::new(&parse_watch("后门, backdoor，远程关闭,AI").unwrap());
        assert_eq!(w.terms, ["后门", "backdoor", "远程关闭", "AI"]);
        assert_eq!(m(&w, "H20芯片存在後門，能遠程關閉"), [0, 2]);
        assert_eq!(m(&w, "#英伟达后门# 细思极恐"), [0]);
        assert_eq!(m(&w, "Nvidia BACKDOORS? #H20backdoor"), [1]);
        assert_eq!(m(&w, "no backdoor's here"), [1]);
        assert_eq!(m(&w, "nobackdoor"), Vec::<u32>::new());
        assert_eq!(m(&w, "she said so"), Vec::<u32>::new());
        assert_eq!(m(&w, "AI chips"), [3]);
        // Links and mentions are not text.
        assert_eq!(
            m(&w, "see https://x.com/backdoor @backdoor"),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn files_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("terms.txt");
        std::fs::write(
            &f,
            "# watch list\n后门\n\n後門\nremote shutdown, kill switch\n",
        )
        .unwrap();
        let t = parse_watch(&format!("@{}", f.display())).unwrap();
        assert_eq!(t, ["后门", "remote shutdown, kill switch"]);
        assert!(parse_watch("@/nonexistent/file").is_err());
        assert_eq!(parse_watch(" , ,").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn listed_terms_keep_their_commas() {
        let t = watch_terms([" remote shutdown, kill switch ", "後門", "后门", "  "]);
        assert_eq!(t, ["remote shutdown, kill switch", "後門"]);
        let w = Watch::new(&t);
        assert_eq!(m(&w, "a remote shutdown, kill switch inside"), [0]);
        assert_eq!(m(&w, "a kill switch inside"), Vec::<u32>::new());
    }
}
