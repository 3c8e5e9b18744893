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
pub fn iso8601_to_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
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
        return Some(ms);
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
    let rest = s[i..].trim_start();
    match rest {
        "" | "Z" | "z" | "UTC" | "+00:00" | "+0000" => Some(ms),
        _ => {
            let rb = rest.as_bytes();
            let sign = match rb[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 && digits.len() != 2 {
                return None;
            }
            let oh: i64 = digits.get(0..2)?.parse().ok()?;
            let om: i64 = if digits.len() == 4 {
                digits.get(2..4)?.parse().ok()?
            } else {
                0
            };
            Some(ms - sign * (oh * 3600 + om * 60) * 1000)
        }
    }
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
    fn any() {
        assert_eq!(any_to_ms("1629072000000"), Some(1_629_072_000_000));
        assert_eq!(any_to_ms("1629072000"), Some(1_629_072_000_000));
        assert_eq!(any_to_ms("2021-08-16T00:00:00Z"), Some(1_629_072_000_000));
    }
}
