//! Timestamp parsing shared by the readers. Everything becomes milliseconds since the Unix
//! epoch, UTC.

use lockstep_model::TimePrecision;

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

pub use lockstep_model::time::{civil_from_days, days_from_civil};

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

/// Beijing time, the zone of Weibo and WeChat times written without an offset.
pub const BEIJING_MS: i64 = 8 * 3_600_000;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// A time as the Weibo and WeChat exporters write it, with how precisely it is known.
///
/// `zone_ms` is the offset of times written without one (Beijing, +08:00, unless
/// `--time-zone` says otherwise); `crawl_ms` is when the data was collected (`--crawl-time`,
/// else the file's modification time), needed for relative stamps.
///
/// * Unix seconds (10 digits) → `Second`; Unix milliseconds (13 digits) → `Millisecond`.
/// * `YYYY-MM-DD HH:MM` (also `T`, `/`, `YYYY年M月D日 HH:MM`) → `Minute`; with seconds →
///   `Second`; with a fraction → `Millisecond`; an offset (`+08:00`, `+0800`) is honoured.
/// * A date alone (`YYYY-MM-DD`, older weibo-crawler files) → midnight, `Approximate`.
/// * `Tue Apr 07 10:56:25 +0800 2020` (the Weibo API's `created_at`) and the `%c` form
///   crawlers leave when they drop the offset (`Tue Apr  7 10:56:25 2020`) → `Second`;
///   without a year (`Tue Apr 07 10:56:25 +0800`) the year is the crawl's → `Approximate`.
/// * Relative stamps, resolved against the crawl time → `Approximate`: `刚刚`, `N秒前`,
///   `N分钟前`, `N小时前`, `N天前` (with or without `前`), `今天 HH:MM`, `昨天 HH:MM`,
///   `前天 HH:MM`, `昨天` alone (the crawl time less one day, as weibo-crawler does),
///   `MM月DD日 HH:MM` and `MM-DD [HH:MM]` (this year's dates on Weibo; a date after the
///   crawl is taken from the year before).
pub fn cn_time(
    s: &str,
    zone_ms: i64,
    crawl_ms: Option<i64>,
) -> Result<(i64, TimePrecision), String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty time".into());
    }
    let shown = || t.chars().take(40).collect::<String>();
    let unparsable = || format!("unparsable time '{}'", shown());
    if t.bytes().all(|c| c.is_ascii_digit()) {
        return match t.len() {
            13 => t
                .parse()
                .map(|ms| (ms, TimePrecision::Millisecond))
                .map_err(|_| unparsable()),
            9..=11 => unix_seconds_to_ms(t)
                .map(|ms| (ms, TimePrecision::Second))
                .ok_or_else(unparsable),
            _ => Err(unparsable()),
        };
    }
    if let Some(r) = relative(t) {
        let crawl = crawl_ms.ok_or_else(|| {
            format!(
                "relative time '{}' needs the crawl time (--crawl-time; a stream has no file modification time)",
                shown()
            )
        })?;
        return resolve_relative(r, crawl, zone_ms)
            .map(|ms| (ms, TimePrecision::Approximate))
            .ok_or_else(unparsable);
    }
    if let Some(x) = absolute(t, zone_ms) {
        return Ok(x);
    }
    if let Some(x) = ctime(t, zone_ms, crawl_ms) {
        return Ok(x);
    }
    Err(unparsable())
}

/// A relative stamp, before resolution.
#[derive(Debug, PartialEq)]
enum Relative {
    /// This long before the crawl.
    Ago(i64),
    /// `days` before the crawl's date, at this local time of day (ms), or, without one,
    /// exactly `days` days before the crawl.
    DaysBack(i64, Option<i64>),
    /// Month, day and optional local time of day in the crawl's year (or the year before).
    MonthDay(u32, u32, Option<i64>),
}

fn hm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h <= 23 && m <= 59 && (1..=2).contains(&s.trim().split(':').next()?.len()))
        .then_some(h * HOUR_MS + m * MINUTE_MS)
}

fn relative(t: &str) -> Option<Relative> {
    if t == "刚刚" {
        return Some(Relative::Ago(0));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let n: i64 = t[..digits].parse().ok()?;
        let unit = t[digits..].trim();
        let unit = unit.strip_suffix('前').unwrap_or(unit).trim();
        let step = match unit {
            "秒" | "秒钟" => Some(1_000),
            "分钟" | "分" => Some(MINUTE_MS),
            "小时" => Some(HOUR_MS),
            "天" => Some(DAY_MS),
            _ => None,
        };
        if let Some(step) = step {
            return n.checked_mul(step).map(Relative::Ago);
        }
    }
    for (word, days) in [("今天", 0), ("昨天", 1), ("前天", 2)] {
        if let Some(rest) = t.strip_prefix(word) {
            let rest = rest.trim();
            if rest.is_empty() {
                return Some(Relative::DaysBack(days, None));
            }
            return hm(rest).map(|tod| Relative::DaysBack(days, Some(tod)));
        }
    }
    // MM月DD日 [HH:MM]
    if let Some((m, rest)) = t.split_once('月') {
        if let Some((d, rest)) = rest.split_once('日') {
            if !m.is_empty() && m.len() <= 2 && !d.is_empty() && d.len() <= 2 {
                let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
                let tod = match rest.trim() {
                    "" => None,
                    x => Some(hm(x)?),
                };
                return Some(Relative::MonthDay(m, d, tod));
            }
        }
        return None;
    }
    // MM-DD [HH:MM]
    let b = t.as_bytes();
    if b.len() >= 3 && b.len() <= 5 + 6 {
        let (date, rest) = t.split_once(' ').unwrap_or((t, ""));
        if let Some((m, d)) = date.split_once('-') {
            if (1..=2).contains(&m.len())
                && (1..=2).contains(&d.len())
                && m.bytes().chain(d.bytes()).all(|c| c.is_ascii_digit())
            {
                let tod = match rest.trim() {
                    "" => None,
                    x => Some(hm(x)?),
                };
                return Some(Relative::MonthDay(m.parse().ok()?, d.parse().ok()?, tod));
            }
        }
    }
    None
}

fn resolve_relative(r: Relative, crawl: i64, zone_ms: i64) -> Option<i64> {
    let local = crawl + zone_ms;
    let day = local.div_euclid(DAY_MS);
    match r {
        Relative::Ago(d) => Some(crawl - d),
        Relative::DaysBack(n, None) => Some(crawl - n * DAY_MS),
        Relative::DaysBack(n, Some(tod)) => Some((day - n) * DAY_MS + tod - zone_ms),
        Relative::MonthDay(m, d, tod) => {
            if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                return None;
            }
            let (y, _, _) = civil_from_days(day);
            let at = |y: i64| days_from_civil(y, m, d) * DAY_MS + tod.unwrap_or(0) - zone_ms;
            let this = at(y);
            // A date after the crawl (with a day's slack for zones) is from last year.
            Some(if this > crawl + DAY_MS {
                at(y - 1)
            } else {
                this
            })
        }
    }
}

/// `YYYY-MM-DD[ HH:MM[:SS[.fff]]][offset]` (also `T`, `/`) and `YYYY年M月D日 HH:MM`.
fn absolute(t: &str, zone_ms: i64) -> Option<(i64, TimePrecision)> {
    let owned;
    let t = if t.contains('年') {
        let (y, rest) = t.split_once('年')?;
        let (m, rest) = rest.split_once('月')?;
        let (d, rest) = rest.split_once('日')?;
        owned = format!(
            "{:0>4}-{:0>2}-{:0>2}{}{}",
            y.trim(),
            m.trim(),
            d.trim(),
            if rest.trim().is_empty() { "" } else { " " },
            rest.trim()
        );
        owned.as_str()
    } else {
        t
    };
    let (ms, off) = iso8601_parts(t)?;
    let precision = if t.len() == 10 {
        TimePrecision::Approximate
    } else {
        let clock: &str = &t[11..];
        let end = clock
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(clock.len());
        let fraction = clock[end..].starts_with(['.', ',']);
        match (clock[..end].matches(':').count(), fraction) {
            (_, true) => TimePrecision::Millisecond,
            (1, _) => TimePrecision::Minute,
            _ => TimePrecision::Second,
        }
    };
    Some((ms - off.unwrap_or(zone_ms), precision))
}

/// `Tue Apr 07 10:56:25 +0800 2020`, `Tue Apr  7 10:56:25 2020`, `Tue Apr 07 10:56:25 +0800`.
fn ctime(t: &str, zone_ms: i64, crawl_ms: Option<i64>) -> Option<(i64, TimePrecision)> {
    if let Some(ms) = twitter_to_ms(t) {
        return Some((ms, TimePrecision::Second));
    }
    let parts: Vec<&str> = t.split_whitespace().collect();
    let (mon, day, hms, off, year) = match parts.as_slice() {
        [_, mon, day, hms, year] if year.len() == 4 => (mon, day, hms, None, Some(*year)),
        [_, mon, day, hms, off] if off.starts_with(['+', '-']) => (mon, day, hms, Some(*off), None),
        _ => return None,
    };
    let mo = month_of(mon)?;
    let d: u32 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let c: Vec<i64> = hms
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, se] = c.as_slice() else {
        return None;
    };
    if *h > 23 || *mi > 59 || *se > 60 {
        return None;
    }
    let off = match off {
        Some(o) => parse_offset(o)?,
        None => zone_ms,
    };
    let tod = (h * 3600 + mi * 60 + se) * 1000;
    match year {
        Some(y) => {
            let y: i64 = y.parse().ok()?;
            Some((
                days_from_civil(y, mo, d) * DAY_MS + tod - off,
                TimePrecision::Second,
            ))
        }
        None => {
            let crawl = crawl_ms?;
            let (y, _, _) = civil_from_days((crawl + off).div_euclid(DAY_MS));
            let at = |y: i64| days_from_civil(y, mo, d) * DAY_MS + tod - off;
            let ms = if at(y) > crawl + DAY_MS {
                at(y - 1)
            } else {
                at(y)
            };
            Some((ms, TimePrecision::Approximate))
        }
    }
}

/// `--crawl-time`: RFC 3339 (`2024-05-03T10:00:00+08:00`) or `YYYY-MM-DD HH:MM[:SS]` in
/// the time zone `zone_ms`; also Unix seconds.
pub fn parse_crawl_time(s: &str, zone_ms: i64) -> Result<i64, String> {
    let t = s.trim();
    let ok = t.len() >= 16 || t.bytes().all(|c| c.is_ascii_digit());
    let ms = if t.bytes().all(|c| c.is_ascii_digit()) {
        unix_seconds_to_ms(t)
    } else if ok {
        iso8601_parts(t).map(|(ms, off)| ms - off.unwrap_or(zone_ms))
    } else {
        None
    };
    ms.ok_or_else(|| {
        format!("--crawl-time '{t}': expected RFC 3339 (2024-05-03T10:00:00+08:00) or YYYY-MM-DD HH:MM[:SS] in the time zone")
    })
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
    fn chinese_platform_times() {
        use TimePrecision::*;
        let z = BEIJING_MS;
        // 2024-05-03T10:30:15+08:00
        let crawl = 1_714_703_415_000;
        let t = |s: &str| cn_time(s, z, Some(crawl)).unwrap();
        assert_eq!(t("2020-04-02 08:52"), (1_585_788_720_000, Minute));
        assert_eq!(t("2020-04-02T08:52:00"), (1_585_788_720_000, Second));
        assert_eq!(t("2020-04-02 08:52:00+08:00"), (1_585_788_720_000, Second));
        assert_eq!(t("2020-04-02 00:52:00 +0000"), (1_585_788_720_000, Second));
        assert_eq!(t("2020年4月2日 08:52"), (1_585_788_720_000, Minute));
        assert_eq!(t("2020-04-02"), (1_585_756_800_000, Approximate));
        assert_eq!(t("1585788720"), (1_585_788_720_000, Second));
        assert_eq!(t("1585788720123"), (1_585_788_720_123, Millisecond));
        assert_eq!(
            t("Thu Apr 02 08:52:00 +0800 2020"),
            (1_585_788_720_000, Second)
        );
        assert_eq!(t("Thu Apr  2 08:52:00 2020"), (1_585_788_720_000, Second));
        assert_eq!(
            t("Thu Apr 02 08:52:00 +0800"),
            (1_712_019_120_000, Approximate)
        );
        assert_eq!(t("刚刚"), (crawl, Approximate));
        assert_eq!(t("30秒前"), (crawl - 30_000, Approximate));
        assert_eq!(t("5分钟前"), (crawl - 300_000, Approximate));
        assert_eq!(t("5分钟"), (crawl - 300_000, Approximate));
        assert_eq!(t("2小时前"), (crawl - 7_200_000, Approximate));
        assert_eq!(t("3天前"), (crawl - 3 * 86_400_000, Approximate));
        // 2024-05-03T08:05+08:00 and the day before.
        assert_eq!(t("今天 08:05"), (1_714_694_700_000, Approximate));
        assert_eq!(t("昨天 08:05"), (1_714_608_300_000, Approximate));
        assert_eq!(t("昨天"), (crawl - 86_400_000, Approximate));
        assert_eq!(t("前天 23:59"), (1_714_579_140_000, Approximate));
        // This year's dates, and one after the crawl that must be last year's.
        assert_eq!(t("05月01日 12:00"), (1_714_536_000_000, Approximate));
        assert_eq!(t("5-1 12:00"), (1_714_536_000_000, Approximate));
        assert_eq!(t("12-31"), (1_703_952_000_000, Approximate));
        assert!(cn_time("3分钟前", z, None)
            .unwrap_err()
            .contains("--crawl-time"));
        for bad in [
            "",
            "soon",
            "25:00",
            "今天 25:00",
            "13月1日",
            "2020-13-01 00:00",
            "12345",
        ] {
            assert!(cn_time(bad, z, Some(crawl)).is_err(), "{bad}");
        }
        assert_eq!(parse_crawl_time("2024-05-03 10:30:15", z), Ok(crawl));
        assert_eq!(parse_crawl_time("2024-05-03T02:30:15Z", z), Ok(crawl));
        assert_eq!(parse_crawl_time("2024-05-03 10:30", z), Ok(crawl - 15_000));
        assert!(parse_crawl_time("yesterday", z).is_err());
        assert!(parse_crawl_time("2024-05-03", z).is_err());
    }

    #[test]
    fn any() {
        assert_eq!(any_to_ms("1629072000000"), Some(1_629_072_000_000));
        assert_eq!(any_to_ms("1629072000"), Some(1_629_072_000_000));
        assert_eq!(any_to_ms("2021-08-16T00:00:00Z"), Some(1_629_072_000_000));
    }
}
