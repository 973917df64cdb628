//! Dates: `YYYY-MM-DD` arithmetic, over the library's civil-day algorithms
//! (`newsdedup::dates`).

use newsdedup::dates::{civil_from_days, Date};

/// Days from 1970-01-01 to `y-m-d` (the library's civil-day arithmetic).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    newsdedup::dates::days_from_civil(Date { year, month, day })
}

pub(crate) fn format_day(days: i64) -> String {
    civil_from_days(days).to_string()
}

/// `date` moved by `by` days when it starts with `YYYY-MM-DD` (the rest is kept).
pub(crate) fn shift_date(date: &str, by: i64) -> Option<String> {
    let b = date.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| date.get(r)?.parse::<u32>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format_day(days_from_civil(i64::from(y), m, d) + by) + &date[10..])
}

pub(crate) const MONTHS: [&str; 12] =
    ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_shift_across_months_and_keep_the_time() {
        assert_eq!(shift_date("2019-02-27T10:00:00-04:00", 2).as_deref(), Some("2019-03-01T10:00:00-04:00"));
        assert_eq!(shift_date("2020-02-28", 1).as_deref(), Some("2020-02-29"));
        assert_eq!(shift_date("2019-12-31", 1).as_deref(), Some("2020-01-01"));
        assert_eq!(shift_date("3 days ago", 1), None);
        for z in -1000..1000 {
            let Date { year, month, day } = civil_from_days(z);
            assert_eq!(days_from_civil(year, month, day), z);
        }
    }
}
