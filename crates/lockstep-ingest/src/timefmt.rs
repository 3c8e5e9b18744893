//! Timestamp parsing shared by the readers. Everything becomes milliseconds since the Unix
//! epoch, UTC.

/// Unix seconds, possibly fractional (`1629072000`, `1629072000.25`, ` 1.6e9 `), as
/// milliseconds. Rejects NaN, infinities and values beyond year ±100000.
pub fn unix_seconds_to_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Integers are the common case: parse them exactly.
    if let Ok(secs) = s.parse::<i64>() {
        return secs.checked_mul(1000).filter(|ms| ms.abs() < MAX_MS);
    }
    let secs: f64 = s.parse().ok()?;
    if !secs.is_finite() {
        return None;
    }
    let ms = (secs * 1000.0).round();
    (ms.abs() < MAX_MS as f64).then_some(ms as i64)
}

const MAX_MS: i64 = 3_155_760_000_000_000; // about 100,000 years

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// ISO 8601 / RFC 3339 text as milliseconds: `2025-08-01T12:00:00Z`,
/// `2025-08-01 12:00:00.250+08:00`, `2025-08-01T12:00:00` (no offset: UTC), `2025-08-01`.
/// `/` is accepted as the date separator (`2025/08/01 12:00`).
pub fn iso8601_to_ms(s: &str) -> Option<i64> {
    let (ms, off) = iso8601_parts(s)?;
    Some(ms - off.unwrap_or(0))
}

/// ISO 8601 text as (milliseconds read as if UTC, the offset in ms if one was written).
pub fn iso8601_parts(s: &str) -> Option<(i64, Option<i64>)> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || !((b[4] == b'-' && b[7] == b'-') || (b[4] == b'/' && b[7] == b'/')) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    if b.len() == 10 {
        return Some((ms, None));
    }
    if !(b[10] == b'T' || b[10] == b' ' || b[10] == b't') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut sec = 0;
    if b.len() >= 19 && b[16] == b':' {
        sec = num(17..19)?;
        i = 19;
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    ms += (h * 3600 + mi * 60 + sec) * 1000;
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == start {
            return None;
        }
        let frac = &s[start..j.min(start + 3)];
        let mut f: i64 = frac.parse().ok()?;
        for _ in frac.len()..3 {
            f *= 10;
        }
        ms += f;
        i = j;
    }
    let rest = s.get(i..)?.trim_start();
    if rest.is_empty() {
        return Some((ms, None));
    }
    Some((ms, Some(parse_offset(rest)?)))
}

/// A UTC offset or zone name as milliseconds east of UTC: `Z`, `UTC`, `GMT`, `+08:00`,
/// `+0800`, `+08`, `-05:00`, `UTC+8`, and a few common abbreviations (`EST`, `EDT`, `CST`
/// (US Central), `CDT`, `MST`, `MDT`, `PST`, `PDT`, `CET`, `CEST`, `EET`, `EEST`, `MSK`,
/// `BST`, `IST` (India), `JST`, `KST`, `HKT`, `SGT`, `AEST`).
pub fn parse_offset(z: &str) -> Option<i64> {
    let z = z.trim();
    let named = match z.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" | "UT" => Some(0),
        "EST" => Some(-5 * 60),
        "EDT" => Some(-4 * 60),
        "CST" => Some(-6 * 60),
        "CDT" => Some(-5 * 60),
        "MST" => Some(-7 * 60),
        "MDT" => Some(-6 * 60),
        "PST" => Some(-8 * 60),
        "PDT" => Some(-7 * 60),
        "CET" => Some(60),
        "CEST" => Some(120),
        "EET" => Some(120),
        "EEST" => Some(180),
        "MSK" => Some(180),
        "BST" => Some(60),
        "IST" => Some(330),
        "JST" | "KST" => Some(540),
        "HKT" | "SGT" => Some(480),
        "AEST" => Some(600),
        _ => None,
    };
    if let Some(m) = named {
        return Some(m * 60_000);
    }
    let z = z
        .strip_prefix("UTC")
        .or_else(|| z.strip_prefix("GMT"))
        .unwrap_or(z);
    let b = z.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (oh, om): (i64, i64) = match digits.len() {
        1 | 2 => (digits.parse().ok()?, 0),
        3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if oh > 18 || om > 59 {
        return None;
    }
    Some(sign * (oh * 3600 + om * 60) * 1000)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_of(t: &str) -> Option<u32> {
    let l = t.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == l).map(|i| i as u32 + 1)
}

/// Twitter's (and Weibo's) `created_at`: `Wed Oct 10 20:19:24 +0000 2018`; also RFC 2822
/// (`Wed, 10 Oct 2018 20:19:24 +0000`).
pub fn twitter_to_ms(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let (y, mo, d, hms, off) = match parts.as_slice() {
        [first, day, mon, year, hms, off] if first.ends_with(',') => {
            (year, month_of(mon)?, day, hms, *off)
        }
        [_, mon, day, hms, off, year] => (year, month_of(mon)?, day, hms, *off),
        [day, mon, year, hms, off] => (year, month_of(mon)?, day, hms, *off),
        _ => return None,
    };
    let y: i64 = y.parse().ok()?;
    let d: u32 = d.parse().ok()?;
    if !(1..=31).contains(&d) {
        return None;
    }
    let t: Vec<&str> = hms.split(':').collect();
    if t.len() != 3 {
        return None;
    }
    let (h, mi, se): (i64, i64, i64) = (t[0].parse().ok()?, t[1].parse().ok()?, t[2].parse().ok()?);
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let off = parse_offset(off)?;
    Some(days_from_civil(y, mo, d) * 86_400_000 + (h * 3600 + mi * 60 + se) * 1000 - off)
}

/// Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
pub const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

/// The creation time encoded in a Twitter snowflake id, `(id >> 22) + 1288834974657` ms,
/// or None when `id` is not one: not all digits, or below 10^12 (ids before November
/// 2010 were sequential and carry no time).
pub fn snowflake_ms(id: &str) -> Option<i64> {
    let id = id.trim();
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u64 = id.parse().ok()?;
    if n < 1_000_000_000_000 {
        return None;
    }
    Some((n >> 22) as i64 + TWITTER_EPOCH_MS)
}

/// The time of a Twitter post: from the snowflake id when it is one and agrees with
/// `created` (if given) within a day; otherwise `created`. The id gives millisecond
/// precision where `created_at` has seconds (API) or minutes (Information Operations
/// archives), and it is what coordination-network-toolkit uses, so parity holds.
pub fn twitter_time(id: &str, created: Option<i64>) -> Option<i64> {
    match (snowflake_ms(id), created) {
        (Some(s), Some(c)) if (s - c).abs() <= 86_400_000 => Some(s),
        (Some(_), Some(c)) => Some(c),
        (Some(s), None) => Some(s),
        (None, c) => c,
    }
}

/// How a generic input writes its times (`--time-format`).
#[derive(Clone, Debug, PartialEq)]
pub enum TimeFormat {
    /// Unix seconds or milliseconds, ISO 8601, Twitter/RFC 2822: whatever parses.
    Auto,
    /// Unix seconds (fractions allowed).
    UnixSeconds,
    /// Unix milliseconds.
    UnixMillis,
    /// Unix microseconds (Bluesky's `time_us`).
    UnixMicros,
    /// ISO 8601 / RFC 3339.
    Iso8601,
    /// `Wed Oct 10 20:19:24 +0000 2018`.
    Twitter,
    /// A strftime-like pattern.
    Pattern(String),
}

impl TimeFormat {
    /// Parse a `--time-format` value.
    pub fn parse(s: &str) -> Result<TimeFormat, String> {
        Ok(match s.trim() {
            "" | "auto" => TimeFormat::Auto,
            "unix" | "unix_s" | "epoch" | "seconds" => TimeFormat::UnixSeconds,
            "unix_ms" | "epoch_ms" | "ms" | "millis" => TimeFormat::UnixMillis,
            "unix_us" | "epoch_us" | "us" | "micros" => TimeFormat::UnixMicros,
            "iso" | "iso8601" | "rfc3339" => TimeFormat::Iso8601,
            "twitter" | "rfc2822" => TimeFormat::Twitter,
            p if p.contains('%') => {
                check_pattern(p)?;
                TimeFormat::Pattern(p.to_string())
            }
            other => {
                return Err(format!(
                    "unknown --time-format '{other}' (use auto, unix, unix_ms, unix_us, iso8601, twitter, or a pattern such as %Y-%m-%d %H:%M:%S)"
                ))
            }
        })
    }

    /// Parse a time; `zone_ms` is the offset assumed when the text has none.
    pub fn to_ms(&self, s: &str, zone_ms: i64) -> Option<i64> {
        let t = s.trim();
        match self {
            TimeFormat::Auto => auto_to_ms(t, zone_ms),
            TimeFormat::UnixSeconds => unix_seconds_to_ms(t),
            TimeFormat::UnixMillis => int_or_float(t).map(|v| v.round() as i64),
            TimeFormat::UnixMicros => int_or_float(t).map(|v| (v / 1000.0).round() as i64),
            TimeFormat::Iso8601 => iso8601_parts(t).map(|(ms, off)| ms - off.unwrap_or(zone_ms)),
            TimeFormat::Twitter => twitter_to_ms(t),
            TimeFormat::Pattern(p) => strptime_ms(t, p, zone_ms),
        }
    }
}

fn int_or_float(t: &str) -> Option<f64> {
    let v: f64 = t.parse().ok()?;
    (v.is_finite() && v.abs() < 1e19).then_some(v)
}

/// Any common spelling, with `zone_ms` for ISO text without an offset.
pub fn auto_to_ms(t: &str, zone_ms: i64) -> Option<i64> {
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|c| c.is_ascii_digit()) {
        return match t.len() {
            13 => t.parse().ok(),
            16 => t.parse::<i64>().ok().map(|us| us / 1000),
            _ => unix_seconds_to_ms(t),
        };
    }
    if let Some(ms) = unix_seconds_to_ms(t) {
        return Some(ms);
    }
    if let Some((ms, off)) = iso8601_parts(t) {
        return Some(ms - off.unwrap_or(zone_ms));
    }
    twitter_to_ms(t)
}

fn check_pattern(p: &str) -> Result<(), String> {
    let mut it = p.chars();
    while let Some(c) = it.next() {
        if c == '%' {
            match it.next() {
                Some(
                    'Y' | 'y' | 'm' | 'd' | 'e' | 'H' | 'I' | 'M' | 'S' | 'f' | 'z' | 'Z' | 'b'
                    | 'B' | 'h' | 'a' | 'A' | 'p' | 'T' | 'F' | 's' | '%' | 'j',
                ) => {}
                Some(o) => return Err(format!("unsupported directive %{o} in --time-format")),
                None => return Err("--time-format ends with a lone %".into()),
            }
        }
    }
    Ok(())
}

/// Parse `s` with a strftime-like pattern: `%Y %y %m %d %e %H %I %M %S %f %z %Z %b %B %h
/// %a %A %p %T %F %s %j %%`; a space matches any run of whitespace.
pub fn strptime_ms(s: &str, pattern: &str, zone_ms: i64) -> Option<i64> {
    let mut y: i64 = 1970;
    let (mut mo, mut d, mut h, mut mi, mut se, mut frac_ms) = (1u32, 1u32, 0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut off: Option<i64> = None;
    let mut epoch: Option<i64> = None;
    let mut yday: Option<i64> = None;
    let src = s.as_bytes();
    let mut i = 0usize;
    let pat = pattern.replace("%T", "%H:%M:%S").replace("%F", "%Y-%m-%d");
    let mut p = pat.chars().peekable();
    let take_num = |i: &mut usize, max: usize| -> Option<i64> {
        let start = *i;
        if *i < src.len() && (src[*i] == b'-' || src[*i] == b'+') && max > 4 {
            *i += 1;
        }
        while *i < src.len() && src[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        std::str::from_utf8(&src[start..*i]).ok()?.parse().ok()
    };
    let take_word = |i: &mut usize| -> &str {
        let start = *i;
        while *i < src.len() && src[*i].is_ascii_alphabetic() {
            *i += 1;
        }
        std::str::from_utf8(&src[start..*i]).unwrap_or("")
    };
    while let Some(c) = p.next() {
        if c == '%' {
            let dch = p.next()?;
            match dch {
                'Y' => y = take_num(&mut i, 5)?,
                'y' => {
                    let v = take_num(&mut i, 2)?;
                    y = if v < 69 { 2000 + v } else { 1900 + v };
                }
                'm' => mo = take_num(&mut i, 2)? as u32,
                'd' | 'e' => {
                    while i < src.len() && src[i] == b' ' {
                        i += 1;
                    }
                    d = take_num(&mut i, 2)? as u32
                }
                'H' => h = take_num(&mut i, 2)?,
                'I' => h = take_num(&mut i, 2)?,
                'M' => mi = take_num(&mut i, 2)?,
                'S' => se = take_num(&mut i, 2)?,
                'j' => yday = Some(take_num(&mut i, 3)?),
                'f' => {
                    let start = i;
                    while i < src.len() && src[i].is_ascii_digit() {
                        i += 1;
                    }
                    let digits = std::str::from_utf8(&src[start..i]).ok()?;
                    if digits.is_empty() {
                        return None;
                    }
                    let t = &digits[..digits.len().min(3)];
                    let mut f: i64 = t.parse().ok()?;
                    for _ in t.len()..3 {
                        f *= 10;
                    }
                    frac_ms = f;
                }
                'z' | 'Z' => {
                    let start = i;
                    while i < src.len() && !src[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    off = Some(parse_offset(std::str::from_utf8(&src[start..i]).ok()?)?);
                }
                'b' | 'B' | 'h' => mo = month_of(take_word(&mut i))?,
                'a' | 'A' => {
                    take_word(&mut i);
                }
                'p' => {
                    let w = take_word(&mut i).to_ascii_lowercase();
                    pm = Some(match w.as_str() {
                        "am" => false,
                        "pm" => true,
                        _ => return None,
                    });
                }
                's' => epoch = Some(take_num(&mut i, 20)?),
                '%' => {
                    if src.get(i) != Some(&b'%') {
                        return None;
                    }
                    i += 1;
                }
                _ => return None,
            }
        } else if c.is_whitespace() {
            while i < src.len() && src[i].is_ascii_whitespace() {
                i += 1;
            }
        } else {
            let mut buf = [0u8; 4];
            let enc = c.encode_utf8(&mut buf).as_bytes();
            if src.get(i..i + enc.len())? != enc {
                return None;
            }
            i += enc.len();
        }
    }
    if src[i..].iter().any(|b| !b.is_ascii_whitespace()) {
        return None;
    }
    if let Some(e) = epoch {
        return e.checked_mul(1000);
    }
    if let Some(pm) = pm {
        if h > 12 {
            return None;
        }
        h = (h % 12) + if pm { 12 } else { 0 };
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = match yday {
        Some(j) if (1..=366).contains(&j) => days_from_civil(y, 1, 1) + j - 1,
        Some(_) => return None,
        None => days_from_civil(y, mo, d),
    };
    let local = days * 86_400_000 + (h * 3600 + mi * 60 + se) * 1000 + frac_ms;
    Some(local - off.unwrap_or(zone_ms))
}

/// Any of the timestamp spellings common in exports: Unix seconds or milliseconds
/// (13 digits), ISO 8601.
pub fn any_to_ms(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.len() == 13 && t.bytes().all(|c| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    unix_seconds_to_ms(t).or_else(|| iso8601_to_ms(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds() {
        assert_eq!(unix_seconds_to_ms("1629072000"), Some(1_629_072_000_000));
        assert_eq!(
            unix_seconds_to_ms(" 1629072000.25 "),
            Some(1_629_072_000_250)
        );
        assert_eq!(unix_seconds_to_ms("1.6e9"), Some(1_600_000_000_000));
        assert_eq!(unix_seconds_to_ms("nan"), None);
        assert_eq!(unix_seconds_to_ms("inf"), None);
        assert_eq!(unix_seconds_to_ms("yesterday"), None);
        assert_eq!(unix_seconds_to_ms(""), None);
        assert_eq!(unix_seconds_to_ms("99999999999999999999"), None);
    }

    #[test]
    fn iso() {
        assert_eq!(iso8601_to_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            iso8601_to_ms("2021-08-16T00:00:00Z"),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            iso8601_to_ms("2021-08-16 08:00:00+08:00"),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            iso8601_to_ms("2021-08-15T19:00:00-0500"),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            iso8601_to_ms("2021-08-16T00:00:00.5Z"),
            Some(1_629_072_000_500)
        );
        assert_eq!(iso8601_to_ms("2021-08-16"), Some(1_629_072_000_000));
        assert_eq!(iso8601_to_ms("2021-13-16"), None);
        assert_eq!(iso8601_to_ms("16/08/2021"), None);
    }

    #[test]
    fn civil_roundtrip() {
        for d in [-800_000, -1, 0, 1, 18_000, 20_000, 2_000_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn twitter_and_rfc2822() {
        assert_eq!(
            twitter_to_ms("Mon Aug 16 00:00:00 +0000 2021"),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            twitter_to_ms("Mon Aug 16 08:00:00 +0800 2021"),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            twitter_to_ms("Mon, 16 Aug 2021 00:00:00 GMT"),
            Some(1_629_072_000_000)
        );
        assert_eq!(twitter_to_ms("Mon Aug 16 00:00:00 2021"), None);
    }

    #[test]
    fn snowflakes() {
        // Toolkit formula, checked against the tweet's created_at 2021-09-22T16:37:29.000Z.
        let t = snowflake_ms("1440716895355764743").unwrap();
        assert_eq!(t / 1000, 1_632_328_649);
        assert_eq!(snowflake_ms("20"), None);
        assert_eq!(snowflake_ms("9.06E+17"), None);
        assert_eq!(twitter_time("20", Some(5)), Some(5));
        assert_eq!(twitter_time("1440716895355764743", Some(0)), Some(0));
    }

    #[test]
    fn patterns() {
        let z8 = 8 * 3_600_000;
        assert_eq!(
            strptime_ms("2021-08-16 08:00:00", "%Y-%m-%d %H:%M:%S", z8),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            strptime_ms("16/08/2021 12:00 AM", "%d/%m/%Y %I:%M %p", 0),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            strptime_ms("2021-08-15 19:00:00 EST", "%Y-%m-%d %H:%M:%S %Z", 0),
            Some(1_629_072_000_000)
        );
        assert_eq!(
            strptime_ms(
                "Aug 16, 2021 00:00:00.250 +0000",
                "%b %d, %Y %H:%M:%S.%f %z",
                0
            ),
            Some(1_629_072_000_250)
        );
        assert_eq!(strptime_ms("2021-08-16x", "%Y-%m-%d", 0), None);
        assert!(TimeFormat::parse("%Q").is_err());
        let f = TimeFormat::parse("auto").unwrap();
        assert_eq!(f.to_ms("2021-08-16 08:00", z8), Some(1_629_072_000_000));
        assert_eq!(f.to_ms("1629072000000000", 0), Some(1_629_072_000_000));
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), Some(8 * 3_600_000));
        assert_eq!(parse_offset("UTC+8"), Some(8 * 3_600_000));
        assert_eq!(parse_offset("-0530"), Some(-(5 * 3600 + 1800) * 1000));
        assert_eq!(parse_offset("EST"), Some(-5 * 3_600_000));
        assert_eq!(parse_offset("Mars"), None);
    }

    #[test]
    fn any() {
        assert_eq!(any_to_ms("1629072000000"), Some(1_629_072_000_000));
        assert_eq!(any_to_ms("1629072000"), Some(1_629_072_000_000));
        assert_eq!(any_to_ms("2021-08-16T00:00:00Z"), Some(1_629_072_000_000));
    }
}
