//! Write a synthetic analyze directory of a given size, for the report benchmark
//! (`bench/report.sh`): campaigns of heavy-tailed sizes, edges mostly inside campaigns,
//! evidence rows and coordinated posts with texts. No detection runs: the files only have
//! the shape `lockstep analyze` writes.
//!
//! usage: `synth_analyze_dir OUT_DIR [ACCOUNTS] [EDGES] [CAMPAIGNS]`
//! (defaults 50000 200000 400)

use serde_json::json;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// SplitMix64: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const BEHAVIOURS: [&str; 5] = ["co-repost", "co-link", "co-text", "co-reply", "co-hashtag"];
const T0: i64 = 1_754_006_400; // 2025-08-01T00:00:00Z

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(
        args.first()
            .ok_or("usage: synth_analyze_dir OUT_DIR [ACCOUNTS] [EDGES] [CAMPAIGNS]")?,
    );
    let n_accounts: usize = args.get(1).map_or(Ok(50_000), |s| s.parse())?;
    let n_edges: usize = args.get(2).map_or(Ok(200_000), |s| s.parse())?;
    let n_campaigns: usize = args.get(3).map_or(Ok(400), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(42);

    // 80 % of the accounts are in campaigns, with Zipf-like sizes.
    let in_campaigns = n_accounts * 4 / 5;
    let weights: Vec<f64> = (0..n_campaigns)
        .map(|i| 1.0 / ((i + 1) as f64).powf(0.7))
        .collect();
    let total_w: f64 = weights.iter().sum();
    let mut sizes: Vec<usize> = weights
        .iter()
        .map(|w| ((w / total_w) * in_campaigns as f64).round().max(5.0) as usize)
        .collect();
    let assigned: usize = sizes.iter().sum();
    if assigned < in_campaigns {
        sizes[0] += in_campaigns - assigned;
    }
    let mut campaign_of = vec![0u32; n_accounts];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_campaigns];
    let mut next = 0;
    for (c, &s) in sizes.iter().enumerate() {
        for _ in 0..s {
            if next < n_accounts {
                campaign_of[next] = c as u32 + 1;
                members[c].push(next);
                next += 1;
            }
        }
    }
    let id = |a: usize| format!("{}", 1_000_000_000_000u64 + a as u64 * 7919);
    let handle = |a: usize| format!("user_{a}");

    // Edges: 80 % inside campaigns (in proportion to size), the rest anywhere.
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    let mut edges: Vec<(usize, usize, usize)> = Vec::new();
    let inside = n_edges * 4 / 5;
    let mut add = |a: usize, b: usize, rng: &mut Rng, edges: &mut Vec<(usize, usize, usize)>| {
        if a == b {
            return;
        }
        let k = (a.min(b), a.max(b));
        if pairs.insert(k) {
            edges.push((k.0, k.1, rng.below(BEHAVIOURS.len())));
        }
    };
    let member_total: usize = members.iter().map(Vec::len).sum();
    for m in &members {
        let want = (inside * m.len() / member_total.max(1)).min(m.len() * (m.len() - 1) / 2);
        let start = edges.len();
        let mut tries = 0;
        while edges.len() - start < want && tries < want * 20 {
            tries += 1;
            let (a, b) = (m[rng.below(m.len())], m[rng.below(m.len())]);
            add(a, b, &mut rng, &mut edges);
        }
    }
    while edges.len() < n_edges {
        let (a, b) = (rng.below(n_accounts), rng.below(n_accounts));
        add(a, b, &mut rng, &mut edges);
    }

    // Posts and evidence: up to 60 co-actions per campaign.
    let mut posts = BufWriter::new(File::create(out.join("coordinated_posts.csv"))?);
    writeln!(
        posts,
        "post_id,account_id,handle,time,kind,repost_of,reply_to,quote_of,text,urls,hashtags"
    )?;
    let mut ev = BufWriter::new(File::create(out.join("evidence.csv"))?);
    writeln!(
        ev,
        "campaign_id,behaviour,object,post_a,account_a,time_a,post_b,account_b,time_b,dt_seconds"
    )?;
    let mut post_no = 0u64;
    let mut evidence_rows = 0u64;
    let mut samples: Vec<Vec<serde_json::Value>> = vec![Vec::new(); n_campaigns];
    for (c, m) in members.iter().enumerate() {
        for k in 0..60.min(m.len() * 3) {
            let (a, b) = (m[rng.below(m.len())], m[rng.below(m.len())]);
            if a == b {
                continue;
            }
            let t = T0 + rng.below(4 * 86_400) as i64;
            let dt = rng.below(60) as i64;
            let text = format!(
                "Campaign {} line {}: American chips, American control. 美国芯片，美国控制。",
                c + 1,
                k % 7
            );
            let beh = BEHAVIOURS[k % BEHAVIOURS.len()];
            let (pa, pb) = (post_no, post_no + 1);
            post_no += 2;
            for (p, acc, time) in [(pa, a, t), (pb, b, t + dt)] {
                writeln!(
                    posts,
                    "{},{},{},{},original,,,,\"{}\",https://example.com/a/{},#h20 #chips",
                    1_900_000_000_000_000_000u64 + p,
                    id(acc),
                    handle(acc),
                    lockstep_output::rfc3339(time * 1000),
                    text,
                    k % 7
                )?;
            }
            writeln!(
                ev,
                "{},{},\"{}\",{},{},{},{},{},{},{}",
                c + 1,
                beh,
                text.to_lowercase(),
                1_900_000_000_000_000_000u64 + pa,
                id(a),
                t,
                1_900_000_000_000_000_000u64 + pb,
                id(b),
                t + dt,
                dt
            )?;
            evidence_rows += 1;
            if samples[c].len() < 8 {
                samples[c].push(json!({
                    "behaviour": beh, "object": text.to_lowercase(),
                    "post_a": (1_900_000_000_000_000_000u64 + pa).to_string(), "account_a": id(a),
                    "time_a": lockstep_output::rfc3339(t * 1000), "text_a": text,
                    "post_b": (1_900_000_000_000_000_000u64 + pb).to_string(), "account_b": id(b),
                    "time_b": lockstep_output::rfc3339((t + dt) * 1000), "text_b": text,
                    "dt_s": dt as f64,
                }));
            }
        }
    }
    posts.flush()?;
    ev.flush()?;

    let mut w = BufWriter::new(File::create(out.join("edges.csv"))?);
    writeln!(w, "source,target,weight,edge_type,campaign_id,window_s,expected,neg_log10_p,neg_log10_q,posts_source,posts_target,objects,min_dt_s,mean_dt_s,source_first,target_first")?;
    for &(a, b, beh) in &edges {
        let c = if campaign_of[a] == campaign_of[b] {
            campaign_of[a]
        } else {
            0
        };
        let weight = 2 + rng.below(20);
        writeln!(
            w,
            "{},{},{},{},{},60.0,0.01,{:.3},{:.3},{},{},{},1.0,12.5,1,1",
            id(a),
            id(b),
            weight,
            BEHAVIOURS[beh],
            c,
            5.0 + 10.0 * rng.unit(),
            3.0 + 8.0 * rng.unit(),
            weight,
            weight,
            weight
        )?;
    }
    w.flush()?;

    let mut w = BufWriter::new(File::create(out.join("accounts.csv"))?);
    writeln!(w, "account_id,campaign_id,score,handle,role,posts,coordinated_posts,coordinated_share,leads,follows,created_at,first_post,last_post")?;
    for (c, m) in members.iter().enumerate() {
        for &a in m {
            let posts = 5 + rng.below(50);
            let coord = rng.below(posts);
            writeln!(
                w,
                "{},{},{:.4},{},{},{},{},{:.4},{},{},,{},{}",
                id(a),
                c + 1,
                0.3 + 0.7 * rng.unit(),
                handle(a),
                ["leader", "amplifier", "peer"][rng.below(3)],
                posts,
                coord,
                coord as f64 / posts as f64,
                rng.below(20),
                rng.below(20),
                lockstep_output::rfc3339(T0 * 1000),
                lockstep_output::rfc3339((T0 + 4 * 86_400) * 1000)
            )?;
        }
    }
    w.flush()?;

    let campaigns: Vec<serde_json::Value> = members
        .iter()
        .enumerate()
        .map(|(c, m)| {
            json!({
                "id": c + 1,
                "score": 0.95 - 0.6 * c as f64 / n_campaigns as f64,
                "size": m.len(),
                "score_components": {"density": 0.5, "behaviours": 1},
                "behaviours": {BEHAVIOURS[c % 5]: m.len() * 2},
                "internal_edges": m.len() * 2,
                "first_post": lockstep_output::rfc3339(T0 * 1000),
                "last_post": lockstep_output::rfc3339((T0 + 4 * 86_400) * 1000),
                "coordinated_share": 0.5,
                "hour_profile_utc": (0..24).map(|h| (h * 7 + c) % 13).collect::<Vec<_>>(),
                "busiest_9h_start_utc": 1,
                "busiest_9h_share": 0.6,
                "implied_utc_offset": 8,
                "creation_batches": [],
                "creation_known": 0,
                "leaders": m.iter().take(2).map(|&a| id(a)).collect::<Vec<_>>(),
                "members": m.iter().map(|&a| json!({"account_id": id(a), "handle": handle(a), "score": 0.5, "role": "peer", "posts": 10, "coordinated_posts": 5})).collect::<Vec<_>>(),
                "evidence_samples": samples[c],
            })
        })
        .collect();
    serde_json::to_writer(
        BufWriter::new(File::create(out.join("campaigns.json"))?),
        &json!({ "campaigns": campaigns }),
    )?;
    serde_json::to_writer_pretty(
        BufWriter::new(File::create(out.join("summary.json"))?),
        &json!({
            "lockstep_version": env!("CARGO_PKG_VERSION"),
            "command": "analyze",
            "inputs": [{"path": "synthetic", "format": "synthetic", "records": post_no, "accepted": post_no, "rejected": 0, "duplicates": 0, "bytes": 0, "sha256": ""}],
            "counts": {"records": post_no, "posts": post_no, "accounts": n_accounts, "rejected": 0, "duplicates": 0,
                       "edges": edges.len(), "evidence_rows": evidence_rows, "campaigns": n_campaigns,
                       "campaign_accounts": member_total},
            "parameters": {"synthetic": true, "accounts": n_accounts, "edges": n_edges, "campaigns": n_campaigns},
            "warnings": [],
        }),
    )?;
    eprintln!(
        "{}: {} accounts ({} in {} campaigns), {} edges, {} evidence rows, {} posts",
        out.display(),
        n_accounts,
        member_total,
        n_campaigns,
        edges.len(),
        evidence_rows,
        post_no
    );
    Ok(())
}
