//! An appointment's day and time as a voice says them, in German or English, in the calendar's
//! time zone: "Donnerstag, den 19. November" / "9:30 Uhr", "Thursday, November 19" / "9:30 AM".

use jiff::Timestamp;
use jiff::tz::TimeZone;

const DE_DAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const DE_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The day and the time of `at` in `zone`, in `language` (`de…` German, else English).
pub fn day_and_time(at: Timestamp, zone: &TimeZone, language: &str) -> (String, String) {
    let local = at.to_zoned(zone.clone());
    let weekday = local.weekday().to_monday_zero_offset() as usize;
    let month = (local.month() - 1) as usize;
    let (hour, minute) = (local.hour(), local.minute());
    if language.to_ascii_lowercase().starts_with("de") {
        let day = format!(
            "{}, den {}. {}",
            DE_DAYS[weekday],
            local.day(),
            DE_MONTHS[month]
        );
        let time = if minute == 0 {
            format!("{hour} Uhr")
        } else {
            format!("{hour}:{minute:02} Uhr")
        };
        (day, time)
    } else {
        let day = format!("{}, {} {}", EN_DAYS[weekday], EN_MONTHS[month], local.day());
        let (h12, half) = match hour {
            0 => (12, "AM"),
            1..=11 => (hour, "AM"),
            12 => (12, "PM"),
            _ => (hour - 12, "PM"),
        };
        let time = if minute == 0 {
            format!("{h12} {half}")
        } else {
            format!("{h12}:{minute:02} {half}")
        };
        (day, time)
    }
}

/// Day and time as one phrase: "Donnerstag, den 19. November um 15 Uhr" / "Thursday,
/// November 19 at 3 PM".
pub fn moment(at: Timestamp, zone: &TimeZone, language: &str) -> String {
    let (day, time) = day_and_time(at, zone, language);
    if language.to_ascii_lowercase().starts_with("de") {
        format!("{day} um {time}")
    } else {
        format!("{day} at {time}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_said_in_the_calendars_zone_and_language() {
        let at: Timestamp = "2026-11-19T08:30:00Z".parse().unwrap();
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(
            day_and_time(at, &berlin, "de-DE"),
            ("Donnerstag, den 19. November".into(), "9:30 Uhr".into())
        );
        let ny = TimeZone::get("America/New_York").unwrap();
        assert_eq!(
            day_and_time("2026-11-19T17:00:00Z".parse().unwrap(), &ny, "en-US"),
            ("Thursday, November 19".into(), "12 PM".into())
        );
        assert_eq!(day_and_time(at, &berlin, "en").1, "9:30 AM");
        assert_eq!(
            moment(at, &berlin, "de"),
            "Donnerstag, den 19. November um 9:30 Uhr"
        );
    }
}
