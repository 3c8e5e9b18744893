//! Which behaviours an input gives something to work on, and what to tell the user when
//! the behaviour they asked for has nothing.

use crate::Behaviour;
use lockstep_model::{PostTable, NONE};

/// What a table holds for the behaviours, as far as their events go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Posts at all.
    pub posts: bool,
    /// Reposts (co-repost).
    pub reposts: bool,
    /// Links on posts other than reposts (co-link).
    pub links: bool,
    /// Text on posts other than reposts (co-text, co-similar).
    pub texts: bool,
    /// Replies other than reposts (co-reply).
    pub replies: bool,
    /// Hashtags on posts other than reposts (co-hashtag).
    pub hashtags: bool,
    /// Explicitly named objects (co-object: CooRTweet's long format).
    pub objects: bool,
}

impl Holdings {
    /// Scan `table` once.
    pub fn of(table: &PostTable) -> Self {
        let mut h = Holdings {
            posts: !table.is_empty(),
            objects: !table.object_refs().is_empty(),
            ..Default::default()
        };
        for p in 0..table.len() as u32 {
            if table.repost_of(p) != NONE {
                h.reposts = true;
                continue;
            }
            h.links |= !table.url_syms(p).is_empty();
            h.texts |= !table.text(p).trim().is_empty();
            h.replies |= table.reply_to(p) != NONE;
            h.hashtags |= !table.hashtag_syms(p).is_empty();
        }
        h
    }

    /// True if `b` has candidate events here (co-similar: texts to compare).
    pub fn has(&self, b: Behaviour) -> bool {
        match b {
            Behaviour::CoRepost => self.reposts,
            Behaviour::CoLink => self.links,
            Behaviour::CoText | Behaviour::CoSimilar => self.texts,
            Behaviour::CoReply => self.replies,
            Behaviour::CoHashtag => self.hashtags,
            Behaviour::CoPost => self.posts,
            Behaviour::CoObject => self.objects,
        }
    }
}

/// The warning for a behaviour whose trace came out empty: what the input lacks and the
/// behaviour that fits it, naming the command-line option (`--behaviour`,
/// `--behaviours`). For example: "co-repost: no post in the input is a repost; this input
/// names explicit objects: use --behaviour co-object".
pub fn nothing_to_work_on(table: &PostTable, behaviour: Behaviour, option: &str) -> String {
    let h = Holdings::of(table);
    let lack = match behaviour {
        Behaviour::CoRepost => "no post in the input is a repost",
        Behaviour::CoLink => "no post in the input (reposts aside) has a link",
        Behaviour::CoText => "no post in the input (reposts aside) has text to compare",
        Behaviour::CoSimilar if h.texts => {
            "no two posts in the input (reposts aside) are near-duplicates"
        }
        Behaviour::CoSimilar => "no post in the input (reposts aside) has text to compare",
        Behaviour::CoReply => "no post in the input (reposts aside) is a reply",
        Behaviour::CoHashtag => "no post in the input (reposts aside) has hashtags",
        Behaviour::CoPost => "the input has no posts",
        Behaviour::CoObject => {
            "the input names no explicit objects (only CooRTweet's long format, with its \
             object_id column, does)"
        }
    };
    let hint = if h.objects && behaviour != Behaviour::CoObject {
        format!("this input names explicit objects: use {option} co-object")
    } else {
        let fits: Vec<&str> = Behaviour::ALL
            .into_iter()
            .filter(|&b| b != behaviour && b != Behaviour::CoPost && h.has(b))
            .map(Behaviour::name)
            .collect();
        match fits.as_slice() {
            [] if h.posts => format!(
                "the input holds posts and their times only: {option} co-post (any two posts) \
                 is what applies"
            ),
            [] => "nothing to analyse".to_string(),
            [one] => format!("use {option} {one}"),
            many => format!("behaviours that fit this input: {}", many.join(", ")),
        }
    };
    format!("{behaviour}: {lack}; {hint}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::PostRecord;

    fn table(rows: &[PostRecord]) -> PostTable {
        let mut t = PostTable::new();
        for r in rows {
            t.push(r);
        }
        t
    }

    #[test]
    fn long_format_points_to_co_object() {
        let t = table(&[PostRecord {
            id: "c1".into(),
            author_id: "a".into(),
            objects: vec!["o1".into()],
            ..Default::default()
        }]);
        assert_eq!(
            nothing_to_work_on(&t, Behaviour::CoRepost, "--behaviour"),
            "co-repost: no post in the input is a repost; this input names explicit objects: \
             use --behaviour co-object"
        );
    }

    #[test]
    fn names_what_fits() {
        let t = table(&[
            PostRecord {
                id: "1".into(),
                author_id: "a".into(),
                repost_of: Some("9".into()),
                ..Default::default()
            },
            PostRecord {
                id: "2".into(),
                author_id: "a".into(),
                text: "hello".into(),
                urls: vec!["https://x.org".into()],
                ..Default::default()
            },
        ]);
        assert_eq!(
            nothing_to_work_on(&t, Behaviour::CoObject, "--behaviours"),
            "co-object: the input names no explicit objects (only CooRTweet's long format, with \
             its object_id column, does); behaviours that fit this input: co-repost, co-link, \
             co-text, co-similar"
        );
        let bare = table(&[PostRecord {
            id: "1".into(),
            author_id: "a".into(),
            ..Default::default()
        }]);
        assert!(nothing_to_work_on(&bare, Behaviour::CoReply, "--behaviour")
            .ends_with("--behaviour co-post (any two posts) is what applies"));
    }
}
