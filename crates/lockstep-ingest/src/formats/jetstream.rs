//! Bluesky Jetstream events, one JSON object per line
//! (`{"did", "time_us", "kind": "commit", "commit": {"operation", "collection", "rkey",
//! "record"}}`).
//!
//! * Posts (`app.bsky.feed.post` creates) and reposts (`app.bsky.feed.repost` creates) are
//!   posts. Ids are at-URIs: `at://DID/app.bsky.feed.post/RKEY`. A repost's subject URI is
//!   `repost_of`, a reply's parent URI `reply_to`, an embedded record (`embed.record`, or
//!   `recordWithMedia`) `quote_of`; image and video blob CIDs are media; links come from
//!   link facets and external embeds; mentions from mention facets (the handle as
//!   written in the text); hashtags from tag facets (from the text when a post has no
//!   facets at all).
//! * Time: the record's `createdAt` when it parses and is not more than 10 minutes after
//!   the relay's `time_us` (clients can set any `createdAt`; one from the future is not
//!   believable); otherwise `time_us`. Old `createdAt` values (imported or back-dated
//!   posts) are kept, since that is the time the author claims.
//! * Likes are not posts: they are skipped and counted (as are follows, blocks, deletes,
//!   updates, other collections, and identity and account events), and the counts are
//!   reported in a warning. Nothing of these is rejected.

use super::json::{arr, get, path, str_at};
use super::util::{clean_id, head_shape, json_posts, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions, Format};
use crate::timefmt::iso8601_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct Jetstream;

/// Platform name of Bluesky.
const PLATFORM: &str = "bluesky";

impl Format for Jetstream {
    fn name(&self) -> &'static str {
        "jetstream"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        s.has("did") && (s.has("time_us") || s.has("kind"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        json_posts(input, ingest, &|_, v, post| event(v, post))
    }
}

const FUTURE_SLACK_MS: i64 = 10 * 60 * 1000;

fn event(v: &Value, post: &mut PostRecord) -> Result<Outcome, String> {
    if !v.is_object() {
        return Err("a Jetstream event should be a JSON object".into());
    }
    match str_at(v, "kind") {
        Some("commit") => {}
        Some("identity") => return Ok(Outcome::Skip("identity events")),
        Some("account") => return Ok(Outcome::Skip("account events")),
        Some(_) => return Ok(Outcome::Skip("other events")),
        None if get(v, "commit").is_some() => {}
        None => return Err("missing 'kind'".into()),
    }
    let did = str_at(v, "did").ok_or("missing 'did'")?;
    let did = clean_id(did, "did")?;
    let commit = get(v, "commit").ok_or("commit event without 'commit'")?;
    let collection = str_at(commit, "collection").ok_or("commit without 'collection'")?;
    match str_at(commit, "operation") {
        Some("create") => {}
        Some("delete") => return Ok(Outcome::Skip("deletes")),
        Some("update") => return Ok(Outcome::Skip("updates")),
        Some(_) => return Ok(Outcome::Skip("other operations")),
        None => return Err("commit without 'operation'".into()),
    }
    let is_post = match collection {
        "app.bsky.feed.post" => true,
        "app.bsky.feed.repost" => false,
        "app.bsky.feed.like" => return Ok(Outcome::Skip("likes")),
        "app.bsky.graph.follow" => return Ok(Outcome::Skip("follows")),
        "app.bsky.graph.block" => return Ok(Outcome::Skip("blocks")),
        _ => return Ok(Outcome::Skip("records of other collections")),
    };
    let rkey = str_at(commit, "rkey").ok_or("commit without 'rkey'")?;
    let rkey = clean_id(rkey, "rkey")?;
    let record = get(commit, "record").ok_or("create commit without 'record'")?;
    if !record.is_object() {
        return Err("'record' should be an object".into());
    }
    post.clear();
    post.platform.push_str(PLATFORM);
    post.id.push_str("at://");
    post.id.push_str(did);
    post.id.push('/');
    post.id.push_str(collection);
    post.id.push('/');
    post.id.push_str(rkey);
    post.author_id.push_str(did);

    let relay_ms = match get(v, "time_us") {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map(|us| us / 1000),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok().map(|us| us / 1000),
        _ => None,
    };
    let created = str_at(record, "createdAt").and_then(iso8601_to_ms);
    post.time_ms = match (created, relay_ms) {
        (Some(c), Some(r)) if c <= r + FUTURE_SLACK_MS => c,
        (Some(_), Some(r)) => r,
        (Some(c), None) => c,
        (None, Some(r)) => r,
        (None, None) => return Err("neither a valid createdAt nor time_us".into()),
    };

    if !is_post {
        let subject = path(record, &["subject", "uri"])
            .and_then(Value::as_str)
            .ok_or("repost without subject.uri")?;
        post.repost_of = Some(clean_id(subject, "repost subject")?.to_string());
        return Ok(Outcome::Post);
    }

    let text = str_at(record, "text").unwrap_or("");
    post.text.push_str(text);
    if let Some(Value::Array(langs)) = get(record, "langs") {
        if let Some(l) = langs.iter().find_map(Value::as_str) {
            post.lang = Some(l.to_string());
        }
    }
    if let Some(parent) = path(record, &["reply", "parent", "uri"]).and_then(Value::as_str) {
        if let Ok(p) = clean_id(parent, "reply parent") {
            post.reply_to = Some(p.to_string());
        }
    }
    if let Some(embed) = get(record, "embed") {
        read_embed(embed, post);
    }
    match get(record, "facets") {
        Some(Value::Array(facets)) => {
            for f in facets {
                let (start, end) = (
                    path(f, &["index", "byteStart"]).and_then(Value::as_u64),
                    path(f, &["index", "byteEnd"]).and_then(Value::as_u64),
                );
                for feat in arr(f, "features") {
                    match str_at(feat, "$type") {
                        Some("app.bsky.richtext.facet#link") => {
                            if let Some(u) = str_at(feat, "uri") {
                                push_unique(&mut post.urls, u);
                            }
                        }
                        Some("app.bsky.richtext.facet#tag") => {
                            if let Some(t) = str_at(feat, "tag") {
                                push_unique(&mut post.hashtags, t.trim_start_matches('#'));
                            }
                        }
                        Some("app.bsky.richtext.facet#mention") => {
                            let written = match (start, end) {
                                (Some(s), Some(e)) => text.get(s as usize..e as usize),
                                _ => None,
                            };
                            match written {
                                Some(w) if w.starts_with('@') => {
                                    push_unique(&mut post.mentions, &w[1..])
                                }
                                _ => {
                                    if let Some(d) = str_at(feat, "did") {
                                        push_unique(&mut post.mentions, d);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {
            extract_hashtags(&post.text, &mut post.hashtags);
            extract_mentions(&post.text, &mut post.mentions);
        }
    }
    Ok(Outcome::Post)
}

/// A blob's CID: `{"$type": "blob", "ref": {"$link": CID}}`, or the legacy `{"cid": CID}`.
fn blob_cid(b: &Value) -> Option<&str> {
    path(b, &["ref", "$link"])
        .and_then(Value::as_str)
        .or_else(|| str_at(b, "cid"))
}

fn read_embed(embed: &Value, post: &mut PostRecord) {
    match str_at(embed, "$type") {
        Some("app.bsky.embed.images") => {
            for img in arr(embed, "images") {
                if let Some(c) = get(img, "image").and_then(blob_cid) {
                    push_unique(&mut post.media, c);
                }
            }
        }
        Some("app.bsky.embed.video") => {
            if let Some(c) = get(embed, "video").and_then(blob_cid) {
                push_unique(&mut post.media, c);
            }
        }
        Some("app.bsky.embed.external") => {
            if let Some(u) = path(embed, &["external", "uri"]).and_then(Value::as_str) {
                push_unique(&mut post.urls, u);
            }
        }
        Some("app.bsky.embed.record") => {
            if let Some(u) = path(embed, &["record", "uri"]).and_then(Value::as_str) {
                set_quote(u, post);
            }
        }
        Some("app.bsky.embed.recordWithMedia") => {
            if let Some(u) = path(embed, &["record", "record", "uri"]).and_then(Value::as_str) {
                set_quote(u, post);
            }
            if let Some(m) = get(embed, "media") {
                read_embed(m, post);
            }
        }
        _ => {}
    }
}

fn set_quote(uri: &str, post: &mut PostRecord) {
    // Embedded feed generators, lists and starter packs are not quoted posts.
    if uri.contains("/app.bsky.feed.post/") {
        if let Ok(u) = clean_id(uri, "quoted uri") {
            post.quote_of = Some(u.to_string());
        }
    } else {
        push_unique(&mut post.urls, uri);
    }
}
