//! Relative listing dates (`3 days ago`, `yesterday`, `an hour ago`) resolved
//! against the moment the listing was scraped (`--as-of`), to an ISO date.
//!
//! Civil-date arithmetic is written by hand (days from 1970-01-01 in the
//! proleptic Gregorian calendar, after Howard Hinnant's `days_from_civil`):
//! the resolution needs only "minus N seconds/days/months/years" on a wall
//! clock, with no time zones, so a date-time crate would add much for little.
//! Nothing here reads the clock: the same `--as-of` gives the same output.

use std::fmt;

/// The moment a listing was scraped, as wall-clock time: a date, with a time
/// of day or without one (then the day's last second, so that `2 hours ago`
/// resolves to that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    /// Seconds since 1970-01-01T00:00:00 on the wall clock.
    seconds: i64,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

const DAY: i64 = 86_400;

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days from 1970-01-01 to `d`.
pub fn days_from_civil(d: Date) -> i64 {
    let y = if d.month <= 2 { d.year - 1 } else { d.year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = d.month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d.day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `z` days after 1970-01-01.
pub fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Date { year: if month <= 2 { era * 400 + yoe + 1 } else { era * 400 + yoe }, month, day }
}

/// Parse `YYYY-MM-DD` (a real date, year 1 to 9999).
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = &s[r];
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok()).flatten()
    };
    let (year, month, day) = (num(0..4)? as i64, num(5..7)?, num(8..10)?);
    let ok = year >= 1 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
    ok.then_some(Date { year, month, day })
}

/// Parse `HH:MM` or `HH:MM:SS` into seconds of the day.
fn parse_time(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let v: Vec<i64> = parts.iter().map(|p| p.parse().expect("two digits")).collect();
    let (h, m, sec) = (v[0], v[1], v.get(2).copied().unwrap_or(0));
    (h < 24 && m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

impl AsOf {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS]` (`T` or a space), optionally
    /// ending in `Z` or `+HH:MM`/`-HH:MM`: the offset is accepted and the
    /// dates stay on that clock (the scrape's own).
    pub fn parse(s: &str) -> Result<AsOf, String> {
        let bad = || format!("`{s}` is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]");
        let t = s.trim();
        let (date, time) = match t.find(['T', 't', ' ']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let date = parse_date(date).ok_or_else(bad)?;
        let secs = match time {
            None => DAY - 1,
            Some(time) => {
                let clock = time.strip_suffix(['Z', 'z']).unwrap_or_else(|| match time.rfind(['+', '-']) {
                    Some(i) if parse_time(&time[i + 1..]).is_some_and(|o| o < DAY) && time[i + 1..].len() == 5 => {
                        &time[..i]
                    }
                    _ => time,
                });
                parse_time(clock).ok_or_else(bad)?
            }
        };
        Ok(AsOf { seconds: days_from_civil(date) * DAY + secs })
    }

    /// The date of this moment.
    pub fn date(self) -> Date {
        civil_from_days(self.seconds.div_euclid(DAY))
    }

    /// The date `n` calendar months before (the day kept, or the month's
    /// last day when it has fewer: 31 March less a month is 28 or 29 February).
    fn months_before(self, n: i64) -> Date {
        let d = self.date();
        let months = d.year * 12 + (d.month as i64 - 1) - n;
        let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
        Date { year, month, day: d.day.min(days_in_month(year, month)) }
    }

    /// The ISO date of a listing's relative time (`3 days ago`, `an hour ago`,
    /// `about 5 hours ago`, `1 hr. ago`, `5m ago`, `yesterday`, `just now`),
    /// an absolute date that starts with `YYYY-MM-DD` (its date part), or
    /// `None` for anything else, and for vague counts (`a few days ago`,
    /// `several weeks ago`) of hours or longer, which name no one date.
    pub fn resolve(self, text: &str) -> Option<Date> {
        let t = text.trim();
        if let Some(d) = t.get(..10).and_then(parse_date) {
            let rest = &t[10..];
            return (rest.is_empty() || rest.starts_with(['T', 't', ' '])).then_some(d);
        }
        let lower = t.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words.as_slice() {
            ["just", "now"] | ["now"] | ["today"] => return Some(self.date()),
            ["yesterday"] => return Some(civil_from_days(self.seconds.div_euclid(DAY) - 1)),
            _ => {}
        }
        let (&"ago", rest) = words.split_last()? else {
            return None;
        };
        let rest = match rest {
            ["about" | "around" | "over" | "almost" | "nearly" | "less" | "more", rest @ ..] => rest,
            rest => rest,
        };
        let rest = match rest {
            ["than", rest @ ..] => rest,
            rest => rest,
        };
        // The count (None: vague) and the unit word.
        let (count, unit): (Option<i64>, &str) = match rest {
            [count, unit] => (count_of(count)?, unit),
            ["a", "few", unit] => (None, unit),
            [glued] => {
                let split = glued.find(|c: char| !c.is_ascii_digit()).unwrap_or(glued.len());
                if split == 0 || split > 4 {
                    return None;
                }
                (Some(glued[..split].parse().ok()?), &glued[split..])
            }
            _ => return None,
        };
        let unit = unit.trim_end_matches('.');
        let unit = unit.strip_suffix('s').filter(|s| !s.is_empty()).unwrap_or(unit);
        let seconds = match unit {
            "second" | "sec" | "s" => 1,
            "minute" | "min" | "m" => 60,
            "hour" | "hr" | "h" => 3600,
            "day" | "d" => DAY,
            "week" | "wk" | "w" => 7 * DAY,
            "month" | "mo" => return count.map(|n| self.months_before(n)),
            "year" | "yr" | "y" => return count.map(|n| self.months_before(12 * n)),
            _ => return None,
        };
        let n = match count {
            Some(n) => n,
            // A few seconds or minutes ago is as good as now; a few hours or
            // days ago is no one date.
            None if seconds < 3600 => 0,
            None => return None,
        };
        Some(civil_from_days((self.seconds - n * seconds).div_euclid(DAY)))
    }
}

/// `Some(Some(n))` for a number or `a`/`an`/`one`, `Some(None)` for a vague
/// count (`few`, `several`), `None` for anything else.
fn count_of(word: &str) -> Option<Option<i64>> {
    match word {
        "a" | "an" | "one" => Some(Some(1)),
        "few" | "several" => Some(None),
        w if !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()) => Some(Some(w.parse().ok()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> AsOf {
        AsOf::parse(s).unwrap()
    }

    fn resolve(as_of: &str, text: &str) -> Option<String> {
        at(as_of).resolve(text).map(|d| d.to_string())
    }

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(Date { year: 1970, month: 1, day: 1 }), 0);
        assert_eq!(days_from_civil(Date { year: 2000, month: 3, day: 1 }), 11_017);
        for z in -800_000i64..800_000 {
            if z % 7 != 0 && z.abs() > 2000 {
                continue;
            }
            let d = civil_from_days(z);
            assert!(d.day >= 1 && d.day <= days_in_month(d.year, d.month), "{d:?}");
            assert_eq!(days_from_civil(d), z, "{d}");
        }
    }

    #[test]
    fn as_of_forms() {
        assert_eq!(at("2024-05-31").date().to_string(), "2024-05-31");
        assert_eq!(at("2024-05-31T08:30").date().to_string(), "2024-05-31");
        assert_eq!(at("2024-05-31 08:30:15").date().to_string(), "2024-05-31");
        assert_eq!(at("2024-05-31T08:30:15Z").date().to_string(), "2024-05-31");
        assert_eq!(at("2024-05-31T08:30:15+02:00").date().to_string(), "2024-05-31");
        assert_eq!(at("2024-05-31T23:30-05:00").date().to_string(), "2024-05-31");
        for bad in [
            "",
            "yesterday",
            "2024-5-31",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "0000-01-01",
            "2024-05-31T24:00",
            "2024-05-31T8:30",
            "2024-05-31T08:60",
            "2024-05-31T",
            "31/05/2024",
            "2024-05-31T08:30+2",
        ] {
            assert!(AsOf::parse(bad).is_err(), "`{bad}` accepted");
        }
        assert!(AsOf::parse("2024-02-29").is_ok());
    }

    #[test]
    fn relative_times_resolve() {
        let day = "2024-05-31";
        for (text, want) in [
            ("3 days ago", "2024-05-28"),
            ("1 day ago", "2024-05-30"),
            ("yesterday", "2024-05-30"),
            ("Yesterday", "2024-05-30"),
            ("today", "2024-05-31"),
            ("just now", "2024-05-31"),
            ("now", "2024-05-31"),
            ("an hour ago", "2024-05-31"),
            ("2 hours ago", "2024-05-31"),
            ("about 5 hours ago", "2024-05-31"),
            ("a few seconds ago", "2024-05-31"),
            ("a few minutes ago", "2024-05-31"),
            ("1 hr. ago", "2024-05-31"),
            ("5m ago", "2024-05-31"),
            ("12h ago", "2024-05-31"),
            ("30 hours ago", "2024-05-30"),
            ("2 weeks ago", "2024-05-17"),
            ("a week ago", "2024-05-24"),
            ("3d ago", "2024-05-28"),
            ("3 months ago", "2024-02-29"),
            ("1 mo ago", "2024-04-30"),
            ("a year ago", "2023-05-31"),
            ("2 yrs ago", "2022-05-31"),
            ("more than 2 days ago", "2024-05-29"),
            ("3\u{a0}days ago", "2024-05-28"),
            ("31 days ago", "2024-04-30"),
            ("366 days ago", "2023-05-31"),
        ] {
            assert_eq!(resolve(day, text).as_deref(), Some(want), "{text}");
        }
        for vague in ["a few days ago", "several weeks ago", "a few hours ago", "few months ago"] {
            assert_eq!(resolve(day, vague), None, "{vague}");
        }
        for other in ["", "ago", "3 ago", "last week", "3 fortnights ago", "12345 days ago", "May 28", "3 days"] {
            assert_eq!(resolve(day, other), None, "{other}");
        }
    }

    #[test]
    fn a_time_of_day_decides_sub_day_units() {
        assert_eq!(resolve("2024-05-31T01:00", "2 hours ago").as_deref(), Some("2024-05-30"));
        assert_eq!(resolve("2024-05-31T03:00", "2 hours ago").as_deref(), Some("2024-05-31"));
        assert_eq!(resolve("2024-01-01T00:00:30", "45 seconds ago").as_deref(), Some("2023-12-31"));
        assert_eq!(resolve("2024-03-01T00:30", "yesterday").as_deref(), Some("2024-02-29"));
        // A date alone is its last second.
        assert_eq!(resolve("2024-05-31", "23 hours ago").as_deref(), Some("2024-05-31"));
        assert_eq!(resolve("2024-05-31", "24 hours ago").as_deref(), Some("2024-05-30"));
    }

    #[test]
    fn month_arithmetic_clamps_to_the_month_end() {
        assert_eq!(resolve("2024-03-31", "1 month ago").as_deref(), Some("2024-02-29"));
        assert_eq!(resolve("2023-03-31", "1 month ago").as_deref(), Some("2023-02-28"));
        assert_eq!(resolve("2024-01-15", "2 months ago").as_deref(), Some("2023-11-15"));
        assert_eq!(resolve("2024-02-29", "1 year ago").as_deref(), Some("2023-02-28"));
        assert_eq!(resolve("2024-02-29", "4 years ago").as_deref(), Some("2020-02-29"));
    }

    #[test]
    fn absolute_dates_keep_their_date_part() {
        let d = "2024-05-31";
        assert_eq!(resolve(d, "2018-05-03").as_deref(), Some("2018-05-03"));
        assert_eq!(resolve(d, "2018-05-03T10:00:00Z").as_deref(), Some("2018-05-03"));
        assert_eq!(resolve(d, "2018-05-03 10:00").as_deref(), Some("2018-05-03"));
        assert_eq!(resolve(d, "2018-05-03x"), None);
        assert_eq!(resolve(d, "2018-02-30"), None);
    }

    /// Every form the listing reader accepts as a relative time resolves,
    /// except the vague counts of hours or longer.
    #[test]
    fn every_listing_relative_time_resolves_or_is_vague() {
        use crate::reader::listing::is_relative_time;
        let counts = ["1", "12", "an", "a", "one", "few", "several", "a few"];
        let units = ["second", "secs", "min", "minutes", "m", "hour", "hrs.", "h", "days", "d", "weeks", "wk", "w"];
        let units2 = ["months", "mo", "years", "yr", "y"];
        for q in ["", "about ", "less than "] {
            for c in counts {
                for u in units.iter().chain(&units2) {
                    let text = format!("{q}{c} {u} ago");
                    if !is_relative_time(&text) {
                        continue;
                    }
                    let vague = matches!(c, "few" | "several" | "a few");
                    let sub_hour = ["second", "secs", "min", "minutes", "m"].contains(u);
                    assert_eq!(at("2024-05-31").resolve(&text).is_some(), !vague || sub_hour, "{text}");
                }
            }
        }
    }
}
