//! Generic CSV, JSON lines and Parquet with a column mapping, so exports without a reader
//! of their own (Reddit dumps, CrowdTangle, Meta Content Library, crawls of other sites)
//! load without code:
//!
//! ```text
//! lockstep network crawl.csv --format generic-csv --map author=uid --map time=created_at \
//!     --time-format '%Y-%m-%d %H:%M' --time-zone +08:00 --platform weibo ...
//! ```
//!
//! Keys ([`KEYS`]): `id`, `author`, `handle`, `time`, `text`, `repost_of`, `reply_to`,
//! `quote_of`, `urls`, `hashtags`, `mentions`, `media`, `lang`, `platform`, `objects`.
//! Each key not mapped is looked for under common column names (`user_id`,
//! `created_at`, `text`, ...; see [`GUESSES`]); names match case-insensitively, and in
//! JSON a dotted name walks into objects (`user.id`). `author` and `time` are required;
//! without an `id` column each record gets `FILE:LINE` as its id. List keys accept JSON
//! arrays or list cells in any spelling. The platform is `--platform`, else the mapped
//! `platform` column, else `unknown`. A mapped optional key that a JSON record lacks has
//! no value there; a mapping that matches no record (or no column) of a file is a warning.

use super::csvrows::{read_csv, read_csv_par, Row};
use super::util::{clean_id, csv_header, head_shape, json_posts, list_cell, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions, Format};
use crate::timefmt::{parse_offset, TimeFormat};
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::borrow::Cow;
use std::io::BufRead;

/// The keys `--map` understands.
pub const KEYS: [&str; 15] = [
    "id",
    "author",
    "handle",
    "time",
    "text",
    "repost_of",
    "reply_to",
    "quote_of",
    "urls",
    "hashtags",
    "mentions",
    "media",
    "lang",
    "platform",
    "objects",
];

/// Column names tried for each key when it is not mapped, in order.
pub const GUESSES: [(&str, &[&str]); 15] = [
    (
        "id",
        &[
            "id",
            "post_id",
            "message_id",
            "tweet_id",
            "tweetid",
            "status_id",
            "mid",
            "id_str",
            "facebook id",
            "ccpageid",
        ],
    ),
    (
        "author",
        &[
            "author_id",
            "user_id",
            "userid",
            "uid",
            "account_id",
            "owner_id",
            "from_id",
            "author",
            "user",
            "username",
            "screen_name",
            "user.id",
            "owner.id",
            "account.id",
            "user name",
        ],
    ),
    (
        "handle",
        &[
            "username",
            "screen_name",
            "user_screen_name",
            "handle",
            "author_name",
            "user_name",
            "user name",
            "nickname",
            "user.screen_name",
            "owner.username",
        ],
    ),
    (
        "time",
        &[
            "created_at",
            "timestamp",
            "created_utc",
            "created_time",
            "creation_time",
            "time",
            "date",
            "datetime",
            "published_at",
            "post created",
            "post_created",
            "publish_time",
            "pubdate",
            "created",
        ],
    ),
    (
        "text",
        &[
            "text",
            "message",
            "content",
            "body",
            "full_text",
            "tweet_text",
            "caption",
            "title",
            "selftext",
        ],
    ),
    (
        "repost_of",
        &[
            "repost_of",
            "repost_id",
            "retweet_id",
            "retweeted_id",
            "retweet_tweetid",
            "retweeted_status_id",
            "share_id",
            "forward_id",
            "retweeted_status.id",
        ],
    ),
    (
        "reply_to",
        &[
            "reply_to",
            "reply_id",
            "in_reply_to_id",
            "in_reply_to_status_id",
            "in_reply_to_tweetid",
            "parent_id",
        ],
    ),
    (
        "quote_of",
        &[
            "quote_of",
            "quoted_id",
            "quoted_status_id",
            "quoted_tweet_tweetid",
        ],
    ),
    (
        "urls",
        &["urls", "links", "link", "expanded_url", "expanded_urls"],
    ),
    ("hashtags", &["hashtags", "tags", "topics"]),
    ("mentions", &["mentions", "user_mentions"]),
    (
        "media",
        &[
            "media",
            "media_ids",
            "media_keys",
            "media_hashes",
            "image_hashes",
            "phash",
        ],
    ),
    ("lang", &["lang", "language"]),
    ("platform", &["platform"]),
    ("objects", &["objects", "object_id"]),
];

/// Index of a key in [`KEYS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key(pub(crate) usize);

const ID: Key = Key(0);
const AUTHOR: Key = Key(1);
const HANDLE: Key = Key(2);
const TIME: Key = Key(3);
const TEXT: Key = Key(4);
const REPOST: Key = Key(5);
const REPLY: Key = Key(6);
const QUOTE: Key = Key(7);
const URLS: Key = Key(8);
const HASHTAGS: Key = Key(9);
const MENTIONS: Key = Key(10);
const MEDIA: Key = Key(11);
const LANG: Key = Key(12);
const PLATFORM_KEY: Key = Key(13);
const OBJECTS: Key = Key(14);

/// A checked `--map` mapping with the time settings.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// Explicit column per key (lowercased), None where guessing applies.
    explicit: [Option<String>; 15],
    pub(crate) time_format: TimeFormat,
    pub(crate) zone_ms: i64,
    pub(crate) platform: Option<String>,
}

impl Mapping {
    /// Build and check from options.
    pub fn from_options(o: &IngestOptions) -> Result<Mapping, IngestError> {
        let mut explicit: [Option<String>; 15] = Default::default();
        for (k, c) in &o.mapping {
            let key = k.trim().to_ascii_lowercase();
            let key = match key.as_str() {
                "author_id" | "user" | "account" => "author",
                "author_handle" | "username" => "handle",
                "timestamp" | "created_at" => "time",
                "repost" | "retweet" => "repost_of",
                "reply" => "reply_to",
                "quote" => "quote_of",
                "url" => "urls",
                "hashtag" | "tags" => "hashtags",
                "mention" => "mentions",
                "language" => "lang",
                other => other,
            };
            let Some(i) = KEYS.iter().position(|x| *x == key) else {
                return Err(IngestError::BadOption(format!(
                    "--map {k}={c}: unknown key '{k}' (keys: {})",
                    KEYS.join(", ")
                )));
            };
            if c.trim().is_empty() {
                return Err(IngestError::BadOption(format!(
                    "--map {k}=: empty column name"
                )));
            }
            explicit[i] = Some(c.trim().to_ascii_lowercase());
        }
        let time_format = TimeFormat::parse(o.time_format.as_deref().unwrap_or("auto"))
            .map_err(IngestError::BadOption)?;
        let zone_ms = match o.time_zone.as_deref() {
            None => 0,
            Some(z) => parse_offset(z).ok_or_else(|| {
                IngestError::BadOption(format!(
                    "--time-zone '{z}': expected an offset such as +08:00, -0500, UTC"
                ))
            })?,
        };
        let platform = o
            .platform
            .as_ref()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        Ok(Mapping {
            explicit,
            time_format,
            zone_ms,
            platform,
        })
    }

    /// Resolve every key against the available column names (lowercase). Explicit
    /// mappings of `author` and `time` must exist; an explicit mapping of an optional key
    /// whose column is absent leaves the key without a value and is listed in
    /// [`Resolved::absent`] (a JSON record without the key simply has none; the reader
    /// warns only when no record of the file has it); guesses may fail silently.
    pub(crate) fn resolve(&self, names: &[String]) -> Result<Resolved, String> {
        let mut out = [None; 15];
        let mut absent = Vec::new();
        let find = |n: &str| -> Option<usize> {
            names.iter().position(|x| x == n).or_else(|| {
                // A dotted JSON path: its first segment must exist.
                n.split_once('.')
                    .and_then(|(first, _)| names.iter().position(|x| x == first))
                    .map(|_| usize::MAX)
            })
        };
        for (i, slot) in out.iter_mut().enumerate() {
            match &self.explicit[i] {
                Some(c) => match find(c) {
                    Some(col) => *slot = Some(col),
                    None if i == AUTHOR.0 || i == TIME.0 => {
                        return Err(format!(
                            "--map {}={c}: no such column (columns: {})",
                            KEYS[i],
                            names.iter().take(40).cloned().collect::<Vec<_>>().join(",")
                        ))
                    }
                    None => absent.push(i),
                },
                None => {
                    *slot = GUESSES[i]
                        .1
                        .iter()
                        .find_map(|g| names.iter().position(|x| x == g));
                }
            }
        }
        if out[AUTHOR.0].is_none() || out[TIME.0].is_none() {
            let miss: Vec<&str> = [AUTHOR, TIME]
                .iter()
                .filter(|k| out[k.0].is_none())
                .map(|k| KEYS[k.0])
                .collect();
            return Err(format!(
                "no column for {} (map one with --map {}=COLUMN; columns: {})",
                miss.join(" and "),
                miss[0],
                names.iter().take(40).cloned().collect::<Vec<_>>().join(",")
            ));
        }
        Ok(Resolved { cols: out, absent })
    }

    /// The warning for explicitly mapped keys that no record of a file has.
    pub(crate) fn absent_warning(&self, file: &str, keys: &[usize], what: &str) -> Option<String> {
        if keys.is_empty() {
            return None;
        }
        let list: Vec<String> = keys
            .iter()
            .filter_map(|&k| {
                self.explicit[k]
                    .as_ref()
                    .map(|c| format!("--map {}={c}", KEYS[k]))
            })
            .collect();
        Some(format!(
            "{file}: {} matched no {what} of the file; those keys have no values",
            list.join(", ")
        ))
    }

    /// Keys mapped explicitly with `--map`.
    pub(crate) fn explicit_keys(&self) -> impl Iterator<Item = usize> + '_ {
        (0..KEYS.len()).filter(|&k| self.explicit[k].is_some())
    }

    /// The column name used for key `k` (for JSON lookups), given a resolution.
    pub(crate) fn column<'a>(
        &'a self,
        k: usize,
        names: &'a [String],
        res: &[Option<usize>; 15],
    ) -> Option<&'a str> {
        match (&self.explicit[k], res[k]) {
            (Some(c), Some(_)) => Some(c.as_str()),
            (None, Some(i)) => names.get(i).map(String::as_str),
            _ => None,
        }
    }
}

/// Where each key's values are, for one header or record.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    /// Column of each key ([`KEYS`] order), None when the key has none.
    pub(crate) cols: [Option<usize>; 15],
    /// Explicitly mapped optional keys whose column is not there.
    pub(crate) absent: Vec<usize>,
}

/// A record the generic filler reads from.
pub(crate) trait Source {
    /// A scalar value for key `k`, None if absent or empty.
    fn scalar(&self, k: Key) -> Result<Option<Cow<'_, str>>, String>;
    /// Items of a list value for key `k`.
    fn list(&self, k: Key, out: &mut Vec<String>) -> Result<(), String>;
    /// A time already typed as a timestamp (Parquet), in ms.
    fn native_time(&self) -> Option<i64> {
        None
    }
}

/// Fill `post` from a generic record. `fallback_id` is used when there is no id column.
pub(crate) fn fill_generic(
    m: &Mapping,
    src: &dyn Source,
    fallback_id: &dyn Fn() -> String,
    post: &mut PostRecord,
) -> Result<(), String> {
    post.clear();
    let platform = match &m.platform {
        Some(p) => Cow::Borrowed(p.as_str()),
        None => src
            .scalar(PLATFORM_KEY)?
            .map(|p| Cow::Owned(p.trim().to_ascii_lowercase()))
            .unwrap_or(Cow::Borrowed("unknown")),
    };
    post.platform.push_str(&platform);
    match src.scalar(ID)? {
        Some(id) => post.id.push_str(clean_id(&id, "id")?),
        None => post.id.push_str(&fallback_id()),
    }
    let author = src.scalar(AUTHOR)?.ok_or("empty author")?;
    post.author_id.push_str(clean_id(&author, "author")?);
    if let Some(h) = src.scalar(HANDLE)? {
        post.author_handle.push_str(h.trim());
    }
    post.time_ms = match src.native_time() {
        Some(t) => t,
        None => {
            let t = src.scalar(TIME)?.ok_or("empty time")?;
            m.time_format.to_ms(&t, m.zone_ms).ok_or_else(|| {
                format!(
                    "unparsable time '{}' (--time-format {:?})",
                    t.chars().take(40).collect::<String>(),
                    m.time_format
                )
            })?
        }
    };
    if let Some(t) = src.scalar(TEXT)? {
        post.text.push_str(&t);
    }
    for (k, slot) in [
        (REPOST, &mut post.repost_of),
        (REPLY, &mut post.reply_to),
        (QUOTE, &mut post.quote_of),
    ] {
        if let Some(v) = src.scalar(k)? {
            *slot = Some(clean_id(&v, KEYS[k.0])?.to_string());
        }
    }
    src.list(URLS, &mut post.urls)?;
    let mut tags = Vec::new();
    src.list(HASHTAGS, &mut tags)?;
    for t in tags {
        push_unique(&mut post.hashtags, t.trim_start_matches('#'));
    }
    let mut ments = Vec::new();
    src.list(MENTIONS, &mut ments)?;
    for t in ments {
        push_unique(&mut post.mentions, t.trim_start_matches('@'));
    }
    if post.hashtags.is_empty() {
        extract_hashtags(&post.text, &mut post.hashtags);
    }
    if post.mentions.is_empty() {
        extract_mentions(&post.text, &mut post.mentions);
    }
    src.list(MEDIA, &mut post.media)?;
    src.list(OBJECTS, &mut post.objects)?;
    if let Some(l) = src.scalar(LANG)? {
        post.lang = Some(l.trim().to_string());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------

/// `generic-csv`.
pub(crate) struct GenericCsv;

impl Format for GenericCsv {
    fn name(&self) -> &'static str {
        "generic-csv"
    }

    fn sniff(&self, head: &[u8], opts: &IngestOptions) -> bool {
        let Ok(m) = Mapping::from_options(opts) else {
            return false;
        };
        match csv_header(head, opts.delimiter) {
            Some((d, names)) => {
                // A header of one column read with a guessed delimiter is not CSV we know.
                (names.len() > 1 || opts.delimiter.is_some() || d != b',')
                    && m.resolve(&names).is_ok()
            }
            None => false,
        }
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let m = Mapping::from_options(ingest.options())?;
        let delim = ingest.options().delimiter;
        let file = ingest.current_file().to_string();
        let mut setup = |names: &[String], ingest: &mut Ingest| {
            let resolved = m.resolve(names)?;
            if let Some(w) = m.absent_warning(ingest.current_file(), &resolved.absent, "column") {
                ingest.warn(w);
            }
            let res = resolved.cols;
            if res[ID.0].is_none() {
                ingest.warn(format!(
                    "{}: no id column: posts get FILE:LINE ids (map one with --map id=COLUMN)",
                    ingest.current_file()
                ));
            }
            Ok(res)
        };
        let fill = |res: &[Option<usize>; 15], row: &Row<'_>, post: &mut PostRecord| {
            let src = CsvSource { row, res };
            let line = row.csv_line();
            fill_generic(&m, &src, &|| format!("{file}:{line}"), post)?;
            Ok(Outcome::Post)
        };
        if rayon::current_num_threads() > 1 {
            if let Some(done) = read_csv_par(input, ingest, delim, &mut setup, &fill) {
                return done;
            }
        }
        read_csv(
            input,
            ingest,
            delim,
            &mut setup,
            &mut |res, row, _ingest, post| fill(res, row, post),
        )
    }
}

struct CsvSource<'a, 'b> {
    row: &'a Row<'b>,
    res: &'a [Option<usize>; 15],
}

impl Source for CsvSource<'_, '_> {
    fn scalar(&self, k: Key) -> Result<Option<Cow<'_, str>>, String> {
        let get = if k == TEXT { Row::raw } else { Row::get };
        Ok(get(self.row, self.res[k.0])?.map(Cow::Borrowed))
    }

    fn list(&self, k: Key, out: &mut Vec<String>) -> Result<(), String> {
        if let Some(c) = self.row.get(self.res[k.0])? {
            list_cell(c, out);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// JSON lines
// ---------------------------------------------------------------------------------------

/// `generic-jsonl`.
pub(crate) struct GenericJsonl;

impl Format for GenericJsonl {
    fn name(&self) -> &'static str {
        "generic-jsonl"
    }

    fn sniff(&self, head: &[u8], opts: &IngestOptions) -> bool {
        let Ok(m) = Mapping::from_options(opts) else {
            return false;
        };
        let s = head_shape(head);
        let names: Vec<String> = s.keys.iter().map(|k| k.to_ascii_lowercase()).collect();
        !names.is_empty() && m.resolve(&names).is_ok()
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let m = Mapping::from_options(ingest.options())?;
        let file = ingest.current_file().to_string();
        // Explicitly mapped keys no record has had so far; warned about at the end.
        // (Behind a mutex: records are filled on several threads.)
        let seen = std::sync::Mutex::new((m.explicit_keys().collect::<Vec<usize>>(), false));
        let result = json_posts(input, ingest, &|at, v, post| {
            let Value::Object(obj) = v else {
                return Err("a record should be a JSON object".into());
            };
            let names: Vec<String> = obj.keys().map(|k| k.to_ascii_lowercase()).collect();
            let resolved = m.resolve(&names)?;
            if let Ok(mut seen) = seen.lock() {
                seen.0.retain(|k| resolved.absent.contains(k));
                seen.1 = true;
            }
            let res = resolved.cols;
            let src = JsonSource {
                v,
                m: &m,
                names: &names,
                res: &res,
            };
            let line = at.line;
            fill_generic(&m, &src, &|| format!("{file}:{line}"), post)?;
            Ok(Outcome::Post)
        });
        let (never, any) = seen.into_inner().unwrap_or_else(|e| e.into_inner());
        if any {
            if let Some(w) = m.absent_warning(&file, &never, "record") {
                ingest.warn(w);
            }
        }
        result
    }
}

struct JsonSource<'a> {
    v: &'a Value,
    m: &'a Mapping,
    names: &'a [String],
    res: &'a [Option<usize>; 15],
}

impl JsonSource<'_> {
    fn lookup(&self, k: Key) -> Option<&Value> {
        let col = self.m.column(k.0, self.names, self.res)?;
        let obj = self.v.as_object()?;
        // Keys match case-insensitively; dotted names walk into objects.
        fn find<'v>(o: &'v serde_json::Map<String, Value>, name: &str) -> Option<&'v Value> {
            o.get(name).or_else(|| {
                o.iter()
                    .find(|(kk, _)| kk.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
        }
        if let Some(v) = find(obj, col) {
            return Some(v);
        }
        let mut cur = self.v;
        for part in col.split('.') {
            cur = find(cur.as_object()?, part)?;
        }
        Some(cur)
    }
}

impl Source for JsonSource<'_> {
    fn scalar(&self, k: Key) -> Result<Option<Cow<'_, str>>, String> {
        match self.lookup(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                Ok((!s.trim().is_empty()).then_some(Cow::Borrowed(s.as_str())))
            }
            Some(Value::Number(n)) => Ok(Some(Cow::Owned(n.to_string()))),
            Some(Value::Bool(b)) => Ok(Some(Cow::Owned(b.to_string()))),
            Some(other) => Err(format!(
                "'{}' ({}) is {}, not a scalar; map a nested key such as {}.id",
                self.m.column(k.0, self.names, self.res).unwrap_or("?"),
                KEYS[k.0],
                super::json::type_name(Some(other)),
                self.m.column(k.0, self.names, self.res).unwrap_or("x"),
            )),
        }
    }

    fn list(&self, k: Key, out: &mut Vec<String>) -> Result<(), String> {
        match self.lookup(k) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => list_cell(s, out),
            Some(Value::Array(a)) => {
                for it in a {
                    match it {
                        Value::String(s) => push_unique(out, s),
                        Value::Number(n) => push_unique(out, &n.to_string()),
                        Value::Object(o) => {
                            // Entity objects: take the first familiar member.
                            for key in [
                                "expanded_url",
                                "url",
                                "tag",
                                "text",
                                "name",
                                "username",
                                "screen_name",
                                "id",
                            ] {
                                if let Some(s) = o.get(key).and_then(Value::as_str) {
                                    push_unique(out, s);
                                    break;
                                }
                            }
                        }
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
