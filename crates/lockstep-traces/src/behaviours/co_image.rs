//! co-image: posting the same image or video. The object is a media id or content hash
//! as the input gives it (Bluesky blob CIDs, Mastodon and Telegram media keys, a `media`
//! column); a post with several media acts on each. Reposts are left out (their media are
//! the original's).

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::trace::ev;
use crate::{ObjectSpace, Semantics};
use lockstep_model::{Interner, PostTable, NONE};

pub const SPEC: Spec = Spec {
    name: "co-image",
    cnt_name: None,
    aliases: &["co-media"],
    about: "posting the same image or video (media id or content hash)",
    authored: false,
    // Opt in with --behaviours until measured on the benchmarks.
    default: false,
    multi_object: true,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| {
        (0..t.len() as u32).any(|p| t.repost_of(p) == NONE && !t.media_syms(p).is_empty())
    },
    lack: |_| "no post in the input (reposts aside) has media ids or hashes",
    extract: Some(extract),
};

fn extract(table: &PostTable, _: Semantics) -> Extracted {
    // Numbered afresh so the trace names its objects without borrowing the table's
    // interner (media ids are few next to posts).
    let mut labels = Interner::new();
    let mut events = Vec::new();
    let mut seen = Vec::new();
    for p in (0..table.len() as u32).filter(|&p| table.repost_of(p) == NONE) {
        seen.clear();
        for &m in table.media_syms(p) {
            let key = table.media.resolve(m).trim();
            if key.is_empty() {
                continue;
            }
            let o = labels.intern(key);
            if !seen.contains(&o) {
                seen.push(o);
                events.push(ev(table, p, o));
            }
        }
    }
    (events, ObjectSpace::Labels(labels))
}

#[cfg(test)]
mod tests {
    use crate::{extract, Behaviour, Semantics};
    use lockstep_model::{PostRecord, PostTable};

    fn post(id: &str, author: &str, t: i64, media: &[&str]) -> PostRecord {
        PostRecord {
            id: id.into(),
            author_id: author.into(),
            time_ms: t,
            media: media.iter().map(|m| m.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn same_media_is_one_object_per_post() {
        let mut t = PostTable::new();
        t.push(&post("1", "a", 1_000, &["bafkrei-cat", "bafkrei-dog"]));
        t.push(&post("2", "b", 2_000, &["bafkrei-cat", "bafkrei-cat"]));
        t.push(&post("3", "c", 3_000, &[]));
        let mut rp = post("4", "d", 4_000, &["bafkrei-cat"]);
        rp.repost_of = Some("1".into());
        t.push(&rp);
        assert!((Behaviour::CoImage.spec().supported)(&t));
        let trace = extract(&t, Behaviour::CoImage, Semantics::Native).expect("trace");
        let objects: Vec<(String, u32)> = trace
            .events
            .iter()
            .map(|e| (trace.object_label(&t, e.object).into_owned(), e.post))
            .collect();
        assert_eq!(
            objects,
            vec![("bafkrei-cat".to_string(), 0), ("bafkrei-cat".to_string(), 1), ("bafkrei-dog".to_string(), 0)]
        );
        // Post 0 acts on two objects: per-post counts must be deduplicated.
        assert!(trace.multi_object_posts);
        assert_eq!("co-image".parse::<Behaviour>(), Ok(Behaviour::CoImage));
        assert_eq!("co_media".parse::<Behaviour>(), Ok(Behaviour::CoImage));
    }

    #[test]
    fn no_media_says_so() {
        let mut t = PostTable::new();
        t.push(&post("1", "a", 1_000, &[]));
        assert!(!(Behaviour::CoImage.spec().supported)(&t));
        assert!(crate::nothing_to_work_on(&t, Behaviour::CoImage, "--behaviours")
            .starts_with("co-image: no post in the input (reposts aside) has media"));
    }
}
