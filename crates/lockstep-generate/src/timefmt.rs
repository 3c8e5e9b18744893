//! Time helpers: Twitter snowflake ids, Twitter's `created_at` format, and the diurnal
//! activity curve.

use std::collections::BTreeMap;

/// Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
pub const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

/// Start of every generated collection: 2025-08-01T00:00:00Z in Unix seconds.
pub const COLLECTION_START: i64 = 1_754_006_400;

/// Most ids one millisecond of snowflake space can hold (12-bit sequence).
const SEQ_PER_MS: u16 = 4096;

/// Builds the snowflake for a whole-second timestamp and a per-millisecond sequence number.
#[inline]
pub fn snowflake(ts_seconds: i64, seq: u16) -> u64 {
    let ms = ts_seconds * 1000 - TWITTER_EPOCH_MS;
    ((ms.max(0) as u64) << 22) | u64::from(seq & 0x0fff)
}

/// Recovers the Unix time in milliseconds encoded in a snowflake id.
#[inline]
pub fn snowflake_time_ms(id: u64) -> i64 {
    (id >> 22) as i64 + TWITTER_EPOCH_MS
}

/// Hands out unique snowflake ids. Posts are stamped with whole seconds, so the 4096
/// sequence numbers of the second's first millisecond are used; a post that would overflow
/// them moves to the next second.
#[derive(Debug, Default)]
pub(crate) struct IdAllocator {
    used: BTreeMap<i64, u16>,
}

impl IdAllocator {
    /// Returns `(timestamp, id)`; the timestamp is `ts` or, if that second is full, later.
    pub(crate) fn alloc(&mut self, mut ts: i64) -> (i64, u64) {
        loop {
            let count = self.used.entry(ts).or_insert(0);
            if *count < SEQ_PER_MS {
                let id = snowflake(ts, *count);
                *count += 1;
                return (ts, id);
            }
            ts += 1;
        }
    }

    /// Forgets every second before `ts` (no id will be asked for them again).
    pub(crate) fn forget_before(&mut self, ts: i64) {
        self.used = self.used.split_off(&ts);
    }
}

/// Calendar fields of a Unix timestamp (UTC): year, month, day, hour, minute, second, weekday
/// (0 = Sunday).
pub(crate) fn utc_fields(ts: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (y, m, d) = lockstep_model::time::civil_from_days(days);
    let weekday = (days + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday.
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        ((secs / 60) % 60) as u32,
        (secs % 60) as u32,
        weekday,
    )
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A timestamp in Twitter's `created_at` format, e.g. `Wed Oct 10 20:19:24 +0000 2018`,
/// formatted without allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TwitterTime {
    buf: [u8; 30],
    len: usize,
}

impl TwitterTime {
    /// Formats a Unix timestamp in seconds.
    pub(crate) fn new(ts: i64) -> Self {
        let (y, m, d, hh, mm, ss, wd) = utc_fields(ts);
        let mut buf = [b' '; 30];
        let mut len = 0;
        let mut put = |bytes: &[u8]| {
            for &b in bytes {
                if len < buf.len() {
                    buf[len] = b;
                    len += 1;
                }
            }
        };
        put(WEEKDAYS[wd as usize % 7].as_bytes());
        put(b" ");
        put(MONTHS[(m as usize + 11) % 12].as_bytes());
        put(b" ");
        put(&two(d));
        put(b" ");
        put(&two(hh));
        put(b":");
        put(&two(mm));
        put(b":");
        put(&two(ss));
        put(b" +0000 ");
        let mut year = itoa::Buffer::new();
        put(year.format(y).as_bytes());
        Self { buf, len }
    }

    /// The formatted text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// A timestamp in RFC 3339 (UTC), e.g. `2025-08-01T07:00:00Z`.
pub(crate) fn rfc3339(ts: i64) -> String {
    lockstep_model::time::rfc3339(ts * 1000)
}

fn two(v: u32) -> [u8; 2] {
    [b'0' + ((v / 10) % 10) as u8, b'0' + (v % 10) as u8]
}

impl serde::Serialize for TwitterTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Activity of one population over its local day: lowest around 04:00, highest around
/// 16:00–20:00, never zero.
pub(crate) fn day_curve(local_hour: f64) -> f64 {
    let phase = ((local_hour - 4.0) / 24.0) * std::f64::consts::TAU;
    let x = (1.0 - phase.cos()) / 2.0; // 0 at 04:00, 1 at 16:00
    0.12 + 0.88 * x.powf(1.3)
}

/// Relative posting activity at Unix time `ts`: a mix of users in three time zones
/// (Americas UTC-4 55 %, Europe UTC+1 30 %, East Asia UTC+8 15 %).
pub(crate) fn diurnal_weight(ts: i64) -> f64 {
    let hour = ts.rem_euclid(86_400) as f64 / 3600.0;
    let local = |offset: f64| (hour + offset).rem_euclid(24.0);
    0.55 * day_curve(local(-4.0)) + 0.30 * day_curve(local(1.0)) + 0.15 * day_curve(local(8.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twitter_format_matches_known_value() {
        // 2018-10-10T20:19:24Z
        assert_eq!(
            TwitterTime::new(1_539_202_764).as_str(),
            "Wed Oct 10 20:19:24 +0000 2018"
        );
        assert_eq!(
            TwitterTime::new(COLLECTION_START).as_str(),
            "Fri Aug 01 00:00:00 +0000 2025"
        );
    }

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(COLLECTION_START), "2025-08-01T00:00:00Z");
        assert_eq!(
            rfc3339(COLLECTION_START + 7 * 3600 + 61),
            "2025-08-01T07:01:01Z"
        );
    }

    #[test]
    fn snowflake_roundtrip_and_overflow() {
        let mut ids = IdAllocator::default();
        let (ts, id) = ids.alloc(COLLECTION_START);
        assert_eq!(ts, COLLECTION_START);
        assert_eq!(snowflake_time_ms(id), COLLECTION_START * 1000);
        for _ in 1..4096 {
            ids.alloc(COLLECTION_START);
        }
        let (ts2, id2) = ids.alloc(COLLECTION_START);
        assert_eq!(ts2, COLLECTION_START + 1);
        assert!(id2 > id);
        ids.forget_before(COLLECTION_START + 1);
        assert_eq!(ids.used.len(), 1);
    }

    #[test]
    fn diurnal_has_day_and_night() {
        let w: Vec<f64> = (0..24).map(|h| diurnal_weight(h * 3600)).collect();
        let max = w.iter().cloned().fold(0.0, f64::max);
        let min = w.iter().cloned().fold(f64::MAX, f64::min);
        assert!(max > 1.8 * min, "{w:?}");
    }
}
