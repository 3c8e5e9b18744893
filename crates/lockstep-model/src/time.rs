//! Time, once for every crate: the proleptic Gregorian calendar on day counts, RFC 3339
//! text out and in, durations as people write them, and the co-action [`Window`].
//!
//! Everything is milliseconds since the Unix epoch, UTC ([`TimeMs`]). Written by hand
//! rather than with `chrono` or `jiff`: the engine needs a handful of small functions
//! (Howard Hinnant's two calendar algorithms, two formatters, a strict and a lenient
//! parser, a duration parser), and a date-time crate would add a dependency to the lowest
//! crate of the stack. Readers that accept many input layouts (`lockstep-ingest`'s
//! `timefmt`) build on the calendar here.

use crate::TimeMs;
use std::fmt;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The civil date and time of day of `ms`: (year, month, day, hour, minute, second,
/// millisecond).
fn fields(ms: TimeMs) -> (i64, u32, u32, i64, i64, i64, i64) {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let rem = ms.rem_euclid(DAY_MS);
    (
        y,
        m,
        d,
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    )
}

/// RFC 3339 UTC text of a Unix time in milliseconds (`2025-08-01T12:00:05Z`, with
/// milliseconds only when there are some): how every lockstep output writes a time.
pub fn rfc3339(ms: TimeMs) -> String {
    let (y, m, d, h, mi, s, milli) = fields(ms);
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

/// RFC 3339 UTC text with milliseconds always written (`2025-08-01T12:00:05.000Z`), as
/// Bluesky clients write `createdAt`.
pub fn rfc3339_millis(ms: TimeMs) -> String {
    let (y, m, d, h, mi, s, milli) = fields(ms);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// Civil date of a Unix time in UTC, `YYYY-MM-DD`.
pub fn date(ms: TimeMs) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Milliseconds since the Unix epoch of strict RFC 3339 text,
/// `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (`T`, `t` or a space between date and time; no
/// offset means UTC; digits after the third of the fraction are ignored): what
/// [`rfc3339`] writes reads back. `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<TimeMs> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d, h, mi, sec) = (
        n(0..4)?,
        n(5..7)?,
        n(8..10)?,
        n(11..13)?,
        n(14..16)?,
        n(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &s[start..i];
        if frac.is_empty() {
            return None;
        }
        let mut digits: String = frac.chars().take(3).collect();
        while digits.len() < 3 {
            digits.push('0');
        }
        ms = digits.parse().ok()?;
    }
    let offset_min = match &s[i..] {
        "Z" | "z" | "" => 0,
        tz if tz.len() == 6
            && matches!(tz.as_bytes()[0], b'+' | b'-')
            && tz.as_bytes()[3] == b':' =>
        {
            let hh: i64 = tz[1..3].parse().ok()?;
            let mm: i64 = tz[4..6].parse().ok()?;
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (hh * 60 + mm)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60) * 1000) + ms)
}

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Milliseconds since the Unix epoch of `s`, leniently: RFC 3339 / ISO 8601
/// (`2025-08-01T07:40:00Z`, `2025-08-01 07:40:00+08:00`, `2025-08-01T07:40`, `2025-08-01`;
/// no offset means UTC), or a Unix epoch in seconds (up to 11 digits) or milliseconds.
pub fn parse_timestamp(s: &str) -> Option<TimeMs> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(n) = num(s) {
        return Some(if s.len() <= 11 { n * 1000 } else { n });
    }
    if let Ok(x) = s.parse::<f64>() {
        if x.is_finite() && x.abs() < 1e11 {
            return Some((x * 1000.0).round() as i64);
        }
    }
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = num(&s[0..4])?;
    let mo = num(&s[5..7])? as u32;
    let d = num(&s[8..10])? as u32;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // Time part ends where the offset starts.
    let off_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(off_at);
    let mut parts = clock.split(':');
    let h = num(parts.next()?)?;
    let mi = num(parts.next()?)?;
    let (sec, frac) = match parts.next() {
        Some(x) => match x.split_once(['.', ',']) {
            Some((a, f)) => (num(a)?, f),
            None => (num(x)?, ""),
        },
        None => (0, ""),
    };
    if parts.next().is_some() || h > 24 || mi > 59 || sec > 60 {
        return None;
    }
    let mut milli = 0i64;
    for (i, c) in frac.bytes().take(3).enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        milli += (c - b'0') as i64 * [100, 10, 1][i];
    }
    ms += ((h * 60 + mi) * 60 + sec) * 1000 + milli;
    match zone {
        "" | "Z" | "z" => Some(ms),
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let z = &z[1..];
            let (oh, om) = match z.split_once(':') {
                Some((a, b)) => (num(a)?, num(b)?),
                None if z.len() == 4 => (num(&z[..2])?, num(&z[2..])?),
                None => (num(z)?, 0),
            };
            Some(ms - sign * (oh * 60 + om) * 60_000)
        }
    }
}

/// Parse `60`, `90s`, `5m`, `1h`, `2d` (or `250ms`) into milliseconds; a bare number is
/// seconds.
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("bad duration '{s}'"))?;
    let mult = match unit {
        "ms" => 1.0,
        "s" | "sec" => 1000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return Err(format!("bad duration unit in '{s}' (use ms, s, m, h or d)")),
    };
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("bad duration '{s}'"));
    }
    Ok((v * mult).round() as i64)
}

/// A co-action window: two acts on one object count together when their times are at
/// most this far apart (inclusive). Kept as given (`60`, `90s`, `5m`, `1h`) for outputs
/// that echo it, and in milliseconds for the kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    given: String,
    ms: i64,
}

impl Window {
    /// Parse a duration ([`parse_duration_ms`]); the error is the parser's message.
    pub fn parse(s: &str) -> Result<Window, String> {
        let ms = parse_duration_ms(s)?;
        Ok(Window {
            given: s.to_string(),
            ms,
        })
    }

    /// The window in milliseconds.
    pub fn ms(&self) -> i64 {
        self.ms
    }

    /// The window as given.
    pub fn as_str(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips_and_knows_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        for d in (-800_000..800_000).step_by(97) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d, "{y}-{m}-{dd}");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_754_006_405_250), "2025-08-01T00:00:05.250Z");
        assert_eq!(rfc3339(-1000), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_754_006_661_250),
            "2025-08-01T00:04:21.250Z"
        );
        assert_eq!(rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(date(1_754_006_405_250), "2025-08-01");
        assert_eq!(date(-1), "1969-12-31");
    }

    #[test]
    fn parses_what_it_writes_and_nothing_loose() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2025-08-01T00:00:05.250Z"),
            Some(1_754_006_405_250)
        );
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(
            parse_rfc3339("2025-08-01T08:00:05+08:00"),
            Some(1_754_006_405_000)
        );
        for bad in [
            "",
            "2025-13-01T00:00:00Z",
            "2025-08-01",
            "x025-08-01T00:00:00Z",
            "2025-08-01T00:00:00Q",
            "2025-08-01T00:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        for ms in [0i64, 1_754_006_405_250, -86_400_001, 4_102_444_800_000] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
            assert_eq!(parse_rfc3339(&rfc3339_millis(ms)), Some(ms));
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("60"), Ok(60_000));
        assert_eq!(parse_duration_ms("90s"), Ok(90_000));
        assert_eq!(parse_duration_ms("5m"), Ok(300_000));
        assert_eq!(parse_duration_ms("1.5h"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert!(parse_duration_ms("5 parsecs").is_err());
        assert!(parse_duration_ms("-1").is_err());
    }

    #[test]
    fn windows_keep_their_text() {
        let w = Window::parse("5m").expect("valid");
        assert_eq!(
            (w.ms(), w.as_str(), w.to_string()),
            (300_000, "5m", "5m".into())
        );
        assert!(Window::parse("soon").is_err());
    }

    #[test]
    fn timestamps_in_common_forms() {
        let t = 1_754_034_000_000; // 2025-08-01T07:40:00Z
        assert_eq!(parse_timestamp("2025-08-01T07:40:00Z"), Some(t));
        assert_eq!(parse_timestamp("2025-08-01T15:40:00+08:00"), Some(t));
        assert_eq!(parse_timestamp("2025-08-01 07:40:00"), Some(t));
        assert_eq!(parse_timestamp("2025-08-01T07:40"), Some(t));
        assert_eq!(parse_timestamp("2025-08-01T07:40:00.250Z"), Some(t + 250));
        assert_eq!(parse_timestamp("2025-08-01T03:40:00-0400"), Some(t));
        assert_eq!(parse_timestamp("1754034000"), Some(t));
        assert_eq!(parse_timestamp("1754034000000"), Some(t));
        assert_eq!(
            parse_timestamp("2025-08-01"),
            Some(t - (7 * 60 + 40) * 60_000)
        );
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("2025-13-01"), None);
        assert_eq!(parse_timestamp(""), None);
    }
}
