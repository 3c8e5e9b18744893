use std::fmt;
use std::str::FromStr;

/// A kind of coordinated behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Behaviour {
    /// Re-sharing the same post (retweet, reblog, repost, forward).
    CoRepost,
    /// Sharing the same link (canonical URL).
    CoLink,
    /// Posting the same text (after normalisation).
    CoText,
    /// Posting near-identical text.
    CoSimilar,
    /// Replying to the same post.
    CoReply,
    /// Posting the same set of hashtags.
    CoHashtag,
    /// Posting anything at the same time: the density baseline.
    CoPost,
    /// Sharing the same explicitly named object (CooRTweet's long format).
    CoObject,
}

impl Behaviour {
    /// Every behaviour, in output order.
    pub const ALL: [Behaviour; 8] = [
        Behaviour::CoRepost,
        Behaviour::CoLink,
        Behaviour::CoText,
        Behaviour::CoSimilar,
        Behaviour::CoReply,
        Behaviour::CoHashtag,
        Behaviour::CoPost,
        Behaviour::CoObject,
    ];

    /// The name used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Behaviour::CoRepost => "co-repost",
            Behaviour::CoLink => "co-link",
            Behaviour::CoText => "co-text",
            Behaviour::CoSimilar => "co-similar",
            Behaviour::CoReply => "co-reply",
            Behaviour::CoHashtag => "co-hashtag",
            Behaviour::CoPost => "co-post",
            Behaviour::CoObject => "co-object",
        }
    }

    /// coordination-network-toolkit's name for the same network, where it has one.
    pub fn cnt_name(self) -> Option<&'static str> {
        match self {
            Behaviour::CoRepost => Some("co_retweet"),
            Behaviour::CoLink => Some("co_link"),
            Behaviour::CoText => Some("co_tweet"),
            Behaviour::CoSimilar => Some("co_similar_tweet"),
            Behaviour::CoReply => Some("co_reply"),
            Behaviour::CoPost => Some("co_post"),
            Behaviour::CoHashtag | Behaviour::CoObject => None,
        }
    }
}

impl fmt::Display for Behaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Behaviour {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        Behaviour::ALL
            .into_iter()
            .find(|b| {
                b.name() == norm || b.cnt_name().map(|c| c.replace('_', "-")) == Some(norm.clone())
            })
            .or(match norm.as_str() {
                "co-retweet" => Some(Behaviour::CoRepost),
                "co-tweet" => Some(Behaviour::CoText),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "unknown behaviour '{s}' (known: {})",
                    Behaviour::ALL.map(|b| b.name()).join(", ")
                )
            })
    }
}

/// Whose rules decide what counts as a co-action and how edges are weighed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Semantics {
    /// lockstep's own: canonical URLs, full text normalisation, undirected edges with statistics.
    Native,
    /// coordination-network-toolkit 1.5.2: raw URLs, its text preprocessor, directed edges.
    Cnt,
    /// CooRTweet 2.1: every pair of shares in the window, min participation, quantile flag.
    Coortweet,
}

impl FromStr for Semantics {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "native" => Ok(Semantics::Native),
            "cnt" => Ok(Semantics::Cnt),
            "coortweet" => Ok(Semantics::Coortweet),
            _ => Err(format!(
                "unknown semantics '{s}' (known: native, cnt, coortweet)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip() {
        for b in Behaviour::ALL {
            assert_eq!(b.name().parse::<Behaviour>(), Ok(b));
        }
        assert_eq!("co_retweet".parse::<Behaviour>(), Ok(Behaviour::CoRepost));
        assert_eq!("co_tweet".parse::<Behaviour>(), Ok(Behaviour::CoText));
        assert!("co-nothing".parse::<Behaviour>().is_err());
    }
}
