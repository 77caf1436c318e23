//! Simulated time and calendar dates, as integers.
//!
//! Simulated time is whole seconds since the start of the shift ([`SimTime`]);
//! a specimen drawn before the shift has a negative time. Scenario files write
//! clock times (`"07:45"`) on the shift's date; hours 24–47 are the next day,
//! for night shifts.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Seconds since the start of the shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub i64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_minutes(minutes: i64) -> SimTime {
        SimTime(minutes * 60)
    }

    pub fn seconds(self) -> i64 {
        self.0
    }
}

/// A clock time of day, in seconds since midnight of the shift date (may exceed a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClockTime(pub i64);

impl ClockTime {
    /// Parses `HH:MM` or `HH:MM:SS`, hours 0–47.
    pub fn parse(text: &str) -> Option<ClockTime> {
        let b = text.as_bytes();
        // Two digits at `i`, read without allocating: every logged action is parsed.
        let two = |i: usize| match (b.get(i), b.get(i + 1)) {
            (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => {
                Some(i64::from(x - b'0') * 10 + i64::from(y - b'0'))
            }
            _ => None,
        };
        let (h, m, s) = match b.len() {
            5 if b[2] == b':' => (two(0)?, two(3)?, 0),
            8 if b[2] == b':' && b[5] == b':' => (two(0)?, two(3)?, two(6)?),
            _ => return None,
        };
        (h < 48 && m < 60 && s < 60).then_some(ClockTime(h * 3600 + m * 60 + s))
    }

    /// Simulated time of this clock time in a shift starting at `start`.
    pub fn since(self, start: ClockTime) -> SimTime {
        SimTime(self.0 - start.0)
    }

    /// The clock time `t` seconds into a shift that starts at `self`.
    pub fn plus(self, t: SimTime) -> ClockTime {
        ClockTime(self.0 + t.0)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0.rem_euclid(24 * 3600);
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
        if s == 0 { write!(f, "{h:02}:{m:02}") } else { write!(f, "{h:02}:{m:02}:{s:02}") }
    }
}

/// A calendar date, as days since 1970-01-01 (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date(pub i64);

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| {
            text.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse::<i64>().ok()
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    pub fn ymd(self) -> (i64, i64, i64) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A length of time in whole minutes, as a technician says it: "45 min",
/// "2 h 30 min", "4 h", "7 days".
pub fn span_words(minutes: i64) -> String {
    match minutes {
        m if m >= 2 * 1440 && m % 1440 == 0 => format!("{} days", m / 1440),
        m if m >= 60 && m % 60 == 0 => format!("{} h", m / 60),
        m if m >= 60 => format!("{} h {} min", m / 60, m % 60),
        m => format!("{m} min"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_span_is_said_in_the_largest_whole_unit() {
        use super::span_words;
        assert_eq!(span_words(45), "45 min");
        assert_eq!(span_words(60), "1 h");
        assert_eq!(span_words(150), "2 h 30 min");
        assert_eq!(span_words(240), "4 h");
        assert_eq!(span_words(1440), "24 h");
        assert_eq!(span_words(10080), "7 days");
    }

    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(ClockTime::parse("07:05"), Some(ClockTime(7 * 3600 + 300)));
        assert_eq!(ClockTime::parse("25:00:30"), Some(ClockTime(25 * 3600 + 30)));
        for bad in ["7:05", "07:60", "48:00", "07-05", "aa:bb", "07:05:", ""] {
            assert_eq!(ClockTime::parse(bad), None, "{bad}");
        }
        let start = ClockTime(7 * 3600);
        assert_eq!(ClockTime(6 * 3600 + 40 * 60).since(start), SimTime(-20 * 60));
        assert_eq!(start.plus(SimTime(3600)).to_string(), "08:00");
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(Date::parse("1970-01-01"), Some(Date(0)));
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01x", "2026/01/01"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        let a = Date::parse("2026-03-14").map(|d| d.0);
        let b = Date::parse("2026-03-01").map(|d| d.0);
        assert_eq!(a.zip(b).map(|(a, b)| a - b), Some(13));
    }
}
