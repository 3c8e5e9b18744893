//! Checks of the realistic scenarios: `organic`, `mixed` and `h20`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lockstep_generate::{
    generate, generate_with, CampaignKind, CampaignKnobs, GenerateOptions, GenerateSummary, Lang,
    ScenarioKnobs, POSTS_CSV, POSTS_JSONL, REFERENCES_JSONL, SEED_ACCOUNTS_CSV, TRUTH_CSV,
    TRUTH_EVENTS_CSV, TRUTH_POSTS_CSV, TRUTH_POSTS_HEADER,
};

const HARD_NEGATIVES: [&str; 3] = [
    "organic:fan_group",
    "organic:viral_cascade",
    "organic:news_burst",
];

fn opts(dir: &Path, scenario: &str, seed: u64, scale: f64) -> GenerateOptions {
    GenerateOptions {
        scenario: scenario.to_string(),
        seed,
        scale,
        out_dir: dir.to_path_buf(),
    }
}

fn run(dir: &Path, scenario: &str, seed: u64, scale: f64) -> GenerateSummary {
    generate(&opts(dir, scenario, seed, scale)).expect("generate")
}

#[derive(Debug, Clone)]
struct Post {
    id: String,
    user: String,
    repost_id: String,
    reply_id: String,
    message: String,
    ts: i64,
    urls: String,
}

fn read_posts(dir: &Path) -> Vec<Post> {
    let mut rdr = csv::Reader::from_path(dir.join(POSTS_CSV)).expect("posts.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            Post {
                id: r[0].to_string(),
                user: r[1].to_string(),
                repost_id: r[3].to_string(),
                reply_id: r[4].to_string(),
                message: r[5].to_string(),
                ts: r[6].parse().expect("timestamp"),
                urls: r[7].to_string(),
            }
        })
        .collect()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_path(path).expect("open csv");
    let header = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = rdr
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn read_truth(dir: &Path) -> BTreeMap<String, String> {
    let (header, rows) = read_csv(&dir.join(TRUTH_CSV));
    assert_eq!(header, ["account_id", "label"]);
    rows.into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

/// `truth_posts.csv` rows: (post_id, template, campaign, echoes_reference).
fn read_truth_posts(dir: &Path) -> Vec<(String, String, String, String)> {
    let (header, rows) = read_csv(&dir.join(TRUTH_POSTS_CSV));
    assert_eq!(header, TRUTH_POSTS_HEADER);
    rows.into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect()
}

fn read_events(dir: &Path) -> BTreeMap<String, i64> {
    let (header, rows) = read_csv(&dir.join(TRUTH_EVENTS_CSV));
    assert_eq!(header, ["event", "time"]);
    rows.into_iter()
        .map(|r| (r[0].clone(), rfc3339_secs(&r[1])))
        .collect()
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (August 2025 only needs days since the 1st).
fn rfc3339_secs(s: &str) -> i64 {
    assert_eq!(s.len(), 20, "{s}");
    assert!(s.starts_with("2025-08-") && s.ends_with('Z'), "{s}");
    let num = |a: usize, b: usize| s[a..b].parse::<i64>().expect("number");
    1_754_006_400 + (num(8, 10) - 1) * 86_400 + num(11, 13) * 3600 + num(14, 16) * 60 + num(17, 19)
}

fn is_campaign(label: &str) -> bool {
    label != "organic" && !label.starts_with("organic:")
}

fn accounts_with(truth: &BTreeMap<String, String>, label: &str) -> BTreeSet<String> {
    truth
        .iter()
        .filter(|(_, l)| *l == label)
        .map(|(a, _)| a.clone())
        .collect()
}

/// Every hard-negative kind is present with a sensible number of accounts, and plain
/// organic accounts are at least `plain_share` of all.
fn assert_hard_negatives(truth: &BTreeMap<String, String>, plain_share: f64) {
    for kind in HARD_NEGATIVES {
        let n = accounts_with(truth, kind).len();
        assert!(n >= 20, "{kind}: {n} accounts");
    }
    let plain = accounts_with(truth, "organic").len();
    assert!(
        plain as f64 >= plain_share * truth.len() as f64,
        "plain organic {plain} of {}",
        truth.len()
    );
}

#[test]
fn organic_has_hard_negatives_and_no_campaign() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(dir.path(), "organic", 3, 0.1);
    assert_eq!(summary.campaign_accounts, 0);
    assert_eq!(summary.files.len(), 5);
    let truth = read_truth(dir.path());
    assert!(truth
        .values()
        .all(|l| l == "organic" || l.starts_with("organic:")));
    assert_hard_negatives(&truth, 0.3);
    assert!(read_truth_posts(dir.path()).is_empty());
    let events = read_events(dir.path());
    assert!(events.keys().any(|e| e.starts_with("news_burst:")));
    assert!(events.keys().any(|e| e.starts_with("viral_cascade:")));
    assert!(!events.keys().any(|e| e.starts_with("campaign_start:")));
    let posts = read_posts(dir.path());
    assert!((8_000..=12_000).contains(&posts.len()), "{}", posts.len());
}

#[test]
fn fan_groups_retweet_their_celebrity_quickly_every_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "organic", 5, 0.2);
    let truth = read_truth(dir.path());
    let posts = read_posts(dir.path());
    let time: BTreeMap<&str, i64> = posts.iter().map(|p| (p.id.as_str(), p.ts)).collect();
    let author: BTreeMap<&str, &str> = posts
        .iter()
        .map(|p| (p.id.as_str(), p.user.as_str()))
        .collect();
    // Fan retweets per original post.
    let mut per_post: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for p in &posts {
        if !p.repost_id.is_empty() && truth[&p.user] == "organic:fan_group" {
            let t0 = time[p.repost_id.as_str()];
            per_post
                .entry(p.repost_id.as_str())
                .or_default()
                .push(p.ts - t0);
        }
    }
    // Celebrities: authors of several posts that ten or more fans retweeted.
    let mut per_author: BTreeMap<&str, Vec<&Vec<i64>>> = BTreeMap::new();
    for (id, d) in &per_post {
        if d.len() >= 10 {
            per_author.entry(author[*id]).or_default().push(d);
        }
    }
    per_author.retain(|_, posts| posts.len() >= 4);
    assert!(per_author.len() >= 2, "{} celebrities", per_author.len());
    for (celebrity, posts) in &per_author {
        assert!(
            posts.len() >= 5,
            "celebrity {celebrity}: {} posts",
            posts.len()
        );
        let delays: Vec<i64> = posts.iter().flat_map(|d| d.iter().copied()).collect();
        let quick = delays.iter().filter(|&&d| (1..=300).contains(&d)).count();
        let fast = delays.iter().filter(|&&d| (1..=60).contains(&d)).count();
        assert!(quick * 10 >= delays.len() * 9, "{delays:?}");
        assert!(fast * 3 >= delays.len(), "{delays:?}");
    }
}

#[test]
fn viral_cascades_and_news_bursts_look_like_the_real_thing() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "organic", 8, 0.2);
    let truth = read_truth(dir.path());
    let posts = read_posts(dir.path());
    let time: BTreeMap<&str, i64> = posts.iter().map(|p| (p.id.as_str(), p.ts)).collect();
    // Cascades: a post retweeted by 100+ distinct accounts within its first hour.
    let mut rts: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in &posts {
        if !p.repost_id.is_empty() && p.ts - time[p.repost_id.as_str()] <= 3600 {
            rts.entry(p.repost_id.as_str()).or_default().insert(&p.user);
        }
    }
    let cascades = rts.values().filter(|s| s.len() >= 100).count();
    assert!(cascades >= 2, "{cascades} cascades");
    // News bursts: 25+ news_burst accounts post the same link (without query) within 15
    // minutes.
    let mut by_url: BTreeMap<String, Vec<(i64, &str)>> = BTreeMap::new();
    for p in &posts {
        if p.repost_id.is_empty() && truth[&p.user] == "organic:news_burst" {
            for u in p.urls.split(' ').filter(|u| !u.is_empty()) {
                let base = u.split('?').next().unwrap_or(u).to_string();
                by_url.entry(base).or_default().push((p.ts, &p.user));
            }
        }
    }
    let bursts: Vec<&Vec<(i64, &str)>> = by_url.values().filter(|v| v.len() >= 25).collect();
    assert!(bursts.len() >= 2, "{} bursts", bursts.len());
    for b in bursts {
        let lo = b.iter().map(|x| x.0).min().unwrap_or(0);
        let hi = b.iter().map(|x| x.0).max().unwrap_or(0);
        assert!(hi - lo <= 15 * 60, "burst spread {} s", hi - lo);
        let users: BTreeSet<&str> = b.iter().map(|x| x.1).collect();
        assert_eq!(users.len(), b.len(), "each account posts the news once");
    }
}

#[test]
fn mixed_has_every_campaign_kind_findable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(dir.path(), "mixed", 2, 0.2);
    let truth = read_truth(dir.path());
    assert_hard_negatives(&truth, 0.5);
    let posts = read_posts(dir.path());
    let by_id: BTreeMap<&str, &Post> = posts.iter().map(|p| (p.id.as_str(), p)).collect();
    let planted = read_truth_posts(dir.path());
    let campaigns: BTreeSet<&String> = truth.values().filter(|l| is_campaign(l)).collect();
    assert!(campaigns.len() >= 6, "{campaigns:?}");
    assert_eq!(
        summary.campaign_accounts,
        truth.values().filter(|l| is_campaign(l)).count() as u64
    );
    for stem in [
        "repost_ring",
        "copypaste_ring",
        "link_ring",
        "hashtag_push",
        "slow_ring",
        "reply_swarm",
    ] {
        assert!(
            campaigns.iter().any(|c| c.starts_with(stem)),
            "no {stem} in {campaigns:?}"
        );
    }
    for c in &campaigns {
        let members = accounts_with(&truth, c);
        assert!(members.len() >= 8, "{c}: {} accounts", members.len());
        let n = planted.iter().filter(|r| &r.2 == *c).count();
        assert!(n >= 50, "{c}: {n} planted posts");
    }
    // Planted posts exist and are written by their campaign's accounts.
    for (id, _, campaign, _) in &planted {
        let p = by_id.get(id.as_str()).expect("planted post in posts.csv");
        assert_eq!(&truth[&p.user], campaign, "post {id}");
    }
    // Slow ring: retweet rounds spread over minutes; reply swarm: many replies to one post
    // within two minutes.
    let mut slow: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut swarm: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (id, _, campaign, _) in &planted {
        let p = by_id[id.as_str()];
        if campaign.starts_with("slow_ring") && !p.repost_id.is_empty() {
            slow.entry(p.repost_id.as_str()).or_default().push(p.ts);
        }
        if campaign.starts_with("reply_swarm") {
            assert!(!p.reply_id.is_empty(), "swarm posts are replies");
            swarm.entry(p.reply_id.as_str()).or_default().push(p.ts);
        }
    }
    let spread = |v: &Vec<i64>| v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0);
    assert!(
        slow.len() >= 6 && slow.len() <= 10,
        "{} slow rounds",
        slow.len()
    );
    assert!(slow.values().any(|v| spread(v) >= 120), "slow ring is slow");
    assert!(slow.values().all(|v| spread(v) <= 600));
    assert!(swarm.len() >= 8, "{} swarm rounds", swarm.len());
    for v in swarm.values() {
        assert!(v.len() >= 5 && spread(v) <= 120, "{v:?}");
    }
    // Copy-paste rings vary their copies cosmetically.
    let mut texts: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (id, template, campaign, _) in &planted {
        if campaign.starts_with("copypaste_ring") {
            texts
                .entry(template.as_str())
                .or_default()
                .insert(by_id[id.as_str()].message.as_str());
        }
    }
    assert!(texts.values().any(|t| t.len() >= 3), "{texts:?}");
}

#[test]
fn h20_files_are_present_and_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run(dir.path(), "h20", 4, 0.2);
    assert_eq!(summary.files.len(), 7);
    for f in &summary.files {
        assert!(f.exists(), "{}", f.display());
    }
    let truth = read_truth(dir.path());
    assert_hard_negatives(&truth, 0.5);
    let posts = read_posts(dir.path());
    let by_id: BTreeMap<&str, &Post> = posts.iter().map(|p| (p.id.as_str(), p)).collect();

    // References.
    let refs: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join(REFERENCES_JSONL))
        .expect("references")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!((3..=6).contains(&refs.len()));
    let mut ref_urls = BTreeSet::new();
    let mut ref_times = Vec::new();
    for r in &refs {
        let obj = r.as_object().expect("object");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        for k in ["url", "title", "text", "source", "published_at"] {
            assert!(keys.contains(&k), "{k} missing");
        }
        ref_urls.insert(r["url"].as_str().expect("url").to_string());
        assert!(r["text"].as_str().expect("text").chars().count() > 50);
        ref_times.push(rfc3339_secs(r["published_at"].as_str().expect("time")));
    }
    assert!(refs
        .iter()
        .any(|r| r["text"].as_str().is_some_and(|t| t.contains("后门"))));

    // Seed accounts are in the data, labelled as state media in the truth.
    let (header, seeds) = read_csv(&dir.path().join(SEED_ACCOUNTS_CSV));
    assert_eq!(header, ["account_id", "handle", "label"]);
    assert!(seeds.len() >= 4);
    let authors: BTreeSet<&str> = posts.iter().map(|p| p.user.as_str()).collect();
    for s in &seeds {
        assert!(authors.contains(s[0].as_str()), "seed {} posts", s[1]);
        assert_eq!(truth[&s[0]], "organic:state_media");
        assert!(s[2] == "state_media" || s[2] == "regulator");
    }

    // Campaigns: 3-5 groups, each findable.
    let planted = read_truth_posts(dir.path());
    let campaigns: BTreeSet<&String> = truth.values().filter(|l| is_campaign(l)).collect();
    assert!((3..=5).contains(&campaigns.len()), "{campaigns:?}");
    for c in &campaigns {
        assert!(c.starts_with("h20_"), "{c}");
        assert!(accounts_with(&truth, c).len() >= 8, "{c}");
        let n = planted.iter().filter(|r| &r.2 == *c).count();
        assert!(n >= 40, "{c}: {n} planted posts");
    }
    let mut per_template: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, template, campaign, echo) in &planted {
        let p = by_id.get(id.as_str()).expect("planted post in posts.csv");
        assert_eq!(&truth[&p.user], campaign);
        if !echo.is_empty() {
            assert!(ref_urls.contains(echo), "echo {echo} not a reference");
        }
        if !template.is_empty() {
            *per_template.entry(template.as_str()).or_default() += 1;
        }
    }
    assert!(per_template.len() >= 8, "{per_template:?}");
    for (t, n) in &per_template {
        assert!(*n >= 5, "template {t}: {n} posts");
    }
    // Some posts echo references, by text or by link.
    assert!(planted.iter().filter(|r| !r.3.is_empty()).count() >= 50);

    // Timeline: summons, then onset, then the peak, within 48 hours.
    let events = read_events(dir.path());
    let summons = events["regulator_summons"];
    let onset = events["escalation_onset"];
    let peak = events["escalation_peak"];
    assert!(events.contains_key("nvidia_statement"));
    assert!(summons < onset && onset < peak, "{summons} {onset} {peak}");
    assert!(peak - summons <= 60 * 3600);
    assert!(onset - summons <= 12 * 3600);
    let first_planted = planted
        .iter()
        .map(|r| by_id[r.0.as_str()].ts)
        .min()
        .expect("planted posts");
    assert_eq!(first_planted, onset, "onset is the first coordinated post");
    assert!(ref_times.iter().all(|&t| t >= summons));

    // Escalation: the second day of the wave carries more than twice the first.
    let day1 = planted
        .iter()
        .filter(|r| (onset..onset + 86_400).contains(&by_id[r.0.as_str()].ts))
        .count();
    let day2 = planted
        .iter()
        .filter(|r| (onset + 86_400..onset + 2 * 86_400).contains(&by_id[r.0.as_str()].ts))
        .count();
    assert!(day2 > 2 * day1, "day 1 {day1}, day 2 {day2}");

    // The wave's texture: traditional variants, Weibo topics, varied URL spellings.
    let planted_msgs: Vec<&str> = planted
        .iter()
        .map(|r| by_id[r.0.as_str()].message.as_str())
        .collect();
    assert!(planted_msgs
        .iter()
        .any(|m| m.contains("國產") || m.contains("後門")));
    assert!(planted_msgs.iter().any(|m| m.contains("#英伟达后门#")));
    assert!(planted_msgs
        .iter()
        .any(|m| m.contains("美国芯片，美国控制")));
    let link_urls: BTreeSet<&str> = planted
        .iter()
        .filter(|r| r.2.starts_with("h20_link"))
        .map(|r| by_id[r.0.as_str()].urls.as_str())
        .collect();
    assert!(link_urls.len() >= 6, "{link_urls:?}");

    // Ordinary users discuss it too: the narrative is not all coordinated.
    let organic_topic = posts
        .iter()
        .filter(|p| !is_campaign(&truth[&p.user]) && p.repost_id.is_empty())
        .filter(|p| p.message.contains("英伟达") || p.message.contains("H20"))
        .count();
    assert!(
        organic_topic >= 100,
        "{organic_topic} organic posts on the topic"
    );
    let zh = posts
        .iter()
        .filter(|p| {
            p.message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        })
        .count();
    assert!(
        zh * 2 > posts.len(),
        "{zh} of {} posts in Chinese",
        posts.len()
    );
}

#[test]
fn h20_jsonl_carries_weibo_topics_and_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "h20", 6, 0.05);
    let text = std::fs::read_to_string(dir.path().join(POSTS_JSONL)).expect("jsonl");
    let posts = read_posts(dir.path());
    let mut saw_topic = false;
    let mut langs = BTreeSet::new();
    for (line, p) in text.lines().zip(&posts) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(v["id_str"].as_str(), Some(p.id.as_str()));
        langs.insert(v["lang"].as_str().unwrap_or("").to_string());
        let full = v["full_text"].as_str().unwrap_or("");
        for h in v["entities"]["hashtags"].as_array().expect("hashtags") {
            let tag = h["text"].as_str().expect("tag text");
            assert!(full.contains(&format!("#{tag}")), "{tag} not in {full}");
            if full.contains(&format!("#{tag}#")) && !tag.is_ascii() {
                saw_topic = true;
            }
        }
    }
    assert!(saw_topic);
    assert!(langs.contains("zh") && langs.contains("en"));
}

#[test]
fn hard_negatives_and_campaigns_exist_at_small_scales() {
    for (scenario, scale) in [("mixed", 0.1), ("h20", 0.1), ("organic", 0.1)] {
        let dir = tempfile::tempdir().expect("tempdir");
        run(dir.path(), scenario, 1, scale);
        let truth = read_truth(dir.path());
        for kind in HARD_NEGATIVES {
            assert!(
                truth.values().any(|l| l == kind),
                "{scenario} at {scale}: no {kind}"
            );
        }
        let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
        for l in truth.values().filter(|l| is_campaign(l)) {
            *sizes.entry(l.as_str()).or_default() += 1;
        }
        assert!(sizes.values().all(|&n| n >= 8), "{scenario}: {sizes:?}");
    }
}

#[test]
fn realistic_scenarios_are_deterministic() {
    for scenario in ["mixed", "h20"] {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let c = tempfile::tempdir().expect("tempdir");
        let sa = run(a.path(), scenario, 9, 0.05);
        run(b.path(), scenario, 9, 0.05);
        run(c.path(), scenario, 10, 0.05);
        for f in &sa.files {
            let name = f.file_name().expect("file name");
            let x = std::fs::read(a.path().join(name)).expect("read a");
            let y = std::fs::read(b.path().join(name)).expect("read b");
            assert!(
                x == y,
                "{scenario}: {name:?} differs between identical runs"
            );
        }
        for name in [POSTS_CSV, TRUTH_CSV] {
            let x = std::fs::read(a.path().join(name)).expect("read a");
            let z = std::fs::read(c.path().join(name)).expect("read c");
            assert!(x != z, "{scenario}: {name} identical for different seeds");
        }
    }
}

#[test]
fn custom_knobs_shape_the_campaigns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut knobs = ScenarioKnobs::defaults("organic", 0.1).expect("defaults");
    knobs.campaigns.push(CampaignKnobs {
        name: "my_slow_ring".into(),
        kind: CampaignKind::SlowRing,
        lang: Lang::English,
        size: 9,
        rounds: 5,
        spread_secs: (200, 400),
        join: 1.0,
        dilution: 0.0,
    });
    knobs.hard_negatives.fan_groups = 3;
    let o = opts(dir.path(), "organic", 1, 0.1);
    let summary = generate_with(&o, &knobs).expect("generate_with");
    assert_eq!(summary.campaign_accounts, 9);
    let truth = read_truth(dir.path());
    assert_eq!(accounts_with(&truth, "my_slow_ring").len(), 9);
    let planted = read_truth_posts(dir.path());
    let posts = read_posts(dir.path());
    let by_id: BTreeMap<&str, &Post> = posts.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut rounds: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (id, ..) in &planted {
        let p = by_id[id.as_str()];
        let key = if p.repost_id.is_empty() {
            p.id.as_str()
        } else {
            p.repost_id.as_str()
        };
        rounds.entry(key).or_default().push(p.ts);
    }
    assert_eq!(rounds.len(), 5);
    // join = 1: everyone acts every round (the leader posts, eight retweet), and with no
    // dilution the ring posts almost nothing else.
    assert_eq!(planted.len(), 45);
    let own = posts
        .iter()
        .filter(|p| truth[&p.user] == "my_slow_ring")
        .count();
    assert!(own < 45 + 15, "{own} posts by the ring");

    // Knobs are refused where they do not apply, and nonsense is refused.
    assert!(generate_with(&opts(dir.path(), "basic", 1, 0.1), &knobs).is_err());
    knobs.campaigns[0].join = 1.5;
    assert!(generate_with(&o, &knobs).is_err());
}
