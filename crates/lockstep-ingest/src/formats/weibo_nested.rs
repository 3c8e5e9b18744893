//! The research layout of Weibo corpora (`weibo-nested`): one post with its comments and
//! reposts nested inside, as in **CHECKED** (cyang03/CHECKED, `dataset/{fake,real}_news/
//! <id>.json`: `{label, id, date, user_id, text, pic_url, video_url, comment_num,
//! repost_num, like_num, [analysis], comments: [{id, date, user_id, text, pic_url}],
//! reposts: [...]}`), one object per file, or several (JSON lines, concatenated, or a
//! top-level array).
//!
//! * The post is an original; each element of `comments` is a reply to it, each element
//!   of `reposts` a repost of it. Ids are kept as given (CHECKED hashes them to 32 hex
//!   characters).
//! * Times `date` (`YYYY-MM-DD HH:MM`, Beijing time): minute precision.
//! * `pic_url` (a list in posts and reposts, a string in comments) gives picture ids,
//!   `video_url` a media key; topics, mentions and links come from the text.
//! * **Streaming**: the document is walked with [`JsonScanner`]; the post's own members and
//!   then each comment and repost are parsed one at a time, so memory holds one element,
//!   not the arrays (research files of this layout reach gigabytes). When the arrays come
//!   before the post's `id` (not so in CHECKED), their elements are held until the id is
//!   read. A bad element is one rejection naming the array, its index and byte offset.
//! * An element whose `user_id` is empty, null or an anonymised placeholder (CHECKED gives
//!   98 % of its reposts `d41d8cd98f00b204e9800998ecf8427e`, the MD5 of "") is kept as a
//!   post without an author (counted in the file report's `without_author`); a missing
//!   `user_id` key is still a rejection.
//! * Accepted key spellings: `id`/`mid`, `user_id`/`uid`, `date`/`created_at`/
//!   `publish_time`/`time`, `text`/`content`, `pic_url`/`pics`/`pic_urls`.

use super::json::parse;
use super::util::{clean_id, head_shape, reject_malformed, Outcome};
use super::weibo::{push_media, text_entities, Fields, JsonFields, PLATFORM};
use super::Format;
use crate::ingest::CnClock;
use crate::records::{Action, Event, JsonScanner, Seg};
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::cell::Cell;
use std::io::BufRead;

pub(crate) struct WeiboNested;

const ID_KEYS: [&str; 2] = ["id", "mid"];
const USER_KEYS: [&str; 2] = ["user_id", "uid"];
const TIME_KEYS: [&str; 4] = ["date", "created_at", "publish_time", "time"];
const TEXT_KEYS: [&str; 2] = ["text", "content"];
const PIC_KEYS: [&str; 3] = ["pic_url", "pics", "pic_urls"];
const VIDEO_KEYS: [&str; 1] = ["video_url"];

/// True if `k` is one of the nested arrays, and which.
fn array_kind(k: &Seg) -> Option<Kind> {
    if k.is("comments") {
        Some(Kind::Comment)
    } else if k.is("reposts") {
        Some(Kind::Repost)
    } else {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Comment,
    Repost,
}

impl Kind {
    fn array(self) -> &'static str {
        match self {
            Kind::Comment => "comments",
            Kind::Repost => "reposts",
        }
    }
}

impl Format for WeiboNested {
    fn name(&self) -> &'static str {
        "weibo-nested"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        (s.has("comments") || s.has("reposts"))
            && USER_KEYS.iter().any(|k| s.has(k))
            && TIME_KEYS.iter().any(|k| s.has(k))
            && ID_KEYS.iter().any(|k| s.has(k))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let clock = ingest.cn_clock()?;
        let max = ingest.options().max_record();
        let io_err = |ingest: &Ingest, source| IngestError::Io {
            path: ingest.current_file().into(),
            source,
        };
        // A top-level array holds posts; otherwise each top-level value is one.
        let depth = {
            let head = input.fill_buf().map_err(|e| io_err(ingest, e))?;
            let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
            match head.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'[') => 1,
                _ => 0,
            }
        };
        let roots = Cell::new(0u64);
        let mut select = |p: &[Seg]| {
            if p.len() < depth {
                return Action::Descend;
            }
            if p.len() == depth {
                roots.set(roots.get() + 1);
                return Action::Descend;
            }
            if p.len() == depth + 1 {
                return if array_kind(&p[depth]).is_some() {
                    Action::Descend
                } else {
                    Action::Capture
                };
            }
            if p.len() == depth + 2
                && array_kind(&p[depth]).is_some()
                && matches!(p[depth + 1], Seg::Index(_))
            {
                return Action::Capture;
            }
            Action::Skip
        };
        let mut sc = JsonScanner::new(input, max);
        let mut root = Root::default();
        let mut post = PostRecord::default();
        loop {
            let ev = sc.next_event(&mut select).map_err(|e| io_err(ingest, e))?;
            let Some(ev) = ev else { break };
            let now = roots.get();
            if now != root.number {
                root.flush(ingest, &clock, &mut post)?;
                root = Root {
                    number: now,
                    ..Root::default()
                };
            }
            match ev {
                Event::Value {
                    path,
                    bytes,
                    line,
                    offset,
                } => {
                    if root.line == 0 {
                        root.line = line;
                    }
                    match &path[depth..] {
                        [Seg::Key(k)] => root.member(k, bytes),
                        [k, Seg::Index(i)] => {
                            let Some(kind) = array_kind(k) else { continue };
                            let child = Child {
                                kind,
                                index: *i,
                                line,
                                offset,
                            };
                            match &root.id {
                                Some(id) => {
                                    let id = id.clone();
                                    child.read(&id, bytes, ingest, &clock, &mut post)?;
                                }
                                None => root.pending.push((child, bytes.to_vec())),
                            }
                        }
                        _ => {}
                    }
                    if root.id.is_some() && !root.pending.is_empty() {
                        root.drain(ingest, &clock, &mut post)?;
                    }
                }
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
                Event::Error(e) => reject_malformed(ingest, ("JSON", "file"), &e)?,
            }
        }
        root.flush(ingest, &clock, &mut post)
    }
}

/// The post being read: its own members as they come, and elements of its arrays that
/// came before its id.
#[derive(Default)]
struct Root {
    number: u64,
    line: u64,
    id: Option<String>,
    /// The post's scalar members (and small lists such as `pic_url`), as JSON.
    members: serde_json::Map<String, Value>,
    pending: Vec<(Child, Vec<u8>)>,
    bad: Option<String>,
}

impl Root {
    fn member(&mut self, key: &[u8], bytes: &[u8]) {
        let Ok(key) = std::str::from_utf8(key) else {
            return;
        };
        let wanted = [
            &ID_KEYS[..],
            &USER_KEYS,
            &TIME_KEYS,
            &TEXT_KEYS,
            &PIC_KEYS,
            &VIDEO_KEYS,
        ]
        .iter()
        .any(|names| names.contains(&key));
        if !wanted {
            return;
        }
        match parse(bytes) {
            Ok(v) => {
                if ID_KEYS.contains(&key) && self.id.is_none() {
                    match super::json::id_value(&v) {
                        Some(id) => match clean_id(&id, "id") {
                            Ok(id) => self.id = Some(id.to_string()),
                            Err(e) => self.bad = Some(e),
                        },
                        None => {
                            self.bad = Some(format!("'{key}' should be a string or an integer"))
                        }
                    }
                }
                self.members.insert(key.to_string(), v);
            }
            Err(e) => self.bad = Some(format!("member '{key}': {e}")),
        }
    }

    /// Read the elements held back until the id came.
    fn drain(
        &mut self,
        ingest: &mut Ingest,
        clock: &CnClock,
        post: &mut PostRecord,
    ) -> Result<(), IngestError> {
        let Some(id) = self.id.clone() else {
            return Ok(());
        };
        for (child, bytes) in std::mem::take(&mut self.pending) {
            child.read(&id, &bytes, ingest, clock, post)?;
        }
        Ok(())
    }

    /// Emit the post itself (and reject what waited for an id that never came).
    fn flush(
        &mut self,
        ingest: &mut Ingest,
        clock: &CnClock,
        post: &mut PostRecord,
    ) -> Result<(), IngestError> {
        if self.members.is_empty() && self.pending.is_empty() && self.bad.is_none() {
            return Ok(());
        }
        let raw = serde_json::to_vec(&self.members).unwrap_or_default();
        let line = self.line.max(1);
        let v = Value::Object(std::mem::take(&mut self.members));
        let res = match self.bad.take() {
            Some(e) => Err(e),
            None => fill(&v, clock, post),
        };
        match res {
            Ok(()) => ingest.accept(post),
            Err(r) => ingest.reject(line, format!("post: {r}"), &raw)?,
        }
        if self.id.is_none() {
            for (child, bytes) in std::mem::take(&mut self.pending) {
                ingest.reject(
                    child.line,
                    format!(
                        "{}[{}] at byte offset {}: its post has no id",
                        child.kind.array(),
                        child.index,
                        child.offset
                    ),
                    &bytes,
                )?;
            }
        }
        Ok(())
    }
}

/// Where an element of `comments` or `reposts` is.
struct Child {
    kind: Kind,
    index: u64,
    line: u64,
    offset: u64,
}

impl Child {
    fn read(
        &self,
        root_id: &str,
        bytes: &[u8],
        ingest: &mut Ingest,
        clock: &CnClock,
        post: &mut PostRecord,
    ) -> Result<(), IngestError> {
        let res = parse(bytes).and_then(|v| {
            if !v.is_object() {
                return Err("should be a JSON object".into());
            }
            fill(&v, clock, post)?;
            match self.kind {
                Kind::Comment => post.reply_to = Some(root_id.to_string()),
                Kind::Repost => post.repost_of = Some(root_id.to_string()),
            }
            Ok(Outcome::Post)
        });
        match res {
            Ok(_) => ingest.accept(post),
            Err(r) => ingest.reject(
                self.line,
                format!(
                    "{}[{}] of post {root_id} at byte offset {}: {r}",
                    self.kind.array(),
                    self.index,
                    self.offset
                ),
                bytes,
            )?,
        }
        Ok(())
    }
}

/// The first of `keys` present in `v`, as a field source.
fn first<'a>(v: &Value, keys: &'a [&'a str]) -> &'a str {
    keys.iter()
        .copied()
        .find(|k| super::json::get(v, k).is_some())
        .unwrap_or(keys[0])
}

/// Fill a post (the root or an element) from its members.
fn fill(v: &Value, clock: &CnClock, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    let keys = [
        first(v, &ID_KEYS),
        first(v, &USER_KEYS),
        first(v, &TIME_KEYS),
        first(v, &TEXT_KEYS),
        first(v, &PIC_KEYS),
        first(v, &VIDEO_KEYS),
    ];
    let f = JsonFields { v, keys: &keys };
    let id = f.get(0)?.ok_or("missing id")?;
    post.id.push_str(clean_id(&id, "id")?);
    match f.get(1)? {
        Some(user) if !user.trim().is_empty() => {
            post.author_id.push_str(clean_id(&user, "user_id")?)
        }
        // Present but empty or null: an anonymised author. The post is kept without one
        // (as is the MD5-of-nothing placeholder CHECKED writes; see PostTable::has_author).
        _ if v.get(keys[1]).is_some() => {}
        _ => return Err("missing user_id".into()),
    }
    let t = f.get(2)?.ok_or("missing date")?;
    (post.time_ms, post.time_precision) = clock.parse(&t)?;
    if let Some(text) = f.raw(3)? {
        post.text.push_str(&text);
    }
    let mut media = Vec::new();
    f.list(4, &mut media)?;
    if let Some(vid) = f.get(5)? {
        media.push(vid.into_owned());
    }
    push_media(post, &media);
    text_entities(post);
    Ok(())
}
