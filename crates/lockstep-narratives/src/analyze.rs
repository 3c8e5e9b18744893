//! The narratives stage from templates to findings: terms, narratives, series and bursts,
//! campaign activity, the whole run, watch terms, and the echo of references and seed
//! accounts.

use crate::burst::BinGrid;
use crate::echo;
use crate::findings::{
    CampaignActivity, Example, Narrative, Narratives, Overall, TermStats, TermWeight, Timings,
    WatchTerm,
};
use crate::group::{self, group_by_label, r4, summarise, Context};
use crate::options::NarrativeOptions;
use crate::{narrative, refine, seeds, watch};
use lockstep_model::{PostIdx, PostTable, NONE};
use lockstep_output::rfc3339;
use lockstep_similar::Templates;
use lockstep_traces::text::post_words;
use rayon::prelude::*;
use std::time::Instant;

/// Find narratives, their escalation, watch terms and echo (see the crate documentation).
///
/// `campaign_of_post` gives the campaign id of a post's author; `coordinated[p]` says
/// whether post `p` is part of the evidence of a significant edge, and
/// `evidence_campaign[p]` the campaign (id, or 0) whose internal co-action (both accounts
/// in that campaign) it is evidence of: the campaign's own activity, as `post_labels.csv`
/// attributes it.
pub fn analyze_narratives(
    table: &PostTable,
    templates: &Templates,
    campaign_of_post: &(dyn Fn(PostIdx) -> Option<u32> + Sync),
    coordinated: &[bool],
    evidence_campaign: &[u32],
    options: &NarrativeOptions,
) -> Narratives {
    let started = Instant::now();
    let mut timings = Timings::default();
    let n = table.len();
    let times = table.times();
    let (lo, hi) = times
        .par_iter()
        .fold(|| (i64::MAX, i64::MIN), |(a, b), &t| (a.min(t), b.max(t)))
        .reduce(|| (i64::MAX, i64::MIN), |x, y| (x.0.min(y.0), x.1.max(y.1)));
    let grid = BinGrid::new(lo, hi, options.bin_ms, options.max_bins);
    let mut totals = vec![0u32; grid.bins];
    for &t in times {
        totals[grid.bin(t)] += 1;
    }
    let post_campaign: Vec<u32> = (0..n as PostIdx)
        .into_par_iter()
        .map(|p| campaign_of_post(p).unwrap_or(NONE))
        .collect();
    let ctx = Context {
        table,
        grid,
        totals,
        post_campaign,
        coordinated,
        evidence_campaign,
        burst: options.burst.clone(),
        top_accounts: options.top_accounts,
    };

    // Templates without partial copies, terms and narratives.
    let t0 = Instant::now();
    let similar = lockstep_similar::SimilarParams::with_threshold(options.template_threshold);
    let templates = refine::refine_templates(table, templates, &similar, &options.refine);
    timings.refine_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let tv = narrative::template_vectors(table, &templates, &options.terms);
    timings.terms_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let sizes: Vec<usize> = (0..templates.len() as u32)
        .map(|t| templates.members(t).len())
        .collect();
    let grouping = narrative::group_templates(&tv, &sizes, &options.terms, options.top_terms);
    let raw_count = grouping.top_terms.len();
    // Posts per raw narrative: template members, then reposts of them.
    let mut raw_of_post = vec![NONE; n];
    for t in 0..templates.len() as u32 {
        let g = grouping.template_narrative[t as usize];
        for &p in templates.members(t) {
            raw_of_post[p as usize] = g;
        }
    }
    let with_reposts: Vec<u32> = (0..n)
        .into_par_iter()
        .map(|p| {
            let own = raw_of_post[p];
            if own != NONE {
                return own;
            }
            table
                .ref_post(table.repost_of(p as PostIdx))
                .map_or(NONE, |q| raw_of_post[q as usize])
        })
        .collect();
    drop(raw_of_post);
    let (starts, items) = group_by_label(&with_reposts, raw_count);
    // Rank: most posts first, then earliest post.
    let first_time = |g: usize| {
        items[starts[g]..starts[g + 1]]
            .iter()
            .map(|&p| table.time(p))
            .min()
            .unwrap_or(i64::MAX)
    };
    let mut rank: Vec<(usize, i64, usize)> = (0..raw_count)
        .into_par_iter()
        .map(|g| (starts[g + 1] - starts[g], first_time(g), g))
        .collect();
    rank.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut id_of_raw = vec![0u32; raw_count];
    for (i, &(_, _, g)) in rank.iter().enumerate() {
        id_of_raw[g] = i as u32 + 1;
    }
    let post_narrative: Vec<u32> = with_reposts
        .par_iter()
        .map(|&g| if g == NONE { 0 } else { id_of_raw[g as usize] })
        .collect();
    drop(with_reposts);
    let mut templates_of: Vec<Vec<u32>> = vec![Vec::new(); raw_count];
    for t in 0..templates.len() as u32 {
        templates_of[grouping.template_narrative[t as usize] as usize].push(t);
    }
    for list in &mut templates_of {
        list.sort_unstable_by_key(|&t| (std::cmp::Reverse(sizes[t as usize]), t));
    }
    timings.grouping_s = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    let narratives: Vec<Narrative> = rank
        .par_iter()
        .enumerate()
        .map(|(i, &(_, _, g))| {
            let posts = &items[starts[g]..starts[g + 1]];
            let detailed = i < options.detail_limit;
            let mut summary = summarise(&ctx, posts, i < options.series_limit);
            if !detailed {
                summary.top_accounts.clear();
                summary.campaigns.truncate(5);
            }
            let top_terms: Vec<TermWeight> = grouping.top_terms[g]
                .iter()
                .map(|&(t, w)| TermWeight {
                    term: tv.terms.resolve(t).to_string(),
                    weight: r4(w),
                })
                .collect();
            let mut name = top_terms
                .iter()
                .take(3)
                .map(|t| t.term.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            if name.is_empty() {
                // No distinctive term (all stop words or too short): the text itself.
                if let Some(&t) = templates_of[g].first() {
                    name = post_words(table, templates.representative(t))
                        .chars()
                        .take(40)
                        .collect();
                }
            }
            let tpls = &templates_of[g];
            let examples = if detailed {
                tpls.iter()
                    .take(options.examples)
                    .map(|&t| {
                        let p = templates.representative(t);
                        Example {
                            template_id: t,
                            template_posts: sizes[t as usize],
                            post_id: table.post_id(p).to_string(),
                            account_id: table.account_id(table.author(p)).to_string(),
                            time: rfc3339(table.time(p)),
                            text: table.text(p).to_string(),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Narrative {
                id: i as u32 + 1,
                name,
                top_terms,
                template_count: tpls.len(),
                template_ids: tpls.clone(),
                template_posts: tpls.iter().map(|&t| sizes[t as usize] as u64).sum(),
                examples,
                summary,
            }
        })
        .collect();
    drop(items);

    // Campaign activity: the campaign's coordinated posts (as attributed in
    // post_labels.csv); member accounts and their posts are counted apart.
    let mut ids: Vec<u32> = ctx
        .post_campaign
        .iter()
        .copied()
        .filter(|&c| c != NONE)
        .collect::<std::collections::BTreeSet<u32>>()
        .into_iter()
        .collect();
    ids.sort_unstable();
    let dense_of = |c: u32| ids.binary_search(&c).map_or(NONE, |i| i as u32);
    let dense: Vec<u32> = (0..n)
        .into_par_iter()
        .map(|p| ctx.evidence_campaign(p as PostIdx).map_or(NONE, dense_of))
        .collect();
    let (cs, citems) = group_by_label(&dense, ids.len());
    drop(dense);
    let mut members: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .filter(|&p| ctx.post_campaign[p] != NONE)
        .map(|p| (ctx.post_campaign[p], table.author(p as PostIdx)))
        .collect();
    members.par_sort_unstable();
    let mut member_posts: foldhash::HashMap<u32, u64> = Default::default();
    for &(c, _) in &members {
        *member_posts.entry(c).or_default() += 1;
    }
    members.dedup();
    let mut campaign_accounts: foldhash::HashMap<u32, u64> = Default::default();
    for &(c, _) in &members {
        *campaign_accounts.entry(c).or_default() += 1;
    }
    drop(members);
    let campaigns: Vec<CampaignActivity> = ids
        .par_iter()
        .enumerate()
        .map(|(i, &c)| CampaignActivity {
            campaign_id: c,
            member_accounts: campaign_accounts.get(&c).copied().unwrap_or(0),
            member_posts: member_posts.get(&c).copied().unwrap_or(0),
            summary: summarise(&ctx, &citems[cs[i]..cs[i + 1]], true),
        })
        .collect();
    drop(citems);

    // The whole run: all posts, coordinated posts and campaign posts per bin.
    let mut coord_bins = vec![0u32; grid.bins];
    let mut camp_bins = vec![0u32; grid.bins];
    for (p, &c) in coordinated.iter().enumerate().take(n) {
        if c {
            let b = grid.bin(table.time(p as PostIdx));
            coord_bins[b] += 1;
            camp_bins[b] += ctx.evidence_campaign(p as PostIdx).is_some() as u32;
        }
    }
    let overall = Overall {
        posts: n as u64,
        coordinated_posts: coord_bins.iter().map(|&v| v as u64).sum(),
        campaign_posts: camp_bins.iter().map(|&v| v as u64).sum(),
        series: group::Series {
            bin_seconds: grid.bin_ms as f64 / 1000.0,
            bin_start: (0..grid.bins).map(|b| rfc3339(grid.bin_start(b))).collect(),
            posts: ctx.totals.clone(),
            coordinated_posts: coord_bins,
            first_bin: 0,
        },
        campaign_posts_per_bin: camp_bins.clone(),
        campaign_bursts: if n == 0 {
            Vec::new()
        } else {
            group::bursts_of(&ctx, &camp_bins, &camp_bins)
        },
    };
    timings.summaries_s = t0.elapsed().as_secs_f64();

    // Watch terms.
    let t0 = Instant::now();
    let w = watch::Watch::new(&options.watch);
    let pairs = w.scan(table);
    let watch: Vec<WatchTerm> = (0..w.terms.len())
        .into_par_iter()
        .map(|i| {
            let lo = pairs.partition_point(|&(t, _)| (t as usize) < i);
            let hi = pairs.partition_point(|&(t, _)| (t as usize) <= i);
            let posts: Vec<PostIdx> = pairs[lo..hi].iter().map(|&(_, p)| p).collect();
            WatchTerm {
                id: format!("w{}", i + 1),
                term: w.terms[i].clone(),
                normalised: w.keys[i].clone(),
                summary: summarise(&ctx, &posts, true),
            }
        })
        .collect();
    drop(pairs);
    timings.watch_s = t0.elapsed().as_secs_f64();

    // References.
    let t0 = Instant::now();
    let (references, echo_posts) = if options.references.is_empty() {
        (None, Vec::new())
    } else {
        let idx = echo::EchoIndex::new(&options.references, &options.echo);
        let found = idx.scan(table);
        let refs = echo::reference_reports(&ctx, &options.references, &found);
        (Some(refs), found)
    };
    timings.references_s = t0.elapsed().as_secs_f64();

    // Seed accounts.
    let t0 = Instant::now();
    let (seeds_out, amplifications, seed_accounts) = if options.seeds.is_empty() {
        (None, Vec::new(), Vec::new())
    } else {
        let idx = seeds::SeedIndex::new(table, &options.seeds);
        let amps = idx.amplifications(&ctx, options.link_window_ms);
        let out = seeds::seed_reports(
            &ctx,
            &options.seeds,
            &idx,
            &amps,
            &campaign_accounts,
            options,
        );
        (Some(out), amps, idx.account_of_seed.clone())
    };
    timings.seeds_s = t0.elapsed().as_secs_f64();
    timings.total_s = started.elapsed().as_secs_f64();
    let term_stats = TermStats {
        templates: templates.len(),
        near_duplicate_templates: templates.near_duplicate_templates,
        partial_copies: templates.partial_copies,
        template_posts: sizes.iter().sum(),
        background_posts: tv.background,
        distinct_terms: tv.terms.len(),
        new_words: tv.new_words.iter().take(100).cloned().collect(),
        narratives: narratives.len(),
        narrative_posts: post_narrative.iter().filter(|&&x| x != 0).count(),
    };
    Narratives {
        templates,
        post_narrative,
        post_campaign: ctx.post_campaign,
        evidence_campaign: evidence_campaign.to_vec(),
        narratives,
        watch,
        campaigns,
        overall,
        references,
        echo_posts,
        seeds: seeds_out,
        amplifications,
        seed_list: options.seeds.clone(),
        seed_accounts,
        grid,
        term_stats,
        options: options.clone(),
        timings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::echo::Reference;
    use crate::seeds::SeedAccount;
    use crate::write::write_outputs;
    use lockstep_model::PostRecord;
    use lockstep_similar::{assign_templates, SimilarParams};

    const H: i64 = 3_600_000;

    struct Fixture {
        t: PostTable,
    }

    impl Fixture {
        fn post(&mut self, id: &str, author: &str, time: i64, text: &str) -> &mut Self {
            self.push(id, author, time, text, None, &[])
        }

        fn push(
            &mut self,
            id: &str,
            author: &str,
            time: i64,
            text: &str,
            repost: Option<&str>,
            urls: &[&str],
        ) -> &mut Self {
            self.t.push(&PostRecord {
                platform: "weibo".into(),
                id: id.into(),
                author_id: author.into(),
                author_handle: format!("h_{author}"),
                time_ms: time,
                text: text.into(),
                repost_of: repost.map(String::from),
                urls: urls.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            });
            self
        }
    }

    /// A state outlet posts an article link; ring accounts r0..r5 repost it within
    /// seconds, copy a template and post the link; ordinary users chat.
    fn fixture() -> (PostTable, Vec<bool>, Vec<u32>) {
        let mut f = Fixture {
            t: PostTable::new(),
        };
        let t0 = 1_754_000_000_000i64;
        for h in 0..48i64 {
            for k in 0..20usize {
                let id = format!("o{h}_{k}");
                let text = format!(
                    "今天第{h}小时的日常{k}，吃饭睡觉打游戏 {}",
                    ["", "好累", "开心", "下雨"][k % 4]
                );
                f.post(
                    &id,
                    &format!("u{}", (h * 20 + k as i64) % 97),
                    t0 + h * H + k as i64 * 1000,
                    &text,
                );
            }
        }
        f.push(
            "s1",
            "outlet",
            t0 + 10 * H,
            "【关注】英伟达H20芯片存在后门风险 https://www.example.cn/a/1.htm",
            None,
            &["https://www.example.cn/a/1.htm"],
        );
        for r in 0..6 {
            let id = format!("rt{r}");
            f.push(
                &id,
                &format!("r{r}"),
                t0 + 10 * H + 20_000 + r * 3000,
                "RT @h_outlet: 【关注】英伟达H20芯片存在后门风险",
                Some("s1"),
                &[],
            );
            for round in 0..4i64 {
                let id = format!("c{r}_{round}");
                f.post(
                    &id,
                    &format!("r{r}"),
                    t0 + (20 + 3 * round) * H + r * 5000,
                    "美国芯片，美国控制！H20芯片后门风险不是危言耸听，技术专家都说了！",
                );
            }
            let id = format!("l{r}");
            f.push(
                &id,
                &format!("r{r}"),
                t0 + 11 * H + r * 60_000,
                "必读 http://m.example.cn/a/1.htm?from=weibo",
                None,
                &["http://m.example.cn/a/1.htm?from=weibo"],
            );
        }
        let t = f.t;
        let n = t.len();
        let mut coordinated = vec![false; n];
        let mut campaign = vec![0u32; n];
        for p in 0..n {
            if t.account_id(t.author(p as u32)).starts_with('r') {
                coordinated[p] = true;
                campaign[p] = 1;
            }
        }
        (t, coordinated, campaign)
    }

    #[test]
    fn end_to_end_narratives_watch_echo_and_seeds() {
        let (t, coordinated, campaign) = fixture();
        let tpl = assign_templates(&t, &SimilarParams::default());
        let camp_of = |p: PostIdx| t.account_id(t.author(p)).starts_with('r').then_some(1u32);
        let options = NarrativeOptions {
            template_threshold: 0.8,
            watch: vec!["后门".into(), "危言耸听".into()],
            references: vec![Reference {
                url: "https://www.example.cn/a/1.htm".into(),
                title: "H20".into(),
                text: "英伟达H20芯片存在后门风险，技术专家表示需要警惕。".into(),
                source: "example".into(),
                published_at: "x".into(),
                published_ms: Some(1_754_000_000_000 + 10 * H - 60_000),
            }],
            seeds: vec![SeedAccount {
                key: "h_outlet".into(),
                handle: None,
                label: "state_media".into(),
            }],
            ..NarrativeOptions::default()
        };
        let n = analyze_narratives(&t, &tpl, &camp_of, &coordinated, &campaign, &options);
        // The campaign template is a narrative pushed by campaign 1, reposts included.
        let p = (0..t.len() as u32)
            .find(|&p| t.post_id(p) == "c0_0")
            .unwrap();
        let nid = n.post_narrative[p as usize];
        assert!(nid > 0);
        let nar = &n.narratives[nid as usize - 1];
        assert_eq!(nar.summary.posts, 24);
        assert_eq!(nar.summary.campaigns.len(), 1);
        assert_eq!(nar.summary.campaigns[0].campaign_id, 1);
        assert_eq!(nar.summary.campaigns[0].share, 1.0);
        assert!(
            nar.top_terms.iter().any(|x| x.term == "危言耸听"),
            "{:?}",
            nar.top_terms
        );
        // Watch terms in Chinese.
        assert_eq!(n.watch[0].summary.posts, 1 + 6 + 24);
        assert_eq!(n.watch[1].summary.posts, 24);
        // Echo: the outlet's post and the links by URL, the reposts by text or repost.
        let refs = n.references.as_ref().unwrap();
        assert_eq!(refs[0].summary.posts, 1 + 6 + 6);
        assert_eq!(refs[0].by_match["url"], 7);
        assert_eq!(refs[0].first_echo_lag_s, Some(60.0));
        // Seeds: six reposts within 40 s, six links within 16 minutes; campaign 1 is tied.
        let s = &n.seeds.as_ref().unwrap().seeds[0];
        assert!(s.found);
        assert_eq!(s.amplifications, 12);
        assert_eq!(s.by_kind["repost"], 6);
        assert_eq!(s.by_kind["link"], 6);
        assert_eq!(s.amplifier_accounts, 6);
        let c = &n.seeds.as_ref().unwrap().campaigns[0];
        assert_eq!(
            (c.campaign_id, c.amplifying_accounts, c.share_of_members),
            (1, 6, 1.0)
        );
        assert!(c.delay.within_60s >= 0.5);
        // Campaign activity and its burst start with the reposts at hour 10.
        assert_eq!(n.campaigns.len(), 1);
        let b = &n.campaigns[0].summary.bursts.as_ref().unwrap()[0];
        assert_eq!(b.onset_ms, 1_754_000_000_000i64.div_euclid(H) * H + 10 * H);
        // Outputs.
        let dir = tempfile::tempdir().unwrap();
        let w = write_outputs(dir.path(), &t, &n, &coordinated).unwrap();
        assert_eq!(w.echo_posts, 13);
        assert_eq!(w.amplifications, 12);
        // Counted without writing, the same.
        assert_eq!(crate::write::output_counts(&t, &n), w);
        let labels = std::fs::read_to_string(dir.path().join("post_labels.csv")).unwrap();
        assert!(labels.starts_with("post_id,template_id,narrative_id,campaign_id\n"));
        assert!(labels
            .lines()
            .any(|l| l.starts_with("c0_0,") && l.ends_with(",1")));
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("narratives.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(v["grid"]["bin_seconds"], 3600.0);
        assert!(v["narratives"][0]["series"]["bin_start"][0]
            .as_str()
            .unwrap()
            .ends_with('Z'));
    }
}
