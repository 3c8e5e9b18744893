//! Twitter API v1.1 JSON: one tweet per line (as saved by twarc 1, Tweepy, the streaming
//! API), or a JSON array of tweets. Retweets take their full text and entities from
//! `retweeted_status` (the outer `text` is cut to "RT @x: ...…"); `extended_tweet` and
//! `full_text` are preferred over `text`. Stream notices (`delete`, `limit`) are skipped.
//! Records are parsed into typed, borrowing structs ([`super::twitter_typed`]); the few
//! the typed path does not answer for are read through a `serde_json::Value`.

use super::twitter::{from_v1, v1_notice};
use super::twitter_typed::fast_v1;
use super::util::{head_shape, json_posts_typed, Outcome};
use super::Format;
use crate::{Ingest, IngestError, IngestOptions};
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
        // Tweets are read typed; what the typed path does not answer for, through a Value.
        json_posts_typed(
            input,
            ingest,
            Some(&fast_v1),
            &|_, v, post| match v1_notice(v) {
                Some(kind) => Ok(Outcome::Skip(kind)),
                None => from_v1(v, post).map(|()| Outcome::Post),
            },
        )
    }
}
