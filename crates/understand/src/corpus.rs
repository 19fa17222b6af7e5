//! The corpus format: utterances with what they mean, for the accuracy test and the benchmark.
//!
//! A line is `what was said <TAB> intent (* = not checked) <TAB> day and time`, where the day
//! and time is `-` (none), `2026-03-12` (a day), `2026-03-12 15:30` (an instant) or
//! `2026-03-12 14:00-18:00` (a span; either end may be left out). `@now <RFC 9557 moment>` sets
//! when the lines below are said; `#` starts a comment.

use crate::when::{Kind, When};
use jiff::Zoned;

/// One utterance of the corpus.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its line in the file.
    pub line: usize,
    /// When it is said, in the speaker's zone.
    pub now: Zoned,
    /// What was said.
    pub text: String,
    /// The intent expected, if checked (its JSON name).
    pub intent: Option<String>,
    /// The day and time expected.
    pub when: Option<When>,
}

/// The cases of a corpus file's text; an error names the line.
pub fn parse(text: &str) -> Result<Vec<Case>, String> {
    let mut now: Option<Zoned> = None;
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(at) = line.strip_prefix("@now ") {
            now = Some(
                at.trim()
                    .parse()
                    .map_err(|e| format!("line {line_no}: {e}"))?,
            );
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [text, intent, when] = cols.as_slice() else {
            return Err(format!("line {line_no}: three tab-separated columns"));
        };
        cases.push(Case {
            line: line_no,
            now: now
                .clone()
                .ok_or_else(|| format!("line {line_no}: an @now line must come first"))?,
            text: text.to_string(),
            intent: (*intent != "*").then(|| intent.to_string()),
            when: expected(when).map_err(|e| format!("line {line_no}: {e}"))?,
        });
    }
    Ok(cases)
}

fn expected(column: &str) -> Result<Option<When>, String> {
    if column == "-" {
        return Ok(None);
    }
    let (date, rest) = column.split_once(' ').unwrap_or((column, ""));
    if date.parse::<jiff::civil::Date>().is_err() {
        return Err(format!("'{date}' is not a date"));
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut w = When {
        kind: Kind::Day,
        date: date.into(),
        time: None,
        from: None,
        to: None,
    };
    match rest.split_once('-') {
        None if rest.is_empty() => {}
        None => {
            w.kind = Kind::Instant;
            w.time = Some(rest.into());
        }
        Some((from, to)) => {
            w.kind = Kind::PartOfDay;
            w.from = opt(from);
            w.to = opt(to);
        }
    }
    Ok(Some(w))
}
