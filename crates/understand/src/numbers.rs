//! Numbers as people say them and as speech recognition writes them: digits ("15", "18.",
//! "3rd", "15:30", "15.2."), and words in German ("fünfzehn", "einundzwanzigsten") and English
//! ("twenty one", "third").

use crate::lang::Lang;

/// A number found at a position of the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Num {
    /// A count or a day of the month: its value, whether it was an ordinal ("18.", "3rd",
    /// "achtzehnten"), and whether it was spoken as a word.
    Plain {
        value: u32,
        ordinal: bool,
        word: bool,
    },
    /// A clock time written with a separator: "15:30", "15.30".
    Clock { hour: u32, minute: u32 },
    /// A day and month written as digits: "15.2.", "18.01.".
    DayMonth { day: u32, month: u32 },
}

impl Num {
    /// The plain value, if it is one.
    pub fn value(self) -> Option<u32> {
        match self {
            Num::Plain { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// The number starting at `tokens[i]`, and how many words it took.
pub fn at(tokens: &[String], i: usize, lang: Lang) -> Option<(Num, usize)> {
    let w = tokens.get(i)?;
    if let Some(n) = digits(w) {
        // "3 rd", "21 st" as recognition sometimes splits them.
        if let (Num::Plain { value, .. }, Some(next)) = (n, tokens.get(i + 1))
            && ["st", "nd", "rd", "th"].contains(&next.as_str())
        {
            return Some((
                Num::Plain {
                    value,
                    ordinal: true,
                    word: false,
                },
                2,
            ));
        }
        return Some((n, 1));
    }
    match lang {
        Lang::De => german(w).map(|n| (n, 1)),
        Lang::En => english(tokens, i),
    }
}

fn digits(w: &str) -> Option<Num> {
    let first = w.chars().next()?;
    if !first.is_ascii_digit() {
        return None;
    }
    if let Some((h, m)) = w.split_once(':') {
        let (hour, minute) = (h.parse().ok()?, m.parse().ok()?);
        return (hour <= 24 && minute <= 59 && m.len() == 2).then_some(Num::Clock { hour, minute });
    }
    let parts: Vec<&str> = w.split('.').collect();
    match parts.as_slice() {
        [n] => plain_digits(n),
        [n, ""] => Some(Num::Plain {
            value: n.parse().ok()?,
            ordinal: true,
            word: false,
        }),
        [d, m, ""] | [d, m, "", ..] if !m.is_empty() => day_month(d, m),
        [a, b] if b.len() == 2 => {
            let (hour, minute): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
            (hour <= 24 && minute <= 59).then_some(Num::Clock { hour, minute })
        }
        [d, m] => day_month(d, m),
        _ => None,
    }
}

fn plain_digits(n: &str) -> Option<Num> {
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(v) = n.strip_suffix(suffix) {
            return Some(Num::Plain {
                value: v.parse().ok()?,
                ordinal: true,
                word: false,
            });
        }
    }
    Some(Num::Plain {
        value: n.parse().ok()?,
        ordinal: false,
        word: false,
    })
}

fn day_month(d: &str, m: &str) -> Option<Num> {
    let (day, month): (u32, u32) = (d.parse().ok()?, m.parse().ok()?);
    ((1..=31).contains(&day) && (1..=12).contains(&month)).then_some(Num::DayMonth { day, month })
}

const DE_UNITS: &[(&str, u32)] = &[
    ("eins", 1),
    ("ein", 1),
    ("eine", 1),
    ("einen", 1),
    ("einer", 1),
    ("zwei", 2),
    ("zwo", 2),
    ("drei", 3),
    ("vier", 4),
    ("fünf", 5),
    ("sechs", 6),
    ("sieben", 7),
    ("acht", 8),
    ("neun", 9),
];
const DE_TEENS: &[(&str, u32)] = &[
    ("zehn", 10),
    ("elf", 11),
    ("zwölf", 12),
    ("dreizehn", 13),
    ("vierzehn", 14),
    ("fünfzehn", 15),
    ("sechzehn", 16),
    ("siebzehn", 17),
    ("achtzehn", 18),
    ("neunzehn", 19),
];
const DE_TENS: &[(&str, u32)] = &[
    ("zwanzig", 20),
    ("dreißig", 30),
    ("dreissig", 30),
    ("vierzig", 40),
    ("fünfzig", 50),
];
/// Ordinal stems below 20: "ersten" is "erst" + "en".
const DE_ORDINAL_STEMS: &[(&str, u32)] = &[
    ("erst", 1),
    ("zweit", 2),
    ("dritt", 3),
    ("viert", 4),
    ("fünft", 5),
    ("sechst", 6),
    ("siebt", 7),
    ("siebent", 7),
    ("acht", 8),
    ("neunt", 9),
    ("zehnt", 10),
    ("elft", 11),
    ("zwölft", 12),
    ("dreizehnt", 13),
    ("vierzehnt", 14),
    ("fünfzehnt", 15),
    ("sechzehnt", 16),
    ("siebzehnt", 17),
    ("achtzehnt", 18),
    ("neunzehnt", 19),
];

/// A German number word: cardinal ("einundzwanzig") or ordinal ("einundzwanzigsten").
fn german(w: &str) -> Option<Num> {
    if let Some(v) = german_cardinal(w) {
        return Some(Num::Plain {
            value: v,
            ordinal: false,
            word: true,
        });
    }
    // Ordinals: the stem, then -e, -en, -er, -em ("achten" is "acht" + "en").
    for ending in ["en", "er", "em", "es", "e"] {
        let Some(stem) = w.strip_suffix(ending) else {
            continue;
        };
        if let Some((_, v)) = DE_ORDINAL_STEMS.iter().find(|(s, _)| *s == stem) {
            return Some(Num::Plain {
                value: *v,
                ordinal: true,
                word: true,
            });
        }
        if let Some(cardinal) = stem.strip_suffix("st")
            && let Some(v) = german_cardinal(cardinal).filter(|v| *v >= 20)
        {
            return Some(Num::Plain {
                value: v,
                ordinal: true,
                word: true,
            });
        }
    }
    None
}

fn german_cardinal(w: &str) -> Option<u32> {
    let find =
        |table: &[(&str, u32)], x: &str| table.iter().find(|(s, _)| *s == x).map(|(_, v)| *v);
    if let Some(v) = find(DE_UNITS, w)
        .or_else(|| find(DE_TEENS, w))
        .or_else(|| find(DE_TENS, w))
    {
        return Some(v);
    }
    let (unit, tens) = w.split_once("und")?;
    let unit = if unit == "ein" {
        1
    } else {
        find(DE_UNITS, unit)?
    };
    Some(find(DE_TENS, tens)? + unit)
}

const EN_SMALL: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];
const EN_ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];
const EN_TENS: &[(&str, u32)] = &[("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50)];

/// An English number of one or two words: "fifteen", "twenty one", "twenty first", "third".
fn english(tokens: &[String], i: usize) -> Option<(Num, usize)> {
    let w = tokens.get(i)?.as_str();
    let find =
        |table: &[(&str, u32)], x: &str| table.iter().find(|(s, _)| *s == x).map(|(_, v)| *v);
    if let Some(tens) = find(EN_TENS, w) {
        if let Some(next) = tokens.get(i + 1) {
            if let Some(u) = find(EN_SMALL, next).filter(|u| *u < 10) {
                return Some((
                    Num::Plain {
                        value: tens + u,
                        ordinal: false,
                        word: true,
                    },
                    2,
                ));
            }
            if let Some(u) = find(EN_ORDINALS, next).filter(|u| *u < 10) {
                return Some((
                    Num::Plain {
                        value: tens + u,
                        ordinal: true,
                        word: true,
                    },
                    2,
                ));
            }
        }
        return Some((
            Num::Plain {
                value: tens,
                ordinal: false,
                word: true,
            },
            1,
        ));
    }
    if let Some(v) = find(EN_SMALL, w) {
        return Some((
            Num::Plain {
                value: v,
                ordinal: false,
                word: true,
            },
            1,
        ));
    }
    find(EN_ORDINALS, w).map(|v| {
        (
            Num::Plain {
                value: v,
                ordinal: true,
                word: true,
            },
            1,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(w: &str, lang: Lang) -> Option<Num> {
        at(&[w.to_string()], 0, lang).map(|(n, _)| n)
    }

    fn plain(value: u32, ordinal: bool, word: bool) -> Option<Num> {
        Some(Num::Plain {
            value,
            ordinal,
            word,
        })
    }

    #[test]
    fn german_numbers_in_digits_and_words() {
        assert_eq!(one("15", Lang::De), plain(15, false, false));
        assert_eq!(one("18.", Lang::De), plain(18, true, false));
        assert_eq!(
            one("15:30", Lang::De),
            Some(Num::Clock {
                hour: 15,
                minute: 30
            })
        );
        assert_eq!(
            one("15.30", Lang::De),
            Some(Num::Clock {
                hour: 15,
                minute: 30
            })
        );
        assert_eq!(
            one("15.2.", Lang::De),
            Some(Num::DayMonth { day: 15, month: 2 })
        );
        assert_eq!(one("fünfzehn", Lang::De), plain(15, false, true));
        assert_eq!(one("einundzwanzig", Lang::De), plain(21, false, true));
        assert_eq!(one("dreißig", Lang::De), plain(30, false, true));
        assert_eq!(one("achtzehnten", Lang::De), plain(18, true, true));
        assert_eq!(one("ersten", Lang::De), plain(1, true, true));
        assert_eq!(one("achten", Lang::De), plain(8, true, true));
        assert_eq!(one("einunddreißigsten", Lang::De), plain(31, true, true));
        assert_eq!(one("zwanzigsten", Lang::De), plain(20, true, true));
        // Words that only look like numbers.
        assert_eq!(one("achtung", Lang::De), None);
        assert_eq!(one("einen", Lang::De), plain(1, false, true));
    }

    #[test]
    fn english_numbers_in_digits_and_words() {
        assert_eq!(one("3rd", Lang::En), plain(3, true, false));
        assert_eq!(one("18th", Lang::En), plain(18, true, false));
        assert_eq!(one("fifteen", Lang::En), plain(15, false, true));
        assert_eq!(one("third", Lang::En), plain(3, true, true));
        let two = ["twenty".to_string(), "first".to_string()];
        assert_eq!(
            at(&two, 0, Lang::En),
            Some((
                Num::Plain {
                    value: 21,
                    ordinal: true,
                    word: true
                },
                2
            ))
        );
        let split = ["3".to_string(), "rd".to_string()];
        assert_eq!(
            at(&split, 0, Lang::En),
            Some((
                Num::Plain {
                    value: 3,
                    ordinal: true,
                    word: false
                },
                2
            ))
        );
    }
}
