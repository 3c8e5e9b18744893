//! Twitter/X Information Operations archives (the transparency releases of state-backed
//! operations): the tweets files and the users files. Columns are found by header name,
//! since their order changed between releases.
//!
//! * Tweets: `tweetid`, `userid` (anonymised hashes for small accounts), `user_screen_name`,
//!   `tweet_text`, `tweet_time` (to the minute: `2018-05-11 14:52`), `tweet_language`,
//!   `in_reply_to_tweetid`, `quoted_tweet_tweetid`, `is_retweet`, `retweet_tweetid`,
//!   `hashtags`, `urls`, `user_mentions` (user ids). List cells come in several spellings
//!   (`[a, b]`, `['a', 'b']`, `["a","b"]`, empty, `[]`); all are read.
//! * Time: from the snowflake `tweetid` (exact to the millisecond) when it is one and
//!   agrees with `tweet_time`; otherwise `tweet_time`.
//! * A retweet without `retweet_tweetid` cannot be linked: it is kept as an original and
//!   counted in a warning.
//! * Users files (`userid`, `account_creation_date`, `follower_count`, ... and no
//!   `tweetid`) hold accounts, not posts: their rows are skipped and counted, since the
//!   post model has no account record yet.

use super::csvrows::{col, read_csv, Row};
use super::twitter::{set_time, PLATFORM};
use super::util::{clean_id, csv_header, list_cell, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions, Format};
use crate::timefmt::auto_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use std::io::BufRead;

pub(crate) struct TwitterIo;

impl Format for TwitterIo {
    fn name(&self) -> &'static str {
        "twitter-io"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let Some((_, h)) = csv_header(head, None) else {
            return false;
        };
        let has = |n: &str| h.iter().any(|x| x == n);
        (has("tweetid") && has("userid"))
            || (has("userid") && has("account_creation_date") && has("user_screen_name"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let delim = ingest.options().delimiter;
        read_csv(input, ingest, delim, &mut plan, &mut fill)
    }
}

struct Plan {
    users_only: bool,
    tweetid: Option<usize>,
    userid: Option<usize>,
    screen_name: Option<usize>,
    text: Option<usize>,
    time: Option<usize>,
    lang: Option<usize>,
    reply: Option<usize>,
    quote: Option<usize>,
    is_rt: Option<usize>,
    rt_id: Option<usize>,
    hashtags: Option<usize>,
    urls: Option<usize>,
    mentions: Option<usize>,
}

fn plan(h: &[String], ingest: &mut Ingest) -> Result<Plan, String> {
    let c = |n: &[&str]| col(h, n);
    let p = Plan {
        users_only: c(&["tweetid"]).is_none(),
        tweetid: c(&["tweetid"]),
        userid: c(&["userid"]),
        screen_name: c(&["user_screen_name"]),
        text: c(&["tweet_text"]),
        time: c(&["tweet_time"]),
        lang: c(&["tweet_language"]),
        reply: c(&["in_reply_to_tweetid"]),
        quote: c(&["quoted_tweet_tweetid"]),
        is_rt: c(&["is_retweet"]),
        rt_id: c(&["retweet_tweetid"]),
        hashtags: c(&["hashtags"]),
        urls: c(&["urls"]),
        mentions: c(&["user_mentions"]),
    };
    if p.userid.is_none() {
        return Err("header lacks column 'userid' (Information Operations archive)".into());
    }
    if p.users_only {
        ingest.warn(format!(
            "{}: an Information Operations users file: accounts are not posts and the post model has no account record yet, so its rows are skipped",
            ingest.current_file()
        ));
    }
    Ok(p)
}

fn truthy(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "t" | "y"
    )
}

fn fill(
    p: &Plan,
    row: &Row<'_>,
    ingest: &mut Ingest,
    post: &mut PostRecord,
) -> Result<Outcome, String> {
    if p.users_only {
        return Ok(Outcome::Skip("account rows of a users file"));
    }
    post.clear();
    post.platform.push_str(PLATFORM);
    let id = row.get(p.tweetid)?.ok_or("empty tweetid")?;
    post.id.push_str(clean_id(id, "tweetid")?);
    let uid = row.get(p.userid)?.ok_or("empty userid")?;
    post.author_id.push_str(clean_id(uid, "userid")?);
    if let Some(h) = row.get(p.screen_name)? {
        post.author_handle.push_str(h);
    }
    let raw_time = row.get(p.time)?;
    let created = raw_time.and_then(|t| auto_to_ms(t, 0));
    set_time(post, created, raw_time)?;
    if let Some(t) = row.raw(p.text)? {
        post.text.push_str(t);
    }
    post.lang = row.get(p.lang)?.filter(|l| *l != "und").map(str::to_string);
    if let Some(r) = row.get(p.reply)? {
        post.reply_to = Some(clean_id(r, "in_reply_to_tweetid")?.to_string());
    }
    if let Some(q) = row.get(p.quote)? {
        post.quote_of = Some(clean_id(q, "quoted_tweet_tweetid")?.to_string());
    }
    let is_rt = row.get(p.is_rt)?.is_some_and(truthy);
    let rt_id = row.get(p.rt_id)?;
    match (is_rt, rt_id) {
        (_, Some(r)) => post.repost_of = Some(clean_id(r, "retweet_tweetid")?.to_string()),
        (true, None) => ingest.note("retweets without retweet_tweetid kept as originals"),
        _ => {}
    }
    match row.get(p.hashtags)? {
        Some(c) => {
            let mut v = Vec::new();
            list_cell(c, &mut v);
            for t in v {
                push_unique(&mut post.hashtags, t.trim_start_matches('#'));
            }
        }
        None if p.hashtags.is_none() => extract_hashtags(&post.text, &mut post.hashtags),
        None => {}
    }
    if let Some(c) = row.get(p.urls)? {
        list_cell(c, &mut post.urls);
    }
    match row.get(p.mentions)? {
        Some(c) => list_cell(c, &mut post.mentions),
        None if p.mentions.is_none() => extract_mentions(&post.text, &mut post.mentions),
        None => {}
    }
    Ok(Outcome::Post)
}
