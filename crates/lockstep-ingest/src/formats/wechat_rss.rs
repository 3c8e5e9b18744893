//! The SQLite databases of the WeChat RSS bridges (`wechat-rss-sqlite`):
//!
//! * **we-mp-rss** (MIT): `articles(id, mp_id, title, pic_url, url, content, description,
//!   status, publish_time, created_at, updated_at, is_export)` and `feeds(id, mp_name,
//!   mp_cover, mp_intro, status, sync_time, update_time, created_at, updated_at,
//!   faker_id)`; `articles.id` is the exporter's `aid`, `url` the article link,
//!   `content` HTML, `feeds.faker_id` the account's `__biz`.
//! * **wewe-rss** (MIT, Prisma): `articles(id, mp_id, title, pic_url, publish_time,
//!   created_at, updated_at)` and `feeds(id, mp_name, mp_cover, mp_intro, status,
//!   sync_time, update_time, ...)`; `articles.id` is the short link id
//!   (`mp.weixin.qq.com/s/<id>`).
//!
//! Articles are joined to their feed (`mp_id` = `feeds.id`). Account: `faker_id`, else
//! the feed id (`MP_WXS_<number>` becomes the `__biz`, see [`super::wechat`]); handle
//! `mp_name`. Article id from the link, else `<__biz>/<aid>` (we-mp-rss), else
//! `s/<id>` (wewe-rss). Time `publish_time` (Unix seconds). Cover `pic_url` as media;
//! text the title and the content (or `description`). Rejections name the article's
//! row number in the query (`line`).
//!
//! Detection: the `SQLite format 3` magic and an `articles` table with `mp_id` in the
//! schema (page 1). A database needs random access: a compressed or streamed one is read
//! into memory first.

use super::util::clean_id;
use super::wechat::{account, article_id, article_text, cover_key, PLATFORM};
use super::Format;
use crate::ingest::CnClock;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::io::BufRead;
use std::path::Path;

pub(crate) struct WechatRssSqlite;

const MAGIC: &[u8] = b"SQLite format 3\0";

impl Format for WechatRssSqlite {
    fn name(&self) -> &'static str {
        "wechat-rss-sqlite"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        head.starts_with(MAGIC)
            && memchr::memmem::find(head, b"articles").is_some()
            && memchr::memmem::find(head, b"mp_id").is_some()
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let mut buf = Vec::new();
        input
            .read_to_end(&mut buf)
            .map_err(|source| IngestError::Io {
                path: ingest.current_file().into(),
                source,
            })?;
        let opened = Connection::open_in_memory().and_then(|mut c| {
            let n = buf.len();
            c.deserialize_read_exact("main", &buf[..], n, true)?;
            Ok(c)
        });
        match opened {
            Ok(conn) => read_db(&conn, ingest),
            Err(e) => ingest.reject(1, format!("unreadable SQLite database: {e}"), b""),
        }
    }

    fn read_path(
        &self,
        path: &Path,
        plain: bool,
        ingest: &mut Ingest,
    ) -> Option<Result<(), IngestError>> {
        if !plain {
            return None;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Some(match Connection::open_with_flags(path, flags) {
            Ok(conn) => read_db(&conn, ingest),
            Err(e) => ingest.reject(1, format!("unreadable SQLite database: {e}"), b""),
        })
    }
}

/// Columns of a table (lowercase), empty if it does not exist.
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let rows = st.query_map([], |r| r.get::<_, String>(1))?;
    rows.map(|r| r.map(|s| s.to_ascii_lowercase())).collect()
}

/// The article columns read, in order; absent ones are selected as NULL.
const ARTICLE_COLS: [&str; 8] = [
    "id",
    "mp_id",
    "title",
    "pic_url",
    "url",
    "content",
    "description",
    "publish_time",
];
const FEED_COLS: [&str; 2] = ["mp_name", "faker_id"];

fn read_db(conn: &Connection, ingest: &mut Ingest) -> Result<(), IngestError> {
    let clock = ingest.cn_clock()?;
    match query(conn, &clock, ingest) {
        Ok(r) => r,
        Err(e) => ingest.reject(
            1,
            format!(
                "unreadable we-mp-rss / wewe-rss database: {e}; the rest of the file is skipped"
            ),
            b"",
        ),
    }
}

/// Run the query; the outer error is SQLite's, the inner one from the ingest (strict).
fn query(
    conn: &Connection,
    clock: &CnClock,
    ingest: &mut Ingest,
) -> rusqlite::Result<Result<(), IngestError>> {
    let acols = columns(conn, "articles")?;
    let fcols = columns(conn, "feeds")?;
    if !acols.iter().any(|c| c == "mp_id") || !acols.iter().any(|c| c == "id") {
        return Ok(ingest.reject(
            1,
            "not a we-mp-rss / wewe-rss database: no articles(id, mp_id) table",
            b"",
        ));
    }
    let has_feeds = !fcols.is_empty() && fcols.iter().any(|c| c == "id");
    // we-mp-rss keeps the exporter's aid as the article id; wewe-rss the short link id.
    let aid_ids = acols.iter().any(|c| c == "url") || fcols.iter().any(|c| c == "faker_id");
    let mut select: Vec<String> = ARTICLE_COLS
        .iter()
        .map(|c| {
            if acols.iter().any(|x| x == c) {
                format!("a.\"{c}\"")
            } else {
                "NULL".to_string()
            }
        })
        .collect();
    select.extend(FEED_COLS.iter().map(|c| {
        if has_feeds && fcols.iter().any(|x| x == c) {
            format!("f.\"{c}\"")
        } else {
            "NULL".to_string()
        }
    }));
    let join = if has_feeds {
        " LEFT JOIN feeds f ON f.id = a.mp_id"
    } else {
        ""
    };
    let sql = format!("SELECT {} FROM articles a{join}", select.join(", "));
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query([])?;
    let mut post = PostRecord::default();
    let mut n: u64 = 0;
    while let Some(row) = rows.next()? {
        n += 1;
        let mut vals: [Option<String>; 10] = Default::default();
        for (i, v) in vals.iter_mut().enumerate() {
            *v = match row.get_ref(i)? {
                ValueRef::Text(t) => Some(String::from_utf8_lossy(t).trim().to_string()),
                ValueRef::Integer(x) => Some(x.to_string()),
                ValueRef::Real(x) => Some(format!("{x}")),
                ValueRef::Null | ValueRef::Blob(_) => None,
            }
            .filter(|s| !s.is_empty());
        }
        let res = fill(&vals, aid_ids, clock, &mut post);
        let r = match res {
            Ok(()) => {
                ingest.accept(&post);
                Ok(())
            }
            Err(reason) => {
                let raw: Vec<String> = vals
                    .iter()
                    .map(|v| {
                        v.as_deref()
                            .unwrap_or("")
                            .chars()
                            .take(200)
                            .collect::<String>()
                    })
                    .collect();
                ingest.reject(
                    n,
                    format!("article row {n}: {reason}"),
                    raw.join(",").as_bytes(),
                )
            }
        };
        if r.is_err() {
            return Ok(r);
        }
    }
    Ok(Ok(()))
}

fn fill(
    v: &[Option<String>; 10],
    aid_ids: bool,
    clock: &CnClock,
    post: &mut PostRecord,
) -> Result<(), String> {
    let [id, mp_id, title, pic, url, content, description, publish, mp_name, faker] = v;
    post.clear();
    post.platform.push_str(PLATFORM);
    let id = id.as_deref().ok_or("empty id")?;
    let acct = match (faker, mp_id) {
        (Some(f), _) => account(f),
        (None, Some(m)) => account(m),
        (None, None) => return Err("empty mp_id".into()),
    };
    let aid = aid_ids.then_some(id);
    let link = url
        .clone()
        .or_else(|| (!aid_ids).then(|| format!("https://mp.weixin.qq.com/s/{id}")));
    let post_id =
        article_id(link.as_deref(), Some(&acct), aid).unwrap_or_else(|| format!("{acct}/{id}"));
    post.id.push_str(clean_id(&post_id, "article id")?);
    post.author_id.push_str(clean_id(&acct, "mp_id")?);
    if let Some(n) = mp_name {
        post.author_handle.push_str(n);
    }
    let t = publish.as_deref().ok_or("empty publish_time")?;
    (post.time_ms, post.time_precision) = clock.parse(t)?;
    article_text(
        title.as_deref(),
        content.as_deref(),
        description.as_deref(),
        &mut post.text,
        &mut post.urls,
    );
    if let Some(k) = pic.as_deref().and_then(cover_key) {
        post.media.push(k);
    }
    Ok(())
}
