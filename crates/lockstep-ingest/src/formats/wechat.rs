//! What the WeChat official-account (公众号) readers share: the account and article ids,
//! cover images as media, and article text.
//!
//! * **The actor is the official account**, named by its `__biz` (base64 of its numeric
//!   id), which wechat-article-exporter calls `fakeid` and we-mp-rss `faker_id`; the
//!   `MP_WXS_<number>` ids of we-mp-rss and wewe-rss feeds become the same `__biz`, so one
//!   account read from several tools is one account.
//! * **Article id** `<__biz>/<appmsgid>_<itemidx>` (the `mid` and `idx` of a long article
//!   link, or the exporters' `aid`), else `s/<id>` for a short link
//!   `mp.weixin.qq.com/s/<id>` (wewe-rss keeps only that).
//! * Cover images are media, keyed by their URL without scheme, query and the size
//!   segment (`mmbiz.qpic.cn/mmbiz_jpg/<id>`).
//! * Text is the title, a line break, and the article's text (HTML turned to text) or,
//!   without it, the digest.

use super::mastodon::html_to_text;
use super::util::push_unique;
use base64::Engine;

/// Platform name of WeChat articles.
pub(crate) const PLATFORM: &str = "wechat";

/// Decode `%XX` escapes (`+` stays: base64 `__biz` values may hold it).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query parameter of a URL.
fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    let q = q.split('#').next().unwrap_or(q);
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn is_article_link(url: &str) -> bool {
    url.contains("mp.weixin.qq.com/s")
}

/// `(__biz, mid, idx)` of a long article link
/// (`mp.weixin.qq.com/s?__biz=...&mid=...&idx=...&sn=...`).
pub(crate) fn long_link(url: &str) -> Option<(String, String, String)> {
    if !is_article_link(url) {
        return None;
    }
    let biz = query_param(url, "__biz").filter(|b| !b.is_empty())?;
    let mid = query_param(url, "mid").or_else(|| query_param(url, "appmsgid"))?;
    let idx = query_param(url, "idx").or_else(|| query_param(url, "itemidx"))?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    (digits(&mid) && digits(&idx)).then_some((biz, mid, idx))
}

/// The `__biz` in an article link.
pub(crate) fn link_biz(url: &str) -> Option<String> {
    is_article_link(url)
        .then(|| query_param(url, "__biz"))
        .flatten()
        .filter(|b| !b.is_empty())
}

/// The id of a short article link `mp.weixin.qq.com/s/<id>`.
pub(crate) fn short_link(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("mp.weixin.qq.com/s/")?;
    let id = rest.split(['?', '#', '/']).next()?;
    (!id.is_empty()).then_some(id)
}

/// The article id (see the module documentation), from whatever the record has.
pub(crate) fn article_id(
    link: Option<&str>,
    biz: Option<&str>,
    aid: Option<&str>,
) -> Option<String> {
    if let Some((b, mid, idx)) = link.and_then(long_link) {
        return Some(format!("{b}/{mid}_{idx}"));
    }
    if let (Some(b), Some(a)) = (biz, aid) {
        return Some(format!("{b}/{a}"));
    }
    if let Some(s) = link.and_then(short_link) {
        return Some(format!("s/{s}"));
    }
    None
}

/// An account id as `__biz`: `MP_WXS_<number>` (we-mp-rss, wewe-rss) becomes the base64
/// of the number; anything else stays.
pub(crate) fn account(id: &str) -> String {
    let t = id.trim();
    match t.strip_prefix("MP_WXS_") {
        Some(n) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
            base64::engine::general_purpose::STANDARD.encode(n.as_bytes())
        }
        _ => t.to_string(),
    }
}

/// The media key of a cover image URL (see the module documentation).
pub(crate) fn cover_key(url: &str) -> Option<String> {
    let u = url.trim();
    if u.is_empty() {
        return None;
    }
    let u = u.split(['?', '#']).next().unwrap_or(u);
    let u = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u);
    let mut u = u.trim_end_matches('/');
    if u.starts_with("mmbiz.qpic.cn/") {
        if let Some((head, last)) = u.rsplit_once('/') {
            if !last.is_empty() && last.bytes().all(|c| c.is_ascii_digit()) {
                u = head;
            }
        }
    }
    (!u.is_empty()).then(|| u.to_string())
}

/// Article text: the title, a line break, and the body (HTML turned to text, blank lines
/// dropped) or, without one, the digest. Links in HTML bodies are added to `urls`.
pub(crate) fn article_text(
    title: Option<&str>,
    body: Option<&str>,
    digest: Option<&str>,
    text: &mut String,
    urls: &mut Vec<String>,
) {
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        text.push_str(t);
    }
    let body = body.filter(|b| !b.trim().is_empty());
    let mut rest = String::new();
    match body {
        Some(b) if b.contains('<') && b.contains('>') => {
            let mut raw = String::new();
            let mut links = Vec::new();
            html_to_text(b, &mut raw, &mut links);
            for l in links {
                if !l.starts_with('#') && !l.starts_with("javascript:") {
                    push_unique(urls, &l);
                }
            }
            for line in raw.lines() {
                let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if !l.is_empty() {
                    if !rest.is_empty() {
                        rest.push('\n');
                    }
                    rest.push_str(&l);
                }
            }
        }
        // Plain text (exports as text or Markdown): links written in it are links, as in
        // Weibo text.
        Some(b) => {
            rest.push_str(b.trim());
            super::entities::extract_urls(b, urls);
        }
        None => {
            if let Some(d) = digest.map(str::trim).filter(|d| !d.is_empty()) {
                rest.push_str(d);
            }
        }
    }
    if !rest.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accounts_and_covers() {
        let link = "http://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ%3D%3D&mid=2650000001&idx=2&sn=abc&chksm=1#rd";
        assert_eq!(
            article_id(Some(link), None, None).as_deref(),
            Some("MzA5MDAyODcwMQ==/2650000001_2")
        );
        assert_eq!(link_biz(link).as_deref(), Some("MzA5MDAyODcwMQ=="));
        assert_eq!(
            article_id(
                Some("https://mp.weixin.qq.com/s/AbC-d_E"),
                Some("MzA5MDAyODcwMQ=="),
                Some("2650000001_2")
            )
            .as_deref(),
            Some("MzA5MDAyODcwMQ==/2650000001_2")
        );
        assert_eq!(
            article_id(Some("https://mp.weixin.qq.com/s/AbC-d_E"), None, None).as_deref(),
            Some("s/AbC-d_E")
        );
        assert_eq!(article_id(None, None, Some("1_1")), None);
        assert_eq!(account("MP_WXS_3090028701"), "MzA5MDAyODcwMQ==");
        assert_eq!(account(" MzA5MDAyODcwMQ== "), "MzA5MDAyODcwMQ==");
        assert_eq!(
            cover_key("https://mmbiz.qpic.cn/mmbiz_jpg/AbCd/0?wx_fmt=jpeg").as_deref(),
            Some("mmbiz.qpic.cn/mmbiz_jpg/AbCd")
        );
        assert_eq!(
            cover_key("http://mmbiz.qpic.cn/mmbiz_jpg/AbCd/640").as_deref(),
            Some("mmbiz.qpic.cn/mmbiz_jpg/AbCd")
        );
        assert_eq!(percent_decode("a%3D%zz%"), "a=%zz%");
    }

    #[test]
    fn texts() {
        let mut t = String::new();
        let mut u = Vec::new();
        article_text(
            Some("标题"),
            Some("<section>\n  <p>\n   第一段\n  </p>\n  <p>第二段 <a href=\"https://ex.com/x\">链接</a></p>\n</section>"),
            Some("摘要"),
            &mut t,
            &mut u,
        );
        assert_eq!(t, "标题\n第一段\n第二段 链接");
        assert_eq!(u, ["https://ex.com/x"]);
        let mut t = String::new();
        article_text(Some("标题"), None, Some("摘要"), &mut t, &mut u);
        assert_eq!(t, "标题\n摘要");
    }
}
