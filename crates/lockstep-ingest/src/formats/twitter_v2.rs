//! Twitter API v2: response pages (`{"data": [...], "includes": {...}, "meta": {...}}`,
//! one per line as twarc2 saves them) and twarc2's flattened tweets (one tweet per line
//! with `author` and expanded `referenced_tweets`). Both readers accept both shapes; they
//! differ in what detection calls them.
//!
//! `referenced_tweets` types map to `retweeted` → repost, `quoted` → quote, `replied_to`
//! → reply. Only the tweets of `data` are posts: tweets in `includes` (the retweeted or
//! quoted originals) serve to fill a retweet's full text and the authors' handles, so the
//! counts are those of what was collected, as with coordination-network-toolkit.

use super::json::{get, parse};
use super::twitter::{from_v2, Includes};
use super::util::{head_shape, json_records, At};
use super::Format;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

pub(crate) struct TwitterV2;
pub(crate) struct Twarc2Flat;

impl Format for TwitterV2 {
    fn name(&self) -> &'static str {
        "twitter-v2"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        let first = s.keys.first().map(String::as_str);
        (s.has("data") && !s.has("did") && !s.has("kind"))
            && (first == Some("data") || s.has("includes") || s.has("meta"))
            || (s.has("errors") && s.has("meta"))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        read_v2(input, ingest)
    }
}

impl Format for Twarc2Flat {
    fn name(&self) -> &'static str {
        "twarc2-flat"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        s.has("id") && s.has("text") && (s.has("author_id") || s.has("author")) && !s.has("user")
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        read_v2(input, ingest)
    }
}

fn read_v2(input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
    let mut post = PostRecord::default();
    json_records(input, ingest, &mut |ingest, at, bytes| {
        let v = match parse(bytes) {
            Ok(v) => v,
            Err(r) => return ingest.reject(at.line, format!("{}{r}", at.prefix()), bytes),
        };
        record(&v, at, bytes, ingest, &mut post)
    })
}

fn record(
    v: &Value,
    at: At,
    bytes: &[u8],
    ingest: &mut Ingest,
    post: &mut PostRecord,
) -> Result<(), IngestError> {
    if !v.is_object() {
        return ingest.reject(
            at.line,
            format!("{}a v2 page or tweet should be a JSON object", at.prefix()),
            bytes,
        );
    }
    let Some(data) = v.get("data") else {
        if get(v, "id").is_some() {
            // A bare or flattened tweet.
            return match from_v2(v, &Includes::default(), post) {
                Ok(()) => {
                    ingest.accept(post);
                    Ok(())
                }
                Err(r) => ingest.reject(at.line, format!("{}{r}", at.prefix()), bytes),
            };
        }
        ingest.skip(if get(v, "errors").is_some() {
            "pages with errors only"
        } else {
            "records without tweets"
        });
        return Ok(());
    };
    let inc = Includes::from_page(v);
    let tweets: Vec<&Value> = match data {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![data],
        Value::Null => Vec::new(),
        _ => {
            return ingest.reject(
                at.line,
                format!("{}'data' should be an array of tweets", at.prefix()),
                bytes,
            )
        }
    };
    for (i, t) in tweets.into_iter().enumerate() {
        match from_v2(t, &inc, post) {
            Ok(()) => ingest.accept(post),
            Err(r) => {
                let raw = serde_json::to_vec(t).unwrap_or_default();
                ingest.reject(at.line, format!("{}data[{i}]: {r}", at.prefix()), &raw)?;
            }
        }
    }
    Ok(())
}
