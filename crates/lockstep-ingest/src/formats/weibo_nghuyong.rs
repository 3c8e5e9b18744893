//! **nghuyong/WeiboSpider** JSON lines (`output/<spider>_<YYYYmmddHHMMSS>.jsonl`; MIT).
//!
//! * Tweets (spiders `tweet_by_*`, `repost`): `_id` (mid), `mblogid`, `created_at`
//!   (`%Y-%m-%d %H:%M:%S`, Beijing time, second precision), `content`, `pic_urls`, `video`,
//!   `is_retweet` / `retweet_id` (the reposted mid; absent in older outputs), `user{_id,
//!   nick_name, ...}`, `crawl_time`. Pictures become picture ids, the video a media key;
//!   links are those written in the text (`t.cn`).
//! * Comments (`comment`): `_id`, `created_at`, `content`, `comment_user{...}`, and for a
//!   reply to a comment `reply_comment{_id, ...}`, which becomes `reply_to`. The spider
//!   does not store the commented post's id: top-level comments are kept as posts without
//!   a target (counted in a note), so co-text and co-hashtag see them but co-reply cannot.
//! * Users (`user`) and follow relations (`fan`, `follower`) are not posts: stepped over
//!   and counted.

use super::json::{get, str_at};
use super::util::{clean_id, head_shape, json_posts, push_unique, Outcome};
use super::weibo::{json_id, media_key, post_id, text_entities, PLATFORM};
use super::Format;
use crate::{Ingest, IngestError, IngestOptions};
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct WeiboNghuyong;

impl Format for WeiboNghuyong {
    fn name(&self) -> &'static str {
        "weibo-nghuyong"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        s.has("_id")
            && (s.has("mblogid")
                || s.has("comment_user")
                || s.has("fan_info")
                || s.has("follower_info")
                || (s.has("nick_name") && s.has("avatar_hd"))
                || (s.has("crawl_time") && s.has("content") && s.has("user")))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        // (Atomic: records are filled on several threads.)
        let orphans = std::sync::atomic::AtomicU64::new(0);
        let res = json_posts(input, ingest, &|_at, v, post| {
            if !v.is_object() {
                return Err("a record should be a JSON object".into());
            }
            if get(v, "fan_info").is_some() || get(v, "follower_info").is_some() {
                return Ok(Outcome::Skip("follow relations"));
            }
            let comment = get(v, "comment_user");
            let user = match comment.or_else(|| get(v, "user")) {
                Some(u) if u.is_object() => u,
                Some(_) => return Err("'user' / 'comment_user' should be an object".into()),
                None if get(v, "nick_name").is_some() => return Ok(Outcome::Skip("accounts")),
                None => return Err("no 'user' or 'comment_user'".into()),
            };
            post.clear();
            post.platform.push_str(PLATFORM);
            let id = json_id(v, "_id").ok_or("missing _id")?;
            post.id.push_str(&post_id(&id, "_id")?);
            let author = json_id(user, "_id").ok_or("the user has no _id")?;
            post.author_id.push_str(clean_id(&author, "user _id")?);
            if let Some(n) = str_at(user, "nick_name") {
                post.author_handle.push_str(n.trim());
            }
            let t = match get(v, "created_at") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err("missing created_at".into()),
            };
            (post.time_ms, post.time_precision) = clock.parse(&t)?;
            if let Some(c) = str_at(v, "content") {
                post.text.push_str(c);
            }
            if comment.is_some() {
                match get(v, "reply_comment").and_then(|r| json_id(r, "_id")) {
                    Some(r) => post.reply_to = Some(post_id(&r, "reply_comment._id")?),
                    None => {
                        orphans.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            } else {
                let retweet = json_id(v, "retweet_id");
                let flagged = matches!(get(v, "is_retweet"), Some(Value::Bool(true)));
                if let Some(r) = retweet {
                    post.repost_of = Some(post_id(&r, "retweet_id")?);
                } else if flagged {
                    return Err("is_retweet is true but retweet_id is missing".into());
                }
                if let Some(Value::Array(pics)) = get(v, "pic_urls") {
                    for p in pics.iter().filter_map(Value::as_str) {
                        if let Some(k) = media_key(p) {
                            push_unique(&mut post.media, &k);
                        }
                    }
                }
                if let Some(k) = str_at(v, "video").and_then(media_key) {
                    push_unique(&mut post.media, &k);
                }
            }
            text_entities(post);
            Ok(Outcome::Post)
        });
        for _ in 0..orphans.into_inner() {
            ingest.note("comments without the commented post's id (the comment spider does not store it), kept without a target");
        }
        res
    }
}
