//! Per-account and per-campaign signals analysts judge a network by: when members post
//! (and so the working hours and time zone it implies), who acts first and who follows,
//! accounts created in batches, and how much of their activity is coordinated.

use crate::{Campaign, Detection};
use lockstep_model::{PostTable, TimeMs};
use serde::Serialize;

/// What one account in a campaign looks like.
#[derive(Clone, Debug, Serialize)]
pub struct AccountSignals {
    /// Posts by the account.
    pub posts: u64,
    /// Posts that are part of significant co-actions (evidence).
    pub coordinated_posts: u64,
    /// Co-actions with campaign peers in which this account acted first.
    pub leads: u64,
    /// Co-actions with campaign peers in which a peer acted first.
    pub follows: u64,
    /// `leader`, `amplifier` or `peer`, from leads and follows.
    pub role: &'static str,
    /// First post, ms.
    pub first_post_ms: TimeMs,
    /// Last post, ms.
    pub last_post_ms: TimeMs,
}

/// What a campaign looks like as a whole.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignSignals {
    /// Members' posts per hour of day, UTC.
    pub hour_profile_utc: [u64; 24],
    /// The nine-hour block (UTC start hour) holding most of the members' posts.
    pub busiest_9h_start_utc: u32,
    /// Share of posts in that block.
    pub busiest_9h_share: f64,
    /// UTC offset implied if that block is a 09:00-18:00 working day.
    pub implied_utc_offset: i32,
    /// Days on which several members' accounts were created: (YYYY-MM-DD, count).
    pub creation_batches: Vec<(String, usize)>,
    /// Members with known creation dates.
    pub creation_known: usize,
    /// Share of members' posts that are coordinated (part of the evidence).
    pub coordinated_share: f64,
    /// First and last post of any member, ms.
    pub first_post_ms: TimeMs,
    /// Last post of any member, ms.
    pub last_post_ms: TimeMs,
    /// Members acting first most often.
    pub leaders: Vec<u32>,
}

/// Civil date of a Unix time, `YYYY-MM-DD`.
pub fn date_of(ms: TimeMs) -> String {
    lockstep_model::time::date(ms)
}

/// Compute signals for every campaign member and campaign. `coordinated[p]` says whether
/// post `p` is part of the evidence.
pub fn signals(
    table: &PostTable,
    det: &Detection,
    coordinated: &[bool],
) -> (Vec<Vec<AccountSignals>>, Vec<CampaignSignals>) {
    // Posts per account, once.
    let n_acc = table.account_count();
    let mut posts = vec![0u64; n_acc];
    let mut coord = vec![0u64; n_acc];
    let mut first = vec![TimeMs::MAX; n_acc];
    let mut last = vec![TimeMs::MIN; n_acc];
    let mut hours = vec![[0u64; 24]; n_acc];
    let in_campaign: Vec<bool> = (0..n_acc as u32)
        .map(|a| det.account_campaign.contains_key(&a))
        .collect();
    for p in 0..table.len() as u32 {
        let a = table.author(p) as usize;
        if !in_campaign[a] {
            continue;
        }
        let t = table.time(p);
        posts[a] += 1;
        if coordinated.get(p as usize).copied().unwrap_or(false) {
            coord[a] += 1;
        }
        first[a] = first[a].min(t);
        last[a] = last[a].max(t);
        hours[a][(t.rem_euclid(86_400_000) / 3_600_000) as usize] += 1;
    }
    let mut all_accounts = Vec::new();
    let mut all_campaigns = Vec::new();
    for c in &det.campaigns {
        let (accs, camp) = campaign_signals(table, det, c, &posts, &coord, &first, &last, &hours);
        all_accounts.push(accs);
        all_campaigns.push(camp);
    }
    (all_accounts, all_campaigns)
}

#[allow(clippy::too_many_arguments)]
fn campaign_signals(
    table: &PostTable,
    det: &Detection,
    c: &Campaign,
    posts: &[u64],
    coord: &[u64],
    first: &[TimeMs],
    last: &[TimeMs],
    hours: &[[u64; 24]],
) -> (Vec<AccountSignals>, CampaignSignals) {
    let set: foldhash::HashMap<u32, usize> =
        c.members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
    let mut leads = vec![0u64; c.members.len()];
    let mut follows = vec![0u64; c.members.len()];
    for f in det.fused.iter() {
        let (Some(&ia), Some(&ib)) = (set.get(&f.a), set.get(&f.b)) else {
            continue;
        };
        for &(bi, ei) in &f.parts {
            let s = &det.behaviours[bi].edges[ei].stats;
            leads[ia] += s.a_first;
            follows[ib] += s.a_first;
            leads[ib] += s.b_first;
            follows[ia] += s.b_first;
        }
    }
    let mut accounts = Vec::with_capacity(c.members.len());
    let mut profile = [0u64; 24];
    let mut total_posts = 0;
    let mut total_coord = 0;
    let mut t0 = TimeMs::MAX;
    let mut t1 = TimeMs::MIN;
    let mut days: foldhash::HashMap<String, usize> = Default::default();
    let mut creation_known = 0;
    for (i, &m) in c.members.iter().enumerate() {
        let m = m as usize;
        for h in 0..24 {
            profile[h] += hours[m][h];
        }
        total_posts += posts[m];
        total_coord += coord[m];
        t0 = t0.min(first[m]);
        t1 = t1.max(last[m]);
        if let Some(created) = table.account_created(m as u32) {
            creation_known += 1;
            *days.entry(date_of(created)).or_default() += 1;
        }
        let role = if leads[i] >= 3 && leads[i] >= 2 * follows[i] {
            "leader"
        } else if follows[i] >= 3 && follows[i] >= 2 * leads[i] {
            "amplifier"
        } else {
            "peer"
        };
        accounts.push(AccountSignals {
            posts: posts[m],
            coordinated_posts: coord[m],
            leads: leads[i],
            follows: follows[i],
            role,
            first_post_ms: first[m],
            last_post_ms: last[m],
        });
    }
    let (start, share) = busiest_block(&profile, 9);
    let implied = ((9 - start as i32).rem_euclid(24) + 11).rem_euclid(24) - 11;
    let batch_min = 3.max(c.members.len() / 5);
    let mut creation_batches: Vec<(String, usize)> =
        days.into_iter().filter(|(_, n)| *n >= batch_min).collect();
    creation_batches.sort();
    let mut leaders: Vec<u32> = c
        .members
        .iter()
        .zip(&accounts)
        .filter(|(_, s)| s.role == "leader")
        .map(|(&m, _)| m)
        .collect();
    leaders.truncate(10);
    (
        accounts,
        CampaignSignals {
            hour_profile_utc: profile,
            busiest_9h_start_utc: start,
            busiest_9h_share: share,
            implied_utc_offset: implied,
            creation_batches,
            creation_known,
            coordinated_share: if total_posts == 0 {
                0.0
            } else {
                total_coord as f64 / total_posts as f64
            },
            first_post_ms: t0,
            last_post_ms: t1,
            leaders,
        },
    )
}

/// Start hour and share of the circular block of `len` hours with the most posts.
fn busiest_block(profile: &[u64; 24], len: usize) -> (u32, f64) {
    let total: u64 = profile.iter().sum();
    let mut best = (0u32, 0u64);
    for s in 0..24 {
        let sum: u64 = (0..len).map(|k| profile[(s + k) % 24]).sum();
        if sum > best.1 {
            best = (s as u32, sum);
        }
    }
    (
        best.0,
        if total == 0 {
            0.0
        } else {
            best.1 as f64 / total as f64
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_754_006_400_000), "2025-08-01");
        assert_eq!(date_of(-1), "1969-12-31");
    }

    #[test]
    fn busiest_block_wraps_midnight() {
        let mut p = [0u64; 24];
        for h in [22, 23, 0, 1, 2, 3, 4, 5, 6] {
            p[h] = 10;
        }
        p[12] = 1;
        let (s, share) = busiest_block(&p, 9);
        assert_eq!(s, 22);
        assert!((share - 90.0 / 91.0).abs() < 1e-12);
    }
}
