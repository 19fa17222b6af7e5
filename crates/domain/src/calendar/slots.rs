//! The slots a calendar's rules make: each open day's spans cut into appointments of the slot
//! length with the buffer between them, in the calendar's time zone. A clock time that does not
//! exist that day (the hour skipped when clocks go forward) makes no slot; one that exists twice
//! (the hour repeated when they go back) makes one, at its first occurrence.

use super::CalendarSettings;
use crate::campaign::Weekday;
use jiff::civil::{Date, DateTime};
use jiff::tz::AmbiguousOffset;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

/// One slot: when an appointment in it starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Slot {
    /// Starts.
    pub start: Timestamp,
    /// Ends (the buffer after it is not part of it).
    pub end: Timestamp,
}

/// Why a moment cannot be booked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotBookable {
    /// The calendar has no slot starting then.
    #[error(
        "no slot starts at that time: appointments start on the calendar's grid of {0}-minute slots within its business hours"
    )]
    NotASlot(u32),
    /// The calendar is closed that day.
    #[error("the calendar is closed that day ({0})")]
    Closed(String),
    /// Too soon: within the minimum notice, or past.
    #[error("too soon: slots can be booked up to {0} minutes before they start")]
    TooSoon(u32),
    /// Beyond the booking horizon.
    #[error("too far ahead: slots can be booked at most {0} days ahead")]
    TooFar(u32),
}

/// What a person asked for, as a stretch of time: the slots that start in it are what they
/// want; if none is free, the nearest free before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// From (inclusive).
    pub from: Timestamp,
    /// To (exclusive).
    pub to: Timestamp,
}

/// The moment a local clock time on `date` names, if it exists (the first, when twice).
fn instant(zone: &jiff::tz::TimeZone, at: DateTime) -> Option<Timestamp> {
    let ambiguous = zone.to_ambiguous_timestamp(at);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => {
            ambiguous.compatible().ok()
        }
        AmbiguousOffset::Gap { .. } => None,
    }
}

impl CalendarSettings {
    /// The slots of one local day, open or not (closed days and holidays make none).
    pub fn day_slots(&self, date: Date) -> Vec<Slot> {
        if self.closed_on(date).is_some() {
            return vec![];
        }
        let zone = self.zone();
        let step = i64::from(self.slot_minutes + self.buffer_minutes);
        let length = i64::from(self.slot_minutes);
        let mut slots = Vec::new();
        for span in self.hours.day(Weekday::from_jiff(date.weekday())) {
            let end = i64::from(span.end.minutes_since_midnight());
            let mut at = i64::from(span.start.minutes_since_midnight());
            while at + length <= end {
                let local = date.to_datetime(jiff::civil::Time::midnight()) + at.minutes();
                if let Some(start) = instant(&zone, local) {
                    slots.push(Slot {
                        start,
                        end: start + length.minutes(),
                    });
                }
                at += step;
            }
        }
        slots.sort();
        slots.dedup();
        slots
    }

    /// The slots starting in `[from, to)`, in order, open days only (whatever their notice).
    pub fn slots(&self, from: Timestamp, to: Timestamp) -> Vec<Slot> {
        let zone = self.zone();
        let mut date = from.to_zoned(zone.clone()).date();
        let last = to.to_zoned(zone).date();
        let mut slots = Vec::new();
        while date <= last {
            slots.extend(
                self.day_slots(date)
                    .into_iter()
                    .filter(|s| s.start >= from && s.start < to),
            );
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        slots
    }

    /// The stretch in which slots can be booked at `now`: from the minimum notice to the
    /// horizon.
    pub fn bookable_window(&self, now: Timestamp) -> (Timestamp, Timestamp) {
        (
            now + i64::from(self.notice_minutes).minutes(),
            now + (i64::from(self.horizon_days) * 24).hours(),
        )
    }

    /// The slot starting at `start`, if it can be booked at `now`.
    pub fn bookable(&self, start: Timestamp, now: Timestamp) -> Result<Slot, NotBookable> {
        let date = start.to_zoned(self.zone()).date();
        if let Some(why) = self.closed_on(date) {
            return Err(NotBookable::Closed(why));
        }
        let slot = self
            .day_slots(date)
            .into_iter()
            .find(|s| s.start == start)
            .ok_or(NotBookable::NotASlot(self.slot_minutes))?;
        let (earliest, latest) = self.bookable_window(now);
        if start < earliest {
            return Err(NotBookable::TooSoon(self.notice_minutes));
        }
        if start > latest {
            return Err(NotBookable::TooFar(self.horizon_days));
        }
        Ok(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{ClosedDay, Span};
    use crate::campaign::ClockTime;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn berlin() -> CalendarSettings {
        CalendarSettings {
            holidays: Some("DE-BY".into()),
            ..CalendarSettings::default()
        }
    }

    #[test]
    fn a_day_is_cut_into_slots_per_span_with_the_buffer_between() {
        let mut s = berlin();
        s.buffer_minutes = 15;
        s.slot_minutes = 45;
        // Monday 7 December 2026: 9:00–12:00 → 9:00, 10:00, 11:00; 13:00–17:00 → 13:00…16:00.
        let slots = s.day_slots(date(2026, 12, 7));
        let starts: Vec<String> = slots
            .iter()
            .map(|s| {
                s.start
                    .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
                    .strftime("%H:%M")
                    .to_string()
            })
            .collect();
        assert_eq!(
            starts,
            [
                "09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00"
            ]
        );
        assert_eq!(slots[0].start, ts("2026-12-07T08:00:00Z"));
        assert_eq!(slots[0].end, ts("2026-12-07T08:45:00Z"));
        // Saturday: closed.
        assert!(s.day_slots(date(2026, 12, 12)).is_empty());
        // A holiday of the region, unless the calendar is open on it.
        assert!(s.day_slots(date(2027, 1, 6)).is_empty());
        s.open_on.push(date(2027, 1, 6));
        assert_eq!(s.day_slots(date(2027, 1, 6)).len(), 7);
        s.closed_days.push(ClosedDay {
            date: date(2026, 12, 8),
            name: "Team day".into(),
        });
        assert!(s.day_slots(date(2026, 12, 8)).is_empty());
        assert_eq!(s.closed_on(date(2026, 12, 8)).as_deref(), Some("Team day"));
    }

    #[test]
    fn the_skipped_hour_makes_no_slot_and_the_repeated_one_makes_one() {
        let mut s = CalendarSettings {
            time_zone: "Europe/Berlin".into(),
            ..Default::default()
        };
        s.hours.sun = vec![Span {
            start: ClockTime::new(0, 0).unwrap(),
            end: ClockTime::new(4, 0).unwrap(),
        }];
        s.slot_minutes = 60;
        // 29 March 2026: 2:00 does not exist.
        assert_eq!(s.day_slots(date(2026, 3, 29)).len(), 3);
        // 25 October 2026: 2:00 exists twice; one slot, at its first occurrence.
        let slots = s.day_slots(date(2026, 10, 25));
        assert_eq!(slots.len(), 4);
        assert_eq!(slots[2].start, ts("2026-10-25T00:00:00Z"));
    }

    #[test]
    fn booking_is_refused_off_the_grid_on_closed_days_too_soon_and_too_far() {
        let s = berlin();
        let now = ts("2026-12-07T07:00:00Z"); // Monday 8:00 in Berlin
        assert_eq!(
            s.bookable(ts("2026-12-07T10:00:00Z"), now).unwrap().end,
            ts("2026-12-07T10:30:00Z")
        );
        assert_eq!(
            s.bookable(ts("2026-12-07T10:10:00Z"), now),
            Err(NotBookable::NotASlot(30))
        );
        assert_eq!(
            s.bookable(ts("2026-12-07T08:30:00Z"), now),
            Err(NotBookable::TooSoon(120))
        );
        assert!(
            matches!(s.bookable(ts("2026-12-25T10:00:00Z"), now), Err(NotBookable::Closed(n)) if n == "1. Weihnachtstag")
        );
        assert_eq!(
            s.bookable(ts("2027-03-01T10:00:00Z"), now),
            Err(NotBookable::TooFar(60))
        );
    }

    #[test]
    fn a_range_lists_the_slots_starting_in_it() {
        let s = berlin();
        let slots = s.slots(ts("2026-12-07T00:00:00Z"), ts("2026-12-14T00:00:00Z"));
        // Five weekdays of 14 half-hour slots.
        assert_eq!(slots.len(), 70);
        assert!(slots.windows(2).all(|w| w[0].start < w[1].start));
    }
}
