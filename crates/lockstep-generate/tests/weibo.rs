//! The `weibo` scenario: file formats exactly as the crawlers and CHECKED write them, every
//! label present, chains well formed, and the planted and organic structures visible in
//! the data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lockstep_generate::{
    generate, weibo_bid, weibo_mid_of_bid, GenerateOptions, GenerateSummary, CHECKED_DIR,
    SEED_ACCOUNTS_CSV, TRUTH_CHECKED_CSV, TRUTH_CSV, TRUTH_EVENTS_CSV, TRUTH_POSTS_CSV,
    TRUTH_SEARCH_CSV, WEIBO_KEYWORDS, WEIBO_SEARCH_CSV, WEIBO_SEARCH_HEADER,
};
use serde_json::Value;

fn run(dir: &Path, seed: u64, scale: f64) -> GenerateSummary {
    generate(&GenerateOptions {
        scenario: "weibo".to_string(),
        seed,
        scale,
        out_dir: dir.to_path_buf(),
    })
    .expect("generate weibo")
}

/// One generated world shared by the read-only tests (scale 0.1, seed 7).
fn world() -> &'static (tempfile::TempDir, GenerateSummary) {
    static WORLD: std::sync::OnceLock<(tempfile::TempDir, GenerateSummary)> =
        std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = run(dir.path(), 7, 0.1);
        (dir, s)
    })
}

type Row = BTreeMap<String, String>;

fn search_rows(dir: &Path) -> Vec<Row> {
    let bytes = std::fs::read(dir.join(WEIBO_SEARCH_CSV)).expect("read weibo-search.csv");
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "UTF-8 BOM");
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(&bytes[3..]);
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, WEIBO_SEARCH_HEADER.to_vec());
    rdr.records()
        .map(|r| {
            let r = r.expect("record with 21 cells");
            assert_eq!(r.len(), 21);
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn checked_files(dir: &Path) -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for sub in ["real_news", "fake_news"] {
        let d = dir.join(CHECKED_DIR).join(sub);
        let mut names: Vec<PathBuf> = std::fs::read_dir(&d)
            .expect("checked subdirectory")
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        for p in names {
            let text = std::fs::read_to_string(&p).expect("read json");
            let v: Value = serde_json::from_str(&text).expect("valid JSON");
            out.push((p, v));
        }
    }
    out
}

fn read_pairs(path: &Path) -> Vec<(String, String)> {
    let mut rdr = csv::Reader::from_path(path).expect("open");
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            (r[0].to_string(), r[1].to_string())
        })
        .collect()
}

fn is_minute(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
        && ("2025-08-01 08:00".."2025-08-05 08:00").contains(&s)
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn minutes(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().expect("digits");
    ((n(8, 10) * 24 + n(11, 13)) * 60) + n(14, 16)
}

/// Every `//@nick:` link of a text, in order.
fn chain_links(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("//@") {
        let after = &rest[i + 3..];
        let colon = after.find(':').expect("a //@ link has a colon");
        let nick = &after[..colon];
        let body = &after[colon + 1..];
        let next = body.find("//@").unwrap_or(body.len());
        out.push((nick.to_string(), body[..next].to_string()));
        rest = &body[next..];
        if next == body.len() {
            break;
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let c = tempfile::tempdir().expect("tempdir");
    run(a.path(), 3, 0.05);
    run(b.path(), 3, 0.05);
    run(c.path(), 4, 0.05);
    let listing = |d: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        let mut m = BTreeMap::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).expect("dir") {
                let e = e.expect("entry").path();
                if e.is_dir() {
                    stack.push(e);
                } else {
                    let rel = e.strip_prefix(d).expect("prefix").to_path_buf();
                    m.insert(rel, std::fs::read(&e).expect("read"));
                }
            }
        }
        m
    };
    let (x, y, z) = (listing(a.path()), listing(b.path()), listing(c.path()));
    assert!(x.len() > 10);
    assert!(x == y, "identical runs differ");
    assert!(x.get(Path::new(WEIBO_SEARCH_CSV)) != z.get(Path::new(WEIBO_SEARCH_CSV)));
    assert!(x.keys().collect::<Vec<_>>() != z.keys().collect::<Vec<_>>());
}

#[test]
fn search_csv_is_dataabc_weibo_search() {
    let (dir, summary) = world();
    let rows = search_rows(dir.path());
    assert!(rows.len() > 2_000, "{} rows", rows.len());
    let mut ids = BTreeSet::new();
    let originals: BTreeMap<&str, &Row> = rows
        .iter()
        .filter(|r| r["retweet_id"].is_empty())
        .map(|r| (r["id"].as_str(), r))
        .collect();
    let mut emitted = BTreeSet::new();
    for r in &rows {
        let id = &r["id"];
        assert!(ids.insert(id.clone()), "id {id} twice");
        assert_eq!(id.len(), 16, "{id}");
        let mid: u64 = id.parse().expect("numeric mid");
        assert_eq!(r["bid"], weibo_bid(mid));
        assert_eq!(weibo_mid_of_bid(&r["bid"]), Some(mid));
        assert_eq!(r["user_id"].len(), 10);
        assert!(r["user_id"].bytes().all(|b| b.is_ascii_digit()));
        assert!(!r["用户昵称"].is_empty());
        assert!(is_minute(&r["发布时间"]), "{}", r["发布时间"]);
        assert!(!r["微博正文"].contains(' '), "weibo-search strips spaces");
        for list in ["艾特用户", "话题", "微博图片url"] {
            assert!(
                !r[list].starts_with('[') && !r[list].contains(", "),
                "{}",
                r[list]
            );
        }
        for topic in r["话题"].split(',').filter(|t| !t.is_empty()) {
            assert!(r["微博正文"].contains(&format!("#{topic}#")), "{topic}");
        }
        for nick in r["艾特用户"].split(',').filter(|t| !t.is_empty()) {
            assert!(r["微博正文"].contains(&format!("@{nick}")), "{nick}");
        }
        assert!(
            ["普通用户", "黄V", "蓝V", "红V", "金V"].contains(&r["user_authentication"].as_str())
        );
        let rt = &r["retweet_id"];
        if rt.is_empty() {
            assert!(
                WEIBO_KEYWORDS.iter().any(|k| r["微博正文"].contains(k)),
                "search original without a crawl keyword: {}",
                r["微博正文"]
            );
            if !r["微博图片url"].is_empty() {
                assert!(r["微博图片url"]
                    .split(',')
                    .all(|u| u.starts_with("https://wx")));
            }
        } else {
            let orig = originals
                .get(rt.as_str())
                .expect("the original has its own row");
            assert!(emitted.contains(rt), "the original comes before its repost");
            assert!(orig["发布时间"] <= r["发布时间"]);
            assert!(r["微博图片url"].is_empty());
        }
        emitted.insert(id.clone());
    }
    // Crawl order: originals are often written out of time order (just before a repost).
    let out_of_order = rows
        .windows(2)
        .filter(|w| w[0]["发布时间"] < w[1]["发布时间"] && w[1]["retweet_id"].is_empty())
        .count();
    assert!(out_of_order > 0);
    assert!(summary.posts > rows.len() as u64);
}

#[test]
fn checked_files_are_checked_style() {
    let (dir, _) = world();
    let files = checked_files(dir.path());
    assert!(files.len() >= 15, "{} files", files.len());
    let root_keys = [
        "label",
        "id",
        "date",
        "user_id",
        "text",
        "pic_url",
        "video_url",
        "comment_num",
        "repost_num",
        "like_num",
        "comments",
        "reposts",
    ];
    let mut fake = 0;
    let mut ids = BTreeSet::new();
    for (path, v) in &files {
        let text = std::fs::read_to_string(path).expect("read");
        assert!(text.starts_with("{\"label\": \""), "Python separators");
        let obj = v.as_object().expect("object");
        assert_eq!(
            obj.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            root_keys.iter().copied().collect::<BTreeSet<_>>()
        );
        // In CHECKED's key order.
        let at: Vec<usize> = root_keys
            .iter()
            .map(|k| text.find(&format!("\"{k}\": ")).expect("key"))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "key order");
        let id = v["id"].as_str().expect("id");
        assert!(is_hex32(id));
        assert_eq!(path.file_stem().and_then(|s| s.to_str()), Some(id));
        let label = v["label"].as_str().expect("label");
        assert!(label == "real" || label == "fake");
        assert!(path
            .parent()
            .is_some_and(|p| p.ends_with(format!("{label}_news"))));
        fake += usize::from(label == "fake");
        assert!(is_hex32(v["user_id"].as_str().expect("user_id")));
        assert!(is_minute(v["date"].as_str().expect("date")));
        assert!(v["pic_url"].is_array());
        assert!(v["video_url"].is_string());
        let comments = v["comments"].as_array().expect("comments");
        let reposts = v["reposts"].as_array().expect("reposts");
        let num = |k: &str| -> usize {
            v[k].as_str()
                .expect("counts are strings")
                .parse()
                .expect("digits")
        };
        assert!(num("comment_num") >= comments.len());
        assert!(num("repost_num") >= reposts.len());
        num("like_num");
        assert!(ids.insert(id.to_string()));
        for (list, pic_is_list) in [(comments, false), (reposts, true)] {
            for c in list {
                let o = c.as_object().expect("object");
                assert_eq!(
                    o.keys().map(String::as_str).collect::<BTreeSet<_>>(),
                    ["id", "date", "user_id", "text", "pic_url"]
                        .into_iter()
                        .collect()
                );
                assert!(is_hex32(c["id"].as_str().expect("id")));
                assert!(ids.insert(c["id"].as_str().unwrap_or("").to_string()));
                assert!(is_hex32(c["user_id"].as_str().expect("user_id")));
                let date = c["date"].as_str().expect("date");
                assert!(is_minute(date) && date >= v["date"].as_str().unwrap_or(""));
                assert!(c["text"].is_string());
                assert_eq!(c["pic_url"].is_array(), pic_is_list);
                assert_eq!(c["pic_url"].is_string(), !pic_is_list);
            }
        }
        // Reposts newest first.
        let dates: Vec<&str> = reposts.iter().filter_map(|r| r["date"].as_str()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    }
    assert!(fake >= 1 || files.len() < 20);
}

#[test]
fn truth_covers_every_author_with_every_label() {
    let (dir, summary) = world();
    let d = dir.path();
    let truth = read_pairs(&d.join(TRUTH_CSV));
    let search = read_pairs(&d.join(TRUTH_SEARCH_CSV));
    let checked = read_pairs(&d.join(TRUTH_CHECKED_CSV));
    assert_eq!(truth.len(), search.len() + checked.len());
    assert_eq!(truth.len() as u64, summary.accounts);
    let labels: BTreeSet<&str> = truth.iter().map(|(_, l)| l.as_str()).collect();
    for l in [
        "organic",
        "organic:state_media",
        "organic:fan_club",
        "organic:comment_thread",
        "organic:state_echo",
        "organic:generic_comment",
        "organic:news_burst",
        "organic:viral_cascade",
        "boost_ring_1",
        "copypaste_group_1",
        "hashtag_push_1",
        "reply_swarm_1",
    ] {
        assert!(labels.contains(l), "label {l} missing: {labels:?}");
    }
    let campaign = |l: &str| l != "organic" && !l.starts_with("organic:");
    assert_eq!(
        truth.iter().filter(|(_, l)| campaign(l)).count() as u64,
        summary.campaign_accounts
    );
    // Authors in the data and truth rows are the same sets.
    let mut authors: BTreeSet<String> = search_rows(d)
        .iter()
        .map(|r| r["user_id"].clone())
        .collect();
    assert_eq!(
        authors,
        search
            .iter()
            .map(|(a, _)| a.clone())
            .collect::<BTreeSet<_>>()
    );
    authors.clear();
    for (_, v) in checked_files(d) {
        authors.insert(v["user_id"].as_str().unwrap_or("").to_string());
        for list in ["comments", "reposts"] {
            for c in v[list].as_array().into_iter().flatten() {
                authors.insert(c["user_id"].as_str().unwrap_or("").to_string());
            }
        }
    }
    assert_eq!(
        authors,
        checked
            .iter()
            .map(|(a, _)| a.clone())
            .collect::<BTreeSet<_>>()
    );
    // The parts live in their own id spaces.
    assert!(search.iter().all(|(a, _)| a.len() == 10));
    assert!(checked.iter().all(|(a, _)| is_hex32(a)));
    // Each campaign account in the data has planted posts in the truth.
    let posts = read_pairs(&d.join(TRUTH_POSTS_CSV));
    let planted_ids: BTreeSet<&str> = posts.iter().map(|(p, _)| p.as_str()).collect();
    assert!(planted_ids.len() > 200);
    let seeds = read_pairs(&d.join(SEED_ACCOUNTS_CSV));
    let by_id: BTreeMap<&str, &str> = truth
        .iter()
        .map(|(a, l)| (a.as_str(), l.as_str()))
        .collect();
    assert!(seeds.len() >= 4);
    for (id, _) in &seeds {
        assert_eq!(by_id.get(id.as_str()), Some(&"organic:state_media"));
    }
    let events = read_pairs(&d.join(TRUTH_EVENTS_CSV));
    for e in [
        "news_burst:1",
        "viral_cascade:1",
        "campaign_start:boost_ring_1",
        "campaign_start:copypaste_group_1",
        "campaign_start:hashtag_push_1",
        "campaign_start:reply_swarm_1",
    ] {
        assert!(events.iter().any(|(n, _)| n == e), "event {e}");
    }
}

#[test]
fn repost_chains_are_well_formed() {
    let (dir, _) = world();
    let rows = search_rows(dir.path());
    // weibo-search: the first link names the author of another repost of the same original,
    // and carries that repost's text (cut at a link when long).
    let mut by_original: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        if !r["retweet_id"].is_empty() {
            by_original.entry(&r["retweet_id"]).or_default().push(r);
        }
    }
    let mut chained = 0;
    for r in &rows {
        let text = &r["微博正文"];
        if !text.contains("//@") {
            continue;
        }
        assert!(!r["retweet_id"].is_empty(), "only reposts carry chains");
        chained += 1;
        let links = chain_links(text);
        assert!(!links.is_empty() && links.len() <= 5, "{text}");
        for (nick, _) in &links {
            assert!(!nick.is_empty() && !nick.contains([' ', ',', '@', '/', '#']));
        }
        let (nick, _) = &links[0];
        let parent_text = &text[text.find("//@").unwrap_or(0) + 3 + nick.len() + 1..];
        let siblings = &by_original[r["retweet_id"].as_str()];
        assert!(
            siblings.iter().any(|p| &p["用户昵称"] == nick
                && p["微博正文"].starts_with(parent_text)
                && p["发布时间"] <= r["发布时间"]),
            "no parent repost for {text}"
        );
    }
    assert!(chained > 50, "{chained}");
    // CHECKED: links well formed too.
    let mut n = 0;
    for (_, v) in checked_files(dir.path()) {
        for c in v["reposts"].as_array().into_iter().flatten() {
            let t = c["text"].as_str().unwrap_or("");
            if t.contains("//@") {
                n += 1;
                let links = chain_links(t);
                assert!(!links.is_empty() && links.len() <= 5, "{t}");
            }
        }
        for c in v["comments"].as_array().into_iter().flatten() {
            assert!(!c["text"].as_str().unwrap_or("").contains("//@"));
        }
    }
    assert!(n > 50, "{n}");
}

#[test]
fn reposts_and_comments_read_like_weibo() {
    let (dir, _) = world();
    let mut texts: Vec<String> = Vec::new();
    let mut per_account_post: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (_, v) in checked_files(dir.path()) {
        let root = v["id"].as_str().unwrap_or("").to_string();
        for list in ["comments", "reposts"] {
            for c in v[list].as_array().into_iter().flatten() {
                texts.push(c["text"].as_str().unwrap_or("").to_string());
                *per_account_post
                    .entry((
                        root.clone(),
                        c["user_id"].as_str().unwrap_or("").to_string(),
                    ))
                    .or_insert(0) += 1;
            }
        }
    }
    for r in search_rows(dir.path()) {
        if !r["retweet_id"].is_empty() {
            texts.push(r["微博正文"].clone());
        }
    }
    let n = texts.len() as f64;
    let share = |f: &dyn Fn(&str) -> bool| texts.iter().filter(|t| f(t)).count() as f64 / n;
    let empty = share(&|t| t.is_empty());
    let default = share(&|t| t.starts_with("转发微博") || t == "轉發微博");
    assert!((0.3..0.5).contains(&empty), "empty {empty}");
    assert!((0.015..0.06).contains(&default), "default {default}");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &texts {
        *counts.entry(t.as_str()).or_insert(0) += 1;
    }
    let mut top: Vec<(&str, usize)> = counts.into_iter().collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    assert_eq!(top[0].0, "");
    assert!(
        top[1..6].iter().any(|(t, _)| *t == "[哈哈]"),
        "{:?}",
        &top[..6]
    );
    // One account often acts several times on one post.
    let repeated = per_account_post.values().filter(|&&k| k >= 3).count();
    assert!(repeated > 100, "{repeated}");
}

#[test]
fn planted_campaigns_leave_their_marks() {
    let (dir, _) = world();
    let d = dir.path();
    let truth: BTreeMap<String, String> = read_pairs(&d.join(TRUTH_CSV)).into_iter().collect();
    let label = |id: &str| truth.get(id).map_or("?", String::as_str);
    let rows = search_rows(d);

    // Boost ring: batch-registered (runs of close ids) and co-reposting popular originals
    // within two minutes, many times, in both parts.
    let mut uids: Vec<u64> = rows
        .iter()
        .filter(|r| label(&r["user_id"]) == "boost_ring_1")
        .filter_map(|r| r["user_id"].parse().ok())
        .collect::<BTreeSet<u64>>()
        .into_iter()
        .collect();
    uids.sort_unstable();
    let close = uids.windows(2).filter(|w| w[1] - w[0] <= 6).count();
    assert!(close * 10 >= uids.len() * 7, "{close} of {}", uids.len());
    let mut rounds = 0;
    let mut by_orig: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for r in &rows {
        if label(&r["user_id"]) == "boost_ring_1" && !r["retweet_id"].is_empty() {
            by_orig
                .entry(&r["retweet_id"])
                .or_default()
                .push(minutes(&r["发布时间"]));
        }
    }
    for times in by_orig.values_mut() {
        times.sort_unstable();
        if times.windows(5).any(|w| w[4] - w[0] <= 2) {
            rounds += 1;
        }
    }
    assert!(rounds >= 8, "search boost rounds {rounds}");
    let files = checked_files(d);
    let count_bursts = |who: &str, list: &str, span: i64| {
        files
            .iter()
            .filter(|(_, v)| {
                let mut t: Vec<i64> = v[list]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|c| label(c["user_id"].as_str().unwrap_or("")) == who)
                    .map(|c| minutes(c["date"].as_str().unwrap_or("2025-08-01 00:00")))
                    .collect();
                t.sort_unstable();
                t.windows(5).any(|w| w[4] - w[0] <= span)
            })
            .count()
    };
    assert!(count_bursts("boost_ring_1", "reposts", 2) >= 8);
    assert!(count_bursts("reply_swarm_1", "comments", 3) >= 3);
    // The fan club: bursts on each star post, repeated acts.
    assert!(count_bursts("organic:fan_club", "reposts", 5) >= 3);

    // Copy-paste group: long near-identical texts in rounds; hashtag push: topic sets in
    // rounds.
    let posts_of = |who: &str| -> Vec<&Row> {
        rows.iter()
            .filter(|r| r["retweet_id"].is_empty() && label(&r["user_id"]) == who)
            .collect()
    };
    let copies = posts_of("copypaste_group_1");
    assert!(
        copies
            .iter()
            .filter(|r| r["微博正文"].chars().count() > 80)
            .count()
            >= 60
    );
    let distinct: BTreeSet<&str> = copies.iter().map(|r| r["微博正文"].as_str()).collect();
    assert!(
        distinct.len() * 2 > copies.len(),
        "edits make most copies distinct"
    );
    let pushes = posts_of("hashtag_push_1");
    let mut by_topics: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for r in &pushes {
        by_topics
            .entry(&r["话题"])
            .or_default()
            .push(minutes(&r["发布时间"]));
    }
    let push_rounds: usize = by_topics
        .values_mut()
        .map(|t| {
            t.sort_unstable();
            t.windows(5).filter(|w| w[4] - w[0] <= 10).count().min(1)
        })
        .sum();
    assert!(push_rounds >= 3, "{push_rounds}");

    // Hard negatives: news bursts copy headlines once each; comment threads argue under one
    // post; generic commenters write 支持 and the like.
    let news = posts_of("organic:news_burst");
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_topic: BTreeMap<&str, Vec<(i64, &str)>> = BTreeMap::new();
    for r in &news {
        if r["微博正文"].contains('【') {
            *per.entry(&r["user_id"]).or_insert(0) += 1;
        }
        if !r["话题"].is_empty() {
            by_topic
                .entry(&r["话题"])
                .or_default()
                .push((minutes(&r["发布时间"]), &r["user_id"]));
        }
    }
    assert!(per.values().all(|&k| k == 1), "a headline once per account");
    let burst = by_topic.values_mut().any(|v| {
        v.sort_unstable();
        let accounts: BTreeSet<&str> = v.iter().map(|(_, a)| *a).collect();
        accounts.len() >= 12 && v[v.len() - 1].0 - v[0].0 <= 60
    });
    assert!(
        burst,
        "a news burst: many accounts, one topic, within the hour"
    );
    let mut thread = false;
    for (_, v) in &files {
        let mut c: BTreeMap<&str, usize> = BTreeMap::new();
        for x in v["comments"].as_array().into_iter().flatten() {
            let u = x["user_id"].as_str().unwrap_or("");
            if label(u) == "organic:comment_thread" {
                *c.entry(u).or_insert(0) += 1;
            }
        }
        thread |= (2..=5).contains(&c.len()) && c.values().sum::<usize>() >= 20;
    }
    assert!(thread, "a comment thread of 2-5 accounts with 20+ comments");
}

#[test]
fn scale_sets_the_volume() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = run(dir.path(), 11, 0.2);
    assert!(
        (15_000..=26_000).contains(&s.posts),
        "{} posts at scale 0.2",
        s.posts
    );
    let err = generate(&GenerateOptions {
        scenario: "weibo".to_string(),
        seed: 1,
        scale: 50.0,
        out_dir: dir.path().to_path_buf(),
    });
    assert!(err.is_err());
}
