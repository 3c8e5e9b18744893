//! What the data's time precision does to a run, said out loud: posts with approximate
//! times leave the traces, and windows finer than the data's stamps are widened. Both
//! used to happen silently (the widening only in summary.json); each is now a warning on
//! stderr and in summary.json's `warnings`.

use lockstep_campaigns::timing::drop_approximate;
use lockstep_campaigns::Detection;
use lockstep_model::{PostTable, TimePrecision};
use lockstep_traces::Trace;

/// Drop the acts with approximate times (relative stamps such as `3分钟前` or `昨天`
/// resolved against a crawl time, or a date alone) from every trace, as
/// `lockstep_campaigns::timing` prescribes: they are off by up to a day, and every post
/// resolved against one crawl time lands on one instant, which would look like the
/// synchrony detection looks for. Their text still feeds templates and narratives.
/// Returns the warning to give, if any act was dropped.
pub(crate) fn drop_approximate_acts(
    table: &PostTable,
    traces: &mut [(Trace, Vec<i64>)],
) -> Option<String> {
    let posts = table
        .time_precisions()
        .iter()
        .filter(|&&p| p == TimePrecision::Approximate)
        .count();
    if posts == 0 {
        return None;
    }
    let per: Vec<String> = traces
        .iter_mut()
        .filter_map(|(t, _)| {
            let n = drop_approximate(table, t);
            (n > 0).then(|| format!("{} {n}", t.behaviour.name()))
        })
        .collect();
    Some(format!(
        "{posts} post(s) have approximate times (relative stamps such as 3分钟前 or 昨天 \
         resolved against the crawl time, or a date alone): they take part in no \
         co-action (off by up to a day, and stamps resolved against one crawl time would \
         look synchronised); their text still feeds templates and narratives; acts left \
         out: {}",
        if per.is_empty() {
            "none".to_string()
        } else {
            per.join(", ")
        }
    ))
}

/// One warning per requested window that was finer than some behaviour's stamps and so
/// widened, naming the behaviours and what the window became.
pub(crate) fn widened_windows(det: &Detection) -> Vec<String> {
    /// (requested s, on stamps s, grid).
    type Key<'a> = (f64, f64, &'a str);
    let mut groups: Vec<(Key, Vec<&str>)> = Vec::new();
    for be in &det.behaviours {
        for w in be.summary.windows.iter().filter(|w| w.widened) {
            let key = (w.requested_s, w.on_stamps_s, be.summary.time_grid);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(be.behaviour.name()),
                None => groups.push((key, vec![be.behaviour.name()])),
            }
        }
    }
    groups
        .into_iter()
        .map(|((req, stamps, grid), list)| {
            let grid = if grid == "mixed" {
                "the coarsest stamps (mixed grids)".to_string()
            } else {
                format!("the data's {grid} stamps")
            };
            format!(
                "the {req} s window is finer than {grid} of {}: widened to {stamps} s on the \
                 stamps (on minute stamps: the same or adjacent minute); see summary.json \
                 behaviours[].windows",
                list.join(", ")
            )
        })
        .collect()
}
