//! What a call attempt came to, and what happened in it.

use super::{AnsweredBy, CallStatus};
use crate::campaign::{RetryPolicy, RetryRule};
use serde::{Deserialize, Serialize};

/// Twilio's error for a `To` number that is not a valid phone number.
pub const INVALID_NUMBER_ERROR: i64 = 21211;

/// How an ended call attempt turned out; what retry policies and reports go by.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// A person answered (or detection could not tell and nobody hung up on the message).
    Answered,
    /// An answering machine took the call.
    Voicemail,
    /// The line was busy.
    Busy,
    /// It rang out.
    NoAnswer,
    /// It could not be placed, or a fax answered.
    Failed,
    /// We ended it before it was answered.
    Canceled,
    /// The carrier refused the number as invalid: never call it again.
    Invalid,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 7] = [
        Outcome::Answered,
        Outcome::Voicemail,
        Outcome::Busy,
        Outcome::NoAnswer,
        Outcome::Failed,
        Outcome::Canceled,
        Outcome::Invalid,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads [`Outcome::as_str`].
    pub fn parse(s: &str) -> Option<Outcome> {
        s.parse().ok()
    }

    /// The outcome of a call that ended with `status`, given who answered and the carrier's
    /// error code. `None` while the call is still going.
    pub fn of(
        status: CallStatus,
        answered_by: Option<AnsweredBy>,
        error_code: Option<i64>,
    ) -> Option<Outcome> {
        if error_code == Some(INVALID_NUMBER_ERROR) {
            return Some(Outcome::Invalid);
        }
        Some(match status {
            CallStatus::Completed => match answered_by {
                Some(a) if a.is_machine() => Outcome::Voicemail,
                Some(AnsweredBy::Fax) => Outcome::Failed,
                _ => Outcome::Answered,
            },
            CallStatus::Busy => Outcome::Busy,
            CallStatus::NoAnswer => Outcome::NoAnswer,
            CallStatus::Failed => Outcome::Failed,
            CallStatus::Canceled => Outcome::Canceled,
            CallStatus::Queued
            | CallStatus::Initiated
            | CallStatus::Ringing
            | CallStatus::InProgress => return None,
        })
    }

    /// The campaign's rule for trying again after this outcome; `None` when the outcome is
    /// final (a person was reached, or the number is invalid). A canceled call was never
    /// answered and is retried like one that rang out.
    pub fn retry_rule(self, policy: &RetryPolicy) -> Option<RetryRule> {
        match self {
            Outcome::Busy => Some(policy.busy),
            Outcome::NoAnswer | Outcome::Canceled => Some(policy.no_answer),
            Outcome::Voicemail => Some(policy.voicemail),
            Outcome::Failed => Some(policy.failed),
            Outcome::Answered | Outcome::Invalid => None,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened inside an answered call, as the voice flow records it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Disposition {
    /// The message played; the person pressed nothing.
    NoInput,
    /// The person pressed 1 and was connected onwards.
    Transferred,
    /// The person pressed 1 but the campaign had nobody to connect to; they were told they
    /// will be called back.
    TransferUnavailable,
    /// The person pressed 2 and was put on the do-not-call list.
    OptedOut,
    /// A voicemail message was left after the beep.
    VoicemailLeft,
    /// A machine answered and no message was left.
    MachineHungUp,
    /// A person answered and no agent took the call within 2 s: the safe-harbour message
    /// played. Counted in the campaign's abandonment rate.
    Abandoned,
    /// On a reminder call, the person confirmed their appointment.
    AppointmentConfirmed,
    /// On a reminder call, the person asked to move their appointment (a call-back task).
    RescheduleRequested,
    /// On a reminder call, the person cancelled their appointment.
    AppointmentCancelled,
    /// A conversation booked an appointment.
    AppointmentBooked,
    /// A conversation found the person interested, but booked nothing.
    Interested,
    /// A conversation found the person not interested.
    NotInterested,
    /// The person asked to be called again (at the time they named, when they named one).
    CallBackRequested,
}

impl Disposition {
    /// The person asked for somebody (pressed 1) and nobody took them: the hottest of leads, so
    /// a user gets a task to call them back (whatever the dialer's own retry does).
    pub fn leaves_a_call_back_task(self) -> bool {
        matches!(
            self,
            Disposition::TransferUnavailable | Disposition::RescheduleRequested
        )
    }

    /// The person reached somebody: any call-back task of theirs is done.
    pub fn settles_call_backs(self) -> bool {
        self == Disposition::Transferred
    }

    /// Every disposition.
    pub const ALL: [Disposition; 14] = [
        Disposition::NoInput,
        Disposition::Transferred,
        Disposition::TransferUnavailable,
        Disposition::OptedOut,
        Disposition::VoicemailLeft,
        Disposition::MachineHungUp,
        Disposition::Abandoned,
        Disposition::AppointmentConfirmed,
        Disposition::RescheduleRequested,
        Disposition::AppointmentCancelled,
        Disposition::AppointmentBooked,
        Disposition::Interested,
        Disposition::NotInterested,
        Disposition::CallBackRequested,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads [`Disposition::as_str`].
    pub fn parse(s: &str) -> Option<Disposition> {
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_status_detection_and_errors() {
        use CallStatus::*;
        assert_eq!(Outcome::of(Ringing, None, None), None);
        assert_eq!(Outcome::of(InProgress, Some(AnsweredBy::Human), None), None);
        assert_eq!(Outcome::of(Completed, None, None), Some(Outcome::Answered));
        assert_eq!(
            Outcome::of(Completed, Some(AnsweredBy::Unknown), None),
            Some(Outcome::Answered)
        );
        assert_eq!(
            Outcome::of(Completed, Some(AnsweredBy::MachineEndBeep), None),
            Some(Outcome::Voicemail)
        );
        assert_eq!(
            Outcome::of(Completed, Some(AnsweredBy::Fax), None),
            Some(Outcome::Failed)
        );
        assert_eq!(Outcome::of(Busy, None, None), Some(Outcome::Busy));
        assert_eq!(Outcome::of(NoAnswer, None, None), Some(Outcome::NoAnswer));
        assert_eq!(
            Outcome::of(Failed, None, Some(31005)),
            Some(Outcome::Failed)
        );
        assert_eq!(
            Outcome::of(Failed, None, Some(21211)),
            Some(Outcome::Invalid)
        );
        assert_eq!(Outcome::of(Canceled, None, None), Some(Outcome::Canceled));
    }

    #[test]
    fn each_unreached_outcome_has_its_retry_rule_and_final_ones_none() {
        let p = RetryPolicy::default();
        assert_eq!(Outcome::Busy.retry_rule(&p), Some(p.busy));
        assert_eq!(Outcome::NoAnswer.retry_rule(&p), Some(p.no_answer));
        assert_eq!(Outcome::Voicemail.retry_rule(&p), Some(p.voicemail));
        assert_eq!(Outcome::Failed.retry_rule(&p), Some(p.failed));
        assert_eq!(Outcome::Answered.retry_rule(&p), None);
        assert_eq!(Outcome::Invalid.retry_rule(&p), None);
    }

    #[test]
    fn names_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(d));
        }
    }
}
