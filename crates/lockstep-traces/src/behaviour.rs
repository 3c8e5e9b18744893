use std::fmt;
use std::str::FromStr;

pub use crate::behaviours::{Behaviour, Spec};

impl Behaviour {
    /// The name used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// coordination-network-toolkit's name for the same network, where it has one.
    pub fn cnt_name(self) -> Option<&'static str> {
        self.spec().cnt_name
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
        let named = |b: &Behaviour| {
            let spec = b.spec();
            spec.name == norm
                || spec.cnt_name.map(|c| c.replace('_', "-")) == Some(norm.clone())
                || spec.aliases.contains(&norm.as_str())
        };
        Behaviour::ALL.into_iter().find(named).ok_or_else(|| {
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
