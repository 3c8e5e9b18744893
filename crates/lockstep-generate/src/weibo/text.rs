//! Texts of the Weibo world: posts of every kind of author, the short texts of reposts and
//! comments (empty, the default 转发微博, bracketed emoji codes, generic approval, replies in
//! context), fan cheers, state-media echo, comment-thread arguments, and the planted
//! campaigns' templates.

use crate::words::Words;
use rand::Rng;

use crate::sampling::{between, chance, index, pick, unit};

/// Keywords of the search part's crawl: every original of the search part contains one.
pub const KEYWORDS: &[&str] = &["芯片", "英伟达", "H20", "算力", "GPU"];

/// Bracketed emoji codes, most common first (Zipf-drawn): `[哈哈]`, `[吃惊]` and `[蜡烛]` lead,
/// as in real repost and comment texts.
pub(crate) static EMOJI_CODES: Words = words!("weibo/emoji_codes.txt");

/// A bracketed emoji code, Zipf by rank.
pub(crate) fn emoji_code<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    // Inverse-CDF of a Zipf(1.1) over the codes, computed on the fly (20 items).
    let weights: [f64; 20] = std::array::from_fn(|r| 1.0 / ((r + 1) as f64).powf(1.1));
    let total: f64 = weights.iter().sum();
    let mut x = unit(rng) * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return EMOJI_CODES[i];
        }
        x -= w;
    }
    EMOJI_CODES[0]
}

/// Generic approval, written by everyone (and by the boost ring).
pub(crate) static GENERIC: Words = words!("weibo/generic.txt");

/// The context a repost or comment is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Chip / H20 discussion.
    Chips,
    /// Everyday post or debate.
    Everyday,
    /// A state-media post.
    State,
    /// A star's post (fans and public).
    Star,
    /// A viral story.
    Viral,
}

static CHIP_REPLIES: Words = words!("weibo/chip_replies.txt");
static EVERYDAY_REPLIES: Words = words!("weibo/everyday_replies.txt");
/// State-media echo: overt approval of official news.
pub(crate) static PATRIOTIC: Words = words!("weibo/patriotic.txt");
static VIRAL_REPLIES: Words = words!("weibo/viral_replies.txt");
/// Fans' cheers (`{s}` is the star's name).
static CHEERS: Words = words!("weibo/cheers.txt");

/// The default text of a repost without a comment.
fn default_repost<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    match index(rng, 20) {
        0..=16 => "转发微博",
        17 | 18 => "轉發微博",
        _ => "转发微博。",
    }
}

/// What an ordinary account writes when it reposts (`repost`) or comments in `ctx`: about
/// 40 % empty (more for reposts), the default 转发微博 for some reposts, then single emoji
/// codes, generic approval, and replies in context, sometimes with an emoji appended.
pub(crate) fn reaction<R: Rng + ?Sized>(rng: &mut R, ctx: Context, repost: bool) -> String {
    let x = unit(rng);
    let (empty, default) = if repost { (0.6, 0.055) } else { (0.32, 0.0) };
    if x < empty {
        return String::new();
    }
    if x < empty + default {
        return default_repost(rng).to_string();
    }
    let y = unit(rng);
    if y < 0.26 {
        return emoji_code(rng).to_string();
    }
    if y < 0.38 {
        return pick(rng, &GENERIC, "支持").to_string();
    }
    let pool = match ctx {
        Context::Chips => &CHIP_REPLIES,
        Context::Everyday | Context::Star => &EVERYDAY_REPLIES,
        Context::State => &PATRIOTIC,
        Context::Viral => &VIRAL_REPLIES,
    };
    let mut s = pick(rng, pool, "路过").to_string();
    if chance(rng, 0.35) {
        s.push_str(pick(rng, &["，", "。", "！", " ", "…"], "，"));
        s.push_str(pick(rng, pool, "路过"));
    }
    if chance(rng, 0.3) {
        s.push_str(emoji_code(rng));
    } else if chance(rng, 0.25) {
        s.push_str(pick(rng, &["！", "。", "…", "？", "!!", "~"], "！"));
    }
    s
}

/// What a fan writes on the star's post.
pub(crate) fn fan_text<R: Rng + ?Sized>(rng: &mut R, star: &str, repost: bool) -> String {
    let x = unit(rng);
    if repost && x < 0.3 {
        return String::new();
    }
    if repost && x < 0.45 {
        return default_repost(rng).to_string();
    }
    if x < 0.6 {
        return pick(
            rng,
            &["[心]", "[爱你]", "[抱抱]", "[鼓掌]", "🌹", "❤️"],
            "[心]",
        )
        .to_string();
    }
    pick(rng, &CHEERS, "加油").replace("{s}", star)
}

/// What a state-media echo regular writes.
pub(crate) fn echo_text<R: Rng + ?Sized>(rng: &mut R, repost: bool) -> String {
    let x = unit(rng);
    if repost && x < 0.3 {
        return String::new();
    }
    if repost && x < 0.38 {
        return default_repost(rng).to_string();
    }
    if x < 0.5 {
        return pick(rng, &["[赞]", "[good]", "[鼓掌]", "[蜡烛]", "[心]"], "[赞]").to_string();
    }
    pick(rng, &PATRIOTIC, "支持").to_string()
}

/// Lines of a comment-thread argument.
static THREAD_LINES: Words = words!("weibo/thread_lines.txt");

/// One comment of a comment-thread argument; with `to`, sometimes addressed `回复@to:`.
pub(crate) fn thread_line<R: Rng + ?Sized>(rng: &mut R, to: Option<&str>) -> String {
    let mut s = pick(rng, &THREAD_LINES, "好吧").to_string();
    if chance(rng, 0.25) {
        s.push_str(pick(rng, &THREAD_LINES, "好吧"));
    }
    match to {
        Some(nick) if chance(rng, 0.3) => format!("回复@{nick}:{s}"),
        _ => s,
    }
}

// ---------------------------------------------------------------------------------------
// Originals
// ---------------------------------------------------------------------------------------

static CHIP_PREFIXES: Words = words!("weibo/chip_prefixes.txt");
static CHIP_OPENERS: Words = words!("weibo/chip_openers.txt");
static CHIP_DETAILS: Words = words!("weibo/chip_details.txt");
static CHIP_TAILS: Words = words!("weibo/chip_tails.txt");
/// Organic Weibo topics of chip discussion, most used first.
pub(crate) static CHIP_TOPICS: Words = words!("weibo/chip_topics.txt");

/// An ordinary user's post about chips (it contains a crawl keyword): a framing, an
/// opinion, a detail with a number, a conclusion, in varying combinations, so that exact
/// copies are rare.
pub(crate) fn chip_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut s = String::new();
    if chance(rng, 0.4) {
        s.push_str(pick(rng, &CHIP_PREFIXES, "今天"));
    }
    s.push_str(pick(rng, &CHIP_OPENERS, "H20到底有没有后门"));
    if chance(rng, 0.5) {
        s.push_str(pick(rng, &["，", "。", "！", "，", "…"], "，"));
        let n = between(rng, 2, 96).to_string();
        s.push_str(&pick(rng, &CHIP_DETAILS, "排队等了{n}个月").replace("{n}", &n));
    }
    if chance(rng, 0.6) {
        s.push_str(pick(rng, &["，", "。", "！", "…", " "], "，"));
        s.push_str(pick(rng, &CHIP_TAILS, "大家怎么看"));
    }
    s.push_str(pick(rng, &["。", "！", "？", "", "…", "~"], "。"));
    if chance(rng, 0.3) {
        s.push_str(emoji_code(rng));
    }
    s
}

static EVERYDAY_POSTS: Words = words!("weibo/everyday_posts.txt");

/// A post that starts a discussion (comment threads grow under such posts).
pub(crate) fn everyday_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut s = pick(rng, &EVERYDAY_POSTS, "大家怎么看").to_string();
    if chance(rng, 0.3) {
        s.push_str(emoji_code(rng));
    }
    s
}

/// The fictional state-media accounts' nicknames.
pub(crate) static OUTLETS: Words = words!("weibo/outlets.txt");

const STATE_GENERAL: &[(&str, &str)] = &[
    ("暴雨红色预警", "多地迎来强降雨，请注意出行安全，转发提醒！"),
    ("致敬消防员", "烈日下，他们一次次冲向火场。致敬最可爱的人！"),
    (
        "神舟飞船发射成功",
        "祝贺！航天员乘组状态良好，发射取得圆满成功。",
    ),
    (
        "高温下的坚守",
        "40℃高温下，环卫工人、外卖小哥仍在坚守岗位，向他们道一声辛苦！",
    ),
    (
        "人民微评",
        "守护好每一份平凡的美好，就是守护我们共同的家园。",
    ),
    (
        "台风最新消息",
        "今年第8号台风预计今夜登陆，沿海地区请做好防范。",
    ),
    ("世运会", "中国代表团再添一金！为健儿们点赞！"),
    ("开学季", "新学期即将开始，这些安全提示请家长收好。"),
    ("夜读", "愿你历尽千帆，归来仍是少年。晚安！"),
    (
        "国际锐评",
        "任何人都不要低估中国人民捍卫国家主权的坚强决心。",
    ),
];
const STATE_CHIPS: &[(&str, &str)] = &[
    ("国家网信办约谈英伟达", "要求其就对华销售的H20算力芯片漏洞后门安全风险问题进行说明，并提交相关证明材料。"),
    ("英伟达H20芯片安全风险", "网络安全是国家安全的重要组成部分，任何企业都不应在芯片中预留后门。"),
    ("国产算力芯片", "国产芯片在多个领域实现突破，自主可控之路越走越宽。"),
    ("人民微评", "一款存在后门隐患的芯片，不可能是好芯片。英伟达应当拿出令人信服的安全证明。"),
    ("专家解读芯片后门风险", "芯片层面的后门一旦被植入，普通用户几乎无法察觉，关键信息基础设施应优先采用安全可控的产品。"),
];

/// A state-media post: `【#topic#】body`, about chips (search part) or general news.
pub(crate) fn state_post<R: Rng + ?Sized>(rng: &mut R, chips: bool) -> String {
    let table = if chips { STATE_CHIPS } else { STATE_GENERAL };
    let (topic, body) = table[index(rng, table.len())];
    let mut s = format!("【#{topic}#】{body}");
    if chance(rng, 0.3) {
        s.push_str(pick(
            rng,
            &["（记者 王磊）", "（央视记者 李娜）", "（来源：新华社）"],
            "",
        ));
    }
    s
}

/// Stars of the world (fictional): display names.
pub(crate) static STARS: Words = words!("weibo/stars.txt");
/// The tech blogger with a fan club whose posts are in the search part.
pub(crate) const KOL: &str = "数码闲聊站";

static STAR_POSTS: Words = words!("weibo/star_posts.txt");
static KOL_POSTS: Words = words!("weibo/kol_posts.txt");

/// A star's post (checked part).
pub(crate) fn star_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut s = pick(rng, &STAR_POSTS, "谢谢大家").to_string();
    s.push_str(pick(rng, &["❤️", "🎶", "✨", "🙏", "[心]", ""], ""));
    s
}

/// The tech blogger's post (search part; it contains a crawl keyword).
pub(crate) fn kol_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    pick(rng, &KOL_POSTS, "H20实测").to_string()
}

static VIRAL_REAL: Words = words!("weibo/viral_real.txt");
static VIRAL_FAKE: Words = words!("weibo/viral_fake.txt");

/// A viral post: a touching story (`false`) or a rumour that will be labelled fake (`true`).
pub(crate) fn viral_post<R: Rng + ?Sized>(rng: &mut R) -> (String, bool) {
    if chance(rng, 0.3) {
        (pick(rng, &VIRAL_FAKE, "紧急扩散！").to_string(), true)
    } else {
        (pick(rng, &VIRAL_REAL, "为他点赞！").to_string(), false)
    }
}

/// Viral posts of the search part (they contain a crawl keyword).
static VIRAL_CHIPS: Words = words!("weibo/viral_chips.txt");

/// A viral post of the search part.
pub(crate) fn viral_chip_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    pick(rng, &VIRAL_CHIPS, "国产芯片加油！").to_string()
}

/// The reply swarm's targets: nicknames and what they post.
pub(crate) static TARGETS: Words = words!("weibo/targets.txt");
static TARGET_POSTS: Words = words!("weibo/target_posts.txt");

/// A post by one of the reply swarm's targets (about H20 / Nvidia, positive).
pub(crate) fn target_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    pick(rng, &TARGET_POSTS, "H20表现出色。").to_string()
}

/// A breaking-news event of the search part: the headline and its Weibo topic.
pub(crate) const NEWS: &[(&str, &str)] = &[
    (
        "英伟达回应H20芯片安全风险：不存在后门",
        "英伟达回应H20安全风险",
    ),
    ("英伟达盘中大跌超5%，H20订单或受影响", "英伟达股价大跌"),
    ("多家互联网公司暂停采购H20芯片", "暂停采购H20"),
    ("国产算力芯片迎来大单，多家厂商签约", "国产算力芯片大单"),
    ("美国拟要求出口芯片加装追踪定位功能", "芯片追踪定位"),
];
static NEWS_REACTIONS: Words = words!("weibo/news_reactions.txt");

/// What one account posts about a news event: the headline, the topic, or both, with its own
/// reaction (many copy the headline verbatim).
pub(crate) fn news_post<R: Rng + ?Sized>(rng: &mut R, headline: &str, topic: &str) -> String {
    let reaction = pick(rng, &NEWS_REACTIONS, "大家怎么看");
    match index(rng, 10) {
        0..=3 => format!("【{headline}】{reaction}"),
        4..=6 => format!("#{topic}#{reaction}{}", emoji_code(rng)),
        _ => format!("#{topic}#【{headline}】"),
    }
}

/// A local media account's nickname.
pub(crate) fn media_nick(k: usize) -> String {
    const CITIES: &[&str] = &[
        "北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安", "南京", "重庆",
    ];
    const KINDS: &[&str] = &["晚报", "新闻", "日报", "都市报", "发布"];
    format!(
        "{}{}",
        CITIES[k % CITIES.len()],
        KINDS[(k / CITIES.len()) % KINDS.len()]
    )
}

// ---------------------------------------------------------------------------------------
// Planted campaigns
// ---------------------------------------------------------------------------------------

/// The boost ring's repost texts (the generic texts everyone uses).
pub(crate) static BOOST_REPOSTS: Words = words!("weibo/boost_reposts.txt");
/// The boost ring's comment texts.
pub(crate) static BOOST_COMMENTS: Words = words!("weibo/boost_comments.txt");

/// The copy-paste group's long templates.
pub(crate) static COPY_TEMPLATES: Words = words!("weibo/copy_templates.txt");
/// Topics the copy-paste group appends, rotating by round.
pub(crate) static COPY_TOPICS: Words = words!("weibo/copy_topics.txt");
/// Topics of the hashtag push.
pub(crate) static PUSH_TOPICS: Words = words!("weibo/push_topics.txt");
/// Short, varied texts the hashtag push carries its topics on.
pub(crate) static PUSH_TEXTS: Words = words!("weibo/push_texts.txt");
/// The reply swarm's short templated replies.
pub(crate) static SWARM_TEMPLATES: Words = words!("weibo/swarm_templates.txt");
/// Topics the reply swarm appends (one unterminated, as some accounts write them).
pub(crate) static SWARM_TAGS: Words = words!("weibo/swarm_tags.txt");
/// Emoji the reply swarm appends.
pub(crate) static SWARM_EMOJI: Words = words!("weibo/swarm_emoji.txt");

/// The reply swarm's text: a template, then now and then a topic, an emoji and a mention.
pub(crate) fn swarm_text<R: Rng + ?Sized>(rng: &mut R, k: usize, tag: &str) -> String {
    let mut s = SWARM_TEMPLATES[k % SWARM_TEMPLATES.len()].to_string();
    if chance(rng, 0.6) {
        s.push(' ');
        s.push_str(tag);
    }
    if chance(rng, 0.35) {
        s.push_str(pick(rng, &SWARM_EMOJI, "[怒]"));
    }
    if chance(rng, 0.2) {
        s.push_str(" @");
        s.push_str(pick(rng, &OUTLETS, "人民日报"));
    }
    s
}

/// A hashtag-push post: a short text with the round's topics before or after it.
pub(crate) fn push_text<R: Rng + ?Sized>(rng: &mut R, topics: &[&str]) -> String {
    let text = pick(rng, &PUSH_TEXTS, "支持！");
    let tags: String = topics.iter().map(|t| format!("#{t}#")).collect();
    let mut s = if chance(rng, 0.5) {
        format!("{tags}{text}")
    } else {
        format!("{text}{tags}")
    };
    if chance(rng, 0.25) {
        s.push_str(emoji_code(rng));
    }
    s
}

/// Pictures of a post: one to `max` sinaimg URLs in the style of real ones.
pub(crate) fn pic_urls<R: Rng + ?Sized>(rng: &mut R, max: usize, size: &str) -> Vec<String> {
    const B36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let n = between(rng, 1, max.max(1) as i64) as usize;
    (0..n)
        .map(|_| {
            let owner: String = (0..8)
                .map(|_| char::from(b"0123456789abcdef"[index(rng, 16)]))
                .collect();
            let key: String = (0..20).map(|_| char::from(B36[index(rng, 36)])).collect();
            format!(
                "https://wx{}.sinaimg.cn/{size}/{owner}{}1h{key}.jpg",
                between(rng, 1, 4),
                pick(rng, &["ly", "gy"], "ly")
            )
        })
        .collect()
}

/// A video URL in the style of Weibo's CDN.
pub(crate) fn video_url<R: Rng + ?Sized>(rng: &mut R) -> String {
    const B62: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let key: String = (0..26).map(|_| char::from(B62[index(rng, 62)])).collect();
    format!(
        "http://f.video.weibocdn.com/o0/{key}01041200{}E010.mp4",
        between(rng, 10, 99)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn reactions_follow_the_measured_shares() {
        // Before chains take some of them: reposts about 60 % empty, comments about 32 %;
        // the default text only on reposts; emoji codes ahead of it.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 20_000;
        for (repost, lo, hi) in [(true, 0.55, 0.65), (false, 0.27, 0.37)] {
            let (mut empty, mut default, mut emoji) = (0, 0, 0);
            for _ in 0..n {
                let t = reaction(&mut rng, Context::Chips, repost);
                if t.is_empty() {
                    empty += 1;
                } else if t.starts_with("转发微博") || t == "轉發微博" {
                    default += 1;
                } else if EMOJI_CODES.contains(&t.as_str()) {
                    emoji += 1;
                }
            }
            let share = |k: i32| f64::from(k) / f64::from(n);
            assert!(
                (lo..hi).contains(&share(empty)),
                "{repost} {}",
                share(empty)
            );
            if repost {
                assert!((0.04..0.07).contains(&share(default)), "{}", share(default));
            } else {
                assert_eq!(default, 0);
            }
            assert!(emoji > default, "{emoji} {default}");
        }
    }

    #[test]
    fn crawl_keywords_are_in_every_search_original() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let has = |s: &str| KEYWORDS.iter().any(|k| s.contains(k));
        for _ in 0..300 {
            assert!(has(&chip_post(&mut rng)));
            assert!(has(&kol_post(&mut rng)));
            assert!(has(&viral_chip_post(&mut rng)));
            assert!(has(&state_post(&mut rng, true)));
            assert!(has(&push_text(&mut rng, &["拒绝H20"])));
        }
        for (h, t) in NEWS {
            assert!(has(h) && has(&format!("#{t}#")));
        }
        for t in COPY_TEMPLATES.iter() {
            assert!(has(t) && t.chars().count() > 80);
        }
    }
}
