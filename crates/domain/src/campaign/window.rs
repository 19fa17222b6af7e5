//! The hours and days a campaign may call, in the campaign's own time zone.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A time of day to the minute, written `HH:MM` (24-hour clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime {
    minutes: u16,
}

impl ClockTime {
    /// Builds a time from hours and minutes; `None` when out of range.
    pub const fn new(hour: u16, minute: u16) -> Option<Self> {
        if hour < 24 && minute < 60 {
            Some(ClockTime {
                minutes: hour * 60 + minute,
            })
        } else {
            None
        }
    }

    /// Minutes since midnight.
    pub fn minutes_since_midnight(self) -> u16 {
        self.minutes
    }

    /// Parses `9:00`, `09:00` or `21:30`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a time of day; write it as HH:MM, e.g. 09:00 or 20:30");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if m.len() != 2 || h.is_empty() || h.len() > 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        ClockTime::new(h, m).ok_or_else(bad)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ClockTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Converts from jiff's weekday, for checking a local date against a window.
    pub fn from_jiff(day: jiff::civil::Weekday) -> Self {
        use jiff::civil::Weekday as J;
        match day {
            J::Monday => Weekday::Mon,
            J::Tuesday => Weekday::Tue,
            J::Wednesday => Weekday::Wed,
            J::Thursday => Weekday::Thu,
            J::Friday => Weekday::Fri,
            J::Saturday => Weekday::Sat,
            J::Sunday => Weekday::Sun,
        }
    }
}

/// When a campaign may call: from `start` (inclusive) to `end` (exclusive) on the listed days,
/// in the campaign's time zone. The called person's own local hours are checked separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallingWindow {
    /// First minute calls may start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:00"))]
    pub start: ClockTime,
    /// Calls may not start at or after this time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "20:00"))]
    pub end: ClockTime,
    /// Days calls may be made.
    pub days: Vec<Weekday>,
}

impl Default for CallingWindow {
    fn default() -> Self {
        CallingWindow {
            start: ClockTime::new(9, 0).expect("valid"),
            end: ClockTime::new(20, 0).expect("valid"),
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
        }
    }
}

impl CallingWindow {
    /// Whether a local day and time falls inside the window.
    pub fn allows(&self, day: Weekday, time: ClockTime) -> bool {
        self.days.contains(&day) && time >= self.start && time < self.end
    }

    /// The first moment at or after `from` that the window allows, in `zone`: `from` itself
    /// when open, else the next day's opening (within a week; `None` for a window without
    /// days).
    pub fn next_opening(
        &self,
        zone: &jiff::tz::TimeZone,
        from: jiff::Timestamp,
    ) -> Option<jiff::Timestamp> {
        let here = from.to_zoned(zone.clone());
        let now = ClockTime::new(here.hour() as u16, here.minute() as u16)?;
        if self.allows(Weekday::from_jiff(here.weekday()), now) {
            return Some(from);
        }
        let minutes = self.start.minutes_since_midnight();
        (0..=7).find_map(|offset| {
            let date = here
                .date()
                .checked_add(jiff::Span::new().days(offset))
                .ok()?;
            if !self.days.contains(&Weekday::from_jiff(date.weekday())) {
                return None;
            }
            let at = date.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
            let t = zone.to_ambiguous_zoned(at).compatible().ok()?.timestamp();
            (t > from).then_some(t)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_the_forms_people_write() {
        assert_eq!(ClockTime::parse("9:00").unwrap().to_string(), "09:00");
        assert_eq!(
            ClockTime::parse("21:30").unwrap().minutes_since_midnight(),
            1290
        );
        for bad in ["24:00", "9", "9:5", "ab:cd", "", "12:60"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_opening_is_now_or_the_next_open_days_start() {
        let w = CallingWindow::default();
        let ny = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        // Friday 12:00 in New York: open now.
        assert_eq!(
            w.next_opening(&ny, at("2026-11-20T17:00:00Z")),
            Some(at("2026-11-20T17:00:00Z"))
        );
        // Friday 20:30: Monday 09:00.
        assert_eq!(
            w.next_opening(&ny, at("2026-11-21T01:30:00Z")),
            Some(at("2026-11-23T14:00:00Z"))
        );
        // Midnight starting Thursday: 09:00 that day.
        assert_eq!(
            w.next_opening(&ny, at("2026-11-19T05:00:00Z")),
            Some(at("2026-11-19T14:00:00Z"))
        );
        let never = CallingWindow {
            days: vec![],
            ..CallingWindow::default()
        };
        assert_eq!(never.next_opening(&ny, at("2026-11-19T05:00:00Z")), None);
    }

    #[test]
    fn the_window_includes_its_start_and_excludes_its_end() {
        let w = CallingWindow::default();
        assert!(w.allows(Weekday::Mon, ClockTime::new(9, 0).unwrap()));
        assert!(w.allows(Weekday::Fri, ClockTime::new(19, 59).unwrap()));
        assert!(!w.allows(Weekday::Fri, ClockTime::new(20, 0).unwrap()));
        assert!(!w.allows(Weekday::Sat, ClockTime::new(12, 0).unwrap()));
    }
}
