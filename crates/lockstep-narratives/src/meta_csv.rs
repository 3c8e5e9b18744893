//! Seed accounts from Meta's threat-research indicator CSV (the files Meta publishes with
//! its adversarial threat reports: columns `Tactic, Technique, Procedure, Indicator, Note`,
//! indicators defanged as `facebook[.]com/...`, `hxxps://...`).
//!
//! Account indicators become seeds: a profile URL on a known social platform (its handle or
//! numeric id) or a bare numeric id. Other indicators (domains, articles, IP addresses) are
//! not accounts and are left out, counted in [`MetaSeeds::skipped`]. The label of a seed is
//! its technique, else its tactic, so the report says which behaviour Meta saw.

use crate::seeds::SeedAccount;

/// What a Meta indicator file gave.
#[derive(Clone, Debug, Default)]
pub struct MetaSeeds {
    /// Account indicators as seeds, in file order, each once.
    pub seeds: Vec<SeedAccount>,
    /// Indicators that are not accounts (domains, URLs of articles, ...).
    pub skipped: usize,
}

/// Whether a CSV header line is Meta's indicator layout.
pub fn is_meta_header(header: &[String]) -> bool {
    ["tactic", "technique", "indicator"]
        .iter()
        .all(|c| header.iter().any(|h| h == c))
}

/// An indicator with its defanging undone: `[.]`, `(.)`, `[dot]` → `.`, `hxxp` → `http`,
/// `[:]` → `:`, `[/]` → `/`.
pub fn refang(s: &str) -> String {
    let mut t = s.trim().to_string();
    for (from, to) in [
        ("[.]", "."),
        ("(.)", "."),
        ("[dot]", "."),
        ("{.}", "."),
        ("[:]", ":"),
        ("[/]", "/"),
        ("[://]", "://"),
    ] {
        t = t.replace(from, to);
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("hxxp") {
        t = format!("http{}", &t[4..]);
    }
    t
}

/// Hosts whose first path segment (after an optional `@`) names an account, with path
/// prefixes that are not accounts.
const PLATFORMS: [(&str, &[&str]); 12] = [
    (
        "facebook.com",
        &[
            "groups",
            "events",
            "watch",
            "share",
            "story.php",
            "photo.php",
            "permalink.php",
            "hashtag",
        ],
    ),
    ("fb.com", &[]),
    ("instagram.com", &["p", "reel", "explore", "stories"]),
    (
        "twitter.com",
        &["i", "hashtag", "search", "intent", "share"],
    ),
    ("x.com", &["i", "hashtag", "search", "intent", "share"]),
    ("t.me", &["s", "joinchat", "addstickers"]),
    ("tiktok.com", &["tag", "music", "discover"]),
    ("youtube.com", &["watch", "playlist", "results", "shorts"]),
    ("vk.com", &["wall", "video", "photo"]),
    ("threads.net", &["t"]),
    ("weibo.com", &["detail", "status"]),
    ("bsky.app", &[]),
];

/// The account (handle, or numeric id) a profile URL names, if it names one.
fn account_of_url(url: &str) -> Option<(String, bool)> {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .trim_end_matches('/');
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host
        .trim_start_matches("www.")
        .trim_start_matches("m.")
        .trim_start_matches("mobile.");
    let (_, not_accounts) = PLATFORMS.iter().find(|(h, _)| *h == host)?;
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let first = segs.next()?;
    // facebook.com/profile.php?id=100…
    if first == "profile.php" {
        let id = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("id="))?
            .to_string();
        return Some((id, true));
    }
    // bsky.app/profile/handle, weibo.com/u/123, youtube.com/channel/UC…, vk.com/id123
    let name = match first {
        "profile" | "u" | "channel" | "c" | "user" | "people" => segs.next()?,
        _ => first,
    };
    let name = name.trim_start_matches('@');
    if name.is_empty() || not_accounts.contains(&name) {
        return None;
    }
    let numeric = name.bytes().all(|b| b.is_ascii_digit());
    Some((name.to_string(), numeric))
}

/// Seeds from the records of a Meta indicator CSV (header already parsed into lower-case
/// names).
pub fn meta_seeds(header: &[String], records: &[csv::StringRecord]) -> MetaSeeds {
    let col = |name: &str| header.iter().position(|h| h == name);
    let (tactic, technique, indicator) = (col("tactic"), col("technique"), col("indicator"));
    let get = |rec: &csv::StringRecord, c: Option<usize>| {
        c.and_then(|i| rec.get(i)).unwrap_or("").trim().to_string()
    };
    let mut out = MetaSeeds::default();
    let mut seen = std::collections::HashSet::new();
    for rec in records {
        let raw = refang(&get(rec, indicator));
        if raw.is_empty() {
            continue;
        }
        let account = if raw.bytes().all(|b| b.is_ascii_digit()) {
            Some((raw.clone(), true))
        } else if raw.contains('/') {
            account_of_url(&raw)
        } else {
            None
        };
        let Some((name, numeric)) = account else {
            out.skipped += 1;
            continue;
        };
        if !seen.insert(name.to_ascii_lowercase()) {
            continue;
        }
        let label = match get(rec, technique) {
            t if t.is_empty() => get(rec, tactic),
            t => t,
        };
        out.seeds.push(SeedAccount {
            handle: (!numeric).then(|| name.clone()),
            key: name,
            label,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> MetaSeeds {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = r
            .headers()
            .expect("header")
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        assert!(is_meta_header(&header));
        let records: Vec<_> = r.records().map(|x| x.expect("record")).collect();
        meta_seeds(&header, &records)
    }

    #[test]
    fn refangs_indicators() {
        assert_eq!(
            refang("hxxps://twitter[.]com/abc"),
            "https://twitter.com/abc"
        );
        assert_eq!(refang(" example(.)com "), "example.com");
        assert_eq!(refang("t[.]me/chan"), "t.me/chan");
    }

    #[test]
    fn account_indicators_become_seeds() {
        let m = read(
            "Tactic,Technique,Procedure,Indicator,Note\n\
             Inauthentic assets,Fake accounts,Posting,facebook[.]com/profile.php?id=100089,\n\
             Inauthentic assets,,Posting,hxxps://www.instagram[.]com/some.page/,note\n\
             Amplification,Cross-posting,,twitter[.]com/@Handle_1,\n\
             Amplification,Cross-posting,,x[.]com/handle_1,duplicate\n\
             Websites,Domains,,news-site[.]com,\n\
             Websites,Articles,,hxxps://news-site[.]com/2024/story,\n\
             Telegram,Channels,,t[.]me/chan_x,\n\
             Facebook,IDs,,61550000000000,\n\
             Weibo,Accounts,,weibo[.]com/u/7012345678,\n\
             Facebook,Groups,,facebook[.]com/groups/123,\n",
        );
        let keys: Vec<(&str, Option<&str>, &str)> = m
            .seeds
            .iter()
            .map(|s| (s.key.as_str(), s.handle.as_deref(), s.label.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("100089", None, "Fake accounts"),
                ("some.page", Some("some.page"), "Inauthentic assets"),
                ("Handle_1", Some("Handle_1"), "Cross-posting"),
                ("chan_x", Some("chan_x"), "Channels"),
                ("61550000000000", None, "IDs"),
                ("7012345678", None, "Accounts"),
            ]
        );
        // The domain, the article and the group are not accounts.
        assert_eq!(m.skipped, 3);
    }
}
