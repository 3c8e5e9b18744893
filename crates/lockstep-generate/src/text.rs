//! Vocabulary and text builders: organic English and Chinese sentences, replies, campaign
//! slogans, account names, Zipf-popular URL and hashtag pools, URL spelling variants and
//! t.co-style short links.

use rand::Rng;

use crate::sampling::{between, chance, index, pick, zipf_table, AliasTable};

// ---------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------

const SUBJECTS: &[&str] = &[
    "The city council",
    "My neighbor",
    "Our team",
    "The new mayor",
    "Everyone at work",
    "The local library",
    "This startup",
    "The weather service",
    "My sister",
    "The coffee shop on 5th",
    "The school board",
    "My landlord",
    "The transit agency",
    "Half the internet",
    "The museum",
    "My cat",
    "The grocery store",
    "Our book club",
    "The football club",
    "The university",
    "A guy on the train",
    "The airline",
    "My manager",
    "The hospital",
    "Our neighborhood group",
    "The bakery downtown",
    "This podcast",
    "The governor",
    "My favorite band",
    "The zoo",
    "The tech company",
    "The newspaper",
    "My roommate",
    "The gym",
    "The farmers market",
    "Our streaming service",
    "The bike shop",
    "The state park",
    "My dentist",
    "The power company",
    "The new phone",
    "Our soccer coach",
    "The concert hall",
    "My grandma",
    "The city",
];

const VERBS: &[&str] = &[
    "just announced",
    "is planning",
    "finally opened",
    "quietly changed",
    "keeps talking about",
    "wants to cancel",
    "approved",
    "is launching",
    "postponed",
    "doubled the price of",
    "posted a thread about",
    "is hiring for",
    "accidentally leaked",
    "renamed",
    "is fundraising for",
    "just reviewed",
    "closed",
    "brought back",
    "complained about",
    "is testing",
    "released",
    "is celebrating",
    "rejected",
    "fixed",
    "is voting on",
    "can't stop recommending",
    "finished",
    "moved",
    "redesigned",
    "spent all week on",
    "is still arguing about",
    "sold out",
    "upgraded",
    "forgot about",
    "is streaming",
    "got rid of",
    "expanded",
    "published",
    "is protesting",
    "paused",
];

const OBJECTS: &[&str] = &[
    "a new bike lane",
    "the summer festival",
    "free concerts in the park",
    "its pricing",
    "the budget vote",
    "the night market",
    "a four-day work week",
    "the old train station",
    "the recycling program",
    "a community garden",
    "the late-night bus route",
    "the parking rules",
    "a new pasta place",
    "the marathon route",
    "the library card design",
    "a jazz night",
    "the rent increase",
    "the solar panel rebate",
    "the new stadium",
    "the water park",
    "a robotics class",
    "the holiday schedule",
    "the dog park",
    "the playoff tickets",
    "a pop-up bookstore",
    "the school lunch menu",
    "the bridge repairs",
    "the film festival",
    "the climate plan",
    "a tiny-house village",
    "the hiking trail",
    "the phone update",
    "the museum exhibit",
    "its loyalty app",
    "a charity run",
    "the fireworks show",
    "the power outage map",
    "the coffee subscription",
    "a chess tournament",
    "the new logo",
    "the air quality alerts",
    "a local election debate",
    "the bus fare",
    "the art walk",
    "the open data portal",
    "the ferry schedule",
    "a cooking contest",
    "the heat wave shelters",
];

const TAILS: &[&str] = &[
    " today",
    " this weekend",
    " again",
    " and nobody noticed",
    " - wild",
    " lol",
    "",
    "",
    "",
    " for the third time",
    " without telling anyone",
    " right before the holidays",
    " at 2am",
    " and I'm here for it",
    " and honestly, it's about time",
    " (finally)",
    " this morning",
    " in the middle of a heat wave",
    " and the comments are a mess",
    " and it actually works",
    " after months of delays",
    " because of course",
    ", which nobody asked for",
    ", and people are furious",
    ", and I love it",
    " yesterday",
    " last night",
];

const REACTIONS: &[&str] = &[
    "Honestly",
    "Wow.",
    "Not sure how I feel about this.",
    "Thoughts?",
    "Love it!",
    "This is fine.",
    "Big if true.",
    "Called it.",
    "Can't make this up.",
    "Finally!",
    "Unreal.",
    "Hmm.",
    "Good news for once.",
    "Ugh.",
    "Interesting.",
    "No words.",
    "Well, that happened.",
    "Respect.",
    "Nope.",
    "About time.",
    "Mixed feelings.",
    "Hot take:",
    "Fun fact:",
    "PSA:",
    "Reminder:",
    "Update:",
    "Okay but",
];

const CONNECTORS: &[&str] = &[
    "but",
    "and",
    "so",
    "although",
    "because",
    "while",
    "yet",
    "which means",
];

const CLAUSES: &[&str] = &[
    "I still haven't seen anyone explain why",
    "the line was around the block",
    "my whole feed is talking about it",
    "the forecast says rain all week",
    "nobody knows who approved it",
    "tickets are already gone",
    "the app keeps crashing",
    "it took them ten years",
    "I'm cautiously optimistic",
    "my group chat is losing it",
    "the numbers don't add up",
    "the kids loved it",
    "it's cheaper than last year",
    "the parking is still a nightmare",
    "we'll see how long it lasts",
    "someone should write a song about it",
    "the reviews are weirdly good",
    "I need a nap",
    "it's the best thing this year",
    "the traffic is worse than ever",
];

const QUOTES: &[&str] = &[
    "Be the change you wish to see",
    "Stay hungry, stay foolish",
    "Less is more",
    "Done is better than perfect",
    "Simplicity is the ultimate sophistication",
    "The best time to plant a tree was 20 years ago",
    "Slow and steady wins the race",
    "Fortune favors the bold",
    "Measure twice, cut once",
    "Make it work, make it right, make it fast",
];

const PEOPLE: &[&str] = &[
    "my grandma",
    "a wise barista",
    "my coach",
    "the internet",
    "Ada Lovelace",
    "my old boss",
    "someone on the bus",
    "Confucius (probably)",
    "my kid",
    "a fortune cookie",
];

const TIME_PHRASES: &[&str] = &[
    "before work",
    "on my lunch break",
    "with the kids",
    "in the rain",
    "after the game",
    "at midnight",
    "on the way home",
    "for the first time",
    "with friends",
    "all by myself",
];

const ZH_PHRASES: &[&str] = &[
    "今天天气很好",
    "刚刚看到一个新闻",
    "这个城市越来越美了",
    "大家怎么看",
    "周末去爬山了",
    "地铁又晚点了",
    "新开的咖啡店不错",
    "工作太忙了",
    "晚饭吃了火锅",
    "明天要下雨",
    "终于放假了",
    "这部电影值得一看",
    "朋友推荐了一本书",
    "房租又涨了",
    "学校开学了",
    "公园里人很多",
    "手机又要更新了",
    "这首歌太好听了",
    "比赛结果出来了",
    "外卖送得很快",
    "今天加班到很晚",
    "图书馆新书上架",
    "夜市很热闹",
    "早上跑了五公里",
    "猫咪在睡觉",
    "菜市场的菜很新鲜",
    "高铁票很难买",
    "博物馆有新展览",
    "孩子们很开心",
    "空气质量不错",
    "会议开了三个小时",
    "网上大家都在讨论",
    "我觉得很有道理",
    "真的没想到",
    "希望一切顺利",
    "这个价格有点贵",
    "老城区变化很大",
    "新的公交线路开通了",
    "家里来了客人",
    "今天心情不错",
];

const ZH_ENDINGS: &[&str] = &["。", "！", "？", "…", "。", "。"];

const REPLIES: &[&str] = &[
    "Totally agree.",
    "Source?",
    "This is wrong.",
    "Haha so true",
    "Same here!",
    "Where was this?",
    "Thanks for sharing.",
    "I had no idea.",
    "Not how it works, sorry.",
    "Came here to say this.",
    "Wait, really?",
    "Congrats!",
    "This aged well.",
    "Can confirm.",
    "Love this.",
    "Hard disagree.",
    "Do you have a link?",
    "So proud of you!",
    "lol",
    "Great thread.",
    "Exactly what I was thinking.",
    "Why though?",
    "Happy for you!",
];

const ZH_REPLIES: &[&str] = &[
    "说得对",
    "真的吗？",
    "谢谢分享！",
    "哈哈哈",
    "同意",
    "有链接吗？",
    "太好了",
    "不太同意",
    "学到了",
    "加油！",
];

const FIRST_NAMES: &[&str] = &[
    "anna", "ben", "carla", "dev", "emma", "finn", "grace", "hugo", "isla", "jack", "kim", "leo",
    "maya", "nick", "olga", "pat", "quinn", "rosa", "sam", "tara", "umar", "vera", "will", "xena",
    "yuki", "zoe", "li", "wei", "fang", "min", "jun", "priya", "arjun", "omar", "lena", "marco",
    "sofia", "diego", "nina", "alex", "chris", "jess", "mo", "ray", "eve", "ivan",
];

const LAST_NAMES: &[&str] = &[
    "smith", "lee", "garcia", "chen", "wang", "khan", "brown", "lopez", "kim", "nguyen", "muller",
    "rossi", "silva", "jones", "patel", "sato", "ali", "cohen", "novak", "berg", "moore", "reyes",
    "park", "zhang", "liu", "costa", "fischer", "ward", "hill", "cruz",
];

const SCREEN_WORDS: &[&str] = &[
    "sunny", "daily", "real", "the", "its", "just", "mr", "ms", "dr", "coffee", "pixel", "urban",
    "wild", "quiet", "lucky", "cosmic", "retro", "night", "city", "green", "blue", "happy",
];

const ZH_SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"];
const ZH_GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
];

const HASHTAG_BASE: &[&str] = &[
    "news",
    "AI",
    "ClimateAction",
    "MondayMotivation",
    "tbt",
    "music",
    "photography",
    "travel",
    "food",
    "football",
    "NBA",
    "tech",
    "startup",
    "books",
    "movies",
    "gaming",
    "art",
    "science",
    "health",
    "fitness",
    "crypto",
    "economy",
    "election",
    "weather",
    "coffee",
    "cats",
    "dogs",
    "space",
    "privacy",
    "OpenSource",
    "Rust",
    "python",
    "design",
    "fashion",
    "nature",
    "sustainability",
    "education",
    "jobs",
    "remotework",
    "breaking",
    "SummerVibes",
    "weekend",
    "FridayFeeling",
    "throwback",
    "LocalNews",
    "CityCouncil",
    "TransitTuesday",
    "BookClub",
    "FilmFestival",
    "StreetArt",
    "StartupLife",
    "DataViz",
    "MachineLearning",
    "History",
];

const HASHTAG_WORDS: &[&str] = &[
    "Green", "City", "Data", "Future", "Local", "Open", "Smart", "Summer", "Night", "Food",
    "Music", "Art", "Tech", "Park", "River", "Street", "Book", "Game", "Health", "Space",
    "Climate", "Coffee", "Bike", "Film", "Garden", "Market", "School", "Travel", "Photo", "Code",
];

const HASHTAG_SUFFIXES: &[&str] = &[
    "Life", "Week", "Day", "Love", "Club", "Talk", "Fest", "Watch", "Lab", "News", "2025", "Now",
];

const NEWS_DOMAINS: &[&str] = &[
    "www.nytimes.com",
    "www.theguardian.com",
    "www.bbc.co.uk",
    "www.reuters.com",
    "apnews.com",
    "www.washingtonpost.com",
    "www.cnn.com",
    "www.aljazeera.com",
    "www.npr.org",
    "www.bloomberg.com",
    "www.ft.com",
    "www.lemonde.fr",
    "www.spiegel.de",
    "www.scmp.com",
    "www.abc.net.au",
    "www.cbc.ca",
    "techcrunch.com",
    "www.theverge.com",
    "arstechnica.com",
    "www.wired.com",
    "medium.com",
    "substack.com",
    "www.nature.com",
    "www.sciencedaily.com",
    "localnewsdaily.com",
    "citybeat.example.org",
];

const SECTIONS: &[&str] = &[
    "world", "politics", "tech", "science", "business", "sport", "culture", "local", "opinion",
    "health", "climate", "travel",
];

const SLUG_WORDS: &[&str] = &[
    "city", "plan", "vote", "new", "study", "finds", "record", "heat", "market", "price",
    "council", "school", "team", "wins", "delay", "report", "data", "storm", "festival", "budget",
    "energy", "rail", "health", "game", "ai", "court", "deal", "housing", "water",
];

const UTM_SUFFIXES: &[&str] = &[
    "utm_source=twitter",
    "utm_source=twitter&utm_medium=social",
    "utm_source=tw",
    "utm_source=share&utm_medium=ios_app",
    "utm_source=newsletter",
];

const SLOGAN_OPENERS: &[&str] = &[
    "Everyone needs to see this:",
    "Share before it gets deleted!",
    "Wake up, people.",
    "The media won't tell you this:",
    "It's time to act.",
    "Enough is enough.",
    "This is what they don't want you to know:",
    "Spread the word:",
    "Breaking:",
    "Please retweet:",
    "Remember this when you vote:",
    "They thought we wouldn't notice.",
    "Read this carefully.",
    "Nobody is talking about this:",
    "Truth:",
];

const SLOGAN_ISSUES: &[&str] = &[
    "the water plant deal was signed in secret",
    "the new tax will hit families hardest",
    "the bridge contract went to a donor",
    "local farmers are being pushed out",
    "the election office ignored thousands of complaints",
    "the mayor skipped the safety review",
    "the energy prices are being manipulated",
    "our schools are losing funding again",
    "the factory closure was planned months ago",
    "the health report was quietly edited",
    "the stadium will cost us billions",
    "foreign money is funding the campaign",
    "the real unemployment numbers are hidden",
    "the rail project is years behind",
    "the housing board is protecting investors",
    "the police budget doubled overnight",
    "the new app collects your location",
    "the river cleanup never happened",
    "the vaccine rollout data was changed",
    "the port sale was never debated",
];

const SLOGAN_CLOSERS: &[&str] = &[
    "Share this now.",
    "Don't stay silent.",
    "We deserve answers.",
    "Call your representative.",
    "Retweet if you agree.",
    "History is watching.",
    "Stand up!",
    "Demand accountability.",
    "Make noise.",
    "Pass it on.",
    "This matters.",
    "Stay informed.",
    "",
];

const LINK_BLURBS: &[&str] = &[
    "Read this:",
    "Must read",
    "They don't want you to know this",
    "Breaking:",
    "Wow, look at this",
    "Important:",
    "Finally someone said it",
    "This is huge",
    "Worth your time:",
    "Everyone should read this",
    "Exposed:",
    "Shocking report",
    "Don't miss this",
];

const CAMPAIGN_DOMAINS: &[&str] = &[
    "dailypatriotnews.net",
    "truthwire-report.com",
    "nationalherald-today.org",
    "the-real-story.info",
    "freshnewsdaily.co",
    "citizenvoice-now.com",
    "uncensoredpost.net",
    "libertyledger.org",
    "peoplesbulletin.info",
    "cleartruthmedia.com",
    "redwhiteandnews.com",
    "globalinsight-press.net",
];

const CAMPAIGN_TAG_PARTS: &[&str] = &[
    "Water", "Tax", "Bridge", "Farmers", "Election", "Energy", "Schools", "Stadium", "Port",
    "Rail", "Housing", "River", "Truth", "Freedom", "Justice", "Jobs", "Families", "Future",
];

const CAMPAIGN_TAG_FORMS: &[&str] = &[
    "StopThe{}",
    "{}Gate",
    "Save{}",
    "{}Matters",
    "No{}Deal",
    "{}Scandal",
    "Defend{}",
    "{}Now",
    "Protect{}",
    "{}Truth",
];

// ---------------------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------------------

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An organic English post, built from templates and word lists. Some carry commas or
/// double quotes, and about one in a hundred a line break.
pub(crate) fn english_sentence<R: Rng + ?Sized>(rng: &mut R) -> String {
    let subject = pick(rng, SUBJECTS, "Someone");
    let verb = pick(rng, VERBS, "did");
    let object = pick(rng, OBJECTS, "something");
    let tail = pick(rng, TAILS, "");
    let mut s = match index(rng, 7) {
        0 | 1 => format!("{subject} {verb} {object}{tail}."),
        2 => format!(
            "Can't believe {} {verb} {object}{tail}!",
            lower_first(subject)
        ),
        3 => format!(
            "{} {} {verb} {object}{tail}.",
            pick(rng, REACTIONS, "Wow."),
            lower_first(subject)
        ),
        4 => format!(
            "Just saw {object} {}. {}",
            pick(rng, TIME_PHRASES, "today"),
            pick(rng, REACTIONS, "Wow.")
        ),
        5 => format!(
            "\"{}\" - {}, on {object}",
            pick(rng, QUOTES, "Less is more"),
            pick(rng, PEOPLE, "someone")
        ),
        _ => format!(
            "{subject} {verb} {object}, {} {}.",
            pick(rng, CONNECTORS, "and"),
            pick(rng, CLAUSES, "that's that")
        ),
    };
    if chance(rng, 0.01) {
        s.push('\n');
        s.push_str(pick(rng, REACTIONS, "Wow."));
    }
    if chance(rng, 0.08) {
        // A little extra entropy, as people add numbers and details.
        s.push_str(&format!(" ({} min)", between(rng, 2, 95)));
    }
    s
}

/// An organic Chinese post: two to four everyday phrases.
pub(crate) fn chinese_sentence<R: Rng + ?Sized>(rng: &mut R) -> String {
    let n = between(rng, 2, 4) as usize;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push('，');
        }
        s.push_str(pick(rng, ZH_PHRASES, "你好"));
    }
    s.push_str(pick(rng, ZH_ENDINGS, "。"));
    s
}

/// The body of a reply (without the leading `@user`).
pub(crate) fn reply_body<R: Rng + ?Sized>(rng: &mut R, zh: bool) -> String {
    if zh {
        if chance(rng, 0.5) {
            pick(rng, ZH_REPLIES, "同意").to_string()
        } else {
            chinese_sentence(rng)
        }
    } else if chance(rng, 0.6) {
        let base = pick(rng, REPLIES, "Agreed.");
        if chance(rng, 0.3) {
            format!("{base} {}", pick(rng, CLAUSES, ""))
        } else {
            base.to_string()
        }
    } else {
        english_sentence(rng)
    }
}

/// A campaign slogan for a text ring: copied verbatim by all members of one round.
pub(crate) fn slogan<R: Rng + ?Sized>(rng: &mut R) -> String {
    let opener = pick(rng, SLOGAN_OPENERS, "Look:");
    let issue = pick(rng, SLOGAN_ISSUES, "something is wrong");
    let closer = pick(rng, SLOGAN_CLOSERS, "");
    let mut s = format!("{opener} {issue}.");
    if !closer.is_empty() {
        s.push(' ');
        s.push_str(closer);
    }
    s
}

/// Lead-in text of a link-ring post.
pub(crate) fn link_blurb<R: Rng + ?Sized>(rng: &mut R) -> String {
    let b = pick(rng, LINK_BLURBS, "Read:");
    if chance(rng, 0.3) {
        format!("{b} {}", pick(rng, SLOGAN_ISSUES, ""))
    } else {
        b.to_string()
    }
}

/// Changes the letter case of a copied text (a cheap evasion).
pub(crate) fn recase<R: Rng + ?Sized>(rng: &mut R, text: &str) -> String {
    if chance(rng, 0.5) {
        text.to_uppercase()
    } else {
        text.to_lowercase()
    }
}

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

/// Screen name and display name of account number `n`. Screen names embed `n`, so they are
/// unique; the style does not depend on whether the account is organic or planted.
pub(crate) fn account_names<R: Rng + ?Sized>(rng: &mut R, n: u32, zh: bool) -> (String, String) {
    let first = pick(rng, FIRST_NAMES, "sam");
    let last = pick(rng, LAST_NAMES, "lee");
    let screen = match index(rng, 5) {
        0 | 1 => format!("user_{n}"),
        2 => format!("{first}_{last}{n}"),
        3 => format!("{}{first}{n}", pick(rng, SCREEN_WORDS, "the")),
        _ => format!("{first}{last}_{n}"),
    };
    let display = if zh {
        format!(
            "{}{}",
            pick(rng, ZH_SURNAMES, "王"),
            pick(rng, ZH_GIVEN, "伟")
        )
    } else {
        let cap = |s: &str| {
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        };
        match index(rng, 4) {
            0 => cap(first),
            1 => format!(
                "{} {}.",
                cap(first),
                cap(last).chars().next().unwrap_or('X')
            ),
            _ => format!("{} {}", cap(first), cap(last)),
        }
    };
    (screen, display)
}

// ---------------------------------------------------------------------------------------
// URLs and hashtags
// ---------------------------------------------------------------------------------------

fn slug<R: Rng + ?Sized>(rng: &mut R) -> String {
    let n = between(rng, 3, 6) as usize;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push('-');
        }
        s.push_str(pick(rng, SLUG_WORDS, "x"));
    }
    s
}

const B62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` characters drawn uniformly from `alphabet` (ASCII), one draw each.
pub(crate) fn random_token<R: Rng + ?Sized>(rng: &mut R, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| alphabet[index(rng, alphabet.len())] as char)
        .collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The t.co short link Twitter would show in the text for an expanded URL (derived from a
/// hash of the URL, so the same spelling always gets the same short link).
pub(crate) fn tco(url: &str) -> String {
    let mut h = fnv1a(url.as_bytes());
    let mut s = String::with_capacity(23);
    s.push_str("https://t.co/");
    for _ in 0..10 {
        s.push(B62[(h % 62) as usize] as char);
        h /= 62;
        if h == 0 {
            h = fnv1a(s.as_bytes());
        }
    }
    s
}

/// Twitter's `display_url`: no scheme, cut to 26 characters plus an ellipsis.
pub(crate) fn display_url(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    if rest.chars().count() > 26 {
        let mut s: String = rest.chars().take(26).collect();
        s.push('…');
        s
    } else {
        rest.to_string()
    }
}

/// A link a ring member posts: the canonical URL, or one of its other spellings (http
/// instead of https, a `utm_source` parameter, a trailing slash, an upper-case host).
pub(crate) fn url_variant<R: Rng + ?Sized>(rng: &mut R, host: &str, path: &str) -> String {
    let roll = index(rng, 20);
    let scheme = if roll == 1 || roll == 7 {
        "http"
    } else {
        "https"
    };
    let host = if roll == 3 || roll == 7 {
        host.to_uppercase()
    } else {
        host.to_string()
    };
    let slash = if roll == 4 || roll == 5 { "/" } else { "" };
    let query = if (8..=11).contains(&roll) {
        format!("?{}", pick(rng, UTM_SUFFIXES, "utm_source=twitter"))
    } else {
        String::new()
    };
    format!("{scheme}://{host}{path}{slash}{query}")
}

/// A fresh article URL on a campaign domain: `(host, path)`.
pub(crate) fn campaign_article<R: Rng + ?Sized>(rng: &mut R, host: &str) -> (String, String) {
    let path = format!(
        "/{}/2025/{:02}/{}-{}",
        pick(rng, SECTIONS, "news"),
        between(rng, 7, 8),
        slug(rng),
        between(rng, 1000, 99_999)
    );
    (host.to_string(), path)
}

/// A campaign host name, different for each ring number where possible.
pub(crate) fn campaign_domain(ring_no: usize) -> String {
    let base = CAMPAIGN_DOMAINS[ring_no % CAMPAIGN_DOMAINS.len()];
    let round = ring_no / CAMPAIGN_DOMAINS.len();
    if round == 0 {
        base.to_string()
    } else {
        format!("news{round}.{base}")
    }
}

/// Hashtags (without `#`) a hashtag ring draws its per-round sets from.
pub(crate) fn campaign_tags<R: Rng + ?Sized>(rng: &mut R, ring_no: usize) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut guard = 0;
    while tags.len() < 6 && guard < 200 {
        guard += 1;
        let form = pick(rng, CAMPAIGN_TAG_FORMS, "{}Now");
        let part = pick(rng, CAMPAIGN_TAG_PARTS, "Truth");
        let mut tag = form.replace("{}", part);
        if ring_no >= 4 && chance(rng, 0.5) {
            tag.push_str(&ring_no.to_string());
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// A fresh breaking-news link published at `ts`: a news site for English, a Chinese
/// news site for Chinese (realistic scenarios only).
pub(crate) fn breaking_url<R: Rng + ?Sized>(rng: &mut R, ts: i64, zh: bool) -> String {
    let (y, m, d, ..) = crate::timefmt::utc_fields(ts);
    if zh {
        let host = pick(
            rng,
            &[
                "www.thepaper.cn",
                "news.sina.com.cn",
                "www.chinanews.com.cn",
            ],
            "www.thepaper.cn",
        );
        format!(
            "https://{host}/{y}-{m:02}/{d:02}/news_{}.html",
            between(rng, 10_000_000, 99_999_999)
        )
    } else {
        format!(
            "https://{}/{}/{y}/{m:02}/{d:02}/breaking-{}-{}",
            pick(rng, NEWS_DOMAINS, "example.com"),
            pick(rng, SECTIONS, "news"),
            slug(rng),
            between(rng, 100_000, 999_999)
        )
    }
}

/// How long one URL slot keeps the same link.
#[derive(Debug, Clone, Copy)]
struct UrlSlot {
    /// Seconds a link stays in the slot; 0 for an evergreen link.
    lifetime: i64,
    /// Offset so that slots do not all change at once.
    phase: i64,
}

/// Zipf-popular pools of URLs and hashtags for organic posts.
///
/// URLs live in ranked slots. Most slots hold a news-style link for one to four days and
/// then a fresh one (so today's top link is not also the top link months later); some hold
/// an evergreen link (videos, encyclopedia pages, code repositories) forever. A slot's link
/// for a given period is derived from the seed, the slot and the period alone.
#[derive(Debug)]
pub(crate) struct Vocab {
    seed: u64,
    start: i64,
    slots: Vec<UrlSlot>,
    url_rank: AliasTable,
    /// Per slot: the period whose link is cached, and the link.
    cache: Vec<(i64, String)>,
    tags: Vec<String>,
    tag_rank: AliasTable,
}

/// Number of ranked URL slots.
const URL_SLOTS: usize = 3000;

impl Vocab {
    /// Builds the pools; the hashtag pool grows with the square root of the data size.
    pub(crate) fn new<R: Rng + ?Sized>(rng: &mut R, seed: u64, scale: f64, start: i64) -> Self {
        let slots: Vec<UrlSlot> = (0..URL_SLOTS)
            .map(|_| {
                let lifetime = if chance(rng, 0.15) {
                    0
                } else {
                    between(rng, 86_400, 4 * 86_400)
                };
                UrlSlot {
                    lifetime,
                    phase: between(rng, 0, lifetime.max(1) - 1),
                }
            })
            .collect();
        let n_tags = (250.0 + 250.0 * scale.max(0.0).sqrt()).round() as usize;
        let mut tags: Vec<String> = HASHTAG_BASE.iter().map(|s| s.to_string()).collect();
        let mut guard = 0;
        while tags.len() < n_tags && guard < n_tags * 20 {
            guard += 1;
            let a = pick(rng, HASHTAG_WORDS, "City");
            let tag = if chance(rng, 0.5) {
                format!("{a}{}", pick(rng, HASHTAG_SUFFIXES, "Life"))
            } else {
                format!("{a}{}", pick(rng, HASHTAG_WORDS, "Park"))
            };
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Self {
            seed,
            start,
            url_rank: zipf_table(slots.len(), 1.0),
            cache: vec![(-1, String::new()); slots.len()],
            slots,
            tag_rank: zipf_table(tags.len(), 1.05),
            tags,
        }
    }

    /// A Zipf-popular URL, as current at time `ts`.
    pub(crate) fn url<R: Rng + ?Sized>(&mut self, rng: &mut R, ts: i64) -> &str {
        let slot = self.url_rank.sample(rng);
        let Some(&UrlSlot { lifetime, phase }) = self.slots.get(slot) else {
            return "https://example.com/";
        };
        let period = if lifetime == 0 {
            0
        } else {
            (ts - self.start + phase).div_euclid(lifetime)
        };
        let (seed, start, n) = (self.seed, self.start, self.slots.len() as i64);
        let Some(entry) = self.cache.get_mut(slot) else {
            return "https://example.com/";
        };
        if entry.0 != period {
            let published = start + period * lifetime.max(1) - phase;
            *entry = (
                period,
                slot_url(
                    seed,
                    slot,
                    period,
                    published,
                    period * n + slot as i64,
                    lifetime == 0,
                ),
            );
        }
        entry.1.as_str()
    }

    /// The seed the links are derived from.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// A Zipf-popular hashtag (without `#`).
    pub(crate) fn tag<R: Rng + ?Sized>(&self, rng: &mut R) -> &str {
        self.tags
            .get(self.tag_rank.sample(rng))
            .map(String::as_str)
            .unwrap_or("news")
    }
}

/// The link in URL slot `slot` during `period`: derived from these alone, so it does not
/// depend on the order links are asked for. `article` makes the link unique.
fn slot_url(
    seed: u64,
    slot: usize,
    period: i64,
    published: i64,
    article: i64,
    evergreen: bool,
) -> String {
    use rand::SeedableRng;
    let mix = fnv1a(format!("{seed}/{slot}/{period}").as_bytes());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(mix);
    let rng = &mut rng;
    if evergreen {
        return match index(rng, 3) {
            0 => format!(
                "https://www.youtube.com/watch?v={}",
                random_token(rng, B62, 11)
            ),
            1 => format!(
                "https://en.wikipedia.org/wiki/{}_{}_{}",
                pick(rng, HASHTAG_WORDS, "City"),
                lower_first(pick(rng, HASHTAG_WORDS, "Park")),
                slot
            ),
            _ => format!(
                "https://github.com/{}/{}-{slot}",
                pick(rng, FIRST_NAMES, "dev"),
                slug(rng)
            ),
        };
    }
    let (y, m, d, ..) = crate::timefmt::utc_fields(published);
    let host = pick(rng, NEWS_DOMAINS, "example.com");
    let mut u = format!(
        "https://{host}/{}/{y}/{m:02}/{d:02}/{}-{article}",
        pick(rng, SECTIONS, "news"),
        slug(rng)
    );
    if chance(rng, 0.2) {
        u.push('?');
        u.push_str(pick(rng, UTM_SUFFIXES, "utm_source=twitter"));
    } else if chance(rng, 0.1) {
        u.push('/');
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn tco_is_stable_and_short() {
        let a = tco("https://example.com/a");
        assert_eq!(a, tco("https://example.com/a"));
        assert_ne!(a, tco("https://example.com/b"));
        assert_eq!(a.len(), 23);
    }

    #[test]
    fn display_url_truncates() {
        assert_eq!(display_url("https://a.com/x"), "a.com/x");
        assert!(display_url("https://www.example.com/a/very/long/path/here").ends_with('…'));
    }

    #[test]
    fn url_variants_keep_host_and_path() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let v = url_variant(&mut rng, "news.example.com", "/a/b");
            assert!(v.to_lowercase().contains("news.example.com/a/b"), "{v}");
        }
    }
}
