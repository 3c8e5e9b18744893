//! [`PostBatch`]: posts of one block of input, column by column, with strings interned in
//! tables of the block's own, so a pool thread can build it and the thread that owns the
//! [`PostTable`] stores it with one global intern per distinct string of the block
//! ([`PostTable::push_batch`]).

use crate::refs::{RefKeys, KEY_SEP};
use crate::{
    is_placeholder_author, Interner, ListColumn, PostRecord, PostRef, TimeMs, TimePrecision, NONE,
};

/// The string namespaces of a batch, each with its own local interner and, once the batch
/// is being stored, its own map from local to table ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum Space {
    /// Keys `platform\x1fauthor` (empty author for posts without a known one).
    Accounts,
    Handles,
    /// Platform names as the records gave them (possibly empty).
    Platforms,
    Langs,
    Urls,
    Hashtags,
    Mentions,
    Media,
    Objects,
}

pub(crate) const SPACES: usize = 9;

/// Posts of one block of input, as [`PostRecord`]s would give them to
/// [`PostTable::push`](crate::PostTable::push), with every string interned in the batch's
/// own tables (ids local to the batch).
///
/// Reading on several threads: each pool thread fills a batch from its block, and the
/// thread that owns the table stores batches in input order with
/// [`PostTable::push_batch`](crate::PostTable::push_batch). The table then holds exactly
/// what pushing the same records one by one gives (same ids in the same order, first copy
/// wins), while the reading thread interns each distinct string of a block once instead of
/// every occurrence, and copies no per-post records.
#[derive(Debug, Default)]
pub struct PostBatch {
    /// Keys (platform, id) of posts and referenced posts.
    pub(crate) refs: RefKeys,
    pub(crate) strings: [Interner; SPACES],
    /// Per row: local ids.
    pub(crate) key: Vec<u32>,
    pub(crate) author: Vec<u32>,
    pub(crate) anonymous: Vec<bool>,
    pub(crate) handle: Vec<u32>,
    pub(crate) platform: Vec<u32>,
    pub(crate) created: Vec<Option<TimeMs>>,
    pub(crate) time: Vec<TimeMs>,
    pub(crate) precision: Vec<TimePrecision>,
    pub(crate) exact: Vec<Option<f64>>,
    pub(crate) repost_of: Vec<u32>,
    pub(crate) reply_to: Vec<u32>,
    pub(crate) quote_of: Vec<u32>,
    pub(crate) lang: Vec<u32>,
    pub(crate) claims_original: Vec<Option<bool>>,
    pub(crate) text: String,
    pub(crate) text_ends: Vec<usize>,
    pub(crate) urls: ListColumn,
    pub(crate) hashtags: ListColumn,
    pub(crate) mentions: ListColumn,
    pub(crate) media: ListColumn,
    pub(crate) objects: ListColumn,
    /// Author ids of rows without a known author, when not empty (kept only to give the
    /// record back, [`PostBatch::record`]): (row, id).
    anon_authors: Vec<(u32, String)>,
    /// While the batch is being stored: per namespace, the table id of each local id, or
    /// [`NONE`] while not asked for yet.
    pub(crate) remap: [Vec<u32>; SPACES],
    /// The same for `refs`.
    pub(crate) ref_remap: Vec<u32>,
    /// While the batch is being stored: the table's index of each platform of `refs`
    /// ([`RefKeys::intern_from`](crate::refs::RefKeys)).
    pub(crate) ref_platforms: Vec<u16>,
    /// Rows stored so far.
    pub(crate) stored: usize,
    /// A buffer for account keys, reused from row to row.
    scratch: String,
}

fn key_into(buf: &mut String, platform: &str, id: &str) {
    buf.clear();
    buf.push_str(if platform.is_empty() {
        "unknown"
    } else {
        platform
    });
    buf.push(KEY_SEP);
    buf.push_str(id);
}

impl PostBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empty the batch, keeping its memory, so a reader can fill it again from its next
    /// block without growing (and so re-hashing) its interners and columns from nothing.
    pub fn clear(&mut self) {
        // Every field named (no `..`), so a field added later cannot be left out here.
        let Self {
            refs,
            strings,
            key,
            author,
            anonymous,
            handle,
            platform,
            created,
            time,
            precision,
            exact,
            repost_of,
            reply_to,
            quote_of,
            lang,
            claims_original,
            text,
            text_ends,
            urls,
            hashtags,
            mentions,
            media,
            objects,
            anon_authors,
            remap,
            ref_remap,
            ref_platforms,
            stored,
            scratch,
        } = self;
        refs.clear();
        for s in strings {
            s.clear();
        }
        for col in [
            key, author, handle, platform, repost_of, reply_to, quote_of, lang,
        ] {
            col.clear();
        }
        anonymous.clear();
        created.clear();
        time.clear();
        precision.clear();
        exact.clear();
        claims_original.clear();
        text.clear();
        text_ends.clear();
        for col in [urls, hashtags, mentions, media, objects] {
            col.clear();
        }
        anon_authors.clear();
        for r in remap {
            r.clear();
        }
        ref_remap.clear();
        ref_platforms.clear();
        *stored = 0;
        scratch.clear();
    }

    /// Number of posts in the batch.
    pub fn len(&self) -> usize {
        self.key.len()
    }

    /// True when the batch holds no post.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }

    fn local(&mut self, space: Space, s: &str) -> u32 {
        self.strings[space as usize].intern(s)
    }

    fn local_ref(&mut self, platform: &str, id: Option<&str>) -> u32 {
        id.map_or(NONE, |id| self.refs.intern(platform, id))
    }

    /// Add one record (as [`PostTable::push`](crate::PostTable::push) would take it).
    pub fn push(&mut self, rec: &PostRecord) {
        self.push_ref(&rec.as_ref());
    }

    /// Add one borrowed record: what [`PostBatch::push`] does, for a reader that parsed
    /// the record in place.
    pub fn push_ref<S: AsRef<str>>(&mut self, rec: &PostRef<'_, S>) {
        let row = self.key.len() as u32;
        let key = self.local_ref(rec.platform, Some(rec.id));
        self.key.push(key);
        let anonymous = is_placeholder_author(rec.author_id);
        let mut buf = std::mem::take(&mut self.scratch);
        key_into(
            &mut buf,
            rec.platform,
            if anonymous { "" } else { rec.author_id },
        );
        let author = self.local(Space::Accounts, &buf);
        self.scratch = buf;
        self.author.push(author);
        self.anonymous.push(anonymous);
        if anonymous && !rec.author_id.is_empty() {
            self.anon_authors.push((row, rec.author_id.to_string()));
        }
        let handle = if rec.author_handle.is_empty() {
            NONE
        } else {
            self.local(Space::Handles, rec.author_handle)
        };
        self.handle.push(handle);
        let platform = self.local(Space::Platforms, rec.platform);
        self.platform.push(platform);
        self.created.push(rec.author_created_ms);
        self.time.push(rec.time_ms);
        self.precision.push(rec.time_precision);
        self.exact.push(rec.time_exact_s);
        let r = self.local_ref(rec.platform, rec.repost_of);
        self.repost_of.push(r);
        let r = self.local_ref(rec.platform, rec.reply_to);
        self.reply_to.push(r);
        let r = self.local_ref(rec.platform, rec.quote_of);
        self.quote_of.push(r);
        let lang = match rec.lang {
            Some(l) => self.local(Space::Langs, l),
            None => NONE,
        };
        self.lang.push(lang);
        self.claims_original.push(rec.claims_original);
        self.text.push_str(rec.text);
        self.text_ends.push(self.text.len());
        let [_, _, _, _, urls, tags, mentions, media, objects] = &mut self.strings;
        for (list, strings, column) in [
            (rec.urls, urls, &mut self.urls),
            (rec.hashtags, tags, &mut self.hashtags),
            (rec.mentions, mentions, &mut self.mentions),
            (rec.media, media, &mut self.media),
            (rec.objects, objects, &mut self.objects),
        ] {
            column.push_list(list.iter().map(|s| strings.intern(s.as_ref())));
        }
    }

    /// The text of row `row`.
    pub(crate) fn text(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.text_ends[row - 1] };
        &self.text[start..self.text_ends[row]]
    }

    pub(crate) fn resolve(&self, space: Space, id: u32) -> &str {
        self.strings[space as usize].resolve(id)
    }

    fn list(&self, space: Space, col: &ListColumn, row: usize) -> Vec<String> {
        col.get(row)
            .iter()
            .map(|&i| self.resolve(space, i).to_string())
            .collect()
    }

    fn ref_id(&self, id: u32) -> Option<String> {
        (id != NONE).then(|| self.refs.id(id).to_string())
    }

    /// Row `row` as the record it was made from, for callers that keep the records they
    /// store (not on the hot path).
    pub fn record(&self, row: usize) -> PostRecord {
        let id = self.refs.id(self.key[row]).to_string();
        let account = self.resolve(Space::Accounts, self.author[row]);
        let author_id = if self.anonymous[row] {
            self.anon_authors
                .iter()
                .find(|(r, _)| *r as usize == row)
                .map(|(_, a)| a.clone())
                .unwrap_or_default()
        } else {
            account
                .split_once(KEY_SEP)
                .map_or(account, |(_, a)| a)
                .to_string()
        };
        let handle = self.handle[row];
        PostRecord {
            platform: self
                .resolve(Space::Platforms, self.platform[row])
                .to_string(),
            id,
            author_id,
            author_handle: if handle == NONE {
                String::new()
            } else {
                self.resolve(Space::Handles, handle).to_string()
            },
            author_created_ms: self.created[row],
            time_ms: self.time[row],
            time_precision: self.precision[row],
            time_exact_s: self.exact[row],
            repost_of: self.ref_id(self.repost_of[row]),
            reply_to: self.ref_id(self.reply_to[row]),
            quote_of: self.ref_id(self.quote_of[row]),
            text: self.text(row).to_string(),
            urls: self.list(Space::Urls, &self.urls, row),
            hashtags: self.list(Space::Hashtags, &self.hashtags, row),
            mentions: self.list(Space::Mentions, &self.mentions, row),
            media: self.list(Space::Media, &self.media, row),
            objects: self.list(Space::Objects, &self.objects, row),
            lang: (self.lang[row] != NONE)
                .then(|| self.resolve(Space::Langs, self.lang[row]).to_string()),
            claims_original: self.claims_original[row],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PostTable, PushOutcome};
    use proptest::prelude::*;

    /// Everything a table holds, with raw ids, so two tables compare equal only when ids
    /// were given out in the same order.
    fn dump(t: &PostTable) -> String {
        let mut out = String::new();
        for p in 0..t.len() as u32 {
            let a = t.author(p);
            out.push_str(&format!(
                "{p} {}|{}|{a} {} {:?} {:?} {} {} {:?} {:?} {} {} {} {} {}|{:?} {:?} {:?} {:?} {:?} {}\n",
                t.post_platform(p),
                t.post_id(p),
                t.account_id(a),
                t.account_handle(a),
                t.account_created(a),
                t.is_anonymous(a),
                t.time(p),
                t.time_precision(p),
                t.kind(p),
                t.repost_of(p),
                t.reply_to(p),
                t.quote_of(p),
                t.lang(p).unwrap_or("-"),
                t.text(p),
                t.claims_original(p),
                t.url_syms(p),
                t.hashtag_syms(p),
                t.mention_syms(p),
                t.media_syms(p),
                t.has_author(p),
            ));
        }
        out.push_str(&format!(
            "refs {} accounts {} anon {} platforms {:?}\nobjects {:?}\nrepeats {:?}\nexact {:?}\n",
            t.ref_count(),
            t.account_count(),
            t.anonymous_posts(),
            t.platforms().collect::<Vec<_>>(),
            t.object_refs(),
            t.object_ref_repeats(),
            t.exact_times(),
        ));
        for s in 0..t.ref_count() as u32 {
            out.push_str(&format!("{s}:{}:{:?} ", t.ref_id(s), t.ref_post(s)));
        }
        for i in [&t.urls, &t.hashtags, &t.mentions, &t.media, &t.objects] {
            out.push_str(&format!("\n{:?}", i.iter().collect::<Vec<_>>()));
        }
        out
    }

    /// A post id: most numeric, some text, some with a leading zero (text too).
    fn spell(n: u8) -> String {
        match n % 5 {
            0 => format!("0{n}"),
            1 => format!("p{n}"),
            _ => n.to_string(),
        }
    }

    fn pick(v: &[&str], i: u8) -> String {
        v[i as usize % v.len()].to_string()
    }

    prop_compose! {
        fn record()(
            id in 0u8..40, platform in 0u8..3, author in 0u8..12, handle in 0u8..4,
            created in proptest::option::of(0i64..5), time in 0i64..4,
            exact in proptest::option::of(0u8..3), refs in proptest::collection::vec(proptest::option::of(0u8..50), 3),
            lang in proptest::option::of(0u8..3), text in "[a-c ]{0,6}",
            urls in proptest::collection::vec(0u8..9, 0..3),
            tags in proptest::collection::vec(0u8..9, 0..3),
            objects in proptest::collection::vec(0u8..5, 0..3),
            claims in proptest::option::of(any::<bool>()),
        ) -> PostRecord {
            PostRecord {
                platform: pick(&["", "twitter", "weibo"], platform),
                id: spell(id),
                author_id: pick(&["", "u1", "u2", "u3", "d41d8cd98f00b204e9800998ecf8427e", "u4", "u5", " ", "u6", "u7", "u8", "u9"], author),
                author_handle: pick(&["", "h1", "h2", "h3"], handle),
                author_created_ms: created,
                time_ms: time * 60_000,
                time_precision: TimePrecision::Second,
                time_exact_s: exact.map(|e| e as f64 + 0.25),
                repost_of: refs[0].map(spell),
                reply_to: refs[1].map(spell),
                quote_of: refs[2].map(spell),
                text,
                urls: urls.iter().map(|u| format!("http://x/{u}")).collect(),
                hashtags: tags.iter().map(|t| format!("t{t}")).collect(),
                mentions: tags.iter().map(|t| format!("m{}", t % 3)).collect(),
                media: urls.iter().map(|u| format!("img{}", u % 2)).collect(),
                objects: objects.iter().map(|o| format!("o{o}")).collect(),
                lang: lang.map(|l| pick(&["en", "zh", "de"], l)),
                claims_original: claims,
            }
        }
    }

    #[test]
    fn a_borrowed_record_stores_as_the_record() {
        let rec = PostRecord {
            platform: "weibo".into(),
            id: "4567890123456789".into(),
            author_id: "u1".into(),
            author_handle: "h".into(),
            time_ms: 60_000,
            repost_of: Some("Lp0x".into()),
            text: "转发 text".into(),
            urls: vec!["http://a".into()],
            hashtags: vec!["t1".into(), "t2".into()],
            lang: Some("zh".into()),
            ..Default::default()
        };
        let tags = ["t1", "t2"];
        let mut borrowed = PostBatch::new();
        let r = rec.as_ref();
        borrowed.push_ref(&PostRef {
            platform: r.platform,
            id: r.id,
            author_id: r.author_id,
            author_handle: r.author_handle,
            author_created_ms: None,
            time_ms: r.time_ms,
            time_precision: r.time_precision,
            time_exact_s: None,
            repost_of: r.repost_of,
            reply_to: None,
            quote_of: None,
            text: r.text,
            urls: &["http://a"],
            hashtags: &tags,
            mentions: &[],
            media: &[],
            objects: &[],
            lang: r.lang,
            claims_original: None,
        });
        let mut owned = PostBatch::new();
        owned.push(&rec);
        assert_eq!(borrowed.record(0), rec);
        let (mut a, mut b) = (PostTable::new(), PostTable::new());
        a.push_batch(&mut borrowed, 1, &mut |_, _| {});
        b.push_batch(&mut owned, 1, &mut |_, _| {});
        assert_eq!(dump(&a), dump(&b));
    }

    proptest! {
        /// Records stored in batches (cut anywhere, each stored in several steps, fresh or
        /// emptied ones) make the same table, the same outcomes and the same records as pushed one by one.
        #[test]
        fn batches_store_as_pushes(
            recs in proptest::collection::vec(record(), 0..120),
            cuts in proptest::collection::vec(0usize..120, 0..6),
            steps in proptest::collection::vec(0usize..40, 0..4),
            reuse in any::<bool>(),
        ) {
            let mut one = PostTable::new();
            let want: Vec<PushOutcome> = recs.iter().map(|r| one.push(r)).collect();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(recs.len())).collect();
            cuts.push(0);
            cuts.push(recs.len());
            cuts.sort_unstable();
            let mut many = PostTable::new();
            let mut got = Vec::new();
            // One batch emptied and filled again for every window (as the CSV reader
            // reuses them), or a fresh one each time.
            let mut batch = PostBatch::new();
            for w in cuts.windows(2) {
                if reuse {
                    batch.clear();
                } else {
                    batch = PostBatch::new();
                }
                for r in &recs[w[0]..w[1]] {
                    batch.push(r);
                }
                for (i, r) in recs[w[0]..w[1]].iter().enumerate() {
                    prop_assert_eq!(&batch.record(i), r);
                }
                for &s in &steps {
                    many.push_batch(&mut batch, s, &mut |_, o| got.push(o));
                }
                many.push_batch(&mut batch, usize::MAX, &mut |_, o| got.push(o));
            }
            prop_assert_eq!(got, want);
            prop_assert_eq!(dump(&many), dump(&one));
        }
    }
}
