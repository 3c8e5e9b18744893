//! Development driver: templates of a toolkit CSV before and after refinement, for posts
//! whose text contains a string (`cargo run --release --example refine_debug FILE NEEDLE`).
use lockstep_model::{PostRecord, PostTable};
use lockstep_narratives::refine::{refine_templates, RefineParams};
use lockstep_similar::{assign_templates, SimilarParams};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: refine_debug FILE NEEDLE")?;
    let needle = args.next().unwrap_or_default();
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
        rec.time_ms = row[6].parse::<i64>().unwrap_or(0) * 1000;
        table.push(&rec);
    }
    let sim = SimilarParams::default();
    let tpl = assign_templates(&table, &sim);
    let r = refine_templates(&table, &tpl, &sim, &RefineParams::default());
    let mut seen = std::collections::BTreeMap::new();
    for p in 0..table.len() as u32 {
        if table.text(p).contains(&needle) {
            *seen
                .entry((tpl.template_of(p), r.template_of(p)))
                .or_insert(0) += 1;
        }
    }
    for ((a, b), n) in seen {
        let size = a.map_or(0, |t| tpl.members(t).len());
        println!("similar {a:?} (size {size}) -> refined {b:?}: {n}");
    }
    Ok(())
}
