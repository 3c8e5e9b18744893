//! Texts of the Weibo world: posts of every kind of author, the short texts of reposts and
//! comments (empty, the default 转发微博, bracketed emoji codes, generic approval, replies in
//! context), fan cheers, state-media echo, comment-thread arguments, and the planted
//! campaigns' templates.

use rand::Rng;

use crate::sampling::{between, chance, index, pick, unit};

/// Keywords of the search part's crawl: every original of the search part contains one.
pub const KEYWORDS: &[&str] = &["芯片", "英伟达", "H20", "算力", "GPU"];

/// Bracketed emoji codes, most common first (Zipf-drawn): `[哈哈]`, `[吃惊]` and `[蜡烛]` lead,
/// as in real repost and comment texts.
pub(crate) const EMOJI_CODES: &[&str] = &[
    "[哈哈]", "[吃惊]", "[蜡烛]", "[赞]", "[doge]", "[允悲]", "[泪]", "[心]", "[good]", "[思考]",
    "[二哈]", "[吃瓜]", "[怒]", "[笑cry]", "[抱抱]", "[鼓掌]", "[费解]", "[哼]", "[微笑]",
    "[摊手]",
];

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
pub(crate) const GENERIC: &[&str] = &[
    "支持",
    "说得好",
    "[赞]",
    "顶",
    "赞同",
    "有道理",
    "加油",
    "支持！",
    "说得好！",
    "好",
    "同意",
    "学习了",
    "666",
    "厉害",
    "是的",
    "[good]",
    "👍",
    "确实",
];

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

const CHIP_REPLIES: &[&str] = &[
    "等官方调查结果吧",
    "国产芯片加油",
    "理性看待",
    "有没有懂行的说说",
    "H20本来就是阉割版",
    "CUDA生态短期很难替代",
    "数据安全确实要重视",
    "又要涨价了",
    "我们公司刚买了一批",
    "感觉是炒作",
    "英伟达这回麻烦了",
    "希望国产替代快点成熟",
    "关键还是要自己掌握核心技术",
    "说白了还是性价比的问题",
    "别什么都扯后门",
    "这事影响最大的是中小企业",
    "股价跌了不少",
    "技术问题交给专业人士",
];
const EVERYDAY_REPLIES: &[&str] = &[
    "真的假的",
    "太离谱了",
    "学到了",
    "同感",
    "哈哈哈哈",
    "我也是",
    "好羡慕",
    "心疼",
    "求后续",
    "马克一下",
    "有点东西",
    "不敢相信",
    "第一次见",
    "笑死我了",
    "说到心坎里了",
    "我也想去",
    "路过",
    "感谢分享",
    "确实是这样",
    "我不太同意",
];
/// State-media echo: overt approval of official news.
pub(crate) const PATRIOTIC: &[&str] = &[
    "中国加油",
    "厉害了我的国",
    "支持国家",
    "为祖国点赞",
    "致敬！",
    "辛苦了",
    "点赞",
    "🇨🇳🇨🇳",
    "好样的",
    "大国担当",
    "支持！",
    "正能量",
    "必须支持",
    "中国加油！！",
];
const VIRAL_REPLIES: &[&str] = &[
    "太感人了",
    "好人一生平安",
    "希望是真的",
    "求辟谣",
    "转发扩散",
    "已转",
    "帮转",
    "扩散！",
    "真的吗",
    "为他点赞",
    "看哭了",
    "这才是正能量",
];
/// Fans' cheers (`{s}` is the star's name).
const CHEERS: &[&str] = &[
    "{s}加油！",
    "永远支持{s}",
    "{s}最棒[心]",
    "爱你❤️",
    "期待新作品！",
    "太好看了吧",
    "啊啊啊啊啊",
    "冲冲冲",
    "[心][心][心]",
    "来了来了",
    "打卡",
    "今天也是爱{s}的一天",
    "宝贝辛苦了",
    "🌹🌹🌹",
    "前排",
    "支持{s}！",
    "{s}我们永远在",
    "好期待！",
];

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
        return pick(rng, GENERIC, "支持").to_string();
    }
    let pool = match ctx {
        Context::Chips => CHIP_REPLIES,
        Context::Everyday | Context::Star => EVERYDAY_REPLIES,
        Context::State => PATRIOTIC,
        Context::Viral => VIRAL_REPLIES,
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
    pick(rng, CHEERS, "加油").replace("{s}", star)
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
    pick(rng, PATRIOTIC, "支持").to_string()
}

/// Lines of a comment-thread argument.
const THREAD_LINES: &[&str] = &[
    "你说的不对",
    "证据呢？",
    "哈哈哈哈哈",
    "你懂什么",
    "我就是这么认为的",
    "你先看完再说",
    "杠精",
    "我不同意",
    "说得好像你很懂",
    "那你说怎么办",
    "事实就是这样",
    "行行行你说的都对",
    "别偷换概念",
    "你这逻辑有问题",
    "笑死",
    "懒得跟你说",
    "有本事你拿出数据",
    "我亲身经历的",
    "你是不是没看新闻",
    "随便你怎么想",
    "[怒]",
    "[允悲]",
    "[摊手]",
    "你再仔细想想",
    "我说的是事实",
    "不是这样的",
    "那你呢？",
    "？？？",
    "好吧",
    "你开心就好",
    "我查过资料的",
    "谁跟你说的",
];

/// One comment of a comment-thread argument; with `to`, sometimes addressed `回复@to:`.
pub(crate) fn thread_line<R: Rng + ?Sized>(rng: &mut R, to: Option<&str>) -> String {
    let mut s = pick(rng, THREAD_LINES, "好吧").to_string();
    if chance(rng, 0.25) {
        s.push_str(pick(rng, THREAD_LINES, "好吧"));
    }
    match to {
        Some(nick) if chance(rng, 0.3) => format!("回复@{nick}:{s}"),
        _ => s,
    }
}

// ---------------------------------------------------------------------------------------
// Originals
// ---------------------------------------------------------------------------------------

const CHIP_PREFIXES: &[&str] = &[
    "今天",
    "刚刚看到新闻，",
    "说真的，",
    "我觉得",
    "个人看法：",
    "有一说一，",
    "吐槽一下：",
    "同事问我，",
    "求教：",
    "看了一圈评论，",
    "坐标深圳，",
    "作为做AI的，",
    "作为程序员，",
    "老板今天说",
    "下班路上刷到，",
    "讲道理，",
];
const CHIP_OPENERS: &[&str] = &[
    "H20到底有没有后门，还得看证据",
    "英伟达的回应有点苍白",
    "国产芯片这几年进步确实很大",
    "H20性价比其实还可以",
    "做大模型的公司现在很纠结要不要买H20",
    "算力卡价格又涨了",
    "芯片这东西不是一天能追上的",
    "我们公司刚买了一批H20",
    "希望国产芯片替代快点成熟",
    "美国那边的议员确实提过给芯片加追踪定位",
    "英伟达在中国的日子不好过了",
    "显卡又要涨价了，GPU真的买不起",
    "这事儿影响最大的是买算力的中小企业",
    "国产GPU什么时候能用上",
    "CUDA生态太强了，英伟达短期很难替代",
    "H20本来就是阉割版芯片",
    "看完英伟达的新闻有点担心",
    "有没有懂芯片的来说说",
    "算力就是生产力",
    "英伟达股价这波跌得厉害",
    "实验室的H20又被借走了",
    "租云上的GPU比买卡划算多了",
    "国产算力卡的驱动还是有点坑",
    "H20的显存是真的大",
    "昇腾和H20我都用过",
    "客户开始问我们用的是不是国产芯片了",
    "芯片禁令以后英伟达的中国特供版越来越多",
    "大模型训练还得靠英伟达",
    "推理用国产芯片已经够了",
    "朋友在芯片厂上班，说最近特别忙",
    "英伟达的财报出来了",
    "AI算力需求太夸张了",
    "GPU服务器的电费也是一笔大钱",
    "为了抢H20，采购部门天天加班",
    "网上关于H20后门的说法太多了",
    "芯片安全和性价比到底怎么平衡",
];
const CHIP_DETAILS: &[&str] = &[
    "我们组申请了{n}张卡",
    "排队等了{n}个月",
    "一台服务器要{n}万",
    "跑一个{n}B的模型都费劲",
    "股价一天跌了{n}%",
    "项目已经延期{n}周了",
    "云上租一小时要{n}块",
    "身边{n}个朋友都在讨论",
    "训练一次要{n}天",
];
const CHIP_TAILS: &[&str] = &[
    "等官方调查结果吧",
    "理性看待",
    "数据安全确实要重视",
    "技术问题交给专业人士判断",
    "别什么都扯上后门",
    "感觉又是一轮炒作",
    "支持有关部门依法调查",
    "关键还是要掌握核心技术",
    "昇腾的生态还需要时间",
    "大家怎么看",
    "我是真的看不懂了",
    "打工人只关心显卡价格",
    "希望早点有结论",
    "先观望一下",
    "反正我是不敢买了",
    "该用还得用",
    "时间会证明一切",
    "真心希望国产争气",
];
/// Organic Weibo topics of chip discussion, most used first.
pub(crate) const CHIP_TOPICS: &[&str] = &[
    "英伟达H20",
    "国产芯片",
    "芯片",
    "人工智能",
    "算力",
    "英伟达回应",
    "科技",
    "数码",
    "支持国产芯片",
];

/// An ordinary user's post about chips (it contains a crawl keyword): a framing, an
/// opinion, a detail with a number, a conclusion, in varying combinations, so that exact
/// copies are rare.
pub(crate) fn chip_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut s = String::new();
    if chance(rng, 0.4) {
        s.push_str(pick(rng, CHIP_PREFIXES, "今天"));
    }
    s.push_str(pick(rng, CHIP_OPENERS, "H20到底有没有后门"));
    if chance(rng, 0.5) {
        s.push_str(pick(rng, &["，", "。", "！", "，", "…"], "，"));
        let n = between(rng, 2, 96).to_string();
        s.push_str(&pick(rng, CHIP_DETAILS, "排队等了{n}个月").replace("{n}", &n));
    }
    if chance(rng, 0.6) {
        s.push_str(pick(rng, &["，", "。", "！", "…", " "], "，"));
        s.push_str(pick(rng, CHIP_TAILS, "大家怎么看"));
    }
    s.push_str(pick(rng, &["。", "！", "？", "", "…", "~"], "。"));
    if chance(rng, 0.3) {
        s.push_str(emoji_code(rng));
    }
    s
}

const EVERYDAY_POSTS: &[&str] = &[
    "大家觉得国产手机和苹果比怎么样？",
    "年轻人到底该不该躺平？",
    "AI会不会取代程序员？评论区聊聊",
    "甜豆花还是咸豆花，今天必须有个结论",
    "租房还是买房？说说你们的想法",
    "孩子要不要上那么多补习班",
    "异地恋到底能不能坚持",
    "公司要求周末团建，合理吗",
    "新能源车到底值不值得买",
    "考研还是直接工作",
    "南方人和北方人谁更怕冷",
    "外卖越来越贵了，你们还点吗",
    "电动车进电梯该不该禁止",
    "高铁上孩子吵闹怎么办",
];

/// A post that starts a discussion (comment threads grow under such posts).
pub(crate) fn everyday_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut s = pick(rng, EVERYDAY_POSTS, "大家怎么看").to_string();
    if chance(rng, 0.3) {
        s.push_str(emoji_code(rng));
    }
    s
}

/// The fictional state-media accounts' nicknames.
pub(crate) const OUTLETS: &[&str] = &["人民日报", "央视新闻", "环球时报", "新华社"];

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
pub(crate) const STARS: &[&str] = &["星河XINGHE", "林夏Lynn"];
/// The tech blogger with a fan club whose posts are in the search part.
pub(crate) const KOL: &str = "数码闲聊站";

const STAR_POSTS: &[&str] = &[
    "谢谢大家的支持！新歌今晚上线",
    "彩排中，明天上海见！",
    "成都站演唱会圆满结束，爱你们！",
    "新剧定档啦，大家记得追",
    "今天的造型大家喜欢吗",
    "练习室日常，累并快乐着",
    "感谢粉丝朋友们送的礼物",
    "下周直播见，有惊喜哦",
    "新专辑制作中，敬请期待",
    "生日快乐，我最好的搭档",
];
const KOL_POSTS: &[&str] = &[
    "H20实测：大模型推理性能到底怎么样？视频来了",
    "国产GPU横评，这次结果有点意外",
    "英伟达新驱动更新了什么？一文看懂",
    "手机芯片天梯图8月版，收藏备用",
    "算力卡涨价潮，普通人还能买显卡吗",
    "H20、昇腾、寒武纪，到底怎么选",
    "芯片工艺到底差在哪？给大家科普一下",
    "英伟达财报解读：中国区收入占比下滑",
];

/// A star's post (checked part).
pub(crate) fn star_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut s = pick(rng, STAR_POSTS, "谢谢大家").to_string();
    s.push_str(pick(rng, &["❤️", "🎶", "✨", "🙏", "[心]", ""], ""));
    s
}

/// The tech blogger's post (search part; it contains a crawl keyword).
pub(crate) fn kol_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    pick(rng, KOL_POSTS, "H20实测").to_string()
}

const VIRAL_REAL: &[&str] = &[
    "外卖小哥冒雨救起落水儿童后默默离开，警方寻找这位好心人。",
    "老人在地铁晕倒，十几位乘客接力施救，为这座城市点赞！",
    "高考放榜，山区女孩考出全县第一，她说想当一名医生。",
    "消防员救火后靠在墙边睡着了，这张照片让人泪目。",
    "90岁老兵向国旗敬礼，这一幕太燃了。",
];
const VIRAL_FAKE: &[&str] = &[
    "紧急扩散！某地自来水被污染，这两天千万别喝！",
    "网传明天起高速全面收费调整，大家相互转告！",
    "听说某品牌奶粉检出问题，有宝宝的家庭注意！",
];

/// A viral post: a touching story (`false`) or a rumour that will be labelled fake (`true`).
pub(crate) fn viral_post<R: Rng + ?Sized>(rng: &mut R) -> (String, bool) {
    if chance(rng, 0.3) {
        (pick(rng, VIRAL_FAKE, "紧急扩散！").to_string(), true)
    } else {
        (pick(rng, VIRAL_REAL, "为他点赞！").to_string(), false)
    }
}

/// Viral posts of the search part (they contain a crawl keyword).
const VIRAL_CHIPS: &[&str] = &[
    "一张图看懂H20芯片风波的来龙去脉，建议收藏！",
    "英伟达工程师深夜发文：我们从未在芯片里留后门。",
    "国产芯片团队十年磨一剑，这段视频看哭了。",
];

/// A viral post of the search part.
pub(crate) fn viral_chip_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    pick(rng, VIRAL_CHIPS, "国产芯片加油！").to_string()
}

/// The reply swarm's targets: nicknames and what they post.
pub(crate) const TARGETS: &[&str] = &["NVIDIA英伟达中国", "硬核科技评测", "AI算力观察"];
const TARGET_POSTS: &[&str] = &[
    "H20在大模型推理任务上依然表现出色，能效比领先。",
    "我们的芯片不存在任何可以远程访问或控制的后门。",
    "实测：H20跑70B模型推理，性价比分析来了。",
    "英伟达开发者大会下周在上海举行，欢迎报名。",
    "H20供货恢复，多家云厂商已经上线相关实例。",
    "客观聊聊H20：性能、价格和安全争议。",
    "新版CUDA工具包发布，优化了多项推理性能。",
    "为什么很多团队还是选择英伟达？聊聊生态。",
];

/// A post by one of the reply swarm's targets (about H20 / Nvidia, positive).
pub(crate) fn target_post<R: Rng + ?Sized>(rng: &mut R) -> String {
    pick(rng, TARGET_POSTS, "H20表现出色。").to_string()
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
const NEWS_REACTIONS: &[&str] = &[
    "刚看到这个消息",
    "这下热闹了",
    "果然来了",
    "意料之中",
    "有点意外",
    "持续关注",
    "不知道后续会怎样",
    "大家怎么看",
    "说实话我不太信",
    "这个影响不小",
];

/// What one account posts about a news event: the headline, the topic, or both, with its own
/// reaction (many copy the headline verbatim).
pub(crate) fn news_post<R: Rng + ?Sized>(rng: &mut R, headline: &str, topic: &str) -> String {
    let reaction = pick(rng, NEWS_REACTIONS, "大家怎么看");
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
pub(crate) const BOOST_REPOSTS: &[&str] = &[
    "",
    "",
    "转发微博",
    "[赞]",
    "支持",
    "说得好",
    "顶",
    "支持！",
    "👍",
    "[good]",
    "转发支持",
    "[鼓掌]",
];
/// The boost ring's comment texts.
pub(crate) const BOOST_COMMENTS: &[&str] = &[
    "支持",
    "说得好",
    "[赞]",
    "顶",
    "赞",
    "好",
    "支持！",
    "[good]",
    "[鼓掌]",
    "👍👍",
    "说得好！",
];

/// The copy-paste group's long templates.
pub(crate) const COPY_TEMPLATES: &[&str] = &[
    "最近关于H20芯片安全风险的讨论越来越多。作为普通用户，我们最关心的就是个人数据会不会被远程追踪、会不会被随时关闭。英伟达一句“没有后门”远远不够，必须拿出让人信服的证据，接受独立的安全审查！",
    "美国议员早就提出要给出口芯片加装追踪定位功能，这不是秘密。H20被曝存在远程关闭风险，关键基础设施绝不能把命脉交到别人手里。支持有关部门依法约谈，坚决支持国产芯片自主可控！",
    "一款存在后门隐患的芯片，不可能是好芯片。企业采购算力卡，安全永远是第一位的。希望大家擦亮眼睛，不要被所谓的性价比忽悠，数据安全没有小事，大家一定要转发让更多人看到！",
    "H20芯片安全问题不是小事，关系到千千万万用户的数据安全。英伟达必须正面回应追踪定位和远程关闭的质疑，给中国用户一个交代。我们欢迎合规经营，但坚决不接受危害国家安全的产品！",
];
/// Topics the copy-paste group appends, rotating by round.
pub(crate) const COPY_TOPICS: &[&str] = &["芯片安全", "拒绝H20", "H20后门", "数据安全无小事"];
/// Topics of the hashtag push.
pub(crate) const PUSH_TOPICS: &[&str] = &["拒绝H20", "H20不安全", "芯片安全", "支持国产芯片"];
/// Short, varied texts the hashtag push carries its topics on.
pub(crate) const PUSH_TEXTS: &[&str] = &[
    "今天又看到H20的新闻了",
    "数据安全真的很重要",
    "大家一起关注一下",
    "希望早日查清楚",
    "为国产芯片加油",
    "不要让用户的数据裸奔",
    "安全问题不能含糊",
    "这件事必须有个说法",
    "支持！",
    "关注中",
    "顶上去",
    "说的太对了",
    "期待调查结果",
    "国产替代加速吧",
    "芯片安全关系每个人",
    "买芯片先看安全",
    "不能只看性价比",
    "转起来",
    "让更多人知道",
    "这才是重点",
    "英伟达必须回应",
    "我们需要真相",
    "算力安全是底线",
    "为自主可控点赞",
];
/// The reply swarm's short templated replies.
pub(crate) const SWARM_TEMPLATES: &[&str] = &[
    "不安全！拒绝H20！",
    "H20有后门，坚决不买！",
    "别再洗了，安全第一！",
    "拒绝带后门的芯片！",
    "用户数据谁来保护？",
    "国产芯片才靠得住！",
    "说没后门就没后门？拿证据！",
    "H20不安全，大家别上当！",
];
/// Topics the reply swarm appends (one unterminated, as some accounts write them).
pub(crate) const SWARM_TAGS: &[&str] = &["#芯片安全", "#芯片安全#", "#拒绝H20#", "#H20不安全#"];
/// Emoji the reply swarm appends.
pub(crate) const SWARM_EMOJI: &[&str] = &["[怒]", "👎", "❗", "[哼]", "💪", "🇨🇳"];

/// The reply swarm's text: a template, then now and then a topic, an emoji and a mention.
pub(crate) fn swarm_text<R: Rng + ?Sized>(rng: &mut R, k: usize, tag: &str) -> String {
    let mut s = SWARM_TEMPLATES[k % SWARM_TEMPLATES.len()].to_string();
    if chance(rng, 0.6) {
        s.push(' ');
        s.push_str(tag);
    }
    if chance(rng, 0.35) {
        s.push_str(pick(rng, SWARM_EMOJI, "[怒]"));
    }
    if chance(rng, 0.2) {
        s.push_str(" @");
        s.push_str(pick(rng, OUTLETS, "人民日报"));
    }
    s
}

/// A hashtag-push post: a short text with the round's topics before or after it.
pub(crate) fn push_text<R: Rng + ?Sized>(rng: &mut R, topics: &[&str]) -> String {
    let text = pick(rng, PUSH_TEXTS, "支持！");
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
        for t in COPY_TEMPLATES {
            assert!(has(t) && t.chars().count() > 80);
        }
    }
}
