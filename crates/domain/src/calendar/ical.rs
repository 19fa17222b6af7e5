//! iCalendar (RFC 5545) text for appointments: one event as a file, or a calendar's events as
//! a feed that Google Calendar, Outlook and Apple Calendar subscribe to. Times are written in
//! UTC (`…Z`), so no `VTIMEZONE` is needed; lines end in CRLF and are folded at 75 octets
//! without splitting a character.
//!
//! Written by hand rather than with the `icalendar` crate: that crate is built on chrono while
//! Outdial's times are jiff, and what is written here is a handful of properties.

use jiff::Timestamp;

/// One appointment as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across changes, e.g. `appointment-42@<host>`.
    pub uid: String,
    /// Bumped on every change, so subscribers replace their copy.
    pub sequence: i64,
    /// When this version was written.
    pub stamp: Timestamp,
    /// Starts.
    pub start: Timestamp,
    /// Ends.
    pub end: Timestamp,
    /// The title.
    pub summary: String,
    /// Longer text (the lead's number, notes…).
    pub description: String,
    /// Where (the calendar's name).
    pub location: String,
    /// Cancelled events stay in the feed as `STATUS:CANCELLED`, so subscribers remove them.
    pub cancelled: bool,
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded: at most 75 octets a line, continuations starting with a
/// space, never inside a UTF-8 character.
pub fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        // The first line holds 75 octets; a continuation 74 after its leading space.
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn push_event(out: &mut String, e: &Event) {
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}", escape(&e.uid)));
    push_line(out, &format!("SEQUENCE:{}", e.sequence));
    push_line(out, &format!("DTSTAMP:{}", utc(e.stamp)));
    push_line(out, &format!("DTSTART:{}", utc(e.start)));
    push_line(out, &format!("DTEND:{}", utc(e.end)));
    push_line(out, &format!("SUMMARY:{}", escape(&e.summary)));
    if !e.description.is_empty() {
        push_line(out, &format!("DESCRIPTION:{}", escape(&e.description)));
    }
    if !e.location.is_empty() {
        push_line(out, &format!("LOCATION:{}", escape(&e.location)));
    }
    push_line(
        out,
        if e.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        },
    );
    push_line(out, "END:VEVENT");
}

/// A calendar of `events` named `name` (shown by the app that subscribes).
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//Outdial//Appointments//EN");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    // Ask subscribers to look again every 15 minutes (Outlook and Apple honour it).
    push_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT15M");
    push_line(&mut out, "X-PUBLISHED-TTL:PT15M");
    for e in events {
        push_event(&mut out, e);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            uid: "appointment-7@outdial".into(),
            sequence: 2,
            stamp: "2026-12-03T10:00:00Z".parse().unwrap(),
            start: "2026-12-08T09:00:00Z".parse().unwrap(),
            end: "2026-12-08T09:30:00Z".parse().unwrap(),
            summary: "Probetraining: Jürgen Weiß".into(),
            description: "Tel. +4930123456; notes, with commas\nsecond line".into(),
            location: "Studio Mitte".into(),
            cancelled: false,
        }
    }

    #[test]
    fn an_event_has_the_properties_in_utc_with_crlf() {
        let text = calendar("Studio", &[event()]);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(text.contains("\r\nUID:appointment-7@outdial\r\n"));
        assert!(text.contains("\r\nSEQUENCE:2\r\n"));
        assert!(text.contains("\r\nDTSTART:20261208T090000Z\r\nDTEND:20261208T093000Z\r\n"));
        assert!(text.contains(
            "\r\nDESCRIPTION:Tel. +4930123456\\; notes\\, with commas\\nsecond line\r\n"
        ));
        assert!(text.contains("\r\nSTATUS:CONFIRMED\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        let cancelled = calendar(
            "Studio",
            &[Event {
                cancelled: true,
                ..event()
            }],
        );
        assert!(cancelled.contains("\r\nSTATUS:CANCELLED\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "ä".repeat(100));
        push_line(&mut out, &line);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 2);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets", l.len());
            if i > 0 {
                assert!(l.starts_with(' '));
            }
        }
        // Unfolding gives the line back.
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }
}
