//! The in-memory post the generator produces before it is written out.

use std::rc::Rc;

/// Text and entities of an original post or a reply.
#[derive(Debug, Clone, Default)]
pub(crate) struct Content {
    /// Full text as shown, with `#tags`, `@mentions` and t.co links in it.
    pub text: String,
    /// Expanded URLs, in the order their short links appear in the text.
    pub urls: Vec<String>,
    /// Hashtags without `#`, in text order.
    pub tags: Vec<String>,
    /// Mentioned accounts (dense account indices), in text order.
    pub mentions: Vec<u32>,
}

/// What kind of post this is.
#[derive(Debug)]
pub(crate) enum Body {
    /// An original post.
    Original(Content),
    /// A reply to another post.
    Reply {
        /// Id of the post replied to.
        to_id: u64,
        /// Account that wrote the post replied to.
        to_user: u32,
        /// Text of the reply (starts with `@to_user`).
        content: Content,
    },
    /// A retweet of an original post.
    Retweet(Rc<Tweet>),
}

/// One generated post.
#[derive(Debug)]
pub(crate) struct Tweet {
    /// Snowflake id, consistent with `ts`.
    pub id: u64,
    /// Unix seconds.
    pub ts: i64,
    /// Author (dense account index).
    pub user: u32,
    /// Whether the text is Chinese (`lang` = `zh`), else English.
    pub zh: bool,
    /// Original, reply or retweet.
    pub body: Body,
    /// Planted-post truth: 0 for none, else 1 + index into the engine's marks.
    pub mark: u32,
}

impl Tweet {
    /// Text and entities of the post itself, or of the retweeted post for a retweet.
    pub(crate) fn content(&self) -> &Content {
        match &self.body {
            Body::Original(c) => c,
            Body::Reply { content, .. } => content,
            Body::Retweet(orig) => orig.content(),
        }
    }
}
