//! The Weibo and WeChat readers on faithful reproductions of each exporter's output
//! (tests/data/cn, written by us to the field lists in the team's PLATFORMS-CN notes, with
//! each tool's quirks: BOM, CRLF, trailing tabs in ids, ragged rows, repeated headers, list
//! reprs, relative stamps), plus Excel and SQLite files built here.

mod common;
use common::*;
use lockstep_ingest::{
    detect, format_by_name, Ingest, IngestError, IngestOptions, IngestReport, InputFile, PostTable,
};
use lockstep_model::{PostKind, TimePrecision};
use std::path::{Path, PathBuf};

fn data(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cn")
        .join(p)
}

/// Read files (detected, or as `format`) with a quarantine; rejections come back parsed.
fn read(
    paths: &[PathBuf],
    format: Option<&str>,
    mut opts: IngestOptions,
) -> (PostTable, IngestReport, Vec<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("rejected.jsonl");
    opts.quarantine_path = Some(q.clone());
    let mut ingest = Ingest::new(opts);
    let f = format.map(|n| format_by_name(n).unwrap());
    for p in paths {
        ingest
            .read_file(
                &InputFile {
                    path: p.clone(),
                    display: p.display().to_string(),
                },
                f,
            )
            .unwrap();
    }
    let (t, rep) = ingest.finish().unwrap();
    let rej = std::fs::read_to_string(&q)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (t, rep, rej)
}

fn one(p: &str) -> (PostTable, IngestReport, Vec<serde_json::Value>) {
    read(&[data(p)], None, IngestOptions::default())
}

fn lines_and_reasons(rej: &[serde_json::Value]) -> Vec<(u64, String)> {
    rej.iter()
        .map(|r| {
            assert!(r["file"].as_str().is_some_and(|f| !f.is_empty()), "{r}");
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Beijing wall-clock time `YYYY-MM-DD HH:MM:SS` as Unix ms.
fn bj(s: &str) -> i64 {
    lockstep_ingest::timefmt::strptime_ms(s, "%Y-%m-%d %H:%M:%S", 8 * 3_600_000).unwrap()
}

fn tags(t: &PostTable, p: u32) -> Vec<String> {
    strs(&t.hashtags, t.hashtag_syms(p))
}

#[test]
fn weibo_search_today_and_2022_headers() {
    let (t, rep, rej) = one("weibo_search.csv");
    assert_eq!(rep.files[0].format, "weibo-search");
    assert_eq!(t.len(), 4);
    assert_eq!(
        lines_and_reasons(&rej),
        vec![(7, "empty 发布时间".to_string())]
    );
    assert!(t.platforms().eq(["weibo"]));
    let a = post(&t, "5194000000000001");
    assert_eq!(t.time(a), bj("2025-07-31 18:02:00"));
    assert_eq!(t.time_precision(a), TimePrecision::Minute);
    assert_eq!(t.account_id(t.author(a)), "1000000001");
    assert_eq!(t.account_handle(t.author(a)), Some("新闻快讯"));
    assert_eq!(tags(&t, a), ["英伟达H20芯片后门"]);
    assert_eq!(strs(&t.urls, t.url_syms(a)), ["http://t.cn/A6abcdEF"]);
    assert_eq!(
        strs(&t.media, t.media_syms(a)),
        [
            "006abcdegy1hs0a1b2c3dj30u0140abc",
            "006abcdegy1hs0a1b2c3ej30u0140abd"
        ]
    );
    // Reposts of the original, which the crawler wrote as its own row.
    let b = post(&t, "5194000012345678");
    assert_eq!(t.kind(b), PostKind::Repost);
    assert_eq!(t.ref_post(t.repost_of(b)), Some(a));
    assert_eq!(t.text(b), "转发微博");
    let c = post(&t, "5194000023456789");
    assert_eq!(
        t.text(c),
        "太离谱了，大家注意安全//@观察者小王:#英伟达H20芯片后门# 真有后门？"
    );
    assert_eq!(strs(&t.mentions, t.mention_syms(c)), ["观察者小王"]);
    // A quoted line break, two topics in the column, the article link, the video's
    // comma-holding query dropped.
    let d = post(&t, "5194000034567890");
    assert!(t.text(d).contains("就懂了\n\"后门\""), "{}", t.text(d));
    assert_eq!(tags(&t, d), ["英伟达H20芯片后门", "科技"]);
    assert_eq!(
        strs(&t.urls, t.url_syms(d)),
        ["https://weibo.com/ttarticle/p/show?id=2309405194000034567890"]
    );
    assert_eq!(
        strs(&t.media, t.media_syms(d)),
        ["http://f.video.weibocdn.com/o0/AbCdEf01lx08aBcDeF0e01041200xyz0E010.mp4"]
    );
    assert_eq!(rep.files[0].time_precision, Some(TimePrecision::Minute));
    assert_eq!(rep.files[0].precisions.minute, 4);

    let (t, rep, rej) = one("weibo_search_2022.csv");
    assert_eq!(rep.files[0].format, "weibo-search");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 3);
    let p = post(&t, "4764828906817934");
    assert_eq!(
        strs(&t.media, t.media_syms(p)),
        [
            "00686y82ly1h1ui584dplj30u0140dng",
            "00686y82ly1h1ui58f5sbj30u014011a"
        ]
    );
    let v = post(&t, "4764827170638338");
    assert_eq!(tags(&t, v), ["上海战疫", "众志成城共抗疫情", "快手"]);
    assert_eq!(strs(&t.mentions, t.mention_syms(v)), ["快手"]);
    assert_eq!(t.time(v), bj("2022-05-02 23:53:00"));
}

#[test]
fn weibo_crawler_csv_ragged_rows_and_account_from_the_path() {
    let (t, rep, rej) = one("weibo/芯片博主/1669879400.csv");
    assert_eq!(rep.files[0].format, "weibo-crawler-csv");
    assert_eq!(t.len(), 2);
    let got = lines_and_reasons(&rej);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, 5);
    assert!(got[0].1.contains("12 cells"), "{got:?}");
    assert!(rep.warnings.iter().any(|w| w.contains("repeated header")));
    // The 19-cell original under the 39-column header, id with its trailing tab.
    let o = post(&t, "5194000056789012");
    assert_eq!(t.kind(o), PostKind::Original);
    assert_eq!(t.account_id(t.author(o)), "1669879400");
    assert_eq!(t.account_handle(t.author(o)), Some("芯片博主"));
    assert_eq!(t.time(o), bj("2025-08-01 10:00:00"));
    assert_eq!(t.time_precision(o), TimePrecision::Second);
    assert_eq!(tags(&t, o), ["芯片安全"]);
    assert_eq!(strs(&t.mentions, t.mention_syms(o)), ["科技日报"]);
    assert_eq!(strs(&t.urls, t.url_syms(o)), ["http://t.cn/A6xYz123"]);
    assert_eq!(t.media_syms(o).len(), 2);
    let r = post(&t, "5194000067890123");
    assert_eq!(t.kind(r), PostKind::Repost);
    assert_eq!(t.ref_id(t.repost_of(r)), "5194000000000001");

    // users.csv beside the crawl: its rows are accounts, stepped over.
    let (t, rep, rej) = one("weibo/users.csv");
    assert_eq!(rep.files[0].format, "weibo-crawler-csv");
    assert!(rej.is_empty() && t.is_empty());
    assert_eq!(rep.skipped, 1);

    // A file named by screen name: the account comes from users.csv.
    let (t, _rep, rej) = one("weibo_by_name/芯片博主.csv");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.account_id(t.author(0)), "1669879400");

    // A stream has no path: the file is refused at its header, with the reason.
    let bytes = std::fs::read(data("weibo/芯片博主/1669879400.csv")).unwrap();
    let (t, _rep, rej) = load_bytes(&bytes, None, IngestOptions::default());
    assert!(t.is_empty());
    assert!(rej[0]["reason"].as_str().unwrap().contains("<user_id>.csv"));
}

#[test]
fn weibo_crawler_json_links_and_nested_retweet() {
    let (t, rep, rej) = one("weibo/芯片博主/1669879400.json");
    assert_eq!(rep.files[0].format, "weibo-crawler-json");
    assert_eq!(t.len(), 2);
    let got = lines_and_reasons(&rej);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].1.starts_with("weibo[2] at byte offset") && got[0].1.contains("下周三"),
        "{got:?}"
    );
    let o = post(&t, "5194000056789012");
    // `links` survive only in the JSON.
    assert_eq!(strs(&t.urls, t.url_syms(o)), ["http://t.cn/A6xYz123"]);
    assert_eq!(t.account_handle(t.author(o)), Some("芯片博主"));
    let r = post(&t, "5194000067890123");
    assert_eq!(t.ref_id(t.repost_of(r)), "5194000000000001");
    // The same posts from the CSV and the JSON are one each.
    let (t, rep, _) = read(
        &[
            data("weibo/芯片博主/1669879400.csv"),
            data("weibo/芯片博主/1669879400.json"),
        ],
        None,
        IngestOptions::default(),
    );
    assert_eq!(t.len(), 2);
    assert_eq!(rep.duplicates, 2);
}

#[test]
fn weibo_spider_csv_and_json() {
    let (t, rep, rej) = one("weibospider/1669879400.csv");
    assert_eq!(rep.files[0].format, "weibo-spider-csv");
    assert_eq!(t.len(), 2);
    let got = lines_and_reasons(&rej);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, 5);
    assert!(got[0].1.contains("unparsable time"), "{got:?}");
    // bids become mids; reposts have no source id and stay originals, with a note.
    let o = post(&t, "5194000056789012");
    assert_eq!(t.account_id(t.author(o)), "1669879400");
    assert_eq!(t.time_precision(o), TimePrecision::Minute);
    assert_eq!(tags(&t, o), ["芯片安全"]);
    let r = post(&t, "5194000067890123");
    assert_eq!(t.kind(r), PostKind::Original);
    assert_eq!(
        strs(&t.media, t.media_syms(r)),
        ["006abcdegy1hs0a1b2c3dj30u0140abc"]
    );
    let w = rep.warnings.join("\n");
    assert!(
        w.contains("repeated header") && w.contains("kept as originals"),
        "{w}"
    );

    let (t, rep, rej) = one("weibospider/1669879400.json");
    assert_eq!(rep.files[0].format, "weibo-spider-json");
    let got = lines_and_reasons(&rej);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.starts_with("weibo[2] at byte offset") && got[0].1.contains("empty 发布时间"));
    assert_eq!(t.len(), 2);
    let o = post(&t, "5194000056789012");
    assert_eq!(t.account_handle(t.author(o)), Some("芯片博主"));
    assert_eq!(t.time(o), bj("2025-08-01 10:00:00"));
}

#[test]
fn nghuyong_tweets_reposts_comments_and_accounts() {
    let (t, rep, rej) = one("nghuyong_tweet_20250801101010.jsonl");
    assert_eq!(rep.files[0].format, "weibo-nghuyong");
    assert_eq!(t.len(), 4);
    assert_eq!(rep.skipped, 2);
    assert_eq!(
        lines_and_reasons(&rej),
        vec![(7, "missing created_at".to_string())]
    );
    let a = post(&t, "5194000000000001");
    assert_eq!(t.time(a), bj("2025-07-31 18:02:11"));
    assert_eq!(t.time_precision(a), TimePrecision::Second);
    assert_eq!(
        strs(&t.media, t.media_syms(a)),
        ["006abcdegy1hs0a1b2c3dj30u0140abc"]
    );
    let r = post(&t, "5194000012345678");
    assert_eq!(t.ref_post(t.repost_of(r)), Some(a));
    assert_eq!(t.account_handle(t.author(r)), Some("YuFeeC"));
    // Comment ids written as JSON numbers; a reply to a comment; a comment with no target.
    let c1 = post(&t, "5194000099000001");
    assert_eq!(t.kind(c1), PostKind::Original);
    let c2 = post(&t, "5194000099000002");
    assert_eq!(t.ref_post(t.reply_to(c2)), Some(c1));
    assert!(rep.warnings.iter().any(|w| w.contains("without a target")));
}

#[test]
fn mediacrawler_contents_comments_and_creators() {
    let (t, rep, rej) = read(
        &[
            data("mediacrawler/search_contents_2025-08-01.csv"),
            data("mediacrawler/search_comments_2025-08-01.jsonl"),
            data("mediacrawler/creator_creators_2025-08-01.csv"),
        ],
        None,
        IngestOptions::default(),
    );
    let formats: Vec<&str> = rep.files.iter().map(|f| f.format.as_str()).collect();
    assert_eq!(
        formats,
        [
            "mediacrawler-weibo-csv",
            "mediacrawler-weibo-json",
            "mediacrawler-weibo-csv"
        ]
    );
    assert_eq!(t.len(), 4);
    assert_eq!(rep.skipped, 1);
    let got = lines_and_reasons(&rej);
    assert_eq!(
        got,
        vec![
            (4, "empty user_id".to_string()),
            (3, "empty create_time and create_date_time".to_string())
        ]
    );
    let note = post(&t, "5194000000000001");
    assert_eq!(t.time(note), 1_753_956_131_000);
    // A top-level comment (its parent id is itself) replies to the post; a sub-comment to
    // its parent comment.
    let c1 = post(&t, "5194000099000011");
    assert_eq!(t.ref_post(t.reply_to(c1)), Some(note));
    let c2 = post(&t, "5194000099000012");
    assert_eq!(t.ref_post(t.reply_to(c2)), Some(c1));
}

#[test]
fn checked_posts_with_nested_comments_and_reposts() {
    let (t, rep, rej) = one("checked/fake_news/9f3c2a1b4d5e6f708192a3b4c5d6e7f8.json");
    assert_eq!(rep.files[0].format, "weibo-nested");
    assert_eq!(t.len(), 5);
    let got = lines_and_reasons(&rej);
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .1
            .starts_with("reposts[2] of post 9f3c2a1b4d5e6f708192a3b4c5d6e7f8 at byte offset"),
        "{got:?}"
    );
    assert_eq!(kinds(&t), [1, 2, 2, 0]);
    let root = post(&t, "9f3c2a1b4d5e6f708192a3b4c5d6e7f8");
    assert_eq!(t.time(root), bj("2020-04-02 08:52:00"));
    assert_eq!(t.time_precision(root), TimePrecision::Minute);
    assert_eq!(tags(&t, root), ["新冠肺炎"]);
    assert_eq!(strs(&t.mentions, t.mention_syms(root)), ["健康时报"]);
    // A commenter whose hashed id looks like a number in scientific notation is kept.
    let c = post(&t, "a1b2c3d4e5f60718293a4b5c6d7e8f90");
    assert_eq!(t.ref_post(t.reply_to(c)), Some(root));
    assert_eq!(
        t.account_id(t.author(c)),
        "829113001030732589941458394035e4"
    );
    // Comments carry pic_url as a string, reposts as a list; the same picture at
    // thumbnail size is the root's.
    let c2 = post(&t, "b1b2c3d4e5f60718293a4b5c6d7e8f91");
    assert_eq!(t.media_syms(c2).len(), 1);
    let r = post(&t, "c1b2c3d4e5f60718293a4b5c6d7e8f92");
    assert_eq!(t.ref_post(t.repost_of(r)), Some(root));
    assert_eq!(t.media_syms(r), &t.media_syms(root)[..1]);
    assert_eq!(rep.files[0].precisions.minute, 5);

    // Arrays before the post's id (held until it comes), several posts as JSON lines, a
    // truncated last post: its elements read so far are kept, the break is one rejection.
    let doc = r#"{"comments": [{"id": "c1", "date": "2020-04-02 09:01", "user_id": "u1", "text": "a"}], "reposts": [{"id": "r1", "date": "2020-04-02 09:02", "user_id": "u2", "text": "b", "pic_url": []}], "id": "p1", "date": "2020-04-02 08:52", "user_id": "u0", "text": "root"}
{"id": "p2", "date": "2020-04-02 10:00", "user_id": "u0", "text": "second", "comments": [{"id": "c2", "date": "2020-04-02 10:01", "user_id": "u3", "text": "ok"}, {"id": "c3", "date": "2020-04-02 10:02", "user_id": "u4", "te"#;
    let (t, rep, rej) = load_bytes(doc.as_bytes(), None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "weibo-nested");
    assert_eq!(t.len(), 5);
    assert_eq!(t.ref_id(t.reply_to(post(&t, "c1"))), "p1");
    assert_eq!(t.ref_id(t.repost_of(post(&t, "r1"))), "p1");
    assert_eq!(t.ref_id(t.reply_to(post(&t, "c2"))), "p2");
    assert_eq!(rej.len(), 1, "{rej:?}");
    assert!(rej[0]["reason"]
        .as_str()
        .unwrap()
        .contains("malformed JSON"));

    // The same as a top-level array.
    let arr = r#"[{"id": "p1", "date": "2020-04-02 08:52", "user_id": "u0", "text": "x", "comments": [{"id": "c1", "date": "2020-04-02 09:01", "user_id": "u1", "text": "a"}], "reposts": []}]"#;
    let (t, rep, rej) = load_bytes(arr.as_bytes(), None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "weibo-nested");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 2);
}

#[test]
fn anonymised_authors_are_posts_without_an_account() {
    // CHECKED gives most reposts the MD5 of "" as author; an empty or null user_id is the
    // same; a missing user_id key is still a rejection.
    let doc = r#"{"id": "p1", "date": "2020-04-02 08:52", "user_id": "u0", "text": "root", "comments": [{"id": "c1", "date": "2020-04-02 09:01", "user_id": "", "text": "a"}, {"id": "c2", "date": "2020-04-02 09:01", "text": "no key"}], "reposts": [{"id": "r1", "date": "2020-04-02 09:02", "user_id": "d41d8cd98f00b204e9800998ecf8427e", "text": "转发微博"}, {"id": "r2", "date": "2020-04-02 09:02", "user_id": "d41d8cd98f00b204e9800998ecf8427e", "text": ""}, {"id": "r3", "date": "2020-04-02 09:03", "user_id": null, "text": ""}, {"id": "r4", "date": "2020-04-02 09:03", "user_id": "u5", "text": ""}]}"#;
    let (t, rep, rej) = load_bytes(doc.as_bytes(), None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "weibo-nested");
    assert_eq!(t.len(), 6);
    assert_eq!(rej.len(), 1, "{rej:?}");
    assert!(rej[0]["reason"]
        .as_str()
        .unwrap()
        .contains("missing user_id"));
    assert_eq!(rep.files[0].without_author, 4);
    assert_eq!(rep.without_author, 4);
    assert_eq!(t.anonymous_posts(), 4);
    assert_eq!(t.known_account_count(), 2);
    for id in ["c1", "r1", "r2", "r3"] {
        let p = post(&t, id);
        assert!(!t.has_author(p), "{id}");
        assert_eq!(t.account_id(t.author(p)), "");
    }
    // The reposts still point at their root.
    assert_eq!(
        t.ref_post(t.repost_of(post(&t, "r2"))),
        Some(post(&t, "p1"))
    );
    assert!(t.has_author(post(&t, "r4")));
    assert!(rep
        .warnings
        .iter()
        .any(|w| w.starts_with("4 post(s) in 1 file(s) have no known author")));
}

#[test]
fn relative_stamps_resolve_against_the_crawl_time() {
    // A weibo-search file with stamps the crawler left unresolved.
    let csv = "\u{feff}id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,评论数,点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id\r\n\
1,,11,a,x,,,,,0,0,0,刚刚,,,,\r\n\
2,,12,b,x,,,,,0,0,0,5分钟前,,,,\r\n\
3,,13,c,x,,,,,0,0,0,今天 08:05,,,,\r\n\
4,,14,d,x,,,,,0,0,0,昨天 23:59,,,,\r\n\
5,,15,e,x,,,,,0,0,0,12月31日 20:00,,,,\r\n\
6,,16,f,x,,,,,0,0,0,Thu Jul 31 18:02:11 +0800 2025,,,,\r\n\
7,,17,g,x,,,,,0,0,0,2025-07-31 18:02,,,,\r\n";
    let crawl = IngestOptions {
        crawl_time: Some("2025-08-01 10:30:00".into()),
        ..IngestOptions::default()
    };
    let (t, rep, rej) = load_bytes(csv.as_bytes(), None, crawl);
    assert!(rej.is_empty(), "{rej:?}");
    let at = |id: &str| (t.time(post(&t, id)), t.time_precision(post(&t, id)));
    let crawl_ms = bj("2025-08-01 10:30:00");
    use TimePrecision::*;
    assert_eq!(at("1"), (crawl_ms, Approximate));
    assert_eq!(at("2"), (crawl_ms - 300_000, Approximate));
    assert_eq!(at("3"), (bj("2025-08-01 08:05:00"), Approximate));
    assert_eq!(at("4"), (bj("2025-07-31 23:59:00"), Approximate));
    assert_eq!(at("5"), (bj("2024-12-31 20:00:00"), Approximate));
    assert_eq!(at("6"), (bj("2025-07-31 18:02:11"), Second));
    assert_eq!(at("7"), (bj("2025-07-31 18:02:00"), Minute));
    let f = &rep.files[0];
    assert_eq!(
        (
            f.precisions.approximate,
            f.precisions.second,
            f.precisions.minute
        ),
        (5, 1, 1)
    );
    assert_eq!(f.time_precision, Some(Approximate));
    assert_eq!(rep.precisions.approximate, 5);

    // Another zone: the same wall-clock minute is another instant.
    let utc = IngestOptions {
        crawl_time: Some("2025-08-01T02:30:00Z".into()),
        time_zone: Some("UTC".into()),
        ..IngestOptions::default()
    };
    let (t, _, _) = load_bytes(csv.as_bytes(), None, utc);
    assert_eq!(
        t.time(post(&t, "7")),
        bj("2025-07-31 18:02:00") + 8 * 3_600_000
    );
    assert_eq!(t.time(post(&t, "1")), crawl_ms);

    // A stream has no modification time: without --crawl-time relative stamps are
    // rejected, saying what is missing.
    let (t, _, rej) = load_bytes(csv.as_bytes(), None, IngestOptions::default());
    assert_eq!(t.len(), 2);
    assert_eq!(rej.len(), 5);
    assert!(rej[0]["reason"].as_str().unwrap().contains("--crawl-time"));

    // A file's modification time is the default crawl time.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("search.csv");
    std::fs::write(&p, csv).unwrap();
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_millis(crawl_ms as u64);
    std::fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let (t, _, rej) = read(&[p], None, IngestOptions::default());
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.time(post(&t, "2")), crawl_ms - 300_000);

    // A bad --crawl-time is an option error.
    let bad = IngestOptions {
        crawl_time: Some("last tuesday".into()),
        ..IngestOptions::default()
    };
    assert!(matches!(bad.check(), Err(IngestError::BadOption(_))));
}

#[test]
fn minute_precision_is_learned_from_the_data() {
    // generic-csv times with seconds, all on whole minutes: minute precision once there
    // are enough of them to tell; with one off-minute time, or too few, they stay seconds.
    let rows = |n: usize, off: bool| {
        let mut s = String::from("id,user_id,created_at\n");
        for i in 0..n {
            let sec = if off && i == n - 1 { 7 } else { 0 };
            s.push_str(&format!("{i},u{i},2024-01-01 10:{:02}:{sec:02}\n", i % 60));
        }
        s
    };
    let (t, rep, _) = load_bytes(rows(20, false).as_bytes(), None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "generic-csv");
    assert!(rep.files[0].minute_from_data);
    assert_eq!(rep.files[0].time_precision, Some(TimePrecision::Minute));
    assert_eq!(t.precision_counts(), [0, 0, 20, 0]);
    for (n, off) in [(19, false), (30, true)] {
        let (t, rep, _) = load_bytes(rows(n, off).as_bytes(), None, IngestOptions::default());
        assert!(!rep.files[0].minute_from_data);
        assert_eq!(rep.files[0].time_precision, Some(TimePrecision::Second));
        assert_eq!(t.precision_counts()[1], n);
    }
    // Posts collected for a service are marked too.
    let mut ingest = Ingest::new(IngestOptions::default());
    ingest.collect();
    let text = rows(25, false);
    let mut r: &[u8] = text.as_bytes();
    ingest.read_stream("x.csv", &mut r, None).unwrap();
    let (posts, _) = ingest.take_collected();
    assert!(posts
        .iter()
        .all(|p| p.time_precision == TimePrecision::Minute));
}

#[test]
fn wechat_exporter_json() {
    let (t, rep, rej) = one("wechat_exporter.json");
    assert_eq!(rep.files[0].format, "wechat-exporter-json");
    assert_eq!(t.len(), 2);
    let got = lines_and_reasons(&rej);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.contains("element 2") && got[0].1.contains("update_time"));
    assert!(t.platforms().eq(["wechat"]));
    let a = post(&t, "MzA5MDAyODcwMQ==/2650000001_1");
    assert_eq!(t.account_id(t.author(a)), "MzA5MDAyODcwMQ==");
    assert_eq!(t.account_handle(t.author(a)), Some("芯片安全观察"));
    assert_eq!(t.time(a), 1_754_010_060_000);
    assert_eq!(t.time_precision(a), TimePrecision::Second);
    assert_eq!(t.claims_original(a), Some(true));
    assert!(t.text(a).starts_with("H20芯片：安全风险不容忽视\n"));
    assert_eq!(
        strs(&t.media, t.media_syms(a)),
        ["mmbiz.qpic.cn/mmbiz_jpg/AbCdEfGh123"]
    );
    // A short link: the id comes from fakeid and aid; a reprint; the 2.35:1 cover first.
    let b = post(&t, "MzI0NTAwMDAwMQ==/2247483650_2");
    assert_eq!(t.claims_original(b), Some(false));
    assert_eq!(
        strs(&t.media, t.media_syms(b)),
        ["mmbiz.qpic.cn/sz_mmbiz_jpg/Cover2351"]
    );
    assert_eq!(
        t.text(b),
        "转载｜H20芯片：安全风险不容忽视\n转载：H20芯片存在严重安全隐患"
    );
}

/// One cell of a generated sheet.
enum Cell<'a> {
    S(&'a str),
    N(f64),
    E,
}

/// An .xlsx workbook with one sheet, as ExcelJS writes it (shared strings, deflated).
fn xlsx(rows: &[Vec<Cell<'_>>]) -> Vec<u8> {
    use std::io::Write;
    let mut strings: Vec<String> = Vec::new();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            match cell {
                Cell::S(s) => {
                    strings.push(esc(s));
                    sheet.push_str(&format!(
                        r#"<c r="{at}" t="s"><v>{}</v></c>"#,
                        strings.len() - 1
                    ));
                }
                Cell::N(n) => sheet.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
                Cell::E => {}
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let sst: String = strings
        .iter()
        .map(|s| format!("<si><t xml:space=\"preserve\">{s}</t></si>"))
        .collect();
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string()),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{sst}</sst>"#, n = strings.len())),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        zw.start_file(name, opts).unwrap();
        zw.write_all(body.as_bytes()).unwrap();
    }
    zw.finish().unwrap().into_inner()
}

/// The exporter's sheet: its 18 columns, two articles and a row without a time.
fn exporter_sheet() -> Vec<u8> {
    use Cell::*;
    let header = [
        "公众号",
        "ID",
        "链接",
        "标题",
        "封面",
        "摘要",
        "创建时间",
        "发布时间",
        "阅读",
        "点赞",
        "分享",
        "喜欢",
        "留言",
        "作者",
        "是否原创",
        "文章类型",
        "所属合集",
        "文章内容",
    ];
    let rows = vec![
        header.iter().map(|h| S(h)).collect(),
        vec![
            S("芯片安全观察"),
            S("2650000001_1"),
            S("http://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ==&mid=2650000001&idx=1&sn=0123456789abcdef&chksm=8b1c2d3e#rd"),
            S("H20芯片：安全风险不容忽视"),
            S("https://mmbiz.qpic.cn/mmbiz_jpg/AbCdEfGh123/0?wx_fmt=jpeg"),
            S("H20芯片存在严重安全隐患"),
            S("2025-08-01 09:00:00"),
            S("2025-08-01 09:01:00"),
            N(10001.0),
            N(50.0),
            N(300.0),
            N(20.0),
            N(8.0),
            S("编辑部"),
            S("原创"),
            S("普通图文"),
            S("#芯片 #安全"),
            S("H20芯片：安全风险不容忽视\n据报道……"),
        ],
        vec![
            S("每日转载"),
            S("2247483650_2"),
            S("http://mp.weixin.qq.com/s?__biz=MzI0NTAwMDAwMQ==&mid=2247483650&idx=2&sn=fedcba&chksm=1#rd"),
            S("转载｜H20芯片：安全风险不容忽视"),
            S("https://mmbiz.qpic.cn/mmbiz_jpg/AbCdEfGh123/0?wx_fmt=jpeg"),
            S("转载"),
            S("2025-08-01 10:00:00"),
            S("2025-08-01 10:00:00"),
            E,
            E,
            E,
            E,
            E,
            E,
            S(""),
            S("普通图文"),
            S(""),
            E,
        ],
        vec![S("每日转载"), S("2247483651_1"), S("https://mp.weixin.qq.com/s/NoTime"), S("没有时间")],
    ];
    xlsx(&rows)
}

#[cfg(feature = "xlsx")]
#[test]
fn wechat_exporter_excel() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("微信公众号文章.xlsx");
    std::fs::write(&p, exporter_sheet()).unwrap();
    let (t, rep, rej) = read(std::slice::from_ref(&p), None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "wechat-exporter-xlsx");
    assert_eq!(t.len(), 2);
    assert_eq!(
        lines_and_reasons(&rej),
        vec![(4, "empty 发布时间 and 创建时间".into())]
    );
    let a = post(&t, "MzA5MDAyODcwMQ==/2650000001_1");
    assert_eq!(t.time(a), bj("2025-08-01 09:01:00"));
    assert_eq!(t.claims_original(a), Some(true));
    assert_eq!(t.account_handle(t.author(a)), Some("芯片安全观察"));
    // The reprint shares the original's cover image.
    let b = post(&t, "MzI0NTAwMDAwMQ==/2247483650_2");
    assert_eq!(t.claims_original(b), Some(false));
    assert_eq!(t.media_syms(a), t.media_syms(b));
    // Streamed (no path), the workbook is read from memory; the same posts.
    let bytes = std::fs::read(&p).unwrap();
    let (t2, rep2, _) = load_bytes(&bytes, None, IngestOptions::default());
    assert_eq!(rep2.files[0].format, "wechat-exporter-xlsx");
    assert_eq!(t2.len(), 2);
    // Another workbook is refused at its header; garbage is one rejection, not a crash.
    let other = xlsx(&[vec![Cell::S("name"), Cell::S("value")]]);
    let (t, _, rej) = load_bytes(&other, None, IngestOptions::default());
    assert!(t.is_empty());
    assert!(rej[0]["reason"]
        .as_str()
        .unwrap()
        .contains("not a wechat-article-exporter sheet"));
    let mut broken = bytes.clone();
    broken.truncate(bytes.len() / 2);
    let (_, _, rej) = load_bytes(
        &broken,
        Some("wechat-exporter-xlsx"),
        IngestOptions::default(),
    );
    assert!(!rej.is_empty());
}

/// A we-mp-rss database (SQLAlchemy's tables) and a wewe-rss one (Prisma's migration).
#[cfg(feature = "sqlite")]
fn rss_databases(dir: &Path) -> (PathBuf, PathBuf) {
    let we = dir.join("db.db");
    let c = rusqlite::Connection::open(&we).unwrap();
    c.execute_batch(
        r#"CREATE TABLE articles (id VARCHAR(255) NOT NULL, mp_id VARCHAR(255), title VARCHAR(500), pic_url VARCHAR(500), url VARCHAR(500), content TEXT, description VARCHAR(800), status INTEGER, publish_time INTEGER, created_at DATETIME, updated_at DATETIME, is_export INTEGER, PRIMARY KEY (id));
CREATE TABLE feeds (id VARCHAR(255) NOT NULL, mp_name VARCHAR(255), mp_cover VARCHAR(255), mp_intro VARCHAR(255), status INTEGER, sync_time INTEGER, update_time INTEGER, created_at DATETIME, updated_at DATETIME, faker_id VARCHAR(255), PRIMARY KEY (id));
INSERT INTO feeds VALUES ('MP_WXS_3090028701', '芯片安全观察', 'files/avatars/a.jpg', '聊芯片', 1, 1754010000, 1754010000, '2025-08-01 09:00:00.000000', '2025-08-01 09:00:00.000000', 'MzA5MDAyODcwMQ==');
INSERT INTO articles VALUES ('2650000001_1', 'MP_WXS_3090028701', 'H20芯片：安全风险不容忽视', 'https://mmbiz.qpic.cn/mmbiz_jpg/AbCdEfGh123/0?wx_fmt=jpeg', 'http://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ==&mid=2650000001&idx=1&sn=0123456789abcdef&chksm=8b1c2d3e#rd', '<div id="js_content">
 <section>
  <p>
   据报道……
  </p>
  <p>原文 <a href="https://example.cn/report">报告</a></p>
 </section>
</div>', 'H20芯片存在严重安全隐患', 1, 1754010060, '2025-08-01 09:02:00.000000', '2025-08-01 09:02:00.000000', 0);
INSERT INTO articles VALUES ('2650000002_1', 'MP_WXS_3090028701', '没有时间', '', 'http://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ==&mid=2650000002&idx=1&sn=x', '', '', 1, NULL, NULL, NULL, 0);"#,
    )
    .unwrap();
    drop(c);
    let wewe = dir.join("wewe-rss.db");
    let c = rusqlite::Connection::open(&wewe).unwrap();
    c.execute_batch(
        r#"CREATE TABLE "accounts" ("id" TEXT NOT NULL PRIMARY KEY, "token" TEXT NOT NULL, "name" TEXT NOT NULL, "status" INTEGER NOT NULL DEFAULT 1, "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE "feeds" ("id" TEXT NOT NULL PRIMARY KEY, "mp_name" TEXT NOT NULL, "mp_cover" TEXT NOT NULL, "mp_intro" TEXT NOT NULL, "status" INTEGER NOT NULL DEFAULT 1, "sync_time" INTEGER NOT NULL DEFAULT 0, "update_time" INTEGER NOT NULL, "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP, "has_history" INTEGER DEFAULT 1);
CREATE TABLE "articles" ("id" TEXT NOT NULL PRIMARY KEY, "mp_id" TEXT NOT NULL, "title" TEXT NOT NULL, "pic_url" TEXT NOT NULL, "publish_time" INTEGER NOT NULL, "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP);
INSERT INTO feeds (id, mp_name, mp_cover, mp_intro, update_time) VALUES ('MP_WXS_3090028701', '芯片安全观察', 'https://wx.qlogo.cn/mmhead/x/0', '聊芯片', 1754010000);
INSERT INTO articles (id, mp_id, title, pic_url, publish_time) VALUES ('Q1w2E3r4T5y6U7i8', 'MP_WXS_3090028701', 'H20芯片：安全风险不容忽视', 'https://mmbiz.qpic.cn/mmbiz_jpg/AbCdEfGh123/0?wx_fmt=jpeg', 1754010060);"#,
    )
    .unwrap();
    drop(c);
    (we, wewe)
}

#[cfg(feature = "sqlite")]
#[test]
fn wechat_rss_databases() {
    let dir = tempfile::tempdir().unwrap();
    let (we, wewe) = rss_databases(dir.path());
    let (t, rep, rej) = read(&[we.clone(), wewe], None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "wechat-rss-sqlite");
    assert_eq!(rep.files[1].format, "wechat-rss-sqlite");
    assert_eq!(t.len(), 2);
    assert_eq!(
        lines_and_reasons(&rej),
        vec![(2, "article row 2: empty publish_time".into())]
    );
    // we-mp-rss: id from the link, the account's __biz from faker_id, text from the HTML.
    let a = post(&t, "MzA5MDAyODcwMQ==/2650000001_1");
    assert_eq!(t.account_id(t.author(a)), "MzA5MDAyODcwMQ==");
    assert_eq!(t.time(a), 1_754_010_060_000);
    assert_eq!(t.text(a), "H20芯片：安全风险不容忽视\n据报道……\n原文 报告");
    assert_eq!(strs(&t.urls, t.url_syms(a)), ["https://example.cn/report"]);
    assert_eq!(t.claims_original(a), None);
    // wewe-rss: the short link id; MP_WXS_<n> is the same account.
    let b = post(&t, "s/Q1w2E3r4T5y6U7i8");
    assert_eq!(t.author(a), t.author(b));
    assert_eq!(t.account_handle(t.author(b)), Some("芯片安全观察"));
    assert_eq!(t.media_syms(a), t.media_syms(b));
    // From memory (a stream), and refusing garbage and other databases.
    let bytes = std::fs::read(&we).unwrap();
    let (t, rep, _) = load_bytes(&bytes, None, IngestOptions::default());
    assert_eq!(rep.files[0].format, "wechat-rss-sqlite");
    assert_eq!(t.len(), 1);
    let mut broken = bytes.clone();
    broken.truncate(3000);
    let (t, _, rej) = load_bytes(&broken, Some("wechat-rss-sqlite"), IngestOptions::default());
    assert!(t.is_empty() && !rej.is_empty());
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE posts (id TEXT);")
        .unwrap();
    let (_, _, rej) = read(
        &[other],
        Some("wechat-rss-sqlite"),
        IngestOptions::default(),
    );
    assert!(rej[0]["reason"]
        .as_str()
        .unwrap()
        .contains("no articles(id, mp_id) table"));
}

/// Every sample, with the format detection must pick for it.
fn samples(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    #[allow(unused_mut)]
    let mut v = vec![
        (data("weibo_search.csv"), "weibo-search"),
        (data("weibo_search_2022.csv"), "weibo-search"),
        (data("weibo/芯片博主/1669879400.csv"), "weibo-crawler-csv"),
        (data("weibo/users.csv"), "weibo-crawler-csv"),
        (data("weibo_by_name/芯片博主.csv"), "weibo-crawler-csv"),
        (data("weibo/芯片博主/1669879400.json"), "weibo-crawler-json"),
        (data("weibospider/1669879400.csv"), "weibo-spider-csv"),
        (data("weibospider/1669879400.json"), "weibo-spider-json"),
        (
            data("nghuyong_tweet_20250801101010.jsonl"),
            "weibo-nghuyong",
        ),
        (
            data("mediacrawler/search_contents_2025-08-01.csv"),
            "mediacrawler-weibo-csv",
        ),
        (
            data("mediacrawler/search_comments_2025-08-01.jsonl"),
            "mediacrawler-weibo-json",
        ),
        (
            data("mediacrawler/creator_creators_2025-08-01.csv"),
            "mediacrawler-weibo-csv",
        ),
        (
            data("checked/fake_news/9f3c2a1b4d5e6f708192a3b4c5d6e7f8.json"),
            "weibo-nested",
        ),
        (data("wechat_exporter.json"), "wechat-exporter-json"),
    ];
    #[cfg(feature = "xlsx")]
    {
        let p = dir.join("export.xlsx");
        std::fs::write(&p, exporter_sheet()).unwrap();
        v.push((p, "wechat-exporter-xlsx"));
    }
    #[cfg(feature = "sqlite")]
    {
        let (we, wewe) = rss_databases(dir);
        v.push((we, "wechat-rss-sqlite"));
        v.push((wewe, "wechat-rss-sqlite"));
    }
    let _ = dir;
    v
}

#[test]
fn detection_picks_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    for (p, want) in samples(dir.path()) {
        let bytes = std::fs::read(&p).unwrap();
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let got = detect(head).map(|f| f.name());
        assert_eq!(got, Some(want), "{}", p.display());
        // The whole directory tree reads without flags, too.
    }
    let (t, rep, _) = read(
        &lockstep_ingest::expand_inputs(&[data("")])
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect::<Vec<_>>(),
        None,
        IngestOptions::default(),
    );
    assert_eq!(rep.files.len(), 15);
    assert!(t.platforms().any(|p| p == "weibo") && t.platforms().any(|p| p == "wechat"));
}

#[test]
fn strict_stops_at_the_first_bad_record_of_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let all = samples(dir.path());
    let mut stopped = std::collections::BTreeSet::new();
    for (p, format) in all.clone() {
        let quiet = read(std::slice::from_ref(&p), None, IngestOptions::default());
        if quiet.2.is_empty() {
            continue;
        }
        let first_line = quiet.2[0]["line"].as_u64().unwrap();
        let mut ingest = Ingest::new(IngestOptions {
            strict: true,
            ..IngestOptions::default()
        });
        let err = ingest
            .read_file(
                &InputFile {
                    path: p.clone(),
                    display: p.display().to_string(),
                },
                None,
            )
            .unwrap_err();
        match err {
            IngestError::Strict { line, file, .. } => {
                assert_eq!(line, first_line, "{format}");
                assert!(file.ends_with(p.file_name().unwrap().to_str().unwrap()));
                stopped.insert(format);
            }
            other => panic!("{format}: {other}"),
        }
    }
    // Every reader was stopped by some sample.
    let formats: std::collections::BTreeSet<&str> = all.iter().map(|(_, f)| *f).collect();
    assert_eq!(stopped, formats);
}

#[test]
fn generic_jsonl_mapped_keys_absent_from_some_records() {
    // The flattened CHECKED layout: only replies have reply_to, only reposts repost_of.
    let lines = r#"{"id": "p1", "user_id": "u0", "created_at": "2020-04-02 08:52", "text": "root"}
{"id": "c1", "user_id": "u1", "created_at": "2020-04-02 09:01", "text": "a", "reply_to": "p1"}
{"id": "r1", "user_id": "u2", "created_at": "2020-04-02 09:02", "text": "b", "repost_of": "p1"}
{"id": "x1", "created_at": "2020-04-02 09:03", "text": "no author"}
"#;
    let map = |pairs: &[(&str, &str)]| IngestOptions {
        mapping: pairs
            .iter()
            .map(|(k, c)| (k.to_string(), c.to_string()))
            .collect(),
        time_zone: Some("+08:00".into()),
        platform: Some("weibo".into()),
        ..IngestOptions::default()
    };
    let o = map(&[
        ("author", "user_id"),
        ("time", "created_at"),
        ("reply_to", "reply_to"),
        ("repost_of", "repost_of"),
    ]);
    let (t, rep, rej) = load_bytes(lines.as_bytes(), None, o);
    assert_eq!(rep.files[0].format, "generic-jsonl");
    assert_eq!(kinds(&t), [1, 1, 1, 0]);
    // Only the record without its mapped author is rejected.
    assert_eq!(rej.len(), 1, "{rej:?}");
    assert_eq!(rej[0]["line"], 4);
    assert!(rep.warnings.is_empty(), "{:?}", rep.warnings);

    // A mapping no record matches is a warning, not a rejection.
    let o = map(&[
        ("author", "user_id"),
        ("time", "created_at"),
        ("quote_of", "quoted"),
    ]);
    let (t, rep, rej) = load_bytes(lines.as_bytes(), None, o.clone());
    assert_eq!(t.len(), 3);
    assert_eq!(rej.len(), 1);
    assert!(
        rep.warnings
            .iter()
            .any(|w| w.contains("--map quote_of=quoted matched no record")),
        "{:?}",
        rep.warnings
    );
    // The same in CSV: the column is absent, the rows are read, one warning.
    let csv = "id,user_id,created_at\n1,u,2020-04-02 08:52\n";
    let (t, rep, rej) = load_bytes(csv.as_bytes(), None, o);
    assert_eq!(rep.files[0].format, "generic-csv");
    assert_eq!(t.len(), 1);
    assert!(rej.is_empty());
    assert!(rep
        .warnings
        .iter()
        .any(|w| w.contains("--map quote_of=quoted matched no column")));
}
