//! The generator's word lists (subjects, verbs, names, hashtags, phrases in English and
//! Chinese, …) live in data files under `data/`, one entry per line, so that editing the
//! vocabulary does not touch code. They are compiled in with `include_str!` and split on
//! first use.
//!
//! File format: UTF-8, one entry per line, every line ends with a newline; an empty line
//! is an empty entry (a list that sometimes adds nothing); leading spaces belong to the
//! entry. The order is the order of the list (generation picks entries by index, so
//! reordering a file changes the generated data).

use std::sync::LazyLock;

/// A word list read from a data file on first use.
pub(crate) type Words = LazyLock<Vec<&'static str>>;

/// The entries of a word-list file: its lines.
pub(crate) fn entries(text: &'static str) -> Vec<&'static str> {
    text.lines().collect()
}

/// A [`Words`] list from `data/FILE`.
macro_rules! words {
    ($file:literal) => {
        std::sync::LazyLock::new(|| {
            crate::words::entries(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/",
                $file
            )))
        })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lines_are_entries_and_leading_spaces_stay() {
        assert_eq!(entries("a\n\n b\n\n"), ["a", "", " b", ""]);
        assert!(entries("").is_empty());
    }

    #[test]
    fn every_list_file_ends_with_a_newline_and_has_no_trailing_spaces() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let mut files = 0;
        for sub in std::fs::read_dir(&dir).expect("data dir") {
            let sub = sub.expect("entry").path();
            if !sub.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&sub).expect("list dir") {
                let f = f.expect("entry").path();
                let text = std::fs::read_to_string(&f).expect("utf-8 list");
                assert!(
                    text.ends_with('\n'),
                    "{} must end with a newline",
                    f.display()
                );
                assert!(
                    text.lines().all(|l| l == l.trim_end()),
                    "{} has trailing whitespace",
                    f.display()
                );
                files += 1;
            }
        }
        assert!(files >= 60, "word lists found: {files}");
    }
}
