//! [`RefKeys`]: the keys (platform, id) of posts and of the posts they reference, with
//! numeric ids kept as integers; [`PostId`]: a post's id as the input gave it.
//!
//! Post ids are the largest strings a table holds: one per post and per referenced post,
//! nearly all of them distinct. Most platforms number their posts (Twitter, Weibo, Telegram,
//! Mastodon), so most ids are decimal numbers of up to 20 digits; stored as text
//! (`platform\x1fid` in an interner arena, with an 8-byte end and a hash slot) a 19-digit
//! Twitter id took about 42 bytes. Here a numeric id is 8 bytes, a platform byte and a hash
//! slot, and interning it hashes one integer instead of a string. Ids that are not
//! canonical decimal numbers (`0123`, `LpHx5sKzT`, URLs) keep the old text form, so every id
//! reads back exactly as the input spelled it.

use crate::Interner;
use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::fmt;
use std::hash::BuildHasher;

/// Separates platform and id inside the text keys; never part of a platform name.
pub(crate) const KEY_SEP: char = '\u{1f}';

/// A post's id on its platform, exactly as the input spelled it: a canonical decimal
/// number (no sign, no leading zero, at most `u64::MAX`) or any other text.
///
/// Two ids are equal exactly when their spellings are: a number is never stored as
/// [`PostId::Text`]. [`fmt::Display`] writes the spelling; [`PostId::as_str`] gives it as a
/// `&str` through a small stack buffer.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostId<'a> {
    /// An id spelled as a canonical decimal number.
    Num(u64),
    /// Any other id.
    Text(&'a str),
}

impl<'a> PostId<'a> {
    /// The id's spelling; numbers are written into `buf`.
    pub fn as_str<'b>(self, buf: &'b mut itoa::Buffer) -> &'b str
    where
        'a: 'b,
    {
        match self {
            PostId::Num(n) => buf.format(n),
            PostId::Text(s) => s,
        }
    }

    /// The id's spelling, borrowed when it is text.
    pub fn to_cow(self) -> std::borrow::Cow<'a, str> {
        match self {
            PostId::Num(n) => std::borrow::Cow::Owned(itoa::Buffer::new().format(n).to_string()),
            PostId::Text(s) => std::borrow::Cow::Borrowed(s),
        }
    }

    /// The id `s` spells, as this type stores it.
    pub fn parse(s: &'a str) -> Self {
        canonical_u64(s).map_or(PostId::Text(s), PostId::Num)
    }
}

impl fmt::Display for PostId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str(&mut itoa::Buffer::new()))
    }
}

impl fmt::Debug for PostId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(&mut itoa::Buffer::new()), f)
    }
}

impl PartialEq<str> for PostId<'_> {
    fn eq(&self, other: &str) -> bool {
        match *self {
            PostId::Num(n) => canonical_u64(other) == Some(n),
            PostId::Text(s) => s == other,
        }
    }
}

impl PartialEq<&str> for PostId<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// The value of `s` when it is a canonical decimal number: ASCII digits only, no leading
/// zero (but `0` itself), at most `u64::MAX`. Anything else (`007`, `+1`, `1e3`, 21
/// digits) is not, and stays text, so that the id reads back as spelled.
fn canonical_u64(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 20 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// Platform byte of a symbol whose key is kept as text.
const TEXT: u8 = u8::MAX;

/// In the platform maps of [`RefKeys::intern_from`]: a platform not met yet.
pub(crate) const UNMAPPED: u16 = u16::MAX;

/// Interned (platform, post id) keys: each distinct key gets a dense `u32` symbol in order
/// of first appearance, as an [`Interner`] of `platform\x1fid` strings would give.
///
/// Numeric ids (see [`PostId`]) of the first 255 platforms are stored as integers, found
/// through a hash table of symbols; other keys go to an [`Interner`] of `platform\x1fid`.
#[derive(Clone)]
pub(crate) struct RefKeys {
    /// Per symbol: the numeric id, or the key's index in `text`.
    value: Vec<u64>,
    /// Per symbol: the platform's index in `platforms`, or [`TEXT`].
    platform: Vec<u8>,
    /// Platform names of numeric keys (an empty platform is `unknown`).
    platforms: Vec<String>,
    /// Keys kept as text, `platform\x1fid`.
    text: Interner,
    /// Per key of `text`: its symbol.
    text_sym: Vec<u32>,
    /// Symbols of numeric keys, hashed by (platform, value); a slot holds only the symbol.
    table: HashTable<u32>,
    state: FixedState,
}

impl Default for RefKeys {
    fn default() -> Self {
        Self {
            value: Vec::new(),
            platform: Vec::new(),
            platforms: Vec::new(),
            text: Interner::new(),
            text_sym: Vec::new(),
            table: HashTable::new(),
            state: FixedState::with_seed(0x7265_6673_6b65_7973),
        }
    }
}

impl fmt::Debug for RefKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefKeys")
            .field("len", &self.len())
            .field("text", &self.text.len())
            .finish()
    }
}

fn platform_name(platform: &str) -> &str {
    if platform.is_empty() {
        "unknown"
    } else {
        platform
    }
}

impl RefKeys {
    /// Forget every key, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.value.clear();
        self.platform.clear();
        self.platforms.clear();
        self.text.clear();
        self.text_sym.clear();
        self.table.clear();
    }

    /// Number of distinct keys.
    pub(crate) fn len(&self) -> usize {
        self.value.len()
    }

    /// The symbol of (platform, id), interning it first if it is new.
    pub(crate) fn intern(&mut self, platform: &str, id: &str) -> u32 {
        self.intern_id(platform, PostId::parse(id))
    }

    /// As [`RefKeys::intern`], for an id already parsed (another table's key).
    pub(crate) fn intern_id(&mut self, platform: &str, id: PostId<'_>) -> u32 {
        let platform = platform_name(platform);
        match id {
            PostId::Num(v) => match self.platform_index(platform) {
                Some(p) => self.intern_num(p, v),
                None => self.intern_text(platform, itoa::Buffer::new().format(v)),
            },
            PostId::Text(s) => self.intern_text(platform, s),
        }
    }

    /// The symbol here of `other`'s symbol `sym`, interning it first if it is new: what
    /// `intern_id(other.platform(sym), other.id(sym))` gives, without looking the platform
    /// name up for every key. `platforms` maps `other`'s platform indices to this one's as
    /// they are met (empty at first for each `other`; [`UNMAPPED`] where not met yet).
    #[inline]
    pub(crate) fn intern_from(
        &mut self,
        other: &RefKeys,
        sym: u32,
        platforms: &mut Vec<u16>,
    ) -> u32 {
        let s = sym as usize;
        let p = other.platform[s];
        if p == TEXT {
            return self.intern_id(other.platform(sym), other.id(sym));
        }
        let p = usize::from(p);
        if platforms.len() <= p {
            platforms.resize(p + 1, UNMAPPED);
        }
        if platforms[p] == UNMAPPED {
            // Past 255 platforms here, the other's numeric keys are text here.
            platforms[p] = self
                .platform_index(&other.platforms[p])
                .map_or(u16::from(TEXT), u16::from);
        }
        match u8::try_from(platforms[p]) {
            Ok(q) if q != TEXT => self.intern_num(q, other.value[s]),
            _ => self.intern_id(other.platform(sym), other.id(sym)),
        }
    }

    /// The index of a platform name for numeric keys, adding it if new; None past 255
    /// platforms (their keys are kept as text).
    fn platform_index(&mut self, platform: &str) -> Option<u8> {
        if let Some(i) = self.platforms.iter().position(|p| p == platform) {
            return u8::try_from(i).ok();
        }
        let i = u8::try_from(self.platforms.len())
            .ok()
            .filter(|&i| i != TEXT)?;
        self.platforms.push(platform.to_string());
        Some(i)
    }

    fn next_symbol(&self) -> u32 {
        u32::try_from(self.value.len()).expect("more than 2^32 post keys")
    }

    fn intern_num(&mut self, p: u8, v: u64) -> u32 {
        let Self {
            value,
            platform,
            table,
            state,
            ..
        } = self;
        let hash = state.hash_one((p, v));
        if let Some(&sym) = table.find(hash, |&s| {
            value[s as usize] == v && platform[s as usize] == p
        }) {
            return sym;
        }
        let sym = u32::try_from(value.len()).expect("more than 2^32 post keys");
        value.push(v);
        platform.push(p);
        // Growing hashes every numeric key again from the columns (slots keep no hash).
        table.insert_unique(hash, sym, |&s| {
            state.hash_one((platform[s as usize], value[s as usize]))
        });
        sym
    }

    fn intern_text(&mut self, platform: &str, id: &str) -> u32 {
        let mut key = String::with_capacity(platform.len() + 1 + id.len());
        key.push_str(platform);
        key.push(KEY_SEP);
        key.push_str(id);
        let known = self.text.len();
        let i = self.text.intern(&key);
        if (i as usize) < known {
            return self.text_sym[i as usize];
        }
        let sym = self.next_symbol();
        self.value.push(u64::from(i));
        self.platform.push(TEXT);
        self.text_sym.push(sym);
        sym
    }

    /// The id behind a symbol. Panics if `sym` did not come from these keys.
    pub(crate) fn id(&self, sym: u32) -> PostId<'_> {
        let s = sym as usize;
        match self.platform[s] {
            TEXT => {
                let key = self.text.resolve(self.value[s] as u32);
                PostId::Text(key.split_once(KEY_SEP).map_or(key, |(_, id)| id))
            }
            _ => PostId::Num(self.value[s]),
        }
    }

    /// The platform behind a symbol (`unknown` when the input did not say).
    pub(crate) fn platform(&self, sym: u32) -> &str {
        let s = sym as usize;
        match self.platform[s] {
            TEXT => {
                let key = self.text.resolve(self.value[s] as u32);
                key.split_once(KEY_SEP).map_or("unknown", |(p, _)| p)
            }
            p => &self.platforms[p as usize],
        }
    }

    /// Bytes held on the heap (columns by length, the hash table by capacity), as
    /// [`Interner::heap_bytes`] counts them.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.value.len() * std::mem::size_of::<u64>()
            + self.platform.len()
            + self.text.heap_bytes()
            + self.text_sym.len() * std::mem::size_of::<u32>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn numbers_are_canonical_spellings_only() {
        for (s, want) in [
            ("0", Some(0)),
            ("7", Some(7)),
            ("1234567890123456789", Some(1_234_567_890_123_456_789)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("99999999999999999999", None),
            ("123456789012345678901", None),
            ("007", None),
            ("00", None),
            ("", None),
            ("+1", None),
            ("-1", None),
            ("1e3", None),
            ("12a", None),
            (" 1", None),
            ("١٢", None),
        ] {
            assert_eq!(canonical_u64(s), want, "{s:?}");
        }
    }

    #[test]
    fn ids_read_back_as_spelled() {
        let mut k = RefKeys::default();
        let a = k.intern("twitter", "1234567890123456789");
        let b = k.intern("twitter", "007");
        let c = k.intern("", "42");
        let d = k.intern("weibo", "42");
        let e = k.intern("unknown", "42");
        assert_eq!(k.intern("twitter", "1234567890123456789"), a);
        assert_eq!((a, b, c, d), (0, 1, 2, 3));
        assert_eq!(e, c, "an empty platform is `unknown`");
        assert_eq!(k.id(a), PostId::Num(1_234_567_890_123_456_789));
        assert_eq!(k.id(a).to_string(), "1234567890123456789");
        assert_eq!(k.id(b), PostId::Text("007"));
        assert_eq!(k.id(b), "007");
        assert_ne!(k.id(b), "7");
        assert_eq!(k.platform(b), "twitter");
        assert_eq!(k.platform(c), "unknown");
        assert_eq!(k.platform(d), "weibo");
        assert_eq!(format!("{:?}", k.id(a)), "\"1234567890123456789\"");
        assert_eq!(format!("[{:>4}]", k.id(c)), "[  42]");
        assert_eq!(k.len(), 4);
    }

    #[test]
    fn past_255_platforms_numeric_keys_are_text() {
        let mut k = RefKeys::default();
        for p in 0..300 {
            let sym = k.intern(&format!("p{p}"), "5");
            assert_eq!(sym, p);
            assert_eq!(k.id(sym), "5");
            assert_eq!(k.platform(sym), format!("p{p}"));
        }
        assert_eq!(k.intern("p299", "5"), 299);
        assert_eq!(k.intern_id("p299", PostId::Num(5)), 299);
    }

    proptest::proptest! {
        /// Keys copied from another set of keys (whose platforms came in another order)
        /// get the symbols interning their platform and id gives.
        #[test]
        fn interning_from_other_keys_is_interning_their_ids(
            here in proptest::collection::vec((0u8..4, 0u64..50), 0..40),
            there in proptest::collection::vec((0u8..4, proptest::prop_oneof![
                (0u64..50).prop_map(|n| n.to_string()),
                "[0-9a]{1,3}",
            ]), 0..80),
        ) {
            let names = ["weibo", "", "twitter", "x"];
            let (mut a, mut b) = (RefKeys::default(), RefKeys::default());
            let mut other = RefKeys::default();
            for (p, n) in &here {
                let (id, p) = (n.to_string(), names[*p as usize]);
                a.intern(p, &id);
                b.intern(p, &id);
            }
            let syms: Vec<u32> = there
                .iter()
                .rev()
                .map(|(p, id)| other.intern(names[*p as usize], id))
                .collect();
            let mut map = Vec::new();
            for &sym in syms.iter().rev() {
                let want = a.intern_id(other.platform(sym), other.id(sym));
                proptest::prop_assert_eq!(b.intern_from(&other, sym, &mut map), want);
            }
            proptest::prop_assert_eq!(a.len(), b.len());
        }

        /// Against an [`Interner`] of `platform\x1fid` strings, the form these keys replace:
        /// the same symbols in the same order, and every id and platform read back, across
        /// the hash table's growth.
        #[test]
        fn agrees_with_a_string_interner(
            keys in proptest::collection::vec(
                (0u8..3, proptest::prop_oneof![
                    (0u64..2000).prop_map(|n| n.to_string()),
                    proptest::prelude::any::<u64>().prop_map(|n| n.to_string()),
                    "[0-9a-c]{0,4}",
                ]),
                0..3000,
            ),
        ) {
            let names = ["twitter", "", "weibo"];
            let mut k = RefKeys::default();
            let mut model = Interner::new();
            for (p, id) in &keys {
                let p = names[*p as usize];
                let want = model.intern(&format!("{}{KEY_SEP}{id}", platform_name(p)));
                proptest::prop_assert_eq!(k.intern(p, id), want);
            }
            proptest::prop_assert_eq!(k.len(), model.len());
            for (sym, key) in model.iter() {
                let (p, id) = key.split_once(KEY_SEP).unwrap_or_default();
                proptest::prop_assert_eq!(k.id(sym).to_string(), id);
                proptest::prop_assert_eq!(k.platform(sym), p);
                let again = k.id(sym).to_string();
                proptest::prop_assert_eq!(k.intern(p, &again), sym);
            }
        }
    }
}
