//! dataabc **weibo-crawler** (m.weibo.cn, per user): `weibo/<name>/<user_id>.csv` and
//! `.json`, and `weibo/users.csv`.
//!
//! CSV (`weibo-crawler-csv`): the 18 base columns `id, bid, 正文, 头条文章url, 原始图片url,
//! 视频url, Live Photo视频url, 位置, 日期, 工具, 点赞数, 评论数, 转发数, 话题, @用户, 完整日期,
//! 是否编辑过, 编辑次数`, then, unless only originals were crawled, `是否原创, 源用户id, 源用户昵称`
//! and the base columns again prefixed `源微博` (39). Columns are found by name (older
//! versions have fewer).
//!
//! * **Ragged rows are valid**: the crawler writes the `源…` cells only for reposts, so an
//!   original has 19 cells under the 39-column header. A row is rejected only when its
//!   width is neither the header's nor that of an original.
//! * **The account is not in the rows**: it comes from the file name `<user_id>.csv`, or
//!   from `users.csv` in the same folder or the one above (matched on the file or folder
//!   name), which also gives the nickname. `users.csv` itself is recognised and its rows
//!   stepped over as account rows.
//! * `id` is written `"<digits>\t"` (trimmed). Reposts (`是否原创` False) are reposts of
//!   `源微博id` (else `源微博bid` as a mid); the original is not made a post of its own (as
//!   the Twitter readers do with retweeted statuses).
//! * Time `完整日期` (`%Y-%m-%d %H:%M:%S`), else `日期`, Beijing time, second precision. The
//!   crawler resolved `刚刚`/`N分钟`/`昨天` against its own clock and these cannot be told
//!   apart; a date alone (older versions) is approximate.
//! * Topics `话题` and mentions `@用户` are comma-joined; pictures `原始图片url` (comma-joined)
//!   become picture ids; `视频url` and `Live Photo视频url` media; `头条文章url` a link. The
//!   CSV drops the post's `links`: only the JSON has them.
//!
//! JSON (`weibo-crawler-json`): `{"user": {...}, "weibo": [{user_id, screen_name, id,
//! bid, text, article_url, pics, video_url, live_photo_url, links, location, created_at,
//! source, ..., topics, at_users, full_created_at, ..., retweet: {...}}]}`, streamed
//! element by element; `retweet.id` is the reposted post.

use super::csvrows::{col, read_csv_with, CsvRules};
use super::util::{clean_id, csv_header, head_shape, push_unique, Outcome};
use super::weibo::{
    account_from_path, is_false, json_id, post_id, push_media, push_mentions, push_topics,
    read_user_weibo_json, text_entities, user_weibo_keys, CsvFields, Fields, JsonFields, PLATFORM,
};
use super::Format;
use crate::ingest::CnClock;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct WeiboCrawlerCsv;
pub(crate) struct WeiboCrawlerJson;

const F_ID: usize = 0;
const F_BID: usize = 1;
const F_TEXT: usize = 2;
const F_ARTICLE: usize = 3;
const F_PICS: usize = 4;
const F_VIDEO: usize = 5;
const F_LIVE: usize = 6;
const F_DATE: usize = 7;
const F_TOPICS: usize = 8;
const F_AT: usize = 9;
const F_FULL_DATE: usize = 10;
const F_ORIGINAL: usize = 11;
const F_SRC_ID: usize = 12;
const F_SRC_BID: usize = 13;

const CSV_NAMES: [&str; 14] = [
    "id",
    "bid",
    "正文",
    "头条文章url",
    "原始图片url",
    "视频url",
    "live photo视频url",
    "日期",
    "话题",
    "@用户",
    "完整日期",
    "是否原创",
    "源微博id",
    "源微博bid",
];

const JSON_KEYS: [&str; 14] = [
    "id",
    "bid",
    "text",
    "article_url",
    "pics",
    "video_url",
    "live_photo_url",
    "created_at",
    "topics",
    "at_users",
    "full_created_at",
    "",
    "",
    "",
];

fn is_posts_header(names: &[String]) -> bool {
    let has = |n: &str| names.iter().any(|x| x == n);
    has("id") && has("正文") && (has("日期") || has("完整日期"))
}

fn is_users_header(names: &[String]) -> bool {
    let has = |n: &str| names.iter().any(|x| x == n);
    has("用户id") && has("昵称") && (has("微博数") || has("粉丝数"))
}

/// The CSV plan: columns of the fields, the header width and the width of an original.
struct Plan {
    cols: Vec<Option<usize>>,
    width: usize,
    original_width: Option<usize>,
    users: bool,
    account: Option<(String, Option<String>)>,
}

impl Format for WeiboCrawlerCsv {
    fn name(&self) -> &'static str {
        "weibo-crawler-csv"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        csv_header(head, None)
            .is_some_and(|(_, names)| is_posts_header(&names) || is_users_header(&names))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        let rules = CsvRules {
            ragged: true,
            repeated_headers: true,
        };
        read_csv_with(
            input,
            ingest,
            None,
            rules,
            &mut |names, ingest| {
                let cols: Vec<Option<usize>> = CSV_NAMES.iter().map(|n| col(names, &[n])).collect();
                if is_users_header(names) {
                    return Ok(Plan {
                        cols,
                        width: names.len(),
                        original_width: None,
                        users: true,
                        account: None,
                    });
                }
                if !is_posts_header(names) {
                    return Err(format!(
                        "not a weibo-crawler header (need id, 正文 and 日期): {}",
                        names.join(",")
                    ));
                }
                let account = account_from_path(ingest, "weibo-crawler")?;
                Ok(Plan {
                    original_width: cols[F_ORIGINAL].map(|i| i + 1),
                    cols,
                    width: names.len(),
                    users: false,
                    account: Some(account),
                })
            },
            &mut |plan, row, ingest, post| {
                if plan.users {
                    return Ok(Outcome::Skip("account rows (users.csv)"));
                }
                let n = row.rec.len();
                if n != plan.width && Some(n) != plan.original_width {
                    return Err(match plan.original_width {
                        Some(o) => format!(
                            "{n} cells: a weibo-crawler row has {} (a repost) or {o} (an original)",
                            plan.width
                        ),
                        None => format!("{n} cells, expected {} as in the header", plan.width),
                    });
                }
                let f = CsvFields {
                    row,
                    cols: &plan.cols,
                };
                let (uid, nick) = plan.account.as_ref().ok_or("no account")?;
                fill(&f, &clock, post)?;
                post.author_id.push_str(uid);
                if let Some(nk) = nick {
                    post.author_handle.push_str(nk);
                }
                let original = f.get(F_ORIGINAL)?;
                if original.as_deref().is_some_and(is_false) {
                    match (f.get(F_SRC_ID)?, f.get(F_SRC_BID)?) {
                        (Some(s), _) => post.repost_of = Some(post_id(&s, "源微博id")?),
                        (None, Some(b)) => post.repost_of = Some(post_id(&b, "源微博bid")?),
                        (None, None) => ingest
                            .note("reposts (是否原创 False) without 源微博id, kept as originals"),
                    }
                }
                text_entities(post);
                Ok(Outcome::Post)
            },
        )
    }
}

/// Fill the fields CSV and JSON share (not the author, not the repost).
fn fill(f: &dyn Fields, clock: &CnClock, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    match (f.get(F_ID)?, f.get(F_BID)?) {
        (Some(id), _) => post.id.push_str(clean_id(&id, "id")?),
        (None, Some(bid)) => post.id.push_str(&post_id(&bid, "bid")?),
        (None, None) => return Err("empty id".into()),
    }
    let t = match f.get(F_FULL_DATE)? {
        Some(t) => t,
        None => f.get(F_DATE)?.ok_or("empty 完整日期 and 日期 (time)")?,
    };
    (post.time_ms, post.time_precision) = clock.parse(&t)?;
    if let Some(text) = f.raw(F_TEXT)? {
        post.text.push_str(&text);
    }
    let mut items = Vec::new();
    f.list(F_TOPICS, &mut items)?;
    push_topics(post, &items);
    items.clear();
    f.list(F_AT, &mut items)?;
    push_mentions(post, &items);
    if let Some(a) = f.get(F_ARTICLE)? {
        push_unique(&mut post.urls, &a);
    }
    items.clear();
    f.list(F_PICS, &mut items)?;
    for k in [F_VIDEO, F_LIVE] {
        if let Some(v) = f.get(k)? {
            items.push(v.into_owned());
        }
    }
    push_media(post, &items);
    Ok(())
}

impl Format for WeiboCrawlerJson {
    fn name(&self) -> &'static str {
        "weibo-crawler-json"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        if s.array || !(s.has("user") && s.has("weibo")) {
            return false;
        }
        let (user, item) = user_weibo_keys(head);
        let has = |v: &[String], k: &str| v.iter().any(|x| x == k);
        // weiboSpider's user has `nickname` and its posts `content`/`publish_time`.
        !(has(&user, "nickname") || has(&item, "publish_time") || has(&item, "content"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        read_user_weibo_json(input, ingest, &mut |v, user, post| {
            let f = JsonFields {
                v,
                keys: &JSON_KEYS,
            };
            fill(&f, &clock, post)?;
            let author = json_id(v, "user_id")
                .or_else(|| user.and_then(|u| json_id(u, "id")))
                .ok_or("no user_id (and no user object before the list)")?;
            post.author_id.push_str(clean_id(&author, "user_id")?);
            let handle = super::json::str_at(v, "screen_name")
                .or_else(|| user.and_then(|u| super::json::str_at(u, "screen_name")));
            if let Some(h) = handle {
                post.author_handle.push_str(h.trim());
            }
            let mut links = Vec::new();
            f_links(v, &mut links);
            for l in links {
                push_unique(&mut post.urls, &l);
            }
            if let Some(rt) = super::json::get(v, "retweet").filter(|r| r.is_object()) {
                let id = json_id(rt, "id")
                    .or_else(|| json_id(rt, "bid"))
                    .ok_or("'retweet' has no id")?;
                post.repost_of = Some(post_id(&id, "retweet.id")?);
            }
            text_entities(post);
            Ok(Outcome::Post)
        })
    }
}

/// `links`: a JSON array or a comma-joined string.
fn f_links(v: &Value, out: &mut Vec<String>) {
    let f = JsonFields {
        v,
        keys: &["links"],
    };
    let _ = f.list(0, out);
}
