//! The typed fast path of the Twitter v1.1 reader: a tweet parsed into the borrowing
//! structs below (see [`super::typed`]) instead of a `serde_json::Value`, and filled by
//! [`fill_v1`], which follows [`super::twitter::from_v1`] rule by rule.
//!
//! It only ever answers for ordinary records: when the typed parse fails (a member of an
//! unexpected type, a duplicated member, invalid JSON) or the record is to be rejected
//! (no user, a bad id, no time), [`fast_v1`] says None and the caller reads the record
//! through a `Value` with `from_v1`, whose answer, rejection reason included, stands. The
//! tests below run both paths over the reader's fixtures and their mutations.

use super::json::parse;
use super::twitter::{
    created_str_ms, from_v1, lang_str, retweet_text, set_time, v1_notice, PLATFORM,
};
use super::typed::{json_object, s, Id, Skip, Str};
use super::util::{clean_id, push_unique, Outcome};
use super::{extract_hashtags, extract_mentions};
use lockstep_model::PostRecord;

json_object! {
    /// A v1.1 tweet, or a stream notice.
    TweetV1 {
        id_str: Id<'a> = "id_str",
        id: Id<'a> = "id",
        user: User<'a> = "user",
        created_at: Str<'a> = "created_at",
        retweeted_status: Box<TweetV1<'a>> = "retweeted_status",
        full_text: Str<'a> = "full_text",
        text: Str<'a> = "text",
        extended_tweet: Extended<'a> = "extended_tweet",
        entities: Entities<'a> = "entities",
        extended_entities: ExtendedEntities<'a> = "extended_entities",
        quoted_status_id_str: Id<'a> = "quoted_status_id_str",
        quoted_status_id: Id<'a> = "quoted_status_id",
        quoted_status: IdOnly<'a> = "quoted_status",
        in_reply_to_status_id_str: Id<'a> = "in_reply_to_status_id_str",
        in_reply_to_status_id: Id<'a> = "in_reply_to_status_id",
        lang: Str<'a> = "lang",
        delete: Skip = "delete",
        limit: Skip = "limit",
        scrub_geo: Skip = "scrub_geo",
        status_withheld: Skip = "status_withheld",
        user_withheld: Skip = "user_withheld",
        disconnect: Skip = "disconnect",
        warning: Skip = "warning",
        event: Skip = "event",
        friends: Skip = "friends",
    }
}

json_object! {
    /// The author of a tweet.
    User {
        id_str: Id<'a> = "id_str",
        id: Id<'a> = "id",
        screen_name: Str<'a> = "screen_name",
        created_at: Str<'a> = "created_at",
    }
}

json_object! {
    /// A tweet read for its ids only (`quoted_status`), or a media item.
    IdOnly {
        id_str: Id<'a> = "id_str",
        id: Id<'a> = "id",
    }
}

json_object! {
    /// `extended_tweet`: the full text and entities of a tweet over 140 characters.
    Extended {
        full_text: Str<'a> = "full_text",
        entities: Entities<'a> = "entities",
        extended_entities: ExtendedEntities<'a> = "extended_entities",
    }
}

json_object! {
    /// `entities`.
    Entities {
        hashtags: Vec<Tag<'a>> = "hashtags",
        user_mentions: Vec<Mention<'a>> = "user_mentions",
        urls: Vec<Url<'a>> = "urls",
        media: Vec<IdOnly<'a>> = "media",
    }
}

json_object! {
    /// `extended_entities`.
    ExtendedEntities {
        media: Vec<IdOnly<'a>> = "media",
    }
}

json_object! {
    /// A hashtag entity.
    Tag {
        text: Str<'a> = "text",
        tag: Str<'a> = "tag",
    }
}

json_object! {
    /// A mention entity.
    Mention {
        screen_name: Str<'a> = "screen_name",
    }
}

json_object! {
    /// A link entity.
    Url {
        expanded_url: Str<'a> = "expanded_url",
        url: Str<'a> = "url",
    }
}

impl TweetV1<'_> {
    /// [`super::twitter::v1_notice`].
    fn notice(&self) -> Option<&'static str> {
        if self.id_str.is_some() || self.id.is_some() {
            return None;
        }
        [
            (self.delete.is_some(), "deletion notices"),
            (self.limit.is_some(), "limit notices"),
            (self.scrub_geo.is_some(), "scrub_geo notices"),
            (self.status_withheld.is_some(), "withheld notices"),
            (self.user_withheld.is_some(), "withheld notices"),
            (self.disconnect.is_some(), "disconnect notices"),
            (self.warning.is_some(), "stall warnings"),
            (self.event.is_some(), "user events"),
            (self.friends.is_some(), "friend lists"),
        ]
        .into_iter()
        .find_map(|(present, what)| present.then_some(what))
    }

    /// `v1_id`: `id_str`, else `id`.
    fn any_id(&self) -> Option<&Id<'_>> {
        self.id_str.as_ref().or(self.id.as_ref())
    }

    /// `v1_full_text`.
    fn full_text(&self) -> Option<&str> {
        s(&self.full_text)
            .or_else(|| self.extended_tweet.as_ref().and_then(|e| s(&e.full_text)))
            .or_else(|| s(&self.text))
    }

    /// `v1_entities`.
    fn entities(&self) -> Option<&Entities<'_>> {
        self.extended_tweet
            .as_ref()
            .and_then(|e| e.entities.as_ref())
            .or(self.entities.as_ref())
    }

    /// `v1_media`: the first media list of the extended tweet's, then the tweet's,
    /// `extended_entities`, then `entities`.
    fn media(&self) -> &[IdOnly<'_>] {
        let (ext_ee, ext_e) = match &self.extended_tweet {
            Some(e) => (e.extended_entities.as_ref(), e.entities.as_ref()),
            None => (self.extended_entities.as_ref(), self.entities.as_ref()),
        };
        [
            ext_ee.and_then(|x| x.media.as_deref()),
            self.extended_entities
                .as_ref()
                .and_then(|x| x.media.as_deref()),
            ext_e.and_then(|x| x.media.as_deref()),
            self.entities.as_ref().and_then(|x| x.media.as_deref()),
        ]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or(&[])
    }
}

impl IdOnly<'_> {
    fn any_id(&self) -> Option<&Id<'_>> {
        self.id_str.as_ref().or(self.id.as_ref())
    }
}

/// The typed fast path of the v1.1 reader for one record's text: the outcome, or None to
/// have the record read through a `Value` (see the module's comment).
pub(crate) fn fast_v1(record: &str, post: &mut PostRecord) -> Option<Outcome> {
    let t: TweetV1<'_> = serde_json::from_str(record).ok()?;
    if let Some(kind) = t.notice() {
        return Some(Outcome::Skip(kind));
    }
    fill_v1(&t, post).ok()?;
    Some(Outcome::Post)
}

/// [`super::twitter::fill_entities`] for v1.1 entities.
fn fill_entities(post: &mut PostRecord, ent: Option<&Entities<'_>>) {
    let Some(ent) = ent else {
        extract_hashtags(&post.text, &mut post.hashtags);
        extract_mentions(&post.text, &mut post.mentions);
        return;
    };
    match &ent.hashtags {
        Some(tags) => {
            for h in tags {
                if let Some(x) = s(&h.text).or_else(|| s(&h.tag)) {
                    push_unique(&mut post.hashtags, x);
                }
            }
        }
        None => extract_hashtags(&post.text, &mut post.hashtags),
    }
    match &ent.user_mentions {
        Some(ms) => {
            for m in ms {
                if let Some(x) = s(&m.screen_name) {
                    push_unique(&mut post.mentions, x);
                }
            }
        }
        None => extract_mentions(&post.text, &mut post.mentions),
    }
    for u in ent.urls.iter().flatten() {
        if let Some(x) = s(&u.expanded_url).or_else(|| s(&u.url)) {
            push_unique(&mut post.urls, x);
        }
    }
}

/// [`super::twitter::from_v1`] over a typed tweet. An error means "read it through a
/// `Value`": its text is not the rejection's reason.
fn fill_v1(t: &TweetV1<'_>, post: &mut PostRecord) -> Result<(), String> {
    post.clear();
    post.platform.push_str(PLATFORM);
    let id = t.any_id().ok_or("no id")?.text();
    post.id.push_str(clean_id(&id, "tweet id")?);
    let user = t.user.as_ref().ok_or("missing user")?;
    let uid = user
        .id_str
        .as_ref()
        .or(user.id.as_ref())
        .ok_or("no user id")?
        .text();
    post.author_id.push_str(clean_id(&uid, "user id")?);
    if let Some(h) = s(&user.screen_name) {
        post.author_handle.push_str(h);
    }
    post.author_created_ms = created_str_ms(s(&user.created_at));
    set_time(post, created_str_ms(s(&t.created_at)), s(&t.created_at))?;

    let rt = t.retweeted_status.as_deref();
    let content = rt.unwrap_or(t);
    if let Some(rt) = rt {
        let rid = rt.any_id().ok_or("retweeted_status has no id")?.text();
        post.repost_of = Some(clean_id(&rid, "retweeted id")?.to_string());
        let author = rt.user.as_ref().and_then(|u| s(&u.screen_name));
        retweet_text(post, author, rt.full_text(), t.full_text());
    } else {
        post.text.push_str(t.full_text().unwrap_or(""));
        let q = t
            .quoted_status_id_str
            .as_ref()
            .or(t.quoted_status_id.as_ref())
            .or_else(|| t.quoted_status.as_ref().and_then(IdOnly::any_id));
        if let Some(q) = q {
            if let Ok(q) = clean_id(&q.text(), "quoted id") {
                post.quote_of = Some(q.to_string());
            }
        }
    }
    let reply = t
        .in_reply_to_status_id_str
        .as_ref()
        .or(t.in_reply_to_status_id.as_ref());
    if let Some(r) = reply {
        if let Ok(r) = clean_id(&r.text(), "in_reply_to_status_id") {
            post.reply_to = Some(r.to_string());
        }
    }
    post.lang = lang_str(s(&t.lang));

    fill_entities(post, content.entities());
    for m in content.media() {
        if let Some(x) = m.any_id() {
            push_unique(&mut post.media, &x.text());
        }
    }
    Ok(())
}

/// What the v1.1 reader makes of a record: a notice's kind or a post, or the reason it is
/// rejected.
pub(crate) type Answer = Result<(Option<&'static str>, PostRecord), String>;

/// The answer of the `Value` path.
pub(crate) fn value_answer(record: &[u8]) -> Answer {
    let v = parse(record)?;
    let mut post = PostRecord::default();
    match v1_notice(&v) {
        Some(kind) => Ok((Some(kind), PostRecord::default())),
        None => from_v1(&v, &mut post).map(|()| (None, post)),
    }
}

/// The answer of the typed path, None where it leaves the record to the `Value` path.
fn typed_answer(record: &[u8]) -> Option<Answer> {
    let text = std::str::from_utf8(record).ok()?;
    // A used record, as in the driver: nothing of the previous post may leak.
    let mut post = PostRecord {
        text: "stale".into(),
        lang: Some("xx".into()),
        media: vec!["m".into()],
        ..PostRecord::default()
    };
    Some(Ok(match fast_v1(text, &mut post)? {
        Outcome::Skip(kind) => (Some(kind), PostRecord::default()),
        Outcome::Post => (None, post),
    }))
}

/// For tests and fuzzing: panics if the typed path answers differently from the `Value`
/// path on `record`; true if it answered at all.
pub(crate) fn typed_agrees(record: &[u8]) -> bool {
    let Some(typed) = typed_answer(record) else {
        return false;
    };
    let value = value_answer(record);
    assert!(
        typed == value,
        "typed and Value paths differ on {}:\n{typed:?}\n{value:?}",
        String::from_utf8_lossy(record)
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn agree(line: &str) -> bool {
        typed_agrees(line.as_bytes())
    }

    fn by_value(line: &str) -> Answer {
        value_answer(line.as_bytes())
    }

    // The reader tests' records (tests/readers.rs) and more of the shapes v1.1 takes.
    const RETWEET: &str = r#"{"created_at":"Wed Oct 10 20:19:24 +0000 2018","id":1050118621198921728,"id_str":"1050118621198921728","text":"RT @TwitterDev: Today we're sharing our vision for the future of the Twitter API platform, including a new developer portal and a …","truncated":false,"entities":{"hashtags":[],"user_mentions":[{"screen_name":"TwitterDev","name":"Twitter Dev","id":2244994945,"id_str":"2244994945","indices":[3,14]}],"urls":[]},"user":{"id":6253282,"id_str":"6253282","name":"Twitter API","screen_name":"TwitterAPI","created_at":"Wed May 23 06:01:13 +0000 2007","followers_count":6133636},"retweeted_status":{"created_at":"Wed Oct 10 20:00:00 +0000 2018","id":1050113739322580992,"id_str":"1050113739322580992","text":"Today we're sharing our vision for the future of the Twitter API platform, including a new developer portal and a… https://t.co/XweGngmxlP","truncated":true,"user":{"id":2244994945,"id_str":"2244994945","screen_name":"TwitterDev"},"extended_tweet":{"full_text":"Today we're sharing our vision for the future of the Twitter API platform, including a new developer portal and a new way to get started #TwitterAPI https://t.co/XweGngmxlP","entities":{"hashtags":[{"text":"TwitterAPI","indices":[137,148]}],"user_mentions":[],"urls":[{"url":"https://t.co/XweGngmxlP","expanded_url":"https://blog.twitter.com/developer/en_us/topics/tools/2018/the-future-of-twitter-api.html","display_url":"blog.twitter.com/developer/en_u…"}],"media":[{"id":1050113700000000000,"id_str":"1050113700000000000","type":"photo"}]},"extended_entities":{"media":[{"id":1050113700000000000,"id_str":"1050113700000000000","type":"photo"}]}}},"is_quote_status":false,"lang":"en"}"#;
    const QUOTE_REPLY: &str = r#"{"created_at":"Thu Oct 11 08:00:00 +0000 2018","id_str":"1050295000000000000","full_text":"@TwitterDev agreed, see #api https://t.co/abc","in_reply_to_status_id":1050113739322580992,"in_reply_to_status_id_str":"1050113739322580992","quoted_status_id_str":"1050113739322580992","is_quote_status":true,"entities":{"hashtags":[{"text":"api"}],"user_mentions":[{"screen_name":"TwitterDev"}],"urls":[{"url":"https://t.co/abc","expanded_url":"https://twitter.com/TwitterDev/status/1050113739322580992"}]},"user":{"id_str":"42","screen_name":"someone"},"lang":"und"}"#;
    const OLD: &str = r#"{"created_at":"Tue Mar 21 20:50:14 +0000 2006","id":20,"id_str":"20","text":"just setting up my twttr","user":{"id":12,"id_str":"12","screen_name":"jack"}}"#;
    const DELETE: &str =
        r#"{"delete":{"status":{"id":1,"id_str":"1","user_id":3}},"timestamp_ms":"1539200000000"}"#;
    const QUOTED_OBJECT: &str = r#"{"created_at":"Thu Oct 11 08:00:00 +0000 2018","id":1050295000000000001,"text":"short #cut @a","extended_tweet":{"full_text":"long \"text\" \u00e9\n #Tag @b https://x.y/z","entities":{"hashtags":[{"text":" Tag "},{"tag":"t2"},{}],"user_mentions":[{"screen_name":"b"},{"name":"n"}],"urls":[{"url":"https://t.co/q"},{"expanded_url":"https://x.y/z","url":"https://t.co/r"}]},"extended_entities":{"media":[{"id":7},{"id_str":"8"},{"id":-9}]}},"entities":{"media":[{"id_str":"99"}]},"extended_entities":{"media":[{"id_str":"98"}]},"quoted_status":{"id":1050113739322580992,"user":{"id":5},"text":"q"},"in_reply_to_status_id":null,"in_reply_to_status_id_str":null,"user":{"id":6253282,"screen_name":"esc\u0061ped","created_at":"2019-01-02T03:04:05Z"},"lang":"fr","retweeted_status":null}"#;
    const NO_ENTITIES: &str = r#"{"id_str":"abc","created_at":"2021-09-22T16:37:20.000Z","text":"plain #one @two #one","user":{"id_str":"u1"},"lang":""}"#;
    const RT_BARE: &str = r#"{"id_str":"1050118621198921729","text":"RT @x: cut…","user":{"id_str":" 7 "},"retweeted_status":{"id":1050113739322580993,"full_text":"orig","entities":{"media":[{"id_str":"5"}]}},"entities":{"hashtags":[{"text":"outer"}]}}"#;

    /// The first seed of tests/no_panic.rs.
    const NO_PANIC_SEED: &str = r#"{"created_at":"Wed Oct 10 20:19:24 +0000 2018","id_str":"1050118621198921728","text":"RT @a: x","user":{"id_str":"1","screen_name":"a"},"retweeted_status":{"id_str":"105011","user":{"screen_name":"b"},"full_text":"x #t"},"entities":{"hashtags":[{"text":"t"}],"urls":[{"expanded_url":"http://e"}]}}"#;

    fn fixtures() -> Vec<&'static str> {
        let mut v = vec![
            NO_PANIC_SEED,
            RETWEET,
            QUOTE_REPLY,
            OLD,
            DELETE,
            QUOTED_OBJECT,
            NO_ENTITIES,
            RT_BARE,
        ];
        // The fuzz target's seed corpus.
        v.extend(
            include_str!("../../../../fuzz/corpus/twitter_v1/tweets")
                .lines()
                .filter(|l| !l.trim().is_empty()),
        );
        v
    }

    #[test]
    fn fixtures_take_the_typed_path_and_agree() {
        for f in fixtures() {
            assert!(agree(f), "typed path did not answer for {f}");
        }
        // A few spot checks that the fixtures mean what they say.
        let (_, p) = by_value(QUOTED_OBJECT).unwrap();
        assert_eq!(p.quote_of.as_deref(), Some("1050113739322580992"));
        assert_eq!(p.media, ["7", "8", "-9"]);
        assert_eq!(p.hashtags, ["Tag", "t2"]);
        assert_eq!(p.author_handle, "escaped");
        let (_, p) = by_value(RT_BARE).unwrap();
        assert_eq!(p.text, "RT @x: cut…");
        assert_eq!(p.media, ["5"]);
        assert_eq!(p.author_id, "7");
    }

    /// Every member of `v` (recursively) in turn replaced by each of `subs` or removed.
    fn mutations(v: &Value, subs: &[Value]) -> Vec<Value> {
        let mut out = Vec::new();
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let mut gone = m.clone();
                    gone.remove(k);
                    out.push(Value::Object(gone));
                    for s in subs {
                        let mut o = m.clone();
                        o.insert(k.clone(), s.clone());
                        out.push(Value::Object(o));
                    }
                    for inner in mutations(x, subs) {
                        let mut o = m.clone();
                        o.insert(k.clone(), inner);
                        out.push(Value::Object(o));
                    }
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    for s in subs {
                        let mut o = a.clone();
                        o[i] = s.clone();
                        out.push(Value::Array(o));
                    }
                    for inner in mutations(x, subs) {
                        let mut o = a.clone();
                        o[i] = inner;
                        out.push(Value::Array(o));
                    }
                }
            }
            _ => {}
        }
        out
    }

    #[test]
    fn mutated_records_agree() {
        let subs = [
            Value::Null,
            json!(123),
            json!(-7),
            json!(1.5),
            json!(18446744073709551615u64),
            json!("s"),
            json!(""),
            json!("  "),
            json!("9.06E+17"),
            json!("und"),
            json!(true),
            json!([]),
            json!({}),
            json!([null]),
            json!([{}]),
            json!([1]),
            json!({"id_str": "5", "text": "x", "screen_name": "y"}),
        ];
        let (mut answered, mut total) = (0, 0);
        for f in fixtures() {
            let v: Value = serde_json::from_str(f).unwrap();
            for m in mutations(&v, &subs) {
                let line = serde_json::to_string(&m).unwrap();
                total += 1;
                if agree(&line) {
                    answered += 1;
                }
            }
        }
        // Many mutations are still ordinary records (2171 of 5072 when written), so the
        // typed path is exercised; the rest went to the Value path.
        assert!(answered * 3 > total, "{answered} of {total}");
    }

    #[test]
    fn text_level_oddities_agree() {
        let cases = [
            // Duplicate members: a Value keeps the last.
            r#"{"id_str":"1","id_str":"2","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            r#"{"id_str":"1","text":"a","text":"b","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            r#"{"id_str":"1","user":{"id_str":"3","id_str":"4"},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            r#"{"id_str":"1","other":1,"other":2,"user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            // Escaped keys and values.
            r#"{"id\u005fstr":"1","t\u0065xt":"\ud83d\ude00 #x","user":{"id_str":"\u0033"},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            // What a Value refuses in members nobody reads.
            r#"{"id_str":"1","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z","x":1e400}"#,
            r#"{"id_str":"1","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z","x":"\ud800"}"#,
            r#"{"id_str":"1","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z","x":"a	b"}"#,
            r#"{"id_str":"1","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z"} x"#,
            r#"{"id_str":"1","user":{"id_str":"3"},"created_at":"2021-09-22T16:37:20.000Z",}"#,
            // Not objects, and notices.
            r#"[{"id_str":"1"}]"#,
            r#""tweet""#,
            r#"null"#,
            r#"{"limit":{"track":5}}"#,
            r#"{"limit":null}"#,
            r#"{"warning":{},"id":null}"#,
            r#"{"event":"x","id":1.5}"#,
            r#"{}"#,
            // Ids of every spelling.
            r#"{"id":-1,"user":{"id":0},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            r#"{"id":1e3,"user":{"id":1},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            r#"{"id":99999999999999999999,"user":{"id":1},"created_at":"2021-09-22T16:37:20.000Z"}"#,
            r#"{"id_str":"1","user":{"id":1},"created_at":"not a date"}"#,
            r#"{"id_str":"1","user":{"id":1}}"#,
            r#"{"id_str":"1","user":"u"}"#,
            r#"{"id_str":"1"}"#,
        ];
        for c in cases {
            agree(c);
        }
        // Deep nesting in a member nobody reads: as deep as a Value allows, and deeper.
        for depth in [100, 126, 127, 128, 200] {
            let line = format!(
                r#"{{"id_str":"1","user":{{"id_str":"3"}},"created_at":"2021-09-22T16:37:20.000Z","x":{}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            );
            agree(&line);
        }
    }

    /// The typed path against the `Value` path on every line of a file:
    /// `LOCKSTEP_TYPED_CHECK=posts.jsonl cargo test -p lockstep-ingest --release typed_matches_value_on_file -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn typed_matches_value_on_file() {
        let Ok(path) = std::env::var("LOCKSTEP_TYPED_CHECK") else {
            return;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let (mut answered, mut total) = (0u64, 0u64);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            total += 1;
            if agree(line) {
                answered += 1;
            }
        }
        println!("typed path answered {answered} of {total} lines, all as the Value path");
    }
}
