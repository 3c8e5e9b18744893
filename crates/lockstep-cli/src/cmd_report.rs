//! `lockstep report`: render `report.html` from an analyze directory; and the report,
//! posts and Parquet outputs `analyze` writes at its end.

use crate::cli::ReportArgs;
use crate::error::{CliError, CliResult};
use anyhow::{anyhow, Context};
use lockstep_model::{PostTable, NONE};
use lockstep_output::rfc3339;
use std::path::Path;

pub fn run(a: ReportArgs) -> CliResult {
    if !a.dir.is_dir() {
        return Err(CliError::usage(anyhow!(
            "{} is not a directory (give the --out directory of `lockstep analyze`)",
            a.dir.display()
        )));
    }
    if !a.dir.join("summary.json").exists() && !a.dir.join("campaigns.json").exists() {
        return Err(CliError::usage(anyhow!(
            "{} has neither summary.json nor campaigns.json: not an analyze directory",
            a.dir.display()
        )));
    }
    let out = a.out.unwrap_or_else(|| a.dir.join("report.html"));
    lockstep_report::write_report(&a.dir, &out)
        .with_context(|| format!("writing {}", out.display()))?;
    if a.parquet {
        lockstep_report::export::write_parquet_exports(&a.dir)?;
    }
    println!("{}", out.display());
    Ok(())
}

/// Called at the end of `analyze`: write `coordinated_posts.csv` (every post that took
/// part in a co-action of a significant edge), the Parquet copies of the tables (when
/// `parquet`), and `report.html`.
pub fn after_analyze(
    out: &Path,
    table: &PostTable,
    coordinated: &[bool],
    parquet: bool,
) -> CliResult {
    write_coordinated_posts(out, table, coordinated)?;
    if parquet {
        lockstep_report::export::write_parquet_exports(out)?;
    }
    let report = out.join("report.html");
    lockstep_report::write_report(out, &report)?;
    eprintln!("lockstep: report: {}", report.display());
    Ok(())
}

fn write_coordinated_posts(out: &Path, table: &PostTable, coordinated: &[bool]) -> CliResult {
    let path = out.join(lockstep_report::POSTS_FILE);
    let mut w = csv::Writer::from_path(&path).with_context(|| path.display().to_string())?;
    w.write_record([
        "post_id",
        "account_id",
        "handle",
        "time",
        "kind",
        "repost_of",
        "reply_to",
        "quote_of",
        "text",
        "urls",
        "hashtags",
    ])?;
    let reference = |sym: u32| {
        if sym == NONE {
            ""
        } else {
            table.ref_id(sym)
        }
    };
    let mut posts: Vec<u32> = (0..table.len() as u32)
        .filter(|&p| coordinated.get(p as usize).copied().unwrap_or(false))
        .collect();
    posts.sort_by_key(|&p| (table.time(p), p));
    for p in posts {
        let author = table.author(p);
        let urls: Vec<&str> = table
            .url_syms(p)
            .iter()
            .map(|&u| table.urls.resolve(u))
            .collect();
        let tags: Vec<&str> = table
            .hashtag_syms(p)
            .iter()
            .map(|&h| table.hashtags.resolve(h))
            .collect();
        w.write_record([
            table.post_id(p),
            table.account_id(author),
            table.account_handle(author).unwrap_or(""),
            &rfc3339(table.time(p)),
            table.kind(p).as_str(),
            reference(table.repost_of(p)),
            reference(table.reply_to(p)),
            reference(table.quote_of(p)),
            table.text(p),
            &urls.join(" "),
            &tags.join(" "),
        ])?;
    }
    w.flush()?;
    Ok(())
}
