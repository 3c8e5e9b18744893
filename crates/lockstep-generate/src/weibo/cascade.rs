//! The reposts and comments under each root post: the organic cascade (participants by
//! activity or at random, log-normal delays, repeated acts of one account within minutes,
//! reposts of reposts with `//@nick:` chains) and everything the plan injects (fans, state
//! echo, comment threads, campaign rounds, single acts).

use rand::Rng;

use super::plan::{lognormal, Inject, Part, Root, World, END, ORGANIC, VIRAL_CASCADE};
use super::text::{self, Context};
use crate::sampling::{between, chance, index, pick, poisson, unit};

/// Deepest `//@` chain: a repost of a repost of … at most this many levels.
const MAX_DEPTH: u8 = 4;
/// Longest chain text kept after a reposter's own words (characters); older links are cut.
const MAX_CHAIN_CHARS: usize = 240;
/// Reposts considered as parents of a new repost (the most recent ones).
const PARENT_WINDOW: usize = 400;

/// A repost or comment under a root.
#[derive(Debug, Clone)]
pub(crate) struct Act {
    /// A repost (else a comment).
    pub repost: bool,
    /// Unix seconds.
    pub ts: i64,
    /// Author.
    pub user: u32,
    /// Full text: own words, then the `//@nick:text` chain for a repost of a repost.
    pub text: String,
    /// A picture URL (comments and reposts carry at most one).
    pub pic: String,
    /// Planted-post truth (0: none).
    pub mark: u32,
    /// Chain depth: 0 for a repost of the root or a comment.
    pub depth: u8,
    /// For a repost of a repost, the index of the parent repost among the root's acts.
    pub parent: Option<usize>,
}

/// Who should a repost repost.
#[derive(Debug, Clone, Copy)]
enum Parent {
    /// The root.
    Root,
    /// An earlier repost with this chance, else the root.
    Chain(f64),
}

/// An act before its chain is resolved.
struct Intent {
    ts: i64,
    user: u32,
    repost: bool,
    own: String,
    mark: u32,
    parent: Parent,
}

/// Grows the cascade of root `ri`; labels viral-cascade participants.
pub(crate) fn grow<R: Rng + ?Sized>(rng: &mut R, w: &mut World, ri: usize) -> Vec<Act> {
    let mut intents: Vec<Intent> = Vec::new();
    let root = &w.roots[ri];
    let comments_ok = root.part == Part::Checked;
    organic(rng, w, root, comments_ok, &mut intents);
    let inject = root.inject.clone();
    for inj in &inject {
        injected(rng, w, ri, inj, comments_ok, &mut intents);
    }
    let root = &w.roots[ri];
    let t_min = root.ts + 1;
    intents.retain(|i| i.ts >= t_min && i.ts < END && (i.user != root.author || i.mark > 0));
    intents.sort_by_key(|i| i.ts);

    let viral = root.kind == super::plan::RootKind::Viral;
    let mut acts: Vec<Act> = Vec::with_capacity(intents.len());
    let mut reposts: Vec<usize> = Vec::new();
    for it in intents {
        let mut act = Act {
            repost: it.repost,
            ts: it.ts,
            user: it.user,
            text: it.own,
            pic: String::new(),
            mark: it.mark,
            depth: 0,
            parent: None,
        };
        if it.repost {
            let q = match it.parent {
                Parent::Root => 0.0,
                Parent::Chain(q) => q,
            };
            if q > 0.0 && chance(rng, q) {
                if let Some(p) = pick_parent(rng, w, &acts, &reposts) {
                    let parent = &acts[p];
                    act.depth = parent.depth + 1;
                    act.parent = Some(p);
                    let own = if is_default(&act.text) {
                        ""
                    } else {
                        act.text.as_str()
                    };
                    act.text = chain(own, w.nick(parent.user), &parent.text);
                }
            }
            if act.depth == 0 && act.text.is_empty() && it.mark == 0 && chance(rng, 0.04) {
                act.text = "快转微博".to_string();
            }
            reposts.push(acts.len());
        } else if chance(rng, 0.02) {
            act.pic = text::pic_urls(rng, 1, "bmiddle").pop().unwrap_or_default();
        }
        if viral {
            if let Some(a) = w.accounts.get_mut(act.user as usize) {
                if a.label == ORGANIC {
                    a.label = VIRAL_CASCADE;
                }
            }
        }
        acts.push(act);
    }
    acts
}

/// Default repost texts that give way to the chain.
fn is_default(t: &str) -> bool {
    matches!(t, "转发微博" | "轉發微博" | "转发微博。")
}

/// `own//@nick:parent`, the parent's text cut at a `//@` boundary when it is long.
fn chain(own: &str, nick: &str, parent: &str) -> String {
    let mut kept = parent;
    while kept.chars().count() > MAX_CHAIN_CHARS {
        match kept.rfind("//@") {
            Some(i) if i > 0 => kept = &kept[..i],
            _ => break,
        }
    }
    format!("{own}//@{nick}:{kept}")
}

/// An earlier repost to repost: verified accounts' reposts draw most.
fn pick_parent<R: Rng + ?Sized>(
    rng: &mut R,
    w: &World,
    acts: &[Act],
    reposts: &[usize],
) -> Option<usize> {
    let from = reposts.len().saturating_sub(PARENT_WINDOW);
    let cands: Vec<(usize, f64)> = reposts[from..]
        .iter()
        .filter(|&&i| acts[i].depth < MAX_DEPTH)
        .map(|&i| {
            let hub = w.accounts[acts[i].user as usize].is_hub();
            (i, if hub { 25.0 } else { 1.0 })
        })
        .collect();
    let total: f64 = cands.iter().map(|c| c.1).sum();
    if total <= 0.0 {
        return None;
    }
    let mut x = unit(rng) * total;
    for (i, wgt) in &cands {
        if x < *wgt {
            return Some(*i);
        }
        x -= wgt;
    }
    cands.last().map(|c| c.0)
}

/// The organic cascade: participants, their delays and their (sometimes repeated) acts.
fn organic<R: Rng + ?Sized>(
    rng: &mut R,
    w: &World,
    root: &Root,
    comments_ok: bool,
    out: &mut Vec<Intent>,
) {
    let n = poisson(rng, root.popularity);
    for _ in 0..n {
        let user = if chance(rng, root.casual) {
            w.casual[index(rng, w.casual.len())]
        } else {
            w.organic.sample(rng) as u32
        };
        if user == root.author {
            continue;
        }
        let mut ts = root.ts + 1 + lognormal(rng, root.delay, 1.3) as i64;
        let extra = if chance(rng, 0.18) {
            let mut k = 1;
            while k < 10 && chance(rng, 0.55) {
                k += 1;
            }
            k
        } else {
            0
        };
        for _ in 0..=extra {
            let repost = !comments_ok || !chance(rng, root.comment_share);
            out.push(Intent {
                ts,
                user,
                repost,
                own: text::reaction(rng, root.ctx, repost),
                mark: 0,
                parent: Parent::Chain(root.chain),
            });
            ts += 5 + crate::sampling::exponential(rng, 180.0) as i64;
        }
    }
}

/// What one injection adds.
fn injected<R: Rng + ?Sized>(
    rng: &mut R,
    w: &mut World,
    ri: usize,
    inj: &Inject,
    comments_ok: bool,
    out: &mut Vec<Intent>,
) {
    let root_ts = w.roots[ri].ts;
    let ctx = w.roots[ri].ctx;
    match inj {
        Inject::Fans(c) => {
            let Some(club) = w.clubs.get(*c) else {
                return;
            };
            let star = w.nick(club.star).to_string();
            for &(fan, p) in &club.fans {
                if !chance(rng, p) {
                    continue;
                }
                let mut ts = root_ts + 10 + lognormal(rng, 100.0, 0.9).min(1800.0) as i64;
                let mut reposts = 1;
                while reposts < 4 && chance(rng, 0.45) {
                    reposts += 1;
                }
                let comments = if comments_ok { index(rng, 4) } else { 0 };
                let mut kinds: Vec<bool> = std::iter::repeat_n(true, reposts)
                    .chain(std::iter::repeat_n(false, comments))
                    .collect();
                kinds[1..].sort_by_key(|_| index(rng, 100));
                for repost in kinds {
                    out.push(Intent {
                        ts,
                        user: fan,
                        repost,
                        own: text::fan_text(rng, &star, repost),
                        mark: 0,
                        parent: Parent::Chain(0.35),
                    });
                    ts += 5 + crate::sampling::exponential(rng, 100.0) as i64;
                }
            }
        }
        Inject::Echo => {
            for k in 0..w.echo.len() {
                let user = w.echo[k];
                if !chance(rng, 0.5) {
                    continue;
                }
                let mut ts = root_ts + 60 + lognormal(rng, 720.0, 1.1) as i64;
                for _ in 0..if chance(rng, 0.25) { 2 } else { 1 } {
                    let repost = !comments_ok || chance(rng, 0.75);
                    out.push(Intent {
                        ts,
                        user,
                        repost,
                        own: text::echo_text(rng, repost),
                        mark: 0,
                        parent: Parent::Chain(0.1),
                    });
                    ts += 30 + crate::sampling::exponential(rng, 300.0) as i64;
                }
            }
        }
        Inject::Thread {
            members,
            start,
            secs,
            comments,
        } => {
            if !comments_ok || members.len() < 2 {
                return;
            }
            let mut times: Vec<i64> = (0..*comments)
                .map(|_| start + (*secs as f64 * unit(rng).powf(1.6)) as i64)
                .collect();
            times.sort_unstable();
            let mut prev: Option<u32> = None;
            for ts in times {
                let mut user = members[index(rng, members.len())];
                if Some(user) == prev {
                    user = members[(members.iter().position(|&m| m == user).unwrap_or(0) + 1)
                        % members.len()];
                }
                let to = prev.map(|p| w.nick(p).to_string());
                out.push(Intent {
                    ts,
                    user,
                    repost: false,
                    own: text::thread_line(rng, to.as_deref()),
                    mark: 0,
                    parent: Parent::Root,
                });
                prev = Some(user);
            }
        }
        Inject::Boost {
            campaign,
            start,
            members,
        } => {
            let Some(label) = w.campaigns.get(*campaign).map(|c| c.label) else {
                return;
            };
            let name = w.label_name(label).to_string();
            let repost_mark = w.mark(label, "");
            let comment_mark = w.mark(label, &format!("{name}:comment"));
            for &m in members {
                let ts = start + (120.0 * unit(rng).powf(1.3)) as i64;
                out.push(Intent {
                    ts,
                    user: m,
                    repost: true,
                    own: pick(rng, &text::BOOST_REPOSTS, "").to_string(),
                    mark: repost_mark,
                    parent: Parent::Root,
                });
                if comments_ok && chance(rng, 0.45) {
                    out.push(Intent {
                        ts: ts + between(rng, 0, 60),
                        user: m,
                        repost: false,
                        own: pick(rng, &text::BOOST_COMMENTS, "支持").to_string(),
                        mark: comment_mark,
                        parent: Parent::Root,
                    });
                }
            }
        }
        Inject::Swarm {
            campaign,
            start,
            members,
            tag,
        } => {
            let Some(label) = w.campaigns.get(*campaign).map(|c| c.label) else {
                return;
            };
            let name = w.label_name(label).to_string();
            for &m in members {
                let k = index(rng, text::SWARM_TEMPLATES.len());
                let mark = w.mark(label, &format!("{name}:r{}", k + 1));
                let ts = start + (150.0 * unit(rng).powf(1.3)) as i64;
                let reply = text::swarm_text(rng, k, tag);
                if chance(rng, 0.25) {
                    out.push(Intent {
                        ts: ts + between(rng, 0, 90),
                        user: m,
                        repost: true,
                        own: reply.clone(),
                        mark,
                        parent: Parent::Root,
                    });
                }
                if comments_ok {
                    out.push(Intent {
                        ts,
                        user: m,
                        repost: false,
                        own: reply,
                        mark,
                        parent: Parent::Root,
                    });
                }
            }
        }
        Inject::Single {
            user,
            ts,
            comment,
            generic,
        } => {
            let repost = !(*comment && comments_ok);
            let own = if *generic {
                if chance(rng, 0.7) {
                    pick(rng, &text::GENERIC, "支持").to_string()
                } else {
                    text::emoji_code(rng).to_string()
                }
            } else {
                text::reaction(
                    rng,
                    if ctx == Context::Star {
                        Context::Everyday
                    } else {
                        ctx
                    },
                    repost,
                )
            };
            out.push(Intent {
                ts: *ts,
                user: *user,
                repost,
                own,
                mark: 0,
                parent: Parent::Chain(0.15),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_are_cut_at_link_boundaries() {
        let long = format!("{}//@b:{}", "甲".repeat(200), "乙".repeat(200));
        let c = chain("好", "a", &long);
        assert!(c.starts_with("好//@a:"));
        assert!(!c.contains('乙'), "{c}");
        assert_eq!(chain("", "a", "x//@b:y"), "//@a:x//@b:y");
    }
}
