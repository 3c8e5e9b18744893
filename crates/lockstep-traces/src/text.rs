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
//!    `https://`, `www.`) and `@mentions`: an `@` not preceded by an ASCII letter or digit
//!    (so `email a@b.c` keeps its address, while Weibo's `同意@张三` is a mention), and the
//!    handle after it (letters of any script, digits, `_`, `-`, `.`) with a colon right
//!    after it (`@张三：`), since Weibo writes no space after a mention.
//! 6. Optionally hashtags are removed: Twitter style `#tag` (the `#` and the letters,
//!    digits, marks and underscores after it) and Weibo style `#话题#` (from `#` to the next
//!    `#` when no white space comes between, at most 64 characters).
//! 7. White space is collapsed to single spaces and trimmed.
//!
//! Punctuation, emoji and symbols are kept: co-text compares the whole string, and
//! co-similar's shingler drops them itself. Co-similar also removes Weibo's bracketed
//! emoji codes (`[哈哈]`, `[doge]`: see [`NormaliseOptions::strip_emoji_codes`]), which
//! are pictures, not words.
//!
//! Before any of this, [`own_words`] cuts a post down to what its author wrote: on Weibo a
//! repost's text is the reposter's comment followed by the chain it came through
//! (`说得好//@张三:原文…`), a reply may start with `回复@张三:`, and most reposts and many
//! comments carry no words at all (empty, the default `转发微博`, or only emoji codes).
//! Only the own words are the author's text for co-text, co-similar and narratives.

use lockstep_model::{PostIdx, PostTable, NONE};
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
    /// Remove bracketed emoji codes (`[哈哈]`, `[doge]`, `[加油]`: see [`emoji_code_len`]).
    /// Weibo renders them as pictures; a swarm appends them to its copies as it appends
    /// emoji, so they are not words to compare.
    pub strip_emoji_codes: bool,
}

impl NormaliseOptions {
    /// co-text's key: hashtags and emoji codes kept (their text is content), no character
    /// fold.
    pub const CO_TEXT: NormaliseOptions = NormaliseOptions {
        strip_hashtags: false,
        fold: None,
        strip_emoji_codes: false,
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
        let strip_codes = self.options.strip_emoji_codes;
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
            {
                rest.find(char::is_whitespace).unwrap_or(rest.len())
            } else if c == '@' && !prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '_') {
                // Not after an ASCII letter or digit (`a@b.c` is an address), but right
                // after Chinese text, as Weibo writes mentions (`同意@张三`).
                mention_len(rest)
            } else if c == '#' && strip_tags && at_word_start {
                hashtag_len(rest)
            } else if c == '[' && strip_codes {
                emoji_code_len(rest)
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

/// Length in bytes of the mention at the start of `s` (which starts with `@`): the handle
/// (letters of any script, digits, `_`, `-`, `.`) and a colon right after it (`@张三：`).
/// Weibo writes mentions without a space after them (`回复@张三:好的`), so a mention ends
/// where the handle's characters do, not at the next white space.
fn mention_len(s: &str) -> usize {
    let body = &s[1..];
    let mut end = body
        .char_indices()
        .find(|&(_, c)| !(is_word(c) || c == '-' || c == '.'))
        .map_or(body.len(), |(i, _)| i);
    // A trailing full stop ends the sentence, not the handle.
    while end > 0 && body[..end].ends_with(['.', '-']) {
        end -= 1;
    }
    let mut len = 1 + end;
    if let Some(c) = s[len..].chars().next() {
        if c == ':' || c == '\u{FF1A}' {
            len += c.len_utf8();
        }
    }
    len
}

/// Length in bytes of the bracketed emoji code at the start of `s` (which starts with
/// `[`): `[` then one to eight letters (any script; no digits, spaces or punctuation) then
/// `]`, as Weibo writes `[哈哈]`, `[doge]`, `[吃瓜]`; 0 when `s` does not start with one.
pub fn emoji_code_len(s: &str) -> usize {
    for (n, (i, c)) in s.char_indices().skip(1).enumerate() {
        if c == ']' {
            return if n > 0 { i + 1 } else { 0 };
        }
        if !c.is_alphabetic() || n >= 8 {
            return 0;
        }
    }
    0
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

/// Default texts Weibo fills in when a reposter writes nothing (simplified, traditional,
/// English, and the "quick repost" of 2020), compared after trimming a final `。` or `.`.
const DEFAULT_TEXTS: [&str; 6] = [
    "转发微博",
    "轉發微博",
    "快转微博",
    "快轉微博",
    "转发",
    "轉發",
];

/// What of a post's text its author wrote: the words co-text, co-similar and narratives
/// compare. Empty when the author wrote nothing of their own.
///
/// - A retweet (`is_repost` and a leading `RT @user:`) copies its original: no own words.
/// - Weibo's repost chain: the text before the first `//@` is the reposter's comment; what
///   follows (`//@张三:…//@李四:…`) are the comments of the accounts it passed through.
/// - Weibo's reply prefix `回复@张三:` is removed, and so is a leading `:`/`：` and white
///   space (crawlers leave one when they cut the commenter's name off).
/// - Nothing is left of a text that is only a default repost text (`转发微博`, `轉發微博`,
///   `快转微博`, `转发`, `Repost`, with or without a final `。`), or only emoji codes such as
///   `[哈哈][蜡烛]` (see [`emoji_code_len`]) with white space or punctuation between them.
///   Millions of reposts carry these; they say nothing about who wrote what.
pub fn own_words(text: &str, is_repost: bool) -> &str {
    let mut s = text.trim_start();
    if is_repost {
        if let Some(rest) = s.strip_prefix("RT @") {
            if rest
                .find(':')
                .is_some_and(|c| !rest[..c].contains(char::is_whitespace))
            {
                return "";
            }
        }
    }
    if let Some(i) = s.find("//@") {
        s = &s[..i];
    }
    for prefix in ["回复@", "回覆@"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if let Some((i, c)) = rest
                .char_indices()
                .take(32)
                .find(|&(_, c)| c == ':' || c == '：')
            {
                s = &rest[i + c.len_utf8()..];
            }
            break;
        }
    }
    let s = s
        .trim_start_matches(|c: char| c == ':' || c == '：' || c.is_whitespace())
        .trim_end();
    let bare = s.trim_end_matches(['。', '.']).trim_end();
    if DEFAULT_TEXTS.contains(&bare) || bare.eq_ignore_ascii_case("repost") {
        return "";
    }
    if only_emoji_codes(s) {
        return "";
    }
    s
}

/// True when reposts on `platform` carry the reposter's own words (Weibo: a repost's text
/// is its comment, then the chain). Elsewhere a repost's text is its original's (a
/// retweet's `RT @user: …`, a Telegram forward) or empty (a boost), never the reposter's.
pub fn reposts_have_own_words(platform: &str) -> bool {
    platform.eq_ignore_ascii_case("weibo")
}

/// [`own_words`] of post `p`: what its author wrote (empty for reposts outside Weibo).
pub fn post_words(table: &PostTable, p: PostIdx) -> &str {
    let repost = table.repost_of(p) != NONE;
    if repost && !reposts_have_own_words(table.post_platform(p)) {
        return "";
    }
    own_words(table.text(p), repost)
}

/// The hashtags of post `p` that its author wrote: all of them, except in a text with a
/// Weibo repost chain, where only those in the own words count (a topic further down the
/// chain is someone else's), and none for a repost outside Weibo (a retweet's tags are its
/// original's).
pub fn post_hashtags(table: &PostTable, p: PostIdx) -> Vec<u32> {
    let syms = table.hashtag_syms(p);
    if syms.is_empty() {
        return Vec::new();
    }
    let text = table.text(p);
    let repost = table.repost_of(p) != NONE;
    if !repost && !text.contains("//@") {
        return syms.to_vec();
    }
    let own = post_words(table, p);
    syms.iter()
        .copied()
        .filter(|&s| {
            let tag = table.hashtags.resolve(s);
            own.match_indices('#')
                .any(|(i, _)| own[i + 1..].starts_with(tag))
        })
        .collect()
}

/// True when `s` holds nothing but emoji codes, white space and punctuation (an empty
/// string included).
pub fn only_emoji_codes(s: &str) -> bool {
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let len = if c == '[' { emoji_code_len(rest) } else { 0 };
        if len > 0 {
            rest = &rest[len..];
        } else if c.is_whitespace() || is_punctuation(c) {
            rest = &rest[c.len_utf8()..];
        } else {
            return false;
        }
    }
    true
}

/// ASCII and CJK punctuation.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{2010}'..='\u{2027}' | '·')
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
            strip_emoji_codes: true,
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
    fn own_words_of_weibo_posts() {
        // The reposter's comment before the chain.
        assert_eq!(
            own_words("说得好！//@张三:原文在这里//@李四:更早", true),
            "说得好！"
        );
        assert_eq!(own_words("//@人民日报:【人民微评】致敬", true), "");
        // Default texts, with or without a full stop, any script; emoji codes only.
        for t in [
            "",
            "  ",
            "转发微博",
            "转发微博。",
            "轉發微博",
            "快转微博",
            "Repost",
            "repost.",
            "转发",
            "[哈哈]",
            "[蜡烛][蜡烛] ",
            "[doge]！",
            "转发微博//@张三:好",
            "：",
            "：转发微博",
        ] {
            assert_eq!(own_words(t, true), "", "{t:?}");
            assert_eq!(own_words(t, false), "", "{t:?}");
        }
        // Words with codes keep them; a Twitter retweet has no words of its own.
        assert_eq!(own_words("哈哈哈[哈哈]", false), "哈哈哈[哈哈]");
        assert_eq!(own_words("RT @bob: hello there", true), "");
        assert_eq!(
            own_words("RT @bob: hello there", false),
            "RT @bob: hello there"
        );
        // Weibo's reply prefix and a crawler's leading colon.
        assert_eq!(own_words("回复@张三:不同意", false), "不同意");
        assert_eq!(own_words("回复@张三：不同意//@李四:x", false), "不同意");
        assert_eq!(own_words("：谣言呀。", false), "谣言呀。");
        // Unicode emoji are content (co-text), only bracketed codes are not.
        assert_eq!(own_words("🙏", false), "🙏");
        assert!(only_emoji_codes("[赞]，[赞]"));
        assert!(!only_emoji_codes("[1]"));
    }

    #[test]
    fn emoji_codes_and_weibo_mentions() {
        assert_eq!(emoji_code_len("[哈哈]后"), "[哈哈]".len());
        assert_eq!(emoji_code_len("[doge]"), 6);
        assert_eq!(emoji_code_len("[1]"), 0);
        assert_eq!(emoji_code_len("[]"), 0);
        assert_eq!(emoji_code_len("[很长很长很长很长很长]"), 0);
        assert_eq!(emoji_code_len("[哈哈"), 0);
        let codes = NormaliseOptions {
            strip_emoji_codes: true,
            ..NormaliseOptions::CO_TEXT
        };
        assert_eq!(
            Normaliser::new(codes).normalise("不安全[怒][怒]！拒绝H20 [加油]"),
            "不安全!拒绝h20"
        );
        // co-text keeps them.
        assert_eq!(normalise("不安全[怒]"), "不安全[怒]");
        // A Weibo mention ends where the handle does (and takes its colon along).
        assert_eq!(normalise("@人民日报:致敬英雄"), "致敬英雄");
        assert_eq!(normalise("致敬@人民日报 英雄"), "致敬 英雄");
        assert_eq!(normalise("同意@张三，说得对"), "同意,说得对");
        assert_eq!(normalise("hi @bob. bye"), "hi . bye");
        assert_eq!(normalise("see @user.bsky.social now"), "see now");
    }

    #[test]
    fn words_and_tags_of_posts_by_platform() {
        use lockstep_model::PostRecord;
        let mut t = PostTable::new();
        let rec = |platform: &str, id: &str, repost: bool, text: &str, tags: &[&str]| PostRecord {
            platform: platform.into(),
            id: id.into(),
            author_id: "a".into(),
            repost_of: repost.then(|| "0".to_string()),
            text: text.into(),
            hashtags: tags.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        t.push(&rec(
            "weibo",
            "1",
            true,
            "#话题一#顶上去//@张三:#话题二# 原文",
            &["话题一", "话题二"],
        ));
        t.push(&rec(
            "weibo",
            "2",
            true,
            "转发微博//@张三:#话题二#",
            &["话题二"],
        ));
        t.push(&rec("twitter", "3", true, "RT @x: text #tag", &["tag"]));
        t.push(&rec(
            "telegram",
            "4",
            true,
            "forwarded words #tag",
            &["tag"],
        ));
        t.push(&rec("weibo", "5", false, "#话题一# 自己的话", &["话题一"]));
        assert_eq!(post_words(&t, 0), "#话题一#顶上去");
        assert_eq!(post_words(&t, 1), "");
        assert_eq!(post_words(&t, 2), "");
        assert_eq!(post_words(&t, 3), "", "a forward's text is its original's");
        assert_eq!(post_words(&t, 4), "#话题一# 自己的话");
        let tags = |p: PostIdx| -> Vec<&str> {
            post_hashtags(&t, p)
                .into_iter()
                .map(|s| t.hashtags.resolve(s))
                .collect()
        };
        assert_eq!(tags(0), ["话题一"]);
        assert!(tags(1).is_empty());
        assert!(tags(2).is_empty());
        assert!(tags(3).is_empty());
        assert_eq!(tags(4), ["话题一"]);
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
