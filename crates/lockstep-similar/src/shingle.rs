//! Script-aware shingles.
//!
//! A normalised text is cut into *units*: in scripts written without spaces between words
//! (Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan, Yi) every character is a unit, with any
//! combining marks attached; everywhere else a unit is a word, a maximal run of letters,
//! digits, marks and underscores, where an apostrophe between letters (`don't`, `it’s`)
//! and a `.` or `,` between digits (`3.14`, `1,000`) stay inside the word. Punctuation,
//! symbols, emoji and spaces only separate units. A post mixing scripts gets both kinds
//! (`美国芯片 h20 有后门` is `美 国 芯 片 h20 有 后 门`).
//!
//! The shingles of a text are its unit n-grams for n = 1..=`max_n` (default 2: characters
//! and character bigrams in Chinese, words and word bigrams in English). Bigrams make
//! the set order-sensitive (a scrambled sentence shares its characters but almost none of
//! its bigrams), unigrams keep one edit from costing more than its neighbourhood.
//! Shingles are 32-bit hashes, sorted and distinct; two distinct shingles of a pair collide
//! with probability about 2^-32 each, far below anything that moves a Jaccard threshold.

/// Splitmix64's finaliser.
#[inline]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// True for scripts written without spaces between words.
#[inline]
pub fn is_unspaced(c: char) -> bool {
    let u = c as u32;
    if u < 0x0E00 {
        return false;
    }
    matches!(u,
        0x0E00..=0x0EFF          // Thai, Lao
        | 0x0F00..=0x0FFF        // Tibetan
        | 0x1000..=0x109F        // Myanmar
        | 0x1780..=0x17FF        // Khmer
        | 0x19E0..=0x19FF        // Khmer symbols
        | 0x2E80..=0x2FDF        // CJK and Kangxi radicals
        | 0x3005..=0x3007        // 々 〆 〇
        | 0x3021..=0x3029        // Hangzhou numerals
        | 0x3031..=0x3035        // kana repeat marks
        | 0x3038..=0x303C
        | 0x3040..=0x30FF        // Hiragana, Katakana
        | 0x3100..=0x312F        // Bopomofo
        | 0x31A0..=0x31FF        // Bopomofo ext, Katakana ext
        | 0x3400..=0x4DBF        // CJK ext A
        | 0x4E00..=0x9FFF        // CJK unified
        | 0xA000..=0xA4CF        // Yi
        | 0xAA60..=0xAA7F        // Myanmar ext A
        | 0xF900..=0xFAFF        // CJK compatibility
        | 0xFF66..=0xFF9F        // half-width katakana
        | 0x16FE0..=0x16FFF
        | 0x1B000..=0x1B16F      // kana supplement and extensions
        | 0x20000..=0x323AF // CJK ext B..H
    )
}

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// An apostrophe between letters, or a `.` or `,` between digits, continues a word.
#[inline]
fn joins_word(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let (Some(p), Some(n)) = (prev, next) else {
        return false;
    };
    if is_unspaced(n) {
        return false;
    }
    (is_apostrophe(c) && p.is_alphabetic() && n.is_alphabetic())
        || (matches!(c, '.' | ',') && p.is_ascii_digit() && n.is_ascii_digit())
}

const CHAR_SEED: u64 = 0x9e37_79b9_7f4a_7c15;
const WORD_SEED: u64 = 0x2545_f491_4f6c_dd1d;
const STEP: u64 = 0x0000_0100_0000_01b3;

/// Cut a normalised text into unit hashes, appended to `out`.
pub fn units(text: &str, out: &mut Vec<u64>) {
    // Hash of the unit being built, and what kind it is.
    let mut h = 0u64;
    let mut open: Option<bool> = None; // Some(true): a character unit; Some(false): a word
    let close = |h: &mut u64, open: &mut Option<bool>, out: &mut Vec<u64>| {
        if let Some(is_char) = open.take() {
            out.push(mix64(*h ^ if is_char { CHAR_SEED } else { WORD_SEED }));
        }
        *h = 0;
    };
    let mut chars = text.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        let mark = unicode_normalization::char::is_combining_mark(c);
        if mark && open.is_some() {
            // Combining marks extend the unit they follow (Thai vowels, Devanagari
            // matras, accents left decomposed).
            h = (h ^ c as u64).wrapping_mul(STEP);
        } else if is_unspaced(c) && (is_word_char(c) || mark) {
            close(&mut h, &mut open, out);
            h = (c as u64).wrapping_mul(STEP);
            open = Some(true);
        } else if is_word_char(c) || mark {
            if open == Some(true) {
                close(&mut h, &mut open, out);
            }
            h = (h ^ c as u64).wrapping_mul(STEP);
            open = Some(false);
        } else if open == Some(false) && joins_word(prev, c, chars.peek().copied()) {
            // Inside a word: `don't` -> `dont`, `3.14` keeps its point.
            if !is_apostrophe(c) {
                h = (h ^ c as u64).wrapping_mul(STEP);
            }
        } else {
            close(&mut h, &mut open, out);
        }
        prev = Some(c);
    }
    close(&mut h, &mut open, out);
}

/// The shingles of a unit sequence: hashes of its n-grams for n = 1..=`max_n`, sorted and
/// distinct, into `out` (cleared first).
pub fn shingles(units: &[u64], max_n: usize, out: &mut Vec<u32>) {
    out.clear();
    for i in 0..units.len() {
        let mut h = units[i];
        out.push((h >> 32) as u32);
        for (k, &u) in units[i + 1..].iter().enumerate().take(max_n.max(1) - 1) {
            h = mix64(h.rotate_left(23) ^ u ^ (k as u64 + 1).wrapping_mul(CHAR_SEED));
            out.push((h >> 32) as u32);
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// Jaccard similarity of two sorted, distinct sets.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = intersection(a, b);
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Size of the intersection of two sorted, distinct sets.
pub fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    n
}

/// [`intersection`] of `a` and `b` when it is at least `need`; `None` as soon as what is
/// left of the shorter remainder cannot bring it there.
pub fn intersection_reaching(a: &[u32], b: &[u32], need: usize) -> Option<usize> {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if n + (a.len() - i).min(b.len() - j) < need {
            return None;
        }
        let (x, y) = (a[i], b[j]);
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    (n >= need).then_some(n)
}

/// The least intersection at which two sets of `a` and `b` elements have a Jaccard
/// similarity of at least `threshold`, computed as [`jaccard`] computes it
/// (`inter / (a + b - inter)` in `f64`); `a.min(b) + 1` when none has.
pub fn min_intersection(a: usize, b: usize, threshold: f64) -> usize {
    let passes = |k: usize| k < a + b && k as f64 / (a + b - k) as f64 >= threshold;
    let most = a.min(b);
    // The exact bound, then a step or two for rounding.
    let mut k = ((threshold * (a + b) as f64 / (1.0 + threshold))
        .floor()
        .max(0.0) as usize)
        .min(most + 1);
    while k > 0 && passes(k - 1) {
        k -= 1;
    }
    while k <= most && !passes(k) {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_count(s: &str) -> usize {
        let mut v = Vec::new();
        units(s, &mut v);
        v.len()
    }

    fn sh(s: &str) -> Vec<u32> {
        let mut u = Vec::new();
        units(s, &mut u);
        let mut out = Vec::new();
        shingles(&u, 2, &mut out);
        out
    }

    #[test]
    fn min_intersection_is_where_jaccard_reaches_the_threshold() {
        for t in [0.0, 0.3, 0.5, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0] {
            for a in 1..40usize {
                for b in 1..40usize {
                    let need = min_intersection(a, b, t);
                    for k in 0..=a.min(b) {
                        let j = k as f64 / (a + b - k) as f64;
                        assert_eq!(j >= t, k >= need, "t {t} a {a} b {b} k {k}");
                    }
                }
            }
        }
    }

    #[test]
    fn units_fit_the_script() {
        assert_eq!(unit_count("american chips, american control!"), 4);
        assert_eq!(unit_count("美国芯片,美国控制!"), 8);
        assert_eq!(unit_count("美国芯片 h20 有后门"), 8);
        assert_eq!(unit_count("カタカナの投稿です"), 9);
        assert_eq!(unit_count("все на выборы!"), 3);
        assert_eq!(unit_count("الرئيس يزور المدينة"), 3);
        // Thai: one unit per consonant, vowel marks attached.
        assert_eq!(unit_count("สวัสดี"), 4);
        assert_eq!(unit_count("don't stop, it’s 3.14 or 1,000 'quoted'"), 7);
        assert_eq!(unit_count("🔥🔥 ... !!!"), 0);
        assert_eq!(unit_count(""), 0);
    }

    #[test]
    fn same_words_same_units() {
        // A word is a word wherever it stands.
        assert_eq!(sh("chips control"), sh("chips, control!"));
        assert_eq!(sh("美国芯片"), sh("美国 芯片"));
        assert_ne!(sh("美国"), sh("国美"));
    }

    #[test]
    fn scrambled_chinese_is_not_similar() {
        let a = sh("美国芯片,美国控制!");
        let b = sh("国美片芯,国美制控!");
        // Same characters, no shared bigram.
        let j = jaccard(&a, &b);
        assert!(j < 0.5, "{j}");
    }

    #[test]
    fn jaccard_basics() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[], &[]), 1.0);
        assert_eq!(jaccard(&[1], &[]), 0.0);
        assert_eq!(intersection(&[1, 3, 5, 7], &[3, 4, 5, 6, 7]), 3);
        assert_eq!(
            intersection_reaching(&[1, 3, 5, 7], &[3, 4, 5, 6, 7], 3),
            Some(3)
        );
        assert_eq!(
            intersection_reaching(&[1, 3, 5, 7], &[3, 4, 5, 6, 7], 4),
            None
        );
        assert_eq!(intersection_reaching(&[1, 2], &[3, 4], 0), Some(0));
    }
}
