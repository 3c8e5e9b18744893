//! Which behaviours an input gives something to work on, and what to tell the user when
//! the behaviour they asked for has nothing.

use crate::Behaviour;
use lockstep_model::PostTable;

/// The warning for a behaviour whose trace came out empty: what the input lacks and the
/// behaviour that fits it, naming the command-line option (`--behaviour`,
/// `--behaviours`). For example: "co-repost: no post in the input is a repost; this input
/// names explicit objects: use --behaviour co-object".
pub fn nothing_to_work_on(table: &PostTable, behaviour: Behaviour, option: &str) -> String {
    let has = |b: Behaviour| (b.spec().supported)(table);
    let lack = (behaviour.spec().lack)(table);
    let hint = if has(Behaviour::CoObject) && behaviour != Behaviour::CoObject {
        format!("this input names explicit objects: use {option} co-object")
    } else {
        let fits: Vec<&str> = Behaviour::ALL
            .into_iter()
            .filter(|&b| b != behaviour && b != Behaviour::CoPost && has(b))
            .map(Behaviour::name)
            .collect();
        match fits.as_slice() {
            [] if !table.is_empty() => format!(
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
