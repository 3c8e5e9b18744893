//! Hashtags and mentions found in post text, for formats that do not list them.

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Hashtags in `text`, without `#`, in order of appearance, duplicates kept once.
///
/// Understands Twitter-style `#tag` (word characters of any script) and Weibo-style
/// `#话题 名称#` topics, where the tag runs to the closing `#`.
pub fn extract_hashtags(text: &str, out: &mut Vec<String>) {
    let mut prev: Option<char> = None;
    let mut it = text.char_indices().peekable();
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
                    push_unique(out, inner.trim());
                    // Skip past the closing '#'.
                    let skip_to = i + c.len_utf8() + end;
                    while it.peek().is_some_and(|&(j, _)| j <= skip_to) {
                        it.next();
                    }
                    prev = Some('#');
                    continue;
                }
            }
            let tag: String = rest.chars().take_while(|&ch| is_word(ch)).collect();
            if !tag.is_empty() && !tag.chars().all(|ch| ch.is_ascii_digit()) {
                push_unique(out, &tag);
            }
        }
        prev = Some(c);
    }
}

/// Mentioned handles in `text`, without `@` (`@user`, `@user.bsky.social`).
pub fn extract_mentions(text: &str, out: &mut Vec<String>) {
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if (c == '@' || c == '＠') && !prev.is_some_and(is_word) {
            let rest = &text[i + c.len_utf8()..];
            let handle: String = rest
                .chars()
                .take_while(|&ch| is_word(ch) || ch == '.' || ch == '-')
                .collect();
            let handle = handle.trim_end_matches(['.', '-']);
            if !handle.is_empty() {
                push_unique(out, handle);
            }
        }
        prev = Some(c);
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
    fn mentions_work() {
        assert_eq!(
            mentions("@alice hi @bob.bsky.social. mail a@b.c"),
            ["alice", "bob.bsky.social"]
        );
        assert_eq!(mentions("RT @人民日报: 消息"), ["人民日报"]);
    }
}
