//! Stock phrases: texts too short to say where they came from.
//!
//! Co-text and co-similar treat each text as an object. That is right for a copied
//! paragraph, which two accounts share only if they share a source, but wrong for a stock
//! phrase: "说得好", "支持!", "说得好像你很懂", an emoji or "[心]" are picked from a small common
//! vocabulary, so every comment-thread regular or fan writes the same few, again and again,
//! and a group of them looks like a ring posting many distinct "copies". The rule: a text
//! with fewer than [`MIN_TEXT_CHARS`] letters or digits (Unicode alphanumerics, so a Chinese
//! character counts as one; emoji, punctuation, bracketed emoticon codes' brackets, links
//! and mentions do not) makes no co-text or co-similar evidence at all. Ten characters is a
//! clause in Chinese and two or three words elsewhere: every stock phrase and emoji reaction
//! of the generated Weibo world is shorter, every copied campaign text is longer
//! (BENCHMARKS.md, "weibo world"). The events are dropped before the test, so they count in
//! neither the observation nor the null.

use lockstep_model::{PostIdx, PostTable};
use lockstep_traces::text::{NormaliseOptions, Normaliser};
use lockstep_traces::{ObjectSpace, Trace};
use rayon::prelude::*;

/// Fewer letters or digits than this, after normalisation, and a text is a stock phrase.
pub const MIN_TEXT_CHARS: usize = 10;

/// Whether `text` is long enough to carry co-text evidence (see the module documentation).
pub fn substantive(text: &str) -> bool {
    substantive_with(
        text,
        &mut Normaliser::new(NormaliseOptions::CO_TEXT),
        &mut String::new(),
    )
}

/// [`substantive`] with a co-text normaliser and a buffer to reuse.
fn substantive_with(text: &str, normaliser: &mut Normaliser, buf: &mut String) -> bool {
    normaliser.normalise_into(text, buf);
    buf.chars()
        .filter(|c| c.is_alphanumeric())
        .nth(MIN_TEXT_CHARS - 1)
        .is_some()
}

/// Which posts of the authored traces (co-text, co-similar) are stock phrases, worked out
/// once per post: a detection prepares each such trace twice (the pair test and the text
/// rounds), and co-text and co-similar mostly hold the same posts.
#[derive(Clone, Debug, Default)]
pub struct StockPhrases {
    /// Per post: its text is substantive (false for posts in no authored trace).
    substantive: Vec<bool>,
}

impl StockPhrases {
    /// The verdicts for every post of the authored traces among `traces`.
    pub fn of<'t>(table: &PostTable, traces: impl IntoIterator<Item = &'t Trace>) -> Self {
        let mut wanted = vec![false; table.len()];
        for trace in traces {
            if trace.behaviour.spec().authored {
                for e in &trace.events {
                    wanted[e.post as usize] = true;
                }
            }
        }
        let substantive = wanted
            .par_iter()
            .enumerate()
            .with_min_len(1024)
            .map_init(
                || (Normaliser::new(NormaliseOptions::CO_TEXT), String::new()),
                |(normaliser, buf), (p, &w)| {
                    w && substantive_with(table.text(p as PostIdx), normaliser, buf)
                },
            )
            .collect();
        Self { substantive }
    }

    fn is_substantive(&self, post: PostIdx) -> bool {
        self.substantive
            .get(post as usize)
            .copied()
            .unwrap_or(false)
    }
}

/// `trace` without its stock-phrase events, when its behaviour's objects are text the
/// accounts wrote (the registry's `authored`: co-text, co-similar); `None` when nothing is
/// dropped (other behaviours, or no short texts). Like
/// [`crate::visits::visits`], the object space is not copied: name objects through `trace`.
pub fn without_stock_phrases(table: &PostTable, trace: &Trace) -> Option<Trace> {
    if !trace.behaviour.spec().authored {
        return None;
    }
    without_stock_phrases_in(trace, &StockPhrases::of(table, [trace]))
}

/// [`without_stock_phrases`] with the verdicts already worked out (`stock` must cover
/// `trace`'s posts: [`StockPhrases::of`] on a list of traces holding it).
pub fn without_stock_phrases_in(trace: &Trace, stock: &StockPhrases) -> Option<Trace> {
    if !trace.behaviour.spec().authored {
        return None;
    }
    if trace.events.iter().all(|e| stock.is_substantive(e.post)) {
        return None;
    }
    let events = trace
        .events
        .iter()
        .filter(|e| stock.is_substantive(e.post))
        .copied()
        .collect();
    Some(Trace {
        behaviour: trace.behaviour,
        semantics: trace.semantics,
        events,
        space: ObjectSpace::Single(""),
        multi_object_posts: trace.multi_object_posts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_phrases_and_emoji_are_not_substantive_copied_texts_are() {
        for t in [
            "说得好",
            "说得好像你很懂",
            "支持!",
            "🌹",
            "❤️❤️❤️",
            "[心]",
            "林夏Lynn最棒[心]",
            "期待新作品！",
            "good job @someone https://t.co/x",
            "",
        ] {
            assert!(!substantive(t), "{t}");
        }
        for t in [
            "美国议员早就提出要给出口芯片加装追踪定位功能",
            "一款存在后门隐患的芯片，不可能是好芯片。",
            "this chip is not safe for you",
        ] {
            assert!(substantive(t), "{t}");
        }
    }
}
