//! Telegram Desktop's "machine-readable JSON" export (`result.json`): one chat
//! (`{"name", "type", "id", "messages": [...]}`) or a full account export
//! (`{"chats": {"list": [chat, ...]}, "left_chats": {...}}`).
//!
//! The document is walked without being built ([`crate::records::JsonScanner`]): each
//! message is parsed on its own, so memory stays at one message and a bad message is one
//! rejection. The `line` of a rejection is the line where the message starts; the reason
//! names the message's index in its chat and its byte offset.
//!
//! * Post id: `CHAT_ID/MESSAGE_ID` (the chat's numeric `id`, as Telethon's peer ids, so
//!   copies from both dedupe). Author: `from_id` (`user123`, `channel123`). Service
//!   messages are skipped and counted.
//! * Time: `date_unixtime`, the real instant. `date` is local time without an offset and
//!   is used (read as UTC, with a warning) only when `date_unixtime` is missing.
//! * Text may be a string or an array of strings and entity objects; `text_entities` is
//!   preferred when present. Links come from `link` and `text_link` entities, hashtags
//!   and mentions from theirs.
//! * Forwards (`forwarded_from`, `forwarded_from_id`, `saved_from`) are reposts. The
//!   export does not keep the original message's id, so `repost_of` is a key made of the
//!   source and a hash of the text: `fwd:SOURCE:HASH`. Forwards of one message by many
//!   channels share it; Telethon forwards, which do carry the original id, use
//!   `CHANNEL/POST` instead.
//! * Replies: `reply_to_message_id` → `CHAT_ID/ID`. Desktop exports carry no media ids or
//!   hashes (only local file paths), so `media` stays empty.

use super::json::{get, id_at, id_value, parse, str_at};
use super::util::{clean_id, head_shape, push_unique, reject_malformed};
use super::{extract_hashtags, extract_mentions, Format};
use crate::records::{Action, Event, JsonScanner, Seg};
use crate::timefmt::{iso8601_to_ms, unix_seconds_to_ms};
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct Telegram;

/// Platform name of Telegram.
pub(crate) const PLATFORM: &str = "telegram";

impl Format for Telegram {
    fn name(&self) -> &'static str {
        "telegram"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        !s.array
            && (s.has("messages")
                || s.has("chats")
                || s.has("left_chats")
                || s.has("personal_information")
                || (s.has("name") && s.has("type") && s.has("id") && s.keys.len() <= 4))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let max = ingest.options().max_record();
        let mut sc = JsonScanner::new(input, max);
        let mut select = |p: &[Seg]| select(p);
        let mut chat = Chat::default();
        let mut post = PostRecord::default();
        loop {
            let ev = sc
                .next_event(&mut select)
                .map_err(|source| IngestError::Io {
                    path: ingest.current_file().into(),
                    source,
                })?;
            let Some(ev) = ev else { break };
            match ev {
                Event::Value {
                    path,
                    bytes,
                    line,
                    offset,
                } => {
                    let (chat_key, leaf) = split_path(path);
                    if chat.key != chat_key {
                        chat = Chat {
                            key: chat_key,
                            ..Chat::default()
                        };
                    }
                    match leaf {
                        Leaf::Meta(k) => {
                            if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
                                match k {
                                    "id" => chat.id = id_value(&v),
                                    "name" => chat.name = v.as_str().map(str::to_string),
                                    "type" => chat.kind = v.as_str().map(str::to_string),
                                    _ => {}
                                }
                            }
                        }
                        Leaf::Message(i) => {
                            let at = format!("message {i} (0-based) at byte offset {offset}: ");
                            let v = match parse(bytes) {
                                Ok(v) => v,
                                Err(r) => {
                                    ingest.reject(line, format!("{at}{r}"), bytes)?;
                                    continue;
                                }
                            };
                            match message(&v, &chat, ingest, &mut post) {
                                Ok(true) => ingest.accept(&post),
                                Ok(false) => {}
                                Err(r) => ingest.reject(line, format!("{at}{r}"), bytes)?,
                            }
                        }
                        Leaf::Other => {}
                    }
                }
                Event::TooLong {
                    prefix,
                    line,
                    offset,
                    len,
                    ..
                } => ingest.reject(
                    line,
                    format!(
                        "message at byte offset {offset} is {len} bytes, longer than the limit of {max} bytes"
                    ),
                    prefix,
                )?,
                Event::Error(e) => reject_malformed(ingest, ("JSON", "export"), &e)?,
            }
        }
        Ok(())
    }
}

fn select(p: &[Seg]) -> Action {
    let meta = |s: &Seg| s.is("id") || s.is("name") || s.is("type");
    match p {
        [] => Action::Descend,
        [m] if m.is("messages") => Action::Descend,
        [m, Seg::Index(_)] if m.is("messages") => Action::Capture,
        [k] if meta(k) => Action::Capture,
        [c] if c.is("chats") || c.is("left_chats") => Action::Descend,
        [c, l] if (c.is("chats") || c.is("left_chats")) && l.is("list") => Action::Descend,
        [c, l, Seg::Index(_)] if (c.is("chats") || c.is("left_chats")) && l.is("list") => {
            Action::Descend
        }
        [c, l, Seg::Index(_), k] if (c.is("chats") || c.is("left_chats")) && l.is("list") => {
            if k.is("messages") {
                Action::Descend
            } else if meta(k) {
                Action::Capture
            } else {
                Action::Skip
            }
        }
        [c, l, Seg::Index(_), m, Seg::Index(_)]
            if (c.is("chats") || c.is("left_chats")) && l.is("list") && m.is("messages") =>
        {
            Action::Capture
        }
        _ => Action::Skip,
    }
}

enum Leaf {
    Meta(&'static str),
    Message(u64),
    Other,
}

/// Which chat a path belongs to (a key unique per chat) and what it points at.
fn split_path(p: &[Seg]) -> (String, Leaf) {
    let (chat, rest) = if p.len() >= 3 && p[1].is("list") {
        let which = if p[0].is("left_chats") {
            "left"
        } else {
            "chats"
        };
        let idx = match &p[2] {
            Seg::Index(i) => *i,
            _ => 0,
        };
        (format!("{which}/{idx}"), &p[3..])
    } else {
        (String::new(), p)
    };
    let leaf = match rest {
        [k] if k.is("id") => Leaf::Meta("id"),
        [k] if k.is("name") => Leaf::Meta("name"),
        [k] if k.is("type") => Leaf::Meta("type"),
        [m, Seg::Index(i)] if m.is("messages") => Leaf::Message(*i),
        _ => Leaf::Other,
    };
    (chat, leaf)
}

#[derive(Default)]
struct Chat {
    key: String,
    id: Option<String>,
    name: Option<String>,
    kind: Option<String>,
}

/// A stable 64-bit FNV-1a hash, hex.
pub(crate) fn fnv_hex(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Fill `post` from one exported message; Ok(false) when it was skipped.
fn message(
    v: &Value,
    chat: &Chat,
    ingest: &mut Ingest,
    post: &mut PostRecord,
) -> Result<bool, String> {
    if !v.is_object() {
        return Err("a message should be a JSON object".into());
    }
    match str_at(v, "type") {
        Some("message") | None => {}
        Some("service") => {
            ingest.skip("service messages");
            return Ok(false);
        }
        Some(_) => {
            ingest.skip("messages of other types");
            return Ok(false);
        }
    }
    post.clear();
    post.platform.push_str(PLATFORM);
    let chat_id = match &chat.id {
        Some(c) => c.clone(),
        None => {
            ingest.note("chat id not found before the messages; post ids use 'unknown-chat'");
            "unknown-chat".to_string()
        }
    };
    let mid = id_at(v, "id").ok_or("message without an integer or string id")?;
    let mid = clean_id(&mid, "message id")?;
    post.id.push_str(&chat_id);
    post.id.push('/');
    post.id.push_str(mid);
    let is_channel = chat.kind.as_deref().is_some_and(|k| k.contains("channel"));
    for k in ["from_id", "from", "forwarded_from", "date_unixtime"] {
        if let Some(x) = get(v, k) {
            if !(x.is_string() || (k == "date_unixtime" && x.is_number())) {
                return Err(format!(
                    "{k} should be a string, found {}",
                    super::json::type_name(Some(x))
                ));
            }
        }
    }
    let author = str_at(v, "from_id")
        .or_else(|| str_at(v, "actor_id"))
        .map(str::to_string)
        .or_else(|| is_channel.then(|| format!("channel{chat_id}")))
        .ok_or("message without from_id")?;
    post.author_id.push_str(clean_id(&author, "from_id")?);
    if let Some(f) = str_at(v, "from").or(if is_channel {
        chat.name.as_deref()
    } else {
        None
    }) {
        post.author_handle.push_str(f);
    }
    post.time_ms = match get(v, "date_unixtime") {
        Some(Value::String(s)) => unix_seconds_to_ms(s),
        Some(Value::Number(n)) => n.as_i64().and_then(|s| s.checked_mul(1000)),
        _ => None,
    }
    .or_else(|| {
        let t = str_at(v, "date").and_then(iso8601_to_ms);
        if t.is_some() {
            ingest.note("no date_unixtime: the local 'date' was read as UTC");
        }
        t
    })
    .ok_or("message without a usable date_unixtime or date")?;

    // Text and entities.
    let entities: &[Value] = match get(v, "text_entities") {
        Some(Value::Array(a)) => a,
        _ => match get(v, "text") {
            Some(Value::Array(a)) => a,
            _ => &[],
        },
    };
    let structured = !entities.is_empty()
        || matches!(get(v, "text_entities"), Some(Value::Array(_)))
        || matches!(get(v, "text"), Some(Value::Array(_)));
    if structured {
        for e in entities {
            match e {
                Value::String(s) => post.text.push_str(s),
                Value::Object(_) => {
                    let t = str_at(e, "text").unwrap_or("");
                    post.text.push_str(t);
                    match str_at(e, "type") {
                        Some("link") => push_unique(&mut post.urls, t),
                        Some("text_link") => {
                            if let Some(h) = str_at(e, "href") {
                                push_unique(&mut post.urls, h);
                            }
                        }
                        Some("hashtag") => {
                            push_unique(&mut post.hashtags, t.trim_start_matches('#'))
                        }
                        Some("mention") => {
                            push_unique(&mut post.mentions, t.trim_start_matches('@'))
                        }
                        Some("mention_name") => match id_at(e, "user_id") {
                            Some(u) => push_unique(&mut post.mentions, &format!("user{u}")),
                            None => push_unique(&mut post.mentions, t),
                        },
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    } else {
        match get(v, "text") {
            Some(Value::String(s)) => post.text.push_str(s),
            None => {}
            Some(other) => {
                return Err(format!(
                    "text should be a string or an array, found {}",
                    super::json::type_name(Some(other))
                ))
            }
        }
        extract_hashtags(&post.text, &mut post.hashtags);
        extract_mentions(&post.text, &mut post.mentions);
    }

    if let Some(r) = id_at(v, "reply_to_message_id") {
        let peer = id_at(v, "reply_to_peer_id").unwrap_or_else(|| chat_id.clone());
        post.reply_to = Some(format!("{peer}/{r}"));
    }
    let source = str_at(v, "forwarded_from_id")
        .or_else(|| str_at(v, "saved_from_id"))
        .or_else(|| str_at(v, "forwarded_from"))
        .or_else(|| str_at(v, "saved_from"));
    let forwarded = get(v, "forwarded_from").is_some()
        || get(v, "forwarded_from_id").is_some()
        || get(v, "saved_from").is_some();
    if forwarded {
        let src = source.unwrap_or("hidden");
        let sig = media_signature(v);
        post.repost_of = Some(format!("fwd:{src}:{}", fnv_hex(&[post.text.trim(), &sig])));
    }
    Ok(true)
}

/// What identifies a message's media in a Desktop export, for forward keys.
fn media_signature(v: &Value) -> String {
    let mut s = String::new();
    for k in [
        "media_type",
        "mime_type",
        "width",
        "height",
        "duration_seconds",
        "file_size",
        "photo_file_size",
        "sticker_emoji",
    ] {
        if let Some(x) = get(v, k) {
            s.push_str(k);
            s.push('=');
            s.push_str(&x.to_string());
            s.push(';');
        }
    }
    s
}
