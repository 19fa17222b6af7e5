//! Days as said: "heute", "morgen früh", "übermorgen", "in einer Woche", "Donnerstag", "nächsten
//! Dienstag", "Mittwoch nächste Woche", "am 18. Januar", "15.2.", "tomorrow", "the day after
//! tomorrow", "next Friday", "March 3rd", "the 18th".

use super::clock::{self, Part};
use crate::lang::Lang;
use crate::numbers::{self, Num};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// Which week a weekday is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Week {
    /// The next such day after today.
    Coming,
    /// This week's, today allowed ("diesen Freitag", "this Friday").
    This,
    /// In the following Monday-to-Sunday week.
    Next,
    /// In the week after that.
    AfterNext,
    /// The coming one, this many weeks later ("übernächsten Montag" 1, "Donnerstag in zwei
    /// Wochen" 2).
    ComingPlus(u8),
}

/// A day as said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySpec {
    /// Today plus this many days ("heute" 0, "morgen" 1, "in einer Woche" 7).
    Offset(i64),
    /// A day of the week.
    Weekday(Weekday, Week),
    /// A date: the day of the month, the month if said, the year if said.
    Date {
        /// Day of the month.
        day: u32,
        /// Month, 1–12.
        month: Option<u32>,
        /// Year.
        year: Option<i16>,
    },
}

impl DaySpec {
    /// The day meant, said on `today`.
    pub fn resolve(self, today: Date) -> Option<Date> {
        match self {
            DaySpec::Offset(n) => today.checked_add(n.days()).ok(),
            DaySpec::Weekday(wd, week) => {
                let ahead = |from: Date, allow_same: bool| {
                    let mut d = from;
                    if !allow_same {
                        d = d.tomorrow().ok()?;
                    }
                    while d.weekday() != wd {
                        d = d.tomorrow().ok()?;
                    }
                    Some(d)
                };
                match week {
                    Week::Coming => ahead(today, false),
                    Week::ComingPlus(n) => ahead(today, false)?
                        .checked_add((7 * i64::from(n)).days())
                        .ok(),
                    Week::This => ahead(today, true),
                    Week::Next | Week::AfterNext => {
                        let monday = today
                            .checked_sub((today.weekday().to_monday_zero_offset() as i64).days())
                            .ok()?;
                        let weeks = if week == Week::Next { 1 } else { 2 };
                        let start = monday.checked_add((7 * weeks).days()).ok()?;
                        ahead(start, true)
                    }
                }
            }
            DaySpec::Date { day, month, year } => {
                let y = year.unwrap_or(today.year());
                match month {
                    Some(m) => {
                        let d = Date::new(y, m as i8, day as i8).ok()?;
                        // Already past this year: next year's (unless the year was said).
                        if d < today && year.is_none() {
                            Date::new(y + 1, m as i8, day as i8).ok()
                        } else {
                            Some(d)
                        }
                    }
                    None => {
                        // A day of the month alone: this month's, else the next month that has it.
                        let mut first = today.first_of_month();
                        for _ in 0..3 {
                            if let Ok(d) = Date::new(first.year(), first.month(), day as i8)
                                && d >= today
                            {
                                return Some(d);
                            }
                            first = first.checked_add(1.month()).ok()?;
                        }
                        None
                    }
                }
            }
        }
    }
}

fn word(tokens: &[String], i: usize) -> &str {
    tokens.get(i).map(String::as_str).unwrap_or("")
}

fn weekday(w: &str, lang: Lang) -> Option<(Weekday, Option<Part>)> {
    let days: &[(&str, Weekday)] = match lang {
        Lang::De => &[
            ("montag", Weekday::Monday),
            ("dienstag", Weekday::Tuesday),
            ("mittwoch", Weekday::Wednesday),
            ("donnerstag", Weekday::Thursday),
            ("freitag", Weekday::Friday),
            ("samstag", Weekday::Saturday),
            ("sonnabend", Weekday::Saturday),
            ("sonntag", Weekday::Sunday),
        ],
        Lang::En => &[
            ("monday", Weekday::Monday),
            ("tuesday", Weekday::Tuesday),
            ("wednesday", Weekday::Wednesday),
            ("thursday", Weekday::Thursday),
            ("friday", Weekday::Friday),
            ("saturday", Weekday::Saturday),
            ("sunday", Weekday::Sunday),
        ],
    };
    for (name, wd) in days {
        let Some(rest) = w.strip_prefix(name) else {
            continue;
        };
        // "montags", "mondays"; German compounds "montagvormittag", "dienstagabend".
        match rest {
            "" | "s" => return Some((*wd, None)),
            "morgen" if lang == Lang::De => return Some((*wd, Some(Part::Morning))),
            _ => {
                if lang == Lang::De
                    && let Some(p) = clock::part(rest, lang)
                {
                    return Some((*wd, Some(p)));
                }
            }
        }
    }
    None
}

fn month(w: &str, lang: Lang) -> Option<u32> {
    let months: &[&str] = match lang {
        Lang::De => &[
            "januar",
            "februar",
            "märz",
            "april",
            "mai",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "dezember",
        ],
        Lang::En => &[
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
    };
    if let Some(i) = months.iter().position(|m| *m == w) {
        return Some(i as u32 + 1);
    }
    match (lang, w) {
        (Lang::De, "jänner" | "maerz" | "märz.") => Some(if w == "jänner" { 1 } else { 3 }),
        (Lang::En, "sept") => Some(9),
        _ => None,
    }
}

/// A part of the day said right after a day ("morgen früh", "Montag abend", "tomorrow
/// morning"); in German "morgen" after a day is the morning.
fn part_after(tokens: &[String], i: usize, lang: Lang) -> Option<(Part, usize)> {
    let w = word(tokens, i);
    if lang == Lang::De && w == "morgen" {
        return Some((Part::Morning, 1));
    }
    let skip = match (lang, w) {
        (Lang::De, "am" | "in") => 1 + usize::from(word(tokens, i + 1) == "der"),
        (Lang::En, "in") => 1 + usize::from(word(tokens, i + 1) == "the"),
        _ => 0,
    };
    clock::part(word(tokens, i + skip), lang).map(|p| (p, skip + 1))
}

/// The day said at `tokens[i]`: what it is, the words it took, and a part of the day said with
/// it ("morgen früh").
pub fn at(tokens: &[String], i: usize, lang: Lang) -> Option<(DaySpec, usize, Option<Part>)> {
    let (spec, used) = match lang {
        Lang::De => german(tokens, i)?,
        Lang::En => english(tokens, i)?,
    };
    let Found(spec, part) = spec;
    Some(match (part, part_after(tokens, i + used, lang)) {
        (Some(p), _) => (spec, used, Some(p)),
        (None, Some((p, u))) => (spec, used + u, Some(p)),
        (None, None) => (spec, used, None),
    })
}

/// A day found, with the part of the day said inside its words ("Dienstagabend").
struct Found(DaySpec, Option<Part>);

/// A weekday with the words that place it in a week, before ("nächsten", "diesen") and after
/// ("nächste Woche").
fn weekday_at(
    tokens: &[String],
    i: usize,
    lang: Lang,
    before: Option<Week>,
) -> Option<(Found, usize)> {
    let (wd, part) = weekday(word(tokens, i), lang)?;
    let after = word(tokens, i + 1);
    let next_week: &[&[&str]] = match lang {
        Lang::De => &[
            &["nächste", "woche"],
            &["in", "der", "nächsten", "woche"],
            &["kommende", "woche"],
        ],
        Lang::En => &[&["next", "week"], &["of", "next", "week"]],
    };
    for phrase in next_week {
        if phrase
            .iter()
            .enumerate()
            .all(|(k, p)| word(tokens, i + 1 + k) == *p)
        {
            return Some((
                Found(DaySpec::Weekday(wd, Week::Next), part),
                1 + phrase.len(),
            ));
        }
    }
    if lang == Lang::De && after == "übernächste" && word(tokens, i + 2) == "woche" {
        return Some((Found(DaySpec::Weekday(wd, Week::AfterNext), part), 3));
    }
    // "Donnerstag in einer Woche", "Thursday in two weeks": the coming one, weeks later.
    if after == "in"
        && let Some((n, u)) = numbers::at(tokens, i + 2, lang)
            .and_then(|(n, u)| n.value().map(|v| (v, u)))
            .or_else(|| (word(tokens, i + 2) == "a").then_some((1, 1)))
        && matches!(
            word(tokens, i + 2 + u),
            "woche" | "wochen" | "week" | "weeks"
        )
        && (1..=8).contains(&n)
    {
        return Some((
            Found(DaySpec::Weekday(wd, Week::ComingPlus(n as u8)), part),
            3 + u,
        ));
    }
    Some((
        Found(DaySpec::Weekday(wd, before.unwrap_or(Week::Coming)), part),
        1,
    ))
}

fn german(tokens: &[String], i: usize) -> Option<(Found, usize)> {
    let w = word(tokens, i);
    let prev = if i > 0 { word(tokens, i - 1) } else { "" };
    let day = |s| Some((Found(s, None), 1));
    match w {
        "heute" | "heut" => {
            // "heute morgen" is this morning.
            if word(tokens, i + 1) == "morgen" {
                return Some((Found(DaySpec::Offset(0), Some(Part::Morning)), 2));
            }
            return day(DaySpec::Offset(0));
        }
        "morgen" if prev != "guten" && prev != "am" && prev != "heute" => {
            if word(tokens, i + 1) == "früh" {
                return Some((Found(DaySpec::Offset(1), Some(Part::Morning)), 2));
            }
            return day(DaySpec::Offset(1));
        }
        "übermorgen" => return day(DaySpec::Offset(2)),
        "überübermorgen" => return day(DaySpec::Offset(3)),
        "nächsten" | "nächster" | "nächste" | "kommenden" | "kommender" | "kommende" => {
            if word(tokens, i + 1) == "woche"
                && let Some((f, u)) = weekday_at(tokens, i + 2, Lang::De, Some(Week::Next))
            {
                return Some((f, 2 + u));
            }
            let (f, u) = weekday_at(tokens, i + 1, Lang::De, Some(Week::Coming))?;
            return Some((f, 1 + u));
        }
        "diesen" | "dieser" | "diese" | "dieses" => {
            let (f, u) = weekday_at(tokens, i + 1, Lang::De, Some(Week::This))?;
            return Some((f, 1 + u));
        }
        "übernächsten" | "übernächste" => {
            let (f, u) = weekday_at(tokens, i + 1, Lang::De, Some(Week::ComingPlus(1)))?;
            return Some((f, 1 + u));
        }
        "in" => {
            // "in drei Tagen", "in einer Woche", "in 14 Tagen"
            let (n, u) = numbers::at(tokens, i + 1, Lang::De)?;
            let n = n.value()? as i64;
            return match word(tokens, i + 1 + u) {
                "tag" | "tagen" => day(DaySpec::Offset(n)).map(|(f, _)| (f, 2 + u)),
                "woche" | "wochen" => day(DaySpec::Offset(7 * n)).map(|(f, _)| (f, 2 + u)),
                _ => None,
            };
        }
        _ => {}
    }
    if weekday(w, Lang::De).is_some() {
        return weekday_at(tokens, i, Lang::De, None);
    }
    // Dates: "am 18. Januar", "18 Januar 2027", "am achtzehnten", "15.2.", "zum 3."
    let lead = usize::from(matches!(w, "am" | "den" | "zum" | "ab"));
    let j = i + lead;
    let (n, u) = numbers::at(tokens, j, Lang::De)?;
    if let Num::DayMonth { day, month } = n {
        let (year, y) = year_at(tokens, j + u);
        return Some((date(day, Some(month), year), lead + u + y));
    }
    let Num::Plain {
        value: d, ordinal, ..
    } = n
    else {
        return None;
    };
    if !(1..=31).contains(&d) {
        return None;
    }
    if let Some(m) = month(word(tokens, j + u), Lang::De) {
        let (year, y) = year_at(tokens, j + u + 1);
        return Some((date(d, Some(m), year), lead + u + 1 + y));
    }
    // A day of the month alone needs "am"/"den" and an ordinal: "am 18.", "am achtzehnten";
    // "zum ersten Mal" is no date.
    if ordinal && lead == 1 && word(tokens, j + u) != "mal" {
        return Some((date(d, None, None), lead + u));
    }
    None
}

fn english(tokens: &[String], i: usize) -> Option<(Found, usize)> {
    let w = word(tokens, i);
    let day = |s| Some((Found(s, None), 1));
    match w {
        "today" => return day(DaySpec::Offset(0)),
        "tonight" => return Some((Found(DaySpec::Offset(0), Some(Part::Evening)), 1)),
        "tomorrow" => return day(DaySpec::Offset(1)),
        "day" if word(tokens, i + 1) == "after" && word(tokens, i + 2) == "tomorrow" => {
            return Some((Found(DaySpec::Offset(2), None), 3));
        }
        "next" | "coming" => {
            if word(tokens, i + 1) == "week"
                && let Some((f, u)) = weekday_at(tokens, i + 2, Lang::En, Some(Week::Next))
            {
                return Some((f, 2 + u));
            }
            let (f, u) = weekday_at(tokens, i + 1, Lang::En, Some(Week::Coming))?;
            return Some((f, 1 + u));
        }
        "this" => {
            if let Some(p) = clock::part(word(tokens, i + 1), Lang::En) {
                return Some((Found(DaySpec::Offset(0), Some(p)), 2));
            }
            let (f, u) = weekday_at(tokens, i + 1, Lang::En, Some(Week::This))?;
            return Some((f, 1 + u));
        }
        "in" => {
            // "in three days", "in a week", "in 2 weeks"
            let (n, u) = if word(tokens, i + 1) == "a" {
                (1, 1)
            } else {
                let (n, u) = numbers::at(tokens, i + 1, Lang::En)?;
                (n.value()? as i64, u)
            };
            return match word(tokens, i + 1 + u) {
                "day" | "days" => Some((Found(DaySpec::Offset(n), None), 2 + u)),
                "week" | "weeks" => Some((Found(DaySpec::Offset(7 * n), None), 2 + u)),
                _ => None,
            };
        }
        "a" if word(tokens, i + 1) == "week"
            && word(tokens, i + 2) == "from"
            && matches!(word(tokens, i + 3), "today" | "now") =>
        {
            return Some((Found(DaySpec::Offset(7), None), 4));
        }
        _ => {}
    }
    if weekday(w, Lang::En).is_some() {
        return weekday_at(tokens, i, Lang::En, None);
    }
    // "March 3rd", "march third", "march 3 2027"
    if let Some(m) = month(w, Lang::En) {
        let the = usize::from(word(tokens, i + 1) == "the");
        if let Some((Num::Plain { value: d, .. }, u)) = numbers::at(tokens, i + 1 + the, Lang::En)
            && (1..=31).contains(&d)
        {
            let (year, y) = year_at(tokens, i + 1 + the + u);
            return Some((date(d, Some(m), year), 1 + the + u + y));
        }
        return None;
    }
    // "the 18th", "on the 3rd of March", "18 january"
    let lead = usize::from(w == "the") + usize::from(w == "on" && word(tokens, i + 1) == "the") * 2;
    let j = i + lead;
    let (n, u) = numbers::at(tokens, j, Lang::En)?;
    let Num::Plain {
        value: d, ordinal, ..
    } = n
    else {
        return None;
    };
    if !(1..=31).contains(&d) {
        return None;
    }
    let of = usize::from(word(tokens, j + u) == "of");
    if let Some(m) = month(word(tokens, j + u + of), Lang::En) {
        let (year, y) = year_at(tokens, j + u + of + 1);
        return Some((date(d, Some(m), year), lead + u + of + 1 + y));
    }
    // A day of the month alone needs "the" and what may follow a day: "the 18th", "on the 5th at
    // 10"; "the first one" and "a second" are no dates.
    let follows = matches!(
        word(tokens, j + u),
        "" | "at"
            | "in"
            | "please"
            | "then"
            | "works"
            | "is"
            | "would"
            | "for"
            | "or"
            | "and"
            | "around"
    );
    if ordinal && lead > 0 && follows {
        return Some((date(d, None, None), lead + u));
    }
    None
}

fn date(day: u32, month: Option<u32>, year: Option<i16>) -> Found {
    Found(DaySpec::Date { day, month, year }, None)
}

/// A year said after a date ("2027").
fn year_at(tokens: &[String], i: usize) -> (Option<i16>, usize) {
    match word(tokens, i).parse::<i16>() {
        Ok(y) if (2000..=2100).contains(&y) => (Some(y), 1),
        _ => (None, 0),
    }
}
