//! Reading the times of reference files: RFC 3339 / ISO 8601 and Unix epochs.

use lockstep_model::time::days_from_civil;
use lockstep_model::TimeMs;

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Milliseconds since the Unix epoch of `s`: RFC 3339 / ISO 8601
/// (`2025-08-01T07:40:00Z`, `2025-08-01 07:40:00+08:00`, `2025-08-01T07:40`, `2025-08-01`;
/// no offset means UTC), or a Unix epoch in seconds (up to 11 digits) or milliseconds.
pub fn parse_time_ms(s: &str) -> Option<TimeMs> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let t = 1_754_034_000_000; // 2025-08-01T07:40:00Z
        assert_eq!(parse_time_ms("2025-08-01T07:40:00Z"), Some(t));
        assert_eq!(parse_time_ms("2025-08-01T15:40:00+08:00"), Some(t));
        assert_eq!(parse_time_ms("2025-08-01 07:40:00"), Some(t));
        assert_eq!(parse_time_ms("2025-08-01T07:40"), Some(t));
        assert_eq!(parse_time_ms("2025-08-01T07:40:00.250Z"), Some(t + 250));
        assert_eq!(parse_time_ms("2025-08-01T03:40:00-0400"), Some(t));
        assert_eq!(parse_time_ms("1754034000"), Some(t));
        assert_eq!(parse_time_ms("1754034000000"), Some(t));
        assert_eq!(
            parse_time_ms("2025-08-01"),
            Some(t - (7 * 60 + 40) * 60_000)
        );
        assert_eq!(parse_time_ms("yesterday"), None);
        assert_eq!(parse_time_ms("2025-13-01"), None);
        assert_eq!(parse_time_ms(""), None);
    }
}
