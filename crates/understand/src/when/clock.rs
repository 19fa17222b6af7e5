//! Clock times, parts of the day and spans, as said: "um 15 Uhr", "halb vier", "viertel nach
//! drei", "dreiviertel zehn", "fünf vor halb vier", "half past three", "quarter to twelve",
//! "three fifteen", "3 pm", "nachmittags", "in the morning", "zwischen 9 und 11", "after 4".

use crate::lang::Lang;
use crate::numbers::{self, Num};
use jiff::civil::Time;

/// Whether the speaker said which half of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meridiem {
    /// Before noon ("am", "morgens", "vormittags").
    Am,
    /// After noon ("pm", "nachmittags", "abends").
    Pm,
    /// The 24-hour clock ("15 Uhr").
    H24,
    /// Not said: the booking rule decides (1 to 7 is the afternoon).
    Unsaid,
}

/// A clock time as said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The hour as said (1–12, or 0–24).
    pub hour: u32,
    /// The minute.
    pub minute: u32,
    /// Which half of the day, if said.
    pub meridiem: Meridiem,
}

impl Clock {
    fn new(hour: u32, minute: u32) -> Clock {
        let meridiem = if hour >= 13 || hour == 0 {
            Meridiem::H24
        } else {
            Meridiem::Unsaid
        };
        Clock {
            hour,
            minute,
            meridiem,
        }
    }

    /// The time meant.
    pub fn time(self) -> Time {
        let hour = match self.meridiem {
            Meridiem::H24 => self.hour % 24,
            Meridiem::Am => self.hour % 12,
            Meridiem::Pm => self.hour % 12 + 12,
            Meridiem::Unsaid if (1..=7).contains(&self.hour) => self.hour + 12,
            Meridiem::Unsaid => self.hour % 24,
        };
        Time::new(hour as i8, self.minute as i8, 0, 0).unwrap_or(Time::midnight())
    }

    /// The same clock time, told apart by the part of the day said with it ("abends um 8").
    pub fn within(self, part: Part) -> Clock {
        if self.meridiem != Meridiem::Unsaid {
            return self;
        }
        let meridiem = match part {
            Part::Morning => Meridiem::Am,
            // "zwölf Uhr mittags" is noon, "elf Uhr mittags" before it, "ein Uhr mittags" after.
            Part::Noon if (8..12).contains(&self.hour) => Meridiem::Am,
            Part::Noon | Part::Afternoon | Part::Evening | Part::Night => Meridiem::Pm,
        };
        Clock { meridiem, ..self }
    }
}

/// A part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// 08:00–12:00.
    Morning,
    /// 12:00–14:00.
    Noon,
    /// 12:00–18:00.
    Afternoon,
    /// 18:00–21:00.
    Evening,
    /// 21:00–23:59.
    Night,
}

impl Part {
    fn span(self) -> (Time, Time) {
        let t = |h: i8, m: i8| Time::new(h, m, 0, 0).unwrap_or(Time::midnight());
        match self {
            Part::Morning => (t(8, 0), t(12, 0)),
            Part::Noon => (t(12, 0), t(14, 0)),
            Part::Afternoon => (t(12, 0), t(18, 0)),
            Part::Evening => (t(18, 0), t(21, 0)),
            Part::Night => (t(21, 0), t(23, 59)),
        }
    }
}

/// A time as said: a clock time, a part of the day, or a span with open ends allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// "um 15 Uhr", "half past three".
    Clock(Clock),
    /// "nachmittags", "in the morning".
    Part(Part),
    /// "zwischen 9 und 11", "after 4", "bis 10".
    Range {
        /// The start, if said.
        from: Option<Clock>,
        /// The end, if said.
        to: Option<Clock>,
    },
}

impl TimeSpec {
    /// When the time begins: the clock time, or the span's start.
    pub fn start(self) -> Option<Time> {
        match self {
            TimeSpec::Clock(c) => Some(c.time()),
            TimeSpec::Part(p) => Some(p.span().0),
            TimeSpec::Range { from, .. } => from.map(Clock::time),
        }
    }

    /// When a span ends (none for a clock time).
    pub fn end(self) -> Option<Time> {
        match self {
            TimeSpec::Clock(_) => None,
            TimeSpec::Part(p) => Some(p.span().1),
            TimeSpec::Range { to, .. } => to.map(Clock::time),
        }
    }
}

/// The part of the day a word names.
pub fn part(word: &str, lang: Lang) -> Option<Part> {
    Some(match (lang, word) {
        (Lang::De, "morgens" | "früh" | "vormittag" | "vormittags" | "vormittagen") => {
            Part::Morning
        }
        (Lang::De, "mittag" | "mittags" | "mittagszeit") => Part::Noon,
        (Lang::De, "nachmittag" | "nachmittags") => Part::Afternoon,
        (Lang::De, "abend" | "abends") => Part::Evening,
        (Lang::De, "nachts" | "nacht") => Part::Night,
        (Lang::En, "morning" | "mornings") => Part::Morning,
        (Lang::En, "noon" | "midday" | "lunchtime" | "lunch") => Part::Noon,
        (Lang::En, "afternoon" | "afternoons") => Part::Afternoon,
        (Lang::En, "evening" | "evenings") => Part::Evening,
        (Lang::En, "night") => Part::Night,
        _ => return None,
    })
}

fn word(tokens: &[String], i: usize) -> &str {
    tokens.get(i).map(String::as_str).unwrap_or("")
}

/// An hour said as a number (0–24), and the words it took.
fn hour(tokens: &[String], i: usize, lang: Lang) -> Option<(u32, usize)> {
    match numbers::at(tokens, i, lang)? {
        (
            Num::Plain {
                value,
                ordinal: false,
                ..
            },
            used,
        ) if value <= 24 => Some((value, used)),
        _ => None,
    }
}

/// A minute count said as a number (1–59).
fn minutes(tokens: &[String], i: usize, lang: Lang) -> Option<(u32, usize)> {
    match numbers::at(tokens, i, lang)? {
        (
            Num::Plain {
                value,
                ordinal: false,
                ..
            },
            used,
        ) if (1..=59).contains(&value) => Some((value, used)),
        _ => None,
    }
}

/// The time spec starting at `tokens[i]`, and the words it took.
pub fn at(tokens: &[String], i: usize, lang: Lang) -> Option<(TimeSpec, usize)> {
    let w = word(tokens, i);
    let (starts, ends): (&[&str], &[&str]) = match lang {
        Lang::De => (&["ab", "nach", "frühestens"], &["bis", "vor", "spätestens"]),
        Lang::En => (&["after", "from"], &["before", "until", "till", "by"]),
    };
    let (between, and): (&[&str], &[&str]) = match lang {
        Lang::De => (&["zwischen", "von"], &["und", "bis"]),
        Lang::En => (&["between", "from"], &["and", "to", "till", "until"]),
    };
    // "zwischen 9 und 11", "from 9 to 11"
    if between.contains(&w)
        && let Some((from, a)) = clock_from(tokens, i + 1, lang)
        && and.contains(&word(tokens, i + 1 + a))
        && let Some((to, b)) = clock(tokens, i + 2 + a, lang, true)
    {
        let (from, to) = same_half(from, to);
        return Some((
            TimeSpec::Range {
                from: Some(from),
                to: Some(to),
            },
            2 + a + b,
        ));
    }
    if starts.contains(&w)
        && let Some((from, a)) = clock(tokens, i + 1, lang, true)
    {
        return Some((
            TimeSpec::Range {
                from: Some(from),
                to: None,
            },
            1 + a,
        ));
    }
    if ends.contains(&w)
        && let Some((to, a)) = clock(tokens, i + 1, lang, true)
    {
        return Some((
            TimeSpec::Range {
                from: None,
                to: Some(to),
            },
            1 + a,
        ));
    }
    if let Some((c, used)) = clock(tokens, i, lang, false) {
        return Some((TimeSpec::Clock(c), used));
    }
    // "am Nachmittag", "in the afternoon": the article is part of it.
    let skip = match (lang, w) {
        (Lang::De, "am" | "in" | "gegen") => 1 + usize::from(word(tokens, i + 1) == "der"),
        (Lang::En, "in") => 1 + usize::from(word(tokens, i + 1) == "the"),
        _ => 0,
    };
    // "Guten Abend", "good morning" greet; they name no time.
    let greeting = i > 0 && matches!(word(tokens, i - 1), "guten" | "good");
    if let Some(p) = part(word(tokens, i + skip), lang).filter(|_| !greeting) {
        return Some((TimeSpec::Part(p), skip + 1));
    }
    None
}

/// The start of a span ("from 10 to 12"): "10 to 12" there is not ten to twelve.
fn clock_from(tokens: &[String], i: usize, lang: Lang) -> Option<(Clock, usize)> {
    if lang == Lang::En
        && let Some((
            Num::Plain {
                value,
                ordinal: false,
                ..
            },
            u,
        )) = numbers::at(tokens, i, lang)
        && value <= 24
        && matches!(word(tokens, i + u), "to" | "and" | "till" | "until")
    {
        return Some((Clock::new(value, 0), u));
    }
    clock(tokens, i, lang, true)
}

/// "9 to 11" is morning to morning, "3 to 5" afternoon to afternoon: the end takes the start's
/// half of the day when it has none of its own, and the start takes the end's.
fn same_half(from: Clock, to: Clock) -> (Clock, Clock) {
    match (from.meridiem, to.meridiem) {
        (Meridiem::Unsaid, m @ (Meridiem::Am | Meridiem::Pm)) => (
            Clock {
                meridiem: m,
                ..from
            },
            to,
        ),
        (m @ (Meridiem::Am | Meridiem::Pm), Meridiem::Unsaid) => {
            (from, Clock { meridiem: m, ..to })
        }
        (Meridiem::Unsaid, Meridiem::Unsaid) if from.time() > to.time() => {
            // "zwischen 11 und 1": 11:00 to 13:00.
            (
                Clock {
                    meridiem: Meridiem::Am,
                    ..from
                },
                to,
            )
        }
        _ => (from, to),
    }
}

/// A clock time at `tokens[i]`. `bare` allows a lone number ("ab 9", "after 4"); otherwise a
/// number needs "um", "at", "Uhr", a colon, am/pm or "o'clock" to be a time.
fn clock(tokens: &[String], i: usize, lang: Lang, bare: bool) -> Option<(Clock, usize)> {
    match lang {
        Lang::De => german(tokens, i, bare),
        Lang::En => english(tokens, i, bare),
    }
}

fn german(tokens: &[String], i: usize, bare: bool) -> Option<(Clock, usize)> {
    let w = word(tokens, i);
    // "um", "gegen", "so gegen", "circa": a time follows; the number alone is then enough.
    let lead = match w {
        "um" | "gegen" | "circa" | "ca" => 1,
        "so" if word(tokens, i + 1) == "gegen" || word(tokens, i + 1) == "um" => 2,
        _ => 0,
    };
    let bare = bare || lead > 0;
    let j = i + lead;
    let w = word(tokens, j);
    let back = |h: u32| if h == 1 { 12 } else { h - 1 };
    // "halb vier" = 3:30
    if w == "halb"
        && let Some((h, u)) = hour(tokens, j + 1, Lang::De)
    {
        return Some((Clock::new(back(h), 30), lead + 1 + u));
    }
    // "viertel nach drei", "viertel vor drei", "viertel vier" (3:15)
    if w == "viertel" {
        let next = word(tokens, j + 1);
        if (next == "nach" || next == "vor")
            && let Some((h, u)) = hour(tokens, j + 2, Lang::De)
        {
            let c = if next == "nach" {
                Clock::new(h, 15)
            } else {
                Clock::new(back(h), 45)
            };
            return Some((c, lead + 2 + u));
        }
        if let Some((h, u)) = hour(tokens, j + 1, Lang::De) {
            return Some((Clock::new(back(h), 15), lead + 1 + u));
        }
    }
    if w == "dreiviertel"
        && let Some((h, u)) = hour(tokens, j + 1, Lang::De)
    {
        return Some((Clock::new(back(h), 45), lead + 1 + u));
    }
    // "fünf nach drei", "zehn vor vier", "fünf vor halb vier", "fünf nach halb vier"
    if let Some((m, u)) = minutes(tokens, j, Lang::De).filter(|(m, _)| *m < 30) {
        let rel = word(tokens, j + u);
        if rel == "nach" || rel == "vor" {
            if word(tokens, j + u + 1) == "halb"
                && let Some((h, v)) = hour(tokens, j + u + 2, Lang::De)
            {
                let minute = if rel == "nach" { 30 + m } else { 30 - m };
                return Some((Clock::new(back(h), minute), lead + u + 2 + v));
            }
            if let Some((h, v)) = hour(tokens, j + u + 1, Lang::De) {
                let c = if rel == "nach" {
                    Clock::new(h, m)
                } else {
                    Clock::new(back(h), 60 - m)
                };
                return Some((c, lead + u + 1 + v));
            }
        }
    }
    match numbers::at(tokens, j, Lang::De) {
        Some((Num::Clock { hour, minute }, u)) => {
            let uhr = usize::from(word(tokens, j + u) == "uhr");
            return Some((Clock::new(hour, minute), lead + u + uhr));
        }
        Some((
            Num::Plain {
                value: h,
                ordinal: false,
                ..
            },
            u,
        )) if h <= 24 => {
            // "15 Uhr", "15 Uhr 30", "fünfzehn Uhr dreißig", "um 9"
            if word(tokens, j + u) == "uhr" {
                if let Some((m, v)) = minutes(tokens, j + u + 1, Lang::De) {
                    return Some((Clock::new(h, m), lead + u + 1 + v));
                }
                return Some((Clock::new(h, 0), lead + u + 1));
            }
            if bare && h >= 1 {
                return Some((Clock::new(h, 0), lead + u));
            }
        }
        _ => {}
    }
    None
}

fn english(tokens: &[String], i: usize, bare: bool) -> Option<(Clock, usize)> {
    let w = word(tokens, i);
    let lead = match w {
        "at" | "around" | "about" => 1,
        // "make it 11"
        "make" if word(tokens, i + 1) == "it" => 2,
        _ => 0,
    };
    let bare = bare || lead > 0;
    let j = i + lead;
    let w = word(tokens, j);
    let back = |h: u32| if h == 1 { 12 } else { h - 1 };
    if w == "noon" || w == "midday" {
        return Some((
            Clock {
                hour: 12,
                minute: 0,
                meridiem: Meridiem::H24,
            },
            lead + 1,
        ));
    }
    if w == "midnight" {
        return Some((
            Clock {
                hour: 0,
                minute: 0,
                meridiem: Meridiem::H24,
            },
            lead + 1,
        ));
    }
    // "half past three", "quarter past three", "quarter to twelve", "ten past four",
    // "twenty to five", "ten minutes past four"
    let (m, u) = match w {
        "half" => (Some(30), 1),
        "quarter" => (Some(15), 1),
        _ => match minutes(tokens, j, Lang::En) {
            Some((m, u)) => (Some(m), u + usize::from(word(tokens, j + u) == "minutes")),
            None => (None, 0),
        },
    };
    if let Some(m) = m {
        let rel = word(tokens, j + u);
        if (rel == "past" || rel == "after" || rel == "to" || rel == "before")
            && let Some((h, v)) = hour(tokens, j + u + 1, Lang::En)
        {
            let c = if rel == "past" || rel == "after" {
                Clock::new(h, m)
            } else {
                Clock::new(back(h), 60 - m)
            };
            let (c, x) = meridiem(tokens, j + u + 1 + v, c);
            return Some((c, lead + u + 1 + v + x));
        }
    }
    let (h, m, u) = match numbers::at(tokens, j, Lang::En) {
        Some((Num::Clock { hour, minute }, u)) => (hour, minute, u),
        Some((
            Num::Plain {
                value: h,
                ordinal: false,
                ..
            },
            u,
        )) if h <= 24 => {
            let next = word(tokens, j + u);
            if next == "o" && word(tokens, j + u + 1) == "clock"
                || next == "oclock"
                || next == "o'clock"
            {
                let used = if next == "o" { 2 } else { 1 };
                let (c, x) = meridiem(tokens, j + u + used, Clock::new(h, 0));
                return Some((c, lead + u + used + x));
            }
            // "three fifteen", "ten thirty", "ten oh five"
            let oh = usize::from(next == "oh");
            match minutes(tokens, j + u + oh, Lang::En) {
                Some((m, v)) if (1..=12).contains(&h) && (oh == 1 || m >= 10) => (h, m, u + oh + v),
                _ => (h, 0, u),
            }
        }
        _ => return None,
    };
    // "three in the afternoon": the part of the day says it is a time.
    let part_follows = word(tokens, j + u) == "in"
        && word(tokens, j + u + 1) == "the"
        && part(word(tokens, j + u + 2), Lang::En).is_some();
    let bare = bare || part_follows;
    // "at 12 Main Street" is an address.
    const STREETS: &[&str] = &[
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "ave",
        "drive",
        "lane",
        "boulevard",
        "way",
        "court",
        "place",
    ];
    if (1..=3).any(|k| STREETS.contains(&word(tokens, j + u + k - 1))) {
        return None;
    }
    let c = Clock::new(h, m);
    let (c, x) = meridiem(tokens, j + u, c);
    // A lone number is a time only after "at", with am/pm, or where a time is expected.
    if !bare
        && x == 0
        && m == 0
        && u == 1
        && !matches!(
            numbers::at(tokens, j, Lang::En),
            Some((Num::Clock { .. }, _))
        )
    {
        return None;
    }
    Some((c, lead + u + x))
}

/// am/pm after an English clock time ("3 pm", "3 p m", "three in the afternoon" is a part).
fn meridiem(tokens: &[String], i: usize, c: Clock) -> (Clock, usize) {
    let with = |m| Clock { meridiem: m, ..c };
    match (word(tokens, i), word(tokens, i + 1)) {
        ("am", _) => (with(Meridiem::Am), 1),
        ("pm", _) => (with(Meridiem::Pm), 1),
        ("a", "m") => (with(Meridiem::Am), 2),
        ("p", "m") => (with(Meridiem::Pm), 2),
        _ => (c, 0),
    }
}
