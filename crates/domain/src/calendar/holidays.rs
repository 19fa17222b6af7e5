//! Public holidays of the German states and the US federal calendar, built in as data
//! (`holidays.tsv`: fixed days, days counted from Easter, the Nth weekday of a month) so they
//! can be read and corrected without touching code. A calendar names its region and may be
//! open on any of them anyway.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use std::sync::OnceLock;

/// The regions with holidays built in, with their names.
pub const REGIONS: &[(&str, &str)] = &[
    ("DE", "Germany (nationwide holidays only)"),
    ("DE-BW", "Baden-Württemberg"),
    ("DE-BY", "Bayern"),
    ("DE-BE", "Berlin"),
    ("DE-BB", "Brandenburg"),
    ("DE-HB", "Bremen"),
    ("DE-HH", "Hamburg"),
    ("DE-HE", "Hessen"),
    ("DE-MV", "Mecklenburg-Vorpommern"),
    ("DE-NI", "Niedersachsen"),
    ("DE-NW", "Nordrhein-Westfalen"),
    ("DE-RP", "Rheinland-Pfalz"),
    ("DE-SL", "Saarland"),
    ("DE-SN", "Sachsen"),
    ("DE-ST", "Sachsen-Anhalt"),
    ("DE-SH", "Schleswig-Holstein"),
    ("DE-TH", "Thüringen"),
    ("US", "United States (federal holidays)"),
];

/// How a holiday's day is found in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// The same day every year.
    Fixed { month: i8, day: i8, observed: bool },
    /// Days from Easter Sunday.
    Easter(i16),
    /// The `nth` `weekday` of `month` (`-1`: the last).
    Nth {
        nth: i8,
        weekday: Weekday,
        month: i8,
    },
    /// The Wednesday before `month`-`day`.
    WednesdayBefore { month: i8, day: i8 },
}

#[derive(Debug, Clone)]
struct Holiday {
    region: &'static str,
    rule: Rule,
    name: &'static str,
    since: i16,
}

fn month_day(s: &str) -> Option<(i8, i8)> {
    let (m, d) = s.split_once('-')?;
    Some((m.parse().ok()?, d.parse().ok()?))
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn parse_rule(s: &str) -> Option<Rule> {
    if let Some(offset) = s.strip_prefix("easter") {
        return Some(Rule::Easter(offset.parse().ok()?));
    }
    if let Some(rest) = s.strip_prefix("nth:") {
        let mut parts = rest.split(':');
        let nth = parts.next()?.parse().ok()?;
        let weekday = weekday(parts.next()?)?;
        let month = parts.next()?.parse().ok()?;
        return Some(Rule::Nth {
            nth,
            weekday,
            month,
        });
    }
    if let Some(rest) = s.strip_prefix("wed-before:") {
        let (month, day) = month_day(rest)?;
        return Some(Rule::WednesdayBefore { month, day });
    }
    let (date, observed) = match s.strip_suffix(" observed") {
        Some(d) => (d, true),
        None => (s, false),
    };
    let (month, day) = month_day(date)?;
    Some(Rule::Fixed {
        month,
        day,
        observed,
    })
}

fn table() -> &'static [Holiday] {
    static TABLE: OnceLock<Vec<Holiday>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("holidays.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|line| {
                let cols: Vec<&'static str> = line.split('\t').collect();
                let rule = parse_rule(cols[1])
                    .unwrap_or_else(|| panic!("holidays.tsv: bad rule in {line:?}"));
                Holiday {
                    region: cols[0],
                    rule,
                    name: cols[2],
                    since: cols.get(3).and_then(|y| y.parse().ok()).unwrap_or(0),
                }
            })
            .collect()
    })
}

/// Easter Sunday of `year` (Gregorian; the anonymous algorithm of 1876).
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).expect("Easter is a real day")
}

impl Rule {
    fn date(self, year: i16) -> Option<Date> {
        match self {
            Rule::Fixed {
                month,
                day,
                observed,
            } => {
                let date = Date::new(year, month, day).ok()?;
                if !observed {
                    return Some(date);
                }
                Some(match date.weekday() {
                    Weekday::Saturday => date.yesterday().ok()?,
                    Weekday::Sunday => date.tomorrow().ok()?,
                    _ => date,
                })
            }
            Rule::Easter(offset) => easter(year).checked_add(i64::from(offset).days()).ok(),
            Rule::Nth {
                nth,
                weekday,
                month,
            } => {
                let first = Date::new(year, month, 1).ok()?;
                first.nth_weekday_of_month(nth, weekday).ok()
            }
            Rule::WednesdayBefore { month, day } => {
                let before = Date::new(year, month, day).ok()?.yesterday().ok()?;
                before.nth_weekday(-1, Weekday::Wednesday).ok().map(|d| {
                    if before.weekday() == Weekday::Wednesday {
                        before
                    } else {
                        d
                    }
                })
            }
        }
    }
}

fn applies(holiday_region: &str, region: &str) -> bool {
    holiday_region == region || (holiday_region == "DE" && region.starts_with("DE-"))
}

/// The name of the holiday of `region` on `date`, if it is one.
pub fn on(region: &str, date: Date) -> Option<&'static str> {
    table()
        .iter()
        .filter(|h| applies(h.region, region) && date.year() >= h.since)
        .find(|h| {
            // An observed New Year's Day can fall on 31 December of the year before.
            h.rule.date(date.year()) == Some(date) || h.rule.date(date.year() + 1) == Some(date)
        })
        .map(|h| h.name)
}

/// The holidays of `region` in `year`, in date order (a day observed in the year before, such
/// as New Year's Day kept on 31 December, counts in the year it is kept).
pub fn in_year(region: &str, year: i16) -> Vec<(Date, &'static str)> {
    let mut days: Vec<(Date, &'static str)> = table()
        .iter()
        .filter(|h| applies(h.region, region))
        .flat_map(|h| {
            [year, year + 1]
                .into_iter()
                .filter(move |y| *y >= h.since)
                .filter_map(move |y| h.rule.date(y).map(|d| (d, h.name)))
        })
        .filter(|(d, _)| d.year() == year)
        .collect();
    days.sort();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn every_rule_in_the_table_reads() {
        assert!(table().len() > 40);
        for h in table() {
            assert!(REGIONS.iter().any(|(c, _)| *c == h.region), "{}", h.region);
        }
    }

    #[test]
    fn easter_is_right_for_known_years() {
        assert_eq!(easter(2024), date(2024, 3, 31));
        assert_eq!(easter(2025), date(2025, 4, 20));
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2027), date(2027, 3, 28));
        assert_eq!(easter(2038), date(2038, 4, 25));
    }

    #[test]
    fn german_states_have_the_nationwide_days_and_their_own() {
        assert_eq!(on("DE-BY", date(2026, 1, 6)), Some("Heilige Drei Könige"));
        assert_eq!(on("DE-BE", date(2026, 1, 6)), None);
        assert_eq!(
            on("DE-BE", date(2026, 10, 3)),
            Some("Tag der Deutschen Einheit")
        );
        assert_eq!(on("DE-NW", date(2026, 6, 4)), Some("Fronleichnam"));
        assert_eq!(on("DE-HH", date(2026, 6, 4)), None);
        assert_eq!(on("DE-BY", date(2026, 4, 3)), Some("Karfreitag"));
        assert_eq!(on("DE-BY", date(2026, 5, 14)), Some("Christi Himmelfahrt"));
        assert_eq!(on("DE-BY", date(2026, 5, 25)), Some("Pfingstmontag"));
        // Buß- und Bettag: 18 November 2026, 22 November 2028 (a Wednesday before the 23rd).
        assert_eq!(on("DE-SN", date(2026, 11, 18)), Some("Buß- und Bettag"));
        assert_eq!(on("DE-SN", date(2028, 11, 22)), Some("Buß- und Bettag"));
        assert_eq!(on("DE-BY", date(2026, 11, 18)), None);
        // Days that became holidays later are not holidays before.
        assert_eq!(on("DE-HH", date(2017, 10, 31)), None);
        assert_eq!(on("DE-HH", date(2018, 10, 31)), Some("Reformationstag"));
        assert_eq!(on("DE", date(2026, 3, 2)), None);
    }

    #[test]
    fn us_federal_days_move_to_the_observed_weekday() {
        // 4 July 2026 is a Saturday: observed Friday the 3rd.
        assert_eq!(on("US", date(2026, 7, 3)), Some("Independence Day"));
        assert_eq!(on("US", date(2026, 7, 4)), None);
        assert_eq!(on("US", date(2026, 11, 26)), Some("Thanksgiving Day"));
        assert_eq!(on("US", date(2026, 5, 25)), Some("Memorial Day"));
        assert_eq!(
            on("US", date(2026, 1, 19)),
            Some("Birthday of Martin Luther King, Jr.")
        );
        // 1 January 2028 is a Saturday: observed 31 December 2027.
        assert_eq!(on("US", date(2027, 12, 31)), Some("New Year's Day"));
        assert_eq!(in_year("US", 2026).len(), 11);
        assert_eq!(in_year("DE-BY", 2026).len(), 12);
        assert_eq!(
            in_year("US", 2027).last().map(|d| d.0),
            Some(date(2027, 12, 31))
        );
    }
}
