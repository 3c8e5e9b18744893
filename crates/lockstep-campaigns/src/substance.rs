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

use lockstep_model::PostTable;
use lockstep_traces::{text::normalise, ObjectSpace, Trace};

/// Fewer letters or digits than this, after normalisation, and a text is a stock phrase.
pub const MIN_TEXT_CHARS: usize = 10;

/// Whether `text` is long enough to carry co-text evidence (see the module documentation).
pub fn substantive(text: &str) -> bool {
    normalise(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .nth(MIN_TEXT_CHARS - 1)
        .is_some()
}

/// `trace` without its stock-phrase events, when its behaviour's objects are text the
/// accounts wrote (the registry's `authored`: co-text, co-similar); `None` when nothing is
/// dropped (other behaviours, or no short texts). Like
/// [`crate::visits::visits`], the object space is not copied: name objects through `trace`.
pub fn without_stock_phrases(table: &PostTable, trace: &Trace) -> Option<Trace> {
    if !trace.behaviour.spec().authored {
        return None;
    }
    let keep: Vec<bool> = trace
        .events
        .iter()
        .map(|e| substantive(table.text(e.post)))
        .collect();
    if keep.iter().all(|&k| k) {
        return None;
    }
    let events = trace
        .events
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(e, _)| *e)
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
