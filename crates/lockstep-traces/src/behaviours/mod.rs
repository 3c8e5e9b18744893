//! The behaviour registry: every behaviour is one line of [`registry!`] below and one file
//! of this directory holding its [`Spec`] (name, the toolkit's name, whether the data
//! supports it, how its trace is extracted, default windows, whether it is authored text)
//! — the layout of ruff's rule registry (`codes.rs`: one line per rule, one file per
//! rule). The [`Behaviour`] enum, [`Behaviour::ALL`] and [`Behaviour::spec`] are generated
//! from the registry, so adding a behaviour is a new file and a new line, and every crate
//! that asks a behaviour what it is (`name`, `spec().windows_ms`, `spec().authored`, ...)
//! knows it at once.

use crate::{Event, ObjectSpace, Semantics};
use lockstep_model::PostTable;

/// Events of a behaviour's trace, unsorted, and what their object numbers mean.
pub type Extracted = (Vec<Event>, ObjectSpace);

/// Everything lockstep knows about one behaviour.
#[derive(Clone, Copy)]
pub struct Spec {
    /// The name used on the command line and in outputs (`co-repost`).
    pub name: &'static str,
    /// coordination-network-toolkit's name for the same network, where it has one.
    pub cnt_name: Option<&'static str>,
    /// Other names accepted on the command line (CooRTweet's, older ones).
    pub aliases: &'static [&'static str],
    /// What two accounts do the same, in words.
    pub about: &'static str,
    /// Whether the object is text the accounts wrote themselves (co-text, co-similar):
    /// bursts of many accounts on it are evidence, where bursts of reposting or linking
    /// something popular are what crowds do.
    pub authored: bool,
    /// Whether `analyze` tests it by default when the data supports it (`false`: only
    /// when named with `--behaviours`).
    pub default: bool,
    /// Whether one post can act on several objects (links, media), so per-post counts
    /// are deduplicated across objects.
    pub multi_object: bool,
    /// Windows tested by default, milliseconds: a tight one for synchronised bursts and a
    /// wide one for slow rings.
    pub windows_ms: &'static [i64],
    /// Whether the table holds anything this behaviour works on.
    pub supported: fn(&PostTable) -> bool,
    /// What the input lacks when the trace comes out empty, for the warning.
    pub lack: fn(&PostTable) -> &'static str,
    /// The trace's events under the given semantics; `None` for a behaviour derived
    /// elsewhere (co-similar: lockstep-similar's templates).
    pub extract: Option<fn(&PostTable, Semantics) -> Extracted>,
}

/// Windows of most behaviours: one minute and fifteen minutes.
pub const MINUTE_AND_QUARTER: &[i64] = &[60_000, 900_000];

macro_rules! registry {
    ($($variant:ident => $module:ident, $doc:literal;)+) => {
        $(mod $module;)+

        /// A kind of coordinated behaviour (see the registry in `behaviours/mod.rs`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Behaviour {
            $(#[doc = $doc] $variant,)+
        }

        impl Behaviour {
            /// Every behaviour, in output order.
            pub const ALL: [Behaviour; [$(stringify!($variant)),+].len()] =
                [$(Behaviour::$variant),+];

            /// What lockstep knows about this behaviour.
            pub fn spec(self) -> &'static Spec {
                match self {
                    $(Behaviour::$variant => &$module::SPEC,)+
                }
            }
        }
    };
}

// One line per behaviour, in output order: variant, file, what it is. The file holds
// the rest.
#[rustfmt::skip]
registry! {
    CoRepost => co_repost, "Re-sharing the same post (retweet, reblog, repost, forward).";
    CoLink => co_link, "Sharing the same link (canonical URL).";
    CoText => co_text, "Posting the same text (after normalisation).";
    CoSimilar => co_similar, "Posting near-identical text.";
    CoReply => co_reply, "Replying to the same post.";
    CoHashtag => co_hashtag, "Posting the same set of hashtags.";
    CoPost => co_post, "Posting anything at the same time: the density baseline.";
    CoObject => co_object, "Sharing the same explicitly named object (CooRTweet's long format).";
    CoMention => co_mention, "Mentioning the same set of accounts.";
    CoImage => co_image, "Posting the same image or video (media id or content hash).";
}
