//! Mastodon status JSON, as the REST API returns it: one status per line, a JSON array of
//! statuses (a timeline page), or streaming events (`{"event": "update", "payload":
//! "<status JSON>"}`).
//!
//! * Ids: the status `uri` (its ActivityPub id, the same on every server), falling back to
//!   `url`, then the server-local `id`; so one status collected from several servers is
//!   one post. A reblog's `reblog.uri` is `repost_of`; a quote (Mastodon 4.4
//!   `quote.quoted_status`, or a `quote` status object) is `quote_of`. `in_reply_to_id`
//!   is only given as a server-local id and is kept as such in `reply_to` (co-reply
//!   works within one server's collection).
//! * Authors: `account.url` (global), falling back to `account.id`; the handle is
//!   `account.acct`.
//! * Text is the HTML `content` turned into plain text; links are the `href`s of links that
//!   are not mentions or hashtags, plus the preview card's URL; hashtags and mentions come
//!   from `tags` and `mentions`. A reblog carries the reblogged status's content.
//! * Media: each attachment's `blurhash` (a content-derived hash, so the same picture
//!   uploaded by different accounts matches), else its remote URL, URL or id.

use super::json::{arr, get, id_at, parse, str_at};
use super::util::{clean_id, head_shape, json_posts, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions, Format};
use crate::timefmt::iso8601_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct Mastodon;

const PLATFORM: &str = "mastodon";

impl Format for Mastodon {
    fn name(&self) -> &'static str {
        "mastodon"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        (s.has("account") && s.has("content") && (s.has("uri") || s.has("visibility")))
            || (s.has("event") && s.has("payload"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        json_posts(input, ingest, &|_, v, post| {
            // Streaming events wrap the status as a JSON string.
            let Some(ev) = str_at(v, "event") else {
                return status_to_post(v, post).map(|()| Outcome::Post);
            };
            if ev != "update" && ev != "status.update" {
                return Ok(Outcome::Skip("non-status stream events"));
            }
            match get(v, "payload") {
                Some(Value::String(s)) => {
                    let status = parse(s.as_bytes()).map_err(|r| format!("payload: {r}"))?;
                    status_to_post(&status, post)
                }
                Some(x) => status_to_post(x, post),
                None => Err("event without payload".into()),
            }
            .map(|()| Outcome::Post)
        })
    }
}

fn global_id(s: &Value) -> Option<String> {
    str_at(s, "uri")
        .or_else(|| str_at(s, "url"))
        .map(str::to_string)
        .or_else(|| id_at(s, "id"))
}

fn status_to_post(s: &Value, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    if !s.is_object() {
        return Err("a status should be a JSON object".into());
    }
    let id = global_id(s).ok_or("status without uri, url or id")?;
    post.id.push_str(clean_id(&id, "status id")?);
    let acct = get(s, "account").ok_or("status without account")?;
    let author = str_at(acct, "url")
        .map(str::to_string)
        .or_else(|| id_at(acct, "id"))
        .ok_or("account without url or id")?;
    post.author_id.push_str(clean_id(&author, "account")?);
    if let Some(h) = str_at(acct, "acct").or_else(|| str_at(acct, "username")) {
        post.author_handle.push_str(h);
    }
    let created = str_at(s, "created_at").ok_or("status without created_at")?;
    post.time_ms = iso8601_to_ms(created).ok_or_else(|| {
        format!(
            "unparsable created_at '{}'",
            created.chars().take(40).collect::<String>()
        )
    })?;
    let content_src = match get(s, "reblog") {
        Some(r) if r.is_object() => {
            let rid = global_id(r).ok_or("reblog without uri, url or id")?;
            post.repost_of = Some(clean_id(&rid, "reblogged id")?.to_string());
            r
        }
        _ => s,
    };
    if let Some(r) = id_at(s, "in_reply_to_id") {
        if let Ok(r) = clean_id(&r, "in_reply_to_id") {
            post.reply_to = Some(r.to_string());
        }
    }
    if post.repost_of.is_none() {
        if let Some(q) = get(s, "quote") {
            let quoted = get(q, "quoted_status").unwrap_or(q);
            let qid = global_id(quoted).or_else(|| id_at(q, "quoted_status_id"));
            if let Some(qid) = qid {
                if let Ok(qid) = clean_id(&qid, "quoted id") {
                    post.quote_of = Some(qid.to_string());
                }
            }
        }
    }
    post.lang = str_at(content_src, "language")
        .or_else(|| str_at(s, "language"))
        .filter(|l| !l.is_empty())
        .map(str::to_string);
    let html = str_at(content_src, "content").unwrap_or("");
    html_to_text(html, &mut post.text, &mut post.urls);
    if let Some(card) = get(content_src, "card") {
        if let Some(u) = str_at(card, "url") {
            push_unique(&mut post.urls, u);
        }
    }
    if get(content_src, "tags").is_some() {
        for t in arr(content_src, "tags") {
            if let Some(n) = str_at(t, "name") {
                push_unique(&mut post.hashtags, n);
            }
        }
    } else {
        extract_hashtags(&post.text, &mut post.hashtags);
    }
    if get(content_src, "mentions").is_some() {
        for m in arr(content_src, "mentions") {
            if let Some(a) = str_at(m, "acct").or_else(|| str_at(m, "username")) {
                push_unique(&mut post.mentions, a);
            }
        }
    } else {
        extract_mentions(&post.text, &mut post.mentions);
    }
    for m in arr(content_src, "media_attachments") {
        let key = str_at(m, "blurhash")
            .map(|b| format!("blurhash:{b}"))
            .or_else(|| str_at(m, "remote_url").map(str::to_string))
            .or_else(|| str_at(m, "url").map(str::to_string))
            .or_else(|| id_at(m, "id"));
        if let Some(k) = key {
            push_unique(&mut post.media, &k);
        }
    }
    Ok(())
}

/// Plain text of a status's HTML: paragraphs and `<br>` become line breaks, tags go,
/// entities are decoded. `href`s of links other than mentions and hashtags are added to
/// `urls`.
pub(crate) fn html_to_text(html: &str, out: &mut String, urls: &mut Vec<String>) {
    let mut rest = html;
    let mut first_p = true;
    while let Some(lt) = rest.find('<') {
        decode_entities(&rest[..lt], out);
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            decode_entities(after, out);
            return;
        };
        let tag = &after[1..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            ("br", _) => out.push('\n'),
            ("p", false) => {
                if !first_p {
                    out.push_str("\n\n");
                }
                first_p = false;
            }
            ("a", false) => {
                let lower = tag.to_ascii_lowercase();
                let is_social = lower.contains("mention") || lower.contains("hashtag");
                if !is_social {
                    if let Some(h) = attr(tag, "href") {
                        let mut u = String::new();
                        decode_entities(h, &mut u);
                        push_unique(urls, &u);
                    }
                }
            }
            _ => {}
        }
        rest = &after[gt + 1..];
    }
    decode_entities(rest, out);
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let key = format!("{name}=");
    let mut from = 0;
    while let Some(p) = lower[from..].find(&key) {
        let at = from + p;
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let v = &tag[at + key.len()..];
        if before_ok {
            let q = v.chars().next()?;
            if q == '"' || q == '\'' {
                let end = v[1..].find(q)?;
                return Some(&v[1..1 + end]);
            }
            let end = v.find(|c: char| c.is_whitespace()).unwrap_or(v.len());
            return Some(&v[..end]);
        }
        from = at + key.len();
    }
    None
}

fn decode_entities(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let semi = after[..after.len().min(12)].find(';');
        let decoded = semi.and_then(|e| {
            let ent = &after[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html() {
        let mut t = String::new();
        let mut u = Vec::new();
        html_to_text(
            r#"<p>Hi <span class="h-card"><a href="https://m.s/@bob" class="u-url mention">@<span>bob</span></a></span> &amp; see <a href="https://ex.com/a?b=1&amp;c=2" rel="nofollow">ex.com</a></p><p>line<br />two <a href="https://m.s/tags/x" class="mention hashtag" rel="tag">#<span>x</span></a></p>"#,
            &mut t,
            &mut u,
        );
        assert_eq!(t, "Hi @bob & see ex.com\n\nline\ntwo #x");
        assert_eq!(u, vec!["https://ex.com/a?b=1&c=2"]);
    }
}
