//! Warm transfer: a person who answered waits in a conference while agents are called into it
//! one at a time, each hearing a whisper and pressing a key to take the call. What a transfer
//! and each agent's leg may become, which deadline a waiting caller runs against, and what an
//! agent records about a call afterwards.

use crate::campaign::{CampaignSettings, Pacing};
use serde::{Deserialize, Serialize};

/// Milliseconds a person who answered may wait for a live agent in power and predictive modes
/// before the safe-harbour message must play (FTC TSR 16 CFR 310.4(b)(4)(iii)).
pub const SAFE_HARBOUR_MS: i64 = 2_000;

/// Where a transfer is.
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
pub enum TransferStatus {
    /// The caller is in the conference; agents are being offered the call.
    Waiting,
    /// An agent accepted and is talking with the caller.
    Connected,
    /// Over: see its [`TransferEnd`].
    Ended,
}

/// How a transfer ended.
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
pub enum TransferEnd {
    /// An agent talked with the caller and the call is over.
    Completed,
    /// The caller hung up before an agent took the call.
    CallerHungUp,
    /// No agent took the call within 2 s (power, predictive): the safe-harbour message played
    /// and the call counts as abandoned.
    Abandoned,
    /// No agent took the call within the campaign's wait limit: its fallback ran.
    Fallback,
    /// Answering-machine detection found a machine after the caller was put on hold.
    Machine,
}

/// Where one agent's leg of a transfer is.
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
pub enum LegStatus {
    /// The agent's phone rings.
    Ringing,
    /// The agent answered and hears the whisper.
    Whisper,
    /// The agent accepted and is bridged with the caller.
    Connected,
    /// The agent hung up or pressed nothing during the whisper.
    Declined,
    /// The agent's phone was not answered (busy, no answer, failed).
    Missed,
    /// Outdial ended the leg before the agent took the call (the caller left, or time ran out).
    Canceled,
    /// The agent talked with the caller and hung up, or the caller did.
    Ended,
}

/// Which deadline a waiting caller runs against.
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
pub enum DeadlineKind {
    /// Answering-machine detection has not reported yet: no agent is called for a machine, and
    /// the 2-second rule counts from the end of the greeting. When detection stays silent past
    /// this deadline the caller is taken for a person.
    Detection,
    /// Power and predictive: an agent within 2 s, else the safe-harbour message.
    SafeHarbour,
    /// Progressive and press-1: the campaign's wait limit, else its fallback.
    MaxWait,
}

/// `as_str`, `parse` and `Display` from the names strum derives (the same as serde's).
macro_rules! names {
    ($($t:ty),+ $(,)?) => {$(
        impl $t {
            /// The name used in the API and the database.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            /// Reads [`Self::as_str`].
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

names!(
    TransferStatus,
    TransferEnd,
    LegStatus,
    DeadlineKind,
    AgentDisposition
);

impl LegStatus {
    /// Still able to become the call's agent (ringing or hearing the whisper).
    pub fn is_offer(self) -> bool {
        matches!(self, LegStatus::Ringing | LegStatus::Whisper)
    }

    /// The leg is over.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            LegStatus::Ringing | LegStatus::Whisper | LegStatus::Connected
        )
    }

    /// What a carrier status of the agent's call makes of a leg now in `self`; `None` when the
    /// leg stays as it is.
    pub fn after_carrier(self, carrier_status: &str) -> Option<LegStatus> {
        if self.is_final() {
            return None;
        }
        match carrier_status {
            "busy" | "no-answer" | "failed" => Some(LegStatus::Missed),
            "canceled" => Some(LegStatus::Canceled),
            "completed" => Some(match self {
                LegStatus::Connected => LegStatus::Ended,
                // Answered but hung up before accepting.
                LegStatus::Whisper => LegStatus::Declined,
                // Completed without an answer: it never rang through.
                _ => LegStatus::Missed,
            }),
            _ => None,
        }
    }
}

/// The deadline of a caller who was put on hold at `answered_at` in a campaign paced by
/// `pacing`, waiting at most `max_wait_seconds` otherwise.
pub fn deadline(pacing: &Pacing, answered_at: i64, max_wait_seconds: u32) -> (i64, DeadlineKind) {
    match pacing {
        Pacing::Power { .. } | Pacing::Predictive { .. } => {
            (answered_at + SAFE_HARBOUR_MS, DeadlineKind::SafeHarbour)
        }
        _ => (
            answered_at + i64::from(max_wait_seconds) * 1000,
            DeadlineKind::MaxWait,
        ),
    }
}

/// How long a caller put on hold at `answered_at` waits for answering-machine detection that
/// may take `detection_timeout_seconds`, before being taken for a person.
pub fn detection_deadline(answered_at: i64, detection_timeout_seconds: u32) -> i64 {
    answered_at + (i64::from(detection_timeout_seconds) + 1) * 1000
}

/// What an agent records about a call they took.
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
pub enum AgentDisposition {
    /// Wants to go ahead.
    Interested,
    /// Does not want it.
    NotInterested,
    /// Asked to be called back at a given time: the lead is scheduled then, for the same agent
    /// when they are free.
    CallBack,
    /// An appointment was booked.
    AppointmentBooked,
    /// The number does not belong to the lead: never called again for this lead.
    WrongNumber,
    /// Asked not to be called again: the number joins the do-not-call list.
    DoNotCall,
    /// Anything else; say what in the notes.
    Other,
}

impl AgentDisposition {
    /// Every disposition.
    pub const ALL: [AgentDisposition; 7] = [
        AgentDisposition::Interested,
        AgentDisposition::NotInterested,
        AgentDisposition::CallBack,
        AgentDisposition::AppointmentBooked,
        AgentDisposition::WrongNumber,
        AgentDisposition::DoNotCall,
        AgentDisposition::Other,
    ];
}

/// Longest notes an agent may record about a call.
pub const MAX_NOTES_CHARS: usize = 4000;

/// Checks a disposition the agent is recording at `now`: a call-back needs a time in the
/// future (at most a year ahead) and nothing else takes one; notes are bounded.
pub fn check_disposition(
    disposition: AgentDisposition,
    callback_at: Option<i64>,
    notes: &str,
    now: i64,
) -> Result<(), String> {
    const YEAR_MS: i64 = 366 * 24 * 3_600_000;
    match (disposition, callback_at) {
        (AgentDisposition::CallBack, None) => {
            return Err("call_back needs callback_at: when to call the lead back".into());
        }
        (AgentDisposition::CallBack, Some(at)) if at <= now => {
            return Err("callback_at must be in the future".into());
        }
        (AgentDisposition::CallBack, Some(at)) if at > now + YEAR_MS => {
            return Err("callback_at must be within a year".into());
        }
        (AgentDisposition::CallBack, Some(_)) | (_, None) => {}
        (other, Some(_)) => {
            return Err(format!(
                "callback_at is only for call_back, not for {}",
                other.as_str()
            ));
        }
    }
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(format!(
            "notes must be at most {MAX_NOTES_CHARS} characters"
        ));
    }
    Ok(())
}

/// What a campaign does with answered calls it hands to agents: how long each agent's phone
/// rings, how long a caller waits, and what happens when nobody takes the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TransferSettings {
    /// Seconds an agent's phone rings before the next agent is tried (5 to 60).
    pub agent_ring_seconds: u32,
    /// Seconds an agent has, once the whisper starts, to press a key (2 to 30).
    pub accept_seconds: u32,
    /// Progressive and press-1: seconds a caller waits on hold before the fallback runs
    /// (10 to 600). Power and predictive always allow 2 s, then play the safe-harbour message.
    pub max_wait_seconds: u32,
    /// What a caller nobody took hears.
    pub fallback: Fallback,
    /// With the `callback` fallback: minutes until the lead is called again (5 to 10080).
    pub callback_delay_minutes: u32,
    /// Spoken when no agent is free within 2 s. Names the seller and a number to call back,
    /// and how to opt out. `{seller}`, `{callback_number}` and `{campaign_name}` are filled in.
    pub safe_harbour_message: String,
    /// The seller the safe-harbour message names; the campaign's name when empty.
    pub seller_name: String,
}

/// What happens to a caller who waited past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// An apology and a promise to call back; the lead is retried after `callback_delay_minutes`.
    #[default]
    Callback,
    /// An apology; the lead is treated as reached.
    Message,
    /// The caller may leave a message, recorded with the call.
    Voicemail,
}

impl Default for TransferSettings {
    fn default() -> Self {
        TransferSettings {
            agent_ring_seconds: 15,
            accept_seconds: 8,
            max_wait_seconds: 60,
            fallback: Fallback::Callback,
            callback_delay_minutes: 60,
            safe_harbour_message: "Sorry, all of our representatives are busy. This call was from {seller}. \
                To reach us, call {callback_number}. To stop calls from us, press 2 now or tell us when you call."
                .into(),
            seller_name: String::new(),
        }
    }
}

impl TransferSettings {
    /// Range problems, as (field under `settings.transfer`, message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut range = |field: &'static str, v: u32, lo: u32, hi: u32| {
            if !(lo..=hi).contains(&v) {
                out.push((field, format!("must be between {lo} and {hi}, not {v}")));
            }
        };
        range("agent_ring_seconds", self.agent_ring_seconds, 5, 60);
        range("accept_seconds", self.accept_seconds, 2, 30);
        range("max_wait_seconds", self.max_wait_seconds, 10, 600);
        range(
            "callback_delay_minutes",
            self.callback_delay_minutes,
            5,
            10_080,
        );
        if self.safe_harbour_message.trim().is_empty() {
            out.push((
                "safe_harbour_message",
                "must name the seller and a call-back number; it plays when no agent is free"
                    .into(),
            ));
        }
        out
    }
}

/// The safe-harbour message of a campaign, filled in.
pub fn safe_harbour_text(settings: &CampaignSettings, campaign_name: &str) -> String {
    let t = &settings.transfer;
    let seller = if t.seller_name.trim().is_empty() {
        campaign_name
    } else {
        t.seller_name.trim()
    };
    let number = settings
        .caller_ids
        .first()
        .map(|n| spell_digits(n.as_str()))
        .unwrap_or_default();
    t.safe_harbour_message
        .replace("{seller}", seller)
        .replace("{callback_number}", &number)
        .replace("{campaign_name}", campaign_name)
}

/// A number read out digit by digit ("+1 813…" as "1, 8, 1, 3…"), so speech engines do not
/// read it as one large number.
fn spell_digits(number: &str) -> String {
    number
        .chars()
        .filter(char::is_ascii_digit)
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in ["waiting", "connected", "ended"] {
            assert_eq!(TransferStatus::parse(s).unwrap().as_str(), s);
        }
        for d in AgentDisposition::ALL {
            assert_eq!(AgentDisposition::parse(d.as_str()), Some(d));
        }
        assert_eq!(LegStatus::parse("whisper"), Some(LegStatus::Whisper));
        assert_eq!(
            TransferEnd::parse("abandoned"),
            Some(TransferEnd::Abandoned)
        );
        assert_eq!(DeadlineKind::parse("nope"), None);
    }

    #[test]
    fn power_and_predictive_allow_two_seconds_others_the_wait_limit() {
        let (at, kind) = deadline(&Pacing::Power { ratio: 2.0 }, 10_000, 60);
        assert_eq!((at, kind), (12_000, DeadlineKind::SafeHarbour));
        let predictive = Pacing::Predictive {
            target_abandon_percent: 3.0,
            max_ratio: 3.0,
        };
        assert_eq!(deadline(&predictive, 0, 60).1, DeadlineKind::SafeHarbour);
        assert_eq!(
            deadline(&Pacing::Progressive, 10_000, 60),
            (70_000, DeadlineKind::MaxWait)
        );
        assert_eq!(
            deadline(&Pacing::Unattended, 0, 30),
            (30_000, DeadlineKind::MaxWait)
        );
    }

    #[test]
    fn carrier_statuses_settle_legs_and_never_reopen_them() {
        use LegStatus::*;
        assert_eq!(Ringing.after_carrier("no-answer"), Some(Missed));
        assert_eq!(Ringing.after_carrier("busy"), Some(Missed));
        assert_eq!(Ringing.after_carrier("ringing"), None);
        assert_eq!(Whisper.after_carrier("completed"), Some(Declined));
        assert_eq!(Connected.after_carrier("completed"), Some(Ended));
        assert_eq!(Ringing.after_carrier("canceled"), Some(Canceled));
        for done in [Declined, Missed, Canceled, Ended] {
            assert!(done.is_final());
            assert_eq!(done.after_carrier("completed"), None);
        }
        assert!(Ringing.is_offer() && Whisper.is_offer() && !Connected.is_offer());
    }

    #[test]
    fn a_call_back_needs_a_future_time_and_others_none() {
        let now = 1_000_000;
        use AgentDisposition::*;
        assert!(check_disposition(CallBack, Some(now + 60_000), "", now).is_ok());
        assert!(check_disposition(CallBack, None, "", now).is_err());
        assert!(check_disposition(CallBack, Some(now - 1), "", now).is_err());
        assert!(check_disposition(CallBack, Some(now + 400 * 86_400_000), "", now).is_err());
        assert!(check_disposition(Interested, Some(now + 60_000), "", now).is_err());
        assert!(check_disposition(Interested, None, "wants a quote", now).is_ok());
        let long = "x".repeat(MAX_NOTES_CHARS + 1);
        assert!(check_disposition(Other, None, &long, now).is_err());
    }

    #[test]
    fn the_safe_harbour_message_names_the_seller_and_a_number_to_call() {
        let mut s = CampaignSettings {
            caller_ids: vec![crate::PhoneNumber::from_trusted("+18134893200".into())],
            ..CampaignSettings::default()
        };
        let text = safe_harbour_text(&s, "Spring Offers");
        assert!(text.contains("from Spring Offers"), "{text}");
        assert!(text.contains("1 8 1 3 4 8 9 3 2 0 0"), "{text}");
        s.transfer.seller_name = "Acme Homes".into();
        assert!(safe_harbour_text(&s, "Spring Offers").contains("from Acme Homes"));
        assert!(TransferSettings::default().problems().is_empty());
        let bad = TransferSettings {
            accept_seconds: 1,
            safe_harbour_message: " ".into(),
            ..TransferSettings::default()
        };
        assert_eq!(bad.problems().len(), 2);
    }
}
