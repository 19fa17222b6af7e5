//! The day and time an utterance names, resolved against the moment it was said, in the
//! speaker's time zone.
//!
//! The rules for what people leave open, chosen for booking:
//! - a bare hour from 1 to 7 ("um 3", "at 4", "halb vier") is in the afternoon; 8 to 12 stay as
//!   said; "Uhr" with 13–23 is the 24-hour clock; am/pm, "morgens" or "abends" decide when said;
//! - a weekday alone is the next such day after today ("Donnerstag" said on a Thursday is in a
//!   week); "nächsten"/"next" adds nothing to that; "Mittwoch nächste Woche"/"Wednesday next
//!   week" is that day in the following Monday-to-Sunday week; "diesen"/"this" allows today;
//! - a date already past this year is next year's; a day of the month already past ("the 3rd")
//!   is next month's;
//! - a time without a day is today when still ahead, else tomorrow;
//! - when the speaker corrects themselves ("Donnerstag, nein, Freitag") the last day and the last
//!   time said count;
//! - words are matched whole: "absagen", "Mutter" or "diesen" alone never name a day.

mod clock;
mod day;

use crate::lang::Lang;
use jiff::civil::{Date, Time};
use jiff::{ToSpan, Zoned};
use serde::{Deserialize, Serialize};

pub use clock::TimeSpec;
pub use day::DaySpec;

/// What kind of moment was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    /// A day and a clock time.
    Instant,
    /// A whole day.
    Day,
    /// A day with a span of time: a part of the day ("Nachmittag") or a range ("zwischen 9 und
    /// 11", "after 4"), either end possibly open.
    PartOfDay,
}

/// A resolved day and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct When {
    /// What kind of moment.
    pub kind: Kind,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The clock time of an instant, `HH:MM`.
    pub time: Option<String>,
    /// The start of a span, `HH:MM`.
    pub from: Option<String>,
    /// The end of a span, `HH:MM`.
    pub to: Option<String>,
}

/// Words by which a speaker takes back what they just said.
const CORRECTIONS: &[&str] = &[
    "nein", "no", "sorry", "lieber", "rather", "actually", "eher",
];

/// The day and time `tokens` name, resolved at `now`.
pub fn find(tokens: &[String], lang: Lang, now: &Zoned) -> Option<When> {
    let mut days: Vec<(usize, DaySpec)> = Vec::new();
    let mut times: Vec<(usize, TimeSpec)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((spec, used)) = clock::at(tokens, i, lang) {
            times.push((i, spec));
            i += used;
            continue;
        }
        if let Some((spec, used, part)) = day::at(tokens, i, lang) {
            days.push((i, spec));
            if let Some(part) = part {
                times.push((i, TimeSpec::Part(part)));
            }
            i += used;
            continue;
        }
        i += 1;
    }
    // A correction drops what came before it, of the kind said again after it.
    if let Some(c) = tokens
        .iter()
        .rposition(|t| CORRECTIONS.contains(&t.as_str()))
    {
        if days.iter().any(|(p, _)| *p > c) {
            days.retain(|(p, _)| *p > c);
        }
        if times.iter().any(|(p, _)| *p > c) {
            times.retain(|(p, _)| *p > c);
        }
    }
    let day = days.last().map(|(_, d)| *d);
    // "morgens immer", "every evening": a habit, not a time, unless a day is said with it.
    const HABIT: &[&str] = &[
        "immer",
        "jeden",
        "jede",
        "meistens",
        "normalerweise",
        "always",
        "every",
        "usually",
    ];
    if day.is_none() && tokens.iter().any(|t| HABIT.contains(&t.as_str())) {
        times.retain(|(_, t)| !matches!(t, TimeSpec::Part(_)));
    }
    let time = merge(&times);
    resolve(day, time, now)
}

/// The time said: a clock time refined by a part of the day said beside it ("abends um 8"), or
/// the last span.
fn merge(times: &[(usize, TimeSpec)]) -> Option<TimeSpec> {
    let part = times.iter().rev().find_map(|(_, t)| match t {
        TimeSpec::Part(p) => Some(*p),
        _ => None,
    });
    let clock = times.iter().rev().find_map(|(_, t)| match t {
        TimeSpec::Clock(c) => Some(*c),
        _ => None,
    });
    match (clock, part) {
        (Some(c), Some(p)) => Some(TimeSpec::Clock(c.within(p))),
        (Some(c), None) => Some(TimeSpec::Clock(c)),
        _ => times.last().map(|(_, t)| *t),
    }
}

fn resolve(day: Option<DaySpec>, time: Option<TimeSpec>, now: &Zoned) -> Option<When> {
    let today = now.date();
    let date = match (day, time) {
        (None, None) => return None,
        (Some(d), _) => d.resolve(today)?,
        // A time alone: today while it is still ahead, else tomorrow.
        (None, Some(t)) => {
            let start = t.start().unwrap_or(Time::midnight());
            if start > now.time() || t.end().is_some_and(|e| e > now.time()) {
                today
            } else {
                today.checked_add(1.day()).ok()?
            }
        }
    };
    Some(describe(date, time))
}

fn describe(date: Date, time: Option<TimeSpec>) -> When {
    let hm = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
    let date_text = date.to_string();
    match time {
        None => When {
            kind: Kind::Day,
            date: date_text,
            time: None,
            from: None,
            to: None,
        },
        Some(TimeSpec::Clock(c)) => When {
            kind: Kind::Instant,
            date: date_text,
            time: Some(hm(c.time())),
            from: None,
            to: None,
        },
        Some(span) => When {
            kind: Kind::PartOfDay,
            date: date_text,
            time: None,
            from: span.start().map(hm),
            to: span.end().map(hm),
        },
    }
}
