//! Vocabulary and text builders: organic English and Chinese sentences, replies, campaign
//! slogans, account names, Zipf-popular URL and hashtag pools, URL spelling variants and
//! t.co-style short links.

use crate::words::Words;
use rand::Rng;

use crate::sampling::{between, chance, index, pick, zipf_table, AliasTable};

// ---------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------

static SUBJECTS: Words = words!("text/subjects.txt");
static VERBS: Words = words!("text/verbs.txt");
static OBJECTS: Words = words!("text/objects.txt");
static TAILS: Words = words!("text/tails.txt");
static REACTIONS: Words = words!("text/reactions.txt");
static CONNECTORS: Words = words!("text/connectors.txt");
static CLAUSES: Words = words!("text/clauses.txt");
static QUOTES: Words = words!("text/quotes.txt");
static PEOPLE: Words = words!("text/people.txt");
static TIME_PHRASES: Words = words!("text/time_phrases.txt");
static ZH_PHRASES: Words = words!("text/zh_phrases.txt");
static ZH_ENDINGS: Words = words!("text/zh_endings.txt");
static REPLIES: Words = words!("text/replies.txt");
static ZH_REPLIES: Words = words!("text/zh_replies.txt");
static FIRST_NAMES: Words = words!("text/first_names.txt");
static LAST_NAMES: Words = words!("text/last_names.txt");
static SCREEN_WORDS: Words = words!("text/screen_words.txt");
static ZH_SURNAMES: Words = words!("text/zh_surnames.txt");
static ZH_GIVEN: Words = words!("text/zh_given.txt");
static HASHTAG_BASE: Words = words!("text/hashtag_base.txt");
static HASHTAG_WORDS: Words = words!("text/hashtag_words.txt");
static HASHTAG_SUFFIXES: Words = words!("text/hashtag_suffixes.txt");
static NEWS_DOMAINS: Words = words!("text/news_domains.txt");
static SECTIONS: Words = words!("text/sections.txt");
static SLUG_WORDS: Words = words!("text/slug_words.txt");
static UTM_SUFFIXES: Words = words!("text/utm_suffixes.txt");
static SLOGAN_OPENERS: Words = words!("text/slogan_openers.txt");
static SLOGAN_ISSUES: Words = words!("text/slogan_issues.txt");
static SLOGAN_CLOSERS: Words = words!("text/slogan_closers.txt");
static LINK_BLURBS: Words = words!("text/link_blurbs.txt");
static CAMPAIGN_DOMAINS: Words = words!("text/campaign_domains.txt");
static CAMPAIGN_TAG_PARTS: Words = words!("text/campaign_tag_parts.txt");
static CAMPAIGN_TAG_FORMS: Words = words!("text/campaign_tag_forms.txt");

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
    let subject = pick(rng, &SUBJECTS, "Someone");
    let verb = pick(rng, &VERBS, "did");
    let object = pick(rng, &OBJECTS, "something");
    let tail = pick(rng, &TAILS, "");
    let mut s = match index(rng, 7) {
        0 | 1 => format!("{subject} {verb} {object}{tail}."),
        2 => format!(
            "Can't believe {} {verb} {object}{tail}!",
            lower_first(subject)
        ),
        3 => format!(
            "{} {} {verb} {object}{tail}.",
            pick(rng, &REACTIONS, "Wow."),
            lower_first(subject)
        ),
        4 => format!(
            "Just saw {object} {}. {}",
            pick(rng, &TIME_PHRASES, "today"),
            pick(rng, &REACTIONS, "Wow.")
        ),
        5 => format!(
            "\"{}\" - {}, on {object}",
            pick(rng, &QUOTES, "Less is more"),
            pick(rng, &PEOPLE, "someone")
        ),
        _ => format!(
            "{subject} {verb} {object}, {} {}.",
            pick(rng, &CONNECTORS, "and"),
            pick(rng, &CLAUSES, "that's that")
        ),
    };
    if chance(rng, 0.01) {
        s.push('\n');
        s.push_str(pick(rng, &REACTIONS, "Wow."));
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
        s.push_str(pick(rng, &ZH_PHRASES, "你好"));
    }
    s.push_str(pick(rng, &ZH_ENDINGS, "。"));
    s
}

/// The body of a reply (without the leading `@user`).
pub(crate) fn reply_body<R: Rng + ?Sized>(rng: &mut R, zh: bool) -> String {
    if zh {
        if chance(rng, 0.5) {
            pick(rng, &ZH_REPLIES, "同意").to_string()
        } else {
            chinese_sentence(rng)
        }
    } else if chance(rng, 0.6) {
        let base = pick(rng, &REPLIES, "Agreed.");
        if chance(rng, 0.3) {
            format!("{base} {}", pick(rng, &CLAUSES, ""))
        } else {
            base.to_string()
        }
    } else {
        english_sentence(rng)
    }
}

/// A campaign slogan for a text ring: copied verbatim by all members of one round.
pub(crate) fn slogan<R: Rng + ?Sized>(rng: &mut R) -> String {
    let opener = pick(rng, &SLOGAN_OPENERS, "Look:");
    let issue = pick(rng, &SLOGAN_ISSUES, "something is wrong");
    let closer = pick(rng, &SLOGAN_CLOSERS, "");
    let mut s = format!("{opener} {issue}.");
    if !closer.is_empty() {
        s.push(' ');
        s.push_str(closer);
    }
    s
}

/// Lead-in text of a link-ring post.
pub(crate) fn link_blurb<R: Rng + ?Sized>(rng: &mut R) -> String {
    let b = pick(rng, &LINK_BLURBS, "Read:");
    if chance(rng, 0.3) {
        format!("{b} {}", pick(rng, &SLOGAN_ISSUES, ""))
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
    let first = pick(rng, &FIRST_NAMES, "sam");
    let last = pick(rng, &LAST_NAMES, "lee");
    let screen = match index(rng, 5) {
        0 | 1 => format!("user_{n}"),
        2 => format!("{first}_{last}{n}"),
        3 => format!("{}{first}{n}", pick(rng, &SCREEN_WORDS, "the")),
        _ => format!("{first}{last}_{n}"),
    };
    let display = if zh {
        format!(
            "{}{}",
            pick(rng, &ZH_SURNAMES, "王"),
            pick(rng, &ZH_GIVEN, "伟")
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
        s.push_str(pick(rng, &SLUG_WORDS, "x"));
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
        format!("?{}", pick(rng, &UTM_SUFFIXES, "utm_source=twitter"))
    } else {
        String::new()
    };
    format!("{scheme}://{host}{path}{slash}{query}")
}

/// A fresh article URL on a campaign domain: `(host, path)`.
pub(crate) fn campaign_article<R: Rng + ?Sized>(rng: &mut R, host: &str) -> (String, String) {
    let path = format!(
        "/{}/2025/{:02}/{}-{}",
        pick(rng, &SECTIONS, "news"),
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
        let form = pick(rng, &CAMPAIGN_TAG_FORMS, "{}Now");
        let part = pick(rng, &CAMPAIGN_TAG_PARTS, "Truth");
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
            pick(rng, &NEWS_DOMAINS, "example.com"),
            pick(rng, &SECTIONS, "news"),
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
            let a = pick(rng, &HASHTAG_WORDS, "City");
            let tag = if chance(rng, 0.5) {
                format!("{a}{}", pick(rng, &HASHTAG_SUFFIXES, "Life"))
            } else {
                format!("{a}{}", pick(rng, &HASHTAG_WORDS, "Park"))
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
                pick(rng, &HASHTAG_WORDS, "City"),
                lower_first(pick(rng, &HASHTAG_WORDS, "Park")),
                slot
            ),
            _ => format!(
                "https://github.com/{}/{}-{slot}",
                pick(rng, &FIRST_NAMES, "dev"),
                slug(rng)
            ),
        };
    }
    let (y, m, d, ..) = crate::timefmt::utc_fields(published);
    let host = pick(rng, &NEWS_DOMAINS, "example.com");
    let mut u = format!(
        "https://{host}/{}/{y}/{m:02}/{d:02}/{}-{article}",
        pick(rng, &SECTIONS, "news"),
        slug(rng)
    );
    if chance(rng, 0.2) {
        u.push('?');
        u.push_str(pick(rng, &UTM_SUFFIXES, "utm_source=twitter"));
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
