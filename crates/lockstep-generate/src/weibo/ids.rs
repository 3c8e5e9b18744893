//! Weibo identifiers: 16-digit mids, their base62 `bid`s, 10-digit numeric user ids (with
//! batch-registered runs of close ids), unique nicknames, and the 32-hex hashed ids of the
//! CHECKED-style part.

use std::collections::HashSet;

use rand::Rng;
use sha2::{Digest, Sha256};

use crate::sampling::{between, chance, index, pick};
use crate::timefmt::COLLECTION_START;

/// The mid of the collection's first second; mids grow by [`MIDS_PER_SECOND`] per second.
/// Real 2025 mids are 16-digit numbers starting with 51–52.
pub(crate) const MID_BASE: u64 = 5_190_000_000_000_000;
/// Mids reserved for each second of the collection.
pub(crate) const MIDS_PER_SECOND: u64 = 10_000;

/// The mid of the `seq`-th post of second `ts` (roughly time-ordered, as Weibo's are).
pub(crate) fn mid(ts: i64, seq: u64) -> u64 {
    let offset = (ts - COLLECTION_START).max(0) as u64;
    MID_BASE + offset * MIDS_PER_SECOND + seq.min(MIDS_PER_SECOND - 1)
}

/// Weibo's base62 alphabet (digits, lower case, upper case).
const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The `bid` of a mid, as in a post's URL (`weibo.com/<uid>/<bid>`): the decimal mid is cut
/// into groups of seven digits from the right and each group is written in base62, four
/// characters wide except the leftmost group. (Written here rather than taken from a crate:
/// no maintained crate does this conversion, and it is a dozen lines.)
pub fn bid(mid: u64) -> String {
    let digits = mid.to_string();
    let bytes = digits.as_bytes();
    let mut groups: Vec<&[u8]> = Vec::new();
    let mut end = bytes.len();
    while end > 0 {
        let start = end.saturating_sub(7);
        groups.push(&bytes[start..end]);
        end = start;
    }
    groups.reverse();
    let mut out = String::new();
    for (i, g) in groups.iter().enumerate() {
        let mut v: u64 = g.iter().fold(0, |acc, &d| acc * 10 + u64::from(d - b'0'));
        let mut chars = Vec::new();
        while v > 0 {
            chars.push(ALPHABET[(v % 62) as usize]);
            v /= 62;
        }
        if i > 0 {
            while chars.len() < 4 {
                chars.push(b'0');
            }
        }
        chars.reverse();
        out.push_str(std::str::from_utf8(&chars).unwrap_or(""));
    }
    out
}

/// The mid of a `bid` (the inverse of [`bid`]); `None` for a character outside the alphabet.
pub fn mid_of_bid(bid: &str) -> Option<u64> {
    let bytes = bid.as_bytes();
    let mut groups: Vec<&[u8]> = Vec::new();
    let mut end = bytes.len();
    while end > 0 {
        let start = end.saturating_sub(4);
        groups.push(&bytes[start..end]);
        end = start;
    }
    groups.reverse();
    let mut out = String::new();
    for (i, g) in groups.iter().enumerate() {
        let mut v: u64 = 0;
        for &c in *g {
            let d = ALPHABET.iter().position(|&a| a == c)? as u64;
            v = v * 62 + d;
        }
        if i == 0 {
            out.push_str(&v.to_string());
        } else {
            out.push_str(&format!("{v:07}"));
        }
    }
    out.parse().ok()
}

/// A CHECKED-style hashed id: the first 128 bits of SHA-256 of the decimal id, in lower-case
/// hex (32 characters, like CHECKED's hashed mids and user ids).
pub(crate) fn hashed(id: u64) -> String {
    let digest = Sha256::digest(id.to_string().as_bytes());
    let mut s = String::with_capacity(32);
    for b in digest.iter().take(16) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Hands out distinct 10-digit user ids.
#[derive(Debug, Default)]
pub(crate) struct Uids {
    used: HashSet<u64>,
}

impl Uids {
    /// An ordinary user's id: older accounts have ids from 1.0e9, newer ones up to 7.9e9.
    pub(crate) fn ordinary<R: Rng + ?Sized>(&mut self, rng: &mut R) -> u64 {
        loop {
            let id = match index(rng, 10) {
                0..=2 => between(rng, 1_000_000_000, 3_999_999_999),
                3..=5 => between(rng, 5_000_000_000, 6_999_999_999),
                _ => between(rng, 7_000_000_000, 7_999_999_999),
            } as u64;
            if self.used.insert(id) {
                return id;
            }
        }
    }

    /// `n` ids registered in one batch: a run of close ids (gaps of 1 to 6), as accounts
    /// created together by one operator get.
    pub(crate) fn batch<R: Rng + ?Sized>(&mut self, rng: &mut R, n: usize) -> Vec<u64> {
        'retry: loop {
            let start = between(rng, 7_800_000_000, 7_998_000_000) as u64;
            let mut ids = Vec::with_capacity(n);
            let mut id = start;
            for _ in 0..n {
                if self.used.contains(&id) {
                    continue 'retry;
                }
                ids.push(id);
                id += between(rng, 1, 6) as u64;
            }
            for &i in &ids {
                self.used.insert(i);
            }
            return ids;
        }
    }
}

const NICK_ADJ: &[&str] = &[
    "快乐的",
    "安静的",
    "追风的",
    "迷路的",
    "爱吃鱼的",
    "不睡觉的",
    "南方的",
    "北方的",
    "会飞的",
    "小小",
    "阿",
    "大大的",
    "温柔的",
    "冷静的",
    "奔跑的",
    "发呆的",
    "认真的",
    "佛系",
];
const NICK_NOUN: &[&str] = &[
    "小鱼",
    "猫咪",
    "少年",
    "月亮",
    "橘子",
    "云朵",
    "土豆",
    "兔子",
    "星星",
    "柠檬",
    "大白",
    "打工人",
    "咸鱼",
    "熊猫",
    "芒果",
    "阿杰",
    "小雨",
    "老王",
    "木木",
    "阿琳",
    "饭团",
    "西瓜",
];
const NICK_LATIN: &[&str] = &[
    "Sunny", "leo", "Mia", "kevin", "Echo", "jason", "Lily", "tom", "Coco", "ray", "Ivy", "max",
    "Yuki", "sam", "Nina", "andy",
];
const NICK_SEP: &[&str] = &["", "_", "-", ""];

/// Hands out distinct nicknames (no spaces, commas, colons, `@`, `#` or `/`, so `//@nick:`
/// chains and the comma-joined `艾特用户` cell stay parseable).
#[derive(Debug, Default)]
pub(crate) struct Nicks {
    used: HashSet<String>,
}

impl Nicks {
    /// Registers a fixed nickname (outlets, stars); returns false when it is taken.
    pub(crate) fn reserve(&mut self, nick: &str) -> bool {
        self.used.insert(nick.to_string())
    }

    /// An ordinary user's nickname.
    pub(crate) fn ordinary<R: Rng + ?Sized>(&mut self, rng: &mut R) -> String {
        loop {
            let n = match index(rng, 10) {
                0 | 1 => format!("用户{}", between(rng, 1_000_000_000, 7_999_999_999)),
                2..=5 => format!(
                    "{}{}",
                    pick(rng, NICK_ADJ, "小小"),
                    pick(rng, NICK_NOUN, "小鱼")
                ),
                6 | 7 => format!(
                    "{}{}{}",
                    pick(rng, NICK_NOUN, "小鱼"),
                    pick(rng, NICK_SEP, ""),
                    between(rng, 1, 2025)
                ),
                _ => format!(
                    "{}{}{}",
                    pick(rng, NICK_LATIN, "Sunny"),
                    pick(rng, NICK_SEP, "_"),
                    pick(rng, NICK_NOUN, "小鱼")
                ),
            };
            let n = if self.used.contains(&n) || (!n.starts_with("用户") && chance(rng, 0.3)) {
                format!("{n}{}", between(rng, 1, 9999))
            } else {
                n
            };
            if self.used.insert(n.clone()) {
                return n;
            }
        }
    }

    /// A batch-registered account's nickname: the operator's stem and a number.
    pub(crate) fn batch<R: Rng + ?Sized>(&mut self, rng: &mut R, stem: &str) -> String {
        loop {
            let n = if chance(rng, 0.35) {
                format!("用户{}", between(rng, 7_800_000_000, 7_999_999_999))
            } else {
                format!("{stem}{}", between(rng, 100, 9999))
            };
            if self.used.insert(n.clone()) {
                return n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn bid_round_trips_and_has_nine_characters() {
        for ts in [
            COLLECTION_START,
            COLLECTION_START + 86_399,
            COLLECTION_START + 4 * 86_400,
        ] {
            for seq in [0, 1, 17, 9_999] {
                let m = mid(ts, seq);
                assert_eq!(m.to_string().len(), 16);
                let b = bid(m);
                assert_eq!(b.len(), 9, "{m} -> {b}");
                assert_eq!(mid_of_bid(&b), Some(m), "{m} -> {b}");
            }
        }
        // Groups of seven digits, each in base62: 12|3456789|0123456.
        assert_eq!(bid(1_234_567_890_123_456), "cevgF0w7e");
        assert_eq!(mid_of_bid("cevgF0w7e"), Some(1_234_567_890_123_456));
        assert_eq!(mid_of_bid("a!c"), None);
    }

    #[test]
    fn mids_grow_with_time() {
        assert!(mid(COLLECTION_START + 61, 0) > mid(COLLECTION_START + 60, 9_999));
    }

    #[test]
    fn hashed_ids_are_32_hex() {
        let h = hashed(5_190_000_000_000_123);
        assert_eq!(h.len(), 32);
        assert!(h
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(h, hashed(5_190_000_000_000_124));
        assert_eq!(h, hashed(5_190_000_000_000_123));
    }

    #[test]
    fn uids_are_distinct_ten_digit_and_batches_are_close() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut u = Uids::default();
        let mut all: Vec<u64> = (0..2000).map(|_| u.ordinary(&mut rng)).collect();
        let b = u.batch(&mut rng, 12);
        assert!(b.windows(2).all(|w| (1..=6).contains(&(w[1] - w[0]))));
        all.extend(&b);
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
        assert!(all.iter().all(|id| id.to_string().len() == 10));
    }

    #[test]
    fn nicknames_are_unique_and_chain_safe() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut nicks = Nicks::default();
        let mut seen = HashSet::new();
        for i in 0..3000 {
            let n = if i % 3 == 0 {
                nicks.batch(&mut rng, "星辰大海")
            } else {
                nicks.ordinary(&mut rng)
            };
            assert!(!n.contains([' ', ',', ':', '：', '@', '#', '/']), "{n}");
            assert!(seen.insert(n));
        }
    }
}
