//! What callers hear: the message and the voicemail message (spoken, or a recording played),
//! their own versions for each kind of call, the language and voice, and where "connect"
//! sends a person when no agent takes over.

use crate::PhoneNumber;
use serde::{Deserialize, Serialize};

/// A recording played instead of a spoken text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Audio {
    /// A file uploaded to Outdial (`POST /api/v1/audio`), by its id.
    Upload(i64),
    /// A file on the web (HTTPS), fetched by Outdial with the limits of every outbound
    /// request and served to the carrier from Outdial.
    Url(String),
}

/// The words of one kind of call; empty fields fall back to the campaign's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CallTypeScript {
    /// Spoken to a person who answers; empty: the campaign's message.
    pub message: String,
    /// Left on an answering machine; empty: the campaign's voicemail message.
    pub voicemail_message: String,
    /// Played instead of `message`.
    pub message_audio: Option<Audio>,
    /// Played instead of `voicemail_message`.
    pub voicemail_audio: Option<Audio>,
}

impl CallTypeScript {
    fn is_empty(&self) -> bool {
        self == &CallTypeScript::default()
    }
}

/// The words of each kind of call a user places on a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CallTypeScripts {
    /// "Call now": a sales call.
    pub cold_call: CallTypeScript,
    /// "Book appointment": a call to book an appointment.
    pub appointment_booking: CallTypeScript,
}

/// What callers hear, and where they are sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Script {
    /// Spoken to a person who answers. May use `{first_name}`, `{last_name}`, `{company}`,
    /// `{campaign_name}`, and on reminder calls `{appointment_day}`, `{appointment_time}` and
    /// `{calendar_name}`.
    pub message: String,
    /// Left on an answering machine.
    pub voicemail_message: String,
    /// Played instead of `message`.
    pub message_audio: Option<Audio>,
    /// Played instead of `voicemail_message`.
    pub voicemail_audio: Option<Audio>,
    /// Each kind of call's own words, falling back to the ones above.
    pub call_types: CallTypeScripts,
    /// Where "connect" sends the caller, until agents take over.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "+18134893200"))]
    pub transfer_number: Option<PhoneNumber>,
    /// Language of speech and recognition, e.g. `en-US` or `de-DE`.
    pub language: String,
    /// Text-to-speech voice, e.g. `Polly.Joanna` or `alice`.
    pub voice: String,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            message: String::new(),
            voicemail_message: String::new(),
            message_audio: None,
            voicemail_audio: None,
            call_types: CallTypeScripts::default(),
            transfer_number: None,
            language: "en-US".into(),
            voice: "Polly.Joanna".into(),
        }
    }
}

/// What one call says: a text to speak or a recording to play, for a person and for a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words<'a> {
    /// The message's text (placeholders not yet filled).
    pub message: &'a str,
    /// Played instead of the message's text, when set.
    pub message_audio: Option<&'a Audio>,
    /// The voicemail message's text (the message's when it has none).
    pub voicemail: &'a str,
    /// Played instead of the voicemail text, when set.
    pub voicemail_audio: Option<&'a Audio>,
}

impl Script {
    /// The words of a call of `call_type` (`cold_call`, `appointment_booking`; anything else
    /// is the campaign's own): the call type's text or recording where it has one, the
    /// campaign's otherwise. A call type's own text is never replaced by the campaign's
    /// recording.
    pub fn words(&self, call_type: &str) -> Words<'_> {
        let own = match call_type {
            "cold_call" => Some(&self.call_types.cold_call),
            "appointment_booking" => Some(&self.call_types.appointment_booking),
            _ => None,
        }
        .filter(|t| !t.is_empty());
        let (message, message_audio) = match own {
            Some(t) if t.message_audio.is_some() || !t.message.trim().is_empty() => {
                (t.message.as_str(), t.message_audio.as_ref())
            }
            _ => (self.message.as_str(), self.message_audio.as_ref()),
        };
        let (voicemail, voicemail_audio) = match own {
            Some(t) if t.voicemail_audio.is_some() || !t.voicemail_message.trim().is_empty() => {
                (t.voicemail_message.as_str(), t.voicemail_audio.as_ref())
            }
            _ => (
                self.voicemail_message.as_str(),
                self.voicemail_audio.as_ref(),
            ),
        };
        // A machine without a message of its own hears the person's.
        let (voicemail, voicemail_audio) =
            if voicemail.trim().is_empty() && voicemail_audio.is_none() {
                (message, message_audio)
            } else {
                (voicemail, voicemail_audio)
            };
        Words {
            message,
            message_audio,
            voicemail,
            voicemail_audio,
        }
    }

    /// Every text a person may hear, with the field that holds it (for the checks).
    pub fn texts(&self) -> [(&'static str, &str); 6] {
        [
            ("message", &self.message),
            ("voicemail_message", &self.voicemail_message),
            (
                "call_types.cold_call.message",
                &self.call_types.cold_call.message,
            ),
            (
                "call_types.cold_call.voicemail_message",
                &self.call_types.cold_call.voicemail_message,
            ),
            (
                "call_types.appointment_booking.message",
                &self.call_types.appointment_booking.message,
            ),
            (
                "call_types.appointment_booking.voicemail_message",
                &self.call_types.appointment_booking.voicemail_message,
            ),
        ]
    }

    /// Every recording the script plays, with the field that names it.
    pub fn audios(&self) -> Vec<(&'static str, &Audio)> {
        [
            ("message_audio", self.message_audio.as_ref()),
            ("voicemail_audio", self.voicemail_audio.as_ref()),
            (
                "call_types.cold_call.message_audio",
                self.call_types.cold_call.message_audio.as_ref(),
            ),
            (
                "call_types.cold_call.voicemail_audio",
                self.call_types.cold_call.voicemail_audio.as_ref(),
            ),
            (
                "call_types.appointment_booking.message_audio",
                self.call_types.appointment_booking.message_audio.as_ref(),
            ),
            (
                "call_types.appointment_booking.voicemail_audio",
                self.call_types.appointment_booking.voicemail_audio.as_ref(),
            ),
        ]
        .into_iter()
        .filter_map(|(f, a)| a.map(|a| (f, a)))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_type_has_its_own_words_and_falls_back_to_the_campaigns() {
        let mut s = Script {
            message: "Spring offers.".into(),
            voicemail_message: "Call us back.".into(),
            ..Script::default()
        };
        s.call_types.appointment_booking.message = "Shall we book your visit?".into();
        let booking = s.words("appointment_booking");
        assert_eq!(booking.message, "Shall we book your visit?");
        assert_eq!(
            booking.voicemail, "Call us back.",
            "its own voicemail is empty"
        );
        assert_eq!(s.words("cold_call").message, "Spring offers.");
        assert_eq!(s.words("campaign").message, "Spring offers.");
        // The campaign's recording does not replace a call type's own text.
        s.message_audio = Some(Audio::Upload(4));
        assert_eq!(s.words("appointment_booking").message_audio, None);
        assert_eq!(s.words("cold_call").message_audio, Some(&Audio::Upload(4)));
        // No voicemail anywhere: the machine hears the message.
        s.voicemail_message.clear();
        assert_eq!(s.words("cold_call").voicemail, "Spring offers.");
        assert_eq!(
            s.words("cold_call").voicemail_audio,
            Some(&Audio::Upload(4))
        );
    }
}
