use crate::{TimeMs, TimePrecision};

/// What a post is, as far as coordination goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// An original post.
    #[default]
    Original,
    /// A verbatim re-share of another post (retweet, reblog, repost, forward).
    Repost,
    /// A reply to another post.
    Reply,
    /// A quote of another post with added text.
    Quote,
}

impl PostKind {
    /// Stable lower-case name, as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Original => "original",
            PostKind::Repost => "repost",
            PostKind::Reply => "reply",
            PostKind::Quote => "quote",
        }
    }
}

/// One post as a reader understood it, before interning.
///
/// Readers keep one `PostRecord` and [`clear`](PostRecord::clear) it between records, so
/// its buffers are reused instead of reallocated.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PostRecord {
    /// Platform name (`twitter`, `bluesky`, `weibo`, ... or `unknown`); ids are unique per platform.
    pub platform: String,
    /// The post's id on its platform, kept as a string.
    pub id: String,
    /// The author's account id. Empty, or a placeholder that stands for "unknown" (see
    /// [`is_placeholder_author`]), means the post has no known author: it is kept as a
    /// post but is never an account's act (see [`crate::PostTable::has_author`]).
    pub author_id: String,
    /// The author's handle or display name, if known.
    pub author_handle: String,
    /// When the author's account was created, if the input says.
    pub author_created_ms: Option<TimeMs>,
    /// When it was posted.
    pub time_ms: TimeMs,
    /// How precisely `time_ms` is known (readers of minute stamps say so).
    pub time_precision: TimePrecision,
    /// The time in Unix seconds exactly as a peer tool reads the input (Python's
    /// `float()` of the field), when that is finer than `time_ms` says: only the reader
    /// of coordination-network-toolkit's CSV sets it, only `--semantics cnt` reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_exact_s: Option<f64>,
    /// Id of the post this one re-shares verbatim.
    pub repost_of: Option<String>,
    /// Id of the post this one replies to.
    pub reply_to: Option<String>,
    /// Id of the post this one quotes.
    pub quote_of: Option<String>,
    /// The text as posted.
    pub text: String,
    /// Links in the post, as given by the input.
    pub urls: Vec<String>,
    /// Hashtags without the leading `#`.
    pub hashtags: Vec<String>,
    /// Mentioned handles without the leading `@`.
    pub mentions: Vec<String>,
    /// Media ids or content hashes.
    pub media: Vec<String>,
    /// Objects named explicitly by the input (CooRTweet's `object_id`).
    pub objects: Vec<String>,
    /// Language code, when the input gives one.
    pub lang: Option<String>,
    /// Whether the author declares the post their own original work: WeChat's 原创 mark
    /// (`copyright_stat` 1, wechat-article-exporter's `是否原创`). `Some(false)` when the
    /// input says the post carries no such declaration (a reprint, or unmarked); `None` when
    /// the input does not say. Reposts are told apart by `repost_of`, not by this flag.
    pub claims_original: Option<bool>,
}

impl PostRecord {
    /// Reset every field, keeping allocated buffers.
    pub fn clear(&mut self) {
        self.platform.clear();
        self.id.clear();
        self.author_id.clear();
        self.author_handle.clear();
        self.author_created_ms = None;
        self.time_ms = 0;
        self.time_precision = TimePrecision::default();
        self.time_exact_s = None;
        self.repost_of = None;
        self.reply_to = None;
        self.quote_of = None;
        self.text.clear();
        self.urls.clear();
        self.hashtags.clear();
        self.mentions.clear();
        self.media.clear();
        self.objects.clear();
        self.lang = None;
        self.claims_original = None;
    }

    /// The kind implied by the references present.
    pub fn kind(&self) -> PostKind {
        if self.repost_of.is_some() {
            PostKind::Repost
        } else if self.reply_to.is_some() {
            PostKind::Reply
        } else if self.quote_of.is_some() {
            PostKind::Quote
        } else {
            PostKind::Original
        }
    }
}

/// One post borrowed from the input: the fields of a [`PostRecord`] as `&str`s and
/// slices, so a reader that has parsed a record in place stores it
/// ([`crate::PostBatch::push_ref`]) without copying each field into a record first.
/// `S` is what the lists hold: `&str` from a reader, `String` from a [`PostRecord`]
/// ([`PostRecord::as_ref`]). Fields mean what [`PostRecord`]'s do.
#[derive(Clone, Copy, Debug)]
pub struct PostRef<'a, S = String> {
    pub platform: &'a str,
    pub id: &'a str,
    pub author_id: &'a str,
    pub author_handle: &'a str,
    pub author_created_ms: Option<TimeMs>,
    pub time_ms: TimeMs,
    pub time_precision: TimePrecision,
    pub time_exact_s: Option<f64>,
    pub repost_of: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub quote_of: Option<&'a str>,
    pub text: &'a str,
    pub urls: &'a [S],
    pub hashtags: &'a [S],
    pub mentions: &'a [S],
    pub media: &'a [S],
    pub objects: &'a [S],
    pub lang: Option<&'a str>,
    pub claims_original: Option<bool>,
}

impl PostRecord {
    /// The record, borrowed.
    pub fn as_ref(&self) -> PostRef<'_> {
        PostRef {
            platform: &self.platform,
            id: &self.id,
            author_id: &self.author_id,
            author_handle: &self.author_handle,
            author_created_ms: self.author_created_ms,
            time_ms: self.time_ms,
            time_precision: self.time_precision,
            time_exact_s: self.time_exact_s,
            repost_of: self.repost_of.as_deref(),
            reply_to: self.reply_to.as_deref(),
            quote_of: self.quote_of.as_deref(),
            text: &self.text,
            urls: &self.urls,
            hashtags: &self.hashtags,
            mentions: &self.mentions,
            media: &self.media,
            objects: &self.objects,
            lang: self.lang.as_deref(),
            claims_original: self.claims_original,
        }
    }
}

/// Hashes of the empty string that anonymised corpora write where the author is unknown:
/// CHECKED gives 98 % of its reposts the author `d41d8cd98f00b204e9800998ecf8427e` (the MD5 of
/// ""); SHA-1 and SHA-256 of "" are the same mistake with other hashes.
pub const PLACEHOLDER_AUTHORS: [&str; 3] = [
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];

/// True when an author id means "no author": empty (or only white space) or one of
/// [`PLACEHOLDER_AUTHORS`] (any letter case).
pub fn is_placeholder_author(id: &str) -> bool {
    let id = id.trim();
    id.is_empty()
        || PLACEHOLDER_AUTHORS
            .iter()
            .any(|h| id.eq_ignore_ascii_case(h))
}
