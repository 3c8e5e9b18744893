//! What the Weibo readers share: fields by index from a CSV row or a JSON object, list
//! cells in the crawlers' spellings, picture ids, bid → mid, topics, mentions and links,
//! and the account id of crawls that keep it only in the file's path.
//!
//! Field lists and quirks of every exporter are in `PLATFORMS-CN.md` (team notes); the
//! readers keep the text as posted (`//@` chains and `转发微博` included: splitting them is
//! the detection side's job).

use super::csvrows::Row;
use super::entities::{extract_urls, weibo_mentions, weibo_topics};
use super::json::{get, id_value};
use super::util::{clean_id, list_cell, push_unique, Outcome};
use crate::Ingest;
use lockstep_model::PostRecord;
use serde_json::Value;
use std::borrow::Cow;
use std::path::Path;

/// Platform name of Weibo posts.
pub(crate) const PLATFORM: &str = "weibo";

/// One record's fields, by index into the reader's list of field names.
pub(crate) trait Fields {
    /// Field `i` trimmed (numbers as their digits); None when absent, null or empty.
    fn get(&self, i: usize) -> Result<Option<Cow<'_, str>>, String>;
    /// Field `i` as written (for text); None when absent, null or empty.
    fn raw(&self, i: usize) -> Result<Option<Cow<'_, str>>, String>;
    /// Items of list field `i` (JSON arrays, or a cell in any spelling: see [`cell_list`]).
    fn list(&self, i: usize, out: &mut Vec<String>) -> Result<(), String>;
}

/// A CSV row with the column of each field (None when the header lacks it).
pub(crate) struct CsvFields<'a, 'b> {
    pub row: &'a Row<'b>,
    pub cols: &'a [Option<usize>],
}

impl Fields for CsvFields<'_, '_> {
    fn get(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        Ok(self
            .row
            .get(self.cols.get(i).copied().flatten())?
            .map(Cow::Borrowed))
    }
    fn raw(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        Ok(self
            .row
            .raw(self.cols.get(i).copied().flatten())?
            .map(Cow::Borrowed))
    }
    fn list(&self, i: usize, out: &mut Vec<String>) -> Result<(), String> {
        if let Some(c) = self.row.get(self.cols.get(i).copied().flatten())? {
            cell_list(c, out);
        }
        Ok(())
    }
}

/// A JSON object with the key of each field.
pub(crate) struct JsonFields<'a> {
    pub v: &'a Value,
    pub keys: &'a [&'a str],
}

impl JsonFields<'_> {
    fn value(&self, i: usize) -> Option<&Value> {
        self.keys.get(i).and_then(|k| get(self.v, k))
    }
}

fn scalar(v: Option<&Value>, trim: bool) -> Result<Option<Cow<'_, str>>, String> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => {
            let t = if trim { s.trim() } else { s.as_str() };
            Ok((!t.trim().is_empty()).then_some(Cow::Borrowed(t)))
        }
        Some(Value::Number(n)) => Ok(Some(Cow::Owned(n.to_string()))),
        Some(Value::Bool(b)) => Ok(Some(Cow::Owned(b.to_string()))),
        Some(other) => Err(format!(
            "expected text, found {}",
            super::json::type_name(Some(other))
        )),
    }
}

impl Fields for JsonFields<'_> {
    fn get(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        scalar(self.value(i), true).map_err(|e| format!("'{}': {e}", self.keys[i]))
    }
    fn raw(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        scalar(self.value(i), false).map_err(|e| format!("'{}': {e}", self.keys[i]))
    }
    fn list(&self, i: usize, out: &mut Vec<String>) -> Result<(), String> {
        match self.value(i) {
            None => {}
            Some(Value::String(s)) => cell_list(s, out),
            Some(Value::Array(a)) => {
                for it in a {
                    match it {
                        Value::String(s) => push_unique(out, s),
                        Value::Number(n) => push_unique(out, &n.to_string()),
                        _ => {}
                    }
                }
            }
            Some(Value::Number(n)) => push_unique(out, &n.to_string()),
            Some(_) => {}
        }
        Ok(())
    }
}

/// Items of a list cell as the Weibo crawlers write them: comma-joined (`a,b`: dataabc's
/// writers), a Python list repr (`['a', 'b']`: weibo-search before 2023) or a JSON array
/// (`["a","b"]`); `无` (weiboSpider's "none") is empty. Items are trimmed; a single item keeps its inner spaces (`张云雷 层层见喜`).
pub(crate) fn cell_list(cell: &str, out: &mut Vec<String>) {
    let c = cell.trim();
    if c.starts_with('[') {
        list_cell(c, out);
        return;
    }
    if matches!(c, "" | "None" | "nan" | "NaN" | "null" | "无") {
        return;
    }
    for item in c.split([',', '，']) {
        push_unique(out, item);
    }
}

/// What identifies a picture or video across copies: a Sina picture URL
/// (`https://wx1.sinaimg.cn/large/<pid>.jpg`, any size: `thumb150`, `orj360`, `large`)
/// becomes its picture id, so the same picture matches at every size; other URLs lose
/// their query and fragment (Weibo video links carry expiring tokens there); a bare id
/// stays.
pub(crate) fn media_key(url: &str) -> Option<String> {
    let u = url.trim();
    if u.is_empty() {
        return None;
    }
    let u = u.split(['?', '#']).next().unwrap_or(u);
    if u.contains("sinaimg.cn/") || u.contains("sinaimg.com/") {
        let last = u.rsplit('/').next().unwrap_or(u);
        let stem = last.split('.').next().unwrap_or(last);
        if !stem.is_empty() {
            return Some(stem.to_string());
        }
    }
    Some(u.to_string())
}

/// Push the media keys of a list of URLs.
pub(crate) fn push_media(post: &mut PostRecord, urls: &[String]) {
    for u in urls {
        if let Some(k) = media_key(u) {
            push_unique(&mut post.media, &k);
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The numeric id (mid) of a Weibo post from its base62 id (bid, as in
/// `weibo.com/<uid>/<bid>`): the bid is cut into groups of four characters from the right,
/// each group read in base 62 and written as seven decimal digits (the first group
/// unpadded). None when `bid` is not one (other characters, a group too large, too long).
pub(crate) fn bid_to_mid(bid: &str) -> Option<String> {
    let b = bid.trim().as_bytes();
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut groups = Vec::new();
    let mut end = b.len();
    while end > 0 {
        let start = end.saturating_sub(4);
        let mut n: u64 = 0;
        for &c in &b[start..end] {
            let d = BASE62.iter().position(|&x| x == c)? as u64;
            n = n * 62 + d;
        }
        groups.push(n);
        end = start;
    }
    groups.reverse();
    let mut out = String::new();
    for (i, g) in groups.iter().enumerate() {
        if i == 0 {
            out.push_str(&g.to_string());
        } else {
            if *g >= 10_000_000 {
                return None;
            }
            out.push_str(&format!("{g:07}"));
        }
    }
    let trimmed = out.trim_start_matches('0');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// A post id as a mid: digits stay (trailing tabs and spaces trimmed), a base62 bid
/// becomes its mid, anything else stays as written.
pub(crate) fn post_id(raw: &str, what: &str) -> Result<String, String> {
    let t = clean_id(raw, what)?;
    if t.bytes().all(|c| c.is_ascii_digit()) {
        return Ok(t.to_string());
    }
    if t.bytes().any(|c| c.is_ascii_alphabetic()) {
        if let Some(m) = bid_to_mid(t) {
            return Ok(m);
        }
    }
    Ok(t.to_string())
}

/// Fill hashtags, mentions and links that the record did not list: topics from `#...#`
/// in the text, mentions from `@nickname`, and `http(s)://` links written in the text
/// (added to any listed).
pub(crate) fn text_entities(post: &mut PostRecord) {
    if post.hashtags.is_empty() {
        weibo_topics(&post.text, &mut post.hashtags);
    }
    if post.mentions.is_empty() {
        weibo_mentions(&post.text, &mut post.mentions);
    }
    extract_urls(&post.text, &mut post.urls);
}

/// Push topics from a list (stripping `#`), mentions (stripping `@`).
pub(crate) fn push_topics(post: &mut PostRecord, items: &[String]) {
    for t in items {
        push_unique(&mut post.hashtags, t.trim().trim_matches(['#', '＃']));
    }
}

/// See [`push_topics`].
pub(crate) fn push_mentions(post: &mut PostRecord, items: &[String]) {
    for m in items {
        push_unique(&mut post.mentions, m.trim().trim_start_matches(['@', '＠']));
    }
}

/// True for the spellings of "no" / "false" crawlers write in flag columns.
pub(crate) fn is_false(s: &str) -> bool {
    matches!(
        s.trim(),
        "False" | "false" | "FALSE" | "0" | "否" | "no" | "No"
    )
}

/// The account a per-user crawl belongs to when its rows do not say (weibo-crawler and
/// weiboSpider CSV): the file name `<user_id>.csv` (digits), else `users.csv` in the
/// file's folder or the one above, matched on the file name or the folder name (the
/// crawlers write `weibo/<screen_name>/<user_id>.csv`). Returns the id and, when known, the
/// nickname. `what` names the crawler in the error.
pub(crate) fn account_from_path(
    ingest: &Ingest,
    what: &str,
) -> Result<(String, Option<String>), String> {
    let shown = ingest.current_file().to_string();
    let path = match ingest.current_path() {
        Some(p) => p.to_path_buf(),
        None => Path::new(&shown).to_path_buf(),
    };
    let stem = file_stem(&path);
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .map(str::to_string);
    let users = ingest.current_path().and_then(users_csv_near);
    let nick_of = |id: &str| {
        users
            .as_ref()
            .and_then(|u| u.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()))
    };
    if !stem.is_empty() && stem.bytes().all(|c| c.is_ascii_digit()) {
        let nick = nick_of(&stem).or_else(|| {
            folder
                .clone()
                .filter(|f| *f != stem && f != "weibo" && !f.is_empty())
        });
        return Ok((stem, nick));
    }
    if let Some(u) = &users {
        for name in [Some(stem.as_str()), folder.as_deref()]
            .into_iter()
            .flatten()
        {
            if let Some((id, nick)) = u.iter().find(|(i, n)| n == name || i == name) {
                return Ok((id.clone(), Some(nick.clone())));
            }
        }
    }
    Err(format!(
        "{what} CSV rows do not name their account: name the file <user_id>.csv (as the crawler does) or keep users.csv beside it"
    ))
}

/// The file name without `.gz`/`.zst` and `.csv`/`.json`.
fn file_stem(path: &Path) -> String {
    let mut name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string();
    for ext in [".gz", ".zst", ".csv", ".json", ".jsonl"] {
        if let Some(s) = name.strip_suffix(ext) {
            name = s.to_string();
        }
    }
    name.trim().to_string()
}

/// `(用户id, 昵称)` pairs of weibo-crawler's `users.csv` next to `path` or one folder up.
fn users_csv_near(path: &Path) -> Option<Vec<(String, String)>> {
    let dir = path.parent()?;
    let candidates = [dir.join("users.csv"), dir.parent()?.join("users.csv")];
    for c in candidates {
        if c == path {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&c) {
            if let Some(users) = parse_users_csv(&bytes) {
                return Some(users);
            }
        }
    }
    None
}

fn parse_users_csv(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::StringRecord::new();
    if !rdr.read_record(&mut rec).ok()? {
        return None;
    }
    let names: Vec<String> = rec
        .iter()
        .map(|f| f.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let id = names.iter().position(|n| n == "用户id")?;
    let nick = names.iter().position(|n| n == "昵称")?;
    let mut out = Vec::new();
    while rdr.read_record(&mut rec).unwrap_or(false) {
        if let (Some(i), Some(n)) = (rec.get(id), rec.get(nick)) {
            let i = i.trim();
            if !i.is_empty() && i != "用户id" {
                out.push((i.to_string(), n.trim().to_string()));
            }
        }
    }
    Some(out)
}

/// An id member of a JSON object as text (string or integer), trimmed; None if absent.
pub(crate) fn json_id(v: &Value, k: &str) -> Option<String> {
    get(v, k)
        .and_then(id_value)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Fills a post from one item of a `{"user": {...}, "weibo": [...]}` export, given the
/// `user` object when it came before the list.
pub(crate) type FillItem<'a> =
    dyn FnMut(&Value, Option<&Value>, &mut PostRecord) -> Result<Outcome, String> + 'a;

/// Read the per-user JSON of weibo-crawler and weiboSpider, `{"user": {...}, "weibo":
/// [...]}`, streaming: the `user` object is kept, each element of `weibo` is parsed on its
/// own and handed to `fill` (a bad element is one rejection naming its index and byte
/// offset; `line` is the line where it starts).
pub(crate) fn read_user_weibo_json(
    input: &mut dyn std::io::BufRead,
    ingest: &mut Ingest,
    fill: &mut FillItem<'_>,
) -> Result<(), crate::IngestError> {
    use crate::records::{Action, Event, JsonScanner, Seg};
    let max = ingest.options().max_record();
    let mut sc = JsonScanner::new(input, max);
    let mut select = |p: &[Seg]| match p {
        [] => Action::Descend,
        [k] if k.is("user") => Action::Capture,
        [k] if k.is("weibo") => Action::Descend,
        [k, Seg::Index(_)] if k.is("weibo") => Action::Capture,
        _ => Action::Skip,
    };
    let mut user: Option<Value> = None;
    let mut post = PostRecord::default();
    loop {
        let ev = sc
            .next_event(&mut select)
            .map_err(|source| crate::IngestError::Io {
                path: ingest.current_file().into(),
                source,
            })?;
        let Some(ev) = ev else { break };
        match ev {
            Event::Value {
                path,
                bytes,
                line,
                offset,
            } => match path {
                [k] if k.is("user") => {
                    match super::json::parse(bytes) {
                        Ok(v) if v.is_object() => user = Some(v),
                        Ok(_) => ingest.note("'user' is not an object; ignored"),
                        Err(r) => ingest.reject(line, format!("the 'user' object: {r}"), bytes)?,
                    }
                }
                [_, Seg::Index(i)] => {
                    let at = format!("weibo[{i}] at byte offset {offset}: ");
                    let res = super::json::parse(bytes).and_then(|v| {
                        if v.is_object() {
                            fill(&v, user.as_ref(), &mut post)
                        } else {
                            Err("an element of 'weibo' should be an object".into())
                        }
                    });
                    match res {
                        Ok(Outcome::Post) => ingest.accept(&post),
                        Ok(Outcome::Skip(kind)) => ingest.skip(kind),
                        Err(r) => ingest.reject(line, format!("{at}{r}"), bytes)?,
                    }
                }
                _ => {}
            },
            Event::TooLong {
                prefix,
                line,
                offset,
                len,
            } => ingest.reject(
                line,
                format!(
                    "value at byte offset {offset} is {len} bytes, longer than the limit of {max} bytes"
                ),
                prefix,
            )?,
            Event::Error(e) => super::util::reject_malformed(ingest, ("JSON", "file"), &e)?,
        }
    }
    Ok(())
}

/// Keys of the `user` object and of the first `weibo` element of a `{"user", "weibo"}`
/// export's head, for detection (empty when the head is something else).
pub(crate) fn user_weibo_keys(head: &[u8]) -> (Vec<String>, Vec<String>) {
    use crate::records::{Action, Event, JsonScanner, Seg};
    let h = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if h.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return (Vec::new(), Vec::new());
    }
    let mut r: &[u8] = h;
    let mut sc = JsonScanner::new(&mut r, 1 << 20);
    let mut user = Vec::new();
    let mut item = Vec::new();
    let mut select = |p: &[Seg]| {
        let key = |s: &Seg| match s {
            Seg::Key(k) => Some(String::from_utf8_lossy(k).into_owned()),
            Seg::Index(_) => None,
        };
        match p {
            [] => Action::Descend,
            [k] if k.is("user") || k.is("weibo") => Action::Descend,
            [u, k] if u.is("user") => {
                user.extend(key(k));
                Action::Skip
            }
            [w, Seg::Index(0)] if w.is("weibo") => Action::Descend,
            [w, Seg::Index(0), k] if w.is("weibo") => {
                item.extend(key(k));
                Action::Skip
            }
            _ => Action::Skip,
        }
    };
    for _ in 0..100_000 {
        match sc.next_event(&mut select) {
            Ok(Some(Event::Value { .. })) | Ok(Some(Event::TooLong { .. })) => {}
            _ => break,
        }
    }
    drop(sc);
    (user, item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bids_and_mids() {
        // Pairs from a real weibo-search file (id, bid) and nghuyong's docstring.
        assert_eq!(bid_to_mid("LrcuKrvtP").as_deref(), Some("4764828906555869"));
        assert_eq!(bid_to_mid("z0JH2lOMb").as_deref(), Some("3501756485200075"));
        assert!(bid_to_mid("Mb15BDYR0").is_some());
        assert_eq!(bid_to_mid("abc-def"), None);
        assert_eq!(bid_to_mid(""), None);
        assert_eq!(
            post_id("4764828906555869\t", "id").unwrap(),
            "4764828906555869"
        );
        assert_eq!(post_id("LrcuKrvtP", "id").unwrap(), "4764828906555869");
        assert_eq!(
            post_id("0023fbc0cb2119235e6482ca221e34fb", "id").unwrap(),
            "0023fbc0cb2119235e6482ca221e34fb"
        );
    }

    #[test]
    fn lists_and_media() {
        let mut v = Vec::new();
        cell_list(
            "['https://wx1.sinaimg.cn/large/a1.jpg', 'https://wx2.sinaimg.cn/large/b2.jpg']",
            &mut v,
        );
        assert_eq!(v.len(), 2);
        let mut v = Vec::new();
        cell_list("上海战疫 ,众志成城共抗疫情 ,快手", &mut v);
        assert_eq!(v, ["上海战疫", "众志成城共抗疫情", "快手"]);
        let mut v = Vec::new();
        cell_list("张云雷 层层见喜", &mut v);
        assert_eq!(v, ["张云雷 层层见喜"]);
        assert_eq!(
            media_key("https://wx4.sinaimg.cn/thumb150/0075LuiUgy1gdf4x2wtf9j30bk07n74j.jpg")
                .as_deref(),
            Some("0075LuiUgy1gdf4x2wtf9j30bk07n74j")
        );
        assert_eq!(
            media_key("http://f.video.weibocdn.com/o0/abc.mp4?label=mp4_720p&Expires=1").as_deref(),
            Some("http://f.video.weibocdn.com/o0/abc.mp4")
        );
        assert_eq!(media_key(" "), None);
    }
}
