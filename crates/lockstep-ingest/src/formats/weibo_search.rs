//! dataabc **weibo-search** CSV (`结果文件/<keyword>/<keyword>.csv`): today's 21 columns
//! `id, bid, user_id, 用户昵称, 微博正文, 头条文章url, 发布位置, 艾特用户, 话题, 转发数, 评论数,
//! 点赞数, 发布时间, 发布工具, 微博图片url, 微博视频url, retweet_id, ip, user_authentication,
//! 会员类型, 会员等级`, or the 17 before `ip` (2022 files). Columns are found by name.
//!
//! * Post id `id` (the mid; a `bid` alone is converted to its mid); author `user_id`,
//!   handle `用户昵称`; repost of `retweet_id` (the crawler writes the retweeted original as a
//!   row of its own, so the target is usually in the data).
//! * Time `发布时间`, minute precision (`%Y-%m-%d %H:%M`, Beijing time).
//! * Topics from `话题`, mentions from `艾特用户` (comma-joined), else from the text; links
//!   `头条文章url` and those written in the text; media `微博图片url` (comma-joined today, a
//!   Python list repr in 2022) as picture ids, and `微博视频url`.
//! * The header repeated inside a file is stepped over; BOM and CRLF are fine.

use super::csvrows::{col, read_csv_with, CsvRules};
use super::util::{clean_id, csv_header, Outcome};
use super::weibo::{
    push_media, push_mentions, push_topics, text_entities, CsvFields, Fields, PLATFORM,
};
use super::Format;
use crate::{Ingest, IngestError, IngestOptions};
use std::io::BufRead;

pub(crate) struct WeiboSearch;

const F_ID: usize = 0;
const F_BID: usize = 1;
const F_USER: usize = 2;
const F_NICK: usize = 3;
const F_TEXT: usize = 4;
const F_ARTICLE: usize = 5;
const F_AT: usize = 6;
const F_TOPICS: usize = 7;
const F_TIME: usize = 8;
const F_PICS: usize = 9;
const F_VIDEO: usize = 10;
const F_RETWEET: usize = 11;

const NAMES: [&str; 12] = [
    "id",
    "bid",
    "user_id",
    "用户昵称",
    "微博正文",
    "头条文章url",
    "艾特用户",
    "话题",
    "发布时间",
    "微博图片url",
    "微博视频url",
    "retweet_id",
];

/// True for a weibo-search header.
fn is_header(names: &[String]) -> bool {
    let has = |n: &str| names.iter().any(|x| x == n);
    has("微博正文") && has("发布时间") && has("user_id") && (has("id") || has("bid"))
}

impl Format for WeiboSearch {
    fn name(&self) -> &'static str {
        "weibo-search"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        csv_header(head, None).is_some_and(|(_, names)| is_header(&names))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        let rules = CsvRules {
            ragged: false,
            repeated_headers: true,
        };
        read_csv_with(
            input,
            ingest,
            None,
            rules,
            &mut |names, _ingest| {
                if !is_header(names) {
                    return Err(format!(
                        "not a weibo-search header (need 微博正文, 发布时间, user_id and id): {}",
                        names.join(",")
                    ));
                }
                Ok(NAMES.iter().map(|n| col(names, &[n])).collect::<Vec<_>>())
            },
            &mut |cols, row, _ingest, post| {
                let f = CsvFields { row, cols };
                post.clear();
                post.platform.push_str(PLATFORM);
                match (f.get(F_ID)?, f.get(F_BID)?) {
                    (Some(id), _) => post.id.push_str(clean_id(&id, "id")?),
                    (None, Some(bid)) => {
                        post.id.push_str(&super::weibo::post_id(&bid, "bid")?);
                    }
                    (None, None) => return Err("empty id and bid".into()),
                }
                let user = f.get(F_USER)?.ok_or("empty user_id")?;
                post.author_id.push_str(clean_id(&user, "user_id")?);
                if let Some(n) = f.get(F_NICK)? {
                    post.author_handle.push_str(&n);
                }
                let t = f.get(F_TIME)?.ok_or("empty 发布时间")?;
                (post.time_ms, post.time_precision) = clock.parse(&t)?;
                if let Some(text) = f.raw(F_TEXT)? {
                    post.text.push_str(&text);
                }
                if let Some(r) = f.get(F_RETWEET)? {
                    post.repost_of = Some(super::weibo::post_id(&r, "retweet_id")?);
                }
                let mut items = Vec::new();
                f.list(F_TOPICS, &mut items)?;
                push_topics(post, &items);
                items.clear();
                f.list(F_AT, &mut items)?;
                push_mentions(post, &items);
                if let Some(a) = f.get(F_ARTICLE)? {
                    post.urls.push(a.into_owned());
                }
                items.clear();
                f.list(F_PICS, &mut items)?;
                // One link, whose query may hold commas (`KID=unistore,video`).
                if let Some(v) = f.get(F_VIDEO)? {
                    items.push(v.into_owned());
                }
                push_media(post, &items);
                text_entities(post);
                Ok(Outcome::Post)
            },
        )
    }
}
