//! Telethon message JSON (`Message.to_json()` or `json.dumps(Message.to_dict(),
//! default=str)`): one message per line, or a JSON array of messages.
//!
//! * Post id: `CHAT/ID` with the peer's numeric id (`peer_id.channel_id`, `chat_id` or
//!   `user_id`), matching the Telegram Desktop reader. Author: `from_id` as
//!   `user123`/`channel123`/`chat123`; a channel post without `from_id` is the
//!   channel's (`channelN`).
//! * Time: `date` (ISO 8601 with offset, or Unix seconds).
//! * Forwards: `fwd_from` with a channel `from_id` and `channel_post` → `repost_of` =
//!   `CHANNEL/POST`, the original message; otherwise `fwd:SOURCE:HASH` as in the Desktop
//!   reader. Replies: `reply_to.reply_to_msg_id` (in `reply_to_peer_id` when given).
//! * Entities use UTF-16 offsets: URLs (`MessageEntityUrl`, `MessageEntityTextUrl`),
//!   hashtags and mentions are cut from the text accordingly. Media: photo and document
//!   ids (`photo:ID`, `document:ID`; Telegram keeps them when a file is forwarded), web
//!   page previews' URLs. `MessageService` and `MessageEmpty` are skipped.

use super::json::{arr, get, id_at, str_at};
use super::telegram::{fnv_hex, PLATFORM};
use super::util::{clean_id, head_shape, json_posts, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions, Format};
use crate::timefmt::{iso8601_to_ms, unix_seconds_to_ms};
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct Telethon;

impl Format for Telethon {
    fn name(&self) -> &'static str {
        "telethon"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        matches!(
            s.tag("_"),
            Some("Message" | "MessageService" | "MessageEmpty")
        ) || (s.has("peer_id") && s.has("message") && s.has("date"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        json_posts(input, ingest, &|_, v, post| message(v, post))
    }
}

/// `(prefix, id)` of a Telethon peer object.
fn peer(p: &Value) -> Option<(&'static str, String)> {
    for (k, prefix) in [
        ("channel_id", "channel"),
        ("chat_id", "chat"),
        ("user_id", "user"),
    ] {
        if let Some(id) = id_at(p, k) {
            return Some((prefix, id));
        }
    }
    None
}

/// Substring of `text` by UTF-16 offset and length.
fn utf16_slice(text: &str, offset: u64, len: u64) -> Option<&str> {
    let (mut u, mut start, mut end) = (0u64, None, None);
    for (i, c) in text.char_indices() {
        if u == offset {
            start = Some(i);
        }
        if u == offset + len {
            end = Some(i);
            break;
        }
        u += c.len_utf16() as u64;
    }
    if u == offset && start.is_none() {
        start = Some(text.len());
    }
    if end.is_none() && u == offset + len {
        end = Some(text.len());
    }
    text.get(start?..end?)
}

fn message(v: &Value, post: &mut PostRecord) -> Result<Outcome, String> {
    if !v.is_object() {
        return Err("a message should be a JSON object".into());
    }
    match str_at(v, "_") {
        Some("Message") | None => {}
        Some("MessageService") => return Ok(Outcome::Skip("service messages")),
        Some("MessageEmpty") => return Ok(Outcome::Skip("empty messages")),
        Some(_) => return Ok(Outcome::Skip("objects that are not messages")),
    }
    post.clear();
    post.platform.push_str(PLATFORM);
    let (kind, chat) = get(v, "peer_id")
        .and_then(peer)
        .ok_or("message without a peer_id with channel_id, chat_id or user_id")?;
    let mid = id_at(v, "id").ok_or("message without an id")?;
    post.id.push_str(clean_id(&chat, "peer id")?);
    post.id.push('/');
    post.id.push_str(clean_id(&mid, "message id")?);
    let author = match get(v, "from_id").and_then(peer) {
        Some((p, id)) => format!("{p}{id}"),
        None if kind == "channel" => format!("channel{chat}"),
        None if kind == "user" => format!("user{chat}"),
        None => return Err("message without from_id in a group".into()),
    };
    post.author_id.push_str(&author);
    if let Some(a) = str_at(v, "post_author") {
        post.author_handle.push_str(a);
    }
    post.time_ms = match get(v, "date") {
        Some(Value::String(s)) => iso8601_to_ms(s).or_else(|| unix_seconds_to_ms(s)),
        Some(Value::Number(n)) => n.as_f64().and_then(|f| unix_seconds_to_ms(&f.to_string())),
        _ => None,
    }
    .ok_or("message without a usable date")?;
    let text = str_at(v, "message").unwrap_or("");
    post.text.push_str(text);
    if get(v, "entities").is_some() {
        for e in arr(v, "entities") {
            let (Some(off), Some(len)) = (
                get(e, "offset").and_then(Value::as_u64),
                get(e, "length").and_then(Value::as_u64),
            ) else {
                continue;
            };
            let piece = utf16_slice(text, off, len).unwrap_or("");
            match str_at(e, "_") {
                Some("MessageEntityUrl") => push_unique(&mut post.urls, piece),
                Some("MessageEntityTextUrl") => {
                    if let Some(u) = str_at(e, "url") {
                        push_unique(&mut post.urls, u);
                    }
                }
                Some("MessageEntityHashtag") => {
                    push_unique(&mut post.hashtags, piece.trim_start_matches('#'))
                }
                Some("MessageEntityMention") => {
                    push_unique(&mut post.mentions, piece.trim_start_matches('@'))
                }
                Some("MessageEntityMentionName" | "InputMessageEntityMentionName") => {
                    if let Some(u) = id_at(e, "user_id") {
                        push_unique(&mut post.mentions, &format!("user{u}"));
                    }
                }
                _ => {}
            }
        }
    } else {
        extract_hashtags(text, &mut post.hashtags);
        extract_mentions(text, &mut post.mentions);
    }
    if let Some(r) = get(v, "reply_to") {
        if let Some(m) = id_at(r, "reply_to_msg_id") {
            let p = get(r, "reply_to_peer_id")
                .and_then(peer)
                .map(|(_, id)| id)
                .unwrap_or_else(|| chat.clone());
            post.reply_to = Some(format!("{p}/{m}"));
        }
    }
    if let Some(f) = get(v, "fwd_from") {
        let src = get(f, "from_id").and_then(peer);
        match (&src, id_at(f, "channel_post")) {
            (Some(("channel", c)), Some(p)) => post.repost_of = Some(format!("{c}/{p}")),
            _ => {
                let name = match &src {
                    Some((p, id)) => format!("{p}{id}"),
                    None => str_at(f, "from_name").unwrap_or("hidden").to_string(),
                };
                post.repost_of = Some(format!("fwd:{name}:{}", fnv_hex(&[text.trim(), ""])));
            }
        }
    }
    if let Some(m) = get(v, "media") {
        if let Some(id) = get(m, "photo").and_then(|p| id_at(p, "id")) {
            push_unique(&mut post.media, &format!("photo:{id}"));
        }
        if let Some(id) = get(m, "document").and_then(|p| id_at(p, "id")) {
            push_unique(&mut post.media, &format!("document:{id}"));
        }
        if let Some(u) = get(m, "webpage").and_then(|w| str_at(w, "url")) {
            push_unique(&mut post.urls, u);
        }
    }
    Ok(Outcome::Post)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16() {
        let t = "😀 #тег http://x.y";
        assert_eq!(utf16_slice(t, 3, 4), Some("#тег"));
        assert_eq!(utf16_slice(t, 8, 10), Some("http://x.y"));
        assert_eq!(utf16_slice(t, 1, 1), None);
        assert_eq!(utf16_slice(t, 99, 1), None);
    }
}
