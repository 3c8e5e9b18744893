//! One `analyze` over a Weibo file (weibo-search CSV), a WeChat export
//! (wechat-article-exporter JSON) and a Twitter file (API v1.1 JSON lines) together.
//!
//! A planted group of two Weibo accounts, two WeChat official accounts and two Twitter
//! accounts pushes the same WeChat article link (spelled with each platform's share
//! parameters) and near-identical text, round after round, within a minute; organic
//! accounts on every platform post their own texts and share popular links at unrelated
//! times. The group must come out as one campaign whose members carry their platforms,
//! with co-link and co-similar edges that cross platforms. Every file is written here by
//! the test (times in each format's own zone: Beijing minutes for Weibo, Unix seconds for
//! WeChat, UTC for Twitter).

mod common;

use common::*;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// 2025-08-01 00:00:00 UTC.
const T0: i64 = 1_754_006_400;
const ROUNDS: i64 = 8;

/// A small deterministic generator (xorshift), so the test needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `YYYY-MM-DD HH:MM` in Beijing time for Unix seconds `t`.
fn beijing_minute(t: i64) -> String {
    let t = t + 8 * 3600;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = lockstep_model::time::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Twitter's `created_at` (`Fri Aug 01 10:02:03 +0000 2025`) for Unix seconds `t`.
fn twitter_time(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = lockstep_model::time::civil_from_days(days);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][m as usize - 1];
    format!(
        "{wd} {mon} {d:02} {:02}:{:02}:{:02} +0000 {y}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The WeChat article a round pushes, with one platform's share parameters.
fn article(round: i64, spelling: usize) -> String {
    let base = format!(
        "mp.weixin.qq.com/s?__biz=MzkwMDAwMDAwMQ==&mid={}&idx=1&sn=5a5a{round:04x}",
        2_651_000_000 + round
    );
    match spelling {
        0 => format!("http://{base}&chksm=8b1c{round:04x}#rd"),
        1 => format!("https://{base}&chksm=77aa{round:04x}&scene=21&srcid=0801abc#wechat_redirect"),
        _ => format!("https://{base}&chksm=9e9e{round:04x}&sharer_shareid=x{round}&scene=1"),
    }
}

/// The round's message, with a small per-member variation (near-duplicates, not copies).
fn message(round: i64, member: usize) -> String {
    let lines = [
        "美国芯片美国控制，H20芯片后门风险必须查清，技术专家已经证实存在远程关闭功能",
        "有关部门约谈英伟达之后，越来越多技术专家指出H20存在追踪定位和远程关闭的后门",
        "不要再相信所谓安全承诺，H20芯片的后门问题关系国家数据安全，必须彻底审查",
        "H20芯片被曝存在后门，专家称可远程控制，国产替代刻不容缓，请大家转发周知",
        "英伟达H20不安全，技术专家证实后门存在，呼吁相关企业立即停止采购并全面排查",
        "H20后门事件持续发酵，多位专家表示美国芯片美国控制，数据安全不能寄希望于他人",
        "关于H20芯片后门，专家给出的证据越来越多，我们必须提高警惕保护自己的数据安全",
        "美国芯片就是美国控制，H20后门风险不是谣言，技术专家的分析值得每个人认真看看",
    ];
    let tails = ["", "！", "。大家注意", "，转发", "!!", "——关注"];
    format!(
        "{}{}",
        lines[round as usize % lines.len()],
        tails[member % tails.len()]
    )
}

/// Organic chatter: a distinct sentence per post.
fn chatter(rng: &mut Rng) -> String {
    let subjects = [
        "今天", "周末", "早上", "刚才", "昨晚", "下午", "这次", "最近",
    ];
    let verbs = [
        "看了", "吃了", "去了", "买了", "听了", "读了", "聊了", "学了",
    ];
    let objects = [
        "一部电影",
        "一家面馆",
        "图书馆",
        "新出的耳机",
        "一首老歌",
        "一本小说",
        "篮球比赛",
        "天气预报",
        "地铁新线",
        "咖啡店",
        "展览",
        "菜市场",
    ];
    let comments = [
        "感觉不错",
        "一般般",
        "推荐大家",
        "有点贵",
        "很开心",
        "还想再去",
        "太累了",
        "挺有意思",
    ];
    format!(
        "{}{}{}，{}{}",
        subjects[rng.below(8) as usize],
        verbs[rng.below(8) as usize],
        objects[rng.below(12) as usize],
        comments[rng.below(8) as usize],
        rng.below(100_000)
    )
}

/// Organic near-duplicates: lines many people copy at unrelated times (so co-similar has
/// popular objects that are not coordination, as real data does).
fn meme(rng: &mut Rng) -> String {
    let lines = [
        "生活不止眼前的苟且，还有诗和远方的田野，愿你出走半生归来仍是少年",
        "今天也是努力工作的一天，加油打工人，明天会更好，周末快点来吧",
        "祝大家中秋节快乐，阖家幸福，月圆人团圆，万事如意心想事成",
        "天气转凉了，大家注意添衣保暖，多喝热水早点休息，照顾好自己",
        "这首歌真的太好听了，单曲循环一整天都不腻，推荐给所有人听听",
        "考试加油，逢考必过，所有的努力都会有回报，相信自己一定可以",
    ];
    let tails = ["", "！", "～", "。", "!!", "哈哈"];
    format!(
        "{}{}",
        lines[rng.below(lines.len() as u64) as usize],
        tails[rng.below(tails.len() as u64) as usize]
    )
}

const POPULAR: [&str; 4] = [
    "https://news.example.cn/2025/0801/a1.html",
    "https://news.example.cn/2025/0801/b2.html",
    "https://video.example.com/watch/c3",
    "https://example.org/weather",
];

/// Planted members: (platform, id, handle). The Weibo member `3000000001` has the same id
/// string as an organic Twitter account, and the Weibo and Twitter members `3000000002`
/// share theirs: two accounts each.
const PLANTED: [(&str, &str, &str); 6] = [
    ("weibo", "3000000001", "芯片观察员"),
    ("weibo", "3000000002", "科技真相君"),
    ("wechat", "MzkwMDAwMDAxMQ==", "芯安前哨"),
    ("wechat", "MzkwMDAwMDAxMg==", "数据安全参考"),
    ("twitter", "880000000001", "chipwatch_cn"),
    ("twitter", "3000000002", "h20truth"),
];

const CSV_HEADER: &str = "\u{feff}id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,评论数,点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id,ip,user_authentication,会员类型,会员等级\r\n";

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn weibo_row(out: &mut String, mid: u64, uid: &str, nick: &str, text: &str, t: i64) {
    let _ = write!(
        out,
        "{mid},,{uid},{},{},,,,,0,0,0,{},微博网页版,,,,北京,普通用户,,\r\n",
        csv_cell(nick),
        csv_cell(text),
        beijing_minute(t)
    );
}

fn wechat_record(
    biz: &str,
    name: &str,
    appmsgid: i64,
    title: &str,
    content: &str,
    t: i64,
) -> serde_json::Value {
    serde_json::json!({
        "aid": format!("{appmsgid}_1"),
        "appmsgid": appmsgid,
        "itemidx": 1,
        "author_name": "",
        "copyright_stat": 11,
        "copyright_type": 0,
        "cover": "",
        "create_time": t - 30,
        "update_time": t,
        "digest": "",
        "link": format!("http://mp.weixin.qq.com/s?__biz={biz}&mid={appmsgid}&idx=1&sn=ab{appmsgid}#rd"),
        "title": title,
        "fakeid": biz,
        "_accountName": name,
        "content": content,
        "comments": [],
    })
}

fn tweet(id: u64, uid: &str, handle: &str, text: &str, url: Option<&str>, t: i64) -> String {
    let urls: Vec<serde_json::Value> = url
        .map(|u| serde_json::json!({"url": "https://t.co/x", "expanded_url": u}))
        .into_iter()
        .collect();
    serde_json::json!({
        "id": id,
        "id_str": id.to_string(),
        "created_at": twitter_time(t),
        "text": text,
        "user": {"id_str": uid, "screen_name": handle},
        "entities": {"urls": urls, "hashtags": [], "user_mentions": []},
        "lang": "zh",
    })
    .to_string()
}

/// Write the three inputs into `dir`; returns their paths.
fn write_inputs(dir: &Path) -> [std::path::PathBuf; 3] {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut weibo = String::from(CSV_HEADER);
    let mut wechat: Vec<serde_json::Value> = Vec::new();
    let mut twitter = String::new();
    let mut next_id = 5_200_000_000_000_000u64;
    let mut id = || {
        next_id += 1;
        next_id
    };

    // The planted rounds, three hours apart, every member within a minute.
    for r in 0..ROUNDS {
        let start = T0 + 3 * 3600 * (r + 1) + 5;
        for (m, &(platform, uid, name)) in PLANTED.iter().enumerate() {
            let t = start + 8 * m as i64;
            let text = message(r, m);
            match platform {
                "weibo" => {
                    let body = format!("{text} {}", article(r, 1));
                    weibo_row(&mut weibo, id(), uid, name, &body, t);
                }
                "wechat" => {
                    // Article HTML, as the exporter gives it (the link's `&` escaped).
                    let content = format!(
                        "<section><p>{text}</p><p><a href=\"{}\">原文</a></p></section>",
                        article(r, 0).replace('&', "&amp;")
                    );
                    // A reposting account's article: the line as headline and lead.
                    let title = text.clone();
                    wechat.push(wechat_record(
                        uid,
                        name,
                        2_660_000_000 + (m as i64) * 1000 + r,
                        &title,
                        &content,
                        t,
                    ));
                }
                _ => {
                    let url = article(r, 2);
                    twitter.push_str(&tweet(
                        id(),
                        uid,
                        name,
                        &format!("{text} {url}"),
                        Some(&url),
                        t,
                    ));
                    twitter.push('\n');
                }
            }
        }
    }

    // Organic accounts on every platform over two days: their own texts, and now and
    // then a popular link at an unrelated time.
    let span = 2 * 86_400;
    for a in 0..40u64 {
        let uid = format!("{}", 1_000_000_000 + a);
        for _ in 0..6 {
            let t = T0 + rng.below(span) as i64;
            let mut text = if rng.below(3) == 0 {
                meme(&mut rng)
            } else {
                chatter(&mut rng)
            };
            if rng.below(3) == 0 {
                text.push(' ');
                text.push_str(POPULAR[rng.below(4) as usize]);
            }
            weibo_row(&mut weibo, id(), &uid, &format!("用户{a}"), &text, t);
        }
    }
    for a in 0..15i64 {
        let biz = format!("MzkxMTExMT{a:02}MQ==");
        for k in 0..4 {
            let t = T0 + rng.below(span) as i64;
            let content = format!("{}\n{}", chatter(&mut rng), POPULAR[rng.below(4) as usize]);
            let title = chatter(&mut rng);
            wechat.push(wechat_record(
                &biz,
                &format!("公众号{a}"),
                2_670_000_000 + a * 100 + k,
                &title,
                &content,
                t,
            ));
        }
    }
    for a in 0..40u64 {
        // The first organic Twitter account shares its id string with a Weibo member.
        let uid = if a == 0 {
            "3000000001".to_string()
        } else {
            format!("{}", 770_000_000_000 + a)
        };
        for _ in 0..6 {
            let t = T0 + rng.below(span) as i64;
            let text = if rng.below(3) == 0 {
                meme(&mut rng)
            } else {
                chatter(&mut rng)
            };
            let url = (rng.below(3) == 0).then(|| POPULAR[rng.below(4) as usize]);
            let text = match url {
                Some(u) => format!("{text} {u}"),
                None => text,
            };
            twitter.push_str(&tweet(id(), &uid, &format!("user{a}"), &text, url, t));
            twitter.push('\n');
        }
    }

    let paths = [
        dir.join("weibo-search.csv"),
        dir.join("wechat.json"),
        dir.join("tweets.jsonl"),
    ];
    std::fs::write(&paths[0], weibo).unwrap();
    std::fs::write(&paths[1], serde_json::to_string(&wechat).unwrap()).unwrap();
    std::fs::write(&paths[2], twitter).unwrap();
    paths
}

#[test]
fn one_campaign_across_weibo_wechat_and_twitter() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_inputs(dir.path());
    let out = dir.path().join("out");
    let mut args: Vec<&str> = vec!["analyze"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap()]);
    lockstep_ok(&args);

    let summary = json(&out.join("summary.json"));
    let formats: Vec<&str> = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        ["weibo-search", "wechat-exporter-json", "twitter-v1"]
    );
    assert_eq!(summary["counts"]["rejected"], 0);

    let campaigns = json(&out.join("campaigns.json"));
    let list = campaigns["campaigns"].as_array().unwrap();
    let planted: BTreeSet<(String, String)> = PLANTED
        .iter()
        .map(|&(p, id, _)| (p.to_string(), id.to_string()))
        .collect();
    let found: Vec<BTreeSet<(String, String)>> = list
        .iter()
        .map(|c| {
            c["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    (
                        m["platform"].as_str().unwrap().to_string(),
                        m["account_id"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .collect();
    assert_eq!(
        found,
        std::slice::from_ref(&planted),
        "one campaign, the planted group: {campaigns:#}"
    );
    assert_eq!(
        list[0]["platforms"],
        serde_json::json!(["twitter", "wechat", "weibo"])
    );

    // accounts.csv: the platform is the last column, and the Weibo member is not confused
    // with the organic Twitter account of the same id.
    let (header, rows) = read_csv(&out.join("accounts.csv"));
    assert_eq!(header.last().map(String::as_str), Some("platform"));
    assert_eq!(&header[..3], ["account_id", "campaign_id", "score"]);
    let got: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r["platform"].clone(), r["account_id"].clone()))
        .collect();
    assert_eq!(got, planted);

    // Co-link and co-similar edges cross platforms.
    let (header, edges) = read_csv(&out.join("edges.csv"));
    assert_eq!(&header[..4], ["source", "target", "weight", "edge_type"]);
    assert_eq!(
        &header[header.len() - 2..],
        ["source_platform", "target_platform"]
    );
    for behaviour in ["co-link", "co-similar"] {
        let cross: BTreeSet<(String, String)> = edges
            .iter()
            .filter(|e| e["edge_type"] == behaviour && e["campaign_id"] == "1")
            .filter(|e| e["source_platform"] != e["target_platform"])
            .map(|e| {
                let mut p = [e["source_platform"].clone(), e["target_platform"].clone()];
                p.sort();
                (p[0].clone(), p[1].clone())
            })
            .collect();
        for pair in [
            ("twitter", "wechat"),
            ("twitter", "weibo"),
            ("wechat", "weibo"),
        ] {
            assert!(
                cross.contains(&(pair.0.to_string(), pair.1.to_string())),
                "{behaviour}: no {pair:?} edge; cross-platform pairs: {cross:?}"
            );
        }
    }

    // Graph node ids stay unique: an id on two platforms is `platform:id`.
    let gexf = std::fs::read_to_string(out.join("network.gexf")).unwrap();
    for id in ["weibo:3000000002", "twitter:3000000002", "3000000001"] {
        assert!(gexf.contains(&format!("id=\"{id}\"")), "{id}");
    }

    // The report names the platforms of the campaign.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("\"platforms\":[\"twitter\",\"wechat\",\"weibo\"]"));
}

#[test]
fn time_precision_is_said_out_loud() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_inputs(dir.path());
    // A window finer than Weibo's minute stamps is widened, with a warning.
    let out = dir.path().join("out");
    let run = lockstep_ok(&[
        "analyze",
        inputs[0].to_str().unwrap(),
        "--window",
        "10s",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr
            .contains("warning: the 10 s window is finer than the data's minute stamps of co-link")
            && stderr.contains("widened to 60 s"),
        "{stderr}"
    );
    let summary = json(&out.join("summary.json"));
    assert!(summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("widened to 60 s")));
    // The default windows are not finer than minutes: no such warning.
    let out = dir.path().join("out2");
    let run = lockstep_ok(&[
        "analyze",
        inputs[0].to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!String::from_utf8_lossy(&run.stderr).contains("widened"));

    // Relative stamps resolved against the crawl time are approximate: such posts take
    // part in no co-action, and the run says so.
    let mut csv = String::from(CSV_HEADER);
    for (i, uid) in ["4000000001", "4000000002", "4000000003"]
        .iter()
        .enumerate()
    {
        for k in 0..3 {
            weibo_row(
                &mut csv,
                5_300_000_000_000_000 + (i * 10 + k) as u64,
                uid,
                "x",
                &format!("同一句话第{k}轮 https://example.com/r{k}"),
                T0,
            );
        }
    }
    let csv = csv.replace("2025-08-01 08:00", "3分钟前");
    let path = dir.path().join("relative.csv");
    std::fs::write(&path, csv).unwrap();
    let out = dir.path().join("out3");
    let run = lockstep_ok(&[
        "analyze",
        path.to_str().unwrap(),
        "--crawl-time",
        "2025-08-01T12:00:00+08:00",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("9 post(s) have approximate times") && stderr.contains("co-link 9"),
        "{stderr}"
    );
    let (_, edges) = read_csv(&out.join("edges.csv"));
    assert!(edges.is_empty(), "approximate times made edges: {edges:?}");
}
