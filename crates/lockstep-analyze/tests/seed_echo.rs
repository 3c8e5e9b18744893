//! A group set aside as part of a crowd around a known source (`--seed-accounts`) is
//! labelled echo of that source; a ring that is most of the traffic it joins, and also
//! writes the same text together, stays a campaign whatever it amplifies.
//!
//! The world: a state-media account posting every six hours; an ordinary crowd posting and
//! reposting (the seed's posts among others) at any time, and rushing to repost the seed's
//! first forty posts in the ten minutes after each; ten "echo" accounts, a slice of that
//! crowd, reposting those posts within seconds; and eight "ring" accounts reposting the
//! seed's last forty posts as fast, alone, and also posting the same sentence together, ten
//! times.

use lockstep_analyze::input::{load, InputOptions};
use lockstep_analyze::{analyze, AnalyzeConfig, NarrativeInputs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

const T0: i64 = 1_754_000_000;
const SEED_POSTS: i64 = 80;
const SEED_EVERY_S: i64 = 6 * 3600;
const ECHO: std::ops::Range<u32> = 200..210;
const RING: std::ops::Range<u32> = 300..308;

/// Uniform in `0..n`, from a seeded generator (the same world every run).
fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    rng.random_range(0..n)
}

/// Writes the world as a coordination-network-toolkit CSV; returns its path.
fn world(dir: &Path) -> std::path::PathBuf {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut rows: Vec<(i64, String)> = Vec::new();
    let mut id = 1_000_000u64;
    let mut row =
        |rows: &mut Vec<(i64, String)>, user: u32, repost: Option<u64>, text: &str, t: i64| {
            id += 1;
            let repost = repost.map(|r| r.to_string()).unwrap_or_default();
            rows.push((
                t,
                format!("{id},{user},user{user},{repost},,\"{text}\",{t},"),
            ));
            id
        };
    let span = SEED_POSTS * SEED_EVERY_S;
    let mut seed_posts = Vec::new();
    for k in 0..SEED_POSTS {
        let t = T0 + k * SEED_EVERY_S;
        seed_posts.push((
            row(
                &mut rows,
                1,
                None,
                &format!("新华社快讯 第{k}条 今日要闻"),
                t,
            ),
            t,
        ));
    }
    // The crowd: 400 accounts, 30 acts each; a third of the acts repost a random earlier
    // post, the seed's (at any delay up to six hours) or the crowd's.
    let mut crowd_posts: Vec<(u64, i64)> = Vec::new();
    for user in 10_000..10_400u32 {
        for j in 0..30 {
            let t = T0 + below(&mut rng, span as u64) as i64;
            if below(&mut rng, 3) == 0 {
                let (target, at) = if below(&mut rng, 4) == 0 || crowd_posts.is_empty() {
                    let (p, at) = seed_posts[below(&mut rng, SEED_POSTS as u64) as usize];
                    (p, at + below(&mut rng, SEED_EVERY_S as u64) as i64)
                } else {
                    let (p, at) = crowd_posts[below(&mut rng, crowd_posts.len() as u64) as usize];
                    (p, at.max(t) + below(&mut rng, 86_400) as i64)
                };
                row(&mut rows, user, Some(target), "", at);
            } else {
                let p = row(
                    &mut rows,
                    user,
                    None,
                    &format!("今天的日常 {user} 第{j}件事"),
                    t,
                );
                crowd_posts.push((p, t));
            }
        }
    }
    // The seed's first forty posts draw a crowd: forty random accounts repost each within
    // ten minutes. The echo accounts are a slice of it, the ten who always come first.
    for &(p, at) in &seed_posts[..40] {
        for _ in 0..40 {
            let user = 10_000 + below(&mut rng, 400) as u32;
            row(
                &mut rows,
                user,
                Some(p),
                "",
                at + below(&mut rng, 600) as i64,
            );
        }
        for user in ECHO {
            if below(&mut rng, 10) != 0 {
                row(
                    &mut rows,
                    user,
                    Some(p),
                    "",
                    at + 5 + below(&mut rng, 85) as i64,
                );
            }
        }
    }
    // The ring reposts the seed's last forty posts as fast, and is most of their traffic.
    for &(p, at) in &seed_posts[40..] {
        for user in RING {
            if below(&mut rng, 10) != 0 {
                row(
                    &mut rows,
                    user,
                    Some(p),
                    "",
                    at + 5 + below(&mut rng, 85) as i64,
                );
            }
        }
    }
    // The ring also says the same thing together, ten times.
    for r in 0..10 {
        let t = T0 + below(&mut rng, span as u64) as i64;
        for user in RING {
            let text = format!("H20芯片存在后门，必须彻查！还我们安全的芯片 第{r}次呼吁");
            row(&mut rows, user, None, &text, t + below(&mut rng, 40) as i64);
        }
    }
    rows.sort_by_key(|r| r.0);
    let mut csv =
        String::from("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n");
    for (_, r) in rows {
        let _ = writeln!(csv, "{r}");
    }
    let path = dir.join("posts.csv");
    std::fs::write(&path, csv).expect("write posts");
    path
}

/// The set-aside group holding these members (a crowd account or two may join them).
fn set_aside_with<'a>(
    a: &'a lockstep_analyze::Analysis,
    members: &BTreeSet<String>,
) -> &'a lockstep_analyze::schema::SetAside {
    a.campaigns
        .set_aside
        .iter()
        .find(|g| {
            let have: BTreeSet<String> = g.members.iter().cloned().collect();
            have.is_superset(members) && have.len() <= members.len() + 2
        })
        .unwrap_or_else(|| {
            panic!(
                "no set-aside group {members:?}: {:?}",
                a.campaigns.set_aside
            )
        })
}

fn ids(r: std::ops::Range<u32>) -> BTreeSet<String> {
    r.map(|a| a.to_string()).collect()
}

#[test]
fn seed_echo_is_labelled_and_a_ring_stays_a_campaign() {
    let dir = tempfile::tempdir().expect("tempdir");
    let posts = world(dir.path());
    let seeds = dir.path().join("seeds.csv");
    std::fs::write(&seeds, "account_id,handle,label\n1,user1,state_media\n").expect("seeds");
    let loaded = load(
        &InputOptions {
            inputs: vec![posts],
            ..InputOptions::default()
        },
        None,
    )
    .expect("load");
    let members = |a: &lockstep_analyze::Analysis| -> Vec<BTreeSet<String>> {
        a.campaigns
            .campaigns
            .iter()
            .map(|c| c.members.iter().map(|m| m.account_id.clone()).collect())
            .collect()
    };

    // Without seed accounts the echo group is set aside as a fan club would be (a slice of
    // a crowd around one source); the ring is a campaign.
    let plain = analyze(&loaded.table, &AnalyzeConfig::default()).expect("analyze");
    let found = members(&plain);
    assert!(!found.contains(&ids(ECHO)), "echo reported: {found:?}");
    assert!(found.contains(&ids(RING)), "ring not found: {found:?}");
    assert!(plain
        .campaigns
        .campaigns
        .iter()
        .all(|c| c.basis.seed_echo.is_none()));
    let echo_plain = set_aside_with(&plain, &ids(ECHO));
    assert!(
        echo_plain.reason.starts_with("fan-like") || echo_plain.reason.starts_with("crowd-like"),
        "{}",
        echo_plain.reason
    );

    // With the state broadcaster as a seed, the echo group is labelled and set aside; the
    // ring, which also writes the same text together, stays a campaign.
    let config = AnalyzeConfig {
        narratives: NarrativeInputs::load(None, None, Some(&seeds)).expect("seeds"),
        ..AnalyzeConfig::default()
    };
    let seeded = analyze(&loaded.table, &config).expect("analyze");
    let found = members(&seeded);
    assert!(!found.contains(&ids(ECHO)), "echo reported: {found:?}");
    assert!(found.contains(&ids(RING)), "ring lost: {found:?}");
    let echo = set_aside_with(&seeded, &ids(ECHO));
    assert!(
        echo.reason.starts_with("echo of a known source"),
        "{}",
        echo.reason
    );
    assert!(echo.basis.seed_echo.is_some_and(|s| s >= 0.8));
    let ring = seeded
        .campaigns
        .campaigns
        .iter()
        .find(|c| {
            c.members
                .iter()
                .map(|m| m.account_id.clone())
                .collect::<BTreeSet<_>>()
                == ids(RING)
        })
        .expect("ring");
    assert!(ring.basis.seed_echo.is_some_and(|s| s >= 0.8));
}
