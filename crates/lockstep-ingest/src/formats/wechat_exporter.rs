//! **wechat-article/wechat-article-exporter** exports of official-account articles (MIT).
//!
//! JSON (`wechat-exporter-json`): an array of the exporter's `AppMsgEx` records (`aid,
//! appmsgid, itemidx, link, title, digest, cover, cover_img, pic_cdn_url_*, create_time,
//! update_time, author_name, copyright_stat, copyright_type, item_show_type, ...`) with
//! `fakeid, _accountName, readNum, ..., content, comments` added. Excel
//! (`wechat-exporter-xlsx`): one sheet with the columns `公众号, ID, 链接, 标题, 封面, 摘要,
//! 创建时间, 发布时间, 阅读, 点赞, 分享, 喜欢, 留言, 作者, 是否原创, 文章类型, 所属合集, 文章内容`,
//! found by name, streamed row by row.
//!
//! * Account `fakeid` (the `__biz`; the Excel file has only the account's name, so its
//!   `__biz` comes from the link), handle `_accountName` / `公众号`. Article id
//!   `<__biz>/<aid>` (see [`super::wechat`]).
//! * Time `update_time` (the exporter's 发布时间, Unix seconds in JSON, `YYYY-MM-DD
//!   HH:mm:ss` local time in Excel), else `create_time`.
//! * `claims_original`: `copyright_stat == 1 && copyright_type == 1` (the exporter's own
//!   rule for 是否原创) in JSON; `原创` or empty in Excel.
//! * Cover (`pic_cdn_url_235_1`, `pic_cdn_url_16_9`, `cover_img`, `cover`: the exporter's
//!   order) as media; `source_url`, when a record has one, and links in HTML content as
//!   links. Comments (curated by the account, 精选留言) are not read.

use super::json::{get, str_at};
use super::util::{clean_id, head_shape, json_posts, push_unique, Outcome};
use super::wechat::{account, article_id, article_text, cover_key, link_biz, PLATFORM};
use super::Format;
use crate::ingest::CnClock;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct WechatExporterJson;

/// Text of a JSON scalar (numbers as digits).
fn text(v: &Value, k: &str) -> Option<String> {
    match get(v, k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn fill_json(v: &Value, clock: &CnClock, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    let link = text(v, "link");
    let biz = text(v, "fakeid").or_else(|| link.as_deref().and_then(link_biz));
    let aid = text(v, "aid").or_else(|| {
        Some(format!(
            "{}_{}",
            text(v, "appmsgid")?,
            text(v, "itemidx").unwrap_or_else(|| "1".into())
        ))
    });
    let id = article_id(link.as_deref(), biz.as_deref(), aid.as_deref())
        .ok_or("no article id (link, or fakeid and aid)")?;
    post.id.push_str(clean_id(&id, "article id")?);
    let biz = biz.ok_or("no account (fakeid, or __biz in the link)")?;
    post.author_id.push_str(clean_id(&account(&biz), "fakeid")?);
    if let Some(n) = str_at(v, "_accountName") {
        post.author_handle.push_str(n.trim());
    }
    let t = text(v, "update_time")
        .filter(|t| t != "0")
        .or_else(|| text(v, "create_time"))
        .ok_or("no update_time or create_time")?;
    (post.time_ms, post.time_precision) = clock.parse(&t)?;
    let content = str_at(v, "content");
    article_text(
        str_at(v, "title"),
        content,
        str_at(v, "digest"),
        &mut post.text,
        &mut post.urls,
    );
    if let Some(u) = text(v, "source_url") {
        push_unique(&mut post.urls, &u);
    }
    let cover = [
        "pic_cdn_url_235_1",
        "pic_cdn_url_16_9",
        "cover_img",
        "cover",
    ]
    .iter()
    .find_map(|k| text(v, k));
    if let Some(k) = cover.as_deref().and_then(cover_key) {
        post.media.push(k);
    }
    let num = |k: &str| get(v, k).and_then(Value::as_i64);
    post.claims_original =
        num("copyright_stat").map(|stat| stat == 1 && num("copyright_type").is_none_or(|t| t == 1));
    Ok(())
}

impl Format for WechatExporterJson {
    fn name(&self) -> &'static str {
        "wechat-exporter-json"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        s.has("aid")
            && (s.has("appmsgid") || s.has("link"))
            && (s.has("update_time") || s.has("create_time"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        json_posts(input, ingest, &|_at, v, post| {
            if !v.is_object() {
                return Err("an article should be a JSON object".into());
            }
            fill_json(v, &clock, post)?;
            Ok(Outcome::Post)
        })
    }
}

#[cfg(feature = "xlsx")]
pub(crate) use xlsx::WechatExporterXlsx;

#[cfg(feature = "xlsx")]
mod xlsx {
    use super::*;
    use calamine::{DataRef, Reader, Xlsx};
    use std::io::{Read, Seek};
    use std::path::Path;

    pub(crate) struct WechatExporterXlsx;

    const NAMES: [&str; 10] = [
        "公众号",
        "ID",
        "链接",
        "标题",
        "封面",
        "摘要",
        "创建时间",
        "发布时间",
        "是否原创",
        "文章内容",
    ];
    const C_ACCOUNT: usize = 0;
    const C_AID: usize = 1;
    const C_LINK: usize = 2;
    const C_TITLE: usize = 3;
    const C_COVER: usize = 4;
    const C_DIGEST: usize = 5;
    const C_CREATED: usize = 6;
    const C_PUBLISHED: usize = 7;
    const C_ORIGINAL: usize = 8;
    const C_CONTENT: usize = 9;

    impl Format for WechatExporterXlsx {
        fn name(&self) -> &'static str {
            "wechat-exporter-xlsx"
        }

        /// A zip archive with `xl/` entries: an Excel workbook. Whether its sheet is the
        /// exporter's is checked on reading (the header is compressed in the head).
        fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
            head.starts_with(b"PK\x03\x04") && memchr::memmem::find(head, b"xl/").is_some()
        }

        fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
            // A zip needs random access: a compressed or streamed workbook is read into
            // memory first.
            let mut buf = Vec::new();
            input
                .read_to_end(&mut buf)
                .map_err(|source| IngestError::Io {
                    path: ingest.current_file().into(),
                    source,
                })?;
            guarded(std::io::Cursor::new(buf), ingest)
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
            Some(match std::fs::File::open(path) {
                Ok(f) => guarded(std::io::BufReader::new(f), ingest),
                Err(source) => Err(IngestError::Io {
                    path: path.to_path_buf(),
                    source,
                }),
            })
        }
    }

    /// Read, turning a panic inside the spreadsheet library (possible on corrupt files)
    /// into a rejection of the rest of the file instead of a crash.
    fn guarded<R: Read + Seek>(rs: R, ingest: &mut Ingest) -> Result<(), IngestError> {
        let res =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_book(rs, &mut *ingest)));
        match res {
            Ok(r) => r,
            Err(_) => ingest.reject(
                1,
                "the spreadsheet library failed on this file (corrupt data); the rest of the file is skipped",
                b"",
            ),
        }
    }

    /// A cell as text. Excel dates (serial days since 1899-12-30, local time) become
    /// `YYYY-MM-DD HH:MM:SS`.
    fn cell_text(d: &DataRef<'_>) -> String {
        match d {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(dt) => {
                let serial = dt.as_f64();
                if !serial.is_finite() || serial.abs() > 3e6 {
                    return String::new();
                }
                let secs = ((serial - 25_569.0) * 86_400.0).round() as i64;
                let (y, m, day) = lockstep_model::time::civil_from_days(secs.div_euclid(86_400));
                let s = secs.rem_euclid(86_400);
                format!(
                    "{y:04}-{m:02}-{day:02} {:02}:{:02}:{:02}",
                    s / 3600,
                    s / 60 % 60,
                    s % 60
                )
            }
            DataRef::Error(_) | DataRef::Empty => String::new(),
        }
    }

    fn read_book<R: Read + Seek>(rs: R, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        let mut book: Xlsx<R> = match Xlsx::new(rs) {
            Ok(b) => b,
            Err(e) => return ingest.reject(1, format!("unreadable Excel workbook: {e}"), b""),
        };
        let Some(sheet) = book.sheet_names().into_iter().next() else {
            return ingest.reject(1, "the workbook has no sheet", b"");
        };
        let mut cells = match book.worksheet_cells_reader(&sheet) {
            Ok(c) => c,
            Err(e) => return ingest.reject(1, format!("unreadable sheet '{sheet}': {e}"), b""),
        };
        let mut plan: Option<[Option<usize>; 10]> = None;
        let mut row: Vec<String> = Vec::new();
        let mut row_no: Option<u32> = None;
        let mut post = PostRecord::default();
        loop {
            let next = match cells.next_cell() {
                Ok(c) => c,
                Err(e) => {
                    let line = row_no.map_or(1, |r| r as u64 + 1);
                    ingest.reject(
                        line,
                        format!("unreadable sheet data near row {line}: {e}; the rest of the file is skipped"),
                        b"",
                    )?;
                    break;
                }
            };
            let pos = next.as_ref().map(|c| c.get_position());
            if row_no.is_some() && pos.map(|p| p.0) != row_no {
                let r = row_no.unwrap_or(0);
                if !finish_row(r, &mut row, &mut plan, &clock, ingest, &mut post)? {
                    return Ok(());
                }
            }
            let Some(cell) = next else { break };
            let (r, c) = cell.get_position();
            row_no = Some(r);
            let c = c as usize;
            if c < 1024 {
                if row.len() <= c {
                    row.resize(c + 1, String::new());
                }
                row[c] = cell_text(cell.get_value());
            }
        }
        if plan.is_none() && row_no.is_none() {
            ingest.reject(1, "the sheet is empty", b"")?;
        }
        Ok(())
    }

    /// Handle one complete row; false when the header is not the exporter's.
    fn finish_row(
        r: u32,
        row: &mut Vec<String>,
        plan: &mut Option<[Option<usize>; 10]>,
        clock: &CnClock,
        ingest: &mut Ingest,
        post: &mut PostRecord,
    ) -> Result<bool, IngestError> {
        let line = r as u64 + 1;
        let cells = std::mem::take(row);
        let raw = cells.join(",").into_bytes();
        let Some(p) = plan.as_ref() else {
            let names: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
            let mut cols = [None; 10];
            for (i, n) in NAMES.iter().enumerate() {
                cols[i] = names.iter().position(|x| x == n);
            }
            if cols[C_LINK].is_none()
                || cols[C_TITLE].is_none()
                || (cols[C_PUBLISHED].is_none() && cols[C_CREATED].is_none())
            {
                ingest.reject(
                    line,
                    format!(
                        "not a wechat-article-exporter sheet (need 链接, 标题 and 发布时间 or 创建时间): {}",
                        names.join(",")
                    ),
                    &raw,
                )?;
                return Ok(false);
            }
            *plan = Some(cols);
            return Ok(true);
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(true);
        }
        let get = |k: usize| {
            p[k].and_then(|i| cells.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let res = (|| -> Result<(), String> {
            post.clear();
            post.platform.push_str(PLATFORM);
            let link = get(C_LINK);
            let biz = link.and_then(link_biz);
            let id = article_id(link, biz.as_deref(), get(C_AID))
                .ok_or("no article id (链接, or a link with __biz and ID)")?;
            post.id.push_str(clean_id(&id, "article id")?);
            let author = match (&biz, get(C_ACCOUNT)) {
                (Some(b), _) => account(b),
                (None, Some(name)) => format!("name:{name}"),
                (None, None) => return Err("no account (__biz in 链接, or 公众号)".into()),
            };
            post.author_id.push_str(clean_id(&author, "account")?);
            if let Some(n) = get(C_ACCOUNT) {
                post.author_handle.push_str(n);
            }
            let t = get(C_PUBLISHED)
                .or_else(|| get(C_CREATED))
                .ok_or("empty 发布时间 and 创建时间")?;
            (post.time_ms, post.time_precision) = clock.parse(t)?;
            article_text(
                get(C_TITLE),
                get(C_CONTENT),
                get(C_DIGEST),
                &mut post.text,
                &mut post.urls,
            );
            if let Some(k) = get(C_COVER).and_then(cover_key) {
                post.media.push(k);
            }
            if p[C_ORIGINAL].is_some() {
                post.claims_original = Some(get(C_ORIGINAL) == Some("原创"));
            }
            Ok(())
        })();
        match res {
            Ok(()) => ingest.accept(post),
            Err(reason) => ingest.reject(line, reason, &raw)?,
        }
        Ok(true)
    }
}
