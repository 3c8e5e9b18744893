//! Stop words: function words that say nothing about what a post pushes.
//!
//! English and Chinese lists (Chinese multi-character words only: single Han characters
//! are never terms), plus a few words of social-media furniture. TF-IDF already lowers
//! frequent words; the lists keep them out of `top_terms`, where an analyst reads them.

use std::sync::OnceLock;

const ENGLISH: &str = "a about above after again against all almost also am an and any are aren't \
as at be because been before being below between both but by can can't cannot could couldn't \
did didn't do does doesn't doing don don't down during each else even ever every few for from \
further get gets got had hadn't has hasn't have haven't having he he'd he'll he's her here \
here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it \
it's its itself just let's like ll may me might more most much must mustn't my myself no nor not \
now of off on once one only or other ought our ours ourselves out over own re really same say \
says said shall shan't she she'd she'll she's should shouldn't so some such than that that's the \
their theirs them themselves then there there's these they they'd they'll they're they've this \
those through to too under until up upon us ve very via was wasn't we we'd we'll we're we've \
were weren't what what's when when's where where's whether which while who who's whom why why's \
will with won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves \
rt amp http https www com co t.co html htm via yes yeah oh ok okay lol omg wow hmm just still \
going gonna want wanna know think see look new day today time people thing things";

const CHINESE: &str = "我们 你们 他们 她们 它们 咱们 大家 自己 别人 人家 这个 那个 这些 那些 \
这样 那样 这么 那么 这里 那里 这种 那种 这是 那是 什么 怎么 怎样 为什么 如何 哪里 哪个 \
因为 所以 但是 可是 而且 并且 或者 还是 如果 虽然 然而 然后 而是 就是 不是 也是 都是 \
只是 还有 以及 以后 之后 之前 以前 已经 正在 一直 一下 一些 一个 一样 一种 一点 一定 \
可以 可能 应该 需要 能够 没有 不会 不要 不能 会不会 有没有 是不是 知道 觉得 感觉 认为 \
看到 看看 出来 起来 时候 现在 今天 昨天 明天 刚刚 刚才 其实 真的 确实 当然 非常 比较 \
特别 十分 还是 关于 对于 由于 通过 根据 作为 为了 除了 以上 以下 其中 其他 另外 这次 \
那次 每个 所有 有些 有点 不过 只有 只要 而已 罢了 吧 啊 呢 吗 哦 哈哈 哈哈哈 呵呵 嗯 \
转发 微博 网页链接 全文 展开 收起 评论 点赞 视频 图片 链接 原文 来源 回复 楼主";

fn set(words: &'static str) -> hashbrown::HashSet<&'static str> {
    words.split_whitespace().collect()
}

fn english() -> &'static hashbrown::HashSet<&'static str> {
    static S: OnceLock<hashbrown::HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(ENGLISH))
}

fn chinese() -> &'static hashbrown::HashSet<&'static str> {
    static S: OnceLock<hashbrown::HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(CHINESE))
}

/// True when `word` (lower case, normalised) is a stop word of English or Chinese.
pub fn is_stop_word(word: &str) -> bool {
    if word.is_ascii() {
        english().contains(word)
    } else {
        chinese().contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        for w in ["the", "and", "don't", "rt", "我们", "因为", "转发"] {
            assert!(is_stop_word(w), "{w}");
        }
        for w in ["backdoor", "nvidia", "h20", "后门", "芯片", "英伟达"] {
            assert!(!is_stop_word(w), "{w}");
        }
    }
}
