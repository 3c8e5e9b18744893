//! The `h20` episode, modelled on August 2025: a Chinese regulator summons Nvidia over
//! alleged "backdoor" risks (tracking, remote shutdown) in its H20 chips, state-media-style
//! outlets publish articles, and within 48 hours an escalating wave of near-identical posts
//! repeats the claims ("technical experts", "American chips, American control", support for
//! domestic chips), amplifies the outlets and pushes their links and topics.
//!
//! All outlets, handles and domains are fictional.

use crate::words::Words;
use rand::Rng;

use crate::sampling::{between, chance, index, pick};
use crate::timefmt::utc_fields;

/// Hours from the collection start to the regulator's summons.
pub(crate) const SUMMONS_AFTER_H: i64 = 7;
/// Hours from the summons to the planned start of the coordinated wave.
pub(crate) const ONSET_AFTER_H: i64 = 4;
/// Hours from the onset to the peak of the wave.
pub(crate) const RISE_H: i64 = 44;
/// Hours the wave takes to fade after the peak.
pub(crate) const FALL_H: i64 = 12;
/// Hours from the summons to Nvidia's statement.
pub(crate) const STATEMENT_AFTER_H: i64 = 20;
/// Growth exponent of the wave: intensity grows about e^3 = 20-fold from onset to peak.
const GROWTH: f64 = 3.0;

/// A state-media-style outlet: handle, display name, web host, language.
pub(crate) struct Outlet {
    /// Handle.
    pub screen_name: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Web host of its articles.
    pub host: &'static str,
    /// Writes in Chinese.
    pub zh: bool,
}

/// The outlets (all fictional).
pub(crate) const OUTLETS: &[Outlet] = &[
    Outlet {
        screen_name: "huaxia_daily",
        name: "华夏日报",
        host: "www.huaxiadaily.cn",
        zh: true,
    },
    Outlet {
        screen_name: "wangxin_guancha",
        name: "网信观察",
        host: "www.wxguancha.cn",
        zh: true,
    },
    Outlet {
        screen_name: "huanqiu_zhisheng",
        name: "环球之声",
        host: "www.hqzhisheng.com",
        zh: true,
    },
    Outlet {
        screen_name: "keji_qianyan",
        name: "科技前沿报",
        host: "www.kjqianyan.cn",
        zh: true,
    },
    Outlet {
        screen_name: "HuaxiaDailyEN",
        name: "Huaxia Daily",
        host: "en.huaxiadaily.cn",
        zh: false,
    },
];

/// The regulator's account: handle and display name.
pub(crate) const REGULATOR: (&str, &str) = ("wangxin_tongbao", "网信通报");
/// Nvidia's (fictional) China account: handle and display name.
pub(crate) const NVIDIA: (&str, &str) = ("nv_china_official", "NVIDIA英伟达");

/// One reference article as planned: outlet, minutes after the summons, title, sentences.
struct ArticleDef {
    outlet: usize,
    after_min: i64,
    title: &'static str,
    sentences: &'static [&'static str],
}

const ARTICLES: &[ArticleDef] = &[
    ArticleDef {
        outlet: 1,
        after_min: 40,
        title: "国家网信部门约谈英伟达 要求说明H20芯片漏洞后门安全风险",
        sentences: &[
            "国家网信部门依法约谈英伟达公司，要求其就对华销售的H20算力芯片存在的漏洞后门安全风险问题进行说明，并提交相关证明材料。",
            "据了解，美国有议员提出要求美国出口的先进芯片必须配备“追踪定位”功能。",
            "美国人工智能领域专家透露，英伟达算力芯片“追踪定位”“远程关闭”技术已经成熟。",
            "为维护中国用户网络安全、数据安全，依据相关法律法规，国家网信部门约谈了英伟达公司。",
        ],
    },
    ArticleDef {
        outlet: 0,
        after_min: 16 * 60,
        title: "英伟达，拿什么让我们相信你？",
        sentences: &[
            "一款存在后门隐患的芯片，不可能是好芯片，更不可能让用户放心使用。",
            "网络安全是国家安全的重要组成部分，任何企业都不应在产品中预留“后门”。",
            "技术专家指出，具备远程关闭能力的芯片，等于把开关交到了别人手里。",
            "英伟达应当拿出令人信服的安全证明，而不是一句简单的“没有后门”。",
            "我们欢迎外国企业在华合规经营，但决不允许任何产品危害中国用户的数据安全。",
        ],
    },
    ArticleDef {
        outlet: 4,
        after_min: 20 * 60 + 30,
        title: "Nvidia must prove its H20 chips are free of backdoors",
        sentences: &[
            "Chinese regulators have asked Nvidia to explain the backdoor security risks of the H20 computing chips it sells in China.",
            "Technical experts say Nvidia's chips already have mature tracking and remote shutdown capabilities.",
            "A chip with a backdoor is not a good chip, and users cannot be expected to trust it.",
            "American chips, American control: the risk is real, and domestic alternatives deserve support.",
        ],
    },
    ArticleDef {
        outlet: 2,
        after_min: 26 * 60,
        title: "美国芯片，美国控制？国产芯片迎来窗口期",
        sentences: &[
            "美国芯片，美国控制，这不是危言耸听，而是摆在眼前的现实风险。",
            "一旦关键算力掌握在别人手里，所谓的供应稳定随时可能变成“断供”。",
            "业内人士认为，这一事件将加速国产芯片在算力领域的替代进程。",
            "国产芯片虽然仍有差距，但安全可控的价值无法用性能参数衡量。",
            "支持国产芯片，就是支持我们自己的数字安全。",
        ],
    },
    ArticleDef {
        outlet: 3,
        after_min: 34 * 60,
        title: "专家解读：算力芯片“后门”风险如何防范",
        sentences: &[
            "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。",
            "所谓“追踪定位”和“远程关闭”，可以通过固件、驱动等多个环节实现。",
            "专家建议，关键信息基础设施应优先采用经过安全审查的国产芯片。",
            "只有掌握核心技术，才能从根本上消除后门隐患。",
        ],
    },
];

/// A reference article of the episode.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// Canonical URL (as in `references.jsonl`).
    pub url: String,
    /// Host of the URL.
    pub host: &'static str,
    /// Path of the URL.
    pub path: String,
    /// Headline.
    pub title: &'static str,
    /// Sentences of the text.
    pub sentences: &'static [&'static str],
    /// Index into [`OUTLETS`].
    pub outlet: usize,
    /// Publication time, Unix seconds.
    pub published: i64,
    /// Written in Chinese.
    pub zh: bool,
}

impl Reference {
    /// The full text.
    pub(crate) fn text(&self) -> String {
        if self.zh {
            self.sentences.concat()
        } else {
            self.sentences.join(" ")
        }
    }
}

/// The reference articles of an episode whose summons is at `summons`.
pub(crate) fn references(summons: i64) -> Vec<Reference> {
    ARTICLES
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let published = summons + a.after_min * 60;
            let (y, m, d, ..) = utc_fields(published);
            let outlet = &OUTLETS[a.outlet.min(OUTLETS.len() - 1)];
            let path = if outlet.zh {
                format!("/{y}-{m:02}/{d:02}/content_3104{:04}.htm", 1207 + 311 * i)
            } else {
                format!(
                    "/a/{y}{m:02}/{d:02}/WS68{:06}a31d.html",
                    8_120_000 % 1_000_000 + 4_409 * i
                )
            };
            Reference {
                url: format!("https://{}{}", outlet.host, path),
                host: outlet.host,
                path,
                title: a.title,
                sentences: a.sentences,
                outlet: a.outlet,
                published,
                zh: outlet.zh,
            }
        })
        .collect()
}

/// A campaign message template of the episode.
pub(crate) struct H20Template {
    /// Template id, as written to `truth_posts.csv`.
    pub id: &'static str,
    /// Text.
    pub text: &'static str,
    /// Index of the reference whose sentence it copies.
    pub echo: Option<usize>,
    /// Chinese.
    pub zh: bool,
}

/// Copy-paste templates of the Chinese template ring.
pub(crate) const COPYPASTE: &[H20Template] = &[
    H20Template {
        id: "h20_zh_01",
        text: "技术专家透露，英伟达算力芯片“追踪定位”“远程关闭”技术已经成熟。美国芯片，美国控制！",
        echo: Some(0),
        zh: true,
    },
    H20Template {
        id: "h20_zh_02",
        text: "美国芯片，美国控制！H20后门风险不是危言耸听，关键时刻还得靠国产芯片。",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_zh_03",
        text: "H20芯片被曝存在后门，能追踪定位还能远程关闭，用户数据安全谁来保障？坚决支持国产芯片！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_zh_04",
        text: "一款存在后门隐患的芯片，不可能是好芯片，更不可能让用户放心使用。支持国产芯片！",
        echo: Some(1),
        zh: true,
    },
    H20Template {
        id: "h20_zh_05",
        text: "技术专家指出，具备远程关闭能力的芯片，等于把开关交到了别人手里。英伟达必须给个说法！",
        echo: Some(1),
        zh: true,
    },
    H20Template {
        id: "h20_zh_06",
        text: "美国芯片，美国控制，这不是危言耸听，而是摆在眼前的现实风险。国产芯片加油！",
        echo: Some(3),
        zh: true,
    },
    H20Template {
        id: "h20_zh_07",
        text: "支持国产芯片，就是支持我们自己的数字安全。美国芯片靠不住！",
        echo: Some(3),
        zh: true,
    },
    H20Template {
        id: "h20_zh_08",
        text: "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。细思极恐！",
        echo: Some(4),
        zh: true,
    },
    H20Template {
        id: "h20_en_01",
        text: "American chips, American control. Technical experts say Nvidia's chips already have mature tracking and remote shutdown capabilities.",
        echo: Some(2),
        zh: false,
    },
];

/// Lead-in texts of the link ring.
pub(crate) const LINK_BLURBS: &[H20Template] = &[
    H20Template {
        id: "h20_link_01",
        text: "必读！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_link_02",
        text: "技术专家都说了，大家看看这篇：",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_link_03",
        text: "转发扩散，让更多人看到：",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_link_04",
        text: "这篇文章说得太透彻了",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_link_05",
        text: "美国芯片，美国控制，看完你就明白了：",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_link_06",
        text: "Must read:",
        echo: None,
        zh: false,
    },
];

/// Texts of the hashtag push (the per-round topics are appended).
pub(crate) const TAG_TEXTS: &[H20Template] = &[
    H20Template {
        id: "h20_tag_01",
        text: "英伟达必须给中国用户一个交代！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_tag_02",
        text: "数据安全没有小事，后门问题必须查清楚。",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_tag_03",
        text: "芯片安全关系国家安全，坚决支持国产！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_tag_04",
        text: "H20到底有没有后门？拿出证据来！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_tag_05",
        text: "别再被“性价比”忽悠了，安全才是第一位的。",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_tag_06",
        text: "国产芯片加油，早日实现自主可控！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_tag_07",
        text: "Chip security is national security.",
        echo: None,
        zh: false,
    },
];

/// Weibo topics of the hashtag push (written `#topic#`).
pub(crate) static ZH_TOPICS: Words = words!("h20/zh_topics.txt");
/// English hashtags of the hashtag push.
pub(crate) static EN_TAGS: Words = words!("h20/en_tags.txt");

/// Replies of the reply swarm to Nvidia's posts.
pub(crate) const REPLIES: &[H20Template] = &[
    H20Template {
        id: "h20_reply_01",
        text: "说没有后门就没有后门？拿出证据来！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_reply_02",
        text: "一句“没有后门”就想糊弄过去？",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_reply_03",
        text: "技术专家早就指出了追踪定位和远程关闭的风险，请正面回应！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_reply_04",
        text: "美国芯片，美国控制，谁信你？",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_reply_05",
        text: "中国用户不是好骗的，请提交安全证明材料。",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_reply_06",
        text: "请公开H20的全部技术细节，接受安全审查！",
        echo: None,
        zh: true,
    },
    H20Template {
        id: "h20_reply_07",
        text: "Prove it. Show the evidence that there is no backdoor.",
        echo: None,
        zh: false,
    },
];

/// Nvidia's statement (its first post of the episode).
pub(crate) const NVIDIA_STATEMENT: &str =
    "网络安全对我们至关重要。英伟达的芯片不存在可以让任何人远程访问或控制的“后门”。";
/// Nvidia's later posts, which the reply swarm also targets.
static NVIDIA_POSTS: Words = words!("h20/nvidia_posts.txt");

/// The regulator's notice at the summons.
pub(crate) const REGULATOR_NOTICE: &str = "【通报】国家网信部门依法约谈英伟达公司，要求其就H20算力芯片漏洞后门安全风险问题进行说明，并提交相关证明材料。";

/// Headlines of the summons news burst.
pub(crate) static SUMMONS_HEADLINES: Words = words!("h20/summons_headlines.txt");

/// Nvidia's `n`-th post of the episode (0 is the statement).
pub(crate) fn nvidia_post(n: usize) -> (&'static str, bool) {
    if n == 0 {
        return (NVIDIA_STATEMENT, true);
    }
    let t = NVIDIA_POSTS[(n - 1) % NVIDIA_POSTS.len()];
    (t, !t.is_ascii())
}

/// Text of an outlet's post promoting a reference (the link is appended by the caller).
pub(crate) fn promo_text<R: Rng + ?Sized>(rng: &mut R, r: &Reference) -> String {
    let sentence = pick(rng, r.sentences, r.title);
    if r.zh {
        let tag = pick(rng, &["", "", "【关注】", "【评论】", "【深度】"], "");
        format!("{tag}【{}】{sentence}", r.title)
    } else {
        format!("{}: {sentence}", r.title)
    }
}

/// Text of an outlet's short post without a link: usually a sentence of a published
/// reference in the outlet's language (returned as its index into `refs`), else a generic
/// line.
pub(crate) fn flash_text<R: Rng + ?Sized>(
    rng: &mut R,
    refs: &[Reference],
    published: &[usize],
    zh: bool,
) -> (String, Option<usize>) {
    let same: Vec<usize> = published
        .iter()
        .copied()
        .filter(|&i| refs.get(i).is_some_and(|r| r.zh == zh))
        .collect();
    let (sentence, echo) = match same.get(index(rng, same.len().max(1))) {
        Some(&i) if chance(rng, 0.8) => {
            let r = &refs[i];
            (pick(rng, r.sentences, r.title), Some(i))
        }
        _ if zh => ("英伟达H20芯片安全风险引发关注。", None),
        _ => (
            "Concerns grow over the security of Nvidia's H20 chips.",
            None,
        ),
    };
    let text = if zh {
        format!(
            "{}{sentence}",
            pick(rng, &["【快讯】", "【观点】", "#英伟达H20芯片# "], "")
        )
    } else {
        format!("Commentary: {sentence}")
    };
    (text, echo)
}

/// A spelling of a reference URL as a link ring (or an ordinary user) posts it: scheme,
/// host case, no `www.`, a mobile host, or a tracking or share parameter.
pub(crate) fn url_variant<R: Rng + ?Sized>(rng: &mut R, r: &Reference) -> String {
    let bare = r.host.strip_prefix("www.").unwrap_or(r.host);
    match index(rng, 12) {
        0..=2 => r.url.clone(),
        3 => format!("http://{}{}", r.host, r.path),
        4 => format!("https://{}{}", r.host.to_uppercase(), r.path),
        5 => format!("https://{bare}{}", r.path),
        6 => format!("https://m.{bare}{}", r.path),
        7 => format!("{}?from=weibo", r.url),
        8 => format!("{}?utm_source=wechat&utm_medium=social", r.url),
        9 => format!(
            "{}?share_token={:08x}",
            r.url,
            between(rng, 0x1000_0000, 0x7fff_ffff)
        ),
        10 => format!("{}?from=timeline&isappinstalled=0", r.url),
        _ => format!("{}#comment", r.url),
    }
}

static DISC_OPENERS: Words = words!("h20/disc_openers.txt");
static DISC_BODIES: Words = words!("h20/disc_bodies.txt");
static DISC_CLOSERS: Words = words!("h20/disc_closers.txt");
static DISC_TOPICS: Words = words!("h20/disc_topics.txt");
static DISC_EN: Words = words!("h20/disc_en.txt");
static DISC_EN_LEADS: Words = words!("h20/disc_en_leads.txt");

/// An ordinary user's post about the episode: text, and whether it gets a topic.
pub(crate) fn discussion<R: Rng + ?Sized>(rng: &mut R, zh: bool) -> (String, Option<&'static str>) {
    if zh {
        let mut s = String::new();
        s.push_str(pick(rng, &DISC_OPENERS, ""));
        s.push_str(pick(rng, &DISC_BODIES, "H20"));
        if chance(rng, 0.3) {
            s.push('，');
            s.push_str(pick(rng, &DISC_BODIES, "H20"));
        }
        s.push_str(pick(rng, &DISC_CLOSERS, ""));
        let topic = if chance(rng, 0.3) {
            Some(pick(rng, &DISC_TOPICS, "英伟达"))
        } else {
            None
        };
        (s, topic)
    } else {
        let lead = pick(rng, &DISC_EN_LEADS, "");
        let body = pick(rng, &DISC_EN, "Nvidia H20.");
        let s = if lead.is_empty() {
            body.to_string()
        } else {
            format!("{lead} {body}")
        };
        let topic = if chance(rng, 0.2) {
            Some(pick(rng, &["Nvidia", "H20", "China"], "Nvidia"))
        } else {
            None
        };
        (s, topic)
    }
}

/// Timeline of the episode.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    /// The regulator's summons.
    pub summons: i64,
    /// Planned start of the coordinated wave.
    pub onset: i64,
    /// Planned peak of the wave.
    pub peak: i64,
    /// Nvidia's statement.
    pub statement: i64,
}

impl Timeline {
    /// The timeline of a collection starting at `start`.
    pub(crate) fn new(start: i64) -> Self {
        let summons = start + SUMMONS_AFTER_H * 3600;
        let onset = summons + ONSET_AFTER_H * 3600;
        Timeline {
            summons,
            onset,
            peak: onset + RISE_H * 3600,
            statement: summons + STATEMENT_AFTER_H * 3600,
        }
    }

    /// Intensity of the coordinated wave at `ts`, 0 before the onset, 1 at the peak.
    pub(crate) fn wave(&self, ts: i64) -> f64 {
        if ts < self.onset {
            0.0
        } else if ts <= self.peak {
            let x = (ts - self.onset) as f64 / (self.peak - self.onset).max(1) as f64;
            ((GROWTH * x).exp() - 1.0) / (GROWTH.exp() - 1.0)
        } else {
            (-GROWTH * (ts - self.peak) as f64 / (FALL_H * 3600) as f64).exp()
        }
    }

    /// Share of ordinary posts at `ts` that talk about the episode: news attention fading
    /// after the summons plus the echo of the wave.
    pub(crate) fn topic_share(&self, ts: i64) -> f64 {
        if ts < self.summons {
            return 0.0;
        }
        let news = 0.08 * (-((ts - self.summons) as f64) / (12.0 * 3600.0)).exp();
        0.01 + news + 0.15 * self.wave(ts)
    }

    /// Trigger times of `n` rounds following the wave from `from` (onset or later) through
    /// the peak and the fall, with each round's progress (0 at the start, 1 at the peak,
    /// falling after).
    pub(crate) fn rounds<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        n: usize,
        from: i64,
    ) -> Vec<(i64, f64)> {
        if n == 0 {
            return Vec::new();
        }
        let from = from.clamp(self.onset, self.peak - 3600);
        let n_rise = ((n as f64 * 0.85).round() as usize).clamp(1, n.max(1));
        let n_fall = n.saturating_sub(n_rise);
        let span = (self.peak - from) as f64;
        let a = GROWTH;
        let mut out = Vec::with_capacity(n);
        for j in 0..n_rise {
            let q = (j as f64 + crate::sampling::unit(rng)) / n_rise as f64;
            let x = (1.0 + q * (a.exp() - 1.0)).ln() / a;
            out.push((from + (x * span) as i64, x));
        }
        let fall = (FALL_H * 3600) as f64;
        for j in 0..n_fall {
            let q = (j as f64 + crate::sampling::unit(rng)) / n_fall as f64;
            let y = -(1.0 - q * (1.0 - (-a).exp())).ln() / a;
            out.push((self.peak + (y * fall) as i64, 1.0 - y));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn templates_echo_existing_references_and_copy_their_sentences() {
        let refs = references(crate::timefmt::COLLECTION_START);
        assert!((3..=6).contains(&refs.len()));
        for t in COPYPASTE
            .iter()
            .chain(REPLIES)
            .chain(LINK_BLURBS)
            .chain(TAG_TEXTS)
        {
            if let Some(e) = t.echo {
                assert!(e < refs.len(), "{}", t.id);
            }
        }
        // Copy-paste templates that echo an article share a long run of its text.
        for t in COPYPASTE.iter().filter(|t| t.echo.is_some() && t.zh) {
            let r = &refs[t.echo.unwrap_or(0)];
            let text = r.text();
            let chars: Vec<char> = t.text.chars().collect();
            let shares = chars
                .windows(12)
                .any(|w| text.contains(&w.iter().collect::<String>()));
            assert!(shares, "{} does not copy {}", t.id, r.url);
        }
        let mut urls: Vec<&str> = refs.iter().map(|r| r.url.as_str()).collect();
        urls.dedup();
        assert_eq!(urls.len(), refs.len());
    }

    #[test]
    fn wave_rounds_escalate() {
        let tl = Timeline::new(crate::timefmt::COLLECTION_START);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let rounds = tl.rounds(&mut rng, 60, tl.onset);
        assert_eq!(rounds.len(), 60);
        let mid = tl.onset + (tl.peak - tl.onset) / 2;
        let early = rounds.iter().filter(|(t, _)| *t < mid).count();
        let late = rounds
            .iter()
            .filter(|(t, _)| *t >= mid && *t <= tl.peak)
            .count();
        assert!(late > 2 * early, "early {early} late {late}");
        assert!(rounds.iter().all(|(t, _)| *t >= tl.onset));
        assert!(tl.wave(tl.peak) > 0.99 && tl.wave(tl.onset) < 0.01);
    }
}
