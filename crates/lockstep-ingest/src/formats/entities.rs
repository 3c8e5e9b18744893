//! Hashtags and mentions found in post text, for formats that do not list them.

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Hashtags in `text`, without `#`, in order of appearance, duplicates kept once.
///
/// Understands Twitter-style `#tag` (word characters of any script) and Weibo-style
/// `#话题 名称#` topics, where the tag runs to the closing `#`.
pub fn extract_hashtags(text: &str, out: &mut Vec<String>) {
    hashtags_into(text, out);
}

/// [`extract_hashtags`] into owned or borrowed strings.
pub(crate) fn hashtags_into<'t>(text: &'t str, out: &mut impl Found<'t>) {
    // Nothing before the first `#` or `＃` matters but the character just before it.
    let Some(from) = first_of(text, b'#', "＃") else {
        return;
    };
    let mut prev: Option<char> = text[..from].chars().next_back();
    let mut it = text[from..]
        .char_indices()
        .map(|(i, c)| (i + from, c))
        .peekable();
    while let Some((i, c)) = it.next() {
        if (c == '#' || c == '＃') && !prev.is_some_and(|p| is_word(p) || p == '&') {
            let rest = &text[i + c.len_utf8()..];
            // Weibo topic: "#...#" with no line break inside and a CJK character in it.
            if let Some(end) = rest.find(['#', '＃']) {
                let inner = &rest[..end];
                if !inner.is_empty()
                    && end <= 120
                    && !inner.contains('\n')
                    && inner.chars().any(is_cjk)
                {
                    out.add(inner.trim());
                    // Skip past the closing '#'.
                    let skip_to = i + c.len_utf8() + end;
                    while it.peek().is_some_and(|&(j, _)| j <= skip_to) {
                        it.next();
                    }
                    prev = Some('#');
                    continue;
                }
            }
            let tag = prefix_while(rest, is_word);
            if !tag.is_empty() && !tag.chars().all(|ch| ch.is_ascii_digit()) {
                out.add(tag);
            }
        }
        prev = Some(c);
    }
}

/// Mentioned handles in `text`, without `@` (`@user`, `@user.bsky.social`).
pub fn extract_mentions(text: &str, out: &mut Vec<String>) {
    mentions_into(text, out);
}

/// [`extract_mentions`] into owned or borrowed strings.
pub(crate) fn mentions_into<'t>(text: &'t str, out: &mut impl Found<'t>) {
    // Nothing before the first `@` or `＠` matters but the character just before it.
    let Some(from) = first_of(text, b'@', "＠") else {
        return;
    };
    let mut prev: Option<char> = text[..from].chars().next_back();
    for (i, c) in text[from..].char_indices().map(|(i, c)| (i + from, c)) {
        if (c == '@' || c == '＠') && !prev.is_some_and(is_word) {
            let rest = &text[i + c.len_utf8()..];
            let handle = prefix_while(rest, |ch| is_word(ch) || ch == '.' || ch == '-');
            let handle = handle.trim_end_matches(['.', '-']);
            if !handle.is_empty() {
                out.add(handle);
            }
        }
        prev = Some(c);
    }
}

/// Weibo topics in `text`: every `#...#` pair (no line break inside, at most 64
/// characters), trimmed, in order, duplicates kept once. Unlike [`extract_hashtags`],
/// topics need no CJK character (`#plog#`), and a lone `#` starts nothing.
pub fn weibo_topics(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(open) = rest.find(['#', '＃']) {
        let after = &rest[open + rest[open..].chars().next().map_or(1, char::len_utf8)..];
        let Some(close) = after.find(['#', '＃']) else {
            return;
        };
        let inner = &after[..close];
        if !inner.trim().is_empty() && !inner.contains('\n') && inner.chars().count() <= 64 {
            push_unique(out, inner.trim());
            let skip = after[close..].chars().next().map_or(1, char::len_utf8);
            rest = &after[close + skip..];
        } else {
            // Not a topic: the closing '#' may open the next one.
            rest = &after[close..];
        }
    }
}

/// Weibo mentions in `text`, without `@`: a nickname is 1 to 30 letters (any script),
/// digits, `_` or `-`, so `@人民日报:` and `回复@张三_zs:` give `人民日报` and `张三_zs`. An
/// `@` after a Latin letter or digit (an e-mail address) starts nothing.
pub fn weibo_mentions(text: &str, out: &mut Vec<String>) {
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if (c == '@' || c == '＠') && !prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '_')
        {
            let rest = &text[i + c.len_utf8()..];
            let end = rest
                .char_indices()
                .take_while(|&(_, ch)| ch.is_alphanumeric() || ch == '_' || ch == '-')
                .take(30)
                .last()
                .map_or(0, |(j, ch)| j + ch.len_utf8());
            let handle = rest[..end].trim_end_matches('-');
            if !handle.is_empty() {
                push_unique(out, handle);
            }
        }
        prev = Some(c);
    }
}

/// `http://` and `https://` links written in `text` (Weibo's `t.cn` short links, links in
/// article text): up to whitespace, a CJK character, a quote or a closing bracket.
pub fn extract_urls(text: &str, out: &mut Vec<String>) {
    let mut from = 0;
    while let Some(p) = text[from..].find("http") {
        let at = from + p;
        let rest = &text[at..];
        let body = rest
            .strip_prefix("https://")
            .or_else(|| rest.strip_prefix("http://"));
        let Some(body) = body else {
            from = at + 4;
            continue;
        };
        let scheme = rest.len() - body.len();
        let end = body
            .find(|c: char| {
                c.is_whitespace()
                    || is_cjk(c)
                    || matches!(
                        c,
                        '"' | '\'' | '<' | '>' | ')' | ']' | '}' | '）' | '】' | '，' | '。'
                    )
                    || (c as u32) >= 0x3000 && (c as u32) <= 0x303F
                    || (c as u32) >= 0xFF00 && (c as u32) <= 0xFFEF
            })
            .unwrap_or(body.len());
        let url = rest[..scheme + end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if url.len() > scheme + 1 {
            push_unique(out, url);
        }
        from = at + scheme + end;
    }
}

/// Where the first `ascii` or `wide` (a character of three bytes in UTF-8, `＃` or `＠`,
/// both starting with 0xEF) is in `text`, if anywhere. Found with `memchr`: most texts
/// have neither, and skipping them whole is what makes the extractors cheap.
fn first_of(text: &str, ascii: u8, wide: &str) -> Option<usize> {
    let (b, w) = (text.as_bytes(), wide.as_bytes());
    let mut from = 0;
    while let Some(k) = memchr::memchr2(ascii, w[0], &b[from..]) {
        let at = from + k;
        if b[at] == ascii || b[at..].starts_with(w) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The longest start of `s` whose characters all pass `keep`.
fn prefix_while(s: &str, keep: impl Fn(char) -> bool) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, ch)| !keep(ch))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Where the extractors put what they find: each non-empty string once, in order.
pub(crate) trait Found<'t> {
    fn add(&mut self, s: &'t str);
}

impl<'t> Found<'t> for Vec<String> {
    fn add(&mut self, s: &'t str) {
        push_unique(self, s);
    }
}

impl<'t> Found<'t> for Vec<&'t str> {
    fn add(&mut self, s: &'t str) {
        if !s.is_empty() && !self.contains(&s) {
            self.push(s);
        }
    }
}

fn push_unique(out: &mut Vec<String>, s: &str) {
    if !s.is_empty() && !out.iter().any(|o| o == s) {
        out.push(s.to_string());
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        extract_hashtags(s, &mut v);
        v
    }

    fn mentions(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        extract_mentions(s, &mut v);
        v
    }

    #[test]
    fn twitter_tags() {
        assert_eq!(tags("Vote #Brexit now #EU2021!"), ["Brexit", "EU2021"]);
        assert_eq!(tags("no#tag here &#39; #123"), Vec::<String>::new());
        assert_eq!(tags("#Россия и #中国芯片"), ["Россия", "中国芯片"]);
        assert_eq!(tags("#a #a"), ["a"]);
    }

    #[test]
    fn weibo_topics() {
        assert_eq!(
            tags("转发 #英伟达H20芯片后门# 注意安全"),
            ["英伟达H20芯片后门"]
        );
        assert_eq!(tags("#中国 芯片# 和 #国产#"), ["中国 芯片", "国产"]);
    }

    #[test]
    fn weibo_entities() {
        let mut t = Vec::new();
        super::weibo_topics(
            "#日常碎片##plog##疫情下的上海人生活现状# C# 和 #上海战疫 #",
            &mut t,
        );
        // `#` pair from the left, as Weibo renders them: a stray `#` (C#) takes the next.
        assert_eq!(t, ["日常碎片", "plog", "疫情下的上海人生活现状", "和"]);
        let mut t = Vec::new();
        super::weibo_topics("#a\nb# #ok#", &mut t);
        assert_eq!(t, ["ok"]);
        let mut m = Vec::new();
        weibo_mentions(
            "回复@张三_zs:好 //@人民日报: 转 mail a@b.c @新浪新闻O北京本轮疫情",
            &mut m,
        );
        assert_eq!(m, ["张三_zs", "人民日报", "新浪新闻O北京本轮疫情"]);
        let mut u = Vec::new();
        extract_urls(
            "看 http://t.cn/A6xyz12，还有(https://weibo.com/1/Lrcu?x=1) 和 https://a.b/c. httpx",
            &mut u,
        );
        assert_eq!(
            u,
            [
                "http://t.cn/A6xyz12",
                "https://weibo.com/1/Lrcu?x=1",
                "https://a.b/c"
            ]
        );
    }

    #[test]
    fn mentions_work() {
        assert_eq!(
            mentions("@alice hi @bob.bsky.social. mail a@b.c"),
            ["alice", "bob.bsky.social"]
        );
        assert_eq!(mentions("RT @人民日报: 消息"), ["人民日报"]);
    }
}
