//! Twitter API v1.1 JSON: one tweet per line (as saved by twarc 1, Tweepy, the streaming
//! API), or a JSON array of tweets. Retweets take their full text and entities from
//! `retweeted_status` (the outer `text` is cut to "RT @x: ...…"); `extended_tweet` and
//! `full_text` are preferred over `text`. Stream notices (`delete`, `limit`) are skipped.

use super::json::parse;
use super::twitter::{from_v1, v1_notice};
use super::util::{head_shape, json_records};
use super::Format;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use std::io::BufRead;

pub(crate) struct TwitterV1;

impl Format for TwitterV1 {
    fn name(&self) -> &'static str {
        "twitter-v1"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let s = head_shape(head);
        (s.has("id_str") && (s.has("user") || s.has("text") || s.has("full_text")))
            || (s.has("created_at") && s.has("user") && s.has("id"))
            || (s.keys.len() == 1 && (s.has("delete") || s.has("limit")))
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        let mut post = PostRecord::default();
        json_records(input, ingest, &mut |ingest, at, bytes| {
            let v = match parse(bytes) {
                Ok(v) => v,
                Err(r) => return ingest.reject(at.line, format!("{}{r}", at.prefix()), bytes),
            };
            if let Some(kind) = v1_notice(&v) {
                ingest.skip(kind);
                return Ok(());
            }
            match from_v1(&v, &mut post) {
                Ok(()) => {
                    ingest.accept(&post);
                    Ok(())
                }
                Err(r) => ingest.reject(at.line, format!("{}{r}", at.prefix()), bytes),
            }
        })
    }
}
