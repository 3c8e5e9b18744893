//! Development driver: read a coordination-network-toolkit CSV, group its posts into
//! templates and print the counters (`cargo run --release --example templates FILE [T]`).
use lockstep_model::{PostRecord, PostTable};
use lockstep_similar::{assign_templates, SimilarParams};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: templates FILE [THRESHOLD]")?;
    let threshold: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(0.8);
    let t0 = Instant::now();
    let mut table = PostTable::new();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(&path)?;
    let mut rec = PostRecord::default();
    for row in rdr.records() {
        let row = row?;
        rec.clear();
        rec.id.push_str(&row[0]);
        rec.author_id.push_str(&row[1]);
        if !row[3].is_empty() {
            rec.repost_of = Some(row[3].to_string());
        }
        rec.text.push_str(&row[5]);
        rec.time_ms = row[6]
            .parse::<f64>()
            .map(|t| (t * 1000.0) as i64)
            .unwrap_or(0);
        table.push(&rec);
    }
    eprintln!("loaded {} posts in {:.2?}", table.len(), t0.elapsed());
    let t1 = Instant::now();
    let params = SimilarParams::with_threshold(threshold);
    let tpl = assign_templates(&table, &params);
    eprintln!("templates in {:.2?}: {:#?}", t1.elapsed(), tpl.stats);
    let mut big: Vec<u32> = (0..tpl.len() as u32).collect();
    big.sort_by_key(|&t| std::cmp::Reverse(tpl.members(t).len()));
    for &t in big.iter().take(8) {
        let m = tpl.members(t);
        println!(
            "template {t}: {} posts; rep: {}",
            m.len(),
            table.text(tpl.representative(t))
        );
        for &p in m.iter().take(3) {
            println!("    {}", table.text(p));
        }
    }
    let show: usize = std::env::var("LOCKSTEP_SHOW_VARIANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut shown = 0;
    for t in 0..tpl.len() as u32 {
        if shown >= show {
            break;
        }
        let m = tpl.members(t);
        let rep = lockstep_similar::normalise(table.text(tpl.representative(t)));
        let odd: Vec<String> = m
            .iter()
            .map(|&p| lockstep_similar::normalise(table.text(p)))
            .filter(|n| *n != rep)
            .collect();
        if odd.is_empty() {
            continue;
        }
        shown += 1;
        println!("template {t} ({} posts): {rep}", m.len());
        for o in odd.iter().take(4) {
            let j = lockstep_similar::shingle::jaccard(
                &lockstep_similar::shingle_set(&rep, &params),
                &lockstep_similar::shingle_set(o, &params),
            );
            println!("    {j:.2} {o}");
        }
    }
    Ok(())
}
