//! Naive-UTC timestamps as upstream stores them (`oslo_utils.timeutils.utcnow()`, SQLAlchemy
//! `DateTime` without timezone). On SQLite they are text, and SQLAlchemy always writes
//! `YYYY-MM-DD HH:MM:SS.ffffff` (six fraction digits); we write exactly that, because SQLite
//! compares these columns as text (`updated_at >= ?` in the service "is up" test) and a row
//! written by Python must sort the same as one written by us.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Now, in UTC, without an offset, to the microsecond (what Python's `datetime` carries):
/// what every `created_at`/`updated_at`/`deleted_at` holds.
pub fn utcnow() -> PrimitiveDateTime {
    let now = to_naive_utc(OffsetDateTime::now_utc());
    now.replace_microsecond(now.microsecond()).unwrap_or(now)
}

/// A naive UTC value for an aware one (e.g. a request context's timestamp).
pub fn to_naive_utc(t: OffsetDateTime) -> PrimitiveDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    PrimitiveDateTime::new(t.date(), t.time())
}

/// SQLAlchemy's SQLite storage format: `2026-11-22 01:33:16.805799`.
pub fn format_sqlite(t: &PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Parses what SQLite may hold in a DATETIME column: SQLAlchemy's form, the same without
/// or with fewer fraction digits, `T` instead of the space (ISO 8601), or a date alone.
pub fn parse(text: &str) -> Option<PrimitiveDateTime> {
    let s = text.trim();
    let (date, rest) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut d = date.splitn(3, '-');
    let year: i32 = d.next()?.parse().ok()?;
    let month: u8 = d.next()?.parse().ok()?;
    let day: u8 = d.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let time = match rest {
        None => Time::MIDNIGHT,
        Some(rest) => {
            // Drop a trailing zone designator written by other tools ("Z", "+00:00").
            let rest = rest.trim_end_matches('Z');
            let rest = match rest.rfind(['+', '-']) {
                Some(i) if i > 0 => &rest[..i],
                _ => rest,
            };
            let (hms, frac) = match rest.split_once('.') {
                Some((a, b)) => (a, Some(b)),
                None => (rest, None),
            };
            let mut t = hms.splitn(3, ':');
            let hour: u8 = t.next()?.parse().ok()?;
            let minute: u8 = t.next()?.parse().ok()?;
            let second: u8 = t.next().unwrap_or("0").parse().ok()?;
            let micro = match frac {
                None | Some("") => 0,
                Some(f) => {
                    if !f.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    let digits: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
                    digits.parse::<u32>().ok()?
                }
            };
            Time::from_hms_micro(hour, minute, second, micro).ok()?
        }
    };
    Some(PrimitiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn sqlite_format_always_has_six_fraction_digits() {
        assert_eq!(
            format_sqlite(&datetime!(2026-11-22 01:33:16.805799)),
            "2026-11-22 01:33:16.805799"
        );
        assert_eq!(
            format_sqlite(&datetime!(2026-01-02 03:04:05)),
            "2026-01-02 03:04:05.000000"
        );
        assert_eq!(
            format_sqlite(&datetime!(2026-11-22 01:33:16.000123)),
            "2026-11-22 01:33:16.000123"
        );
    }

    #[test]
    fn parse_accepts_what_sqlite_may_hold() {
        let t = datetime!(2026-11-22 01:33:16.805799);
        assert_eq!(parse("2026-11-22 01:33:16.805799"), Some(t));
        assert_eq!(parse("2026-11-22T01:33:16.805799"), Some(t));
        assert_eq!(parse("2026-11-22 01:33:16.805799+00:00"), Some(t));
        assert_eq!(
            parse("2026-11-22 01:33:16.8"),
            Some(datetime!(2026-11-22 01:33:16.8))
        );
        assert_eq!(
            parse("2026-11-22 01:33:16"),
            Some(datetime!(2026-11-22 01:33:16))
        );
        assert_eq!(parse("2026-11-22 01:33"), Some(datetime!(2026-11-22 01:33)));
        assert_eq!(parse("2026-11-22"), Some(datetime!(2026-11-22 00:00)));
        assert_eq!(parse("2026-13-22 01:33:16"), None);
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-11-22 01:33:16.abc"), None);
    }

    #[test]
    fn round_trip() {
        let now = utcnow();
        assert_eq!(now.nanosecond() % 1000, 0);
        assert_eq!(parse(&format_sqlite(&now)), Some(now));
    }

    #[test]
    fn aware_to_naive() {
        let aware = time::macros::datetime!(2026-11-22 03:33:16 +02:00);
        assert_eq!(to_naive_utc(aware), datetime!(2026-11-22 01:33:16));
    }
}
