//! Output files: `posts.csv` (coordination-network-toolkit layout), `posts.jsonl` (Twitter
//! API v1.1 tweet objects, one per line) and `truth.csv` (label per account); for the
//! realistic scenarios also `truth_posts.csv` and `truth_events.csv`, and for `h20`
//! `references.jsonl` and `seed_accounts.csv`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::accounts::Accounts;
use crate::text::{display_url, tco};
use crate::timefmt::TwitterTime;
use crate::tweet::{Body, Content, Tweet};

/// Header of `posts.csv`.
pub const CSV_HEADER: [&str; 8] = [
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
];

const BUF: usize = 1 << 20;

/// Truth of one planted post: its campaign, template and echoed reference.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    /// Label index of the campaign.
    pub label: u16,
    /// Template id (empty for posts without one, e.g. retweets).
    pub template: String,
    /// Index of the echoed reference.
    pub echo: Option<usize>,
}

/// What the writer saw of the planted posts.
#[derive(Debug, Default)]
pub(crate) struct PlantedStats {
    /// First planted post per campaign label, Unix seconds.
    pub first: BTreeMap<u16, i64>,
    /// Planted posts per hour (hour start, Unix seconds).
    pub hourly: BTreeMap<i64, u64>,
}

/// Streams posts to `posts.csv` and `posts.jsonl` (and planted-post truth, if asked).
pub(crate) struct PostWriter {
    csv: csv::Writer<File>,
    json: BufWriter<File>,
    full_text: String,
    urls: String,
    written: u64,
    /// `truth_posts.csv` and the reference URLs, for the realistic scenarios.
    truth: Option<(csv::Writer<File>, Vec<String>)>,
    stats: PlantedStats,
}

impl PostWriter {
    /// Creates both files (truncating) and writes the CSV header.
    pub(crate) fn create(csv_path: &Path, json_path: &Path) -> Result<Self> {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(BUF)
            .from_path(csv_path)
            .with_context(|| format!("creating {}", csv_path.display()))?;
        csv.write_record(CSV_HEADER)?;
        let json = BufWriter::with_capacity(
            BUF,
            File::create(json_path).with_context(|| format!("creating {}", json_path.display()))?,
        );
        Ok(Self {
            csv,
            json,
            full_text: String::new(),
            urls: String::new(),
            written: 0,
            truth: None,
            stats: PlantedStats::default(),
        })
    }

    /// Also writes `truth_posts.csv` (`post_id,template,campaign,echoes_reference`); `refs`
    /// are the reference URLs marks point into.
    pub(crate) fn with_truth_posts(mut self, path: &Path, refs: Vec<String>) -> Result<Self> {
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(BUF)
            .from_path(path)
            .with_context(|| format!("creating {}", path.display()))?;
        w.write_record(TRUTH_POSTS_HEADER)?;
        self.truth = Some((w, refs));
        Ok(self)
    }

    /// Posts written so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Writes one post to both files (and its truth row if it is a planted post).
    pub(crate) fn write(&mut self, t: &Tweet, accounts: &Accounts, marks: &[Mark]) -> Result<()> {
        let content = t.content();
        self.full_text.clear();
        let (repost_id, reply_id) = match &t.body {
            Body::Original(c) => {
                self.full_text.push_str(&c.text);
                (None, None)
            }
            Body::Reply { to_id, content, .. } => {
                self.full_text.push_str(&content.text);
                (None, Some(*to_id))
            }
            Body::Retweet(orig) => {
                self.full_text.push_str("RT @");
                self.full_text.push_str(accounts.screen_name(orig.user));
                self.full_text.push_str(": ");
                self.full_text.push_str(&content.text);
                (Some(orig.id), None)
            }
        };
        self.urls.clear();
        for (i, u) in content.urls.iter().enumerate() {
            if i > 0 {
                self.urls.push(' ');
            }
            self.urls.push_str(u);
        }

        let user = accounts.list.get(t.user as usize);
        let mut id_buf = itoa::Buffer::new();
        let mut uid_buf = itoa::Buffer::new();
        let mut rp_buf = itoa::Buffer::new();
        let mut rl_buf = itoa::Buffer::new();
        let mut ts_buf = itoa::Buffer::new();
        let record: [&[u8]; 8] = [
            id_buf.format(t.id).as_bytes(),
            user.map_or("", |u| uid_buf.format(u.id)).as_bytes(),
            user.map_or("", |u| u.screen_name.as_str()).as_bytes(),
            repost_id.map_or("", |v| rp_buf.format(v)).as_bytes(),
            reply_id.map_or("", |v| rl_buf.format(v)).as_bytes(),
            self.full_text.as_bytes(),
            ts_buf.format(t.ts).as_bytes(),
            self.urls.as_bytes(),
        ];
        self.csv.write_record(record)?;

        serde_json::to_writer(
            &mut self.json,
            &JsonTweet {
                t,
                full_text: &self.full_text,
                accounts,
            },
        )?;
        self.json.write_all(b"\n")?;
        self.written += 1;
        if t.mark > 0 {
            if let Some(m) = marks.get(t.mark as usize - 1) {
                self.stats.first.entry(m.label).or_insert(t.ts);
                *self
                    .stats
                    .hourly
                    .entry(t.ts - t.ts.rem_euclid(3600))
                    .or_insert(0) += 1;
                if let Some((w, refs)) = &mut self.truth {
                    let campaign = accounts
                        .labels
                        .get(m.label as usize)
                        .map_or("", String::as_str);
                    let echo = m.echo.and_then(|e| refs.get(e)).map_or("", String::as_str);
                    let mut id = itoa::Buffer::new();
                    w.write_record([id.format(t.id), &m.template, campaign, echo])?;
                }
            }
        }
        Ok(())
    }

    /// Flushes the files and returns what was seen of the planted posts.
    pub(crate) fn finish(mut self) -> Result<PlantedStats> {
        self.csv.flush()?;
        self.json.flush()?;
        if let Some((w, _)) = &mut self.truth {
            w.flush()?;
        }
        Ok(self.stats)
    }
}

/// Header of `truth_posts.csv`.
pub const TRUTH_POSTS_HEADER: [&str; 4] = ["post_id", "template", "campaign", "echoes_reference"];

/// Writes `truth_events.csv`: `event,time` (RFC 3339), in time order.
pub(crate) fn write_events(path: &Path, events: &[(String, i64)]) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record(["event", "time"])?;
    for (name, ts) in events {
        w.write_record([name.as_str(), &crate::timefmt::rfc3339(*ts)])?;
    }
    w.flush()?;
    Ok(())
}

/// One line of `references.jsonl`.
#[derive(Serialize)]
struct ReferenceJson<'a> {
    url: &'a str,
    title: &'a str,
    text: String,
    source: &'a str,
    published_at: String,
}

/// Writes `references.jsonl`: one JSON object per reference article.
pub(crate) fn write_references(path: &Path, refs: &[crate::h20::Reference]) -> Result<()> {
    let mut w =
        BufWriter::new(File::create(path).with_context(|| format!("creating {}", path.display()))?);
    for r in refs {
        let source = crate::h20::OUTLETS.get(r.outlet).map_or("", |o| o.name);
        serde_json::to_writer(
            &mut w,
            &ReferenceJson {
                url: &r.url,
                title: r.title,
                text: r.text(),
                source,
                published_at: crate::timefmt::rfc3339(r.published),
            },
        )?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

/// Writes `seed_accounts.csv`: `account_id,handle,label` for the state accounts.
pub(crate) fn write_seed_accounts(
    path: &Path,
    accounts: &Accounts,
    seeds: &[(u32, &str)],
) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record(["account_id", "handle", "label"])?;
    let mut buf = itoa::Buffer::new();
    for &(i, label) in seeds {
        if let Some(a) = accounts.list.get(i as usize) {
            w.write_record([buf.format(a.id), &a.screen_name, label])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes `truth.csv`: `account_id,label`, one row per account.
pub(crate) fn write_truth(path: &Path, accounts: &Accounts) -> Result<()> {
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(BUF)
        .from_path(path)
        .with_context(|| format!("creating {}", path.display()))?;
    w.write_record(["account_id", "label"])?;
    let mut buf = itoa::Buffer::new();
    for a in &accounts.list {
        let label = accounts
            .labels
            .get(a.label as usize)
            .map_or("organic", String::as_str);
        w.write_record([buf.format(a.id), label])?;
    }
    w.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Twitter v1.1 JSON
// ---------------------------------------------------------------------------------------

/// A number serialized as a JSON string (`id_str`).
struct IdStr(u64);

impl Serialize for IdStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(itoa::Buffer::new().format(self.0))
    }
}

struct JsonTweet<'a> {
    t: &'a Tweet,
    full_text: &'a str,
    accounts: &'a Accounts,
}

impl Serialize for JsonTweet<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.t;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("created_at", &TwitterTime::new(t.ts))?;
        m.serialize_entry("id", &t.id)?;
        m.serialize_entry("id_str", &IdStr(t.id))?;
        m.serialize_entry("full_text", self.full_text)?;
        m.serialize_entry("truncated", &false)?;
        let rt_of = match &t.body {
            Body::Retweet(orig) => Some(orig.user),
            _ => None,
        };
        m.serialize_entry(
            "entities",
            &Entities {
                content: t.content(),
                rt_of,
                accounts: self.accounts,
            },
        )?;
        match &t.body {
            Body::Reply { to_id, to_user, .. } => {
                let to = self.accounts.list.get(*to_user as usize);
                m.serialize_entry("in_reply_to_status_id", to_id)?;
                m.serialize_entry("in_reply_to_status_id_str", &IdStr(*to_id))?;
                m.serialize_entry("in_reply_to_user_id", &to.map(|a| a.id))?;
                m.serialize_entry("in_reply_to_user_id_str", &to.map(|a| IdStr(a.id)))?;
                m.serialize_entry(
                    "in_reply_to_screen_name",
                    &to.map(|a| a.screen_name.as_str()),
                )?;
            }
            _ => {
                m.serialize_entry("in_reply_to_status_id", &None::<u64>)?;
                m.serialize_entry("in_reply_to_status_id_str", &None::<&str>)?;
                m.serialize_entry("in_reply_to_user_id", &None::<u64>)?;
                m.serialize_entry("in_reply_to_user_id_str", &None::<&str>)?;
                m.serialize_entry("in_reply_to_screen_name", &None::<&str>)?;
            }
        }
        m.serialize_entry(
            "user",
            &UserJson {
                accounts: self.accounts,
                user: t.user,
            },
        )?;
        if let Body::Retweet(orig) = &t.body {
            m.serialize_entry(
                "retweeted_status",
                &JsonTweet {
                    t: orig,
                    full_text: &orig.content().text,
                    accounts: self.accounts,
                },
            )?;
        }
        m.serialize_entry("is_quote_status", &false)?;
        m.serialize_entry("lang", if t.zh { "zh" } else { "en" })?;
        m.end()
    }
}

struct UserJson<'a> {
    accounts: &'a Accounts,
    user: u32,
}

impl Serialize for UserJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(a) = self.accounts.list.get(self.user as usize) {
            m.serialize_entry("id", &a.id)?;
            m.serialize_entry("id_str", &IdStr(a.id))?;
            m.serialize_entry("name", &a.name)?;
            m.serialize_entry("screen_name", &a.screen_name)?;
            m.serialize_entry("created_at", &a.created_at)?;
        }
        m.end()
    }
}

struct Entities<'a> {
    content: &'a Content,
    /// For a retweet, the retweeted account (the `RT @user:` mention comes first).
    rt_of: Option<u32>,
    accounts: &'a Accounts,
}

impl Serialize for Entities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("hashtags", &Tags(&self.content.tags))?;
        m.serialize_entry(
            "user_mentions",
            &Mentions {
                first: self.rt_of,
                rest: &self.content.mentions,
                accounts: self.accounts,
            },
        )?;
        m.serialize_entry("urls", &Urls(&self.content.urls))?;
        m.end()
    }
}

struct Tags<'a>(&'a [String]);

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for tag in self.0 {
            seq.serialize_element(&TagJson(tag))?;
        }
        seq.end()
    }
}

struct TagJson<'a>(&'a str);

impl Serialize for TagJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("text", self.0)?;
        m.end()
    }
}

struct Mentions<'a> {
    first: Option<u32>,
    rest: &'a [u32],
    accounts: &'a Accounts,
}

impl Serialize for Mentions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for u in self.first.iter().chain(self.rest.iter()) {
            if let Some(a) = self.accounts.list.get(*u as usize) {
                seq.serialize_element(&MentionJson {
                    screen_name: &a.screen_name,
                    name: &a.name,
                    id: a.id,
                })?;
            }
        }
        seq.end()
    }
}

struct MentionJson<'a> {
    screen_name: &'a str,
    name: &'a str,
    id: u64,
}

impl Serialize for MentionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("screen_name", self.screen_name)?;
        m.serialize_entry("name", self.name)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("id_str", &IdStr(self.id))?;
        m.end()
    }
}

struct Urls<'a>(&'a [String]);

impl Serialize for Urls<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for u in self.0 {
            seq.serialize_element(&UrlJson(u))?;
        }
        seq.end()
    }
}

struct UrlJson<'a>(&'a str);

impl Serialize for UrlJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("url", &tco(self.0))?;
        m.serialize_entry("expanded_url", self.0)?;
        m.serialize_entry("display_url", &display_url(self.0))?;
        m.end()
    }
}
