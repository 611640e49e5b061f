//! The `date-time` format as cinder checks it: `oslo_utils.timeutils.parse_isotime`,
//! which is the `iso8601` library's `parse_date`. A text is valid when the library's
//! pattern matches it (with Python's backtracking order deciding which groups capture)
//! and the captured fields make a real `datetime` (year 1–9999, a day that exists in the
//! month, hour < 24, minute and second < 60, a UTC offset under 24 hours).

/// The captured groups, as byte ranges of the text.
#[derive(Clone, Default)]
struct Groups {
    month: Option<(usize, usize)>,
    day: Option<(usize, usize)>,
    hour: Option<(usize, usize)>,
    minute: Option<(usize, usize)>,
    second: Option<(usize, usize)>,
    utc: bool,
    tz_hour: Option<(usize, usize)>,
    tz_minute: Option<(usize, usize)>,
}

type Next<'a> = &'a mut dyn FnMut(usize, &Groups) -> bool;

struct Text<'t>(&'t [u8]);

impl Text<'_> {
    fn digits(&self, at: usize, n: usize) -> Option<(usize, usize)> {
        let slice = self.0.get(at..at + n)?;
        slice.iter().all(u8::is_ascii_digit).then_some((at, at + n))
    }

    fn is(&self, at: usize, options: &[u8]) -> bool {
        self.0.get(at).is_some_and(|b| options.contains(b))
    }

    /// Python's `$`: the end, or a final newline.
    fn at_end(&self, at: usize) -> bool {
        at == self.0.len() || (at + 1 == self.0.len() && self.0[at] == b'\n')
    }

    fn value(&self, range: Option<(usize, usize)>, default: u32) -> u32 {
        range
            .and_then(|(a, b)| std::str::from_utf8(&self.0[a..b]).ok()?.parse().ok())
            .unwrap_or(default)
    }

    /// `((-MM?)|(MM(?!$)))` then the day, all optional.
    fn date(&self, at: usize, g: &Groups, next: Next) -> bool {
        if self.is(at, b"-") {
            for n in [2, 1] {
                if let Some(r) = self.digits(at + 1, n) {
                    let g = Groups {
                        month: Some(r),
                        ..g.clone()
                    };
                    if self.day(r.1, &g, next) {
                        return true;
                    }
                }
            }
        }
        if let Some(r) = self.digits(at, 2) {
            if !self.at_end(r.1) {
                let g = Groups {
                    month: Some(r),
                    ..g.clone()
                };
                if self.day(r.1, &g, next) {
                    return true;
                }
            }
        }
        next(at, g)
    }

    /// `((-DD?)|(DD))` then the time, all optional.
    fn day(&self, at: usize, g: &Groups, next: Next) -> bool {
        let mut candidates = Vec::new();
        if self.is(at, b"-") {
            candidates.extend([2, 1].iter().filter_map(|n| self.digits(at + 1, *n)));
        }
        candidates.extend(self.digits(at, 2));
        for r in candidates {
            let g = Groups {
                day: Some(r),
                ..g.clone()
            };
            if self.time(r.1, &g, next) {
                return true;
            }
        }
        next(at, g)
    }

    /// `[ T]HH(:?MM)?(:?S{1,2}([.,]F+)?)?(timezone)?`, optional.
    fn time(&self, at: usize, g: &Groups, next: Next) -> bool {
        if self.is(at, b" T") {
            if let Some(hour) = self.digits(at + 1, 2) {
                let g = Groups {
                    hour: Some(hour),
                    ..g.clone()
                };
                if self.minute(hour.1, &g, next) {
                    return true;
                }
            }
        }
        next(at, g)
    }

    fn colon_then(&self, at: usize) -> [Option<usize>; 2] {
        [self.is(at, b":").then_some(at + 1), Some(at)]
    }

    fn minute(&self, at: usize, g: &Groups, next: Next) -> bool {
        for from in self.colon_then(at).into_iter().flatten() {
            if let Some(r) = self.digits(from, 2) {
                let g = Groups {
                    minute: Some(r),
                    ..g.clone()
                };
                if self.second(r.1, &g, next) {
                    return true;
                }
            }
        }
        self.second(at, g, next)
    }

    fn second(&self, at: usize, g: &Groups, next: Next) -> bool {
        for from in self.colon_then(at).into_iter().flatten() {
            for n in [2, 1] {
                let Some(r) = self.digits(from, n) else {
                    continue;
                };
                let g = Groups {
                    second: Some(r),
                    ..g.clone()
                };
                if self.is(r.1, b".,") {
                    let run = self.0[r.1 + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                    for len in (1..=run).rev() {
                        if self.timezone(r.1 + 1 + len, &g, next) {
                            return true;
                        }
                    }
                }
                if self.timezone(r.1, &g, next) {
                    return true;
                }
            }
        }
        self.timezone(at, g, next)
    }

    fn timezone(&self, at: usize, g: &Groups, next: Next) -> bool {
        if self.is(at, b"Z") {
            let g = Groups {
                utc: true,
                ..g.clone()
            };
            if next(at + 1, &g) {
                return true;
            }
        }
        if self.is(at, b"+-") {
            if let Some(h) = self.digits(at + 1, 2) {
                for from in self.colon_then(h.1).into_iter().flatten() {
                    let g = Groups {
                        tz_hour: Some(h),
                        ..g.clone()
                    };
                    if let Some(m) = self.digits(from, 2) {
                        let g = Groups {
                            tz_minute: Some(m),
                            ..g.clone()
                        };
                        if next(m.1, &g) {
                            return true;
                        }
                    }
                    if next(from, &g) {
                        return true;
                    }
                }
            }
        }
        next(at, g)
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if time::util::is_leap_year(year as i32) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `parse_isotime(text)` returns a datetime (rather than raising `ValueError`).
pub fn is_isotime(text: &str) -> bool {
    let t = Text(text.as_bytes());
    let Some(year) = t.digits(0, 4) else {
        return false;
    };
    let mut found = None;
    let mut at_end = |at: usize, g: &Groups| {
        let end = t.at_end(at);
        if end {
            found = Some(g.clone());
        }
        end
    };
    if !t.date(year.1, &Groups::default(), &mut at_end) {
        return false;
    }
    let Some(g) = found else {
        return false;
    };
    let year = t.value(Some(year), 0);
    let month = t.value(g.month, 1);
    let day = t.value(g.day, 1);
    let offset = if g.utc {
        0
    } else {
        t.value(g.tz_hour, 0) * 60 + t.value(g.tz_minute, 0)
    };
    (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && t.value(g.hour, 0) < 24
        && t.value(g.minute, 0) < 60
        && t.value(g.second, 0) < 60
        && offset < 24 * 60
}

#[cfg(test)]
mod tests {
    use super::is_isotime;

    #[test]
    fn accepted_like_parse_isotime() {
        for text in [
            "2012-02-14T20:53:07",
            "2012-02-14T20:53:07Z",
            "2012-02-14T20:53:07+05:30",
            "2012-02-14T20:53:07.123456-0800",
            "2012-02-14 20:53",
            "2012-02-14T2053",
            "2012-02-14T20",
            "2012-02-14",
            "2012-2-4",
            "20120214",
            "2012",
            "2012-02",
            "2012-02-14T20:53:07,5Z",
            "2012-02-14T20:53:07+05",
            "2012-02-14T20:53:07Z\n",
            "2012-02-29",
        ] {
            assert!(is_isotime(text), "{text:?}");
        }
    }

    #[test]
    fn refused_like_parse_isotime() {
        for text in [
            "",
            "201",
            "201202",
            "2012-13-01",
            "2013-02-29",
            "0000-01-01",
            "2012-02-14T24:00",
            "2012-02-14T20:60",
            "2012-02-14T20:53:60",
            "2012-02-14T20:53:07+24:00",
            "2012-02-14T20:53:07 ",
            "2012-02-14X20",
            "yesterday",
            "2012-02-14T20:53:07Z\n\n",
        ] {
            assert!(!is_isotime(text), "{text:?}");
        }
    }
}
