//! Message templates: groups of near-duplicate posts.
//!
//! 1. Every eligible post (non-repost, at least `min_units` units after normalisation) is
//!    shingled; posts with identical shingle sets share one *document*, so a text copied
//!    ten thousand times is compared once.
//! 2. Each document gets a MinHash signature, cut into LSH bands (see [`crate::lsh`]).
//!    Band by band, keys are sorted and only keys held by two or more documents are kept
//!    (as buckets), so unique texts cost no memory past this step. Two documents are
//!    candidates when they share at least `min_shared` buckets (two by default) and their
//!    64-byte sketches agree enough ([`crate::lsh::Sketch`], a filter that drops a pair at
//!    the threshold with probability below 10^-5).
//! 3. Documents are visited in order of how many posts carry them (ties: earliest post).
//!    A document joins the most similar *leader* among its candidates whose Jaccard
//!    similarity (exact, on the shingle sets) is at least the threshold; if there is none,
//!    it becomes a leader itself. Every member is thus verified against its template's
//!    leader — the representative — which prevents chaining (A~B, B~C, A≁C cannot put A
//!    and C together through B). Only leaders are entered in the buckets, so a template
//!    with ten thousand variants costs one comparison per variant; at most
//!    `max_leaders_per_bucket` (the most recent) are looked at per bucket, which bounds the
//!    work where boilerplate ("just saw … on my lunch break") fills a bucket with
//!    thousands of distinct texts. The visit runs in parallel batches with the same
//!    result as a one-by-one visit (see `find_leaders`).
//! 4. Leaders whose documents cover at least `min_template_posts` posts become templates,
//!    numbered by their earliest post.

use crate::lsh::{LshParams, MinHasher, Sketch};
use crate::shingle::{intersection_reaching, min_intersection, mix64, shingles, units};
use crate::SimilarParams;
use lockstep_model::{PostIdx, PostTable, NONE};
use lockstep_traces::text::{NormaliseOptions, Normaliser};
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Distinct shingle sets and the posts that carry them.
struct Docs {
    /// Per post, its document or [`NONE`].
    post_doc: Vec<u32>,
    /// Shingle sets, flat; document `d` is `shingles[ends[d-1]..ends[d]]`.
    ends: Vec<usize>,
    shingles: Vec<u32>,
    /// Posts per document.
    posts: Vec<u32>,
    /// Earliest post time per document.
    first_time: Vec<i64>,
    /// Eligible posts.
    eligible: usize,
}

impl Docs {
    fn get(&self, d: u32) -> &[u32] {
        let i = d as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.shingles[start..self.ends[i]]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// The normaliser options co-similar uses.
pub fn normalise_options(params: &SimilarParams) -> NormaliseOptions {
    NormaliseOptions {
        strip_hashtags: params.strip_hashtags,
        fold: params
            .fold_chinese
            .then_some(crate::fold::t2s as fn(char) -> char),
        strip_emoji_codes: true,
    }
}

/// The text of post `p` that templates compare: its author's own words
/// ([`lockstep_traces::text::post_words`]: a Weibo repost's comment without its chain,
/// nothing for a retweet or a default `转发微博`), or with `include_reposts` every repost's
/// text as its own.
pub fn post_text<'t>(table: &'t PostTable, p: PostIdx, params: &SimilarParams) -> &'t str {
    if params.include_reposts && table.repost_of(p) != NONE {
        lockstep_traces::text::own_words(table.text(p), false)
    } else {
        lockstep_traces::text::post_words(table, p)
    }
}

/// Shingle set of one text under `params`, or `None` when it is too short.
pub fn shingle_text(
    text: &str,
    params: &SimilarParams,
    normaliser: &mut Normaliser,
    norm: &mut String,
    unit_buf: &mut Vec<u64>,
    out: &mut Vec<u32>,
) -> bool {
    normaliser.normalise_into(text, norm);
    unit_buf.clear();
    units(norm, unit_buf);
    if unit_buf.len() < params.min_units.max(1) {
        out.clear();
        return false;
    }
    shingles(unit_buf, params.max_n, out);
    true
}

fn set_hash(s: &[u32]) -> u64 {
    let mut h = s.len() as u64;
    for &x in s {
        h = mix64(h ^ x as u64);
    }
    h
}

/// One chunk's `(post, set hash, set length)` rows and their shingles, end to end.
type ShingledChunk = (Vec<(u32, u64, u32)>, Vec<u32>);

fn build_docs(table: &PostTable, params: &SimilarParams) -> Docs {
    let n = table.len();
    let mut post_doc = vec![NONE; n];
    let mut ends = Vec::new();
    let mut all = Vec::new();
    let mut posts = Vec::new();
    let mut first_time = Vec::new();
    let mut eligible = 0;
    let mut index: hashbrown::HashMap<u64, u32, foldhash::fast::FixedState> =
        hashbrown::HashMap::with_hasher(foldhash::fast::FixedState::with_seed(1));
    let opts = normalise_options(params);
    const BATCH: usize = 1 << 18;
    const CHUNK: usize = 1024;
    for batch in (0..n).step_by(BATCH) {
        let hi = (batch + BATCH).min(n);
        // (post, hash, len) rows and the shingles, per chunk.
        let parts: Vec<ShingledChunk> = (batch..hi)
            .step_by(CHUNK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|lo| {
                let mut normaliser = Normaliser::new(opts);
                let (mut norm, mut ub, mut sh) = (String::new(), Vec::new(), Vec::new());
                let mut rows = Vec::new();
                let mut flat = Vec::new();
                for p in lo..(lo + CHUNK).min(hi) {
                    let p = p as PostIdx;
                    let text = post_text(table, p, params);
                    if text.is_empty() {
                        continue;
                    }
                    if shingle_text(text, params, &mut normaliser, &mut norm, &mut ub, &mut sh) {
                        rows.push((p, set_hash(&sh), sh.len() as u32));
                        flat.extend_from_slice(&sh);
                    }
                }
                (rows, flat)
            })
            .collect();
        for (rows, flat) in parts {
            let mut off = 0usize;
            for (p, h, len) in rows {
                let s = &flat[off..off + len as usize];
                off += len as usize;
                eligible += 1;
                let t = table.time(p);
                let known = index.get(&h).copied().filter(|&d| {
                    let i = d as usize;
                    let start = if i == 0 { 0 } else { ends[i - 1] };
                    all[start..ends[i]] == *s
                });
                let d = match known {
                    Some(d) => d,
                    None => {
                        let d = ends.len() as u32;
                        all.extend_from_slice(s);
                        ends.push(all.len());
                        posts.push(0);
                        first_time.push(t);
                        index.entry(h).or_insert(d);
                        d
                    }
                };
                post_doc[p as usize] = d;
                posts[d as usize] += 1;
                if t < first_time[d as usize] {
                    first_time[d as usize] = t;
                }
            }
        }
    }
    Docs {
        post_doc,
        ends,
        shingles: all,
        posts,
        first_time,
        eligible,
    }
}

/// Candidate buckets: for each document, the (band, key) buckets it shares with at least
/// one other document, as dense bucket ids, and every document's sketch.
struct Buckets {
    /// CSR: buckets of document `d` are `ids[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ids: Vec<u32>,
    /// Bucket `b` has room for its members at `slot_start[b]..slot_start[b + 1]`.
    slot_start: Vec<u32>,
    sketches: Vec<u8>,
    sketch: Sketch,
    /// Buckets two documents must share to be compared.
    min_shared: usize,
}

impl Buckets {
    fn of(&self, d: u32) -> &[u32] {
        &self.ids[self.starts[d as usize] as usize..self.starts[d as usize + 1] as usize]
    }

    fn count(&self) -> usize {
        self.slot_start.len() - 1
    }

    fn sketch_of(&self, d: u32) -> &[u8] {
        let l = self.sketch.len;
        &self.sketches[d as usize * l..(d as usize + 1) * l]
    }
}

fn build_buckets(docs: &Docs, hasher: &MinHasher, threshold: f64) -> Buckets {
    let nd = docs.len();
    let bands = hasher.params().bands;
    let sketch = Sketch::new(hasher.sketch_len(), threshold);
    // Band keys, document-major, and sketches.
    let mut keys = vec![0u32; nd * bands];
    let mut sketches = vec![0u8; nd * sketch.len];
    const PER_TASK: usize = 256;
    keys.par_chunks_mut(bands * PER_TASK)
        .zip(sketches.par_chunks_mut(sketch.len * PER_TASK))
        .enumerate()
        .for_each(|(c, (out, sk))| {
            let mut sig = Vec::new();
            for (i, (k, s)) in out
                .chunks_mut(bands)
                .zip(sk.chunks_mut(sketch.len))
                .enumerate()
            {
                let d = (c * PER_TASK + i) as u32;
                hasher.keys_and_sketch(docs.get(d), &mut sig, k, s);
            }
        });
    // Bucket `b` holds documents `bucket_docs[slot_start[b]..slot_start[b + 1]]`: one `u32` a
    // membership (a `(doc, bucket)` pair would take 8 bytes), turned into the by-document
    // CSR below.
    let mut bucket_docs: Vec<u32> = Vec::new();
    let mut slot_start = vec![0u32];
    let mut packed: Vec<u64> = Vec::with_capacity(nd);
    for b in 0..bands {
        packed.clear();
        packed.par_extend(
            (0..nd)
                .into_par_iter()
                .map(|d| ((keys[d * bands + b] as u64) << 32) | d as u64),
        );
        packed.par_sort_unstable();
        let mut i = 0;
        while i < packed.len() {
            let key = packed[i] >> 32;
            let mut j = i + 1;
            while j < packed.len() && packed[j] >> 32 == key {
                j += 1;
            }
            if j - i >= 2 {
                bucket_docs.extend(packed[i..j].iter().map(|&x| x as u32));
                slot_start.push(bucket_docs.len() as u32);
            }
            i = j;
        }
    }
    drop(keys);
    drop(packed);
    // CSR by document: buckets are visited in id order (band by band), so each document's
    // list stays in band order.
    let mut starts = vec![0u32; nd + 1];
    for &d in &bucket_docs {
        starts[d as usize + 1] += 1;
    }
    for i in 0..nd {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut ids = vec![0u32; bucket_docs.len()];
    for (bucket, w) in slot_start.windows(2).enumerate() {
        for &d in &bucket_docs[w[0] as usize..w[1] as usize] {
            ids[fill[d as usize] as usize] = bucket as u32;
            fill[d as usize] += 1;
        }
    }
    drop(bucket_docs);
    drop(fill);
    Buckets {
        starts,
        ids,
        slot_start,
        sketches,
        sketch,
        min_shared: hasher.params().min_shared.max(1),
    }
}

/// Leaders found so far, per bucket, in the order they became leaders.
struct LeaderIndex {
    slots: Vec<u32>,
    filled: Vec<u32>,
}

impl LeaderIndex {
    fn new(b: &Buckets) -> Self {
        Self {
            slots: vec![0; *b.slot_start.last().unwrap_or(&0) as usize],
            filled: vec![0; b.count()],
        }
    }

    /// The leaders of `bucket`, oldest first.
    fn leaders<'a>(&'a self, b: &Buckets, bucket: u32) -> &'a [u32] {
        let start = b.slot_start[bucket as usize] as usize;
        &self.slots[start..start + self.filled[bucket as usize] as usize]
    }

    fn push(&mut self, b: &Buckets, bucket: u32, leader: u32) {
        let at = b.slot_start[bucket as usize] + self.filled[bucket as usize];
        self.slots[at as usize] = leader;
        self.filled[bucket as usize] += 1;
    }
}

/// What one document's search for a leader found.
#[derive(Clone, Copy)]
struct Best {
    similarity: f64,
    /// Processing rank of the leader (earlier wins ties).
    rank: u32,
    leader: u32,
}

fn better(a: Option<Best>, b: Option<Best>) -> Option<Best> {
    match (a, b) {
        (Some(x), Some(y)) => {
            if y.similarity > x.similarity || (y.similarity == x.similarity && y.rank < x.rank) {
                Some(y)
            } else {
                Some(x)
            }
        }
        (x, None) => x,
        (None, y) => y,
    }
}

/// One chunk's best leaders and its (verifications, sketch rejections).
type SearchedChunk = (Vec<Option<Best>>, (u64, u64));

/// Scratch and counters of one searching thread.
#[derive(Default)]
struct Search {
    candidates: Vec<u32>,
    verifications: u64,
    filtered: u64,
}

impl Search {
    /// Best leader of `d` among `candidates`: those listed at least `min_shared` times
    /// (once per shared bucket).
    fn best(
        &mut self,
        d: u32,
        docs: &Docs,
        buckets: &Buckets,
        rank: &[u32],
        threshold: f64,
    ) -> Option<Best> {
        self.candidates.sort_unstable();
        let min_shared = buckets.min_shared;
        let mine = docs.get(d);
        let my_sketch = buckets.sketch_of(d);
        let mut best = None;
        let mut i = 0;
        while i < self.candidates.len() {
            let l = self.candidates[i];
            let mut j = i + 1;
            while j < self.candidates.len() && self.candidates[j] == l {
                j += 1;
            }
            let shared = j - i;
            i = j;
            if shared < min_shared {
                continue;
            }
            let theirs = docs.get(l);
            let (small, large) = if mine.len() < theirs.len() {
                (mine.len(), theirs.len())
            } else {
                (theirs.len(), mine.len())
            };
            if (small as f64) < threshold * large as f64 {
                continue;
            }
            if !buckets.sketch.passes(my_sketch, buckets.sketch_of(l)) {
                self.filtered += 1;
                continue;
            }
            self.verifications += 1;
            // Below `need` shared shingles the pair misses the threshold: the merge stops
            // as soon as it cannot get there.
            let need = min_intersection(mine.len(), theirs.len(), threshold);
            let Some(inter) = intersection_reaching(mine, theirs, need) else {
                continue;
            };
            let j = inter as f64 / (mine.len() + theirs.len() - inter) as f64;
            if j >= threshold {
                best = better(
                    best,
                    Some(Best {
                        similarity: j,
                        rank: rank[l as usize],
                        leader: l,
                    }),
                );
            }
        }
        self.candidates.clear();
        best
    }
}

/// Counters and timings of one [`assign_templates`] run.
#[derive(Clone, Debug, Default)]
pub struct TemplateStats {
    /// Posts with enough text to compare.
    pub eligible_posts: usize,
    /// Distinct shingle sets among them.
    pub distinct_texts: usize,
    /// LSH banding used.
    pub lsh: Option<LshParams>,
    /// Buckets shared by two or more distinct texts.
    pub buckets: usize,
    /// Exact Jaccard verifications made.
    pub verifications: u64,
    /// Candidates the sketch filter spared an exact comparison.
    pub sketch_rejections: u64,
    /// Leaders (templates before the minimum-size filter).
    pub leaders: usize,
    /// Templates kept.
    pub templates: usize,
    /// Posts in kept templates.
    pub posts_in_templates: usize,
    /// Time spent normalising and shingling.
    pub shingling: Duration,
    /// Time spent on signatures and buckets.
    pub lsh_time: Duration,
    /// Time spent verifying and grouping.
    pub grouping: Duration,
}

/// Every post's message template.
#[derive(Clone, Debug)]
pub struct Templates {
    post_template: Vec<u32>,
    ends: Vec<u32>,
    members: Vec<PostIdx>,
    representative: Vec<PostIdx>,
    /// How the run went.
    pub stats: TemplateStats,
}

impl Templates {
    /// Number of templates.
    pub fn len(&self) -> usize {
        self.representative.len()
    }

    /// True when no template was found.
    pub fn is_empty(&self) -> bool {
        self.representative.is_empty()
    }

    /// The template of `post`, if it belongs to one.
    pub fn template_of(&self, post: PostIdx) -> Option<u32> {
        self.post_template
            .get(post as usize)
            .copied()
            .filter(|&t| t != NONE)
    }

    /// Template per post ([`NONE`] where there is none), indexed by post.
    pub fn post_templates(&self) -> &[u32] {
        &self.post_template
    }

    /// Posts of template `t`, by time.
    pub fn members(&self, t: u32) -> &[PostIdx] {
        let i = t as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.members[start..self.ends[i] as usize]
    }

    /// The earliest post carrying the template's representative text (the leader every
    /// member was verified against).
    pub fn representative(&self, t: u32) -> PostIdx {
        self.representative[t as usize]
    }
}

/// The leader of every document (itself when it leads).
///
/// Documents are taken in batches, in order. Within a batch, every document first looks
/// (in parallel) for its best leader among those of earlier batches; then, in order, it
/// also looks at the leaders this batch has made so far, and becomes a leader itself when
/// no leader is similar enough. The result is the same as visiting the documents one by
/// one, with at most `max_leaders_per_bucket` of the most recent leaders of earlier batches
/// (and as many of this batch's) looked at per bucket.
fn find_leaders(
    docs: &Docs,
    buckets: &Buckets,
    params: &SimilarParams,
    stats: &mut TemplateStats,
) -> Vec<u32> {
    let nd = docs.len();
    let mut order: Vec<u32> = (0..nd as u32).collect();
    order.par_sort_unstable_by_key(|&d| {
        (
            std::cmp::Reverse(docs.posts[d as usize]),
            docs.first_time[d as usize],
            d,
        )
    });
    let mut rank = vec![0u32; nd];
    for (i, &d) in order.iter().enumerate() {
        rank[d as usize] = i as u32;
    }
    let threshold = params.threshold;
    let cap = params.max_leaders_per_bucket.max(1);
    let mut leader = vec![NONE; nd];
    let mut index = LeaderIndex::new(buckets);
    let mut seq = Search::default();
    const BATCH: usize = 1 << 15;
    for batch in order.chunks(BATCH) {
        let first_rank = rank[batch[0] as usize];
        // Earlier batches' leaders, in parallel.
        let parts: Vec<SearchedChunk> = batch
            .par_chunks(256)
            .map(|part| {
                let mut s = Search::default();
                let found: Vec<Option<Best>> = part
                    .iter()
                    .map(|&d| {
                        for &b in buckets.of(d) {
                            let ls = index.leaders(buckets, b);
                            s.candidates
                                .extend_from_slice(&ls[ls.len().saturating_sub(cap)..]);
                        }
                        s.best(d, docs, buckets, &rank, threshold)
                    })
                    .collect();
                (found, (s.verifications, s.filtered))
            })
            .collect();
        let mut old = Vec::with_capacity(batch.len());
        for (found, (v, f)) in parts {
            old.extend(found);
            stats.verifications += v;
            stats.sketch_rejections += f;
        }
        // This batch's own leaders, in order.
        for (&d, found) in batch.iter().zip(old) {
            let bs = buckets.of(d);
            for &b in bs {
                let ls = index.leaders(buckets, b);
                let new = ls
                    .iter()
                    .rev()
                    .take_while(|&&l| rank[l as usize] >= first_rank)
                    .take(cap);
                seq.candidates.extend(new);
            }
            let best = better(found, seq.best(d, docs, buckets, &rank, threshold));
            match best {
                Some(b) => leader[d as usize] = b.leader,
                None => {
                    leader[d as usize] = d;
                    stats.leaders += 1;
                    for &b in bs {
                        index.push(buckets, b, d);
                    }
                }
            }
        }
    }
    stats.verifications += seq.verifications;
    stats.sketch_rejections += seq.filtered;
    leader
}

/// Group the posts of `table` into message templates (see the module documentation).
pub fn assign_templates(table: &PostTable, params: &SimilarParams) -> Templates {
    let mut stats = TemplateStats::default();
    let started = Instant::now();
    let docs = build_docs(table, params);
    stats.eligible_posts = docs.eligible;
    stats.distinct_texts = docs.len();
    stats.shingling = started.elapsed();

    let started = Instant::now();
    let lsh = params
        .lsh
        .unwrap_or_else(|| LshParams::for_threshold(params.threshold));
    stats.lsh = Some(lsh);
    let hasher = MinHasher::new(lsh, params.seed);
    let buckets = build_buckets(&docs, &hasher, params.threshold);
    stats.buckets = buckets.count();
    stats.lsh_time = started.elapsed();

    let started = Instant::now();
    let leader = find_leaders(&docs, &buckets, params, &mut stats);
    let nd = docs.len();

    // Posts per leader; keep leaders with enough posts, number them by earliest post.
    let mut leader_posts = vec![0u32; nd];
    let mut leader_first: Vec<(i64, PostIdx)> = vec![(i64::MAX, PostIdx::MAX); nd];
    let mut rep: Vec<(i64, PostIdx)> = vec![(i64::MAX, PostIdx::MAX); nd];
    for (p, &d) in docs.post_doc.iter().enumerate() {
        if d == NONE {
            continue;
        }
        let l = leader[d as usize] as usize;
        leader_posts[l] += 1;
        let key = (table.time(p as PostIdx), p as PostIdx);
        if key < leader_first[l] {
            leader_first[l] = key;
        }
        if l == d as usize && key < rep[l] {
            rep[l] = key;
        }
    }
    let min_posts = params.min_template_posts.max(1) as u32;
    let mut kept: Vec<u32> = (0..nd as u32)
        .filter(|&l| leader[l as usize] == l && leader_posts[l as usize] >= min_posts)
        .collect();
    kept.par_sort_unstable_by_key(|&l| leader_first[l as usize]);
    let mut template_of_leader = vec![NONE; nd];
    for (t, &l) in kept.iter().enumerate() {
        template_of_leader[l as usize] = t as u32;
    }
    let mut post_template = vec![NONE; table.len()];
    let mut sizes = vec![0u32; kept.len()];
    for (p, &d) in docs.post_doc.iter().enumerate() {
        if d == NONE {
            continue;
        }
        let t = template_of_leader[leader[d as usize] as usize];
        if t != NONE {
            post_template[p] = t;
            sizes[t as usize] += 1;
        }
    }
    let mut ends = Vec::with_capacity(kept.len());
    let mut acc = 0u32;
    for &s in &sizes {
        acc += s;
        ends.push(acc);
    }
    let mut fill: Vec<u32> = std::iter::once(0)
        .chain(ends.iter().copied())
        .take(kept.len())
        .collect();
    let mut members = vec![0 as PostIdx; acc as usize];
    for (p, &t) in post_template.iter().enumerate() {
        if t != NONE {
            members[fill[t as usize] as usize] = p as PostIdx;
            fill[t as usize] += 1;
        }
    }
    // Members by time within each template.
    let mut slices: Vec<&mut [PostIdx]> = Vec::with_capacity(kept.len());
    let mut rest = members.as_mut_slice();
    for &s in &sizes {
        let (a, b) = rest.split_at_mut(s as usize);
        slices.push(a);
        rest = b;
    }
    slices
        .into_par_iter()
        .for_each(|s| s.sort_unstable_by_key(|&p| (table.time(p), p)));
    let representative = kept.iter().map(|&l| rep[l as usize].1).collect();
    stats.templates = kept.len();
    stats.posts_in_templates = acc as usize;
    stats.grouping = started.elapsed();
    Templates {
        post_template,
        ends,
        members,
        representative,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::jaccard;
    use crate::shingle_set;
    use lockstep_model::PostRecord;

    fn table(texts: &[&str]) -> PostTable {
        let mut t = PostTable::new();
        for (i, text) in texts.iter().enumerate() {
            t.push(&PostRecord {
                platform: "weibo".into(),
                id: format!("p{i}"),
                author_id: format!("a{}", i % 7),
                time_ms: 1_000 * i as i64,
                text: text.to_string(),
                ..Default::default()
            });
        }
        t
    }

    /// One template, as its members' indices.
    fn groups(tpl: &Templates) -> Vec<Vec<u32>> {
        (0..tpl.len() as u32)
            .map(|t| {
                let mut m = tpl.members(t).to_vec();
                m.sort_unstable();
                m
            })
            .collect()
    }

    const BASE: &str = "美国芯片，美国控制！H20芯片存在后门，技术专家表示用户数据可被远程获取，国产芯片才是安全的选择。";

    /// The edits campaigns make to one Chinese template.
    const PARAPHRASES: &[&str] = &[
        BASE,
        // Punctuation changed.
        "美国芯片、美国控制!H20芯片存在后门。技术专家表示:用户数据可被远程获取;国产芯片才是安全的选择!!",
        // Emoji added.
        "美国芯片，美国控制！😡 H20芯片存在后门，技术专家表示用户数据可被远程获取，国产芯片才是安全的选择。🇨🇳🇨🇳",
        // Traditional characters.
        "美國芯片，美國控制！H20芯片存在後門，技術專家表示用戶數據可被遠程獲取，國產芯片才是安全的選擇。",
        // A synonym: 表示 -> 指出.
        "美国芯片，美国控制！H20芯片存在后门，技术专家指出用户数据可被远程获取，国产芯片才是安全的选择。",
        // A synonym: 获取 -> 读取.
        "美国芯片，美国控制！H20芯片存在后门，技术专家表示用户数据可被远程读取，国产芯片才是安全的选择。",
        // Hashtags added, Weibo and Twitter style.
        "#H20后门# 美国芯片，美国控制！H20芯片存在后门，技术专家表示用户数据可被远程获取，国产芯片才是安全的选择。 #芯片安全",
        // Mentions added.
        "@人民日报 @环球时报 美国芯片，美国控制！H20芯片存在后门，技术专家表示用户数据可被远程获取，国产芯片才是安全的选择。",
        // Full-width digits and Latin, zero-width space, a link.
        "美国芯片，美国控制！Ｈ２０芯片存在后\u{200B}门，技术专家表示用户数据可被远程获取，国产芯片才是安全的选择。 https://t.cn/A6abcd",
        // Everything at once, in traditional script, with a synonym.
        "@新華社 #國產芯片# 美國芯片、美國控制!!😡 H20芯片存在後門，技術專家指出用戶數據可被遠程獲取，國產芯片才是安全的選擇 🇨🇳",
    ];

    #[test]
    fn chinese_paraphrases_form_one_template() {
        let mut texts: Vec<&str> = PARAPHRASES.to_vec();
        // Unrelated Chinese posts that share common characters and words with it.
        texts.extend([
            "今天天气很好，我们去公园散步了，孩子们很开心。",
            "美国的芯片公司今天公布了财报，专家表示业绩超出预期。",
            "国产手机的芯片越来越好了，用户数据也更安全。",
            "技术专家表示，远程办公是未来的选择。",
            "今天加班到很晚，地铁又晚点了。",
        ]);
        let t = table(&texts);
        let tpl = assign_templates(&t, &SimilarParams::default());
        let g = groups(&tpl);
        let expected: Vec<u32> = (0..PARAPHRASES.len() as u32).collect();
        assert_eq!(g, vec![expected], "templates: {g:?}");
        assert_eq!(tpl.representative(0), 0);
        for (p, text) in texts.iter().enumerate().skip(PARAPHRASES.len()) {
            assert_eq!(tpl.template_of(p as u32), None, "{text}");
        }
    }

    #[test]
    fn short_swarm_replies_with_rotating_extras_form_one_template() {
        // A reply swarm's short slogan, each copy with other topics, emoji codes, emoji
        // and mentions appended: the slogan is the text, the rest is decoration.
        let variants = [
            "不安全！拒绝H20！ #芯片安全",
            "不安全！拒绝H20！#国产芯片# [怒]",
            "不安全!拒绝H20! [怒][怒][怒] @人民日报",
            "#拒绝H20# 不安全！拒绝H20！[加油][加油]",
            "不安全！！拒绝H20！😡😡 #芯片安全# #国产替代#",
            "@环球时报 不安全，拒绝H20 [doge]",
            "不安全！拒絕H20！[鄙视]",
        ];
        let mut texts: Vec<&str> = variants.to_vec();
        texts.extend(["拒绝加班！不安全的工作环境", "H20芯片今天发布了新版本"]);
        let t = table(&texts);
        let tpl = assign_templates(&t, &SimilarParams::default());
        let expected: Vec<u32> = (0..variants.len() as u32).collect();
        assert_eq!(groups(&tpl), vec![expected]);
    }

    #[test]
    fn weibo_reposts_compare_their_own_words() {
        // Reposts whose comments are copies: the comment before `//@` is compared, the
        // chain (different in each) is not; default texts and retweets take no part.
        let mut t = table(&["美国政府一直在隐瞒真实疫情数据，真相必须公开"]);
        let rows = [
            (
                "weibo",
                "美国政府一直在隐瞒真实疫情数据，真相必须公开！//@张三:完全不同的一段很长的话",
            ),
            (
                "weibo",
                "美国政府一直在隐瞒真实疫情数据!真相必须公开[怒]//@李四:另一段毫不相干的原文内容",
            ),
            (
                "weibo",
                "转发微博//@王五:美国政府一直在隐瞒真实疫情数据，真相必须公开",
            ),
            (
                "twitter",
                "RT @x: 美国政府一直在隐瞒真实疫情数据，真相必须公开",
            ),
        ];
        for (i, (platform, text)) in rows.iter().enumerate() {
            t.push(&PostRecord {
                platform: platform.to_string(),
                id: format!("r{i}"),
                author_id: format!("b{i}"),
                time_ms: 10_000 + i as i64,
                repost_of: Some("p0".into()),
                text: text.to_string(),
                ..Default::default()
            });
        }
        let tpl = assign_templates(&t, &SimilarParams::default());
        assert_eq!(groups(&tpl), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn scrambled_chinese_is_not_a_near_duplicate() {
        // The same characters in another order: the toolkit's character sets score 1.0.
        let a = "美国芯片，美国控制！";
        let b = "国美片芯，国美制控！";
        let ca = crate::cnt::token_set(a);
        let cb = crate::cnt::token_set(b);
        assert_eq!(ca, cb, "the toolkit sees identical sets");
        let p = SimilarParams::default();
        let j = jaccard(&shingle_set(a, &p), &shingle_set(b, &p));
        assert!(j < 0.5, "native similarity {j}");
        let t = table(&[a, b, a, b]);
        let tpl = assign_templates(&t, &p);
        assert_eq!(groups(&tpl), vec![vec![0, 2], vec![1, 3]]);
    }

    #[test]
    fn other_languages_group_their_variants() {
        let texts = [
            // English: case, emoji, punctuation, hashtag, mention, link, a synonym.
            "American chips, American control! Experts confirm the H20 has a hidden backdoor that sends your data abroad.",
            "AMERICAN CHIPS, AMERICAN CONTROL!!! 🇺🇸 Experts confirm the H20 has a hidden backdoor that sends your data abroad #Nvidia",
            "@techwatch American chips, American control - experts confirm the H20 has a hidden backdoor that sends your data abroad https://t.co/x1",
            "American chips, American control! Experts confirm the H20 has a secret backdoor that sends your data abroad.",
            // Russian.
            "Голосуйте за будущее нашей страны, приходите на выборы в воскресенье вместе с семьей!",
            "ГОЛОСУЙТЕ за будущее нашей страны — приходите на выборы в воскресенье вместе с семьей 🇷🇺 #выборы",
            // Arabic.
            "عاجل: الرئيس يزور المدينة اليوم لافتتاح المستشفى الجديد في وسط البلد",
            "\u{200F}عاجل!! الرئيس يزور المدينة اليوم لافتتاح المستشفى الجديد في وسط البلد #عاجل @news",
            // Japanese.
            "【拡散希望】東京の水道水から基準値を超える物質が検出されたと専門家が警告しています",
            "拡散希望!東京の水道水から基準値を超える物質が検出されたと専門家が警告しています😱 #東京",
            // Unrelated English sharing words.
            "American football fans confirm the game was great, data shows record attendance.",
        ];
        let t = table(&texts);
        let tpl = assign_templates(&t, &SimilarParams::default());
        assert_eq!(
            groups(&tpl),
            vec![vec![0, 1, 2, 3], vec![4, 5], vec![6, 7], vec![8, 9]]
        );
    }

    #[test]
    fn no_chaining_every_member_is_close_to_its_representative() {
        // A drifting chain: each text replaces one more word of the first.
        let words: Vec<String> = (0..24).map(|i| format!("w{i}")).collect();
        let mut texts = Vec::new();
        for k in 0..16 {
            let t: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| if i < k { format!("x{i}") } else { w.clone() })
                .collect();
            texts.push(t.join(" "));
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let t = table(&refs);
        let p = SimilarParams {
            min_template_posts: 1,
            ..SimilarParams::default()
        };
        let tpl = assign_templates(&t, &p);
        assert!(
            tpl.len() > 2,
            "the chain must not collapse: {:?}",
            groups(&tpl)
        );
        for g in 0..tpl.len() as u32 {
            let rep = shingle_set(t.text(tpl.representative(g)), &p);
            for &m in tpl.members(g) {
                let j = jaccard(&rep, &shingle_set(t.text(m), &p));
                assert!(j >= p.threshold, "member {m} of {g} at {j}");
            }
        }
        // The two ends are not together.
        assert_ne!(tpl.template_of(0), tpl.template_of(15));
    }

    #[test]
    fn bookkeeping() {
        let texts = [
            "one two three four five",
            "nothing like the others at all here",
            "one two three four five!",
            "short",
            "one two three four five",
        ];
        let mut t = table(&texts);
        // A repost of the first: ignored by default.
        t.push(&PostRecord {
            id: "rt".into(),
            author_id: "z".into(),
            time_ms: 99_000,
            repost_of: Some("p0".into()),
            text: "one two three four five".into(),
            ..Default::default()
        });
        let tpl = assign_templates(&t, &SimilarParams::default());
        assert_eq!(tpl.len(), 1);
        assert_eq!(tpl.members(0), &[0, 2, 4]);
        assert_eq!(tpl.template_of(2), Some(0));
        assert_eq!(tpl.template_of(1), None);
        assert_eq!(tpl.template_of(3), None);
        assert_eq!(tpl.template_of(5), None);
        assert_eq!(tpl.stats.eligible_posts, 4);
        assert_eq!(tpl.stats.distinct_texts, 2);
        let trace = crate::co_similar_trace(&t, &tpl);
        assert_eq!(trace.events.len(), 3);
        assert_eq!(trace.object_label(&t, 0), "0");
        let with_reposts = assign_templates(
            &t,
            &SimilarParams {
                include_reposts: true,
                ..SimilarParams::default()
            },
        );
        assert_eq!(with_reposts.members(0), &[0, 2, 4, 5]);
    }
}
