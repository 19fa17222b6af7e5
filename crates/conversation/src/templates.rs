//! The flows Outdial ships, in German and English, for each kind of call: `cold_call`
//! (introduce, ask interest, offer a free consultation, book it), `appointment_booking`
//! (propose times, confirm, book), `appointment_reminder` (confirm, move or cancel) and
//! `service_follow_up` (ask how it went, book the next visit or call back). Copied into a
//! campaign and edited there.

/// Every template: call type, language, definition.
pub const ALL: [(&str, &str, &str); 8] = [
    (
        "cold_call",
        "de",
        include_str!("../templates/cold_call.de.json"),
    ),
    (
        "cold_call",
        "en",
        include_str!("../templates/cold_call.en.json"),
    ),
    (
        "appointment_booking",
        "de",
        include_str!("../templates/appointment_booking.de.json"),
    ),
    (
        "appointment_booking",
        "en",
        include_str!("../templates/appointment_booking.en.json"),
    ),
    (
        "appointment_reminder",
        "de",
        include_str!("../templates/appointment_reminder.de.json"),
    ),
    (
        "appointment_reminder",
        "en",
        include_str!("../templates/appointment_reminder.en.json"),
    ),
    (
        "service_follow_up",
        "de",
        include_str!("../templates/service_follow_up.de.json"),
    ),
    (
        "service_follow_up",
        "en",
        include_str!("../templates/service_follow_up.en.json"),
    ),
];

/// The template for `call_type` in `language` (`de…` German, else English).
pub fn template(call_type: &str, language: &str) -> Option<&'static str> {
    let lang = if language.to_ascii_lowercase().starts_with("de") {
        "de"
    } else {
        "en"
    };
    ALL.iter()
        .find(|(t, l, _)| *t == call_type && *l == lang)
        .map(|(_, _, text)| *text)
}
