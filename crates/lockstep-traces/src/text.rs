//! Text normalisation for co-text matching.
//!
//! Two flavours: [`cnt_normalise`] reproduces coordination-network-toolkit 1.5.2's
//! `message_preprocessor` exactly (lowercase, drop `@mentions`, collapse whitespace), and
//! [`normalise`] is lockstep's own, which also folds compatibility forms (NFKC), strips
//! invisible characters, links and retweet prefixes, so copy-paste with cosmetic edits
//! still matches.

use unicode_normalization::UnicodeNormalization;

/// Python's `str.isspace`: Unicode whitespace plus the ASCII information separators
/// U+001C..U+001F, which Python treats as whitespace and Rust does not.
pub fn python_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// coordination-network-toolkit's co-tweet key: `" ".join(re.sub(r"@.*?(?=\s|$)", "",
/// text.lower()).split())`.
pub fn cnt_normalise(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_mention = false;
    let mut pending_space = false;
    for c in lower.chars() {
        if in_mention {
            if python_isspace(c) {
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

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// lockstep's co-text key: NFKC, lowercase, invisible characters removed, a leading
/// `RT @user:` removed, links and `@mentions` removed, whitespace collapsed.
/// Hashtags are kept (their text is content); empty when nothing is left.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .filter(|&c| !is_invisible(c))
        .flat_map(char::to_lowercase)
        .collect();
    let mut s = folded.trim_start();
    if let Some(rest) = s.strip_prefix("rt @") {
        if let Some(colon) = rest.find(':') {
            if !rest[..colon].contains(char::is_whitespace) {
                s = &rest[colon + 1..];
            }
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut prev: Option<char> = None;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let skip = if (c == 'h' && (rest.starts_with("http://") || rest.starts_with("https://")))
            || (c == 'w' && rest.starts_with("www.") && !prev.is_some_and(is_word))
            || (c == '@' && !prev.is_some_and(is_word))
        {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
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
    out
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
}
