//! co-mention: mentioning the same set of accounts. The object is the post's set of
//! mentioned handles (case-folded, sorted, without duplicates), so two posts tagging the
//! same targets act on one object whatever the order; reposts are left out (a retweet's
//! mentions are its original's).

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::trace::keyed;
use crate::{ObjectSpace, Semantics};
use lockstep_model::{PostIdx, PostTable, NONE};

pub const SPEC: Spec = Spec {
    name: "co-mention",
    cnt_name: None,
    aliases: &[],
    about: "mentioning the same set of accounts",
    authored: false,
    // Opt in with --behaviours until measured on the benchmarks.
    default: false,
    multi_object: false,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| (0..t.len() as u32).any(|p| !key_syms(t, p).is_empty()),
    lack: |_| "no post in the input (reposts aside) mentions an account",
    extract: Some(extract),
};

fn key_syms(table: &PostTable, p: PostIdx) -> &[u32] {
    if table.repost_of(p) == NONE {
        table.mention_syms(p)
    } else {
        &[]
    }
}

fn extract(table: &PostTable, _: Semantics) -> Extracted {
    let (events, labels) = keyed(table, |p| {
        let syms = key_syms(table, p);
        if syms.is_empty() {
            return None;
        }
        let mut handles: Vec<String> = syms
            .iter()
            .map(|&s| table.mentions.resolve(s).trim_start_matches('@').to_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        handles.sort();
        handles.dedup();
        (!handles.is_empty()).then(|| handles.join(" "))
    });
    (events, ObjectSpace::Labels(labels))
}

#[cfg(test)]
mod tests {
    use crate::{extract, Behaviour, Semantics};
    use lockstep_model::{PostRecord, PostTable};

    fn post(id: &str, author: &str, t: i64, mentions: &[&str]) -> PostRecord {
        PostRecord {
            id: id.into(),
            author_id: author.into(),
            time_ms: t,
            mentions: mentions.iter().map(|m| m.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn same_set_of_mentions_is_one_object() {
        let mut t = PostTable::new();
        t.push(&post("1", "a", 1_000, &["Target", "other"]));
        t.push(&post("2", "b", 2_000, &["other", "target", "TARGET"]));
        t.push(&post("3", "c", 3_000, &["target"]));
        t.push(&post("4", "d", 4_000, &[]));
        let mut rt = post("5", "e", 5_000, &["target", "other"]);
        rt.repost_of = Some("1".into());
        t.push(&rt);
        assert!((Behaviour::CoMention.spec().supported)(&t));
        let trace = extract(&t, Behaviour::CoMention, Semantics::Native).expect("trace");
        // Posts 1 and 2 share {other, target}; post 3 is {target} alone; no event for the
        // post without mentions or the repost.
        let objects: Vec<(String, u32)> = trace
            .events
            .iter()
            .map(|e| (trace.object_label(&t, e.object).into_owned(), e.post))
            .collect();
        assert_eq!(
            objects,
            vec![("other target".to_string(), 0), ("other target".to_string(), 1), ("target".to_string(), 2)]
        );
        assert_eq!("co-mention".parse::<Behaviour>(), Ok(Behaviour::CoMention));
    }

    #[test]
    fn nothing_to_mention_says_so() {
        let mut t = PostTable::new();
        t.push(&post("1", "a", 1_000, &[]));
        assert!(!(Behaviour::CoMention.spec().supported)(&t));
        assert!(crate::nothing_to_work_on(&t, Behaviour::CoMention, "--behaviours")
            .starts_with("co-mention: no post in the input (reposts aside) mentions an account"));
    }
}
