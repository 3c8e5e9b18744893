//! Twitter/X tweet objects (API v1.1 and v2) to [`PostRecord`], shared by the JSON and
//! CSV readers of Twitter data. Every Twitter format uses the platform name `twitter`, so
//! copies of one tweet from v1.1, v2, twarc and archive files deduplicate.
//!
//! Time: from the snowflake id when the id is one (`(id >> 22) + 1288834974657` ms, as
//! coordination-network-toolkit does), otherwise from `created_at`; see
//! [`crate::timefmt::twitter_time`].

use super::json::{arr, get, id_at, id_value, need_id, path, str_at};
use super::util::{clean_id, push_unique};
use super::{extract_hashtags, extract_mentions};
use crate::timefmt::{iso8601_to_ms, twitter_time, twitter_to_ms};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::collections::HashMap;

/// Platform name of every Twitter/X format.
pub(crate) const PLATFORM: &str = "twitter";

/// Hashtags, mentions and links from an API entities object (v1.1 and v2 differ only in
/// key names), falling back to the text for whatever the object does not list.
fn fill_entities(
    post: &mut PostRecord,
    ent: Option<&Value>,
    tag_keys: &[&str],
    mentions_key: &str,
    mention_name_key: &str,
) {
    let Some(ent) = ent else {
        extract_hashtags(&post.text, &mut post.hashtags);
        extract_mentions(&post.text, &mut post.mentions);
        return;
    };
    if get(ent, "hashtags").is_some() {
        for h in arr(ent, "hashtags") {
            if let Some(x) = tag_keys.iter().find_map(|k| str_at(h, k)) {
                push_unique(&mut post.hashtags, x);
            }
        }
    } else {
        extract_hashtags(&post.text, &mut post.hashtags);
    }
    if get(ent, mentions_key).is_some() {
        for m in arr(ent, mentions_key) {
            if let Some(x) = str_at(m, mention_name_key) {
                push_unique(&mut post.mentions, x);
            }
        }
    } else {
        extract_mentions(&post.text, &mut post.mentions);
    }
    for u in arr(ent, "urls") {
        if let Some(x) = str_at(u, "expanded_url").or_else(|| str_at(u, "url")) {
            push_unique(&mut post.urls, x);
        }
    }
}

/// `created_at` in either API's spelling.
pub(crate) fn created_ms(v: &Value) -> Option<i64> {
    created_str_ms(str_at(v, "created_at"))
}

/// A `created_at` string in either API's spelling.
pub(crate) fn created_str_ms(s: Option<&str>) -> Option<i64> {
    let s = s?;
    twitter_to_ms(s).or_else(|| iso8601_to_ms(s))
}

/// Set `post.time_ms` from the id and `created_at`.
pub(crate) fn set_time(
    post: &mut PostRecord,
    created: Option<i64>,
    raw_created: Option<&str>,
) -> Result<(), String> {
    post.time_ms = twitter_time(&post.id, created).ok_or_else(|| match raw_created {
        Some(c) => format!(
            "unparsable created_at '{}' and the id is not a snowflake",
            c.chars().take(40).collect::<String>()
        ),
        None => "no created_at and the id is not a snowflake".to_string(),
    })?;
    Ok(())
}

fn lang_of(v: &Value) -> Option<String> {
    lang_str(str_at(v, "lang"))
}

/// A language code, None for empty and `und` (undetermined).
pub(crate) fn lang_str(l: Option<&str>) -> Option<String> {
    l.filter(|l| !l.is_empty() && *l != "und")
        .map(str::to_string)
}

// ---------------------------------------------------------------------------------------
// v1.1
// ---------------------------------------------------------------------------------------

/// Stream notices that are not tweets (`delete`, `limit`, ...), by the kind to count them
/// under, or None for a tweet.
pub(crate) fn v1_notice(t: &Value) -> Option<&'static str> {
    if get(t, "id_str").is_some() || get(t, "id").is_some() {
        return None;
    }
    for (k, what) in [
        ("delete", "deletion notices"),
        ("limit", "limit notices"),
        ("scrub_geo", "scrub_geo notices"),
        ("status_withheld", "withheld notices"),
        ("user_withheld", "withheld notices"),
        ("disconnect", "disconnect notices"),
        ("warning", "stall warnings"),
        ("event", "user events"),
        ("friends", "friend lists"),
    ] {
        if get(t, k).is_some() {
            return Some(what);
        }
    }
    None
}

/// A retweet's text as `RT @author: original`, as the platform starts it but with the
/// original uncut; the retweet's `own` text when either part is unknown. The retweeted
/// author counts as mentioned, as in the platform's entities.
pub(crate) fn retweet_text(
    post: &mut PostRecord,
    author: Option<&str>,
    original: Option<&str>,
    own: Option<&str>,
) {
    match (author, original) {
        (Some(a), Some(txt)) => {
            post.text.push_str("RT @");
            post.text.push_str(a);
            post.text.push_str(": ");
            post.text.push_str(txt);
        }
        _ => post.text.push_str(own.unwrap_or("")),
    }
    if let Some(a) = author {
        push_unique(&mut post.mentions, a);
    }
}

fn v1_full_text(t: &Value) -> Option<&str> {
    str_at(t, "full_text")
        .or_else(|| get(t, "extended_tweet").and_then(|e| str_at(e, "full_text")))
        .or_else(|| str_at(t, "text"))
}

fn v1_entities(t: &Value) -> Option<&Value> {
    get(t, "extended_tweet")
        .and_then(|e| get(e, "entities"))
        .or_else(|| get(t, "entities"))
}

fn v1_media(t: &Value) -> &[Value] {
    let ext = get(t, "extended_tweet").unwrap_or(t);
    for src in [
        path(ext, &["extended_entities", "media"]),
        path(t, &["extended_entities", "media"]),
        path(ext, &["entities", "media"]),
        path(t, &["entities", "media"]),
    ]
    .into_iter()
    .flatten()
    {
        if let Value::Array(a) = src {
            return a;
        }
    }
    &[]
}

fn v1_id(t: &Value) -> Option<String> {
    id_at(t, "id_str").or_else(|| id_at(t, "id"))
}

/// Fill `post` from a v1.1 tweet.
pub(crate) fn from_v1(t: &Value, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    if !t.is_object() {
        return Err("a tweet should be a JSON object".into());
    }
    let id = match id_at(t, "id_str") {
        Some(s) => s,
        None => need_id(t, "id", "tweet id")?,
    };
    post.id.push_str(clean_id(&id, "tweet id")?);
    let user = get(t, "user").ok_or("missing user")?;
    if !user.is_object() {
        return Err("user should be an object".into());
    }
    let uid = match id_at(user, "id_str") {
        Some(s) => s,
        None => need_id(user, "id", "user id")?,
    };
    post.author_id.push_str(clean_id(&uid, "user id")?);
    if let Some(h) = str_at(user, "screen_name") {
        post.author_handle.push_str(h);
    }
    // The account's creation time: batches of accounts created together are a signal.
    post.author_created_ms = created_ms(user);
    set_time(post, created_ms(t), str_at(t, "created_at"))?;

    let rt = get(t, "retweeted_status").filter(|r| r.is_object());
    // The tweet whose content this post carries: the original for a retweet, whose text
    // is not truncated ("RT @x: ..." is cut at 140 characters in v1.1).
    let content = rt.unwrap_or(t);
    if let Some(rt) = rt {
        let rid = v1_id(rt).ok_or("retweeted_status has no id")?;
        post.repost_of = Some(clean_id(&rid, "retweeted id")?.to_string());
        let author = get(rt, "user").and_then(|u| str_at(u, "screen_name"));
        retweet_text(post, author, v1_full_text(rt), v1_full_text(t));
    } else {
        post.text.push_str(v1_full_text(t).unwrap_or(""));
        let q = id_at(t, "quoted_status_id_str")
            .or_else(|| id_at(t, "quoted_status_id"))
            .or_else(|| get(t, "quoted_status").and_then(v1_id));
        if let Some(q) = q {
            if let Ok(q) = clean_id(&q, "quoted id") {
                post.quote_of = Some(q.to_string());
            }
        }
    }
    let reply = id_at(t, "in_reply_to_status_id_str").or_else(|| id_at(t, "in_reply_to_status_id"));
    if let Some(r) = reply {
        if let Ok(r) = clean_id(&r, "in_reply_to_status_id") {
            post.reply_to = Some(r.to_string());
        }
    }
    post.lang = lang_of(t);

    fill_entities(
        post,
        v1_entities(content),
        &["text", "tag"],
        "user_mentions",
        "screen_name",
    );
    for m in v1_media(content) {
        if let Some(x) = id_at(m, "id_str").or_else(|| id_at(m, "id")) {
            push_unique(&mut post.media, &x);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// v2
// ---------------------------------------------------------------------------------------

/// Expansions of a v2 response page (`includes`), indexed by id.
#[derive(Default)]
pub(crate) struct Includes<'a> {
    users: HashMap<String, &'a Value>,
    tweets: HashMap<String, &'a Value>,
}

impl<'a> Includes<'a> {
    pub(crate) fn from_page(page: &'a Value) -> Self {
        let mut inc = Includes::default();
        if let Some(i) = get(page, "includes") {
            for u in arr(i, "users") {
                if let Some(id) = id_at(u, "id") {
                    inc.users.insert(id, u);
                }
            }
            for t in arr(i, "tweets") {
                if let Some(id) = id_at(t, "id") {
                    inc.tweets.insert(id, t);
                }
            }
        }
        inc
    }

    fn user(&self, id: &str) -> Option<&'a Value> {
        self.users.get(id).copied()
    }

    fn tweet(&self, id: &str) -> Option<&'a Value> {
        self.tweets.get(id).copied()
    }
}

fn v2_text(t: &Value) -> Option<&str> {
    get(t, "note_tweet")
        .and_then(|n| str_at(n, "text"))
        .or_else(|| str_at(t, "text"))
}

fn v2_username<'v>(t: &'v Value, inc: &Includes<'v>) -> Option<&'v str> {
    get(t, "author")
        .and_then(|a| str_at(a, "username"))
        .or_else(|| {
            id_at(t, "author_id")
                .and_then(|id| inc.user(&id))
                .and_then(|u| str_at(u, "username"))
        })
}

/// Fill `post` from a v2 tweet (bare, or flattened by twarc2 with `author` and expanded
/// `referenced_tweets`), using `inc` for a page's expansions.
pub(crate) fn from_v2(t: &Value, inc: &Includes<'_>, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    if !t.is_object() {
        return Err("a tweet should be a JSON object".into());
    }
    let id = need_id(t, "id", "tweet id")?;
    post.id.push_str(clean_id(&id, "tweet id")?);
    let author = match id_at(t, "author_id") {
        Some(a) => a,
        None => get(t, "author")
            .and_then(|a| id_at(a, "id"))
            .ok_or("missing author_id")?,
    };
    post.author_id.push_str(clean_id(&author, "author_id")?);
    if let Some(h) = v2_username(t, inc) {
        post.author_handle.push_str(h);
    }
    // twarc2's flattened shape carries the author object with its creation time.
    post.author_created_ms = get(t, "author").and_then(created_ms);
    set_time(post, created_ms(t), str_at(t, "created_at"))?;

    let mut original: Option<&Value> = None;
    for r in arr(t, "referenced_tweets") {
        let Some(rid) = id_at(r, "id") else { continue };
        let Ok(rid) = clean_id(&rid, "referenced tweet id") else {
            continue;
        };
        match str_at(r, "type") {
            Some("retweeted") => {
                post.repost_of = Some(rid.to_string());
                // Flattened tweets carry the referenced tweet inline; pages in includes.
                original = if get(r, "text").is_some() {
                    Some(r)
                } else {
                    inc.tweet(rid)
                };
            }
            Some("quoted") => post.quote_of = Some(rid.to_string()),
            Some("replied_to") => post.reply_to = Some(rid.to_string()),
            _ => {}
        }
    }
    let content = original.unwrap_or(t);
    match original {
        Some(o) => {
            retweet_text(post, v2_username(o, inc), v2_text(o), v2_text(t));
        }
        None => post.text.push_str(v2_text(t).unwrap_or("")),
    }
    post.lang = lang_of(t);
    let ent = get(content, "note_tweet")
        .and_then(|n| get(n, "entities"))
        .or_else(|| get(content, "entities"));
    fill_entities(post, ent, &["tag"], "mentions", "username");
    if let Some(att) = get(content, "attachments") {
        for k in arr(att, "media_keys") {
            if let Some(k) = id_value(k) {
                push_unique(&mut post.media, media_id(&k));
            }
        }
        for m in arr(att, "media") {
            if let Some(k) = id_at(m, "media_key") {
                push_unique(&mut post.media, media_id(&k));
            }
        }
    }
    Ok(())
}

/// The media id inside a v2 media key (`3_1440716736051830786` → `1440716736051830786`),
/// so media from v1.1 (`id_str`) and v2 match.
pub(crate) fn media_id(key: &str) -> &str {
    match key.split_once('_') {
        Some((kind, id)) if kind.bytes().all(|c| c.is_ascii_digit()) && !id.is_empty() => id,
        _ => key,
    }
}
