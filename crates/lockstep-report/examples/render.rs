//! Render report.html from an analyze directory without the CLI (handy while working on
//! the page: `cargo run -p lockstep-report --example render -- DIR [OUT]`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: render DIR [OUT]")?);
    let out = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("report.html"));
    let t = std::time::Instant::now();
    lockstep_report::write_report(&dir, &out)?;
    eprintln!("{} in {:.2} s", out.display(), t.elapsed().as_secs_f64());
    Ok(())
}
