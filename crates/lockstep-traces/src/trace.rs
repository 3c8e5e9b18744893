use crate::text::{cnt_normalise, normalise, post_hashtags, post_words};
use crate::urls::canonical_url;
use crate::{Behaviour, Semantics};
use lockstep_model::{Interner, PostIdx, PostTable, TimeMs, NONE};
use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

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
    pub fn object_label<'a>(&'a self, table: &'a PostTable, object: u32) -> &'a str {
        match &self.space {
            ObjectSpace::PostRefs => table.ref_id(object),
            ObjectSpace::RawUrls => table.urls.resolve(object),
            ObjectSpace::Objects => table.objects.resolve(object),
            ObjectSpace::Single(s) => s,
            ObjectSpace::Labels(i) => i.resolve(object),
        }
    }

    /// True when the trace has no event: the input has nothing this behaviour works on.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

fn ev(table: &PostTable, post: PostIdx, object: u32) -> Event {
    Event {
        time: table.time(post),
        object,
        account: table.author(post),
        post,
    }
}

/// Derive a per-post string key in parallel, then intern it into an object space.
fn keyed<F>(table: &PostTable, key: F) -> (Vec<Event>, Interner)
where
    F: Fn(PostIdx) -> Option<String> + Sync + Send,
{
    let keys: Vec<Option<String>> = (0..table.len() as u32).into_par_iter().map(key).collect();
    let mut labels = Interner::new();
    let mut events = Vec::new();
    for (p, k) in keys.into_iter().enumerate() {
        if let Some(k) = k {
            let obj = labels.intern(&k);
            events.push(ev(table, p as u32, obj));
        }
    }
    (events, labels)
}

/// Reduce the table to the trace of one behaviour under the given semantics.
///
/// co-similar is not derived here: its objects are near-duplicate templates
/// (`lockstep_similar::co_similar_trace`) or, under the toolkit's semantics, every
/// non-repost compared pairwise (`lockstep_similar::cnt::cnt_trace`); asking for it
/// returns an error that says so. Under CooRTweet's semantics the co-object trace also
/// holds the rows the input repeated exactly ([`PostTable::object_ref_repeats`]), as
/// CooRTweet counts every row.
pub fn extract(
    table: &PostTable,
    behaviour: Behaviour,
    semantics: Semantics,
) -> Result<Trace, String> {
    let n = table.len() as u32;
    let not_repost = |p: PostIdx| table.repost_of(p) == NONE;
    let (mut events, space) = match behaviour {
        Behaviour::CoRepost => (
            (0..n)
                .filter(|&p| table.repost_of(p) != NONE)
                .map(|p| ev(table, p, table.repost_of(p)))
                .collect(),
            ObjectSpace::PostRefs,
        ),
        Behaviour::CoReply => (
            (0..n)
                .filter(|&p| not_repost(p) && table.reply_to(p) != NONE)
                .map(|p| ev(table, p, table.reply_to(p)))
                .collect(),
            ObjectSpace::PostRefs,
        ),
        Behaviour::CoPost => (
            (0..n).map(|p| ev(table, p, 0)).collect(),
            ObjectSpace::Single("*"),
        ),
        Behaviour::CoObject => {
            let repeats: &[(PostIdx, u32)] = if semantics == Semantics::Coortweet {
                table.object_ref_repeats()
            } else {
                &[]
            };
            (
                table
                    .object_refs()
                    .iter()
                    .chain(repeats)
                    .map(|&(p, o)| ev(table, p, o))
                    .collect(),
                ObjectSpace::Objects,
            )
        }
        Behaviour::CoLink => link_events(table, semantics),
        Behaviour::CoText => {
            let (events, labels) = match semantics {
                Semantics::Cnt => keyed(table, |p| {
                    not_repost(p).then(|| cnt_normalise(table.text(p)))
                }),
                // Own words only (see `text::own_words`): a Weibo repost's comment counts,
                // its chain and default texts do not, and a retweet has none.
                _ => keyed(table, |p| {
                    let words = post_words(table, p);
                    if words.is_empty() {
                        return None;
                    }
                    let k = normalise(words);
                    (!k.is_empty()).then_some(k)
                }),
            };
            (events, ObjectSpace::Labels(labels))
        }
        Behaviour::CoHashtag => {
            let (events, labels) = keyed(table, |p| {
                // The author's own tags: a Weibo repost's topics in its comment count, a
                // retweet's and those further down a repost chain do not.
                let syms = post_hashtags(table, p);
                if syms.is_empty() {
                    return None;
                }
                let mut tags: Vec<String> = syms
                    .iter()
                    .map(|&s| {
                        table
                            .hashtags
                            .resolve(s)
                            .nfkc()
                            .flat_map(char::to_lowercase)
                            .collect()
                    })
                    .collect();
                tags.sort();
                tags.dedup();
                Some(tags.join(" "))
            });
            (events, ObjectSpace::Labels(labels))
        }
        Behaviour::CoSimilar => {
            return Err(
                "co-similar is derived by lockstep-similar (near-duplicate templates, or the \
                 toolkit's pairwise comparison), not by extract"
                    .into(),
            )
        }
    };
    events.par_sort_unstable_by_key(|e| (e.object, e.time, e.post));
    let multi_object_posts = matches!(behaviour, Behaviour::CoLink | Behaviour::CoObject) && {
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

fn link_events(table: &PostTable, semantics: Semantics) -> (Vec<Event>, ObjectSpace) {
    let n = table.len() as u32;
    let mut events = Vec::new();
    if semantics == Semantics::Cnt {
        for p in (0..n).filter(|&p| table.repost_of(p) == NONE) {
            let syms = table.url_syms(p);
            for (i, &u) in syms.iter().enumerate() {
                if !syms[..i].contains(&u) {
                    events.push(ev(table, p, u));
                }
            }
        }
        return (events, ObjectSpace::RawUrls);
    }
    // Canonicalise each distinct URL once, in parallel.
    let raw: Vec<&str> = table.urls.iter().map(|(_, s)| s).collect();
    let canon: Vec<String> = raw.par_iter().map(|u| canonical_url(u)).collect();
    let mut labels = Interner::new();
    let canon_sym: Vec<u32> = canon.iter().map(|c| labels.intern(c)).collect();
    let mut seen = Vec::new();
    for p in (0..n).filter(|&p| table.repost_of(p) == NONE) {
        seen.clear();
        for &u in table.url_syms(p) {
            let c = canon_sym[u as usize];
            if !seen.contains(&c) {
                seen.push(c);
                events.push(ev(table, p, c));
            }
        }
    }
    (events, ObjectSpace::Labels(labels))
}
