//! Every real sample in tests/data loads with zero rejections and the counts the files
//! contain (worked out independently from the files; see the comments).

mod common;
use common::*;
use lockstep_ingest::IngestOptions;
use lockstep_model::PostKind;

/// One twarc2 `search/recent` page: 100 tweets in `data`: 67 retweets, 11 quotes, 10
/// replies, 12 originals (each tweet has at most one `referenced_tweets` entry).
#[test]
fn twarc_v2_page_counts() {
    let (t, rep) = load_file(
        &test_data("twarc_v2_brexit_page.jsonl"),
        None,
        IngestOptions::default(),
    );
    assert_eq!(rep.files[0].format, "twitter-v2");
    assert_eq!(rep.rejected, 0);
    assert_eq!(t.len(), 100);
    assert_eq!(kinds(&t), [12, 67, 10, 11]);
    assert!(t.platforms().eq(["twitter"]));
    // Time from the snowflake id (ms precision), consistent with created_at (s).
    let p = post(&t, "1440716895355764743");
    assert_eq!(t.time(p) / 1000, 1_632_328_649); // 2021-09-22T16:37:29Z
    assert_eq!(t.account_handle(t.author(p)), Some("WarmongerHodges"));
    // A retweet carries the full original text from includes.tweets, not "RT @x: …".
    let rt = post(&t, "1440716856763977732");
    assert_eq!(t.kind(rt), PostKind::Repost);
    assert_eq!(t.ref_id(t.repost_of(rt)), "1440713161355583489");
    assert!(t.text(rt).starts_with("RT @carolJhedges: "));
    assert!(!t.text(rt).ends_with('…'), "{}", t.text(rt));
    let tags = strs(&t.hashtags, t.hashtag_syms(rt));
    assert!(tags.contains(&"Brexit".to_string()), "{tags:?}");
}

/// twarc2's flattened tweets: 100 tweets, 47 retweets, 31 replies, 8 quotes, 14 originals.
#[test]
fn twarc2_flat_counts() {
    let (t, rep) = load_file(
        &test_data("twarc2_flattened_sample.jsonl"),
        None,
        IngestOptions::default(),
    );
    assert_eq!(rep.files[0].format, "twarc2-flat");
    assert_eq!(rep.rejected, 0);
    assert_eq!(t.len(), 100);
    assert_eq!(kinds(&t), [14, 47, 31, 8]);
    let rt = post(&t, "1380242611781386245");
    assert_eq!(t.ref_id(t.repost_of(rt)), "1380175475545362437");
    assert!(t
        .text(rt)
        .starts_with("RT @williamserafino: De manera simultánea"));
    assert!(t.text(rt).ends_with("hace sentir su regreso."));
    assert_eq!(t.account_handle(t.author(rt)), Some("Alexandravm12"));
    assert_eq!(t.lang(rt), Some("es"));
}

/// Jetstream: 152 events: 17 post creates (8 replies, 9 originals, 0 quotes) and 15
/// reposts are posts; 105 likes, 6 follows, 3 follow deletes and 1 post delete, 2 status
/// updates, 1 block, 1 identity and 1 account event are skipped, none rejected.
#[test]
fn jetstream_counts() {
    let (t, rep) = load_file(
        &test_data("bluesky_jetstream_v1_sample.jsonl"),
        None,
        IngestOptions::default(),
    );
    assert_eq!(rep.files[0].format, "jetstream");
    assert_eq!(rep.rejected, 0);
    assert_eq!(rep.skipped, 120);
    assert_eq!(t.len(), 32);
    assert_eq!(kinds(&t), [9, 15, 8, 0]);
    assert!(t.platforms().eq(["bluesky"]));
    let w = rep.warnings.join("\n");
    assert!(
        w.contains("105 likes") && w.contains("1 identity events"),
        "{w}"
    );
    // Image post: blob CID as media, createdAt as time.
    let p = post(
        &t,
        "at://did:plc:6aw7u7xjbaiznddugigmdhvc/app.bsky.feed.post/3mptbxs3hq22j",
    );
    assert_eq!(
        strs(&t.media, t.media_syms(p)),
        ["bafkreicwsq23gkygrgpijv7ocssxdyjokfv3quss3f2dg4csds3jpeqkwe"]
    );
    assert_eq!(t.lang(p), Some("ru"));
    assert_eq!(t.time(p), 1_783_175_856_557); // 2026-07-04T14:37:36.557Z
                                              // Repost: at-uri of the repost record, subject uri as repost_of.
    let r = post(
        &t,
        "at://did:plc:5er4dj3kkwyj4cy5gdnzn56w/app.bsky.feed.repost/3mptbypowzs2e",
    );
    assert_eq!(
        t.ref_id(t.repost_of(r)),
        "at://did:plc:lthsfxxeghkgg44eummxtvbe/app.bsky.feed.post/3mpt6c57uy22u"
    );
    // Reply parent and external link.
    let q = post(
        &t,
        "at://did:plc:ajg5c7huhiibhwandhdscpdq/app.bsky.feed.post/3mptbyproxc2q",
    );
    assert_eq!(
        t.ref_id(t.reply_to(q)),
        "at://did:plc:ippiobxpsddnkzd6ms2dbpcy/app.bsky.feed.post/3mptbvznwf22c"
    );
    assert_eq!(strs(&t.urls, t.url_syms(q)).len(), 1);
}

/// CooRTweet's Russian sample (long format): 35,125 rows, 35,085 distinct content ids;
/// 39 rows add a second object to a post, 1 row repeats an (object, content) pair.
#[test]
fn coortweet_russian_counts() {
    let (t, rep) = load_file(
        &test_data("coortweet_russian_coord_tweets.csv.gz"),
        None,
        IngestOptions::default(),
    );
    assert_eq!(rep.files[0].format, "coortweet-csv");
    assert_eq!(rep.rejected, 0);
    assert_eq!(rep.records, 35_125);
    assert_eq!(t.len(), 35_085);
    assert_eq!(rep.merged, 39);
    assert_eq!(rep.duplicates, 1);
}

/// CooRTweet's German sample (one row per post and url/hashtag/image): detected as
/// generic CSV (author `account_id`, time `timestamp`, id `post_id`): 218,971 rows,
/// 194,323 distinct non-empty post ids plus 3 rows without one (ids FILE:LINE), the
/// other 24,645 rows repeat a post.
#[test]
fn coortweet_german_counts() {
    let (t, rep) = load_file(
        &test_data("coortweet_german_elections.csv.gz"),
        None,
        IngestOptions::default(),
    );
    assert_eq!(rep.files[0].format, "generic-csv");
    assert_eq!(rep.rejected, 0);
    assert_eq!(rep.records, 218_971);
    assert_eq!(t.len(), 194_326);
    assert_eq!(rep.duplicates, 24_645);
    assert_eq!(kinds(&t), [194_326, 0, 0, 0]);
}
