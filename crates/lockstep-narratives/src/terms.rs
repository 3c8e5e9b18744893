//! Terms: the words a narrative is made of, in every language.
//!
//! Text is first normalised as lockstep normalises it everywhere
//! ([`lockstep_traces::text::Normaliser`]: NFKC, case folding, invisible characters, links
//! and `@mentions` removed), with traditional Chinese folded to simplified
//! ([`lockstep_similar::fold::t2s`]) and hashtags kept (`#英伟达后门#` is content). Then:
//!
//! - runs of Han characters are segmented into words by jieba (`jieba-rs`, its embedded
//!   dictionary and HMM for unknown words such as names); single characters are dropped
//!   (mostly particles: 的, 了, 是);
//! - runs of other scripts written without spaces (kana, Thai, Lao, Khmer, Myanmar, ...),
//!   and Han runs that contain kana (Japanese), become character bigrams: there is no
//!   segmenter for them here, and bigrams are the usual stand-in;
//! - everything else is split into words at anything that is not a letter, digit, mark or
//!   underscore (apostrophes split too: `nvidia's` gives `nvidia`);
//! - numbers, one-letter words and stop words ([`crate::stopwords`]) are dropped. Words
//!   mixing letters and digits (`h20`) are kept.

use crate::stopwords::is_stop_word;
use jieba_rs::Jieba;
use lockstep_similar::shingle::is_unspaced;
use lockstep_traces::text::{NormaliseOptions, Normaliser};
use std::sync::OnceLock;

/// True for Han ideographs (CJK unified ideographs, extensions and compatibility forms).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF | 0x3007)
}

/// Normalisation used for terms and watch terms: hashtags kept, traditional Chinese folded,
/// Weibo emoji codes (`[哈哈]`) removed (they are pictures, not words).
pub fn normalise_options() -> NormaliseOptions {
    NormaliseOptions {
        strip_hashtags: false,
        fold: Some(lockstep_similar::fold::t2s as fn(char) -> char),
        strip_emoji_codes: true,
    }
}

/// A normaliser with [`normalise_options`].
pub fn normaliser() -> Normaliser {
    Normaliser::new(normalise_options())
}

/// The process-wide segmenter (its dictionary loads once, in about 0.1 s).
pub fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(Jieba::new)
}

/// The jieba segmenter that cuts Han runs: the process-wide one ([`jieba`]), whose
/// dictionary is loaded only when a first Han run is cut (a run without Chinese text never
/// loads it), or the caller's own (with new words added).
#[derive(Clone, Copy)]
pub enum Segmenter<'a> {
    /// [`jieba`], loaded on first use.
    Default,
    /// A segmenter of the caller's.
    With(&'a Jieba),
}

impl<'a> Segmenter<'a> {
    /// The segmenter, loading the default one's dictionary if it is not loaded yet.
    pub fn get(self) -> &'a Jieba {
        match self {
            Segmenter::Default => jieba(),
            Segmenter::With(j) => j,
        }
    }
}

fn is_chinese_numeral(w: &str) -> bool {
    w.chars()
        .all(|c| "〇零一二三四五六七八九十百千万亿两几".contains(c))
}

fn push_word(word: &str, out: &mut Vec<String>) {
    let n = word.chars().count();
    if !(2..=40).contains(&n) || !word.chars().any(char::is_alphabetic) || is_stop_word(word) {
        return;
    }
    out.push(word.to_string());
}

fn push_unspaced(run: &str, has_other: bool, jieba: Segmenter, out: &mut Vec<String>) {
    if has_other {
        let chars: Vec<char> = run.chars().collect();
        for w in chars.windows(2) {
            let s: String = w.iter().collect();
            if !is_stop_word(&s) {
                out.push(s);
            }
        }
        return;
    }
    for tok in jieba.get().cut(run, true) {
        let w = tok.word;
        if w.chars().nth(1).is_none() || is_stop_word(w) || is_chinese_numeral(w) {
            continue;
        }
        out.push(w.to_string());
    }
}

/// Terms of an already normalised text (see the module documentation), appended to `out`
/// in text order, repeats included; Han runs are cut by `jieba` (loaded only if there is
/// one).
pub fn terms_of_normalised(text: &str, jieba: Segmenter, out: &mut Vec<String>) {
    // Current run: (start byte, is unspaced, unspaced run has non-Han characters).
    let mut run: Option<(usize, bool, bool)> = None;
    let flush = |run: &mut Option<(usize, bool, bool)>, end: usize, out: &mut Vec<String>| {
        if let Some((start, unspaced, other)) = run.take() {
            let s = &text[start..end];
            if unspaced {
                push_unspaced(s, other, jieba, out);
            } else {
                push_word(s, out);
            }
        }
    };
    for (i, c) in text.char_indices() {
        let mark = unicode_mark(c);
        let wordish = c.is_alphanumeric() || mark || c == '_';
        if wordish && is_unspaced(c) {
            match &mut run {
                Some((_, true, other)) => *other |= !is_han(c) && !mark,
                _ => {
                    flush(&mut run, i, out);
                    run = Some((i, true, !is_han(c) && !mark));
                }
            }
        } else if wordish {
            match run {
                Some((_, false, _)) => {}
                Some((_, true, _)) if mark => {}
                _ => {
                    flush(&mut run, i, out);
                    run = Some((i, false, false));
                }
            }
        } else {
            flush(&mut run, i, out);
        }
    }
    flush(&mut run, text.len(), out);
}

fn unicode_mark(c: char) -> bool {
    !c.is_ascii() && unicode_normalization::char::is_combining_mark(c)
}

/// Terms of a raw text: normalised with `normaliser` (scratch in `buf`), then split with
/// the default segmenter.
pub fn terms(normaliser: &mut Normaliser, text: &str, buf: &mut String, out: &mut Vec<String>) {
    normaliser.normalise_into(text, buf);
    terms_of_normalised(buf, Segmenter::Default, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        terms(&mut normaliser(), s, &mut String::new(), &mut out);
        out
    }

    #[test]
    fn segments_an_h20_sentence() {
        let got = t(
            "技术专家透露，英伟达算力芯片“追踪定位”“远程关闭”技术已经成熟。美国芯片，美国控制！",
        );
        for w in [
            "技术", "专家", "透露", "芯片", "追踪", "定位", "远程", "关闭", "美国", "控制",
        ] {
            assert!(got.iter().any(|g| g == w), "{w} missing from {got:?}");
        }
        // Particles and single characters never come out; stop words neither.
        assert!(got.iter().all(|g| g.chars().count() >= 2), "{got:?}");
        assert!(!got.iter().any(|g| g == "已经"), "{got:?}");
        // Hashtags are content, traditional characters fold, links and mentions go.
        let got = t("#英偉達後門# @人民日报 H20芯片存在後門 https://t.cn/A6x");
        assert!(got.contains(&"后门".to_string()), "{got:?}");
        assert!(got.contains(&"h20".to_string()), "{got:?}");
        assert!(
            !got.iter().any(|g| g.contains("人民") || g.contains("t.cn")),
            "{got:?}"
        );
    }

    #[test]
    fn english_words_without_stop_words_or_numbers() {
        let got = t("RT @x: American chips, American control! Nvidia's H20 has 2 backdoors in 2025 #ChipSecurity");
        assert_eq!(
            got,
            [
                "american",
                "chips",
                "american",
                "control",
                "nvidia",
                "h20",
                "backdoors",
                "chipsecurity"
            ]
        );
    }

    #[test]
    fn japanese_and_thai_become_bigrams_korean_words() {
        // Kanji fold like Chinese characters (東 -> 东): both sides of every comparison do.
        let got = t("東京の水道水");
        assert_eq!(got, ["东京", "京の", "の水", "水道", "道水"]);
        let got = t("สวัสดี");
        assert!(!got.is_empty());
        let got = t("백도어 의혹 확산");
        assert_eq!(got, ["백도어", "의혹", "확산"]);
    }
}
