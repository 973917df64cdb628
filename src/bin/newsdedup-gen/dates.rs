//! Dates: `YYYY-MM-DD` arithmetic (Howard Hinnant's civil-day algorithms).

pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub(crate) fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
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
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
