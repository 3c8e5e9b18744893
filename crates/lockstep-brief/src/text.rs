//! Numbers, times and durations as a reader wants them: `1,234`, `83 %`, `40 min`,
//! `2025-08-01 02:00 UTC`, `1–4 Aug 2025`. Written here (a few lines each) rather than
//! pulling a formatting or date crate for the fixed formats of RFC 3339 UTC text.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An integer with thousands separators.
pub fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `1 account`, `30 accounts`.
pub fn accounts(n: usize) -> String {
    plural(n as u64, "account", "accounts")
}

/// `n` with the singular or plural noun.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", int(n), if n == 1 { one } else { many })
}

/// A share in [0, 1] as a percentage: `83 %`, `0.4 %`.
pub fn pct(x: f64) -> String {
    let p = 100.0 * x;
    if !p.is_finite() {
        "—".into()
    } else if p != 0.0 && p.abs() < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// A duration in seconds in the largest sensible unit: `12 s`, `4 min`, `2 h 10 min`,
/// `3.5 days`.
pub fn duration(s: f64) -> String {
    let s = s.abs();
    if !s.is_finite() {
        return "—".into();
    }
    if s < 1.0 {
        return format!("{:.0} ms", s * 1000.0);
    }
    if s < 90.0 {
        return format!("{s:.0} s");
    }
    let min = (s / 60.0).round() as u64;
    if min < 60 {
        return format!("{min} min");
    }
    if s < 48.0 * 3600.0 {
        let (h, m) = (min / 60, min % 60);
        return if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        };
    }
    format!("{:.1} days", s / 86_400.0)
}

/// A lag from a publication: `40 min before publication`, `3 h after publication`.
pub fn lag(s: f64) -> String {
    if s.abs() < 1.0 {
        "at publication".into()
    } else if s < 0.0 {
        format!("{} before publication", duration(s))
    } else {
        format!("{} after publication", duration(s))
    }
}

/// Hours as a duration (`doubling time 1 h 30 min`).
pub fn hours(h: f64) -> String {
    duration(h * 3600.0)
}

/// The (year, month, day, hour, minute) of RFC 3339 UTC text, if it is that.
fn parts(t: &str) -> Option<(u32, usize, u32, &str)> {
    let b = t.as_bytes();
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let y = t.get(0..4)?.parse().ok()?;
    let m: usize = t.get(5..7)?.parse().ok()?;
    let d = t.get(8..10)?.parse().ok()?;
    (1..=12)
        .contains(&m)
        .then_some((y, m - 1, d, t.get(11..16)?))
}

/// A time of the data (RFC 3339 UTC) for reading: `2025-08-01 02:00 UTC`; other text as
/// given.
pub fn when(t: &str) -> String {
    match (parts(t), t.get(0..10)) {
        (Some((_, _, _, hm)), Some(date)) if t.ends_with('Z') => format!("{date} {hm} UTC"),
        _ => t.to_string(),
    }
}

/// The days from `first` to `last` (RFC 3339): `1 Aug 2025`, `1–4 Aug 2025`,
/// `30 Jul – 2 Aug 2025`, `30 Dec 2025 – 2 Jan 2026`; empty when unreadable.
pub fn period(first: &str, last: &str) -> String {
    let (Some((y1, m1, d1, _)), Some((y2, m2, d2, _))) = (parts(first), parts(last)) else {
        return String::new();
    };
    if (y1, m1, d1) == (y2, m2, d2) {
        format!("{d1} {} {y1}", MONTHS[m1])
    } else if (y1, m1) == (y2, m2) {
        format!("{d1}–{d2} {} {y1}", MONTHS[m1])
    } else if y1 == y2 {
        format!("{d1} {} – {d2} {} {y1}", MONTHS[m1], MONTHS[m2])
    } else {
        format!("{d1} {} {y1} – {d2} {} {y2}", MONTHS[m1], MONTHS[m2])
    }
}

/// At most `n` characters of `s` on one line, with `…` when cut.
pub fn clip(s: &str, n: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= n {
        one
    } else {
        let mut out: String = one.chars().take(n).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations() {
        assert_eq!(int(0), "0");
        assert_eq!(int(1234567), "1,234,567");
        assert_eq!(int(999), "999");
        assert_eq!(accounts(1), "1 account");
        assert_eq!(pct(0.834), "83 %");
        assert_eq!(pct(0.004), "0.4 %");
        assert_eq!(duration(12.4), "12 s");
        assert_eq!(duration(0.25), "250 ms");
        assert_eq!(duration(2400.0), "40 min");
        assert_eq!(duration(7800.0), "2 h 10 min");
        assert_eq!(duration(3600.0), "1 h");
        assert_eq!(duration(5400.0), "1 h 30 min");
        assert_eq!(duration(3.5 * 86_400.0), "3.5 days");
        assert_eq!(lag(-2400.0), "40 min before publication");
        assert_eq!(lag(120.0), "2 min after publication");
        assert_eq!(lag(0.0), "at publication");
    }

    #[test]
    fn times_and_periods() {
        assert_eq!(when("2025-08-01T02:00:05Z"), "2025-08-01 02:00 UTC");
        assert_eq!(when("yesterday"), "yesterday");
        assert_eq!(
            period("2025-08-01T02:00:00Z", "2025-08-04T10:00:00Z"),
            "1–4 Aug 2025"
        );
        assert_eq!(
            period("2025-08-01T02:00:00Z", "2025-08-01T10:00:00Z"),
            "1 Aug 2025"
        );
        assert_eq!(
            period("2025-07-30T02:00:00Z", "2025-08-02T10:00:00Z"),
            "30 Jul – 2 Aug 2025"
        );
        assert_eq!(
            period("2025-12-30T02:00:00Z", "2026-01-02T10:00:00Z"),
            "30 Dec 2025 – 2 Jan 2026"
        );
        assert_eq!(period("", "2025-08-01T00:00:00Z"), "");
        assert_eq!(clip("美国芯片 后门\n安全", 5), "美国芯片 …");
    }
}
