//! How precisely a post's time is known.
//!
//! Weibo crawlers write minutes (`2020-04-02 08:52`), some exports write crawl-relative
//! stamps (`3分钟前`, `昨天 12:30`) that are only approximately right, and Twitter ids carry
//! milliseconds. A 60 s window means something different on each: detection widens windows
//! finer than the data and compares times on the data's own grid.

use serde::{Deserialize, Serialize};

/// The resolution of a post's time, from finest to coarsest.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TimePrecision {
    /// Milliseconds or finer (Twitter snowflakes, Unix milliseconds, Jetstream).
    Millisecond,
    /// Whole seconds: the default of most exports (`created_at` strings, Unix seconds).
    #[default]
    Second,
    /// Whole minutes (Weibo `发布时间`, CHECKED `date`, Twitter IO `tweet_time`).
    Minute,
    /// Resolved from a relative stamp (`刚刚`, `N分钟前`, `昨天`) against a crawl time:
    /// off by an unknown amount, up to a day.
    Approximate,
}

impl TimePrecision {
    /// Every precision, finest first.
    pub const ALL: [TimePrecision; 4] = [
        TimePrecision::Millisecond,
        TimePrecision::Second,
        TimePrecision::Minute,
        TimePrecision::Approximate,
    ];

    /// Stable lower-case name, as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            TimePrecision::Millisecond => "millisecond",
            TimePrecision::Second => "second",
            TimePrecision::Minute => "minute",
            TimePrecision::Approximate => "approximate",
        }
    }

    /// The grid step of times at this precision, in milliseconds; `None` for approximate
    /// times, which sit on no grid.
    pub fn step_ms(self) -> Option<i64> {
        match self {
            TimePrecision::Millisecond => Some(1),
            TimePrecision::Second => Some(1_000),
            TimePrecision::Minute => Some(60_000),
            TimePrecision::Approximate => None,
        }
    }
}

impl std::fmt::Display for TimePrecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TimePrecision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TimePrecision::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                format!("unknown time precision '{s}' (millisecond, second, minute, approximate)")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_finest_first_and_named() {
        assert!(TimePrecision::Millisecond < TimePrecision::Minute);
        assert!(TimePrecision::Minute < TimePrecision::Approximate);
        for p in TimePrecision::ALL {
            assert_eq!(p.as_str().parse::<TimePrecision>(), Ok(p));
        }
        assert_eq!(TimePrecision::Minute.step_ms(), Some(60_000));
        assert_eq!(TimePrecision::Approximate.step_ms(), None);
    }
}
