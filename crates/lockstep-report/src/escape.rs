//! Getting data into the page without letting it become markup, and the hashes the
//! Content-Security-Policy allows scripts and styles by.
//!
//! Data goes into `<script type="application/json">` as JSON in which `<`, `>` and `&`
//! are written `\u003c`, `\u003e`, `\u0026`: the HTML tokenizer then never sees a `<`
//! inside the element, so neither `</script>` nor `<!--` in a post can end or alter it,
//! and `JSON.parse` restores the original characters. U+2028 and U+2029 are escaped too,
//! so the text stays valid in any JavaScript context.

use sha2::{Digest, Sha256};

/// `value` as JSON that is safe inside `<script type="application/json">`.
pub fn script_json(value: &serde_json::Value) -> String {
    // serde_json escapes control characters and quotes; `<`, `>`, `&`, U+2028 and U+2029
    // can only occur inside JSON strings, where `\uXXXX` is an equivalent spelling.
    let raw = value.to_string();
    escape_json_text(&raw)
}

/// Re-spell `<`, `>`, `&`, U+2028 and U+2029 of JSON text as `\uXXXX` escapes.
pub fn escape_json_text(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ALPHABET[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ALPHABET[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// CSP source expression for an inline `<script>` or `<style>` whose text is exactly
/// `content`: `'sha256-<base64 of its SHA-256>'`.
pub fn csp_hash(content: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(content.as_bytes())))
}

/// The report's policy: nothing may load or connect; only the inline scripts and styles
/// with the given hashes run; images only from `data:` URLs; `innerHTML`-style sinks
/// refuse strings (Trusted Types), so even a bug in the page's own code cannot turn data
/// into markup.
pub fn content_security_policy(script_hashes: &[String], style_hashes: &[String]) -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; \
         base-uri 'none'; form-action 'none'; object-src 'none'; \
         require-trusted-types-for 'script'; trusted-types 'none'",
        script_hashes.join(" "),
        style_hashes.join(" ")
    )
}

/// Cut `s` to at most `max` characters, saying how long it was. Returns the input
/// unchanged when it is short enough.
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => {
            let total = s.chars().count();
            std::borrow::Cow::Owned(format!("{}… [cut: {total} characters]", &s[..i]))
        }
    }
}

/// Clip every string inside a JSON value (keys included) to `max` characters.
pub fn clip_value(v: &mut serde_json::Value, max: usize) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(c) = clip(s, max) {
                *s = c;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| clip_value(x, max)),
        Value::Object(o) => {
            let long: Vec<String> = o
                .keys()
                .filter(|k| k.chars().nth(max).is_some())
                .cloned()
                .collect();
            for k in long {
                if let Some(x) = o.remove(&k) {
                    o.insert(clip(&k, max).into_owned(), x);
                }
            }
            o.values_mut().for_each(|x| clip_value(x, max));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn script_json_cannot_close_the_element() {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}\u{2029} </SCRIPT >";
        let v = json!({ "text": hostile, "<key>": [hostile] });
        let s = script_json(&v);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!s.contains(bad), "{bad:?} left in {s}");
        }
        assert!(s.contains("\\u003c/script\\u003e"));
        // The escaped text is still the same JSON value.
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn script_json_keeps_other_text() {
        let v = json!({"t": "人民日报 \u{202e}rtl \"q\" \\ \n\t\u{0}", "n": 1.5});
        let s = script_json(&v);
        assert!(s.contains("人民日报"));
        assert!(!s.contains('\u{0}'));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }

    #[test]
    fn csp_hash_is_sha256_base64() {
        // echo -n "alert('Hello, world.');" | openssl sha256 -binary | base64
        assert_eq!(
            csp_hash("alert('Hello, world.');"),
            "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
        );
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn policy_denies_by_default() {
        let p = content_security_policy(&["'sha256-a'".into()], &["'sha256-b'".into()]);
        assert!(p.starts_with("default-src 'none';"));
        assert!(p.contains("script-src 'sha256-a';"));
        assert!(p.contains("style-src 'sha256-b';"));
        assert!(!p.contains("unsafe"));
        assert!(!p.contains("connect-src"));
        assert!(!p.contains('<') && !p.contains('"'));
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("中文字符", 2), "中文… [cut: 4 characters]");
        let mut v = json!({"a": ["xxxx", {"b": "yy"}], "kkkk": 1});
        clip_value(&mut v, 3);
        assert_eq!(
            v,
            json!({"a": ["xxx… [cut: 4 characters]", {"b": "yy"}], "kkk… [cut: 4 characters]": 1})
        );
    }
}
