//! One test per reader with faithfully reproduced records and the quirks of each format.

mod common;
use common::*;
use lockstep_ingest::IngestOptions;
use lockstep_model::PostKind;

fn opts() -> IngestOptions {
    IngestOptions::default()
}

// A v1.1 retweet as the streaming API wrote it in 2018: outer text cut at 140 characters
// with "…", the full text in retweeted_status.extended_tweet.
const V1_RETWEET: &str = r#"{"created_at":"Wed Oct 10 20:19:24 +0000 2018","id":1050118621198921728,"id_str":"1050118621198921728","text":"RT @TwitterDev: Today we're sharing our vision for the future of the Twitter API platform, including a new developer portal and a …","truncated":false,"entities":{"hashtags":[],"user_mentions":[{"screen_name":"TwitterDev","name":"Twitter Dev","id":2244994945,"id_str":"2244994945","indices":[3,14]}],"urls":[]},"user":{"id":6253282,"id_str":"6253282","name":"Twitter API","screen_name":"TwitterAPI","created_at":"Wed May 23 06:01:13 +0000 2007","followers_count":6133636},"retweeted_status":{"created_at":"Wed Oct 10 20:00:00 +0000 2018","id":1050113739322580992,"id_str":"1050113739322580992","text":"Today we're sharing our vision for the future of the Twitter API platform, including a new developer portal and a… https://t.co/XweGngmxlP","truncated":true,"user":{"id":2244994945,"id_str":"2244994945","screen_name":"TwitterDev"},"extended_tweet":{"full_text":"Today we're sharing our vision for the future of the Twitter API platform, including a new developer portal and a new way to get started #TwitterAPI https://t.co/XweGngmxlP","entities":{"hashtags":[{"text":"TwitterAPI","indices":[137,148]}],"user_mentions":[],"urls":[{"url":"https://t.co/XweGngmxlP","expanded_url":"https://blog.twitter.com/developer/en_us/topics/tools/2018/the-future-of-twitter-api.html","display_url":"blog.twitter.com/developer/en_u…"}],"media":[{"id":1050113700000000000,"id_str":"1050113700000000000","type":"photo"}]},"extended_entities":{"media":[{"id":1050113700000000000,"id_str":"1050113700000000000","type":"photo"}]}}},"is_quote_status":false,"lang":"en"}"#;
const V1_QUOTE_REPLY: &str = r#"{"created_at":"Thu Oct 11 08:00:00 +0000 2018","id_str":"1050295000000000000","full_text":"@TwitterDev agreed, see #api https://t.co/abc","in_reply_to_status_id":1050113739322580992,"in_reply_to_status_id_str":"1050113739322580992","quoted_status_id_str":"1050113739322580992","is_quote_status":true,"entities":{"hashtags":[{"text":"api"}],"user_mentions":[{"screen_name":"TwitterDev"}],"urls":[{"url":"https://t.co/abc","expanded_url":"https://twitter.com/TwitterDev/status/1050113739322580992"}]},"user":{"id_str":"42","screen_name":"someone"},"lang":"und"}"#;
// Jack's first tweet: an id from before snowflakes, so time comes from created_at.
const V1_OLD: &str = r#"{"created_at":"Tue Mar 21 20:50:14 +0000 2006","id":20,"id_str":"20","text":"just setting up my twttr","user":{"id":12,"id_str":"12","screen_name":"jack"}}"#;

#[test]
fn twitter_v1_retweets_quotes_replies_and_old_ids() {
    let input = format!("{V1_RETWEET}\n{V1_QUOTE_REPLY}\r\n{V1_OLD}\n{{\"delete\":{{\"status\":{{\"id\":1,\"id_str\":\"1\",\"user_id\":3}},\"timestamp_ms\":\"1539200000000\"}}}}\n");
    let (t, rep, rej) = load_bytes(input.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "twitter-v1");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 3);
    assert_eq!(rep.skipped, 1);
    let rt = post(&t, "1050118621198921728");
    assert_eq!(t.kind(rt), PostKind::Repost);
    assert_eq!(t.ref_id(t.repost_of(rt)), "1050113739322580992");
    assert!(t.text(rt).starts_with("RT @TwitterDev: Today"));
    assert!(
        t.text(rt).ends_with("#TwitterAPI https://t.co/XweGngmxlP"),
        "{}",
        t.text(rt)
    );
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(rt)), ["TwitterAPI"]);
    assert_eq!(strs(&t.mentions, t.mention_syms(rt)), ["TwitterDev"]);
    assert_eq!(
        strs(&t.urls, t.url_syms(rt)),
        ["https://blog.twitter.com/developer/en_us/topics/tools/2018/the-future-of-twitter-api.html"]
    );
    assert_eq!(strs(&t.media, t.media_syms(rt)), ["1050113700000000000"]);
    assert_eq!(t.account_handle(t.author(rt)), Some("TwitterAPI"));
    // The account's creation time comes from the user object (2007-05-23T06:01:13Z).
    assert_eq!(t.account_created(t.author(rt)), Some(1_179_900_073_000));
    // Snowflake time: within the second of created_at.
    let created = 1_539_202_764_000; // 2018-10-10T20:19:24Z
    assert!(
        (created..created + 1000).contains(&t.time(rt)),
        "{}",
        t.time(rt)
    );
    let q = post(&t, "1050295000000000000");
    assert_eq!(t.kind(q), PostKind::Reply); // reply wins over quote
    assert_eq!(t.ref_id(t.quote_of(q)), "1050113739322580992");
    assert_eq!(t.lang(q), None); // "und"
    let old = post(&t, "20");
    assert_eq!(t.time(old), 1_142_974_214_000);
}

// A v2 page: a retweet whose original is in includes.tweets, a reply with a photo.
const V2_PAGE: &str = r#"{"data":[{"id":"1440716856763977732","author_id":"4100727022","created_at":"2021-09-22T16:37:20.000Z","text":"RT @carolJhedges: . #BorisJohnson has revealed his favourite bottle of win…","referenced_tweets":[{"type":"retweeted","id":"1440713161355583489"}],"entities":{"mentions":[{"start":3,"end":16,"username":"carolJhedges","id":"711945679"}]},"lang":"en"},{"id":"1440716800000000000","author_id":"1","created_at":"2021-09-22T16:37:07.000Z","text":"@carolJhedges quite #wine","referenced_tweets":[{"type":"replied_to","id":"1440713161355583489"}],"attachments":{"media_keys":["3_1440716736051830786"]},"entities":{"hashtags":[{"start":20,"end":25,"tag":"wine"}],"mentions":[{"start":0,"end":13,"username":"carolJhedges"}]}}],"includes":{"users":[{"id":"4100727022","username":"rter"},{"id":"1","username":"replier"},{"id":"711945679","username":"carolJhedges"}],"tweets":[{"id":"1440713161355583489","author_id":"711945679","text":". #BorisJohnson has revealed his favourite bottle of wine, Tignanello costs £180 full stop.","entities":{"hashtags":[{"tag":"BorisJohnson"}],"urls":[{"expanded_url":"https://example.org/wine","unwound_url":"https://example.org/wine?x"}]}}],"media":[{"media_key":"3_1440716736051830786","type":"photo"}]},"meta":{"result_count":2}}"#;

#[test]
fn twitter_v2_pages_use_includes_and_dedupe_with_v1() {
    let input =
        format!("{V2_PAGE}\n{{\"errors\":[{{\"title\":\"Not Found Error\"}}],\"meta\":{{}}}}\n");
    let (t, rep, rej) = load_bytes(input.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "twitter-v2");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 2);
    assert_eq!(rep.skipped, 1);
    let rt = post(&t, "1440716856763977732");
    assert_eq!(t.text(rt), "RT @carolJhedges: . #BorisJohnson has revealed his favourite bottle of wine, Tignanello costs £180 full stop.");
    assert_eq!(strs(&t.urls, t.url_syms(rt)), ["https://example.org/wine"]);
    assert_eq!(t.account_handle(t.author(rt)), Some("rter"));
    let r = post(&t, "1440716800000000000");
    assert_eq!(t.kind(r), PostKind::Reply);
    assert_eq!(strs(&t.media, t.media_syms(r)), ["1440716736051830786"]);
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(r)), ["wine"]);

    // The same tweet as v1.1 and as v2: one post ("twitter" for both).
    let v1 = r#"{"created_at":"Wed Sep 22 16:37:07 +0000 2021","id_str":"1440716800000000000","text":"@carolJhedges quite #wine","user":{"id_str":"1","screen_name":"replier"}}"#;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&a, V2_PAGE).unwrap();
    std::fs::write(&b, v1).unwrap();
    let mut ingest = lockstep_ingest::Ingest::new(opts());
    for p in [&a, &b] {
        ingest
            .read_file(
                &lockstep_ingest::InputFile {
                    path: p.clone(),
                    display: p.display().to_string(),
                },
                None,
            )
            .unwrap();
    }
    let (t, rep) = ingest.finish().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(rep.duplicates, 1);
}

#[test]
fn twarc_csv_both_layouts() {
    // twarc-csv (twarc2) with its dotted columns, JSON list cells and escaped newlines.
    let v2 = "id,conversation_id,referenced_tweets.replied_to.id,referenced_tweets.retweeted.id,referenced_tweets.quoted.id,author_id,in_reply_to_user_id,in_reply_to_username,retweeted_user_id,retweeted_username,quoted_user_id,quoted_username,created_at,text,lang,source,entities.hashtags,entities.mentions,entities.urls,attachments.media_keys,author.id,author.username,__twarc.url\n\
1440716856763977732,1440716856763977732,,1440713161355583489,,4100727022,,,711945679,carolJhedges,,,2021-09-22T16:37:20.000Z,. #BorisJohnson has revealed\\nhis wine,en,Twitter Web App,\"[\"\"#BorisJohnson\"\"]\",\"[\"\"@carolJhedges\"\"]\",\"[\"\"https://example.org/wine\"\"]\",\"[\"\"3_99\"\"]\",4100727022,rter,https://api.twitter.com/2/tweets/search/recent\n\
1440716800000000000,1440713161355583489,1440713161355583489,,,1,711945679,carolJhedges,,,,,2021-09-22T16:37:07.000Z,@carolJhedges quite,en,Twitter Web App,,\"[\"\"@carolJhedges\"\"]\",,,1,replier,https://api.twitter.com/2/tweets/search/recent\n";
    let (t, rep, rej) = load_bytes(v2.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "twarc-csv");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(kinds(&t), [0, 1, 1, 0]);
    let rt = post(&t, "1440716856763977732");
    assert_eq!(
        t.text(rt),
        "RT @carolJhedges: . #BorisJohnson has revealed\nhis wine"
    );
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(rt)), ["BorisJohnson"]);
    assert_eq!(strs(&t.media, t.media_syms(rt)), ["99"]);
    assert_eq!(t.account_handle(t.author(rt)), Some("rter"));

    // twarc 1's json2csv.
    let v1 = "id,tweet_url,created_at,parsed_created_at,user_screen_name,text,tweet_type,coordinates,hashtags,media,urls,favorite_count,in_reply_to_screen_name,in_reply_to_status_id,in_reply_to_user_id,lang,place,possibly_sensitive,retweet_count,retweet_or_quote_id,retweet_or_quote_screen_name,retweet_or_quote_user_id,source,user_id\n\
1050118621198921728,https://twitter.com/TwitterAPI/status/1050118621198921728,Wed Oct 10 20:19:24 +0000 2018,2018-10-10 20:19:24+00:00,TwitterAPI,RT @TwitterDev: Today we're sharing,retweet,,TwitterAPI dev,,https://blog.twitter.com/x,0,,,,en,,,10,1050113739322580992,TwitterDev,2244994945,Twitter Web Client,6253282\n";
    let (t, rep, rej) = load_bytes(v1.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "twarc-csv");
    assert!(rej.is_empty(), "{rej:?}");
    let p = post(&t, "1050118621198921728");
    assert_eq!(t.ref_id(t.repost_of(p)), "1050113739322580992");
    assert_eq!(t.account_id(t.author(p)), "6253282");
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(p)), ["TwitterAPI", "dev"]);
}

#[test]
fn twitter_io_archives_by_header_name() {
    // A 2020-style release: columns reordered against 2018 (in_reply_to_userid first).
    let tweets = "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions,poll_choices\n\
995263154227302401,0d3ac7b29b3f8e1b1b8c2f9d6e4a0f11c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7,0d3ac7b29b3f8e1b,0d3ac7b29b3f8e1b,,,,12,40,2016-01-03,en,en,RT @news: big story #A #B,2018-05-12 11:23,Twitter for Android,,,,True,4242,995263000000000000,absent,absent,0,0,0,0,\"[A, B]\",['http://ex.com/x'],[4242],\n\
995263154227302402,1234,Name,handle,,,,5000,1,2012-02-02,ru,ru,\"hello\nworld\",2018-05-12 11:23,Twitter Web Client,4242,995263000000000000,,false,,,absent,absent,0,0,0,0,[],,\"[\"\"4242\"\", \"\"77\"\"]\",\n\
995263154227302403,1234,Name,handle,,,,5000,1,2012-02-02,ru,ru,RT without id,2018-05-12 11:24,Twitter Web Client,,,,true,,,absent,absent,0,0,0,0,,,,\n";
    let (t, rep, rej) = load_bytes(tweets.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "twitter-io");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 3);
    let rt = post(&t, "995263154227302401");
    assert_eq!(t.ref_id(t.repost_of(rt)), "995263000000000000");
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(rt)), ["A", "B"]);
    assert_eq!(strs(&t.urls, t.url_syms(rt)), ["http://ex.com/x"]);
    // tweet_time is to the minute; the snowflake gives the exact time within it.
    let minute = 1_526_124_180_000; // 2018-05-12T11:23:00Z
    assert!(
        (minute..minute + 60_000).contains(&t.time(rt)),
        "{}",
        t.time(rt)
    );
    assert_ne!(t.time(rt) % 60_000, 0);
    let r = post(&t, "995263154227302402");
    assert_eq!(t.kind(r), PostKind::Reply);
    assert_eq!(t.text(r), "hello\nworld");
    assert_eq!(strs(&t.mentions, t.mention_syms(r)), ["4242", "77"]);
    assert!(rep
        .warnings
        .iter()
        .any(|w| w.contains("retweets without retweet_tweetid")));

    let users = "userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language\n1234,Name,handle,,,,5000,1,2012-02-02,ru\n";
    let (t, rep, rej) = load_bytes(users.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "twitter-io");
    assert!(rej.is_empty());
    assert_eq!(t.len(), 0);
    assert_eq!(rep.skipped, 1);
}

#[test]
fn jetstream_quotes_facets_and_future_created_at() {
    let quote = r#"{"did":"did:plc:aaa","time_us":1725911162329308,"kind":"commit","commit":{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3qo2vuowo2b","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:02.102Z","embed":{"$type":"app.bsky.embed.recordWithMedia","media":{"$type":"app.bsky.embed.images","images":[{"alt":"","image":{"$type":"blob","ref":{"$link":"bafkreiaaa"},"mimeType":"image/jpeg","size":1}}]},"record":{"$type":"app.bsky.embed.record","record":{"cid":"bafyx","uri":"at://did:plc:bbb/app.bsky.feed.post/3l3abc"}}},"facets":[{"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:ccc"}],"index":{"byteStart":6,"byteEnd":24}},{"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"ταγ"}],"index":{"byteStart":25,"byteEnd":32}}],"langs":["en"],"text":"look  @carol.bsky.social #ταγ"},"cid":"bafyq"}}"#;
    let future = r#"{"did":"did:plc:ddd","time_us":1725911162329308,"kind":"commit","commit":{"rev":"x","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3zzz","record":{"$type":"app.bsky.feed.post","createdAt":"2030-01-01T00:00:00Z","text":"from the future"},"cid":"bafyz"}}"#;
    let input = format!("{quote}\n{future}\n");
    let (t, rep, rej) = load_bytes(input.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "jetstream");
    assert!(rej.is_empty(), "{rej:?}");
    let q = post(&t, "at://did:plc:aaa/app.bsky.feed.post/3l3qo2vuowo2b");
    assert_eq!(t.kind(q), PostKind::Quote);
    assert_eq!(
        t.ref_id(t.quote_of(q)),
        "at://did:plc:bbb/app.bsky.feed.post/3l3abc"
    );
    assert_eq!(strs(&t.media, t.media_syms(q)), ["bafkreiaaa"]);
    assert_eq!(strs(&t.mentions, t.mention_syms(q)), ["carol.bsky.social"]);
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(q)), ["ταγ"]);
    assert_eq!(t.time(q), 1_725_911_162_102);
    let f = post(&t, "at://did:plc:ddd/app.bsky.feed.post/3l3zzz");
    assert_eq!(t.time(f), 1_725_911_162_329); // createdAt in the future: time_us
}

const MASTODON_REBLOG: &str = r#"{"id":"109364600000000001","created_at":"2022-11-18T10:00:00.000Z","in_reply_to_id":null,"in_reply_to_account_id":null,"sensitive":false,"spoiler_text":"","visibility":"public","language":null,"uri":"https://mastodon.social/users/bob/statuses/109364600000000001/activity","url":null,"replies_count":0,"reblogs_count":0,"favourites_count":0,"content":"","reblog":{"id":"109364500000000000","created_at":"2022-11-18T09:00:00.000Z","in_reply_to_id":null,"visibility":"public","language":"en","uri":"https://example.social/users/alice/statuses/109364500000000000","url":"https://example.social/@alice/109364500000000000","content":"<p>Read this <a href=\"https://news.example/story?a=1&amp;b=2\" rel=\"nofollow noopener\" target=\"_blank\"><span class=\"invisible\">https://</span>news.example/story</a> <a href=\"https://example.social/tags/Election\" class=\"mention hashtag\" rel=\"tag\">#<span>Election</span></a></p>","account":{"id":"1","username":"alice","acct":"alice@example.social","url":"https://example.social/@alice"},"media_attachments":[{"id":"22","type":"image","url":"https://files.example/x.png","blurhash":"UFGuXD~qD%M{00IUt7xu"}],"mentions":[],"tags":[{"name":"election","url":"https://example.social/tags/election"}],"card":null},"account":{"id":"2","username":"bob","acct":"bob","url":"https://mastodon.social/@bob","created_at":"2022-11-01T00:00:00.000Z","followers_count":3},"media_attachments":[],"mentions":[],"tags":[]}"#;

#[test]
fn mastodon_reblogs_replies_media_and_stream_events() {
    let reply = r#"{"id":"109364700000000000","created_at":"2022-11-18T11:00:00.000Z","in_reply_to_id":"109364500000000000","in_reply_to_account_id":"1","visibility":"public","language":"de","uri":"https://mastodon.social/users/carol/statuses/109364700000000000","url":"https://mastodon.social/@carol/109364700000000000","content":"<p><span class=\"h-card\"><a href=\"https://example.social/@alice\" class=\"u-url mention\">@<span>alice</span></a></span> stimmt</p>","account":{"id":"3","username":"carol","acct":"carol","url":"https://mastodon.social/@carol"},"media_attachments":[],"mentions":[{"id":"1","username":"alice","acct":"alice@example.social","url":"https://example.social/@alice"}],"tags":[]}"#;
    let event = serde_json::json!({"event": "update", "payload": reply.replace("109364700000000000", "109364700000000009")}).to_string();
    let input = format!("[{MASTODON_REBLOG},\n {reply}]");
    let (t, rep, rej) = load_bytes(input.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "mastodon");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(kinds(&t), [0, 1, 1, 0]);
    let rb = post(
        &t,
        "https://mastodon.social/users/bob/statuses/109364600000000001/activity",
    );
    assert_eq!(
        t.ref_id(t.repost_of(rb)),
        "https://example.social/users/alice/statuses/109364500000000000"
    );
    assert_eq!(t.text(rb), "Read this https://news.example/story #Election");
    assert_eq!(
        strs(&t.urls, t.url_syms(rb)),
        ["https://news.example/story?a=1&b=2"]
    );
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(rb)), ["election"]);
    assert_eq!(
        strs(&t.media, t.media_syms(rb)),
        ["blurhash:UFGuXD~qD%M{00IUt7xu"]
    );
    assert_eq!(t.account_handle(t.author(rb)), Some("bob"));
    let r = post(
        &t,
        "https://mastodon.social/users/carol/statuses/109364700000000000",
    );
    assert_eq!(t.ref_id(t.reply_to(r)), "109364500000000000");
    assert_eq!(
        strs(&t.mentions, t.mention_syms(r)),
        ["alice@example.social"]
    );
    assert_eq!(t.lang(r), Some("de"));

    let (t, rep, rej) = load_bytes(
        format!("{event}\n{{\"event\":\"delete\",\"payload\":\"1\"}}\n").as_bytes(),
        None,
        opts(),
    );
    assert_eq!(rep.files[0].format, "mastodon");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 1);
    assert_eq!(rep.skipped, 1);
}

const TELEGRAM_CHAT: &str = r##"{
 "name": "Новости",
 "type": "public_channel",
 "id": 1006503122,
 "messages": [
  {
   "id": 1,
   "type": "service",
   "date": "2022-02-24T05:00:00",
   "date_unixtime": "1645668000",
   "actor": "Новости",
   "actor_id": "channel1006503122",
   "action": "create_channel",
   "title": "Новости",
   "text": "",
   "text_entities": []
  },
  {
   "id": 2,
   "type": "message",
   "date": "2022-02-24T08:01:02",
   "date_unixtime": "1645678862",
   "from": "Новости",
   "from_id": "channel1006503122",
   "photo": "(File not included. Change data exporting settings to download.)",
   "width": 1280,
   "height": 720,
   "text": [
    "Срочно ",
    {
     "type": "hashtag",
     "text": "#новости"
    },
    " ",
    {
     "type": "link",
     "text": "https://ria.ru/x"
    },
    " ",
    {
     "type": "text_link",
     "text": "тут",
     "href": "https://t.me/other/5"
    },
    " ",
    {
     "type": "mention",
     "text": "@rian_ru"
    }
   ],
   "text_entities": [
    {"type": "plain", "text": "Срочно "},
    {"type": "hashtag", "text": "#новости"},
    {"type": "plain", "text": " "},
    {"type": "link", "text": "https://ria.ru/x"},
    {"type": "plain", "text": " "},
    {"type": "text_link", "text": "тут", "href": "https://t.me/other/5"},
    {"type": "plain", "text": " "},
    {"type": "mention", "text": "@rian_ru"}
   ]
  },
  {
   "id": 3,
   "type": "message",
   "date": "2022-02-24T08:05:00",
   "date_unixtime": "1645679100",
   "from": "Новости",
   "from_id": "channel1006503122",
   "forwarded_from": "РИА Новости",
   "text": "Пересланное сообщение",
   "text_entities": [{"type": "plain", "text": "Пересланное сообщение"}]
  },
  {
   "id": 4,
   "type": "message",
   "date": "2022-02-24T08:06:00",
   "date_unixtime": "1645679160",
   "from": "Новости",
   "from_id": "channel1006503122",
   "reply_to_message_id": 2,
   "text": "ответ"
  }
 ]
}"##;

#[test]
fn telegram_desktop_export() {
    let (t, rep, rej) = load_bytes(TELEGRAM_CHAT.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "telegram");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(rep.skipped, 1);
    assert_eq!(kinds(&t), [1, 1, 1, 0]);
    assert!(t.platforms().eq(["telegram"]));
    let p = post(&t, "1006503122/2");
    assert_eq!(t.time(p), 1_645_678_862_000); // date_unixtime, not the local "date"
    assert_eq!(t.text(p), "Срочно #новости https://ria.ru/x тут @rian_ru");
    assert_eq!(
        strs(&t.urls, t.url_syms(p)),
        ["https://ria.ru/x", "https://t.me/other/5"]
    );
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(p)), ["новости"]);
    assert_eq!(strs(&t.mentions, t.mention_syms(p)), ["rian_ru"]);
    assert_eq!(t.account_id(t.author(p)), "channel1006503122");
    let f = post(&t, "1006503122/3");
    assert_eq!(t.kind(f), PostKind::Repost);
    assert!(t
        .ref_id(t.repost_of(f))
        .to_string()
        .starts_with("fwd:РИА Новости:"));
    let r = post(&t, "1006503122/4");
    assert_eq!(t.ref_id(t.reply_to(r)), "1006503122/2");

    // A full account export with chats.list; the same channel forwarded identically by two
    // chats gives one repost object.
    let full = format!(
        r#"{{"about": "Here is the data you requested.", "personal_information": {{"user_id": 1}}, "chats": {{"about": "x", "list": [{}, {}]}}}}"#,
        TELEGRAM_CHAT,
        TELEGRAM_CHAT.replace("1006503122", "2000000001")
    );
    let (t, rep, rej) = load_bytes(full.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "telegram");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.len(), 6);
    let a = post(&t, "1006503122/3");
    let b = post(&t, "2000000001/3");
    assert_eq!(t.repost_of(a), t.repost_of(b));
}

#[test]
fn telethon_messages() {
    let m = r#"{"_": "Message", "id": 77, "peer_id": {"_": "PeerChannel", "channel_id": 1006503122}, "date": "2022-02-24T08:01:02+00:00", "message": "😀 #тег http://x.y", "out": false, "mentioned": false, "from_id": null, "fwd_from": {"_": "MessageFwdHeader", "date": "2022-02-24T07:00:00+00:00", "imported": false, "from_id": {"_": "PeerChannel", "channel_id": 1101170442}, "from_name": null, "channel_post": 5000, "post_author": null}, "reply_to": null, "media": {"_": "MessageMediaPhoto", "spoiler": false, "photo": {"_": "Photo", "id": 5289000000000000000, "access_hash": 1, "date": "2022-02-24T07:00:00+00:00"}}, "entities": [{"_": "MessageEntityHashtag", "offset": 3, "length": 4}, {"_": "MessageEntityUrl", "offset": 8, "length": 10}], "views": 1000, "forwards": 12}
{"_": "MessageService", "id": 1, "peer_id": {"_": "PeerChannel", "channel_id": 1006503122}, "date": "2022-02-24 05:00:00+00:00", "action": {"_": "MessageActionChannelCreate", "title": "x"}}
{"_": "Message", "id": 78, "peer_id": {"_": "PeerChat", "chat_id": 555}, "date": "2022-02-24 08:02:00+00:00", "message": "reply", "from_id": {"_": "PeerUser", "user_id": 42}, "reply_to": {"_": "MessageReplyHeader", "reply_to_msg_id": 70, "reply_to_peer_id": null}, "media": null, "entities": []}
"#;
    let (t, rep, rej) = load_bytes(m.as_bytes(), None, opts());
    assert_eq!(rep.files[0].format, "telethon");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(rep.skipped, 1);
    let p = post(&t, "1006503122/77");
    assert_eq!(t.ref_id(t.repost_of(p)), "1101170442/5000");
    assert_eq!(t.account_id(t.author(p)), "channel1006503122");
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(p)), ["тег"]);
    assert_eq!(strs(&t.urls, t.url_syms(p)), ["http://x.y"]);
    assert_eq!(
        strs(&t.media, t.media_syms(p)),
        ["photo:5289000000000000000"]
    );
    let r = post(&t, "555/78");
    assert_eq!(t.ref_id(t.reply_to(r)), "555/70");
    assert_eq!(t.account_id(t.author(r)), "user42");
}

#[test]
fn generic_csv_with_mapping_time_format_and_zone() {
    // A Weibo crawl: Beijing local time without offset, `;`-delimited, topic hashtags.
    let weibo = "mid;uid;screen_name;created;content;retweet_mid;pics\n\
4800000000000001;1001;人民日报;2022-08-02 08:00;#台湾# 外交部回应 http://t.cn/A1;;[\"abc123\"]\n\
4800000000000002;1002;路人;2022-08-02 08:00:30;转发微博;4800000000000001;\n";
    let o = IngestOptions {
        mapping: vec![
            ("id".into(), "mid".into()),
            ("author".into(), "uid".into()),
            ("handle".into(), "screen_name".into()),
            ("time".into(), "created".into()),
            ("text".into(), "content".into()),
            ("repost_of".into(), "retweet_mid".into()),
            ("media".into(), "pics".into()),
        ],
        time_zone: Some("+08:00".into()),
        platform: Some("weibo".into()),
        ..IngestOptions::default()
    };
    let (t, rep, rej) = load_bytes(weibo.as_bytes(), None, o.clone());
    assert_eq!(rep.files[0].format, "generic-csv");
    assert!(rej.is_empty(), "{rej:?}");
    assert!(t.platforms().eq(["weibo"]));
    let p = post(&t, "4800000000000001");
    assert_eq!(t.time(p), 1_659_398_400_000); // 2022-08-02T00:00:00Z
    assert_eq!(strs(&t.hashtags, t.hashtag_syms(p)), ["台湾"]);
    assert_eq!(strs(&t.media, t.media_syms(p)), ["abc123"]);
    let r = post(&t, "4800000000000002");
    assert_eq!(t.kind(r), PostKind::Repost);

    // An explicit pattern; a bad time is one rejection naming the line.
    let o2 = IngestOptions {
        time_format: Some("%Y-%m-%d %H:%M".into()),
        ..o
    };
    let (t, _rep, rej) = load_bytes(weibo.as_bytes(), Some("generic-csv"), o2);
    assert_eq!(t.len(), 1);
    assert_eq!(rej.len(), 1);
    assert_eq!(rej[0]["line"], 3);
    assert!(rej[0]["reason"]
        .as_str()
        .unwrap()
        .contains("unparsable time"));

    // Unknown --map key: an option error before reading.
    let bad = IngestOptions {
        mapping: vec![("writer".into(), "x".into())],
        ..IngestOptions::default()
    };
    assert!(bad.check().is_err());
}

#[test]
fn generic_jsonl_reddit_dump_with_guessed_columns() {
    // Pushshift comments: guessed id, author, created_utc, body, parent_id.
    let reddit = r#"{"id":"gx1","author":"alice","created_utc":1609459200,"body":"see https://x.org #tag","parent_id":"t3_abc","subreddit":"news","score":3}
{"id":"gx2","author":"bob","created_utc":"1609459260","body":"same","parent_id":"t3_abc","subreddit":"news"}
"#;
    let o = IngestOptions {
        mapping: vec![
            ("reply_to".into(), "parent_id".into()),
            ("text".into(), "body".into()),
        ],
        platform: Some("reddit".into()),
        ..IngestOptions::default()
    };
    let (t, rep, rej) = load_bytes(reddit.as_bytes(), None, o);
    assert_eq!(rep.files[0].format, "generic-jsonl");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(kinds(&t), [0, 0, 2, 0]);
    let p = post(&t, "gx1");
    assert_eq!(t.time(p), 1_609_459_200_000);
    assert_eq!(t.ref_id(t.reply_to(p)), "t3_abc");
    // Nested keys by dotted path.
    let nested = r#"{"post":{"id":"1"},"owner":{"id":"u9"},"creation_time":"2024-01-01T00:00:00Z","text":"hi"}"#;
    let o = IngestOptions {
        mapping: vec![
            ("id".into(), "post.id".into()),
            ("author".into(), "owner.id".into()),
        ],
        ..IngestOptions::default()
    };
    let (t, rep, rej) = load_bytes(nested.as_bytes(), None, o);
    assert_eq!(rep.files[0].format, "generic-jsonl");
    assert!(rej.is_empty(), "{rej:?}");
    assert_eq!(t.account_id(t.author(post(&t, "1"))), "u9");
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_with_mapping_and_typed_times() {
    use arrow::array::{
        ArrayRef, ListBuilder, StringArray, StringBuilder, TimestampMillisecondArray,
    };
    use arrow::record_batch::RecordBatch;
    use std::sync::Arc;
    let ids: ArrayRef = Arc::new(StringArray::from(vec!["p1", "p2", "p3"]));
    let users: ArrayRef = Arc::new(StringArray::from(vec![Some("u1"), Some("u2"), None]));
    let times: ArrayRef = Arc::new(
        TimestampMillisecondArray::from(vec![
            1_700_000_000_000,
            1_700_000_001_000,
            1_700_000_002_000,
        ])
        .with_timezone("UTC"),
    );
    let mut lb = ListBuilder::new(StringBuilder::new());
    lb.values().append_value("https://a.example");
    lb.append(true);
    lb.append(false);
    lb.values().append_value("https://b.example");
    lb.append(true);
    let links: ArrayRef = Arc::new(lb.finish());
    let batch = RecordBatch::try_from_iter(vec![
        ("post_id", ids),
        ("owner_id", users),
        ("creation_time", times),
        ("links", links),
    ])
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mcl.parquet");
    let f = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let o = IngestOptions {
        quarantine_path: Some(dir.path().join("rej.jsonl")),
        platform: Some("facebook".into()),
        ..IngestOptions::default()
    };
    let (t, rep) = load_file(&path, None, o);
    assert_eq!(rep.files[0].format, "parquet");
    let rej = std::fs::read_to_string(dir.path().join("rej.jsonl")).unwrap_or_default();
    assert_eq!(t.len(), 2, "{rej} {:?}", rep.warnings);
    assert_eq!(rep.rejected, 1); // row 3 has no author
    let p = post(&t, "p1");
    assert_eq!(t.time(p), 1_700_000_000_000);
    assert_eq!(strs(&t.urls, t.url_syms(p)), ["https://a.example"]);
    let rej = std::fs::read_to_string(dir.path().join("rej.jsonl")).unwrap();
    assert!(
        rej.contains("\"line\":3") && rej.contains("empty author"),
        "{rej}"
    );

    // The same batch in memory (as the Python package hands it over) reads the same.
    let o = IngestOptions {
        quarantine_path: Some(dir.path().join("rej-arrow.jsonl")),
        platform: Some("facebook".into()),
        ..IngestOptions::default()
    };
    let mut ingest = lockstep_ingest::Ingest::new(o);
    let mut reader =
        arrow::record_batch::RecordBatchIterator::new([Ok(batch.clone())], batch.schema());
    ingest.read_arrow("<table>", &mut reader).unwrap();
    let (a, arep) = ingest.finish().unwrap();
    assert_eq!(arep.files[0].format, "arrow");
    assert_eq!(arep.rejected, 1);
    assert_eq!(a.len(), t.len());
    for id in ["p1", "p2"] {
        let (p, q) = (post(&t, id), post(&a, id));
        assert_eq!(a.time(q), t.time(p));
        assert_eq!(a.account_id(a.author(q)), t.account_id(t.author(p)));
        assert_eq!(strs(&a.urls, a.url_syms(q)), strs(&t.urls, t.url_syms(p)));
    }
    let rej = std::fs::read_to_string(dir.path().join("rej-arrow.jsonl")).unwrap();
    assert!(
        rej.contains("\"line\":3") && rej.contains("<table>"),
        "{rej}"
    );
}

#[test]
fn detection_failure_lists_what_was_tried() {
    let mut ingest = lockstep_ingest::Ingest::new(opts());
    let mut r: &[u8] = b"just some words\nand more\n";
    let err = ingest
        .read_stream("notes.txt", &mut r, None)
        .unwrap_err()
        .to_string();
    for name in [
        "twitter-v1",
        "twitter-v2",
        "jetstream",
        "telegram",
        "generic-csv",
        "generic-jsonl",
    ] {
        assert!(err.contains(name), "{err}");
    }
    assert!(
        err.contains("just some words") && err.contains("--format"),
        "{err}"
    );
    let mut r: &[u8] = br#"{"foo": 1, "bar": 2}"#;
    let err = ingest
        .read_stream("x.json", &mut r, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("keys foo,bar"), "{err}");
}
