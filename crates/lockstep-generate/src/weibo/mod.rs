//! The `weibo` scenario: a synthetic Weibo world in the two shapes researchers hold Weibo
//! data in, with the structures that broke detectors on real Weibo cascades.
//!
//! # Files
//!
//! * `weibo-search.csv` — dataabc/weibo-search's 21-column CSV (`id, bid, user_id, 用户昵称,
//!   微博正文, 头条文章url, 发布位置, 艾特用户, 话题, 转发数, 评论数, 点赞数, 发布时间, 发布工具, 微博图片url,
//!   微博视频url, retweet_id, ip, user_authentication, 会员类型, 会员等级`), UTF-8 with a BOM:
//!   keyword search results for 芯片 / 英伟达 / H20 / 算力 / GPU over four days. Originals and
//!   reposts, no comments (search does not return them). `id` is a 16-digit mid, `bid` its
//!   base62 form, `user_id` a 10-digit number; `发布时间` is Beijing time to the minute
//!   (`%Y-%m-%d %H:%M`); `艾特用户` and `话题` are comma-joined (nicknames, topics without
//!   `#`); `微博图片url` is comma-joined. A repost's `retweet_id` is its original's mid and the
//!   original is a row of its own. Rows are in crawl order: hour by hour, newest first within
//!   an hour, a repost's original written just before the repost unless already written, so
//!   originals often appear out of time order; every post is written once. As weibo-search
//!   does, spaces are removed from `微博正文`, counts of ten thousand and more are written
//!   `1.2万` / `10万+`, and a repost's pictures are on its original's row. `ip` is the account's
//!   region, `会员类型` / `会员等级` are numeric membership type and level (value sets not
//!   verified against a real crawl).
//! * `checked/{real_news,fake_news}/<id>.json` — one root post per file with its full
//!   cascade, as the CHECKED corpus: `label, id, date, user_id, text, pic_url (list),
//!   video_url, comment_num, repost_num, like_num (strings), comments[] {id, date, user_id,
//!   text, pic_url (string)}, reposts[] {id, date, user_id, text, pic_url (list)}`, written
//!   with Python's separators. Reposts are newest first, comments newest first with some local
//!   disorder; the `_num` counts exceed the lists (crawls are incomplete).
//! * `truth.csv` — `account_id,label` for every account id that authors a post in either
//!   part (an account in both parts has two rows, one per id). Labels: a campaign name, or
//!   `organic`, or `organic:<kind>` (below); an account in several hard-negative groups keeps
//!   the first in the order listed.
//! * `truth_search.csv`, `truth_checked.csv` — the same rows split by part, to score an
//!   analysis of one part alone.
//! * `truth_posts.csv` — `post_id,template,campaign,echoes_reference`: every planted post (id
//!   as written in its part), in time order; `template` is `copypaste_group_1:t3`,
//!   `hashtag_push_1:拒绝H20+芯片安全`, `reply_swarm_1:r2`, `boost_ring_1:comment`, empty for
//!   the boost ring's reposts; `echoes_reference` is always empty.
//! * `truth_events.csv` — `event,time` (RFC 3339 UTC): `news_burst:N`, `viral_cascade:N`,
//!   `campaign_start:NAME`.
//! * `seed_accounts.csv` — `account_id,handle,label`: the state-media accounts (@人民日报,
//!   @央视新闻, @环球时报, @新华社; synthetic ids, synthetic posts), under each id they have
//!   in the data, label `state_media`.
//!
//! # The two id spaces
//!
//! Every post belongs to one root post, and every root with its whole cascade to one part:
//! the parts are **disjoint sets of posts**, so reading both never meets a post twice and no
//! deduplication is needed (nor possible: a post would carry a mid in one part and a hash in
//! the other). The CHECKED part hashes as CHECKED does: a post's `id` is the first 128 bits of
//! SHA-256 of its decimal mid and an account's `user_id` the same of its decimal uid, in hex.
//! So an account active in both parts appears under two ids that nothing in the data links,
//! as when a researcher combines CHECKED with their own crawl; `truth.csv` lists both.
//! Campaign accounts act only in the parts where their campaign acts (the boost ring in both,
//! the reply swarm in `checked`, the copy-paste group and the hashtag push in the search
//! part), so every campaign id in the data has planted posts.
//!
//! # The world (scale 1: about 100,000 posts over four days from 2025-08-01 08:00 Beijing)
//!
//! Reposts and comments follow what real Weibo data shows: about 40 % have empty text, a few
//! percent are the default 转发微博 / 轉發微博 (and 快转微博 for quick reposts), the next most
//! common are single emoji codes (`[哈哈]`, `[吃惊]`, `[蜡烛]` lead), then generic approval and
//! replies in context. A repost of a repost carries the chain `own//@nick:their text` (at
//! most four links, cut at a link when long); verified accounts' reposts draw reposts. Reposts
//! and comments interleave, and about one participant in five acts several times on one post
//! within minutes. Times are drawn to the second and written to the minute, so ties within
//! a minute are common.
//!
//! Hard negatives (organic, labelled):
//!
//! * `organic:fan_club` — three clubs of 30–60 fans (two stars in `checked`, a tech blogger
//!   in the search part) who act on each of their star's posts (70–95 % of them) within
//!   seconds to minutes, one to four reposts each (reposting each other's reposts) and in
//!   `checked` up to three comments, with 转发微博, emoji and cheers.
//! * `organic:comment_thread` — under most discussion posts of `checked`, 2–5 accounts
//!   replying to each other 20–80 times over ten minutes to three hours (`回复@nick:` now
//!   and then).
//! * `organic:state_echo` — about 120 regulars who overtly repost (and comment) the
//!   state-media accounts' posts, each on about half of them, minutes to hours after.
//!   The outlets themselves are `organic:state_media`.
//! * `organic:generic_comment` — about 150 accounts who comment 支持 / 说得好 / `[赞]` on
//!   5–16 popular posts each, at unrelated times.
//! * `organic:news_burst` — per breaking-news event (3), 60–150 accounts and a few media
//!   accounts posting within half an hour, once: the headline in 【】, the event's `#话题#`,
//!   or both, often verbatim.
//! * `organic:viral_cascade` — participants in viral posts (three in `checked` with 2,000–
//!   5,000 participants, two in the search part with 800–2,000), deep `//@` chains.
//!
//! Planted campaigns (one set up to scale 2, more above), each also acting like ordinary
//! users (camouflage: as many organic-looking reposts and comments of popular posts as
//! planted acts, and ordinary chip posts):
//!
//! * `boost_ring_N` — 32–45 accounts registered in batches of 8–14 (runs of numeric ids 1–6
//!   apart, nicknames of one stem or `用户` + digits). About 15 rounds in each part: 60–90 % of
//!   the members repost one of the part's most popular posts within two minutes (in
//!   `checked` half of them also comment generic approval), 3–90 minutes after it appeared.
//!   In the data: co-reposts of many different popular posts within two minutes, by the same
//!   accounts, with the generic texts everyone uses; the posts have hundreds of other
//!   reposters, so the ring's exclusivity on them is low by design; the close uids are
//!   visible in the search part only.
//! * `copypaste_group_N` — 22–30 accounts; about 18 rounds in the search part, each by a
//!   rotating 40–70 % of the members within 15 minutes: one of four long templates (80+
//!   characters) with edits (punctuation, synonyms, traditional characters, emoji), the
//!   round's rotating topic appended, sometimes an `@outlet`. In the data: near-duplicate
//!   long texts in bursts whose member sets overlap beyond chance; exact duplicates are few.
//! * `hashtag_push_N` — 25–35 accounts; about 18 rounds in the search part, 50–80 % of the
//!   members within ten minutes: the round's one or two topics from `#拒绝H20#`, `#H20不安全#`,
//!   `#芯片安全#`, `#支持国产芯片#` (the last also used organically) on short varied texts. In
//!   the data: the same topic set in bursts by overlapping member sets, with different texts.
//! * `reply_swarm_N` — 28–40 accounts; under 85 % of the targets' posts in `checked` (an
//!   Nvidia account and two tech bloggers), 60–90 % of the members comment within two and a
//!   half minutes, 2–40 minutes after the post: short templates ("不安全！拒绝H20！") with the
//!   round's topic (one of them unterminated: `#芯片安全`), emoji and `@outlet` appended; a
//!   quarter also repost with the same text. In the data: co-replies on the same targets
//!   within minutes, near-duplicate short texts.

mod cascade;
mod ids;
mod plan;
mod text;
mod write;

use std::path::Path;

use anyhow::{Context, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use ids::{bid as weibo_bid, mid_of_bid as weibo_mid_of_bid};
pub use text::KEYWORDS as WEIBO_KEYWORDS;
pub use write::WEIBO_SEARCH_HEADER;

/// File name of the search part.
pub const WEIBO_SEARCH_CSV: &str = "weibo-search.csv";
/// Directory of the CHECKED-style part.
pub const CHECKED_DIR: &str = "checked";
/// Truth of the search part's accounts.
pub const TRUTH_SEARCH_CSV: &str = "truth_search.csv";
/// Truth of the CHECKED part's accounts.
pub const TRUTH_CHECKED_CSV: &str = "truth_checked.csv";
/// Largest scale of the `weibo` scenario (it holds the world in memory).
pub const WEIBO_MAX_SCALE: f64 = 20.0;

/// What the `weibo` scenario wrote.
pub(crate) struct Written {
    /// Posts written: search rows plus CHECKED records (roots, comments, reposts).
    pub posts: u64,
    /// Rows of `truth.csv`.
    pub accounts: u64,
    /// Rows of `truth.csv` with a campaign label.
    pub campaign_accounts: u64,
    /// Files and directories written.
    pub files: Vec<std::path::PathBuf>,
}

fn stream(seed: u64, which: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(which);
    rng
}

/// Generates the `weibo` world into `out`.
pub(crate) fn generate(seed: u64, scale: f64, out: &Path) -> Result<Written> {
    if scale > WEIBO_MAX_SCALE {
        anyhow::bail!("the weibo scenario goes up to scale {WEIBO_MAX_SCALE}, got {scale}");
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut world = plan::plan(&mut stream(seed, 20), scale);
    let mut rng = stream(seed, 21);
    let acts: Vec<Vec<cascade::Act>> = (0..world.roots.len())
        .map(|ri| cascade::grow(&mut rng, &mut world, ri))
        .collect();
    let mids = write::assign_mids(&mut stream(seed, 23), &world, &acts);

    let search_path = out.join(WEIBO_SEARCH_CSV);
    let checked_dir = out.join(CHECKED_DIR);
    if checked_dir.exists() {
        std::fs::remove_dir_all(&checked_dir)
            .with_context(|| format!("clearing {}", checked_dir.display()))?;
    }
    let mut wrng = stream(seed, 22);
    let (rows, seen_search) = write::write_search(&mut wrng, &search_path, &world, &acts, &mids)?;
    let (records, seen_checked) =
        write::write_checked(&mut wrng, &checked_dir, &world, &acts, &mids)?;

    let search_truth = write::truth_rows(&world, &seen_search, plan::Part::Search);
    let checked_truth = write::truth_rows(&world, &seen_checked, plan::Part::Checked);
    let mut all = search_truth.clone();
    all.extend(checked_truth.iter().cloned());
    let truth = out.join(crate::TRUTH_CSV);
    write::write_truth(&truth, &all)?;
    write::write_truth(&out.join(TRUTH_SEARCH_CSV), &search_truth)?;
    write::write_truth(&out.join(TRUTH_CHECKED_CSV), &checked_truth)?;
    let posts_path = out.join(crate::TRUTH_POSTS_CSV);
    let first = write::write_truth_posts(&posts_path, &world, &acts, &mids)?;
    let mut events = world.events.clone();
    for (label, ts) in first {
        events.push((format!("campaign_start:{}", world.label_name(label)), ts));
    }
    let events_path = out.join(crate::TRUTH_EVENTS_CSV);
    write::write_events(&events_path, events)?;
    let seeds = out.join(crate::SEED_ACCOUNTS_CSV);
    write::write_seeds(&seeds, &world, &seen_search, &seen_checked)?;

    let campaign_accounts = all
        .iter()
        .filter(|(_, l)| crate::accounts::is_campaign_label(l))
        .count() as u64;
    Ok(Written {
        posts: rows + records,
        accounts: all.len() as u64,
        campaign_accounts,
        files: vec![
            search_path,
            checked_dir,
            truth,
            out.join(TRUTH_SEARCH_CSV),
            out.join(TRUTH_CHECKED_CSV),
            posts_path,
            events_path,
            seeds,
        ],
    })
}
