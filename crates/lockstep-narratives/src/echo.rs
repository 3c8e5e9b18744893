//! Echo of reference sources: posts that link to a reference article or reuse its text.
//!
//! - **Link**: a post's URL, canonicalised ([`lockstep_traces::urls::canonical_url`]:
//!   scheme, `www.`, case, default port, fragment, tracking parameters and trailing slash
//!   dropped), and with a mobile host prefix (`m.`, `mobile.`, `wap.`) dropped too, equals
//!   the reference's. When the reference URL has no query, any query on the post's link is
//!   ignored (`?share_token=…` and other unknown share parameters). URLs are only
//!   canonicalised when their host is a reference host, so millions of links cost little.
//!   Shortened links (`t.co`, `t.cn`) match only if the input expanded them.
//! - **Text**: the share of a post's unit bigrams (characters in Chinese and Japanese,
//!   words elsewhere; after lockstep's similarity normalisation, which folds traditional
//!   characters and drops links, mentions and hashtags) found in the reference's title
//!   and text is at least `containment` (default 0.6), sharing at least `min_shared`
//!   bigrams (default 8, so a shared slogan alone is not an echo), for posts of at least
//!   `min_units` units (default 8). Bigrams, not single units: a post that uses the article's
//!   vocabulary in its own sentences shares words but few word pairs. A text match also
//!   needs the post to be no earlier than `max_lead` before the publication (default 1 h):
//!   the article cannot be echoed before it exists, but the source it quotes can.
//! - **Repost**: a repost of a post that echoes a reference echoes it too.
//!
//! Lag is the post's time minus the reference's `published_at`.

use crate::findings::ReferenceEcho;
use crate::group::{r4, summarise, Context};
use lockstep_model::time::parse_timestamp;
use lockstep_model::{PostIdx, PostTable, TimeMs, NONE};
use lockstep_similar::shingle::units;
use lockstep_similar::SimilarParams;
use lockstep_traces::text::post_words;
use lockstep_traces::text::Normaliser;
use lockstep_traces::urls::canonical_url;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// A reference article.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Reference {
    /// Its URL as given.
    pub url: String,
    /// Headline.
    pub title: String,
    /// Body text.
    #[serde(skip)]
    pub text: String,
    /// Outlet or author.
    pub source: String,
    /// Publication time as given.
    pub published_at: String,
    /// Publication time, ms since the epoch, if it could be read.
    #[serde(skip)]
    pub published_ms: Option<TimeMs>,
}

/// Errors reading reference or seed files.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file had nothing usable.
    #[error("{path}: {reason}")]
    Empty {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

fn str_field(v: &serde_json::Value, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match v.get(*n)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(x) => Some(x.to_string()),
        _ => None,
    })
}

/// Read a JSON-lines file of references (`url`, `title`, `text`, `source`,
/// `published_at`; `published`, `date` and `time` are accepted for the time). Lines that
/// are not JSON objects or have neither a URL nor a text are skipped with a warning
/// (`file:line: reason`); an unreadable file or one without any reference is an error.
pub fn load_references(path: &Path) -> Result<(Vec<Reference>, Vec<String>), LoadError> {
    let name = path.display().to_string();
    let body = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    let mut refs = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            Ok(_) => {
                warnings.push(format!("{name}:{}: not a JSON object", i + 1));
                continue;
            }
            Err(e) => {
                warnings.push(format!("{name}:{}: {e}", i + 1));
                continue;
            }
        };
        let r = Reference {
            url: str_field(&v, &["url", "link"]).unwrap_or_default(),
            title: str_field(&v, &["title", "headline"]).unwrap_or_default(),
            text: str_field(&v, &["text", "body", "content"]).unwrap_or_default(),
            source: str_field(&v, &["source", "outlet", "author"]).unwrap_or_default(),
            published_at: str_field(&v, &["published_at", "published", "date", "time"])
                .unwrap_or_default(),
            published_ms: None,
        };
        if r.url.trim().is_empty() && r.text.trim().is_empty() && r.title.trim().is_empty() {
            warnings.push(format!("{name}:{}: neither url nor text", i + 1));
            continue;
        }
        let published_ms = parse_timestamp(&r.published_at);
        if published_ms.is_none() && !r.published_at.is_empty() {
            warnings.push(format!(
                "{name}:{}: unreadable published_at '{}'",
                i + 1,
                r.published_at
            ));
        }
        refs.push(Reference { published_ms, ..r });
    }
    if refs.is_empty() {
        return Err(LoadError::Empty {
            path: name,
            reason:
                "no reference (expected JSON lines with url, title, text, source, published_at)"
                    .into(),
        });
    }
    Ok((refs, warnings))
}

/// How a post echoes a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EchoKind {
    /// Links to it.
    Url,
    /// Reuses its text.
    Text,
    /// Reposts a post that echoes it.
    Repost,
}

impl EchoKind {
    /// Name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            EchoKind::Url => "url",
            EchoKind::Text => "text",
            EchoKind::Repost => "repost",
        }
    }
}

/// One post that echoes a reference.
#[derive(Clone, Copy, Debug)]
pub struct EchoPost {
    /// The post.
    pub post: PostIdx,
    /// Index of the reference.
    pub reference: u32,
    /// How.
    pub kind: EchoKind,
    /// Share of the post's bigrams in the reference (text matches; NaN otherwise).
    pub containment: f32,
}

/// Parameters of echo detection.
#[derive(Clone, Debug, Serialize)]
pub struct EchoParams {
    /// Share of a post's bigrams that must be in the reference (default 0.6).
    pub containment: f64,
    /// Shortest post (units) compared by text (default 8).
    pub min_units: usize,
    /// Fewest bigrams a post must share with the reference (default 8: a passage of
    /// about nine words or characters, so a shared slogan alone is not an echo).
    pub min_shared: usize,
    /// A text match may precede publication by at most this, ms (default 1 h).
    pub max_lead_ms: i64,
}

impl Default for EchoParams {
    fn default() -> Self {
        Self {
            containment: 0.6,
            min_units: 8,
            min_shared: 8,
            max_lead_ms: 3_600_000,
        }
    }
}

/// Lower-case host of a raw URL without scheme, `www.` or a mobile prefix; cheap, no
/// parsing. Empty when there is none.
pub fn cheap_host(raw: &str) -> String {
    let s = raw.trim();
    let lower_start: String = s.chars().take(8).collect::<String>().to_ascii_lowercase();
    let s = if lower_start.starts_with("https://") {
        &s[8..]
    } else if lower_start.starts_with("http://") {
        &s[7..]
    } else if let Some(x) = s.strip_prefix("//") {
        x
    } else {
        s
    };
    let end = s.find(['/', '?', '#', ':']).unwrap_or(s.len());
    strip_host_prefixes(&s[..end].to_ascii_lowercase()).to_string()
}

fn strip_host_prefixes(h: &str) -> &str {
    let mut h = h;
    for p in ["www.", "m.", "mobile.", "wap."] {
        if let Some(rest) = h.strip_prefix(p) {
            if rest.contains('.') {
                h = rest;
            }
        }
    }
    h
}

/// (full key, key without query) of a URL: canonical, mobile host prefix dropped.
pub fn url_keys(raw: &str) -> (String, String) {
    let c = canonical_url(raw);
    let host_end = c.find(['/', '?']).unwrap_or(c.len());
    let host = strip_host_prefixes(&c[..host_end]);
    let full = format!("{host}{}", &c[host_end..]);
    let bare = match full.find('?') {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    (full, bare)
}

/// Splitmix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Normaliser for text reuse (the similarity normalisation: hashtags stripped, traditional
/// Chinese folded).
pub fn text_normaliser() -> Normaliser {
    Normaliser::new(lockstep_similar::templates::normalise_options(
        &SimilarParams::default(),
    ))
}

/// Distinct unit-bigram hashes of a text into `out` (sorted); returns the unit count.
pub fn bigrams(
    n: &mut Normaliser,
    text: &str,
    norm: &mut String,
    u: &mut Vec<u64>,
    out: &mut Vec<u64>,
) -> usize {
    n.normalise_into(text, norm);
    u.clear();
    units(norm, u);
    out.clear();
    out.extend(u.windows(2).map(|w| mix(w[0].rotate_left(21) ^ w[1])));
    out.sort_unstable();
    out.dedup();
    u.len()
}

/// References compiled for matching.
pub struct EchoIndex {
    full: foldhash::HashMap<String, u32>,
    bare: foldhash::HashMap<String, u32>,
    hosts: foldhash::HashSet<String>,
    grams: foldhash::HashMap<u64, Vec<u32>>,
    published: Vec<Option<TimeMs>>,
    params: EchoParams,
}

impl EchoIndex {
    /// Compile `refs`.
    pub fn new(refs: &[Reference], params: &EchoParams) -> Self {
        let mut full = foldhash::HashMap::default();
        let mut bare = foldhash::HashMap::default();
        let mut hosts = foldhash::HashSet::default();
        let mut grams: foldhash::HashMap<u64, Vec<u32>> = Default::default();
        let mut n = text_normaliser();
        let (mut norm, mut u, mut g) = (String::new(), Vec::new(), Vec::new());
        for (i, r) in refs.iter().enumerate() {
            let i = i as u32;
            if !r.url.trim().is_empty() {
                let (f, b) = url_keys(&r.url);
                full.entry(f.clone()).or_insert(i);
                if !f.contains('?') {
                    bare.entry(b).or_insert(i);
                }
                hosts.insert(cheap_host(&r.url));
            }
            // Title and text as separate passages, so no bigram spans the two.
            for passage in [&r.title, &r.text] {
                bigrams(&mut n, passage, &mut norm, &mut u, &mut g);
                for &h in &g {
                    let list = grams.entry(h).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        Self {
            full,
            bare,
            hosts,
            grams,
            published: refs.iter().map(|r| r.published_ms).collect(),
            params: params.clone(),
        }
    }

    /// The reference a URL points to.
    pub fn url_match(&self, raw: &str) -> Option<u32> {
        if !self.hosts.contains(&cheap_host(raw)) {
            return None;
        }
        let (f, b) = url_keys(raw);
        self.full.get(&f).or_else(|| self.bare.get(&b)).copied()
    }

    /// Best reference by text containment of these (distinct) bigrams, at the threshold.
    pub fn text_match(
        &self,
        grams: &[u64],
        counts: &mut Vec<u32>,
        touched: &mut Vec<u32>,
    ) -> Option<(u32, f64)> {
        if grams.is_empty() {
            return None;
        }
        counts.resize(self.published.len(), 0);
        touched.clear();
        for g in grams {
            if let Some(list) = self.grams.get(g) {
                for &r in list {
                    if counts[r as usize] == 0 {
                        touched.push(r);
                    }
                    counts[r as usize] += 1;
                }
            }
        }
        let mut best: Option<(u32, f64)> = None;
        for &r in touched.iter() {
            let shared = counts[r as usize] as usize;
            let c = shared as f64 / grams.len() as f64;
            counts[r as usize] = 0;
            if shared >= self.params.min_shared
                && c >= self.params.containment
                && best.is_none_or(|(br, bc)| c > bc || (c == bc && r < br))
            {
                best = Some((r, c));
            }
        }
        best
    }

    /// Every post that echoes a reference, by post.
    pub fn scan(&self, table: &PostTable) -> Vec<EchoPost> {
        // Which interned URLs point to a reference.
        let url_ref: Vec<u32> = (0..table.urls.len() as u32)
            .into_par_iter()
            .map(|s| self.url_match(table.urls.resolve(s)).unwrap_or(NONE))
            .collect();
        let n = table.len();
        let first: Vec<Option<EchoPost>> = (0..n)
            .collect::<Vec<_>>()
            .par_chunks(2048)
            .flat_map_iter(|chunk| {
                let mut nz = text_normaliser();
                let (mut norm, mut u, mut g) = (String::new(), Vec::new(), Vec::new());
                let (mut counts, mut touched) = (Vec::new(), Vec::new());
                chunk
                    .iter()
                    .map(|&p| {
                        let p = p as PostIdx;
                        if let Some(&r) = table
                            .url_syms(p)
                            .iter()
                            .map(|&s| &url_ref[s as usize])
                            .find(|&&r| r != NONE)
                        {
                            return Some(EchoPost {
                                post: p,
                                reference: r,
                                kind: EchoKind::Url,
                                containment: f32::NAN,
                            });
                        }
                        // Text echo is judged on the author's own words; a repost of an echo
                        // echoes by the repost below.
                        let units =
                            bigrams(&mut nz, post_words(table, p), &mut norm, &mut u, &mut g);
                        if units < self.params.min_units.max(2) {
                            return None;
                        }
                        let (r, c) = self.text_match(&g, &mut counts, &mut touched)?;
                        let early = self.published[r as usize]
                            .is_some_and(|pub_ms| table.time(p) < pub_ms - self.params.max_lead_ms);
                        (!early).then_some(EchoPost {
                            post: p,
                            reference: r,
                            kind: EchoKind::Text,
                            containment: c as f32,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut out: Vec<EchoPost> = (0..n)
            .into_par_iter()
            .filter_map(|p| {
                if let Some(e) = first[p] {
                    return Some(e);
                }
                let q = table.ref_post(table.repost_of(p as PostIdx))?;
                let e = first[q as usize]?;
                Some(EchoPost {
                    post: p as PostIdx,
                    reference: e.reference,
                    kind: EchoKind::Repost,
                    containment: f32::NAN,
                })
            })
            .collect();
        out.sort_unstable_by_key(|e| e.post);
        out
    }
}

/// Lag statistics of one reference's echo, seconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LagStats {
    /// Smallest lag.
    pub min_s: Option<f64>,
    /// Median lag.
    pub median_s: Option<f64>,
    /// 90th percentile.
    pub p90_s: Option<f64>,
    /// Echoing posts made before publication.
    pub before_publication: u64,
}

/// Lag figures of `lags` (seconds).
pub fn lag_stats(lags: &mut [f64]) -> LagStats {
    let before = lags.iter().filter(|&&l| l < 0.0).count() as u64;
    LagStats {
        min_s: lags.iter().copied().reduce(f64::min).map(r4),
        median_s: crate::group::median(lags).map(r4),
        p90_s: crate::group::quantile(lags, 0.9).map(r4),
        before_publication: before,
    }
}

/// The echo of each reference: how its posts match, first echo, lag and summary.
pub(crate) fn reference_reports(
    ctx: &Context,
    refs: &[Reference],
    found: &[EchoPost],
) -> Vec<ReferenceEcho> {
    let t = ctx.table;
    let mut by_ref: Vec<Vec<&EchoPost>> = vec![Vec::new(); refs.len()];
    for e in found {
        if let Some(v) = by_ref.get_mut(e.reference as usize) {
            v.push(e);
        }
    }
    by_ref
        .into_par_iter()
        .enumerate()
        .map(|(i, mine)| {
            let r = &refs[i];
            let posts: Vec<PostIdx> = mine.iter().map(|e| e.post).collect();
            let mut by_match = std::collections::BTreeMap::new();
            for k in [EchoKind::Url, EchoKind::Text, EchoKind::Repost] {
                by_match.insert(
                    k.as_str().to_string(),
                    mine.iter().filter(|e| e.kind == k).count() as u64,
                );
            }
            let first = posts.iter().copied().min_by_key(|&p| (t.time(p), p));
            let lag_of = |p: PostIdx| r.published_ms.map(|m| (t.time(p) - m) as f64 / 1000.0);
            let mut lags: Vec<f64> = posts.iter().filter_map(|&p| lag_of(p)).collect();
            ReferenceEcho {
                id: i as u32 + 1,
                reference: r.clone(),
                canonical_url: if r.url.is_empty() {
                    String::new()
                } else {
                    url_keys(&r.url).0
                },
                by_match,
                first_echo_post: first.map(|p| t.post_id(p).to_string()),
                first_echo_lag_s: first.and_then(lag_of),
                lag: lag_stats(&mut lags),
                summary: summarise(ctx, &posts, true),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::PostRecord;

    const ZH_ARTICLE: &str = "一款存在后门隐患的芯片，不可能是好芯片，更不可能让用户放心使用。网络安全是国家安全的重要组成部分，任何企业都不应在产品中预留“后门”。技术专家指出，具备远程关闭能力的芯片，等于把开关交到了别人手里。";

    fn refs() -> Vec<Reference> {
        vec![
            Reference {
                url: "https://www.huaxiadaily.cn/2025-08/01/content_31041518.htm".into(),
                title: "英伟达，拿什么让我们相信你？".into(),
                text: ZH_ARTICLE.into(),
                source: "华夏日报".into(),
                published_at: "2025-08-01T23:00:00Z".into(),
                published_ms: parse_timestamp("2025-08-01T23:00:00Z"),
            },
            Reference {
                url: "https://en.huaxiadaily.cn/a/202508/02/WS68a31d.html?id=7".into(),
                title: "Nvidia must prove its H20 chips are free of backdoors".into(),
                text: "Technical experts say Nvidia's chips already have mature tracking and remote shutdown capabilities. A chip with a backdoor is not a good chip, and users cannot be expected to trust it.".into(),
                source: "Huaxia Daily".into(),
                published_at: "2025-08-02T03:30:00Z".into(),
                published_ms: parse_timestamp("2025-08-02T03:30:00Z"),
            },
        ]
    }

    fn post(
        t: &mut PostTable,
        id: &str,
        time: &str,
        text: &str,
        urls: &[&str],
        repost: Option<&str>,
    ) {
        t.push(&PostRecord {
            platform: "weibo".into(),
            id: id.into(),
            author_id: format!("a{id}"),
            time_ms: parse_timestamp(time).unwrap(),
            text: text.into(),
            urls: urls.iter().map(|s| s.to_string()).collect(),
            repost_of: repost.map(String::from),
            ..Default::default()
        });
    }

    #[test]
    fn url_spellings_meet_the_reference() {
        let idx = EchoIndex::new(&refs(), &EchoParams::default());
        for u in [
            "https://www.huaxiadaily.cn/2025-08/01/content_31041518.htm",
            "http://huaxiadaily.cn/2025-08/01/content_31041518.htm?from=weibo",
            "https://M.HUAXIADAILY.CN/2025-08/01/content_31041518.htm#comment",
            "https://www.huaxiadaily.cn/2025-08/01/content_31041518.htm?share_token=1a2b3c4d",
            "huaxiadaily.cn/2025-08/01/content_31041518.htm",
        ] {
            assert_eq!(idx.url_match(u), Some(0), "{u}");
        }
        assert_eq!(
            idx.url_match("https://www.huaxiadaily.cn/2025-08/01/content_999.htm"),
            None
        );
        // A reference whose URL has a query needs that query.
        assert_eq!(
            idx.url_match("https://en.huaxiadaily.cn/a/202508/02/WS68a31d.html?id=7&utm_source=x"),
            Some(1)
        );
        assert_eq!(
            idx.url_match("https://en.huaxiadaily.cn/a/202508/02/WS68a31d.html?id=8"),
            None
        );
        assert_eq!(idx.url_match("https://example.com/x"), None);
    }

    #[test]
    fn text_reuse_in_chinese_and_english_with_lag_and_reposts() {
        let idx = EchoIndex::new(&refs(), &EchoParams::default());
        let mut t = PostTable::new();
        // Copies a sentence, edited (traditional characters, emoji, an added line, a topic).
        post(&mut t, "1", "2025-08-02T01:00:00Z", "技術專家指出，具備遠程關閉能力的芯片，等於把開關交到了別人手裡。英伟达必须给个说法！😡 #英伟达后门#", &[], None);
        // Same vocabulary, own sentence: not an echo.
        post(
            &mut t,
            "2",
            "2025-08-02T01:00:00Z",
            "芯片安全很重要，但是后门这种事没有证据很难说，等技术专家分析吧",
            &[],
            None,
        );
        // A link to the article with a tracking parameter.
        post(
            &mut t,
            "3",
            "2025-08-02T02:00:00Z",
            "必读！",
            &["https://m.huaxiadaily.cn/2025-08/01/content_31041518.htm?from=timeline"],
            None,
        );
        // English reuse.
        post(&mut t, "4", "2025-08-02T05:00:00Z", "American chips, American control. Technical experts say Nvidia's chips already have mature tracking and remote shutdown capabilities.", &[], None);
        // Copies the text long before publication: the article quotes it, not vice versa.
        post(
            &mut t,
            "5",
            "2025-08-01T12:00:00Z",
            "技术专家指出，具备远程关闭能力的芯片，等于把开关交到了别人手里。",
            &[],
            None,
        );
        // A repost of an echo, and a short post.
        post(
            &mut t,
            "6",
            "2025-08-02T03:00:00Z",
            "RT @a1: 技术专家指出",
            &[],
            Some("1"),
        );
        post(&mut t, "7", "2025-08-02T03:00:00Z", "后门芯片", &[], None);
        let e = idx.scan(&t);
        let got: Vec<(u32, u32, EchoKind)> =
            e.iter().map(|x| (x.post, x.reference, x.kind)).collect();
        assert_eq!(
            got,
            vec![
                (0, 0, EchoKind::Text),
                (2, 0, EchoKind::Url),
                (3, 1, EchoKind::Text),
                (5, 0, EchoKind::Repost)
            ]
        );
        assert!(
            e[0].containment >= 0.6 && e[0].containment < 1.0,
            "{}",
            e[0].containment
        );
        let mut lags: Vec<f64> = e
            .iter()
            .filter(|x| x.reference == 0)
            .map(|x| (t.time(x.post) - refs()[0].published_ms.unwrap()) as f64 / 1000.0)
            .collect();
        let s = lag_stats(&mut lags);
        assert_eq!(s.min_s, Some(7200.0));
        assert_eq!(s.median_s, Some(10800.0));
        assert_eq!(s.before_publication, 0);
    }

    #[test]
    fn loads_jsonl_with_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("refs.jsonl");
        std::fs::write(
            &f,
            "{\"url\":\"https://a.cn/1\",\"title\":\"T\",\"text\":\"x\",\"source\":\"S\",\"published_at\":\"2025-08-01T07:40:00Z\"}\nnot json\n[1]\n{\"title\":\"\"}\n{\"url\":\"https://a.cn/2\",\"published_at\":\"soon\"}\n",
        )
        .unwrap();
        let (r, w) = load_references(&f).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].published_ms, Some(1_754_034_000_000));
        assert_eq!(r[1].published_ms, None);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("refs.jsonl:2"));
        std::fs::write(&f, "\n").unwrap();
        assert!(load_references(&f).is_err());
        assert!(load_references(&dir.path().join("missing")).is_err());
    }
}
