//! Message templates for narratives: variants merged, partial copies split off.
//!
//! **Variants.** lockstep-similar groups near-duplicates at its threshold (0.8 by default,
//! as co-similar uses it). A word swapped in a short text (`remote shutdown` → `remote
//! kill switch` in a 17-word post) can fall just below it and make a second template of
//! the same message. Templates with at least `min_posts` posts whose representatives are
//! near-duplicates at the looser `merge_threshold` (0.75) are merged into the largest of
//! them (each verified against that one's representative, so no chaining).
//!
//! **Partial copies.**
//! A campaign template often is a sentence copied from an article plus a slogan
//! ("…普通用户几乎无法察觉。细思极恐！"). Ordinary users and the outlet itself quote the
//! article's sentence alone; by Jaccard similarity that quote is a near-duplicate of the
//! template (0.85 here), yet it is not the campaign's message. Edits that campaigns make
//! to their copies *substitute* (punctuation, emoji, synonyms, traditional characters);
//! a quote *deletes* a block of the template and adds little of its own.
//!
//! So a member whose shingle set `P` lacks at least `min_missing` (default 8 %, and at
//! least 3 shingles) of the representative's set `R` while adding at most half as many
//! shingles of its own (`|P \ R| <= |R \ P| / 2`) is a *partial copy*: it leaves the
//! template. Partial copies of one template are grouped among themselves (leader
//! clustering at the similarity threshold); groups of at least two posts become
//! templates of their own. All templates are then numbered from 0 by their earliest post.

use lockstep_model::{PostIdx, PostTable, NONE};
use lockstep_similar::shingle::intersection;
use lockstep_similar::{SimilarParams, Templates};
use lockstep_traces::text::post_words;
use rayon::prelude::*;

/// Parameters of template refinement.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RefineParams {
    /// Merge templates whose representatives are this similar (default 0.75; 0 or less:
    /// no merging).
    pub merge_threshold: f64,
    /// Only templates with at least this many posts are merged or split (default 3).
    pub min_posts: usize,
    /// Split partial copies off (default true).
    pub split_partial_copies: bool,
    /// Share of the representative's shingles a partial copy lacks (default 0.08).
    pub min_missing: f64,
}

impl Default for RefineParams {
    fn default() -> Self {
        Self {
            merge_threshold: 0.75,
            min_posts: 3,
            split_partial_copies: true,
            min_missing: 0.08,
        }
    }
}

/// Message templates after partial copies are split off.
///
/// Members are kept flat (template `t`'s posts are `posts[ends[t-1]..ends[t]]`), not as a
/// vector per template: the set lives to the end of the run (750k templates at 10M posts),
/// and two allocations cost less than one per template.
#[derive(Clone, Debug, Default)]
pub struct TemplateSet {
    post_template: Vec<u32>,
    ends: Vec<u32>,
    posts: Vec<PostIdx>,
    representative: Vec<PostIdx>,
    /// Near-duplicate groups lockstep-similar found (before merging and splitting).
    pub near_duplicate_templates: usize,
    /// Posts split off as partial copies.
    pub partial_copies: usize,
}

impl TemplateSet {
    /// Number of templates.
    pub fn len(&self) -> usize {
        self.representative.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.representative.is_empty()
    }

    /// The template of a post.
    pub fn template_of(&self, p: PostIdx) -> Option<u32> {
        self.post_template
            .get(p as usize)
            .copied()
            .filter(|&t| t != NONE)
    }

    /// Posts of template `t`, by time.
    pub fn members(&self, t: u32) -> &[PostIdx] {
        let t = t as usize;
        let start = if t == 0 { 0 } else { self.ends[t - 1] as usize };
        &self.posts[start..self.ends[t] as usize]
    }

    /// A set from each template's members (a template's posts in its order) and
    /// representative.
    fn from_parts(
        n: usize,
        members: Vec<Vec<PostIdx>>,
        representative: Vec<PostIdx>,
        near_duplicate_templates: usize,
        partial_copies: usize,
    ) -> Self {
        let mut post_template = vec![NONE; n];
        let mut ends = Vec::with_capacity(members.len());
        let mut posts = Vec::with_capacity(members.iter().map(Vec::len).sum());
        for (t, m) in members.into_iter().enumerate() {
            for &q in &m {
                post_template[q as usize] = t as u32;
            }
            posts.extend_from_slice(&m);
            ends.push(posts.len() as u32);
        }
        TemplateSet {
            post_template,
            ends,
            posts,
            representative,
            near_duplicate_templates,
            partial_copies,
        }
    }

    /// The post whose text represents template `t`.
    pub fn representative(&self, t: u32) -> PostIdx {
        self.representative[t as usize]
    }
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let i = intersection(a, b);
    i as f64 / (a.len() + b.len() - i) as f64
}

/// Templates whose representatives are near-duplicates at `threshold` (looser than the
/// templates' own), among those with at least `min_posts` posts: each group merged into
/// its largest template. Returns (members, representative) per merged template.
fn merge_variants(
    table: &PostTable,
    templates: &Templates,
    threshold: f64,
    min_posts: usize,
) -> (Vec<Vec<PostIdx>>, Vec<PostIdx>) {
    let nt = templates.len();
    let mut big: Vec<u32> = (0..nt as u32)
        .filter(|&t| templates.members(t).len() >= min_posts.max(1))
        .collect();
    // Largest first, so that the earliest post of the small table is the largest template.
    big.sort_unstable_by_key(|&t| (std::cmp::Reverse(templates.members(t).len()), t));
    let mut into: Vec<u32> = (0..nt as u32).collect();
    if threshold > 0.0 && big.len() >= 2 {
        let mut reps = PostTable::new();
        for (i, &t) in big.iter().enumerate() {
            reps.push(&lockstep_model::PostRecord {
                platform: "t".into(),
                id: t.to_string(),
                author_id: "t".into(),
                time_ms: i as i64,
                text: post_words(table, templates.representative(t)).to_string(),
                ..Default::default()
            });
        }
        let groups = lockstep_similar::assign_templates(
            &reps,
            &SimilarParams {
                min_template_posts: 2,
                ..SimilarParams::with_threshold(threshold)
            },
        );
        for g in 0..groups.len() as u32 {
            let m = groups.members(g);
            // Members are by time, i.e. by size: the first is the largest.
            let lead = big[m[0] as usize];
            for &x in &m[1..] {
                into[big[x as usize] as usize] = lead;
            }
        }
    }
    let mut members: Vec<Vec<PostIdx>> = vec![Vec::new(); nt];
    for (t, &target) in into.iter().enumerate() {
        members[target as usize].extend_from_slice(templates.members(t as u32));
    }
    members
        .into_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(t, m)| (m, templates.representative(t as u32)))
        .unzip()
}

/// Merge variant templates and split partial copies off (see the module documentation).
pub fn refine_templates(
    table: &PostTable,
    templates: &Templates,
    similar: &SimilarParams,
    p: &RefineParams,
) -> TemplateSet {
    let nt = templates.len();
    let (base, reps) = merge_variants(table, templates, p.merge_threshold, p.min_posts);
    if !p.split_partial_copies {
        return TemplateSet::from_parts(table.len(), base, reps, nt, 0);
    }
    let min_posts = p.min_posts.max(1);
    // Per template: (kept members, groups of partial copies).
    let split: Vec<(Vec<PostIdx>, Vec<Vec<PostIdx>>)> = base
        .into_par_iter()
        .zip(reps.par_iter())
        .map(|(members, &rep)| {
            if members.len() < min_posts {
                return (members, Vec::new());
            }
            // The representative's text and the cache's keys are copies: compared again
            // member after member, borrowed texts of a spilled table would be read again
            // uncharged after the table hands their pages back (see `normalise_all` in
            // narrative.rs).
            let rep_text = post_words(table, rep).to_string();
            let r = lockstep_similar::shingle_set(&rep_text, similar);
            let mut kept = Vec::with_capacity(members.len());
            // (leader set, posts)
            let mut groups: Vec<(Vec<u32>, Vec<PostIdx>)> = Vec::new();
            let mut cache: foldhash::HashMap<Box<str>, Option<Vec<u32>>> = Default::default();
            for &q in &members {
                let text = post_words(table, q);
                if text == rep_text {
                    kept.push(q);
                    continue;
                }
                let partial = match cache.get(text) {
                    Some(known) => known.clone(),
                    None => {
                        let s = lockstep_similar::shingle_set(text, similar);
                        let inter = intersection(&r, &s);
                        let missing = r.len() - inter;
                        let extra = s.len() - inter;
                        let need = ((p.min_missing * r.len() as f64).ceil() as usize).max(3);
                        let partial = (missing >= need && 2 * extra <= missing).then_some(s);
                        cache.insert(text.into(), partial.clone());
                        partial
                    }
                };
                match partial {
                    None => kept.push(q),
                    Some(s) => {
                        match groups
                            .iter_mut()
                            .find(|(lead, _)| jaccard(lead, &s) >= similar.threshold)
                        {
                            Some((_, posts)) => posts.push(q),
                            None => groups.push((s, vec![q])),
                        }
                    }
                }
            }
            (kept, groups.into_iter().map(|(_, posts)| posts).collect())
        })
        .collect();
    // (members, representative) of every template, then numbered by earliest post.
    let mut all: Vec<(Vec<PostIdx>, PostIdx)> = Vec::with_capacity(split.len());
    let mut partial_copies = 0;
    for ((kept, groups), rep) in split.into_iter().zip(reps) {
        for g in groups {
            partial_copies += g.len();
            if g.len() >= similar.min_template_posts.max(2) {
                let r = g
                    .iter()
                    .copied()
                    .min_by_key(|&q| (table.time(q), q))
                    .unwrap_or(0);
                all.push((g, r));
            }
        }
        if kept.len() >= similar.min_template_posts.max(1) {
            all.push((kept, rep));
        }
    }
    all.par_iter_mut()
        .for_each(|(m, _)| m.sort_unstable_by_key(|&q| (table.time(q), q)));
    all.sort_by_key(|(m, _)| m.first().map(|&q| (table.time(q), q)));
    let (members, representative): (Vec<_>, Vec<_>) = all.into_iter().unzip();
    TemplateSet::from_parts(table.len(), members, representative, nt, partial_copies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::table;
    use lockstep_similar::assign_templates;

    #[test]
    fn quotes_of_the_article_sentence_leave_the_campaign_template() {
        let template = "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。细思极恐！";
        let texts = [
            template,
            "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。细思极恐！😱",
            "有技術專家表示，芯片層面的後門一旦被植入，普通用戶幾乎無法察覺。細思極恐！ #英伟达后门#",
            // A synonym: stays.
            "有技术专家指出，芯片层面的后门一旦被植入，普通用户几乎无法察觉。细思极恐！",
            template,
            // Quotes of the article's sentence alone, one with a comment: partial copies.
            "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。",
            "有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。[思考]",
            "【快讯】有技术专家表示，芯片层面的后门一旦被植入，普通用户几乎无法察觉。",
        ];
        let t = table(&texts);
        let sim = SimilarParams::default();
        let tpl = assign_templates(&t, &sim);
        assert_eq!(
            tpl.len(),
            1,
            "lockstep-similar sees one near-duplicate group"
        );
        assert_eq!(tpl.members(0).len(), 8);
        let r = refine_templates(&t, &tpl, &sim, &RefineParams::default());
        assert_eq!(r.len(), 2);
        assert_eq!(r.members(0), &[0, 1, 2, 3, 4]);
        assert_eq!(r.members(1), &[5, 6, 7]);
        assert_eq!(r.representative(1), 5);
        assert_eq!(r.partial_copies, 3);
        assert_eq!(r.template_of(6), Some(1));
        let off = refine_templates(
            &t,
            &tpl,
            &sim,
            &RefineParams {
                split_partial_copies: false,
                ..RefineParams::default()
            },
        );
        assert_eq!(off.len(), 1);
        assert_eq!(off.members(0).len(), 8);
    }
}
