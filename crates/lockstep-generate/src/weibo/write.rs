//! Writing the world: mids for every post, `weibo-search.csv` in crawl order, one
//! CHECKED-style JSON file per checked root, and the truth files.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context as _, Result};
use rand::Rng;
use serde::Serialize;

use super::cascade::Act;
use super::ids::{bid, hashed, mid, MIDS_PER_SECOND};
use super::plan::{Part, World, AUTH, DEVICES, FIRST_CAMPAIGN, PROVINCES};
use crate::sampling::{between, unit};
use crate::timefmt::{rfc3339, utc_fields};

/// Header of `weibo-search.csv` (dataabc/weibo-search, 21 columns).
pub const WEIBO_SEARCH_HEADER: [&str; 21] = [
    "id",
    "bid",
    "user_id",
    "用户昵称",
    "微博正文",
    "头条文章url",
    "发布位置",
    "艾特用户",
    "话题",
    "转发数",
    "评论数",
    "点赞数",
    "发布时间",
    "发布工具",
    "微博图片url",
    "微博视频url",
    "retweet_id",
    "ip",
    "user_authentication",
    "会员类型",
    "会员等级",
];

/// Beijing time at minute precision, `%Y-%m-%d %H:%M`, as weibo-search and CHECKED write it.
pub(crate) fn beijing_minute(ts: i64) -> String {
    let (y, m, d, hh, mm, _, _) = utc_fields(ts + 8 * 3600);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}")
}

/// A count as Weibo's search page shows it: `1.2万` from ten thousand, `10万+` from a hundred
/// thousand (weibo-search keeps what the page shows).
fn shown_count(n: u64) -> String {
    if n >= 100_000 {
        "10万+".to_string()
    } else if n >= 10_000 {
        let tenths = n / 1_000;
        if tenths.is_multiple_of(10) {
            format!("{}万", tenths / 10)
        } else {
            format!("{}.{}万", tenths / 10, tenths % 10)
        }
    } else {
        n.to_string()
    }
}

/// `@nick` mentions of a text (including `//@nick:` chain links and `回复@nick:`), in order,
/// without repeats: a nickname runs until a character that cannot be in one.
pub(crate) fn mentions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((_, c)) = it.next() {
        if c != '@' {
            continue;
        }
        let mut nick = String::new();
        while let Some(&(_, n)) = it.peek() {
            if n.is_alphanumeric() || n == '_' || n == '-' {
                nick.push(n);
                it.next();
            } else {
                break;
            }
        }
        if !nick.is_empty() && !out.contains(&nick) {
            out.push(nick);
        }
    }
    out
}

/// Weibo topics of a text: `#topic#` pairs (a `#` without its closing `#` is no topic), in
/// order, without repeats.
pub(crate) fn topics(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c != '#' {
            continue;
        }
        match open {
            Some(o) => {
                let inner = &text[o + 1..i];
                if !inner.is_empty()
                    && inner.chars().count() <= 40
                    && !inner.chars().any(char::is_whitespace)
                {
                    if !out.iter().any(|t| t == inner) {
                        out.push(inner.to_string());
                    }
                    open = None;
                } else {
                    open = Some(i);
                }
            }
            None => open = Some(i),
        }
    }
    out
}

/// Mids of every post: `root[ri]` and `acts[ri][k]`, assigned in time order.
pub(crate) struct Mids {
    /// Mid of each root.
    pub root: Vec<u64>,
    /// Mids of each root's acts.
    pub acts: Vec<Vec<u64>>,
}

/// Assigns mids by time: the posts of one second get increasing mids spread over the
/// second's range (low digits look random, as real mids' do).
pub(crate) fn assign_mids<R: Rng + ?Sized>(rng: &mut R, w: &World, acts: &[Vec<Act>]) -> Mids {
    let mut all: Vec<(i64, usize, usize)> = Vec::new();
    for (ri, r) in w.roots.iter().enumerate() {
        all.push((r.ts, ri, usize::MAX));
        for (k, a) in acts[ri].iter().enumerate() {
            all.push((a.ts, ri, k));
        }
    }
    all.sort_unstable();
    let mut mids = Mids {
        root: vec![0; w.roots.len()],
        acts: acts.iter().map(|a| vec![0; a.len()]).collect(),
    };
    let mut i = 0;
    while i < all.len() {
        let second = all[i].0;
        let n = all[i..].iter().take_while(|p| p.0 == second).count();
        let step = (MIDS_PER_SECOND / n as u64).max(1);
        for (k, &(ts, ri, j)) in all[i..i + n].iter().enumerate() {
            let seq = k as u64 * step + between(rng, 0, step as i64 - 1) as u64;
            let m = mid(ts, seq);
            if j == usize::MAX {
                mids.root[ri] = m;
            } else {
                mids.acts[ri][j] = m;
            }
        }
        i += n;
    }
    mids
}

/// One row of the search part before it is written.
struct Hit {
    ts: i64,
    mid: u64,
    root: usize,
    /// `None` for the root itself.
    act: Option<usize>,
}

/// Writes `weibo-search.csv`: UTF-8 with BOM, the 21-column header, rows in crawl order (hour
/// by hour, newest first within an hour; a repost's original is written just before it
/// unless already written; every post once). Returns the rows written and the accounts seen.
pub(crate) fn write_search<R: Rng + ?Sized>(
    rng: &mut R,
    path: &Path,
    w: &World,
    acts: &[Vec<Act>],
    mids: &Mids,
) -> Result<(u64, Vec<bool>)> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut buf = BufWriter::with_capacity(1 << 20, file);
    buf.write_all("\u{feff}".as_bytes())?;
    let mut out = csv::WriterBuilder::new().from_writer(buf);
    out.write_record(WEIBO_SEARCH_HEADER)?;

    let mut hits: Vec<Hit> = Vec::new();
    for (ri, r) in w.roots.iter().enumerate() {
        if r.part != Part::Search {
            continue;
        }
        hits.push(Hit {
            ts: r.ts,
            mid: mids.root[ri],
            root: ri,
            act: None,
        });
        for (k, a) in acts[ri].iter().enumerate() {
            if a.repost {
                hits.push(Hit {
                    ts: a.ts,
                    mid: mids.acts[ri][k],
                    root: ri,
                    act: Some(k),
                });
            }
        }
    }
    hits.sort_unstable_by(|a, b| {
        (a.ts.div_euclid(3600))
            .cmp(&b.ts.div_euclid(3600))
            .then(b.ts.cmp(&a.ts))
            .then(b.mid.cmp(&a.mid))
    });

    // Counts of the originals (reposts in the world and beyond) and of reposts' reposts.
    let mut children: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (ri, list) in acts.iter().enumerate() {
        for a in list {
            if let Some(p) = a.parent {
                *children.entry((ri, p)).or_insert(0) += 1;
            }
        }
    }
    let mut seen_root = vec![false; w.roots.len()];
    let mut seen_user = vec![false; w.accounts.len()];
    let mut rows = 0u64;
    let mut rec: Vec<String> = Vec::with_capacity(21);
    for h in &hits {
        let r = &w.roots[h.root];
        if !seen_root[h.root] {
            // The original: its own hit, or written just before its repost.
            seen_root[h.root] = true;
            let reposts = acts[h.root].iter().filter(|a| a.repost).count() as u64;
            let reposts = (reposts as f64 * (1.0 + 0.3 * unit(rng))).round() as u64;
            let comments = (reposts as f64 * (0.2 + unit(rng))).round() as u64;
            let likes =
                (reposts + comments) * between(rng, 1, 6) as u64 + between(rng, 0, 5) as u64;
            fill_row(
                &mut rec,
                w,
                r.author,
                mids.root[h.root],
                &r.text,
                &r.article,
                &r.location,
                [reposts, comments, likes],
                r.ts,
                &r.pics.join(","),
                &r.video,
                "",
            );
            out.write_record(&rec)?;
            seen_user[r.author as usize] = true;
            rows += 1;
        }
        if let Some(k) = h.act {
            let a = &acts[h.root][k];
            let reposts = children.get(&(h.root, k)).copied().unwrap_or(0);
            let likes = if unit(rng) < 0.2 {
                between(rng, 1, 5) as u64
            } else {
                0
            };
            let comments = if unit(rng) < 0.1 { 1 } else { 0 };
            fill_row(
                &mut rec,
                w,
                a.user,
                h.mid,
                &a.text,
                "",
                "",
                [reposts, comments, likes],
                a.ts,
                "",
                "",
                &mids.root[h.root].to_string(),
            );
            out.write_record(&rec)?;
            seen_user[a.user as usize] = true;
            rows += 1;
        }
    }
    let mut buf = out
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error()))?;
    buf.flush()?;
    Ok((rows, seen_user))
}

/// Fills one CSV record of the search part.
#[allow(clippy::too_many_arguments)]
fn fill_row(
    rec: &mut Vec<String>,
    w: &World,
    user: u32,
    mid: u64,
    text: &str,
    article: &str,
    location: &str,
    counts: [u64; 3],
    ts: i64,
    pics: &str,
    video: &str,
    retweet_id: &str,
) {
    rec.clear();
    let a = &w.accounts[user as usize];
    rec.push(mid.to_string());
    rec.push(bid(mid));
    rec.push(a.uid.to_string());
    rec.push(a.nick.clone());
    // weibo-search removes the spaces of the text.
    rec.push(text.replace(' ', ""));
    rec.push(article.to_string());
    rec.push(location.to_string());
    rec.push(mentions(text).join(","));
    rec.push(topics(text).join(","));
    for c in counts {
        rec.push(shown_count(c));
    }
    rec.push(beijing_minute(ts));
    rec.push(
        DEVICES
            .get(a.device as usize)
            .copied()
            .unwrap_or("")
            .to_string(),
    );
    rec.push(pics.to_string());
    rec.push(video.to_string());
    rec.push(retweet_id.to_string());
    rec.push(
        PROVINCES
            .get(a.province as usize)
            .copied()
            .unwrap_or("")
            .to_string(),
    );
    rec.push(
        AUTH.get(a.auth as usize)
            .copied()
            .unwrap_or("普通用户")
            .to_string(),
    );
    rec.push(a.vip.0.to_string());
    rec.push(a.vip.1.to_string());
}

/// Python's `json.dump` separators (`", "` and `": "`), which CHECKED's files have.
struct PySeparators;

impl serde_json::ser::Formatter for PySeparators {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

/// A CHECKED root post.
#[derive(Serialize)]
struct CheckedRoot<'a> {
    label: &'a str,
    id: String,
    date: String,
    user_id: String,
    text: &'a str,
    pic_url: &'a [String],
    video_url: &'a str,
    comment_num: String,
    repost_num: String,
    like_num: String,
    comments: Vec<CheckedComment<'a>>,
    reposts: Vec<CheckedRepost<'a>>,
}

/// A comment of a CHECKED root (its `pic_url` is a string).
#[derive(Serialize)]
struct CheckedComment<'a> {
    id: String,
    date: String,
    user_id: String,
    text: &'a str,
    pic_url: &'a str,
}

/// A repost of a CHECKED root (its `pic_url` is a list).
#[derive(Serialize)]
struct CheckedRepost<'a> {
    id: String,
    date: String,
    user_id: String,
    text: &'a str,
    pic_url: Vec<&'a str>,
}

/// Writes one JSON file per checked root into `dir/{real_news,fake_news}/<id>.json`.
/// Returns the records written (roots, comments and reposts) and the accounts seen.
pub(crate) fn write_checked<R: Rng + ?Sized>(
    rng: &mut R,
    dir: &Path,
    w: &World,
    acts: &[Vec<Act>],
    mids: &Mids,
) -> Result<(u64, Vec<bool>)> {
    for sub in ["real_news", "fake_news"] {
        std::fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("creating {}", dir.join(sub).display()))?;
    }
    let mut seen_user = vec![false; w.accounts.len()];
    let mut records = 0u64;
    let uid_hash = |u: u32| hashed(w.accounts[u as usize].uid);
    for (ri, r) in w.roots.iter().enumerate() {
        if r.part != Part::Checked {
            continue;
        }
        let list = &acts[ri];
        // Reposts newest first; comments newest first with local disorder (pages of the
        // comment API overlap), as in CHECKED.
        let mut rep: Vec<usize> = (0..list.len()).filter(|&k| list[k].repost).collect();
        rep.sort_by(|&a, &b| list[b].ts.cmp(&list[a].ts).then(b.cmp(&a)));
        let mut com: Vec<usize> = (0..list.len()).filter(|&k| !list[k].repost).collect();
        com.sort_by(|&a, &b| list[b].ts.cmp(&list[a].ts).then(b.cmp(&a)));
        for i in 1..com.len() {
            if unit(rng) < 0.1 {
                com.swap(i - 1, i);
            }
        }
        let scale = |n: usize, rng: &mut R| ((n as f64) * (1.0 + 0.35 * unit(rng))).round() as u64;
        let n_com = scale(com.len(), rng);
        let n_rep = scale(rep.len(), rng);
        let likes = (n_com + n_rep) * between(rng, 2, 8) as u64 + between(rng, 0, 50) as u64;
        let id = hashed(mids.root[ri]);
        let doc = CheckedRoot {
            label: if r.fake { "fake" } else { "real" },
            id: id.clone(),
            date: beijing_minute(r.ts),
            user_id: uid_hash(r.author),
            text: &r.text,
            pic_url: &r.pics,
            video_url: &r.video,
            comment_num: n_com.to_string(),
            repost_num: n_rep.to_string(),
            like_num: likes.to_string(),
            comments: com
                .iter()
                .map(|&k| CheckedComment {
                    id: hashed(mids.acts[ri][k]),
                    date: beijing_minute(list[k].ts),
                    user_id: uid_hash(list[k].user),
                    text: &list[k].text,
                    pic_url: &list[k].pic,
                })
                .collect(),
            reposts: rep
                .iter()
                .map(|&k| CheckedRepost {
                    id: hashed(mids.acts[ri][k]),
                    date: beijing_minute(list[k].ts),
                    user_id: uid_hash(list[k].user),
                    text: &list[k].text,
                    pic_url: if list[k].pic.is_empty() {
                        Vec::new()
                    } else {
                        vec![list[k].pic.as_str()]
                    },
                })
                .collect(),
        };
        let sub = if r.fake { "fake_news" } else { "real_news" };
        let path = dir.join(sub).join(format!("{id}.json"));
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut buf = BufWriter::new(file);
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, PySeparators);
        doc.serialize(&mut ser)?;
        buf.flush()?;
        records += 1 + list.len() as u64;
        seen_user[r.author as usize] = true;
        for a in list {
            seen_user[a.user as usize] = true;
        }
    }
    Ok((records, seen_user))
}

/// The truth rows of a part: `(account id as written, label)`, in account order.
pub(crate) fn truth_rows(w: &World, seen: &[bool], part: Part) -> Vec<(String, String)> {
    w.accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| seen.get(*i).copied().unwrap_or(false))
        .map(|(_, a)| {
            let id = match part {
                Part::Search => a.uid.to_string(),
                Part::Checked => hashed(a.uid),
            };
            (id, w.label_name(a.label).to_string())
        })
        .collect()
}

/// Writes `account_id,label` rows.
pub(crate) fn write_truth(path: &Path, rows: &[(String, String)]) -> Result<()> {
    let mut out =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    out.write_record(["account_id", "label"])?;
    for (id, label) in rows {
        out.write_record([id, label])?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `truth_posts.csv` (every planted post, in time order) and returns the first
/// planted post's time of each campaign.
pub(crate) fn write_truth_posts(
    path: &Path,
    w: &World,
    acts: &[Vec<Act>],
    mids: &Mids,
) -> Result<BTreeMap<u16, i64>> {
    let mut planted: Vec<(i64, u64, String, u32)> = Vec::new();
    let id_of = |part: Part, mid: u64| match part {
        Part::Search => mid.to_string(),
        Part::Checked => hashed(mid),
    };
    for (ri, r) in w.roots.iter().enumerate() {
        if r.mark > 0 {
            planted.push((r.ts, mids.root[ri], id_of(r.part, mids.root[ri]), r.mark));
        }
        for (k, a) in acts[ri].iter().enumerate() {
            if a.mark > 0 {
                let m = mids.acts[ri][k];
                planted.push((a.ts, m, id_of(r.part, m), a.mark));
            }
        }
    }
    planted.sort_unstable();
    let mut first: BTreeMap<u16, i64> = BTreeMap::new();
    let mut out =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    out.write_record(crate::writer::TRUTH_POSTS_HEADER)?;
    for (ts, _, id, mark) in planted {
        let Some(m) = w.marks.get(mark as usize - 1) else {
            continue;
        };
        if m.label >= FIRST_CAMPAIGN {
            first.entry(m.label).or_insert(ts);
        }
        out.write_record([id.as_str(), &m.template, w.label_name(m.label), ""])?;
    }
    out.flush()?;
    Ok(first)
}

/// Writes `truth_events.csv`: `event,time` (RFC 3339 UTC), by time then name.
pub(crate) fn write_events(path: &Path, mut events: Vec<(String, i64)>) -> Result<()> {
    events.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut out =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    out.write_record(["event", "time"])?;
    for (name, ts) in events {
        out.write_record([name.as_str(), &rfc3339(ts)])?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `seed_accounts.csv`: the state-media accounts, under each id they have in the data.
pub(crate) fn write_seeds(
    path: &Path,
    w: &World,
    seen_search: &[bool],
    seen_checked: &[bool],
) -> Result<()> {
    let mut out =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    out.write_record(["account_id", "handle", "label"])?;
    for &o in &w.outlets {
        let a = &w.accounts[o as usize];
        if seen_search.get(o as usize).copied().unwrap_or(false) {
            out.write_record([a.uid.to_string().as_str(), &a.nick, "state_media"])?;
        }
        if seen_checked.get(o as usize).copied().unwrap_or(false) {
            out.write_record([hashed(a.uid).as_str(), &a.nick, "state_media"])?;
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::COLLECTION_START;

    #[test]
    fn beijing_minutes() {
        assert_eq!(beijing_minute(COLLECTION_START), "2025-08-01 08:00");
        assert_eq!(
            beijing_minute(COLLECTION_START + 16 * 3600 + 59),
            "2025-08-02 00:00"
        );
    }

    #[test]
    fn counts_as_shown() {
        assert_eq!(shown_count(9_999), "9999");
        assert_eq!(shown_count(12_345), "1.2万");
        assert_eq!(shown_count(20_050), "2万");
        assert_eq!(shown_count(250_000), "10万+");
    }

    #[test]
    fn mentions_and_topics_are_parsed_like_weibo() {
        let t = "不安全！拒绝H20！ #芯片安全 [怒] @人民日报 //@小鱼_12:#拒绝H20#好//@用户7812345678:转发";
        assert_eq!(mentions(t), ["人民日报", "小鱼_12", "用户7812345678"]);
        assert_eq!(topics(t), ["拒绝H20"]);
        assert_eq!(topics("#a##b#x#a#"), ["a", "b"]);
        assert_eq!(
            topics("【#国家网信办约谈英伟达#】要求"),
            ["国家网信办约谈英伟达"]
        );
        assert!(topics("#没有结尾").is_empty());
    }
}
