//! Text of the realistic scenarios: cosmetic edits of copied messages (punctuation, emoji,
//! traditional characters, synonyms), Weibo-style Chinese posts, celebrity posts, breaking
//! news, generic campaign templates and Chinese links.

use crate::words::Words;
use rand::Rng;

use crate::sampling::{between, chance, index, pick};
use crate::text::random_token;

// ---------------------------------------------------------------------------------------
// Simplified -> traditional
// ---------------------------------------------------------------------------------------

/// Simplified characters and their traditional forms, for the characters the generator's
/// Chinese templates use (one-to-one in the contexts they appear in).
const TRAD: &[(char, char)] = &[
    ('国', '國'),
    ('门', '門'),
    ('后', '後'),
    ('专', '專'),
    ('术', '術'),
    ('险', '險'),
    ('风', '風'),
    ('远', '遠'),
    ('关', '關'),
    ('闭', '閉'),
    ('踪', '蹤'),
    ('产', '產'),
    ('发', '發'),
    ('们', '們'),
    ('这', '這'),
    ('对', '對'),
    ('让', '讓'),
    ('应', '應'),
    ('该', '該'),
    ('数', '數'),
    ('据', '據'),
    ('网', '網'),
    ('络', '絡'),
    ('监', '監'),
    ('听', '聽'),
    ('为', '為'),
    ('么', '麼'),
    ('问', '問'),
    ('题', '題'),
    ('说', '說'),
    ('话', '話'),
    ('还', '還'),
    ('买', '買'),
    ('卖', '賣'),
    ('户', '戶'),
    ('隐', '隱'),
    ('头', '頭'),
    ('万', '萬'),
    ('与', '與'),
    ('从', '從'),
    ('个', '個'),
    ('时', '時'),
    ('间', '間'),
    ('经', '經'),
    ('济', '濟'),
    ('业', '業'),
    ('报', '報'),
    ('导', '導'),
    ('实', '實'),
    ('际', '際'),
    ('务', '務'),
    ('机', '機'),
    ('构', '構'),
    ('证', '證'),
    ('认', '認'),
    ('识', '識'),
    ('论', '論'),
    ('谈', '談'),
    ('约', '約'),
    ('质', '質'),
    ('将', '將'),
    ('开', '開'),
    ('动', '動'),
    ('伟', '偉'),
    ('达', '達'),
    ('谁', '誰'),
    ('来', '來'),
    ('决', '決'),
    ('坚', '堅'),
    ('备', '備'),
    ('于', '於'),
    ('别', '別'),
    ('里', '裡'),
    ('给', '給'),
    ('须', '須'),
    ('摆', '擺'),
    ('现', '現'),
    ('层', '層'),
    ('几', '幾'),
    ('无', '無'),
    ('觉', '覺'),
    ('细', '細'),
    ('极', '極'),
    ('键', '鍵'),
    ('耸', '聳'),
    ('办', '辦'),
    ('学', '學'),
    ('费', '費'),
    ('减', '減'),
    ('价', '價'),
    ('纵', '縱'),
    ('没', '沒'),
    ('讨', '討'),
    ('过', '過'),
    ('吗', '嗎'),
    ('体', '體'),
    ('馆', '館'),
    ('亿', '億'),
    ('请', '請'),
    ('扩', '擴'),
    ('厂', '廠'),
    ('签', '簽'),
    ('转', '轉'),
    ('税', '稅'),
    ('伤', '傷'),
    ('桥', '橋'),
    ('确', '確'),
    ('护', '護'),
    ('权', '權'),
    ('审', '審'),
    ('节', '節'),
    ('单', '單'),
    ('简', '簡'),
    ('绝', '絕'),
    ('许', '許'),
    ('损', '損'),
    ('优', '優'),
    ('势', '勢'),
    ('级', '級'),
    ('选', '選'),
    ('择', '擇'),
    ('爱', '愛'),
    ('难', '難'),
    ('营', '營'),
    ('运', '運'),
    ('电', '電'),
    ('显', '顯'),
    ('训', '訓'),
    ('练', '練'),
    ('总', '總'),
    ('统', '統'),
    ('战', '戰'),
    ('争', '爭'),
    ('贸', '貿'),
    ('划', '劃'),
    ('紧', '緊'),
    ('张', '張'),
    ('细', '細'),
    ('传', '傳'),
    ('闻', '聞'),
    ('读', '讀'),
    ('诉', '訴'),
    ('蒙', '蒙'),
    ('谎', '謊'),
    ('骗', '騙'),
    ('严', '嚴'),
    ('态', '態'),
    ('众', '眾'),
    ('声', '聲'),
    ('华', '華'),
    ('环', '環'),
    ('观', '觀'),
    ('视', '視'),
    ('资', '資'),
    ('领', '領'),
    ('导', '導'),
    ('进', '進'),
    ('准', '準'),
    ('测', '測'),
    ('试', '試'),
    ('验', '驗'),
    ('处', '處'),
    ('钱', '錢'),
    ('贵', '貴'),
    ('标', '標'),
    ('卫', '衛'),
    ('维', '維'),
    ('综', '綜'),
    ('码', '碼'),
    ('软', '軟'),
    ('硬', '硬'),
    ('片', '片'),
];

/// Converts the simplified characters this crate uses to their traditional forms (a
/// common evasion of copy-paste detection on Chinese platforms).
pub(crate) fn to_traditional(s: &str) -> String {
    s.chars()
        .map(|c| {
            TRAD.iter()
                .find(|(simp, _)| *simp == c)
                .map_or(c, |(_, trad)| *trad)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Cosmetic edits
// ---------------------------------------------------------------------------------------

const ZH_SYNONYMS: &[(&str, &str)] = &[
    ("技术专家", "业内专家"),
    ("技术专家", "安全专家"),
    ("远程关闭", "远程锁死"),
    ("追踪定位", "跟踪定位"),
    ("国产芯片", "国产算力芯片"),
    ("风险", "隐患"),
    ("必须", "一定要"),
    ("坚决", "坚定"),
    ("大家", "各位"),
    ("秘密", "偷偷"),
    ("扩散", "转发"),
];

const EN_SYNONYMS: &[(&str, &str)] = &[
    ("backdoor", "back door"),
    ("experts", "specialists"),
    ("remote shutdown", "remote kill switch"),
    ("Share this now.", "Share this!"),
    ("people", "folks"),
    ("secret", "private"),
    ("families", "households"),
    ("Don't stay silent.", "Do not stay silent."),
    ("Nobody", "No one"),
];

static ZH_EMOJI: Words = words!("content/zh_emoji.txt");
static EN_EMOJI: Words = words!("content/en_emoji.txt");

/// Punctuation edits of a copied message: a changed, doubled or dropped final mark, or a
/// full-width comma turned half-width.
fn punct_edit<R: Rng + ?Sized>(rng: &mut R, s: &str, zh: bool) -> String {
    let mut out = s.trim_end().to_string();
    let ends_with_mark = out
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '。' | '！' | '？' | '.' | '!' | '?'));
    match index(rng, 4) {
        0 => {
            if ends_with_mark {
                out.pop();
            }
        }
        1 => {
            if ends_with_mark {
                out.pop();
            }
            out.push_str(if zh { "！！" } else { "!!" });
        }
        2 => {
            if zh {
                out = out.replace('，', ",");
            } else {
                out = out.replace(". ", "... ");
            }
        }
        _ => {
            if zh {
                out = out.replace('。', "！");
            } else {
                out = out.replace('.', "!");
            }
        }
    }
    out
}

/// One swap of a word for a synonym, when the text contains a known one.
fn synonym_swap<R: Rng + ?Sized>(rng: &mut R, s: &str, zh: bool) -> String {
    let table = if zh { ZH_SYNONYMS } else { EN_SYNONYMS };
    let hits: Vec<&(&str, &str)> = table.iter().filter(|(a, _)| s.contains(a)).collect();
    if hits.is_empty() {
        return s.to_string();
    }
    let (a, b) = hits[index(rng, hits.len())];
    s.replacen(a, b, 1)
}

/// A member's copy of a campaign template: the template itself, or with punctuation
/// edits, an emoji, a synonym, traditional characters (Chinese) or changed case (English).
/// `@mention` and hashtag appends are done by the caller, which knows the entities.
pub(crate) fn cosmetic<R: Rng + ?Sized>(rng: &mut R, text: &str, zh: bool) -> String {
    let mut s = text.to_string();
    if chance(rng, 0.3) {
        s = punct_edit(rng, &s, zh);
    }
    if chance(rng, 0.15) {
        s = synonym_swap(rng, &s, zh);
    }
    if zh && chance(rng, 0.2) {
        s = to_traditional(&s);
    }
    if !zh && chance(rng, 0.1) {
        s = if chance(rng, 0.5) {
            s.to_uppercase()
        } else {
            s.to_lowercase()
        };
    }
    if chance(rng, 0.25) {
        let e = pick(rng, if zh { &ZH_EMOJI } else { &EN_EMOJI }, "🔥");
        if chance(rng, 0.7) {
            if !zh {
                s.push(' ');
            }
            s.push_str(e);
        } else {
            s = format!("{e}{s}");
        }
    }
    s
}

// ---------------------------------------------------------------------------------------
// Weibo-style background
// ---------------------------------------------------------------------------------------

static WB_PHRASES: Words = words!("content/wb_phrases.txt");
static WB_EMOTES: Words = words!("content/wb_emotes.txt");

/// Weibo-style topics (used as `#话题#`) for Chinese organic posts, roughly by popularity.
pub(crate) static WB_TOPICS: Words = words!("content/wb_topics.txt");

/// A Weibo-style Chinese post: one to three everyday phrases, sometimes an emoticon or a
/// small detail.
pub(crate) fn weibo_sentence<R: Rng + ?Sized>(rng: &mut R) -> String {
    let n = match index(rng, 10) {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(if chance(rng, 0.8) { "，" } else { " " });
        }
        s.push_str(pick(rng, &WB_PHRASES, "今天心情不错"));
    }
    match index(rng, 8) {
        0 => s.push_str(&format!("，第{}天", between(rng, 2, 30))),
        1 => s.push_str(&format!("，{}度", between(rng, 26, 40))),
        2 => s.push_str(&format!("（{}）", between(rng, 1, 9))),
        _ => {}
    }
    s.push_str(pick(rng, &["。", "！", "～", "…", "", "？"], "。"));
    if chance(rng, 0.35) {
        s.push_str(pick(rng, &WB_EMOTES, "[哈哈]"));
    }
    s
}

// ---------------------------------------------------------------------------------------
// Celebrities and breaking news
// ---------------------------------------------------------------------------------------

static CITIES: Words = words!("content/cities.txt");
static ZH_CITIES: Words = words!("content/zh_cities.txt");
static CELEB_EN: Words = words!("content/celeb_en.txt");
static CELEB_ZH: Words = words!("content/celeb_zh.txt");
static CELEB_EMOJI: Words = words!("content/celeb_emoji.txt");

/// A celebrity's post.
pub(crate) fn celebrity_post<R: Rng + ?Sized>(rng: &mut R, zh: bool) -> String {
    let (tpl, city) = if zh {
        (
            pick(rng, &CELEB_ZH, "谢谢大家"),
            pick(rng, &ZH_CITIES, "北京"),
        )
    } else {
        (
            pick(rng, &CELEB_EN, "Thank you!"),
            pick(rng, &CITIES, "Paris"),
        )
    };
    let mut s = tpl.replace("{city}", city);
    let e = pick(rng, &CELEB_EMOJI, "");
    if !e.is_empty() {
        s.push(' ');
        s.push_str(e);
    }
    s
}

static HEADLINES_EN: Words = words!("content/headlines_en.txt");
static HEADLINES_ZH: Words = words!("content/headlines_zh.txt");
static PLACES: Words = words!("content/places.txt");
static NEWS_LEADS_EN: Words = words!("content/news_leads_en.txt");
static NEWS_LEADS_ZH: Words = words!("content/news_leads_zh.txt");

/// A breaking-news headline.
pub(crate) fn news_headline<R: Rng + ?Sized>(rng: &mut R, zh: bool) -> String {
    if zh {
        pick(rng, &HEADLINES_ZH, "突发新闻").replace("{place}", pick(rng, &ZH_CITIES, "上海"))
    } else {
        pick(rng, &HEADLINES_EN, "Breaking news").replace("{place}", pick(rng, &PLACES, "Chile"))
    }
}

/// What one account writes when sharing breaking news: its own lead-in, the headline or a
/// piece of it.
pub(crate) fn news_share<R: Rng + ?Sized>(rng: &mut R, headline: &str, zh: bool) -> String {
    let lead = pick(rng, if zh { &NEWS_LEADS_ZH } else { &NEWS_LEADS_EN }, "");
    let mut s = String::new();
    if !lead.is_empty() {
        s.push_str(lead);
        if !zh {
            s.push(' ');
        }
    }
    s.push_str(headline);
    match index(rng, 5) {
        0 => s.push_str(if zh {
            "，大家注意"
        } else {
            " - thoughts with everyone there"
        }),
        1 => s.push_str(if zh { "[泪]" } else { " 😨" }),
        _ => {}
    }
    s
}

// ---------------------------------------------------------------------------------------
// Generic campaign templates
// ---------------------------------------------------------------------------------------

/// Chinese copy-paste templates of the generic (non-H20) campaigns.
pub(crate) static GENERIC_ZH_TEMPLATES: Words = words!("content/generic_zh_templates.txt");

/// Chinese hashtags of the generic Chinese campaigns (Weibo topics).
pub(crate) static GENERIC_ZH_TOPICS: Words = words!("content/generic_zh_topics.txt");

/// Replies of a generic reply swarm.
pub(crate) static SWARM_REPLIES_EN: Words = words!("content/swarm_replies_en.txt");

/// Replies of a generic Chinese reply swarm.
pub(crate) static GENERIC_ZH_SWARM: Words = words!("content/generic_zh_swarm.txt");

// ---------------------------------------------------------------------------------------
// Chinese links
// ---------------------------------------------------------------------------------------

/// A Chinese-web link for a Weibo-style post, from a Zipf-ranked `slot` (drawn by the
/// caller); the same slot and seed always give the same link.
pub(crate) fn zh_url(seed: u64, slot: usize) -> String {
    use rand::SeedableRng;
    let mix = seed ^ (slot as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x7a68_5f75_726c;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(mix);
    let rng = &mut rng;
    let n = between(rng, 10_000_000, 99_999_999);
    match index(rng, 6) {
        0 => format!("https://www.zhihu.com/question/{}", 600_000_000 + n),
        1 => format!("https://www.bilibili.com/video/BV1{n:x}"),
        2 => format!(
            "https://www.thepaper.cn/newsDetail_forward_{}",
            31_000_000 + n % 1_000_000
        ),
        3 => format!("https://36kr.com/p/{}", 3_300_000_000_000u64 + n as u64),
        4 => format!(
            "https://news.sina.com.cn/c/2025-08-0{}/doc-inf{n:x}.shtml",
            between(rng, 1, 4)
        ),
        _ => format!("https://mp.weixin.qq.com/s/{}", random_token(rng, B64, 22)),
    }
}

/// The URL-safe base64 alphabet of WeChat article ids.
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn traditional_changes_every_template() {
        for t in GENERIC_ZH_TEMPLATES.iter() {
            let tr = to_traditional(t);
            assert_ne!(&tr, t, "{t}");
            assert_eq!(tr.chars().count(), t.chars().count());
        }
        assert_eq!(to_traditional("美国芯片，美国控制"), "美國芯片，美國控制");
    }

    #[test]
    fn trad_table_has_no_conflicting_keys() {
        for (i, (a, b)) in TRAD.iter().enumerate() {
            for (c, d) in &TRAD[i + 1..] {
                assert!(a != c || b == d, "{a} maps to {b} and {d}");
            }
        }
    }

    #[test]
    fn cosmetic_edits_stay_close() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let base = "技术专家指出，具备远程关闭能力的芯片，等于把开关交到了别人手里。";
        let mut changed = 0;
        for _ in 0..200 {
            let c = cosmetic(&mut rng, base, true);
            if c != base {
                changed += 1;
            }
            assert!(c.chars().count() + 4 >= base.chars().count(), "{c}");
        }
        assert!((40..200).contains(&changed), "{changed}");
    }

    #[test]
    fn zh_urls_are_stable() {
        assert_eq!(zh_url(1, 5), zh_url(1, 5));
        assert!(zh_url(1, 5).starts_with("https://"));
    }
}
