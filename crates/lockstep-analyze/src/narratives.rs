//! The narratives stage of an analysis: message templates, narratives, escalation,
//! watch terms and the echo of reference sources (lockstep-narratives).

use crate::config::NarrativeInputs;
use crate::error::Result;
use lockstep_campaigns::Detection;
use lockstep_model::{PostIdx, PostTable};
use lockstep_narratives::{analyze_narratives, output_counts, NarrativeOptions, Narratives};
use lockstep_similar::{assign_templates, SimilarParams, Templates};
use serde_json::{json, Value};
use std::time::Instant;

/// Run the stage; returns its findings and the `narratives` section of summary.json
/// (whose `files` are what writing the findings gives). `templates` (lockstep-similar's,
/// default parameters) are reused when an earlier stage assigned them, else assigned here.
/// `campaign_posts[p]` is the campaign whose internal co-action post `p` is evidence of
/// (0: none).
pub fn run(
    table: &PostTable,
    templates: Option<&Templates>,
    det: &Detection,
    coordinated: &[bool],
    campaign_posts: &[u32],
    prepared: &NarrativeInputs,
) -> Result<(Narratives, Value)> {
    let warnings = &prepared.warnings;
    let started = Instant::now();
    // co-similar's templates (similarity 0.8), so a stage that already made them can pass
    // them in; lockstep-narratives then merges variants and splits partial copies off.
    let similar = SimilarParams::default();
    let owned;
    let templates = match templates {
        Some(t) => t,
        None => {
            owned = assign_templates(table, &similar);
            &owned
        }
    };
    let templates_s = started.elapsed().as_secs_f64();
    let campaign_of_post = |p: PostIdx| {
        det.account_campaign
            .get(&table.author(p))
            .map(|&(ci, _)| det.campaigns[ci].id)
    };
    let options = NarrativeOptions {
        template_threshold: similar.threshold,
        ..prepared.options.clone()
    };
    let n = analyze_narratives(
        table,
        templates,
        &campaign_of_post,
        coordinated,
        campaign_posts,
        &options,
    );
    let written = output_counts(table, &n);
    eprintln!(
        "lockstep: {} template(s) in {} narrative(s){}{}{} ({:.1} s)",
        n.templates.len(),
        n.narratives.len(),
        if n.watch.is_empty() {
            String::new()
        } else {
            format!(", {} watch term(s)", n.watch.len())
        },
        if n.references.is_some() {
            format!(", {} post(s) echo references", n.echo_posts.len())
        } else {
            String::new()
        },
        if n.seeds.is_some() {
            format!(
                ", {} amplification(s) of seed accounts",
                n.amplifications.len()
            )
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    );
    let section = json!({
        "templates": {
            "count": n.templates.len(),
            "near_duplicate_groups": templates.len(),
            "posts": n.term_stats.template_posts,
            "threshold": similar.threshold,
            "stats": format!("{:?}", templates.stats),
        },
        "counts": n.term_stats,
        "watch_terms": n.watch.len(),
        "references": options.references.len(),
        "echo_posts": n.echo_posts.len(),
        "seed_accounts": options.seeds.len(),
        "seed_accounts_found": n.seed_accounts.iter().filter(|a| a.is_some()).count(),
        "amplifications": n.amplifications.len(),
        "parameters": n.options,
        "files": written,
        "warnings": warnings,
        "timings_s": {
            "templates": templates_s,
            "narratives": n.timings,
            "total": started.elapsed().as_secs_f64(),
        },
    });
    Ok((n, section))
}
