//! The form fields Twilio posts to webhooks, read into types. Unknown fields are ignored;
//! missing required ones are an error naming the field.

use outdial_domain::call::{AnsweredBy, CallSid, CallStatus};

/// A webhook's form fields, as posted (names may repeat).
pub type Form = [(String, String)];

/// A webhook request that lacks what it must carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the webhook request has no valid {field}")]
pub struct FormError {
    /// The missing or malformed field.
    pub field: &'static str,
}

fn field<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn required<'a>(form: &'a Form, name: &'static str) -> Result<&'a str, FormError> {
    field(form, name).ok_or(FormError { field: name })
}

/// The request's `CallSid`, checked.
fn call_sid(form: &Form) -> Result<CallSid, FormError> {
    CallSid::parse(required(form, "CallSid")?).map_err(|_| FormError { field: "CallSid" })
}

/// A call-progress event (`StatusCallback`), or the voice URL's request, which carries the same
/// call fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CallEvent {
    /// The call.
    pub call_sid: CallSid,
    /// The account it belongs to.
    pub account_sid: String,
    /// The reported status.
    pub status: CallStatus,
    /// Order of status events for this call, from 0; absent on voice requests.
    pub sequence: Option<i64>,
    /// Talk seconds, on `completed`.
    pub duration_seconds: Option<i64>,
    /// Who answered, when synchronous detection ran.
    pub answered_by: Option<AnsweredBy>,
    /// The carrier's error code on failed calls.
    pub error_code: Option<i64>,
    /// The carrier's error message.
    pub error_message: Option<String>,
    /// The SIP response code of the ended call.
    pub sip_response_code: Option<i64>,
}

impl CallEvent {
    /// Reads the fields of a status callback or voice request.
    pub fn parse(form: &Form) -> Result<CallEvent, FormError> {
        let int = |name: &'static str| -> Result<Option<i64>, FormError> {
            field(form, name)
                .map(|v| v.trim().parse().map_err(|_| FormError { field: name }))
                .transpose()
        };
        Ok(CallEvent {
            call_sid: call_sid(form)?,
            account_sid: required(form, "AccountSid")?.to_string(),
            status: CallStatus::parse(required(form, "CallStatus")?).ok_or(FormError {
                field: "CallStatus",
            })?,
            sequence: int("SequenceNumber")?,
            duration_seconds: int("CallDuration")?,
            answered_by: field(form, "AnsweredBy").and_then(AnsweredBy::parse),
            error_code: int("ErrorCode")?,
            error_message: field(form, "ErrorMessage").map(str::to_string),
            sip_response_code: int("SipResponseCode")?,
        })
    }
}

/// An asynchronous answering-machine detection result.
#[derive(Debug, Clone, PartialEq)]
pub struct AmdResult {
    /// The call.
    pub call_sid: CallSid,
    /// Who answered.
    pub answered_by: AnsweredBy,
    /// Milliseconds detection took.
    pub detection_ms: Option<i64>,
}

impl AmdResult {
    /// Reads an `AsyncAmdStatusCallback` request.
    pub fn parse(form: &Form) -> Result<AmdResult, FormError> {
        Ok(AmdResult {
            call_sid: call_sid(form)?,
            answered_by: AnsweredBy::parse(required(form, "AnsweredBy")?).ok_or(FormError {
                field: "AnsweredBy",
            })?,
            detection_ms: field(form, "MachineDetectionDuration").and_then(|v| v.parse().ok()),
        })
    }
}

/// What the callee entered at a `<Gather>`.
#[derive(Debug, Clone, PartialEq)]
pub struct GatherResult {
    /// The call.
    pub call_sid: CallSid,
    /// Keys pressed.
    pub digits: Option<String>,
    /// Recognised speech.
    pub speech: Option<String>,
    /// The recogniser's confidence in `speech`, 0 to 1 (absent or unreadable: unknown).
    pub confidence: Option<f64>,
}

impl GatherResult {
    /// Reads a gather action request.
    pub fn parse(form: &Form) -> Result<GatherResult, FormError> {
        Ok(GatherResult {
            call_sid: call_sid(form)?,
            digits: field(form, "Digits").map(str::to_string),
            speech: field(form, "SpeechResult").map(str::to_string),
            confidence: field(form, "Confidence")
                .and_then(|c| c.trim().parse::<f64>().ok())
                .filter(|c| (0.0..=1.0).contains(c)),
        })
    }
}

/// A finished recording.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingEvent {
    /// The call.
    pub call_sid: CallSid,
    /// The recording's id.
    pub recording_sid: String,
    /// Where to fetch it.
    pub url: String,
    /// Its length.
    pub duration_seconds: Option<i64>,
    /// `completed`, `absent` or `failed`.
    pub status: String,
}

impl RecordingEvent {
    /// Reads a `RecordingStatusCallback` request.
    pub fn parse(form: &Form) -> Result<RecordingEvent, FormError> {
        Ok(RecordingEvent {
            call_sid: call_sid(form)?,
            recording_sid: required(form, "RecordingSid")?.to_string(),
            url: field(form, "RecordingUrl").unwrap_or_default().to_string(),
            duration_seconds: field(form, "RecordingDuration").and_then(|v| v.parse().ok()),
            status: field(form, "RecordingStatus")
                .unwrap_or("completed")
                .to_string(),
        })
    }
}

/// A conference event (`<Conference statusCallback>`): the conference started or ended, or a
/// participant joined or left.
#[derive(Debug, Clone, PartialEq)]
pub struct ConferenceEvent {
    /// The conference.
    pub conference_sid: String,
    /// Its name.
    pub friendly_name: String,
    /// `conference-start`, `conference-end`, `participant-join`, `participant-leave`, …
    pub event: String,
    /// The participant's call, for participant events.
    pub call_sid: Option<CallSid>,
    /// Order of this conference's events, when given.
    pub sequence: Option<i64>,
}

impl ConferenceEvent {
    /// Reads a conference status callback.
    pub fn parse(form: &Form) -> Result<ConferenceEvent, FormError> {
        Ok(ConferenceEvent {
            conference_sid: required(form, "ConferenceSid")?.to_string(),
            friendly_name: field(form, "FriendlyName").unwrap_or_default().to_string(),
            event: required(form, "StatusCallbackEvent")?.to_string(),
            call_sid: field(form, "CallSid").and_then(|v| CallSid::parse(v).ok()),
            sequence: field(form, "SequenceNumber").and_then(|v| v.trim().parse().ok()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_conference_event_is_read_and_needs_its_kind() {
        let e = ConferenceEvent::parse(&form(&[
            ("ConferenceSid", "CF1"),
            ("FriendlyName", "transfer-7"),
            ("StatusCallbackEvent", "participant-join"),
            ("CallSid", "CA9"),
            ("SequenceNumber", "2"),
        ]))
        .unwrap();
        assert_eq!(e.event, "participant-join");
        assert_eq!(
            (e.call_sid.as_ref().map(|s| s.as_str()), e.sequence),
            (Some("CA9"), Some(2))
        );
        let err = ConferenceEvent::parse(&form(&[("ConferenceSid", "CF1")])).unwrap_err();
        assert_eq!(err.field, "StatusCallbackEvent");
    }

    #[test]
    fn a_status_callback_is_read_and_bad_fields_are_named() {
        let e = CallEvent::parse(&form(&[
            ("CallSid", "CA1"),
            ("AccountSid", "AC1"),
            ("CallStatus", "completed"),
            ("SequenceNumber", "3"),
            ("CallDuration", "42"),
            ("CallbackSource", "call-progress-events"),
        ]))
        .unwrap();
        assert_eq!(e.status, CallStatus::Completed);
        assert_eq!((e.sequence, e.duration_seconds), (Some(3), Some(42)));
        let err = CallEvent::parse(&form(&[
            ("CallSid", "CA1"),
            ("AccountSid", "AC1"),
            ("CallStatus", "exploded"),
        ]))
        .unwrap_err();
        assert_eq!(err.field, "CallStatus");
        let err = CallEvent::parse(&form(&[("AccountSid", "AC1")])).unwrap_err();
        assert_eq!(err.field, "CallSid");
        let err = CallEvent::parse(&form(&[
            ("CallSid", "CA1"),
            ("AccountSid", "AC1"),
            ("CallStatus", "ringing"),
            ("SequenceNumber", "one"),
        ]))
        .unwrap_err();
        assert_eq!(err.field, "SequenceNumber");
    }
}
