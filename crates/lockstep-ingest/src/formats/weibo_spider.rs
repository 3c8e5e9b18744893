//! dataabc **weiboSpider** (weibo.cn, per user): CSV (`weibo-spider-csv`) with the columns
//! `微博id, 微博正文, 头条文章url, 原始图片url, [被转发微博原始图片url, 是否为原创微博], 微博视频url,
//! 发布位置, 发布时间, 发布工具, 点赞数, 转发数, 评论数`, and JSON (`weibo-spider-json`)
//! `{"user": {id, nickname, ...}, "weibo": [{id, content, article_url, original_pictures,
//! retweet_pictures, original, video_url, publish_place, publish_time, publish_tool,
//! up_num, retweet_num, comment_num}]}`.
//!
//! * Post ids are bids (base62) and become mids, so posts dedupe with the other crawlers.
//! * The CSV rows do not name the account: as for weibo-crawler, it comes from the file
//!   name `<user_id>.csv` or a `users.csv` beside it; the JSON's `user.id`.
//! * Time `发布时间` / `publish_time`, minute precision, Beijing time.
//! * **Reposts carry no id of the reposted post** (only `是否为原创微博` False and the
//!   original's pictures): they are kept as original posts with their text as written,
//!   counted in a note, so co-text and co-image still see them but co-repost cannot.
//! * The header is written again on every run in append mode: repeated headers are
//!   stepped over. `无` means none in the picture and video columns.

use super::csvrows::{col, read_csv_with, CsvRules};
use super::util::{clean_id, csv_header, head_shape, push_unique, Outcome};
use super::weibo::{
    account_from_path, is_false, json_id, post_id, push_media, read_user_weibo_json, text_entities,
    user_weibo_keys, CsvFields, Fields, JsonFields, PLATFORM,
};
use super::Format;
use crate::ingest::CnClock;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use std::io::BufRead;

pub(crate) struct WeiboSpiderCsv;
pub(crate) struct WeiboSpiderJson;

const F_ID: usize = 0;
const F_TEXT: usize = 1;
const F_ARTICLE: usize = 2;
const F_PICS: usize = 3;
const F_RT_PICS: usize = 4;
const F_ORIGINAL: usize = 5;
const F_VIDEO: usize = 6;
const F_TIME: usize = 7;

const CSV_NAMES: [&str; 8] = [
    "微博id",
    "微博正文",
    "头条文章url",
    "原始图片url",
    "被转发微博原始图片url",
    "是否为原创微博",
    "微博视频url",
    "发布时间",
];

const JSON_KEYS: [&str; 8] = [
    "id",
    "content",
    "article_url",
    "original_pictures",
    "retweet_pictures",
    "original",
    "video_url",
    "publish_time",
];

/// The note for reposts without the reposted post's id.
const NO_SOURCE: &str =
    "reposts without the reposted post's id (weiboSpider does not keep it), kept as originals";

fn is_header(names: &[String]) -> bool {
    let has = |n: &str| names.iter().any(|x| x == n);
    has("微博id") && has("微博正文") && has("发布时间")
}

fn fill(f: &dyn Fields, clock: &CnClock, post: &mut PostRecord) -> Result<bool, String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    let id = f.get(F_ID)?.ok_or("empty 微博id")?;
    post.id.push_str(&post_id(&id, "微博id")?);
    let t = f.get(F_TIME)?.ok_or("empty 发布时间")?;
    (post.time_ms, post.time_precision) = clock.parse(&t)?;
    if let Some(text) = f.raw(F_TEXT)? {
        post.text.push_str(&text);
    }
    if let Some(a) = f.get(F_ARTICLE)?.filter(|a| a.as_ref() != "无") {
        push_unique(&mut post.urls, &a);
    }
    let mut items = Vec::new();
    f.list(F_PICS, &mut items)?;
    f.list(F_RT_PICS, &mut items)?;
    if let Some(v) = f.get(F_VIDEO)?.filter(|v| v.as_ref() != "无") {
        items.push(v.into_owned());
    }
    push_media(post, &items);
    text_entities(post);
    Ok(f.get(F_ORIGINAL)?.as_deref().is_some_and(is_false))
}

impl Format for WeiboSpiderCsv {
    fn name(&self) -> &'static str {
        "weibo-spider-csv"
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
            &mut |names, ingest| {
                if !is_header(names) {
                    return Err(format!(
                        "not a weiboSpider header (need 微博id, 微博正文 and 发布时间): {}",
                        names.join(",")
                    ));
                }
                let cols: Vec<Option<usize>> = CSV_NAMES.iter().map(|n| col(names, &[n])).collect();
                Ok((cols, account_from_path(ingest, "weiboSpider")?))
            },
            &mut |(cols, (uid, nick)), row, ingest, post| {
                let f = CsvFields { row, cols };
                let repost = fill(&f, &clock, post)?;
                post.author_id.push_str(uid);
                if let Some(n) = nick {
                    post.author_handle.push_str(n);
                }
                if repost {
                    ingest.note(NO_SOURCE);
                }
                Ok(Outcome::Post)
            },
        )
    }
}

impl Format for WeiboSpiderJson {
    fn name(&self) -> &'static str {
        "weibo-spider-json"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        if s.array || !(s.has("user") && s.has("weibo")) {
            return false;
        }
        let (user, item) = user_weibo_keys(head);
        let has = |v: &[String], k: &str| v.iter().any(|x| x == k);
        has(&user, "nickname") || has(&item, "publish_time") || has(&item, "content")
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        let fallback = account_from_path(ingest, "weiboSpider").ok();
        let mut reposts = 0u64;
        let res = read_user_weibo_json(input, ingest, &mut |v, user, post| {
            let f = JsonFields {
                v,
                keys: &JSON_KEYS,
            };
            let repost = fill(&f, &clock, post)?;
            let (uid, nick) = match user.and_then(|u| json_id(u, "id")) {
                Some(id) => (
                    id,
                    user.and_then(|u| super::json::str_at(u, "nickname"))
                        .map(str::to_string),
                ),
                None => fallback.clone().ok_or(
                    "no user object before the weibo list, and no <user_id>.json file name",
                )?,
            };
            post.author_id.push_str(clean_id(&uid, "user id")?);
            if let Some(n) = nick {
                post.author_handle.push_str(n.trim());
            }
            if repost {
                reposts += 1;
            }
            Ok(Outcome::Post)
        });
        for _ in 0..reposts {
            ingest.note(NO_SOURCE);
        }
        res
    }
}
