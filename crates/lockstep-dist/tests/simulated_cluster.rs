//! The proof of exactness: a simulated cluster (random block budgets that force hot
//! objects to split, blocks scheduled on random tasks in random order, partials shuffled to
//! random reducers) gives the single machine's significant edges, p, q and summary to the
//! bit, and the single machine's pair statistics, on generated scenarios.

use lockstep_campaigns::significance::{test_behaviour, SigEdge, TestParams};
use lockstep_campaigns::stats::FixedSum;
use lockstep_campaigns::substance::without_stock_phrases;
use lockstep_campaigns::timing::{drop_approximate, CoActRule, Resolution};
use lockstep_campaigns::visits::{visits, DEFAULT_VISIT_GAP_MS};
use lockstep_dist::block::BlockParams;
use lockstep_dist::driver::{
    finish_behaviour, group_pairs, stitch_bursts, BehaviourFigures, WindowFigures,
};
use lockstep_dist::plan::{blocks_of, bucket_of, plan_blocks};
use lockstep_dist::{block_partials, merge, BlockOutput, Tags};
use lockstep_model::PostTable;
use lockstep_networks::native::{network_matching, PairStats};
use lockstep_networks::NetworkParams;
use lockstep_traces::{extract, Behaviour, Event, Semantics, Trace};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn load(scenario: &str, scale: f64, file: &str) -> PostTable {
    let dir = tempfile::tempdir().expect("tempdir");
    lockstep_generate::generate(&lockstep_generate::GenerateOptions {
        scenario: scenario.into(),
        seed: 7,
        scale,
        out_dir: dir.path().to_path_buf(),
    })
    .expect("generate");
    let opts = lockstep_analyze::input::InputOptions {
        inputs: vec![dir.path().join(file)],
        ..Default::default()
    };
    lockstep_analyze::input::load(&opts, None)
        .expect("load")
        .table
}

/// The tested trace of one behaviour, prepared as `detect` prepares it.
fn tested(table: &PostTable, b: Behaviour) -> Option<(Trace, usize, Resolution)> {
    let mut trace = extract(table, b, Semantics::Native).ok()?;
    drop_approximate(table, &mut trace);
    if trace.events.is_empty() {
        return None;
    }
    let res = Resolution::of(table, &trace);
    let acts = trace.events.len();
    let sub = without_stock_phrases(table, &trace);
    let v = visits(
        sub.as_ref().unwrap_or(&trace),
        DEFAULT_VISIT_GAP_MS,
        table.account_count(),
    );
    Some((v, acts, res))
}

fn same_edges(a: &[SigEdge], b: &[SigEdge]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.stats, y.stats);
        assert_eq!(x.expected.to_bits(), y.expected.to_bits(), "{:?}", x.stats);
        assert_eq!(x.ln_p.to_bits(), y.ln_p.to_bits(), "{:?}", x.stats);
        assert_eq!(x.ln_q.to_bits(), y.ln_q.to_bits(), "{:?}", x.stats);
        assert_eq!(
            (x.window_ms, x.stamp_window_ms),
            (y.window_ms, y.stamp_window_ms)
        );
    }
}

/// Merged pairs, null constant, bursts and split objects of one simulated window.
type Simulated = (
    Vec<PairStats>,
    FixedSum,
    Vec<lockstep_campaigns::bursts::Burst>,
    usize,
);

/// One window of one behaviour on the simulated cluster: merged pairs, null constant,
/// bursts.
fn simulate_window(
    table: &PostTable,
    trace: &Trace,
    res: &Resolution,
    window_ms: i64,
    rng: &mut ChaCha8Rng,
    (tasks, reducers, budget): (usize, usize, u64),
) -> Simulated {
    let rule = CoActRule::new(table, res, window_ms);
    let matches = |a: &Event, b: &Event| rule.co_act(a, b);
    let params = BlockParams {
        window_ms: rule.stamp_ms,
        exact: rule.exact_by_stamps(),
        multi_object_posts: trace.multi_object_posts,
        bursts: lockstep_campaigns::bursts::pairing(trace.behaviour).is_some(),
    };
    // Plan: each object's bucket counts, blocks within the budget.
    let ev = &trace.events;
    let mut blocks: Vec<(u32, Vec<Event>, Vec<bool>, bool)> = Vec::new();
    let mut split_objects = 0;
    let mut i = 0;
    while i < ev.len() {
        let obj = ev[i].object;
        let mut j = i;
        while j < ev.len() && ev[j].object == obj {
            j += 1;
        }
        let mut counts: Vec<(i64, u64)> = Vec::new();
        for e in &ev[i..j] {
            let b = bucket_of(e.time, rule.stamp_ms);
            match counts.last_mut() {
                Some(c) if c.0 == b => c.1 += 1,
                _ => counts.push((b, 1)),
            }
        }
        let starts = plan_blocks(&counts, budget);
        let split = starts.len() > 1;
        split_objects += split as usize;
        let first = blocks.len();
        for _ in &starts {
            blocks.push((obj, Vec::new(), Vec::new(), split));
        }
        for e in &ev[i..j] {
            for (b, owned) in blocks_of(bucket_of(e.time, rule.stamp_ms), &starts) {
                blocks[first + b].1.push(*e);
                blocks[first + b].2.push(owned);
            }
        }
        i = j;
    }
    // Tasks run blocks in random order; each block's events arrive sorted by (time, post).
    blocks.shuffle(rng);
    let mut outputs: Vec<Vec<(u32, BlockOutput)>> = (0..tasks).map(|_| Vec::new()).collect();
    for (obj, mut events, owned, split) in blocks {
        let mut idx: Vec<usize> = (0..events.len()).collect();
        idx.sort_by_key(|&k| (events[k].time, events[k].post));
        let flags: Vec<bool> = idx.iter().map(|&k| owned[k]).collect();
        events = idx.iter().map(|&k| events[k]).collect();
        let lo = flags.iter().position(|&f| f).unwrap_or(0);
        let hi = flags.iter().rposition(|&f| f).map_or(0, |p| p + 1);
        assert!(
            flags[lo..hi].iter().all(|&f| f),
            "owned events are contiguous"
        );
        let out = block_partials(obj, &events, lo..hi, split, &params, &matches);
        outputs[rng.random_range(0..tasks)].push((obj, out));
    }
    // Shuffle: partials and tags by pair to reducers; object figures and burst pieces to
    // the driver.
    let salt: u64 = rng.random();
    let reducer =
        |key: u64| ((key ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize % reducers;
    let mut parts: Vec<Vec<PairStats>> = vec![Vec::new(); reducers];
    let mut tags: Vec<Tags> = vec![Tags::default(); reducers];
    let mut per_object: std::collections::HashMap<u32, (u64, u64)> = Default::default();
    let mut segments = Vec::new();
    for task in outputs {
        for (obj, out) in task {
            for p in out.pairs {
                parts[reducer(lockstep_dist::pair_key(p.a, p.b))].push(p);
            }
            for t in out.tags.objects {
                tags[reducer(t.0)].objects.push(t);
            }
            for t in out.tags.post_hits {
                tags[reducer(t.0)].post_hits.push(t);
            }
            let o = per_object.entry(obj).or_default();
            o.0 += out.events;
            o.1 += out.within;
            segments.extend(out.segments);
        }
    }
    let mut merged: Vec<PairStats> = Vec::new();
    for (mut p, t) in parts.into_iter().zip(tags) {
        p.shuffle(rng);
        merged.extend(merge(p, t));
    }
    merged.sort_by_key(|s| (s.a, s.b));
    // The null constant: object terms summed in random groups, merged in random order.
    let mut objs: Vec<(u64, u64)> = per_object.into_values().collect();
    objs.shuffle(rng);
    let mut sums = vec![FixedSum::default(); tasks];
    for (n, within) in objs {
        let t = lockstep_campaigns::significance::null_term(n, within, ev.len() as u64);
        sums[rng.random_range(0..tasks)].add(t);
    }
    let mut c = FixedSum::default();
    for s in sums {
        c.merge(s);
    }
    segments.shuffle(rng);
    (merged, c, stitch_bursts(segments), split_objects)
}

fn check_scenario(scenario: &str, scale: f64, seed: u64, file: &str) {
    let table = load(scenario, scale, file);
    let params = TestParams {
        alpha: 0.01,
        min_co_actions: 2,
        group_evidence: true,
        visit_gap_ms: DEFAULT_VISIT_GAP_MS,
        rounds: false,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut total_edges = 0;
    let mut total_splits = 0;
    for b in Behaviour::ALL {
        if !b.spec().default || b == Behaviour::CoSimilar || !(b.spec().supported)(&table) {
            continue;
        }
        let Some((trace, acts, res)) = tested(&table, b) else {
            continue;
        };
        let windows = b.spec().windows_ms.to_vec();
        let (want_edges, want_summary) =
            test_behaviour(&table, &trace, acts, &res, &windows, &params);
        for round in 0..3 {
            let cluster = (
                rng.random_range(1..6usize),
                rng.random_range(1..5usize),
                // Round 0 splits nothing; the others cut hot objects into small blocks.
                if round == 0 {
                    u64::MAX
                } else {
                    rng.random_range(1..40u64)
                },
            );
            let mut degree = vec![0u64; table.account_count()];
            for e in &trace.events {
                degree[e.account as usize] += 1;
            }
            let sum_d2: u128 = degree.iter().map(|&d| d as u128 * d as u128).sum();
            let mut objects: Vec<u32> = trace.events.iter().map(|e| e.object).collect();
            objects.dedup();
            let mut figures = Vec::new();
            for &w in &windows {
                let (pairs, c, bursts, splits) =
                    simulate_window(&table, &trace, &res, w, &mut rng, cluster);
                total_splits += splits;
                // The merged statistics equal the single machine's network.
                let rule = CoActRule::new(&table, &res, w);
                let mut want = Vec::new();
                network_matching(
                    &table,
                    &trace,
                    &NetworkParams {
                        window_ms: rule.stamp_ms,
                        ..NetworkParams::default()
                    },
                    &|x: &Event, y: &Event| rule.co_act(x, y),
                    |e| want.extend_from_slice(e),
                );
                assert_eq!(pairs, want, "{scenario} {b} window {w} {cluster:?}");
                let group = group_pairs(
                    b,
                    &bursts,
                    sum_d2,
                    trace.events.len() as u64,
                    windows.len(),
                    &params,
                );
                figures.push(WindowFigures {
                    window_ms: w,
                    stamp_window_ms: rule.stamp_ms,
                    observed: pairs.len() as u64,
                    tested: pairs
                        .iter()
                        .filter(|p| p.co_actions >= params.min_co_actions)
                        .count() as u64,
                    pairs,
                    null_c: c,
                    group,
                });
            }
            let (edges, summary) = finish_behaviour(
                BehaviourFigures {
                    behaviour: b,
                    acts,
                    visits: trace.events.len() as u64,
                    resolution: res.clone(),
                    active: degree.iter().filter(|&&d| d > 0).count(),
                    objects: objects.len(),
                    windows: figures,
                },
                |a| degree[a as usize],
                &params,
            );
            same_edges(&edges, &want_edges);
            assert_eq!(
                serde_json::to_value(&summary).expect("json"),
                serde_json::to_value(&want_summary).expect("json"),
                "{scenario} {b}"
            );
        }
        total_edges += want_edges.len();
    }
    assert!(
        total_edges > 0,
        "{scenario}: the scenario has significant edges"
    );
    assert!(total_splits > 0, "{scenario}: some objects were split");
}

#[test]
fn basic_scenario_is_exact_on_a_simulated_cluster() {
    check_scenario("basic", 0.05, 1, "posts.jsonl");
}

#[test]
fn mixed_scenario_is_exact_on_a_simulated_cluster() {
    check_scenario("mixed", 0.05, 2, "posts.jsonl");
}

#[test]
fn weibo_minute_stamps_are_exact_on_a_simulated_cluster() {
    check_scenario("weibo", 0.3, 3, "weibo-search.csv");
}
