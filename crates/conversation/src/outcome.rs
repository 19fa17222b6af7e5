//! How a conversation ended, and what it learned on the way.

use serde::{Deserialize, Serialize};

/// The one result a conversation records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// An appointment was booked.
    AppointmentBooked,
    /// Interested, but nothing booked.
    Interested,
    /// Not interested.
    NotInterested,
    /// Asked to be called again (at `callback_at` when they named a time).
    CallBackRequested,
    /// Asked never to be called again.
    OptedOut,
    /// Said nothing (or nothing that could be understood) after being asked again.
    NoInput,
    /// Handed to a person.
    Transferred,
}

impl Outcome {
    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::AppointmentBooked => "appointment_booked",
            Outcome::Interested => "interested",
            Outcome::NotInterested => "not_interested",
            Outcome::CallBackRequested => "call_back_requested",
            Outcome::OptedOut => "opted_out",
            Outcome::NoInput => "no_input",
            Outcome::Transferred => "transferred",
        }
    }

    /// Every outcome.
    pub const ALL: [Outcome; 7] = [
        Outcome::AppointmentBooked,
        Outcome::Interested,
        Outcome::NotInterested,
        Outcome::CallBackRequested,
        Outcome::OptedOut,
        Outcome::NoInput,
        Outcome::Transferred,
    ];
}

/// What the conversation learned, kept with the call as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    /// The last intent understood (`yes`, `not_interested`, …).
    pub intent: Option<String>,
    /// The day and time the person asked for, as understood (`2026-11-19 15:00`, or a day with
    /// a span).
    pub requested: Option<String>,
    /// The booked slot's start, epoch ms.
    pub booked_at: Option<i64>,
    /// Whether the person said yes to the slot offered.
    pub confirmed: bool,
    /// When to call back, epoch ms.
    pub callback_at: Option<i64>,
    /// The flow's step where it ended.
    pub ended_at_step: Option<String>,
    /// The service the person wants, when it came up (a language model's reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// Notes on the conversation (a language model's summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}
