//! **NanmiCoder/MediaCrawler** Weibo output (`data/weibo/{csv,json,jsonl}/
//! {search,detail,creator}_{contents,comments,creators}_<date>.<ext>`): CSV
//! (`mediacrawler-weibo-csv`, the header is the first item's keys, so columns are found by
//! name) and JSON lines or a JSON array (`mediacrawler-weibo-json`).
//!
//! * Contents: `note_id, content, create_time, create_date_time, liked_count,
//!   comments_count, shared_count, last_modify_ts, note_url, ip_location, user_id,
//!   nickname, gender, profile_url, avatar, source_keyword` (counts are strings; unused).
//!   The reposted post is not stored, so reposts read as originals.
//! * Comments: `comment_id, create_time, create_date_time, note_id, content, ...,
//!   parent_comment_id, user_id, nickname, ...`: a reply to `parent_comment_id` when it
//!   names another comment, else to the post `note_id`.
//! * Creators (`user_id, nickname, ..., follows, fans, tag_list`) are account rows:
//!   stepped over.
//! * Time `create_time` (Unix seconds, second precision), else `create_date_time` (Beijing
//!   time).

use super::csvrows::{col, read_csv_with, CsvRules};
use super::util::{clean_id, csv_header, head_shape, json_posts, Outcome};
use super::weibo::{text_entities, CsvFields, Fields, JsonFields, PLATFORM};
use super::Format;
use crate::ingest::CnClock;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use std::io::BufRead;

pub(crate) struct MediaCrawlerCsv;
pub(crate) struct MediaCrawlerJson;

const F_NOTE: usize = 0;
const F_COMMENT: usize = 1;
const F_PARENT: usize = 2;
const F_CONTENT: usize = 3;
const F_TIME: usize = 4;
const F_DATE_TIME: usize = 5;
const F_USER: usize = 6;
const F_NICK: usize = 7;
const F_FANS: usize = 8;

const NAMES: [&str; 9] = [
    "note_id",
    "comment_id",
    "parent_comment_id",
    "content",
    "create_time",
    "create_date_time",
    "user_id",
    "nickname",
    "fans",
];

/// What a MediaCrawler Weibo file (or record) holds, from its column names.
fn kind(names: &[String]) -> Option<&'static str> {
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("comment_id") && has("note_id") && has("create_date_time") {
        Some("comments")
    } else if has("note_id") && has("create_date_time") && has("content") {
        Some("contents")
    } else if has("user_id") && has("fans") && has("follows") && has("tag_list") {
        Some("creators")
    } else {
        None
    }
}

fn fill(f: &dyn Fields, clock: &CnClock, post: &mut PostRecord) -> Result<Outcome, String> {
    let comment = f.get(F_COMMENT)?;
    let note = f.get(F_NOTE)?;
    if comment.is_none() && note.is_none() {
        if f.get(F_FANS)?.is_some() {
            return Ok(Outcome::Skip("account rows (creators)"));
        }
        return Err("empty note_id".into());
    }
    post.clear();
    post.platform.push_str(PLATFORM);
    match &comment {
        Some(c) => {
            post.id.push_str(clean_id(c, "comment_id")?);
            let parent = f.get(F_PARENT)?;
            let parent = parent
                .as_deref()
                .map(str::trim)
                .filter(|p| !matches!(*p, "" | "0") && Some(*p) != comment.as_deref());
            post.reply_to = Some(match (parent, &note) {
                (Some(p), _) => clean_id(p, "parent_comment_id")?.to_string(),
                (None, Some(n)) => clean_id(n, "note_id")?.to_string(),
                (None, None) => return Err("a comment without note_id".into()),
            });
        }
        None => {
            if let Some(n) = &note {
                post.id.push_str(clean_id(n, "note_id")?);
            }
        }
    }
    let user = f.get(F_USER)?.ok_or("empty user_id")?;
    post.author_id.push_str(clean_id(&user, "user_id")?);
    if let Some(n) = f.get(F_NICK)? {
        post.author_handle.push_str(&n);
    }
    let t = match f.get(F_TIME)? {
        Some(t) => t,
        None => f
            .get(F_DATE_TIME)?
            .ok_or("empty create_time and create_date_time")?,
    };
    (post.time_ms, post.time_precision) = clock.parse(&t)?;
    if let Some(c) = f.raw(F_CONTENT)? {
        post.text.push_str(&c);
    }
    text_entities(post);
    Ok(Outcome::Post)
}

impl Format for MediaCrawlerCsv {
    fn name(&self) -> &'static str {
        "mediacrawler-weibo-csv"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        csv_header(head, None).is_some_and(|(_, names)| kind(&names).is_some())
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
                if kind(names).is_none() {
                    return Err(format!(
                        "not a MediaCrawler Weibo header (need note_id and create_date_time): {}",
                        names.join(",")
                    ));
                }
                Ok(NAMES.iter().map(|n| col(names, &[n])).collect::<Vec<_>>())
            },
            &mut |cols, row, _ingest, post| fill(&CsvFields { row, cols }, &clock, post),
        )
    }
}

impl Format for MediaCrawlerJson {
    fn name(&self) -> &'static str {
        "mediacrawler-weibo-json"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        kind(&head_shape(head).keys).is_some()
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        json_posts(input, ingest, &|_at, v, post| {
            if !v.is_object() {
                return Err("a record should be a JSON object".into());
            }
            fill(&JsonFields { v, keys: &NAMES }, &clock, post)
        })
    }
}
