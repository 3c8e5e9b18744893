//! Traditional → simplified Chinese, one character at a time.
//!
//! The table comes from OpenCC's dictionaries (Apache-2.0) as shipped by the `hanconv`
//! crate (MIT): `TSCharacters` (traditional → simplified; where OpenCC lists several
//! candidates, the first, its default), and the Taiwan and Hong Kong variant tables
//! (`TWVariants`, `HKVariants`) read backwards, so that a regional variant folds as its
//! standard traditional form does (`裡`/`裏` → `里`, `爲`/`為` → `为`, `衛`/`衞` → `卫`).
//! A variant entry is used only when the standard form it leads to has a simplified form,
//! so no common character is ever folded into a rarer one.
//!
//! Folding is per character on purpose: near-duplicate detection needs both sides to fold
//! the same way, not a context-correct conversion. Phrase-level conversion (OpenCC's
//! `TSPhrases`) would make the fold depend on neighbouring characters, which an edit
//! could change.

use hanconv::RawDictionary;
use std::sync::OnceLock;

/// Dense table for the CJK Unified Ideographs and Extension A (U+3400..=U+9FFF), where
/// nearly every entry lives; the few others are looked up in a sorted list.
const DENSE_START: u32 = 0x3400;
const DENSE_END: u32 = 0xA000;

struct Table {
    dense: Vec<char>,
    sparse: Vec<(char, char)>,
}

fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn build() -> Table {
    let mut map: hashbrown::HashMap<char, char> = hashbrown::HashMap::new();
    for (k, v) in RawDictionary::TSCharacters.iter() {
        if let (Some(k), Some(v)) = (single(k), single(v)) {
            if k != v {
                map.entry(k).or_insert(v);
            }
        }
    }
    // Regional variants: standard traditional -> regional form; read backwards.
    let mut extra = Vec::new();
    for dict in [RawDictionary::TWVariants, RawDictionary::HKVariants] {
        for line in dict.lines() {
            let mut it = line.split_whitespace();
            let Some(std_form) = it.next().and_then(single) else {
                continue;
            };
            let Some(&simp) = map.get(&std_form) else {
                continue;
            };
            for variant in it.filter_map(single) {
                if variant != std_form && variant != simp && !map.contains_key(&variant) {
                    extra.push((variant, simp));
                }
            }
        }
    }
    for (k, v) in extra {
        map.entry(k).or_insert(v);
    }
    // Make the fold idempotent: follow chains (a -> b -> c) to their end.
    let resolve = |mut c: char| {
        for _ in 0..4 {
            match map.get(&c) {
                Some(&n) if n != c => c = n,
                _ => break,
            }
        }
        c
    };
    let mut dense: Vec<char> = (DENSE_START..DENSE_END)
        .map(|u| char::from_u32(u).unwrap_or('\u{FFFD}'))
        .collect();
    let mut sparse = Vec::new();
    for &k in map.keys() {
        let v = resolve(k);
        let u = k as u32;
        if (DENSE_START..DENSE_END).contains(&u) {
            dense[(u - DENSE_START) as usize] = v;
        } else {
            sparse.push((k, v));
        }
    }
    sparse.sort_unstable();
    Table { dense, sparse }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// The simplified form of `c`, or `c` itself.
#[inline]
pub fn t2s(c: char) -> char {
    let u = c as u32;
    if u < 0x2E80 {
        return c;
    }
    let t = table();
    if (DENSE_START..DENSE_END).contains(&u) {
        return t.dense[(u - DENSE_START) as usize];
    }
    match t.sparse.binary_search_by_key(&c, |&(k, _)| k) {
        Ok(i) => t.sparse[i].1,
        Err(_) => c,
    }
}

/// Fold every character of `s` (for tests and callers outside the normaliser).
pub fn t2s_str(s: &str) -> String {
    s.chars().map(t2s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_traditional_and_regional_variants() {
        assert_eq!(
            t2s_str("美國晶片，美國控制！後門"),
            "美国晶片，美国控制！后门"
        );
        assert_eq!(t2s_str("臺灣 台灣 颱風"), "台湾 台湾 台风");
        assert_eq!(t2s_str("裡裏"), "里里");
        assert_eq!(t2s_str("爲為"), "为为");
        assert_eq!(t2s_str("說説"), "说说");
        // Simplified text, kana, Latin and emoji are unchanged.
        let s = "美国芯片后门 カタカナ ひらがな abc 🇨🇳";
        assert_eq!(t2s_str(s), s);
    }

    #[test]
    fn fold_is_idempotent_and_keeps_common_characters() {
        let t = table();
        let mut n = 0;
        for u in 0x2E80..0x32000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let f = t2s(c);
            assert_eq!(t2s(f), f, "{c} -> {f} -> {}", t2s(f));
            n += (f != c) as usize;
        }
        assert!(n > 3000, "only {n} characters fold");
        assert!(t.sparse.len() < 1000);
        // Common simplified characters never fold into something else.
        for c in "吃只干后发台里面云松制卫说为国".chars() {
            assert_eq!(t2s(c), c, "{c}");
        }
    }
}
