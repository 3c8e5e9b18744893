//! CSV written by twarc: DocNow's `twarc-csv` plugin for twarc2 (dotted columns such as
//! `referenced_tweets.retweeted.id`, `author.username`, `entities.hashtags`; lists are
//! JSON-encoded, newlines in text escaped as `\n`) and twarc 1's `json2csv` (`id`,
//! `user_screen_name`, `tweet_type`, `retweet_or_quote_id` or `retweet_id`, space-separated
//! `hashtags` and `urls`). Columns are found by name, so both layouts and their versions
//! load.
//!
//! twarc-csv merges a retweet's full original text into `text` by default; we prefix it
//! with `RT @user: ` when `retweeted_username` is known, as the JSON readers do. Time comes
//! from the snowflake id when it is one, otherwise from `created_at`.

use super::csvrows::{col, read_csv, Row};
use super::twitter::{media_id, set_time, PLATFORM};
use super::util::{clean_id, csv_header, list_cell, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions, Format};
use crate::timefmt::auto_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct TwarcCsv;

impl Format for TwarcCsv {
    fn name(&self) -> &'static str {
        "twarc-csv"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let Some((_, h)) = csv_header(head, None) else {
            return false;
        };
        let has = |n: &str| h.iter().any(|x| x == n);
        let v2 = has("id")
            && (has("author_id") || has("author.id"))
            && (has("referenced_tweets.retweeted.id")
                || has("referenced_tweets")
                || has("__twarc.url")
                || has("author.username"));
        let v1 = has("id")
            && has("user_screen_name")
            && (has("tweet_url")
                || has("tweet_type")
                || has("reweet_id")
                || has("retweet_id")
                || has("retweet_or_quote_id"));
        v2 || v1
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let delim = ingest.options().delimiter;
        read_csv(input, ingest, delim, &mut plan, &mut fill)
    }
}

struct Plan {
    v2: bool,
    id: Option<usize>,
    author: Option<usize>,
    handle: Option<usize>,
    created: Option<usize>,
    text: Option<usize>,
    lang: Option<usize>,
    rt: Option<usize>,
    reply: Option<usize>,
    quote: Option<usize>,
    refs: Option<usize>,
    rt_user: Option<usize>,
    tweet_type: Option<usize>,
    rt_or_quote: Option<usize>,
    hashtags: Option<usize>,
    mentions: Option<usize>,
    urls: Option<usize>,
    media: Option<usize>,
}

fn plan(h: &[String], _ingest: &mut Ingest) -> Result<Plan, String> {
    let c = |n: &[&str]| col(h, n);
    let v2 = c(&["author_id", "author.id"]).is_some();
    let p = Plan {
        v2,
        id: c(&["id", "id_str"]),
        author: c(&[
            "author_id",
            "author.id",
            "user_id",
            "user_id_str",
            "user_screen_name",
        ]),
        handle: c(&["author.username", "user_screen_name", "screen_name"]),
        created: c(&["created_at", "parsed_created_at"]),
        text: c(&["text", "full_text"]),
        lang: c(&["lang"]),
        rt: c(&["referenced_tweets.retweeted.id", "retweet_id", "reweet_id"]),
        reply: c(&["referenced_tweets.replied_to.id", "in_reply_to_status_id"]),
        quote: c(&["referenced_tweets.quoted.id", "quoted_status_id"]),
        refs: c(&["referenced_tweets"]),
        rt_user: c(&[
            "retweeted_username",
            "retweet_screen_name",
            "retweet_or_quote_screen_name",
        ]),
        tweet_type: c(&["tweet_type"]),
        rt_or_quote: c(&["retweet_or_quote_id"]),
        hashtags: c(&["entities.hashtags", "hashtags"]),
        mentions: c(&["entities.mentions", "mentions"]),
        urls: c(&["entities.urls", "urls"]),
        media: c(&["attachments.media_keys", "media"]),
    };
    if p.id.is_none() || p.author.is_none() {
        return Err("twarc CSV header lacks an 'id' or author column ('author_id', 'author.id' or 'user_id')".into());
    }
    Ok(p)
}

/// Items of an entity list cell: strings (`"#tag"`, `"@user"`, URLs) or objects (older
/// twarc-csv), with `keys` naming the member to take from objects.
fn entity_list(cell: &str, keys: &[&str], strip: char, out: &mut Vec<String>) {
    let mut items = Vec::new();
    list_cell(cell, &mut items);
    for it in items {
        if it.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<Value>(&it) {
                if let Some(s) = keys.iter().find_map(|k| v.get(*k).and_then(Value::as_str)) {
                    push_unique(out, s.trim_start_matches(strip));
                }
            }
        } else {
            push_unique(out, it.trim_start_matches(strip));
        }
    }
}

fn fill(
    p: &Plan,
    row: &Row<'_>,
    _ingest: &mut Ingest,
    post: &mut PostRecord,
) -> Result<Outcome, String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    post.id
        .push_str(clean_id(row.get(p.id)?.ok_or("empty id")?, "id")?);
    post.author_id.push_str(clean_id(
        row.get(p.author)?.ok_or("empty author id")?,
        "author id",
    )?);
    if let Some(h) = row.get(p.handle)? {
        post.author_handle.push_str(h);
    }
    let raw_created = row.get(p.created)?;
    set_time(
        post,
        raw_created.and_then(|t| auto_to_ms(t, 0)),
        raw_created,
    )?;

    let mut refs = |kind: &str, id: &str| -> Result<(), String> {
        let id = clean_id(id, "referenced id")?.to_string();
        match kind {
            "retweeted" => post.repost_of = Some(id),
            "quoted" => post.quote_of = Some(id),
            "replied_to" => post.reply_to = Some(id),
            _ => {}
        }
        Ok(())
    };
    if let Some(r) = row.get(p.rt)? {
        refs("retweeted", r)?;
    }
    if let Some(r) = row.get(p.reply)? {
        refs("replied_to", r)?;
    }
    if let Some(r) = row.get(p.quote)? {
        refs("quoted", r)?;
    }
    if let Some(cell) = row.get(p.refs)? {
        // Older twarc-csv: a JSON list of {"type", "id"}.
        if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(cell) {
            for it in items {
                if let (Some(t), Some(i)) = (
                    it.get("type").and_then(Value::as_str),
                    it.get("id").and_then(Value::as_str),
                ) {
                    refs(t, i)?;
                }
            }
        }
    }
    if let (Some(t), Some(id)) = (row.get(p.tweet_type)?, row.get(p.rt_or_quote)?) {
        match t {
            "retweet" => refs("retweeted", id)?,
            "quote" => refs("quoted", id)?,
            _ => {}
        }
    }

    if let Some(t) = row.raw(p.text)? {
        let decoded: String = if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string())
        } else if p.v2 {
            t.replace("\\n", "\n")
        } else {
            t.to_string()
        };
        if post.repost_of.is_some() && !decoded.starts_with("RT @") {
            if let Some(u) = row.get(p.rt_user)? {
                post.text.push_str("RT @");
                post.text.push_str(u);
                post.text.push_str(": ");
                push_unique(&mut post.mentions, u);
            }
        }
        post.text.push_str(&decoded);
    }
    post.lang = row.get(p.lang)?.filter(|l| *l != "und").map(str::to_string);
    match row.get(p.hashtags)? {
        Some(c) => entity_list(c, &["tag", "text"], '#', &mut post.hashtags),
        None if p.hashtags.is_none() => extract_hashtags(&post.text, &mut post.hashtags),
        None => {}
    }
    match row.get(p.mentions)? {
        Some(c) => entity_list(c, &["username", "screen_name"], '@', &mut post.mentions),
        None if p.mentions.is_none() => extract_mentions(&post.text, &mut post.mentions),
        None => {}
    }
    if let Some(c) = row.get(p.urls)? {
        entity_list(c, &["expanded_url", "url"], '\u{0}', &mut post.urls);
    }
    if let Some(c) = row.get(p.media)? {
        let mut v = Vec::new();
        list_cell(c, &mut v);
        for m in v {
            push_unique(&mut post.media, media_id(&m));
        }
    }
    Ok(Outcome::Post)
}
