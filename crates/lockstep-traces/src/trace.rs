use crate::{Behaviour, Semantics};
use lockstep_model::{Interner, PostIdx, PostTable, TimeMs};
use rayon::prelude::*;
use std::borrow::Cow;

/// One act of one account on one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// When.
    pub time: TimeMs,
    /// On what (meaning depends on the trace's [`ObjectSpace`]).
    pub object: u32,
    /// Who.
    pub account: u32,
    /// With which post.
    pub post: PostIdx,
}

/// Where a trace's object numbers come from, so they can be named in outputs.
#[derive(Debug)]
pub enum ObjectSpace {
    /// Post reference symbols of the table (reposted or replied-to ids).
    PostRefs,
    /// URL symbols of the table, as given by the input.
    RawUrls,
    /// Explicit object symbols of the table.
    Objects,
    /// One object for everything.
    Single(&'static str),
    /// Strings derived for this trace (normalised texts, canonical URLs, hashtag sets).
    Labels(Interner),
    /// The labels of a few objects only, kept by [`ObjectSpace::retain_labels`] once the
    /// events are gone; other objects have no name (an empty label).
    Kept(KeptLabels),
}

/// Labels of some objects of a [`ObjectSpace::Labels`] space, under their numbers.
#[derive(Debug, Default)]
pub struct KeptLabels {
    /// Object numbers, ascending; `labels` holds the label of `objects[i]` under `i`.
    objects: Vec<u32>,
    labels: Interner,
}

impl KeptLabels {
    /// The label of `object`, if it was kept.
    pub fn get(&self, object: u32) -> Option<&str> {
        let i = self.objects.binary_search(&object).ok()?;
        Some(self.labels.resolve(i as u32))
    }

    /// Number of labels kept.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// True when none was kept.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

impl ObjectSpace {
    /// Keep the labels of `objects` only (every other object's label is then empty).
    ///
    /// A trace's own labels are its largest part after its events: co-text's are every
    /// normalised text, about 60 bytes a post (600 MiB at 10M posts), yet once evidence is
    /// collected only the objects of evidence rows are ever named. Spaces that name objects
    /// through the post table (post ids, URLs, explicit objects) hold nothing and stay.
    pub fn retain_labels(&mut self, objects: impl IntoIterator<Item = u32>) {
        let ObjectSpace::Labels(all) = self else {
            return;
        };
        let mut kept: Vec<u32> = objects
            .into_iter()
            .filter(|&o| (o as usize) < all.len())
            .collect();
        kept.sort_unstable();
        kept.dedup();
        // Labels of distinct objects are distinct, so interning them in object order gives
        // them the numbers 0, 1, 2, ...: `labels` resolves the position in `objects`.
        let mut labels = Interner::new();
        for &o in &kept {
            labels.intern(all.resolve(o));
        }
        *self = ObjectSpace::Kept(KeptLabels {
            objects: kept,
            labels,
        });
    }
}

/// All events of one behaviour, sorted by object, then time, then post.
#[derive(Debug)]
pub struct Trace {
    /// The behaviour.
    pub behaviour: Behaviour,
    /// The rules used to derive the objects.
    pub semantics: Semantics,
    /// The events, sorted.
    pub events: Vec<Event>,
    /// What object numbers mean.
    pub space: ObjectSpace,
    /// True if some post has more than one event (e.g. several links), so per-post
    /// counts must be deduplicated across objects.
    pub multi_object_posts: bool,
}

impl Trace {
    /// A printable name of `object`.
    pub fn object_label<'a>(&'a self, table: &'a PostTable, object: u32) -> Cow<'a, str> {
        Cow::Borrowed(match &self.space {
            ObjectSpace::PostRefs => return table.ref_id(object).to_cow(),
            ObjectSpace::RawUrls => table.urls.resolve(object),
            ObjectSpace::Objects => table.objects.resolve(object),
            ObjectSpace::Single(s) => s,
            ObjectSpace::Labels(i) => i.resolve(object),
            ObjectSpace::Kept(k) => k.get(object).unwrap_or(""),
        })
    }

    /// True when the trace has no event: the input has nothing this behaviour works on.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

pub(crate) fn ev(table: &PostTable, post: PostIdx, object: u32) -> Event {
    Event {
        time: table.time(post),
        object,
        account: table.author(post),
        post,
    }
}

/// Derive a per-post string key in parallel, then intern it into an object space.
pub(crate) fn keyed<F>(table: &PostTable, key: F) -> (Vec<Event>, Interner)
where
    F: Fn(PostIdx) -> Option<String> + Sync + Send,
{
    keyed_with(
        table,
        || (),
        |_, p, out| match key(p) {
            Some(k) => {
                out.push_str(&k);
                true
            }
            None => false,
        },
    )
}

/// [`keyed`] with scratch state per thread (`init`): `key` writes post `p`'s key into
/// `out` (empty on entry) and says whether it has one. The keys of a chunk of posts are
/// kept end to end in one string, so no key is a heap allocation of its own; they are
/// interned in post order, as [`keyed`] does.
pub(crate) fn keyed_with<S, I, F>(table: &PostTable, init: I, key: F) -> (Vec<Event>, Interner)
where
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, PostIdx, &mut String) -> bool + Sync + Send,
{
    const CHUNK: usize = 4096;
    let n = table.len();
    // Per chunk: the keys end to end, and (post, end of its key) rows.
    let chunks: Vec<(String, Vec<(PostIdx, usize)>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map_init(
            || (init(), String::new()),
            |(state, buf), c| {
                let mut keys = String::new();
                let mut rows = Vec::new();
                for p in c * CHUNK..((c + 1) * CHUNK).min(n) {
                    buf.clear();
                    if key(state, p as PostIdx, buf) {
                        keys.push_str(buf);
                        rows.push((p as PostIdx, keys.len()));
                    }
                }
                (keys, rows)
            },
        )
        .collect();
    let mut labels = Interner::new();
    let mut events = Vec::new();
    for (keys, rows) in chunks {
        let mut start = 0;
        for (p, end) in rows {
            let obj = labels.intern(&keys[start..end]);
            start = end;
            events.push(ev(table, p, obj));
        }
    }
    (events, labels)
}

/// Reduce the table to the trace of one behaviour under the given semantics: the
/// behaviour's own extraction (its file in `behaviours/`), sorted.
///
/// co-similar is not derived here: its objects are near-duplicate templates
/// (`lockstep_similar::co_similar_trace`) or, under the toolkit's semantics, every
/// non-repost compared pairwise (`lockstep_similar::cnt::cnt_trace`); asking for it
/// returns an error that says so.
pub fn extract(
    table: &PostTable,
    behaviour: Behaviour,
    semantics: Semantics,
) -> Result<Trace, String> {
    let spec = behaviour.spec();
    let Some(extract) = spec.extract else {
        return Err(format!(
            "{} is derived by lockstep-similar (near-duplicate templates, or the toolkit's \
             pairwise comparison), not by extract",
            spec.name
        ));
    };
    let (mut events, space) = extract(table, semantics);
    // A post without a known author (empty or anonymised placeholder id) is no account's
    // act: it never co-acts, so the "no author" account can never be flagged. It stays in
    // the table (post counts, narratives, time series).
    if table.anonymous_posts() > 0 {
        events.retain(|e| !table.is_anonymous(e.account));
    }
    events.par_sort_unstable_by_key(|e| (e.object, e.time, e.post));
    let multi_object_posts = spec.multi_object && {
        let mut posts: Vec<u32> = events.iter().map(|e| e.post).collect();
        posts.par_sort_unstable();
        posts.windows(2).any(|w| w[0] == w[1])
    };
    Ok(Trace {
        behaviour,
        semantics,
        events,
        space,
        multi_object_posts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::PostRecord;

    proptest::proptest! {
        /// Kept labels name the retained objects exactly as the full space did, and no
        /// other object (asked for out of range too).
        #[test]
        fn kept_labels_agree_with_the_full_space(
            words in proptest::collection::vec("[a-d ]{0,5}", 0..400),
            keep in proptest::collection::vec(0u32..500, 0..100),
        ) {
            let mut all = Interner::new();
            for w in &words {
                all.intern(w);
            }
            let full: Vec<String> = all.iter().map(|(_, s)| s.to_string()).collect();
            let trace = |space| Trace {
                behaviour: Behaviour::CoText,
                semantics: Semantics::Native,
                events: Vec::new(),
                space,
                multi_object_posts: false,
            };
            let before = trace(ObjectSpace::Labels(all));
            let mut after = trace(ObjectSpace::Labels(Interner::new()));
            let mut again = Interner::new();
            for w in &full {
                again.intern(w);
            }
            after.space = ObjectSpace::Labels(again);
            after.space.retain_labels(keep.iter().copied());
            let table = PostTable::new();
            for o in 0..520u32 {
                let kept = keep.contains(&o) && (o as usize) < full.len();
                let want = if kept { before.object_label(&table, o) } else { Cow::Borrowed("") };
                proptest::prop_assert_eq!(after.object_label(&table, o), want);
            }
            let ObjectSpace::Kept(k) = &after.space else {
                return Err(proptest::test_runner::TestCaseError::fail("not kept"));
            };
            let distinct: std::collections::BTreeSet<u32> =
                keep.iter().copied().filter(|&o| (o as usize) < full.len()).collect();
            proptest::prop_assert_eq!(k.len(), distinct.len());
        }
    }

    #[test]
    fn retaining_leaves_table_backed_spaces_alone() {
        let mut s = ObjectSpace::PostRefs;
        s.retain_labels([1, 2]);
        assert!(matches!(s, ObjectSpace::PostRefs));
    }

    #[test]
    fn posts_without_author_are_no_event() {
        let mut t = PostTable::new();
        let post = |id: &str, author: &str| PostRecord {
            platform: "weibo".into(),
            id: id.into(),
            author_id: author.into(),
            repost_of: (id != "root").then(|| "root".to_string()),
            text: "同一句话".into(),
            urls: vec!["https://example.com/a".into()],
            ..Default::default()
        };
        t.push(&post("root", "r"));
        t.push(&post("1", "a"));
        t.push(&post("2", "d41d8cd98f00b204e9800998ecf8427e"));
        t.push(&post("3", "d41d8cd98f00b204e9800998ecf8427e"));
        t.push(&post("4", ""));
        assert_eq!(t.len(), 5);
        for (b, n) in [
            (Behaviour::CoRepost, 1),
            (Behaviour::CoPost, 2),
            (Behaviour::CoLink, 1),
            (Behaviour::CoText, 2),
        ] {
            let tr = extract(&t, b, Semantics::Native).unwrap();
            assert_eq!(tr.events.len(), n, "{b}");
            assert!(tr.events.iter().all(|e| !t.is_anonymous(e.account)));
        }
    }
}
