use crate::batch::{PostBatch, Space, SPACES};
use crate::refs::{RefKeys, KEY_SEP};
use crate::{
    is_placeholder_author, AccountIdx, Interner, PostId, PostIdx, PostKind, PostRecord, TimeMs,
    TimePrecision,
};

/// Marker for "no value" in the `u32` columns of a [`PostTable`].
pub const NONE: u32 = u32::MAX;

/// Post texts moved out of the heap into a file of their own, memory-mapped
/// ([`PostTable::spill_text`], [`PostTable::spill_text_while_reading`]), one mapping per
/// piece moved (a segment: whole texts, so no text spans two).
///
/// Texts are read in full passes (shingling, normalising, watch terms, echo) and then only
/// for a few evidence rows and examples, so they need not stay resident: every
/// [`SpilledText::RELEASE_EVERY`] bytes charged to reads, the mapped pages are handed back to the
/// kernel (`MADV_DONTNEED`) and the next read faults them in again from the page cache or
/// the file. Resident memory then holds at most that many bytes of text, and the page cache
/// can drop the rest when memory runs short (the point of the exercise at 100M posts).
struct SpilledText {
    /// In text order; each maps its span of the concatenated texts.
    segments: Vec<Segment>,
    /// Bytes read since the pages were last handed back.
    read: std::sync::atomic::AtomicUsize,
}

/// A span of the concatenated texts, mapped from the spill file.
struct Segment {
    /// Offset of its first byte in the concatenation of all texts.
    start: usize,
    map: memmap2::Mmap,
}

impl Segment {
    fn end(&self) -> usize {
        self.start + self.map.len()
    }
}

/// The file texts are spilled to, while more may be appended.
#[derive(Debug)]
struct SpillFile {
    file: std::fs::File,
    /// Where the next segment starts in the file (a multiple of [`SpilledText::WINDOW`]).
    len: u64,
}

impl SpilledText {
    /// What reads may cost between two hand-backs of the mapped pages. A read is charged
    /// the [`SpilledText::WINDOW`]s it touches that the same thread's previous read did not
    /// end in: a read at random (an evidence row's text, a template's representative) makes
    /// a whole window resident for a few dozen bytes, while a sequential pass (every text in
    /// post order) is charged about its bytes. Resident text thus stays near this bound
    /// whatever the access pattern. At 10M posts a pass over 0.8 GB of texts hands the pages
    /// back about 26 times (each hand-back walks the whole mapping).
    const RELEASE_EVERY: usize = 32 << 20;
    /// What one read fault makes resident: Linux maps the pages around a faulting address
    /// that are in the page cache, 64 KiB aligned (`fault_around_bytes`), or the whole
    /// page-cache folio when it is larger. Folios follow the writes that filled the cache
    /// (one 800 MB write gave 2 MiB folios, so a 4 KiB charge for a random read was 512
    /// times too low and the narratives and write stages at 10M kept 590 and 814 MiB of
    /// text resident), so the file is written [`SpilledText::WINDOW`] bytes at a time.
    const WINDOW: usize = 64 << 10;
    /// Charges are summed per thread and added to the shared count in steps of this much,
    /// so the threads of a parallel pass do not contend for one counter on every read.
    const FLUSH: usize = 1 << 20;

    fn get(&self, start: usize, end: usize) -> &str {
        use std::cell::Cell;
        use std::sync::atomic::Ordering;
        thread_local! {
            /// (window holding the previous read's last byte, charges not yet added).
            static READER: Cell<(usize, usize)> = const { Cell::new((usize::MAX, 0)) };
        }
        // Texts never span two segments: the first that ends at or after `end` holds it.
        let seg = &self.segments[self.segments.partition_point(|s| s.end() < end)];
        let (start, end) = (start - seg.start, end - seg.start);
        let bytes = &seg.map[start..end];
        if end > start {
            let base = seg.map.as_ptr() as usize;
            let (last_window, pending) = READER.get();
            let first = (base + start) / Self::WINDOW;
            let last = (base + end - 1) / Self::WINDOW;
            let new_windows = last - first + 1 - usize::from(first == last_window);
            let pending = pending + new_windows * Self::WINDOW;
            if pending >= Self::FLUSH {
                READER.set((last, 0));
                let read = self.read.fetch_add(pending, Ordering::Relaxed) + pending;
                if read >= Self::RELEASE_EVERY {
                    self.read.store(0, Ordering::Relaxed);
                    self.release();
                }
            } else {
                READER.set((last, pending));
            }
        }
        // SAFETY: every span of the file was written from a `&str` and ends where that
        // string ended (`text_ends`), so `start..end` holds whole UTF-8 characters. The
        // file is never written again (see `spill_text`). Checking it again on every read
        // was 2-3 % of a 1M-post analyze.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Bytes of the concatenated texts spilled.
    fn len(&self) -> usize {
        self.segments.last().map_or(0, Segment::end)
    }

    fn release(&self) {
        #[cfg(unix)]
        {
            // SAFETY: MADV_DONTNEED on a shared read-only file mapping drops the pages from
            // this process; a later access reads them again from the file. The file is an
            // unlinked temporary only this table holds, written once before it was mapped
            // and never again, so the bytes behind any outstanding borrow stay the same.
            for seg in &self.segments {
                let _ = unsafe { seg.map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
            }
        }
    }
}

impl std::fmt::Debug for SpilledText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpilledText")
            .field("segments", &self.segments.len())
            .field("bytes", &self.len())
            .finish()
    }
}

/// A column of variable-length lists of `u32`, stored flat.
#[derive(Clone, Debug, Default)]
pub struct ListColumn {
    ends: Vec<u32>,
    items: Vec<u32>,
}

impl ListColumn {
    pub(crate) fn push_list(&mut self, items: impl IntoIterator<Item = u32>) {
        self.items.extend(items);
        self.ends
            .push(u32::try_from(self.items.len()).expect("list column over 2^32 items"));
    }

    /// The list of row `row`.
    pub fn get(&self, row: usize) -> &[u32] {
        let start = if row == 0 {
            0
        } else {
            self.ends[row - 1] as usize
        };
        &self.items[start..self.ends[row] as usize]
    }

    /// Drop every row, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.ends.clear();
        self.items.clear();
    }

    /// Total number of items over all rows.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// Bytes held on the heap (by length, see [`PostTable::heap_sizes`]).
    pub fn heap_bytes(&self) -> usize {
        (self.ends.len() + self.items.len()) * 4
    }
}

/// What [`PostTable::push`] did with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    /// A new post was stored at this index.
    Added(PostIdx),
    /// A post with the same platform and id was already stored; nothing changed.
    Duplicate(PostIdx),
    /// The post existed and this record added explicit objects to it (long formats such as
    /// CooRTweet's give one row per post and object).
    Merged(PostIdx),
}

/// All posts of a run, column by column, with every id interned.
///
/// Posts are deduplicated by platform and id: the first record wins, later ones are counted
/// as duplicates (analysts routinely merge overlapping collections).
#[derive(Debug, Default)]
pub struct PostTable {
    /// Keys (platform, id) of posts and of every post they reference.
    refs: RefKeys,
    /// For each ref symbol, the post stored under it, or [`NONE`].
    ref_post: Vec<u32>,
    accounts: Interner,
    handles: Interner,
    account_handle: Vec<u32>,
    account_created: Vec<TimeMs>,
    /// Per account: true for the "no author" account of a platform.
    account_anonymous: Vec<bool>,
    /// Posts whose author is unknown.
    anonymous_posts: usize,
    platforms: Interner,
    langs: Interner,
    /// Interned URLs as given by the input.
    pub urls: Interner,
    /// Interned hashtags as given by the input (without `#`).
    pub hashtags: Interner,
    /// Interned mentioned handles.
    pub mentions: Interner,
    /// Interned media ids or hashes.
    pub media: Interner,
    /// Interned explicit objects.
    pub objects: Interner,

    key: Vec<u32>,
    author: Vec<AccountIdx>,
    time: Vec<TimeMs>,
    precision: Vec<TimePrecision>,
    kind: Vec<PostKind>,
    repost_of: Vec<u32>,
    reply_to: Vec<u32>,
    quote_of: Vec<u32>,
    lang: Vec<u32>,
    claims_original: Vec<Option<bool>>,
    /// End of each post's text in the concatenation of all texts: the first
    /// `spilled_text`'s length of it is in the spill file, the rest in `text`.
    text_ends: Vec<usize>,
    /// Texts not spilled (all of them unless [`PostTable::spill_text`] ran).
    text: String,
    /// Texts moved to a memory-mapped file by [`PostTable::spill_text`].
    spilled_text: Option<SpilledText>,
    /// The spill file, once made.
    spill_file: Option<SpillFile>,
    /// While reading: move the heap's texts to the spill file whenever they reach this
    /// many bytes ([`PostTable::spill_text_while_reading`]).
    spill_every: Option<usize>,
    url_lists: ListColumn,
    hashtag_lists: ListColumn,
    mention_lists: ListColumn,
    media_lists: ListColumn,
    /// Explicit objects as (post, object) pairs; long formats add them row by row.
    object_refs: Vec<(PostIdx, u32)>,
    /// Rows of long formats that repeat a stored (post, object) row exactly (same author
    /// and time), one entry per extra copy: CooRTweet counts every row.
    object_repeats: Vec<(PostIdx, u32)>,
    /// (post, seconds) for posts whose time the reader knew finer than `time`, ascending
    /// by post: see [`PostRecord::time_exact_s`].
    exact_times: Vec<(PostIdx, f64)>,
}

fn key_of(buf: &mut String, platform: &str, id: &str) {
    buf.clear();
    buf.push_str(if platform.is_empty() {
        "unknown"
    } else {
        platform
    });
    buf.push(KEY_SEP);
    buf.push_str(id);
}

fn id_of(key: &str) -> &str {
    key.split_once(KEY_SEP).map_or(key, |(_, id)| id)
}

impl PostTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of posts stored.
    pub fn len(&self) -> usize {
        self.key.len()
    }

    /// True when no post is stored.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }

    /// Number of account indices (authors seen, plus one "no author" account per platform
    /// that has posts without an author): the size of per-account arrays.
    pub fn account_count(&self) -> usize {
        self.accounts.len()
    }

    /// Number of real accounts: [`PostTable::account_count`] less the "no author" ones.
    pub fn known_account_count(&self) -> usize {
        self.accounts.len() - self.account_anonymous.iter().filter(|&&a| a).count()
    }

    /// True for a platform's "no author" account, which stands for every post whose author
    /// is empty or an anonymised placeholder ([`crate::is_placeholder_author`]). Such posts
    /// stay posts (counted, reposted, in narratives) but are no account's act: behaviour
    /// traces leave them out.
    pub fn is_anonymous(&self, account: AccountIdx) -> bool {
        self.account_anonymous
            .get(account as usize)
            .copied()
            .unwrap_or(false)
    }

    /// True when the post has a known author (see [`PostTable::is_anonymous`]).
    pub fn has_author(&self, post: PostIdx) -> bool {
        !self.is_anonymous(self.author[post as usize])
    }

    /// Number of posts without a known author.
    pub fn anonymous_posts(&self) -> usize {
        self.anonymous_posts
    }

    fn ref_sym(&mut self, platform: &str, id: Option<&str>) -> u32 {
        match id {
            None => NONE,
            Some(id) => {
                let sym = self.refs.intern(platform, id);
                if sym as usize == self.ref_post.len() {
                    self.ref_post.push(NONE);
                }
                sym
            }
        }
    }

    /// Store one record, deduplicating by platform and id.
    pub fn push(&mut self, rec: &PostRecord) -> PushOutcome {
        let key = self.ref_sym(&rec.platform, Some(&rec.id));
        let existing = self.ref_post[key as usize];
        if existing != NONE {
            return self.merge_objects(existing, rec);
        }
        let post = u32::try_from(self.key.len()).expect("more than 2^32 posts");
        self.ref_post[key as usize] = post;
        self.key.push(key);

        // A post without a known author goes to its platform's "no author" account (empty
        // id), which traces leave out: it can never co-act, so never be flagged.
        let anonymous = is_placeholder_author(&rec.author_id);
        let mut buf = String::with_capacity(rec.platform.len() + rec.author_id.len() + 1);
        key_of(
            &mut buf,
            &rec.platform,
            if anonymous { "" } else { &rec.author_id },
        );
        let author = self.accounts.intern(&buf);
        if author as usize == self.account_handle.len() {
            self.account_handle.push(NONE);
            self.account_created.push(TimeMs::MIN);
            self.account_anonymous.push(anonymous);
        }
        if anonymous {
            self.anonymous_posts += 1;
        } else if let Some(created) = rec.author_created_ms {
            self.account_created[author as usize] = created;
        }
        if !anonymous
            && self.account_handle[author as usize] == NONE
            && !rec.author_handle.is_empty()
        {
            self.account_handle[author as usize] = self.handles.intern(&rec.author_handle);
        }
        self.author.push(author);
        self.time.push(rec.time_ms);
        self.precision.push(rec.time_precision);
        if let Some(t) = rec.time_exact_s {
            self.exact_times.push((post, t));
        }
        self.kind.push(rec.kind());
        let repost = self.ref_sym(&rec.platform, rec.repost_of.as_deref());
        self.repost_of.push(repost);
        let reply = self.ref_sym(&rec.platform, rec.reply_to.as_deref());
        self.reply_to.push(reply);
        let quote = self.ref_sym(&rec.platform, rec.quote_of.as_deref());
        self.quote_of.push(quote);
        let lang = match &rec.lang {
            Some(l) => self.langs.intern(l),
            None => NONE,
        };
        self.lang.push(lang);
        self.claims_original.push(rec.claims_original);
        self.platforms.intern(if rec.platform.is_empty() {
            "unknown"
        } else {
            &rec.platform
        });
        self.text.push_str(&rec.text);
        let spilled = self.spilled_text_bytes();
        self.text_ends.push(spilled + self.text.len());
        let urls = &mut self.urls;
        self.url_lists
            .push_list(rec.urls.iter().map(|u| urls.intern(u)));
        let tags = &mut self.hashtags;
        self.hashtag_lists
            .push_list(rec.hashtags.iter().map(|t| tags.intern(t)));
        let mentions = &mut self.mentions;
        self.mention_lists
            .push_list(rec.mentions.iter().map(|m| mentions.intern(m)));
        let media = &mut self.media;
        self.media_lists
            .push_list(rec.media.iter().map(|m| media.intern(m)));
        for o in &rec.objects {
            let sym = self.objects.intern(o);
            self.object_refs.push((post, sym));
        }
        self.spill_if_due();
        PushOutcome::Added(post)
    }

    fn merge_objects(&mut self, post: PostIdx, rec: &PostRecord) -> PushOutcome {
        if rec.objects.is_empty() {
            return PushOutcome::Duplicate(post);
        }
        // The same row again (same author and time too), as opposed to a row that only
        // reuses the id.
        let author = self.author[post as usize];
        let same_row = rec.time_ms == self.time[post as usize]
            && (self.account_id(author) == rec.author_id
                || (self.is_anonymous(author) && is_placeholder_author(&rec.author_id)));
        let syms: Vec<u32> = rec.objects.iter().map(|o| self.objects.intern(o)).collect();
        self.merge_syms(post, same_row, &syms)
    }

    /// Add the objects `syms` to the stored `post` (see [`PostTable::push`]); `same_row`
    /// says the record repeats the stored post's author and time.
    fn merge_syms(&mut self, post: PostIdx, same_row: bool, syms: &[u32]) -> PushOutcome {
        let mut added = false;
        for &sym in syms {
            // Linear scan is fine: a post rarely has more than a handful of objects, and
            // long formats list a post's rows next to each other.
            let known = self
                .object_refs
                .iter()
                .rev()
                .take(64)
                .any(|&(p, s)| p == post && s == sym);
            if !known {
                self.object_refs.push((post, sym));
                added = true;
            } else if same_row {
                self.object_repeats.push((post, sym));
            }
        }
        if added {
            PushOutcome::Merged(post)
        } else {
            PushOutcome::Duplicate(post)
        }
    }

    /// Store the rows of `batch` not stored yet, up to row `upto` (exclusive), as pushing
    /// their records one by one with [`PostTable::push`] would, and tell `on` what became
    /// of each (row, outcome). Each distinct string of the batch is interned here once, the
    /// first time a stored row needs it, so the table's ids come out in the order a
    /// one-by-one push gives them: a duplicate row interns nothing but its key.
    pub fn push_batch(
        &mut self,
        batch: &mut PostBatch,
        upto: usize,
        on: &mut dyn FnMut(usize, PushOutcome),
    ) {
        let upto = upto.min(batch.len());
        let PostBatch {
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
            text_ends,
            text,
            urls,
            hashtags,
            mentions,
            media,
            objects,
            remap,
            ref_remap,
            ref_platforms,
            stored,
            ..
        } = batch;
        if *stored >= upto {
            return;
        }
        if *stored == 0 {
            // Cleared and refilled in place: a reused batch keeps these buffers.
            for s in 0..SPACES {
                remap[s].clear();
                remap[s].resize(strings[s].len(), NONE);
            }
            ref_remap.clear();
            ref_remap.resize(refs.len(), NONE);
            ref_platforms.clear();
        }
        let [r_accounts, r_handles, r_platforms, r_langs, r_urls, r_tags, r_mentions, r_media, r_objects] =
            remap;
        // The table id of a local id, interning its string at first use.
        fn map(remap: &mut [u32], local: &Interner, global: &mut Interner, id: u32) -> u32 {
            let g = remap[id as usize];
            if g != NONE {
                return g;
            }
            let g = global.intern(local.resolve(id));
            remap[id as usize] = g;
            g
        }
        // The table symbol of a local key, interning it at first use.
        fn map_ref(
            remap: &mut [u32],
            platforms: &mut Vec<u16>,
            local: &RefKeys,
            global: &mut RefKeys,
            ref_post: &mut Vec<u32>,
            sym: u32,
        ) -> u32 {
            let g = remap[sym as usize];
            if g != NONE {
                return g;
            }
            let g = global.intern_from(local, sym, platforms);
            if g as usize == ref_post.len() {
                ref_post.push(NONE);
            }
            remap[sym as usize] = g;
            g
        }
        let local = |s: Space| &strings[s as usize];
        for row in *stored..upto {
            let sym = map_ref(
                ref_remap,
                ref_platforms,
                refs,
                &mut self.refs,
                &mut self.ref_post,
                key[row],
            );
            let existing = self.ref_post[sym as usize];
            if existing != NONE {
                let objs = objects.get(row);
                if objs.is_empty() {
                    on(row, PushOutcome::Duplicate(existing));
                    continue;
                }
                let stored_author = self.author[existing as usize];
                let same_row = time[row] == self.time[existing as usize]
                    && if anonymous[row] {
                        self.is_anonymous(stored_author)
                    } else {
                        self.account_id(stored_author)
                            == id_of(local(Space::Accounts).resolve(author[row]))
                    };
                let syms: Vec<u32> = objs
                    .iter()
                    .map(|&o| map(r_objects, local(Space::Objects), &mut self.objects, o))
                    .collect();
                let outcome = self.merge_syms(existing, same_row, &syms);
                on(row, outcome);
                continue;
            }
            let post = u32::try_from(self.key.len()).expect("more than 2^32 posts");
            self.ref_post[sym as usize] = post;
            self.key.push(sym);
            let anon = anonymous[row];
            let a = map(
                r_accounts,
                local(Space::Accounts),
                &mut self.accounts,
                author[row],
            );
            if a as usize == self.account_handle.len() {
                self.account_handle.push(NONE);
                self.account_created.push(TimeMs::MIN);
                self.account_anonymous.push(anon);
            }
            if anon {
                self.anonymous_posts += 1;
            } else if let Some(c) = created[row] {
                self.account_created[a as usize] = c;
            }
            if !anon && self.account_handle[a as usize] == NONE && handle[row] != NONE {
                self.account_handle[a as usize] = map(
                    r_handles,
                    local(Space::Handles),
                    &mut self.handles,
                    handle[row],
                );
            }
            self.author.push(a);
            self.time.push(time[row]);
            self.precision.push(precision[row]);
            if let Some(t) = exact[row] {
                self.exact_times.push((post, t));
            }
            let (rp, rt, qt) = (repost_of[row], reply_to[row], quote_of[row]);
            self.kind.push(if rp != NONE {
                PostKind::Repost
            } else if rt != NONE {
                PostKind::Reply
            } else if qt != NONE {
                PostKind::Quote
            } else {
                PostKind::Original
            });
            for (local_ref, column) in [
                (rp, &mut self.repost_of),
                (rt, &mut self.reply_to),
                (qt, &mut self.quote_of),
            ] {
                let g = if local_ref == NONE {
                    NONE
                } else {
                    map_ref(
                        ref_remap,
                        ref_platforms,
                        refs,
                        &mut self.refs,
                        &mut self.ref_post,
                        local_ref,
                    )
                };
                column.push(g);
            }
            let l = lang[row];
            self.lang.push(if l == NONE {
                NONE
            } else {
                map(r_langs, local(Space::Langs), &mut self.langs, l)
            });
            self.claims_original.push(claims_original[row]);
            let p = platform[row] as usize;
            if r_platforms[p] == NONE {
                let name = local(Space::Platforms).resolve(p as u32);
                r_platforms[p] =
                    self.platforms
                        .intern(if name.is_empty() { "unknown" } else { name });
            }
            let start = if row == 0 { 0 } else { text_ends[row - 1] };
            self.text.push_str(&text[start..text_ends[row]]);
            let spilled = self.spilled_text_bytes();
            self.text_ends.push(spilled + self.text.len());
            for (space, remap, col, global, out) in [
                (
                    Space::Urls,
                    &mut *r_urls,
                    &*urls,
                    &mut self.urls,
                    &mut self.url_lists,
                ),
                (
                    Space::Hashtags,
                    &mut *r_tags,
                    &*hashtags,
                    &mut self.hashtags,
                    &mut self.hashtag_lists,
                ),
                (
                    Space::Mentions,
                    &mut *r_mentions,
                    &*mentions,
                    &mut self.mentions,
                    &mut self.mention_lists,
                ),
                (
                    Space::Media,
                    &mut *r_media,
                    &*media,
                    &mut self.media,
                    &mut self.media_lists,
                ),
            ] {
                let l = local(space);
                out.push_list(col.get(row).iter().map(|&i| map(remap, l, global, i)));
            }
            for &o in objects.get(row) {
                let g = map(r_objects, local(Space::Objects), &mut self.objects, o);
                self.object_refs.push((post, g));
            }
            on(row, PushOutcome::Added(post));
        }
        *stored = upto;
        self.spill_if_due();
    }

    /// The post's id on its platform (a number or text, as the input spelled it).
    pub fn post_id(&self, post: PostIdx) -> PostId<'_> {
        self.refs.id(self.key[post as usize])
    }

    /// The platform the post came from (`unknown` when the input did not say).
    pub fn post_platform(&self, post: PostIdx) -> &str {
        self.refs.platform(self.key[post as usize])
    }

    /// The id behind a reference symbol (as stored in `repost_of`, `reply_to`, `quote_of`).
    pub fn ref_id(&self, sym: u32) -> PostId<'_> {
        self.refs.id(sym)
    }

    /// The post stored under a reference symbol, if it is in the data.
    pub fn ref_post(&self, sym: u32) -> Option<PostIdx> {
        self.ref_post
            .get(sym as usize)
            .copied()
            .filter(|&p| p != NONE)
    }

    /// Number of distinct reference symbols (post ids and referenced ids).
    pub fn ref_count(&self) -> usize {
        self.refs.len()
    }

    /// The author's account index.
    pub fn author(&self, post: PostIdx) -> AccountIdx {
        self.author[post as usize]
    }

    /// All authors, indexed by post.
    pub fn authors(&self) -> &[AccountIdx] {
        &self.author
    }

    /// All times, indexed by post.
    pub fn times(&self) -> &[TimeMs] {
        &self.time
    }

    /// When the post was made.
    pub fn time(&self, post: PostIdx) -> TimeMs {
        self.time[post as usize]
    }

    /// How precisely the post's time is known.
    pub fn time_precision(&self, post: PostIdx) -> TimePrecision {
        self.precision[post as usize]
    }

    /// Change how precisely the post's time is known (an ingest that learns from the data
    /// that a whole file's times sit on whole minutes marks them minute-precision).
    pub fn set_time_precision(&mut self, post: PostIdx, precision: TimePrecision) {
        self.precision[post as usize] = precision;
    }

    /// All time precisions, indexed by post.
    pub fn time_precisions(&self) -> &[TimePrecision] {
        &self.precision
    }

    /// Posts per time precision, finest first (as [`TimePrecision::ALL`]).
    pub fn precision_counts(&self) -> [usize; 4] {
        let mut c = [0usize; 4];
        for p in &self.precision {
            c[*p as usize] += 1;
        }
        c
    }

    /// What the post is.
    pub fn kind(&self, post: PostIdx) -> PostKind {
        self.kind[post as usize]
    }

    /// Reference symbol of the re-shared post, or [`NONE`].
    pub fn repost_of(&self, post: PostIdx) -> u32 {
        self.repost_of[post as usize]
    }

    /// Reference symbol of the post replied to, or [`NONE`].
    pub fn reply_to(&self, post: PostIdx) -> u32 {
        self.reply_to[post as usize]
    }

    /// Reference symbol of the quoted post, or [`NONE`].
    pub fn quote_of(&self, post: PostIdx) -> u32 {
        self.quote_of[post as usize]
    }

    /// Language code, if the input gave one.
    pub fn lang(&self, post: PostIdx) -> Option<&str> {
        let l = self.lang[post as usize];
        (l != NONE).then(|| self.langs.resolve(l))
    }

    /// Whether the author declares the post original work (see
    /// [`PostRecord::claims_original`]); None when the input did not say.
    pub fn claims_original(&self, post: PostIdx) -> Option<bool> {
        self.claims_original[post as usize]
    }

    /// The post's text.
    pub fn text(&self, post: PostIdx) -> &str {
        let i = post as usize;
        let start = if i == 0 { 0 } else { self.text_ends[i - 1] };
        let end = self.text_ends[i];
        let spilled = self.spilled_text_bytes();
        match &self.spilled_text {
            Some(s) if end <= spilled => s.get(start, end),
            _ => &self.text[start - spilled..end - spilled],
        }
    }

    /// Bytes of text moved to the mapped file by [`PostTable::spill_text`].
    pub fn spilled_text_bytes(&self) -> usize {
        self.spilled_text.as_ref().map_or(0, SpilledText::len)
    }

    /// Bytes of text held on the heap (all of it until [`PostTable::spill_text`]).
    pub fn heap_text_bytes(&self) -> usize {
        self.text.len()
    }

    /// Move the texts stored so far out of the heap into an unlinked temporary file (in
    /// [`std::env::temp_dir`]) that is memory-mapped: [`PostTable::text`] reads them from
    /// there, and resident memory keeps only the last few dozen MiB read (see
    /// `SpilledText`). Texts pushed later stay on the heap until the next call (or, after
    /// [`PostTable::spill_text_while_reading`], until they make a piece). Returns the bytes
    /// moved; on an error (no room for the file) the texts stay where they were.
    pub fn spill_text(&mut self) -> std::io::Result<usize> {
        let moved = self.spill_heap_text()?;
        // The heap's copy is gone for good: give its capacity back too.
        self.text = String::new();
        Ok(moved)
    }

    /// Spill texts as they are stored: make the spill file now, and from then on, whenever
    /// the texts on the heap reach `every` bytes, [`PostTable::push`] and
    /// [`PostTable::push_batch`] move them to it (as [`PostTable::spill_text`] does at the
    /// end), so reading never holds all texts on the heap. If the file cannot be made the
    /// table is unchanged and the error returned; if a later write fails, spilling while
    /// reading stops and the texts stay on the heap.
    pub fn spill_text_while_reading(&mut self, every: usize) -> std::io::Result<()> {
        if self.spill_file.is_none() {
            self.spill_file = Some(SpillFile {
                file: tempfile::tempfile()?,
                len: 0,
            });
        }
        self.spill_every = Some(every.max(1));
        Ok(())
    }

    /// After a push: spill the heap's texts if they reached the piece size.
    fn spill_if_due(&mut self) {
        if self
            .spill_every
            .is_some_and(|every| self.text.len() >= every)
            && self.spill_heap_text().is_err()
        {
            self.spill_every = None;
        }
    }

    /// Append the texts on the heap to the spill file as one more mapped segment and clear
    /// them (keeping the heap's capacity for the next ones). On an error nothing changes.
    fn spill_heap_text(&mut self) -> std::io::Result<usize> {
        use std::io::{Seek, Write};
        if self.text.is_empty() {
            return Ok(0);
        }
        if self.spill_file.is_none() {
            self.spill_file = Some(SpillFile {
                file: tempfile::tempfile()?,
                len: 0,
            });
        }
        let Some(spill) = self.spill_file.as_mut() else {
            return Ok(0);
        };
        let offset = spill.len;
        spill.file.seek(std::io::SeekFrom::Start(offset))?;
        // In windows of the fault-around size, so the page cache holds no folio larger
        // than what a read is charged (see `SpilledText::WINDOW`).
        for piece in self.text.as_bytes().chunks(SpilledText::WINDOW) {
            spill.file.write_all(piece)?;
        }
        spill.file.flush()?;
        // SAFETY: the file is an unlinked temporary that nothing else can open. The span
        // mapped was written just above and is never written again: the next segment
        // starts at the next multiple of `WINDOW` (64 KiB, a whole number of pages) past
        // it, so no page of this mapping is ever written again and its bytes never change
        // under a borrow.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(offset)
                .len(self.text.len())
                .map(&spill.file)?
        };
        if map.len() != self.text.len() {
            return Err(std::io::Error::other(
                "the spilled text file has the wrong length",
            ));
        }
        let window = SpilledText::WINDOW as u64;
        spill.len = (offset + self.text.len() as u64).div_ceil(window) * window;
        let moved = self.text.len();
        let start = self.spilled_text_bytes();
        self.spilled_text
            .get_or_insert_with(|| SpilledText {
                segments: Vec::new(),
                read: std::sync::atomic::AtomicUsize::new(0),
            })
            .segments
            .push(Segment { start, map });
        self.text.clear();
        Ok(moved)
    }

    /// URL symbols (into [`PostTable::urls`]) of the post.
    pub fn url_syms(&self, post: PostIdx) -> &[u32] {
        self.url_lists.get(post as usize)
    }

    /// Hashtag symbols (into [`PostTable::hashtags`]) of the post.
    pub fn hashtag_syms(&self, post: PostIdx) -> &[u32] {
        self.hashtag_lists.get(post as usize)
    }

    /// Mention symbols (into [`PostTable::mentions`]) of the post.
    pub fn mention_syms(&self, post: PostIdx) -> &[u32] {
        self.mention_lists.get(post as usize)
    }

    /// Media symbols (into [`PostTable::media`]) of the post.
    pub fn media_syms(&self, post: PostIdx) -> &[u32] {
        self.media_lists.get(post as usize)
    }

    /// Explicit (post, object symbol) pairs, in input order.
    pub fn object_refs(&self) -> &[(PostIdx, u32)] {
        &self.object_refs
    }

    /// Extra copies of (post, object) rows that a long-format input repeated exactly
    /// (same object, author, content and time), one entry per copy beyond the first. They
    /// are duplicates everywhere but under CooRTweet's semantics, which counts every row.
    pub fn object_ref_repeats(&self) -> &[(PostIdx, u32)] {
        &self.object_repeats
    }

    /// (post, Unix seconds) for the posts whose time the reader knew more precisely than
    /// [`PostTable::time`] (finer than a millisecond, or not a whole number of them), in
    /// post order: the values a peer tool compares (see [`PostRecord::time_exact_s`]).
    pub fn exact_times(&self) -> &[(PostIdx, f64)] {
        &self.exact_times
    }

    /// The account's id on its platform.
    pub fn account_id(&self, account: AccountIdx) -> &str {
        id_of(self.accounts.resolve(account))
    }

    /// The platform the account belongs to (accounts are keyed by platform and id).
    pub fn account_platform(&self, account: AccountIdx) -> &str {
        let key = self.accounts.resolve(account);
        key.split_once(KEY_SEP).map_or("unknown", |(p, _)| p)
    }

    /// The account's handle, if any record gave one.
    pub fn account_handle(&self, account: AccountIdx) -> Option<&str> {
        let h = self.account_handle[account as usize];
        (h != NONE).then(|| self.handles.resolve(h))
    }

    /// When the account was created, if any record said.
    pub fn account_created(&self, account: AccountIdx) -> Option<TimeMs> {
        let c = self.account_created[account as usize];
        (c != TimeMs::MIN).then_some(c)
    }

    /// Names of the platforms present.
    pub fn platforms(&self) -> impl Iterator<Item = &str> {
        self.platforms.iter().map(|(_, s)| s)
    }

    /// Bytes each part of the table holds on the heap, largest first: where a run's memory
    /// goes (`LOCKSTEP_MEMORY=1 lockstep analyze ...` prints it). Columns count their
    /// length, not their capacity: the slack a growing vector reserves is never written,
    /// so (for the large ones, which the allocator maps page by page) never resident.
    pub fn heap_sizes(&self) -> Vec<(&'static str, usize)> {
        fn v<T>(x: &Vec<T>) -> usize {
            std::mem::size_of_val(x.as_slice())
        }
        let mut parts = vec![
            ("text (heap)", self.text.len()),
            ("text_ends", v(&self.text_ends)),
            ("refs (post and referenced ids)", self.refs.heap_bytes()),
            ("ref_post", v(&self.ref_post)),
            ("key", v(&self.key)),
            ("author", v(&self.author)),
            ("time", v(&self.time)),
            ("precision", v(&self.precision)),
            ("kind", v(&self.kind)),
            (
                "repost_of, reply_to, quote_of",
                v(&self.repost_of) + v(&self.reply_to) + v(&self.quote_of),
            ),
            ("lang", v(&self.lang)),
            ("claims_original", v(&self.claims_original)),
            ("url lists", self.url_lists.heap_bytes()),
            ("hashtag lists", self.hashtag_lists.heap_bytes()),
            ("mention lists", self.mention_lists.heap_bytes()),
            ("media lists", self.media_lists.heap_bytes()),
            (
                "accounts (ids, handles, created, anonymous)",
                self.accounts.heap_bytes()
                    + self.handles.heap_bytes()
                    + v(&self.account_handle)
                    + v(&self.account_created)
                    + v(&self.account_anonymous),
            ),
            (
                "urls, hashtags, mentions, media, objects, langs, platforms (interned)",
                self.urls.heap_bytes()
                    + self.hashtags.heap_bytes()
                    + self.mentions.heap_bytes()
                    + self.media.heap_bytes()
                    + self.objects.heap_bytes()
                    + self.langs.heap_bytes()
                    + self.platforms.heap_bytes(),
            ),
            (
                "object refs, repeats, exact times",
                v(&self.object_refs) + v(&self.object_repeats) + v(&self.exact_times),
            ),
        ];
        parts.sort_by_key(|p| std::cmp::Reverse(p.1));
        parts
    }

    /// Count of posts per kind: (original, repost, reply, quote).
    pub fn kind_counts(&self) -> [usize; 4] {
        let mut c = [0usize; 4];
        for k in &self.kind {
            c[*k as usize] += 1;
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, author: &str, t: i64) -> PostRecord {
        PostRecord {
            platform: "twitter".into(),
            id: id.into(),
            author_id: author.into(),
            author_handle: format!("@{author}"),
            time_ms: t,
            text: format!("text {id}"),
            urls: vec!["http://a".into(), "http://b".into()],
            ..Default::default()
        }
    }

    #[test]
    fn stores_and_dedupes() {
        let mut t = PostTable::new();
        assert_eq!(t.push(&rec("1", "u", 10)), PushOutcome::Added(0));
        let mut r = rec("2", "v", 20);
        r.repost_of = Some("1".into());
        assert_eq!(t.push(&r), PushOutcome::Added(1));
        assert_eq!(t.push(&rec("1", "w", 30)), PushOutcome::Duplicate(0));
        assert_eq!(t.len(), 2);
        assert_eq!(t.post_id(1), "2");
        assert_eq!(t.ref_post(t.repost_of(1)), Some(0));
        assert_eq!(t.kind(1), PostKind::Repost);
        assert_eq!(t.text(0), "text 1");
        assert_eq!(t.text(1), "text 2");
        assert_eq!(t.url_syms(1).len(), 2);
        assert_eq!(t.account_id(t.author(1)), "v");
        assert_eq!(t.account_handle(t.author(1)), Some("@v"));
        assert_eq!(t.account_count(), 2);
        assert_eq!(t.claims_original(0), None);
        assert_eq!(t.time_precision(1), TimePrecision::Second);
        t.set_time_precision(1, TimePrecision::Minute);
        assert_eq!(t.time_precision(1), TimePrecision::Minute);
        assert_eq!(t.precision_counts(), [0, 1, 1, 0]);
    }

    #[test]
    fn placeholder_authors_are_one_anonymous_account_per_platform() {
        let mut t = PostTable::new();
        t.push(&rec("1", "u", 10));
        t.push(&rec("2", "d41d8cd98f00b204e9800998ecf8427e", 20));
        t.push(&rec("3", "", 30));
        t.push(&rec("4", " D41D8CD98F00B204E9800998ECF8427E ", 40));
        let mut r = rec("5", "", 50);
        r.platform = "weibo".into();
        t.push(&r);
        assert!(t.has_author(0));
        for p in 1..5 {
            assert!(!t.has_author(p), "post {p}");
            assert_eq!(t.account_id(t.author(p)), "");
            assert_eq!(t.account_handle(t.author(p)), None);
        }
        assert_eq!(t.author(1), t.author(3));
        assert_ne!(t.author(1), t.author(4));
        assert_eq!(t.account_platform(t.author(4)), "weibo");
        assert_eq!(t.anonymous_posts(), 4);
        assert_eq!(t.account_count(), 3);
        assert_eq!(t.known_account_count(), 1);
        assert!(!is_placeholder_author("0"));
    }

    #[test]
    fn same_id_on_other_platform_is_another_post() {
        let mut t = PostTable::new();
        t.push(&rec("1", "u", 10));
        let mut r = rec("1", "u", 10);
        r.platform = "bluesky".into();
        assert_eq!(t.push(&r), PushOutcome::Added(1));
        assert_eq!(t.post_platform(0), "twitter");
        assert_eq!(t.post_platform(1), "bluesky");
        // The same account id on two platforms is two accounts.
        assert_ne!(t.author(0), t.author(1));
        assert_eq!(t.account_platform(t.author(0)), "twitter");
        assert_eq!(t.account_platform(t.author(1)), "bluesky");
        r.platform = String::new();
        r.id = "2".into();
        t.push(&r);
        assert_eq!(t.post_platform(2), "unknown");
    }

    #[test]
    fn merges_objects_of_long_formats() {
        let mut t = PostTable::new();
        let mut r = rec("1", "u", 10);
        r.objects = vec!["o1".into()];
        t.push(&r);
        r.objects = vec!["o2".into()];
        assert_eq!(t.push(&r), PushOutcome::Merged(0));
        assert_eq!(t.push(&r), PushOutcome::Duplicate(0));
        assert_eq!(t.object_refs().len(), 2);
        // The exact repeat is remembered for CooRTweet; a row that only reuses the
        // content id with another time is not a repeat of it.
        assert_eq!(t.object_ref_repeats(), &[(0, 1)]);
        r.time_ms += 1;
        assert_eq!(t.push(&r), PushOutcome::Duplicate(0));
        assert_eq!(t.object_ref_repeats().len(), 1);
    }

    #[test]
    fn spilled_text_reads_back_and_takes_later_posts() {
        let mut t = PostTable::new();
        let mut r = rec("1", "u", 10);
        r.text = "héllo 世界".into();
        t.push(&r);
        t.push(&rec("2", "v", 20));
        let mut empty = rec("3", "v", 30);
        empty.text = String::new();
        t.push(&empty);
        assert_eq!(t.heap_text_bytes(), "héllo 世界text 2".len());
        assert_eq!(t.spill_text().unwrap(), "héllo 世界text 2".len());
        assert_eq!(t.heap_text_bytes(), 0);
        assert_eq!(t.spill_text().unwrap(), 0);
        t.push(&rec("4", "w", 40));
        assert_eq!(t.text(0), "héllo 世界");
        assert_eq!(t.text(1), "text 2");
        assert_eq!(t.text(2), "");
        assert_eq!(t.text(3), "text 4");
        assert_eq!(t.text(0), "héllo 世界");
        assert!(t.heap_sizes().iter().any(|(n, _)| *n == "text (heap)"));
    }

    #[test]
    fn spilled_text_reads_back_after_the_pages_are_handed_back() {
        let mut t = PostTable::new();
        let mut big = rec("1", "u", 10);
        big.text = "世界 ".repeat(1 << 18);
        t.push(&big);
        t.push(&rec("2", "v", 20));
        t.spill_text().unwrap();
        // Reads past the hand-back threshold drop the pages (more than once, from two
        // threads); the texts read back the same.
        let rounds = SpilledText::RELEASE_EVERY / big.text.len() * 3;
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..rounds / 2 {
                        assert_eq!(t.text(0), big.text);
                        assert_eq!(t.text(1), "text 2");
                    }
                });
            }
        });
        assert_eq!(t.text(0), big.text);
    }

    #[test]
    fn texts_spilled_while_reading_read_back_as_pushed() {
        let texts: Vec<String> = (0..300)
            .map(|i| match i % 5 {
                0 => String::new(),
                1 => format!("héllo 世界 {i}"),
                2 => "x".repeat(70_000 + i),
                _ => format!("text {i}"),
            })
            .collect();
        let records: Vec<PostRecord> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| PostRecord {
                text: text.clone(),
                ..rec(&i.to_string(), "u", i as i64)
            })
            .collect();
        // One record at a time, and in batches of 7 (`push_batch`), against the texts.
        let mut one = PostTable::new();
        one.spill_text_while_reading(1000).unwrap();
        let mut batched = PostTable::new();
        batched.spill_text_while_reading(50_000).unwrap();
        for (i, r) in records.iter().enumerate() {
            one.push(r);
            for (p, text) in texts.iter().enumerate().take(i + 1) {
                assert_eq!(one.text(p as PostIdx), text, "post {p} after {i}");
            }
        }
        for chunk in records.chunks(7) {
            let mut batch = PostBatch::new();
            for r in chunk {
                batch.push(r);
            }
            batched.push_batch(&mut batch, usize::MAX, &mut |_, _| {});
        }
        for t in [&mut one, &mut batched] {
            assert!(t.heap_text_bytes() < 50_000 + 70_300);
            assert!(t.spilled_text.as_ref().unwrap().segments.len() > 10);
            t.spill_text().unwrap();
            assert_eq!(t.heap_text_bytes(), 0);
            assert_eq!(t.spilled_text_bytes(), texts.iter().map(String::len).sum());
            for _ in 0..2 {
                for (p, text) in texts.iter().enumerate().rev() {
                    assert_eq!(t.text(p as PostIdx), text);
                }
                t.spilled_text.as_ref().unwrap().release();
            }
        }
    }

    #[test]
    fn charges_a_window_per_read_at_random_and_bytes_in_order() {
        let mut t = PostTable::new();
        for i in 0..10_000 {
            t.push(&PostRecord {
                text: "y".repeat(1000),
                ..rec(&i.to_string(), "u", i)
            });
        }
        t.spill_text().unwrap();
        let s = t.spilled_text.as_ref().unwrap();
        // What reading `posts` on a thread of its own adds to the shared count (a thread
        // adds its charges in steps of `FLUSH`; what is left pending is not seen).
        let charged = |posts: Vec<PostIdx>| {
            std::thread::scope(|sc| {
                sc.spawn(|| {
                    let before = s.read.load(std::sync::atomic::Ordering::Relaxed);
                    for p in posts {
                        assert_eq!(t.text(p).len(), 1000);
                    }
                    s.read.load(std::sync::atomic::Ordering::Relaxed) - before
                })
                .join()
                .unwrap()
            })
        };
        // In order, 10 MB of text: about its bytes, a window at a time.
        let in_order = charged((0..10_000).collect());
        assert!((9_000_000..=10_100_000).contains(&in_order), "{in_order}");
        // 200 reads 100 kB apart: a window each, 1000 bytes read.
        let strided = charged((0..200).map(|i| (i * 100) % 10_000).collect());
        assert!(
            strided >= 200 * SpilledText::WINDOW - SpilledText::FLUSH,
            "{strided}"
        );
        assert!(strided < SpilledText::RELEASE_EVERY);
    }

    #[test]
    fn keeps_exact_times_beside_milliseconds() {
        let mut t = PostTable::new();
        t.push(&rec("1", "u", 1000));
        let mut r = rec("2", "u", 1000);
        r.time_exact_s = Some(1.0003);
        t.push(&r);
        assert_eq!(t.time(1), 1000);
        assert_eq!(t.exact_times(), &[(1, 1.0003)]);
    }
}
