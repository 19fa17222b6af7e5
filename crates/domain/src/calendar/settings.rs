//! A calendar's rules: its time zone, business hours per weekday (several spans a day), slot
//! length, places per slot, buffer, booking horizon, minimum notice, closed days and public
//! holidays. Checked as a whole, with a message per field.

use super::holidays;
use crate::campaign::{ClockTime, Weekday};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// One stretch of business hours: appointments start at `start` or later and end by `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Opens, `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:00"))]
    pub start: ClockTime,
    /// Closes, `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:30"))]
    pub end: ClockTime,
}

/// Business hours per weekday; a day without spans is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Week {
    /// Monday.
    pub mon: Vec<Span>,
    /// Tuesday.
    pub tue: Vec<Span>,
    /// Wednesday.
    pub wed: Vec<Span>,
    /// Thursday.
    pub thu: Vec<Span>,
    /// Friday.
    pub fri: Vec<Span>,
    /// Saturday.
    pub sat: Vec<Span>,
    /// Sunday.
    pub sun: Vec<Span>,
}

impl Week {
    /// The spans of one weekday.
    pub fn day(&self, day: Weekday) -> &[Span] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    fn days(&self) -> [(&'static str, &[Span]); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }

    /// Monday to Friday, 9:00–12:00 and 13:00–17:00.
    pub fn office() -> Week {
        let span = |a: u16, b: u16| Span {
            start: ClockTime::new(a, 0).expect("valid"),
            end: ClockTime::new(b, 0).expect("valid"),
        };
        let day = vec![span(9, 12), span(13, 17)];
        Week {
            mon: day.clone(),
            tue: day.clone(),
            wed: day.clone(),
            thu: day.clone(),
            fri: day,
            sat: vec![],
            sun: vec![],
        }
    }
}

/// A day the calendar takes no appointments (a holiday of its own, a team day…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClosedDay {
    /// The day, `YYYY-MM-DD`, in the calendar's time zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-24"))]
    pub date: Date,
    /// Why, as people read it.
    #[serde(default)]
    pub name: String,
}

/// When a calendar takes appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CalendarSettings {
    /// IANA time zone of the business hours, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// Business hours per weekday.
    pub hours: Week,
    /// Length of an appointment, 5 to 480 minutes.
    pub slot_minutes: u32,
    /// Appointments that can share one slot (chairs, staff), 1 to 100.
    pub capacity: u32,
    /// Minutes kept free after each appointment before the next slot starts, 0 to 240.
    pub buffer_minutes: u32,
    /// How many days ahead people may book, 1 to 730.
    pub horizon_days: u32,
    /// How many minutes before its start a slot can still be booked, 0 to 43,200 (30 days).
    pub notice_minutes: u32,
    /// Public holidays the calendar is closed on: `DE` (nationwide), a German state (`DE-BY`,
    /// `DE-NW`, …), `US` (federal), or `null` for none.
    pub holidays: Option<String>,
    /// Holidays the calendar is open on anyway, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub open_on: Vec<Date>,
    /// Days of its own the calendar is closed.
    pub closed_days: Vec<ClosedDay>,
}

impl Default for CalendarSettings {
    fn default() -> Self {
        CalendarSettings {
            time_zone: "Europe/Berlin".into(),
            hours: Week::office(),
            slot_minutes: 30,
            capacity: 1,
            buffer_minutes: 0,
            horizon_days: 60,
            notice_minutes: 120,
            holidays: None,
            open_on: vec![],
            closed_days: vec![],
        }
    }
}

/// What is wrong with a calendar's settings: the field and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingsError {
    /// The field, as in the JSON (`hours.mon[1]`, `slot_minutes`…).
    pub field: String,
    /// What to change.
    pub message: String,
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field: field.into(),
        message: message.into(),
    }
}

impl CalendarSettings {
    /// Every problem with the settings (empty when they can be used).
    pub fn check(&self) -> Vec<SettingsError> {
        let mut errors = Vec::new();
        if TimeZone::get(&self.time_zone).is_err() {
            errors.push(bad(
                "time_zone",
                format!(
                    "'{}' is not a time zone; use an IANA name such as Europe/Berlin or America/New_York",
                    self.time_zone
                ),
            ));
        }
        let ranges = [
            ("slot_minutes", self.slot_minutes, 5, 480),
            ("capacity", self.capacity, 1, 100),
            ("buffer_minutes", self.buffer_minutes, 0, 240),
            ("horizon_days", self.horizon_days, 1, 730),
            ("notice_minutes", self.notice_minutes, 0, 43_200),
        ];
        for (field, value, low, high) in ranges {
            if !(low..=high).contains(&value) {
                errors.push(bad(field, format!("must be from {low} to {high}")));
            }
        }
        for (day, spans) in self.hours.days() {
            let mut sorted: Vec<(usize, &Span)> = spans.iter().enumerate().collect();
            sorted.sort_by_key(|(_, s)| s.start);
            for (i, span) in &sorted {
                if span.end <= span.start {
                    errors.push(bad(
                        format!("hours.{day}[{i}]"),
                        format!("closes ({}) before it opens ({})", span.end, span.start),
                    ));
                } else if u32::from(
                    span.end.minutes_since_midnight() - span.start.minutes_since_midnight(),
                ) < self.slot_minutes
                {
                    errors.push(bad(
                        format!("hours.{day}[{i}]"),
                        format!(
                            "{}–{} is shorter than one appointment ({} minutes)",
                            span.start, span.end, self.slot_minutes
                        ),
                    ));
                }
            }
            for pair in sorted.windows(2) {
                let ((_, a), (j, b)) = (pair[0], pair[1]);
                if b.start < a.end {
                    errors.push(bad(
                        format!("hours.{day}[{j}]"),
                        format!("{}–{} overlaps {}–{}", b.start, b.end, a.start, a.end),
                    ));
                }
            }
        }
        if let Some(region) = &self.holidays
            && !holidays::REGIONS.iter().any(|(code, _)| code == region)
        {
            errors.push(bad(
                "holidays",
                format!(
                    "'{region}' has no holidays built in; use one of {}, or null",
                    holidays::REGIONS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for (i, day) in self.closed_days.iter().enumerate() {
            if day.name.chars().count() > 100 {
                errors.push(bad(
                    format!("closed_days[{i}].name"),
                    "must be at most 100 characters",
                ));
            }
        }
        if self.closed_days.len() > 1000 || self.open_on.len() > 1000 {
            errors.push(bad("closed_days", "at most 1,000 days each"));
        }
        errors
    }

    /// The calendar's time zone (UTC when the stored name no longer resolves).
    pub fn zone(&self) -> TimeZone {
        TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC)
    }

    /// Why the calendar is closed all day on `date`, if it is: a closed day of its own, or a
    /// public holiday it is not open on.
    pub fn closed_on(&self, date: Date) -> Option<String> {
        if let Some(day) = self.closed_days.iter().find(|d| d.date == date) {
            return Some(if day.name.is_empty() {
                "closed".into()
            } else {
                day.name.clone()
            });
        }
        let region = self.holidays.as_deref()?;
        if self.open_on.contains(&date) {
            return None;
        }
        holidays::on(region, date).map(str::to_string)
    }
}
