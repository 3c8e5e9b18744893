//! Property tests: no reader panics on arbitrary bytes, nor on real records with bytes
//! flipped, cut or duplicated (the stable-toolchain companion of the cargo-fuzz targets in
//! fuzz/). Every record that goes in comes out as a post, a duplicate, a skip or a
//! rejection.

mod common;

use common::{mutate, read_and_balance};
use lockstep_ingest::IngestOptions;
use proptest::prelude::*;

const FORMATS: [&str; 14] = [
    "cnt-csv",
    "coortweet-csv",
    "twitter-v1",
    "twitter-v2",
    "twarc2-flat",
    "twarc-csv",
    "twitter-io",
    "jetstream",
    "mastodon",
    "telegram",
    "telethon",
    "generic-csv",
    "generic-jsonl",
    "auto",
];

const SEEDS: [&str; 6] = [
    r#"{"created_at":"Wed Oct 10 20:19:24 +0000 2018","id_str":"1050118621198921728","text":"RT @a: x","user":{"id_str":"1","screen_name":"a"},"retweeted_status":{"id_str":"105011","user":{"screen_name":"b"},"full_text":"x #t"},"entities":{"hashtags":[{"text":"t"}],"urls":[{"expanded_url":"http://e"}]}}"#,
    r#"{"data":[{"id":"1440716895355764743","author_id":"4","text":"hi","referenced_tweets":[{"type":"quoted","id":"9"}],"attachments":{"media_keys":["3_1"]}}],"includes":{"users":[{"id":"4","username":"u"}],"tweets":[{"id":"9","text":"q"}]}}"#,
    r#"{"did":"did:plc:x","time_us":1725911162329308,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k","record":{"createdAt":"2024-09-09T19:46:02Z","text":"héllo @a.b","facets":[{"index":{"byteStart":7,"byteEnd":11},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"d"}]}],"embed":{"$type":"app.bsky.embed.images","images":[{"image":{"ref":{"$link":"c"}}}]}}}}"#,
    "{\n \"name\": \"c\", \"type\": \"public_channel\", \"id\": 7,\n \"messages\": [\n  {\"id\": 1, \"type\": \"message\", \"date_unixtime\": \"1645678862\", \"from_id\": \"channel7\", \"text\": [\"a \", {\"type\": \"link\", \"text\": \"http://x\"}], \"forwarded_from\": \"z\"}\n ]\n}",
    "tweetid,userid,tweet_time,tweet_text,is_retweet,retweet_tweetid,hashtags\r\n995263154227302401,u,2018-05-12 11:23,\"a,b\",True,1,\"['x', 'y']\"\r\n",
    "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n1,2,a,,,hi,1629072000,http://x\n",
];

fn run(format: &str, data: &[u8]) {
    read_and_balance(format, "prop", data, IngestOptions::default());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(fmt in 0usize..FORMATS.len(), data in proptest::collection::vec(any::<u8>(), 0..600)) {
        run(FORMATS[fmt], &data);
    }

    #[test]
    fn mutated_records_never_panic(
        fmt in 0usize..FORMATS.len(),
        seed in 0usize..SEEDS.len(),
        edits in proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..4), 0..8),
        cut in any::<u16>(),
    ) {
        let d = mutate(SEEDS[seed].as_bytes().to_vec(), &edits, cut);
        run(FORMATS[fmt], &d);
    }
}
