//! Text normalisation for co-text and co-similar matching.
//!
//! Two flavours: [`cnt_normalise`] reproduces coordination-network-toolkit 1.5.2's
//! `message_preprocessor` exactly (lowercase, drop `@mentions`, collapse whitespace), and
//! [`normalise`] / [`Normaliser`] are lockstep's own, which undo the cosmetic edits that
//! copy-paste campaigns make so that copies still meet:
//!
//! 1. NFKC: full-width and compatibility forms fold (`Ｈｅｌｌｏ` → `hello`, `①` → `1`,
//!    half-width katakana → katakana, full-width `，！？＃＠` → ASCII).
//! 2. Invisible characters are removed: zero-width spaces and joiners, bidirectional marks,
//!    soft hyphens, word joiners, BOMs and variation selectors (which also turns an emoji's
//!    text/emoji presentation into one form).
//! 3. Case folding: lower case, plus `ß` → `ss` and final `ς` → `σ` (Unicode full case
//!    folding for the letters where it differs from lower case in practice).
//! 4. An optional per-character fold, applied after case folding: co-similar passes
//!    traditional → simplified Chinese here (lockstep-similar owns the table).
//! 5. A leading retweet prefix `RT @user:` is removed, and so are links (`http://`,
//!    `https://`, `www.`) and `@mentions` (an `@` not preceded by a letter or digit, up to
//!    the next white space), so `email a@b.c` keeps its address.
//! 6. Optionally hashtags are removed: Twitter style `#tag` (the `#` and the letters,
//!    digits, marks and underscores after it) and Weibo style `#话题#` (from `#` to the next
//!    `#` when no white space comes between, at most 64 characters).
//! 7. White space is collapsed to single spaces and trimmed.
//!
//! Punctuation, emoji and symbols are kept: co-text compares the whole string, and
//! co-similar's shingler drops them itself.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Python's `str.isspace`: Unicode whitespace plus the ASCII information separators
/// U+001C..U+001F, which Python treats as whitespace and Rust does not.
pub fn python_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// coordination-network-toolkit's co-tweet key: `" ".join(social_media_cleaner.sub("",
/// text.lower()).split())` with `social_media_cleaner = regex.compile(r"@.*?(?=(?:\s|$))")`.
///
/// The mention ends at the `regex` module's `\s` (Unicode White_Space, which excludes
/// U+001C..U+001F), while `split()` splits on `str.isspace` (which includes them).
pub fn cnt_normalise(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_mention = false;
    let mut pending_space = false;
    for c in lower.chars() {
        if in_mention {
            if c.is_whitespace() {
                in_mention = false;
            } else {
                continue;
            }
        }
        if c == '@' {
            in_mention = true;
            continue;
        }
        if python_isspace(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Zero-width characters, joiners, bidirectional marks and variation selectors: invisible
/// edits that make copies look different to a byte comparison.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A letter, digit or underscore (what may precede `@` or `#` inside a word).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// What a hashtag is made of after its `#`.
fn is_tag_char(c: char) -> bool {
    is_word(c) || is_combining_mark(c)
}

/// Options of [`Normaliser`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NormaliseOptions {
    /// Remove hashtags (`#tag` and Weibo's `#话题#`) entirely.
    pub strip_hashtags: bool,
    /// Map each character after case folding (e.g. traditional to simplified Chinese).
    pub fold: Option<fn(char) -> char>,
}

impl NormaliseOptions {
    /// co-text's key: hashtags kept (their text is content), no character fold.
    pub const CO_TEXT: NormaliseOptions = NormaliseOptions {
        strip_hashtags: false,
        fold: None,
    };
}

/// lockstep's normaliser, with reusable scratch space (see the module documentation for
/// the steps).
#[derive(Clone, Debug, Default)]
pub struct Normaliser {
    /// What to do.
    pub options: NormaliseOptions,
    folded: String,
}

impl Normaliser {
    /// A normaliser with these options.
    pub fn new(options: NormaliseOptions) -> Self {
        Self {
            options,
            folded: String::new(),
        }
    }

    /// Steps 1 to 4 into `self.folded`.
    fn fold(&mut self, text: &str) {
        let buf = &mut self.folded;
        buf.clear();
        let fold = self.options.fold;
        let mut push = |c: char| match c {
            'ß' => buf.push_str("ss"),
            'ς' => buf.push('σ'),
            c => buf.push(fold.map_or(c, |f| f(c))),
        };
        if text.is_ascii() {
            // NFKC, invisibles and case folding are trivial on ASCII.
            for b in text.bytes() {
                push(b.to_ascii_lowercase() as char);
            }
            return;
        }
        for c in text.nfkc().filter(|&c| !is_invisible(c)) {
            if c.is_ascii() {
                push(c.to_ascii_lowercase());
            } else {
                for l in c.to_lowercase() {
                    push(l);
                }
            }
        }
    }

    /// Normalise `text` into `out` (cleared first).
    pub fn normalise_into(&mut self, text: &str, out: &mut String) {
        out.clear();
        self.fold(text);
        let strip_tags = self.options.strip_hashtags;
        let mut s = self.folded.trim_start();
        if let Some(rest) = s.strip_prefix("rt @") {
            if let Some(colon) = rest.find(':') {
                if !rest[..colon].contains(char::is_whitespace) {
                    s = &rest[colon + 1..];
                }
            }
        }
        out.reserve(s.len());
        let mut pending_space = false;
        let mut prev: Option<char> = None;
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            let at_word_start = !prev.is_some_and(is_word);
            let skip = if (c == 'h'
                && (rest.starts_with("http://") || rest.starts_with("https://")))
                || (c == 'w' && at_word_start && rest.starts_with("www."))
                || (c == '@' && at_word_start)
            {
                rest.find(char::is_whitespace).unwrap_or(rest.len())
            } else if c == '#' && strip_tags && at_word_start {
                hashtag_len(rest)
            } else {
                0
            };
            if skip > 0 {
                rest = &rest[skip..];
                prev = Some(' ');
                continue;
            }
            rest = &rest[c.len_utf8()..];
            prev = Some(c);
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }

    /// Normalise `text` into a new string.
    pub fn normalise(&mut self, text: &str) -> String {
        let mut out = String::new();
        self.normalise_into(text, &mut out);
        out
    }
}

/// Length in bytes of the hashtag at the start of `s` (which starts with `#`), or 0 when
/// no tag follows the `#`.
fn hashtag_len(s: &str) -> usize {
    let body = &s[1..];
    // Weibo: `#topic words#`, closed before any white space.
    for (n, (i, c)) in body.char_indices().enumerate() {
        if c == '#' {
            if i > 0 {
                return 1 + i + 1;
            }
            break;
        }
        if c.is_whitespace() || n >= 64 {
            break;
        }
    }
    // Twitter: `#` and the word characters after it.
    let len = body
        .char_indices()
        .find(|&(_, c)| !is_tag_char(c))
        .map_or(body.len(), |(i, _)| i);
    if len == 0 {
        0
    } else {
        1 + len
    }
}

/// lockstep's co-text key ([`NormaliseOptions::CO_TEXT`]): NFKC, case folding, invisible
/// characters removed, a leading `RT @user:` removed, links and `@mentions` removed,
/// whitespace collapsed. Hashtags are kept (their text is content); empty when nothing is
/// left.
pub fn normalise(text: &str) -> String {
    Normaliser::new(NormaliseOptions::CO_TEXT).normalise(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cnt_preprocessor() {
        assert_eq!(
            cnt_normalise("Hello  @Bob World\n\tAgain"),
            "hello world again"
        );
        assert_eq!(cnt_normalise("@alice"), "");
        assert_eq!(cnt_normalise("a@b c"), "a c");
        assert_eq!(cnt_normalise("  X\u{1c}Y  "), "x y");
        assert_eq!(cnt_normalise("ΣΑΣ"), "σας");
        // The toolkit's mention regex runs through U+001C (not `\s` for the `regex`
        // module) while `split()` splits on it: `message_preprocessor('@ab\x1ccd e') == 'e'`.
        assert_eq!(cnt_normalise("@ab\u{1c}cd e"), "e");
    }

    #[test]
    fn native_folds_cosmetic_edits() {
        let a = normalise("RT @someone: Ｈｅｌｌｏ\u{200B} World https://t.co/x @bob");
        assert_eq!(a, "hello world");
        assert_eq!(normalise("美国芯片，美国控制！"), "美国芯片,美国控制!");
        assert_eq!(normalise("Привет   МИР"), "привет мир");
        assert_eq!(normalise("see www.example.com now"), "see now");
        assert_eq!(normalise("email a@b.c stays"), "email a@b.c stays");
        assert_eq!(normalise("#Tag stays"), "#tag stays");
        assert_eq!(normalise("@only"), "");
    }

    fn sim(text: &str) -> String {
        fn fold(c: char) -> char {
            match c {
                '國' => '国',
                '製' => '制',
                c => c,
            }
        }
        Normaliser::new(NormaliseOptions {
            strip_hashtags: true,
            fold: Some(fold),
        })
        .normalise(text)
    }

    #[test]
    fn chinese() {
        // Full-width punctuation folds to ASCII, the ideographic full stop stays.
        assert_eq!(
            normalise("美國晶片，美國控制！\u{200D}"),
            "美國晶片,美國控制!"
        );
        // With a fold and hashtag stripping: Weibo topics, Twitter tags, mentions, links.
        assert_eq!(
            sim("#H20后门# 美國芯片，美國控制！@人民日报 https://t.cn/A6x #芯片安全 🇨🇳"),
            "美国芯片,美国控制! 🇨🇳"
        );
        assert_eq!(sim("中国製造 #中国製造2025"), "中国制造");
        // Variation selectors and zero-width joiners go, so emoji presentation is moot.
        assert_eq!(sim("支持❤\u{FE0F}国产"), sim("支持❤国产"));
    }

    #[test]
    fn japanese() {
        // Half-width katakana become full-width (NFKC), full-width digits ASCII.
        assert_eq!(
            normalise("ｶﾀｶﾅの投稿です２０２５年"),
            "カタカナの投稿です2025年"
        );
        assert_eq!(
            sim("【拡散希望】今日の東京は晴れ #東京 @tokyo_news"),
            "【拡散希望】今日の東京は晴れ"
        );
    }

    #[test]
    fn russian() {
        assert_eq!(
            sim("ВСЕ НА ВЫБОРЫ!  Голосуй\u{00AD}те за будущее #выборы2024"),
            "все на выборы! голосуйте за будущее"
        );
        assert_eq!(normalise("Ёлка"), "ёлка");
    }

    #[test]
    fn arabic() {
        // Presentation forms fold to the base letters (NFKC); the bidi mark goes.
        assert_eq!(
            normalise("\u{FEE3}\u{FEAE}\u{FEA3}\u{FE92}\u{FE8E}"),
            "مرحبا"
        );
        assert_eq!(
            sim("\u{200F}عاجل: الرئيس يزور المدينة اليوم #عاجل https://t.co/abc"),
            "عاجل: الرئيس يزور المدينة اليوم"
        );
        // Digits: Arabic-Indic digits are kept as they are (NFKC does not map them).
        assert_eq!(normalise("٢٠٢٥"), "٢٠٢٥");
    }

    #[test]
    fn english() {
        assert_eq!(
            sim("BREAKING: American chips, American control!!! 🇺🇸 #H20 #Nvidia via @techwatch"),
            "breaking: american chips, american control!!! 🇺🇸 via"
        );
        assert_eq!(sim("C# is not a tag, #this_is"), "c# is not a tag,");
        assert_eq!(sim("a lone # stays"), "a lone # stays");
        assert_eq!(sim("Straße STRASSE"), "strasse strasse");
        assert_eq!(sim("ΣΊΣΥΦΟΣ σίσυφος"), "σίσυφοσ σίσυφοσ");
        assert_eq!(sim("x\u{200B}y"), "xy");
        assert_eq!(sim("   "), "");
    }
}
