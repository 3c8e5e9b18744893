//! CooRTweet's long format: one row per (object, content), columns by header name
//! `object_id,account_id,content_id,timestamp_share` (Unix seconds). Rows with the same
//! `content_id` become one post with several objects.

use super::{first_line, header_names, raw_csv, CsvRecords, Format};
use crate::timefmt::any_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use std::io::BufRead;

pub(crate) struct CoortweetCsv;

const REQUIRED: [&str; 4] = ["object_id", "account_id", "content_id", "timestamp_share"];

impl Format for CoortweetCsv {
    fn name(&self) -> &'static str {
        "coortweet-csv"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let line = String::from_utf8_lossy(first_line(head)).to_ascii_lowercase();
        let cols: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        REQUIRED.iter().all(|r| cols.contains(r))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let mut rows = CsvRecords::new(input, b',');
        let mut rec = csv::ByteRecord::new();
        let mut post = PostRecord::default();
        let mut idx: Option<[usize; 4]> = None;
        let mut width = 0;
        while let Some(line) = rows.next(&mut rec, ingest)? {
            let Some(cols) = idx else {
                let names = header_names(&rec);
                let mut found = [0usize; 4];
                for (k, want) in REQUIRED.iter().enumerate() {
                    match names.iter().position(|n| n == want) {
                        Some(p) => found[k] = p,
                        None => {
                            ingest.reject(
                                line,
                                format!(
                                    "header lacks column '{want}' (needs {})",
                                    REQUIRED.join(",")
                                ),
                                &raw_csv(&rec),
                            )?;
                            return Ok(());
                        }
                    }
                }
                width = rec.len();
                idx = Some(found);
                continue;
            };
            match parse_row(&rec, cols, width, &mut post) {
                Ok(()) => ingest.accept(&post),
                Err(reason) => ingest.reject(line, reason, &raw_csv(&rec))?,
            }
        }
        Ok(())
    }
}

fn parse_row(
    rec: &csv::ByteRecord,
    cols: [usize; 4],
    width: usize,
    post: &mut PostRecord,
) -> Result<(), String> {
    if rec.len() != width {
        return Err(format!("expected {width} columns, found {}", rec.len()));
    }
    let get = |k: usize| -> Result<&str, String> {
        let f = rec.get(cols[k]).unwrap_or_default();
        let s = std::str::from_utf8(f).map_err(|_| format!("invalid UTF-8 in {}", REQUIRED[k]))?;
        let s = s.trim();
        if s.is_empty() || s == "NA" {
            return Err(format!("missing {}", REQUIRED[k]));
        }
        Ok(s)
    };
    post.clear();
    post.platform.push_str("unknown");
    post.objects.push(get(0)?.to_string());
    post.author_id.push_str(get(1)?);
    post.id.push_str(get(2)?);
    let ts = get(3)?;
    post.time_ms = any_to_ms(ts).ok_or_else(|| format!("unparsable timestamp_share '{ts}'"))?;
    Ok(())
}
