//! coordination-network-toolkit 1.5.2's `co_similar_tweet`, exactly.
//!
//! The toolkit tokenises each non-repost message once (`similarity.tokenize`):
//!
//! ```text
//! words = sorted(set(t for t in word_tokenizer.split(social_media_cleaner.sub("", text.lower())) if t))
//! token_set = " ".join(words)
//! ```
//!
//! with `social_media_cleaner = regex.compile(r"@.*?(?=(?:\s|$))")` (an `@` and everything
//! up to the next white space) and `word_tokenizer = regex.compile(r"\b\p{Word_Break=WSegSpace}*'?",
//! flags=WORD|UNICODE|V1)`: the text is split at every UAX #29 word boundary, and the
//! separator swallows the spaces (WSegSpace) and one apostrophe that follow the boundary.
//! Punctuation marks, emoji and every Han character become tokens of their own. The
//! similarity is then computed on `set(token_set.split())`, so a token containing white
//! space (a tab, a newline, a no-break space) is split again and white space disappears.
//!
//! `compute_co_similar_tweet` compares every pair of non-repost messages with
//! `|dt| <= window` and keeps those with `similarity(a, b) >= threshold`; the toolkit's
//! command line passes `similarity_function = MinDocSizeSimilarity(1)` (its
//! `--min_document_size_similarity` default), which scores 0 when either set has fewer than
//! one token. The directed weight A->B is the number of distinct A messages with at least
//! one matching B message, self-loops are dropped and `min_edge_weight` applies: exactly the
//! kernel's `hit` counting, which [`lockstep_networks::cnt::network_matching`] provides.
//!
//! Here every non-repost post's set is computed once, as sorted 64-bit hashes of the
//! token strings, and the pair predicate is a merge of two sorted arrays.

use lockstep_model::{PostIdx, PostTable, NONE};
use lockstep_networks::cnt::{network_matching, DirectedEdge};
use lockstep_networks::NetworkParams;
use lockstep_traces::{Behaviour, Event, ObjectSpace, Semantics, Trace};
use rayon::prelude::*;
use std::hash::BuildHasher;
use unicode_segmentation::UnicodeSegmentation;

/// The command line's default `--similarity_threshold` (the Python function's own default
/// is 0.9; lockstep follows the command line, as users run it).
pub const CNT_DEFAULT_THRESHOLD: f64 = 0.8;
/// The command line's default `--min_document_size_similarity`.
pub const CNT_DEFAULT_MIN_TOKENS: f64 = 1.0;

/// Unicode `Word_Break=WSegSpace`.
#[inline]
pub fn is_wseg_space(c: char) -> bool {
    matches!(c, ' ' | '\u{1680}' | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{205F}' | '\u{3000}')
}

/// `social_media_cleaner.sub("", text.lower())`: lower-case, then remove every `@` and
/// what follows it up to (not including) the next white space (`regex`'s `\s`, which is
/// Unicode White_Space: unlike `str.isspace` it excludes U+001C..U+001F).
pub fn clean_lower(text: &str, out: &mut String) {
    out.clear();
    let mut in_mention = false;
    let mut push = |c: char, out: &mut String| {
        if in_mention {
            if c.is_whitespace() {
                in_mention = false;
            } else {
                return;
            }
        }
        if c == '@' {
            in_mention = true;
        } else {
            out.push(c);
        }
    };
    if text.is_ascii() {
        if !text.contains('@') {
            out.push_str(text);
            out.make_ascii_lowercase();
            return;
        }
        for b in text.bytes() {
            push(b.to_ascii_lowercase() as char, out);
        }
    } else {
        // `str::to_lowercase` applies the final-sigma rule like Python's `str.lower`.
        for c in text.to_lowercase().chars() {
            push(c, out);
        }
    }
}

/// The non-empty pieces of `word_tokenizer.split(cleaned)`, in order (with repeats).
pub fn split_tokens<'a>(cleaned: &'a str, emit: impl FnMut(&'a str)) {
    if cleaned.is_ascii() {
        split_at_bounds(cleaned, AsciiBounds::new(cleaned.as_bytes()), emit)
    } else {
        split_at_bounds(
            cleaned,
            cleaned.split_word_bound_indices().map(|(b, _)| b),
            emit,
        )
    }
}

/// The split itself: the `regex` module finds a match at every boundary it reaches (an
/// empty one, or the spaces and apostrophe after it) and resumes after the match.
fn split_at_bounds<'a>(
    cleaned: &'a str,
    bounds: impl Iterator<Item = usize>,
    mut emit: impl FnMut(&'a str),
) {
    let bytes = cleaned.as_bytes();
    // Start of the current piece, and the first position a match may start at.
    let mut piece_start = 0usize;
    let mut search = 0usize;
    let mut take = |from: usize, to: usize| {
        if to > from {
            emit(&cleaned[from..to]);
        }
    };
    for b in bounds.chain(std::iter::once(cleaned.len())) {
        if b < search {
            continue;
        }
        // A match at boundary `b`: WSegSpace* then an optional apostrophe.
        let mut e = b;
        while let Some(c) = cleaned[e..].chars().next() {
            if is_wseg_space(c) {
                e += c.len_utf8();
            } else {
                break;
            }
        }
        if bytes.get(e) == Some(&b'\'') {
            e += 1;
        }
        take(piece_start, b);
        piece_start = e;
        search = if e > b { e } else { b + 1 };
    }
    take(piece_start, cleaned.len());
}

/// Word_Break classes of the ASCII characters (after lower-casing).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wb {
    Cr,
    Lf,
    Newline,
    Space,
    Letter,
    Numeric,
    ExtendNumLet,
    MidLetter,
    MidNum,
    MidNumLetQ,
    Other,
}

const fn wb_of(b: u8) -> Wb {
    match b {
        b'\r' => Wb::Cr,
        b'\n' => Wb::Lf,
        0x0b | 0x0c => Wb::Newline,
        b' ' => Wb::Space,
        b'a'..=b'z' | b'A'..=b'Z' => Wb::Letter,
        b'0'..=b'9' => Wb::Numeric,
        b'_' => Wb::ExtendNumLet,
        b':' => Wb::MidLetter,
        b',' | b';' => Wb::MidNum,
        b'.' | b'\'' => Wb::MidNumLetQ,
        _ => Wb::Other,
    }
}

const WB_TABLE: [Wb; 128] = {
    let mut t = [Wb::Other; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = wb_of(i as u8);
        i += 1;
    }
    t
};

#[inline(always)]
fn wb(b: u8) -> Wb {
    WB_TABLE[(b & 0x7f) as usize]
}

/// UAX #29 word boundaries of an ASCII string, restricted to the rules that ASCII can
/// trigger (WB3..WB3d, WB5..WB13b); the start of the text included, its end not. Tested
/// against `unicode-segmentation` on random ASCII strings.
struct AsciiBounds<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> AsciiBounds<'a> {
    fn new(s: &'a [u8]) -> Self {
        Self { s, i: 0 }
    }

    #[inline(always)]
    fn class(&self, i: usize) -> Option<Wb> {
        self.s.get(i).map(|&b| wb(b))
    }

    /// No break between `i - 1` and `i`.
    #[inline(always)]
    fn keep(&self, i: usize) -> bool {
        use Wb::*;
        let (l, r) = (wb(self.s[i - 1]), wb(self.s[i]));
        match (l, r) {
            (Cr, Lf) => true,
            (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => false,
            (Space, Space) => true,
            (Letter, Letter) | (Numeric, Numeric) | (Letter, Numeric) | (Numeric, Letter) => true,
            (Letter, MidLetter | MidNumLetQ) => self.class(i + 1) == Some(Letter),
            (MidLetter | MidNumLetQ, Letter) => i >= 2 && self.class(i - 2) == Some(Letter),
            (Numeric, MidNum | MidNumLetQ) => self.class(i + 1) == Some(Numeric),
            (MidNum | MidNumLetQ, Numeric) => i >= 2 && self.class(i - 2) == Some(Numeric),
            (Letter | Numeric | ExtendNumLet, ExtendNumLet) => true,
            (ExtendNumLet, Letter | Numeric) => true,
            _ => false,
        }
    }
}

impl Iterator for AsciiBounds<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.i == 0 {
            self.i = 1;
            return (!self.s.is_empty()).then_some(0);
        }
        while self.i < self.s.len() {
            let i = self.i;
            self.i += 1;
            if !self.keep(i) {
                return Some(i);
            }
        }
        None
    }
}

/// Python's `str.isspace`, which `str.split()` splits on.
#[inline]
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The toolkit's token set of `text` (the set its `similarity` function compares), sorted.
pub fn token_set(text: &str) -> Vec<String> {
    let mut cleaned = String::new();
    clean_lower(text, &mut cleaned);
    let mut out: Vec<String> = Vec::new();
    split_tokens(&cleaned, |t| {
        out.extend(
            t.split(py_space)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        )
    });
    out.sort();
    out.dedup();
    out
}

fn hasher() -> foldhash::quality::FixedState {
    foldhash::quality::FixedState::with_seed(0x636e_745f_7369_6d31)
}

/// Sorted, distinct 64-bit hashes of the toolkit's tokens of `text`, into `out`.
pub fn token_hashes(text: &str, cleaned: &mut String, out: &mut Vec<u64>) {
    out.clear();
    clean_lower(text, cleaned);
    let h = hasher();
    // Tokens of up to 7 bytes are packed with their length (distinct tokens, distinct
    // values) and mixed; longer ones are hashed.
    let hash = |t: &str| -> u64 {
        let b = t.as_bytes();
        if b.len() < 8 {
            let mut v = (b.len() as u64) << 56;
            for (i, &x) in b.iter().enumerate() {
                v |= (x as u64) << (8 * i);
            }
            crate::shingle::mix64(v)
        } else {
            h.hash_one(t)
        }
    };
    split_tokens(cleaned, |t| {
        if t.bytes()
            .any(|b| b.is_ascii_whitespace() || b >= 0x80 || (0x1c..=0x1f).contains(&b))
            && t.contains(py_space)
        {
            out.extend(t.split(py_space).filter(|p| !p.is_empty()).map(hash))
        } else {
            out.push(hash(t))
        }
    });
    out.sort_unstable();
    out.dedup();
}

/// The toolkit's similarity of two sorted token-hash sets under `MinDocSizeSimilarity(min_tokens)`
/// (`min_tokens <= 0` selects its plain `similarity`, which the toolkit would divide by zero
/// on two empty sets; here that scores 0).
pub fn similarity(a: &[u64], b: &[u64], min_tokens: f64) -> f64 {
    if (a.len() as f64) < min_tokens || (b.len() as f64) < min_tokens {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    if union == 0 {
        return 0.0;
    }
    inter as f64 / union as f64
}

/// Token sets of every post, for the pair predicate.
///
/// Beside each set sits a 64-bit mask with bit `h % 64` set for every token hash `h`.
/// A bit that is set in A's mask and not in B's comes from at least one token of A that B
/// lacks, so `|A ∩ B| <= |A| - popcount(mask_A & !mask_B)` (and the same from B's side):
/// an upper bound on the Jaccard similarity that rejects most pairs in a few instructions
/// before the exact comparison of the sorted sets.
pub struct CntTokenSets {
    ends: Vec<u32>,
    hashes: Vec<u64>,
    masks: Vec<u64>,
    /// Pairs score at least this to match.
    pub threshold: f64,
    /// Sets smaller than this score 0.
    pub min_tokens: f64,
}

impl CntTokenSets {
    /// Tokenise every non-repost post of `table` (reposts get an empty set).
    pub fn new(table: &PostTable, threshold: f64, min_tokens: f64) -> Self {
        let n = table.len();
        let chunk = 4096;
        let parts: Vec<(Vec<u32>, Vec<u64>)> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|c| {
                let mut lens = Vec::with_capacity(chunk);
                let mut all = Vec::new();
                let mut cleaned = String::new();
                let mut set = Vec::new();
                for p in c * chunk..((c + 1) * chunk).min(n) {
                    let p = p as PostIdx;
                    if table.repost_of(p) == NONE {
                        token_hashes(table.text(p), &mut cleaned, &mut set);
                        all.extend_from_slice(&set);
                    } else {
                        set.clear();
                    }
                    lens.push(set.len() as u32);
                }
                (lens, all)
            })
            .collect();
        let total: usize = parts.iter().map(|p| p.1.len()).sum();
        let mut ends = Vec::with_capacity(n);
        let mut hashes = Vec::with_capacity(total);
        let mut end = 0u32;
        for (lens, all) in parts {
            for l in lens {
                end += l;
                ends.push(end);
            }
            hashes.extend_from_slice(&all);
        }
        let masks = (0..n)
            .into_par_iter()
            .map(|p| {
                let start = if p == 0 { 0 } else { ends[p - 1] as usize };
                hashes[start..ends[p] as usize]
                    .iter()
                    .fold(0u64, |m, &h| m | 1 << (h % 64))
            })
            .collect();
        Self {
            ends,
            hashes,
            masks,
            threshold,
            min_tokens,
        }
    }

    /// The token set of `post`.
    pub fn get(&self, post: PostIdx) -> &[u64] {
        let i = post as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.hashes[start..self.ends[i] as usize]
    }

    /// True if the two posts are similar enough under the toolkit's rule.
    #[inline]
    pub fn matches(&self, a: PostIdx, b: PostIdx) -> bool {
        let (sa, sb) = (self.get(a), self.get(b));
        let (la, lb) = (sa.len(), sb.len());
        if (la as f64) >= self.min_tokens && (lb as f64) >= self.min_tokens && la + lb > 0 {
            let (ma, mb) = (self.masks[a as usize], self.masks[b as usize]);
            let only_a = (ma & !mb).count_ones() as usize;
            let only_b = (mb & !ma).count_ones() as usize;
            let inter_max = (la - only_a).min(lb - only_b);
            // Jaccard grows with the intersection, so this bounds it from above.
            let bound = inter_max as f64 / (la + lb - inter_max) as f64;
            if bound < self.threshold {
                return false;
            }
        }
        similarity(sa, sb, self.min_tokens) >= self.threshold
    }
}

/// The trace the toolkit compares: every non-repost post, all on one object.
pub fn cnt_trace(table: &PostTable) -> Trace {
    let events: Vec<Event> = (0..table.len() as PostIdx)
        .filter(|&p| table.repost_of(p) == NONE && table.has_author(p))
        .map(|p| Event {
            time: table.time(p),
            object: 0,
            account: table.author(p),
            post: p,
        })
        .collect();
    let mut events = events;
    events.par_sort_unstable_by_key(|e| (e.object, e.time, e.post));
    Trace {
        behaviour: Behaviour::CoSimilar,
        semantics: Semantics::Cnt,
        events,
        space: ObjectSpace::Single("*"),
        multi_object_posts: false,
    }
}

/// The toolkit's co_similar_tweet network of [`cnt_trace`]; `emit` receives the edges in
/// (source, target) order (see [`lockstep_networks::cnt::network_matching`]).
pub fn cnt_network(
    table: &PostTable,
    trace: &Trace,
    sets: &CntTokenSets,
    params: &NetworkParams,
    emit: impl FnMut(&[DirectedEdge]),
) {
    network_matching(
        table,
        trace,
        params,
        &|a: &Event, b: &Event| sets.matches(a.post, b.post),
        emit,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rnd(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    #[test]
    fn ascii_bounds_equal_uax29() {
        let alphabet = b"abzAZ09_ :,;.'\"\t\r\n\x0b\x0c-/#@&!?()";
        let mut x = 0x1234_5678_9abc_def1u64;
        for _ in 0..20_000 {
            let len = (rnd(&mut x) % 16) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(rnd(&mut x) % alphabet.len() as u64) as usize] as char)
                .collect();
            let ours: Vec<usize> = AsciiBounds::new(s.as_bytes()).collect();
            let theirs: Vec<usize> = s.split_word_bound_indices().map(|(b, _)| b).collect();
            assert_eq!(ours, theirs, "{s:?}");
        }
    }

    /// Token sets the toolkit computes (checked with coordination-network-toolkit 1.5.2).
    #[test]
    fn token_sets_of_the_toolkit() {
        let t = |s: &str| token_set(s).join(" ");
        assert_eq!(
            t("Hello, World! Don't stop."),
            "! , . don't hello stop world"
        );
        assert_eq!(t("'orange' is 'good'"), "good is orange");
        assert_eq!(t("美国芯片，美国控制！"), "制 国 控 片 美 芯 ！ ，");
        assert_eq!(t("国美片芯，国美制控！"), t("美国芯片，美国控制！"));
        assert_eq!(
            t("see https://t.co/abc?x=1&y=2 now"),
            "& / 1 2 : = ? abc https now see t.co x y"
        );
        assert_eq!(t("a  b\t\tc\n\nd"), "a b c d");
        assert_eq!(
            t("3.14 1,000 U.S.A. e-mail foo_bar"),
            "- . 1,000 3.14 e foo_bar mail u.s.a"
        );
        assert_eq!(t("カタカナ ひらがな 漢字"), "が な ひ ら カタカナ 字 漢");
        assert_eq!(t("#hashtag @mention email@x.com"), "# email hashtag");
        assert_eq!(t("x\u{a0}y\u{3000}z\u{2007}w"), "w x y z");
        assert_eq!(t("don''t"), "don t");
        assert_eq!(t("@only"), "");
    }

    #[test]
    fn mask_bound_never_rejects_a_match() {
        let mut x = 99u64;
        let mut table = PostTable::new();
        let words = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        for p in 0..400 {
            let n = 1 + rnd(&mut x) % 8;
            let text: Vec<&str> = (0..n)
                .map(|_| words[(rnd(&mut x) % words.len() as u64) as usize])
                .collect();
            table.push(&lockstep_model::PostRecord {
                id: p.to_string(),
                author_id: "a".into(),
                text: text.join(" "),
                ..Default::default()
            });
        }
        for threshold in [0.0, 0.3, 0.5, 0.8, 1.0] {
            let sets = CntTokenSets::new(&table, threshold, 1.0);
            let mut matched = 0;
            for a in 0..400 {
                for b in 0..400 {
                    let exact = similarity(sets.get(a), sets.get(b), 1.0) >= threshold;
                    assert_eq!(sets.matches(a, b), exact, "{a} {b} at {threshold}");
                    matched += exact as usize;
                }
            }
            assert!(matched > 400);
        }
    }

    #[test]
    fn min_doc_size() {
        assert_eq!(similarity(&[], &[], 1.0), 0.0);
        assert_eq!(similarity(&[1], &[1], 1.0), 1.0);
        assert_eq!(similarity(&[1, 2], &[1, 2], 3.0), 0.0);
        assert_eq!(similarity(&[1, 2, 3], &[2, 3, 4], 0.0), 0.5);
    }
}
