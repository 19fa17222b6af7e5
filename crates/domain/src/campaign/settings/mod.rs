//! Everything a campaign needs to run, typed and validated. Deserializing checks each field's form
//! (phone numbers, times, time zones); [`CampaignSettings::problems`] checks ranges and how fields
//! relate; [`CampaignSettings::readiness_problems`] says what is missing before calls can start.

use super::window::CallingWindow;
use crate::{Country, PhoneNumber};
use serde::{Deserialize, Serialize};

mod checks;
mod conversation;
mod menu;
mod script;
#[cfg(test)]
mod tests;

pub use checks::SettingsProblem;
pub use conversation::{
    ASSISTANT_CALL, CallTypeConversation, CallTypeConversations, ConversationMode,
    ConversationSettings, DialogflowAgent, LlmAgent,
};
pub use menu::{KeyAction, Menu, MenuKey};
pub use script::{Audio, CallTypeScript, CallTypeScripts, Script, Words};

/// A campaign's complete configuration. Every field has a default, so `{}` is a valid draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CampaignSettings {
    /// Numbers the calls come from (E.164). Several numbers are rotated.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["+18134893222"])))]
    pub caller_ids: Vec<PhoneNumber>,
    /// IANA time zone of the campaign's calling window, e.g. `America/New_York`.
    pub timezone: String,
    /// Country assumed for lead numbers written without a country code.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "US"))]
    pub default_country: Country,
    /// Hours and days the campaign may call, in `timezone`.
    pub calling_window: CallingWindow,
    /// At most this many calls per day (midnight to midnight in `timezone`); `null` for no limit.
    pub daily_call_limit: Option<u32>,
    /// At most this many calls in progress at once.
    pub max_concurrent_calls: u32,
    /// How fast calls are placed.
    pub pacing: Pacing,
    /// At most this many attempts per lead over the campaign's life.
    pub max_attempts_per_lead: u32,
    /// At most this many attempts per lead in any 24 hours (Florida and Oklahoma allow 3).
    pub max_attempts_per_24h: u32,
    /// When and whether to call a lead again, by the outcome of the last attempt.
    pub retry: RetryPolicy,
    /// Answering-machine detection.
    pub machine_detection: MachineDetection,
    /// What to do when a machine answers.
    pub voicemail: VoicemailSettings,
    /// What callers hear.
    pub script: Script,
    /// The keys a person may press after the message, and what each does.
    pub menu: Menu,
    /// Record calls.
    pub recording: bool,
    /// Seconds to let a call ring before giving up (at least 15: four rings).
    pub ring_timeout_seconds: u32,
    /// Seconds an agent has after a call to record its outcome before being offered the next
    /// one (0 to 900); the agent may end it early or extend it.
    pub wrap_up_seconds: u32,
    /// How answered calls are handed to agents (agent modes and press 1).
    pub transfer: crate::transfer::TransferSettings,
    /// When a scheduled campaign starts (RFC 3339), or `null`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub scheduled_start_at: Option<jiff::Timestamp>,
    /// For `appointment_reminder` campaigns: which appointments become leads, and when.
    pub reminders: Reminders,
    /// Whether answered calls hear the key menu or hold a conversation, and which.
    pub conversation: ConversationSettings,
}

/// Where a reminder campaign's leads come from: the open appointments of a calendar (or of
/// every calendar) that start within `hours_before` hours. Each becomes a lead once, with
/// `{appointment_day}`, `{appointment_time}` and `{calendar_name}` to say in the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Reminders {
    /// The calendar whose appointments are reminded of; `null` for every calendar.
    pub calendar_id: Option<i64>,
    /// How many hours before an appointment its reminder call may be placed, 1 to 168
    /// (default 24: a day before).
    pub hours_before: u32,
}

impl Default for Reminders {
    fn default() -> Self {
        Reminders {
            calendar_id: None,
            hours_before: 24,
        }
    }
}

impl Default for CampaignSettings {
    fn default() -> Self {
        CampaignSettings {
            caller_ids: Vec::new(),
            timezone: "America/New_York".into(),
            default_country: Country::US,
            calling_window: CallingWindow::default(),
            daily_call_limit: None,
            max_concurrent_calls: 5,
            pacing: Pacing::default(),
            max_attempts_per_lead: 5,
            max_attempts_per_24h: 3,
            retry: RetryPolicy::default(),
            machine_detection: MachineDetection::default(),
            voicemail: VoicemailSettings::default(),
            script: Script::default(),
            menu: Menu::default(),
            recording: false,
            ring_timeout_seconds: 25,
            wrap_up_seconds: 30,
            transfer: crate::transfer::TransferSettings::default(),
            scheduled_start_at: None,
            reminders: Reminders::default(),
            conversation: ConversationSettings::default(),
        }
    }
}

impl CampaignSettings {
    /// The settings a new campaign of `kind` starts from: a reminder campaign gets the
    /// reminder's message and its menu (confirm, move, cancel, opt out); others the defaults.
    pub fn for_type(kind: super::CampaignType) -> CampaignSettings {
        let mut s = CampaignSettings::default();
        if kind == super::CampaignType::AppointmentReminder {
            s.menu = Menu::reminder();
            s.script.message = "Hello {first_name}, this is a reminder of your appointment \
                at {calendar_name} on {appointment_day} at {appointment_time}."
                .into();
            s.script.voicemail_message = "Hello {first_name}, this is a reminder of your \
                appointment at {calendar_name} on {appointment_day} at {appointment_time}. \
                If you need to change it, please call us back."
                .into();
            s.pacing = Pacing::Unattended;
        }
        s
    }
}

/// How the dialer decides when to place the next call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Pacing {
    /// One call every `interval_seconds`.
    FixedInterval {
        /// Seconds between calls (10 s to 24 h).
        #[serde(default = "default_interval")]
        interval_seconds: u32,
    },
    /// Up to `max_concurrent_calls` at once, with no agents (IVR and AI campaigns).
    Unattended,
    /// One call per free agent.
    Progressive,
    /// A fixed number of calls per free agent.
    Power {
        /// Calls per free agent (1 to 5).
        #[serde(default = "default_power_ratio")]
        ratio: f64,
    },
    /// A ratio adapted to the measured answer rate, holding abandonment at or below the target.
    Predictive {
        /// Highest abandonment allowed, in percent of calls a person answered (0.1 to 3).
        #[serde(default = "default_abandon_target")]
        target_abandon_percent: f64,
        /// Highest calls per free agent the pacer may reach (1 to 5).
        #[serde(default = "default_max_ratio")]
        max_ratio: f64,
    },
}

fn default_interval() -> u32 {
    120
}
fn default_power_ratio() -> f64 {
    2.0
}
fn default_abandon_target() -> f64 {
    3.0
}
fn default_max_ratio() -> f64 {
    3.0
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing::FixedInterval {
            interval_seconds: default_interval(),
        }
    }
}

impl Pacing {
    /// Whether this mode hands answered calls to human agents.
    pub fn needs_agents(&self) -> bool {
        matches!(
            self,
            Pacing::Progressive | Pacing::Power { .. } | Pacing::Predictive { .. }
        )
    }
}

/// When to try a lead again after one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetryRule {
    /// Minutes to wait before the next attempt.
    pub delay_minutes: u32,
    /// No retry once the lead has had this many attempts in all.
    pub max_attempts: u32,
}

/// Retry rules for each outcome that leaves a lead uncontacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// The line was busy.
    pub busy: RetryRule,
    /// Nobody answered.
    pub no_answer: RetryRule,
    /// A machine answered.
    pub voicemail: RetryRule,
    /// The call failed in the network.
    pub failed: RetryRule,
    /// A person answered, heard the message and pressed nothing. Once the rule allows no
    /// more tries the lead counts as reached (completed), not exhausted.
    pub no_input: RetryRule,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            busy: RetryRule {
                delay_minutes: 30,
                max_attempts: 3,
            },
            no_answer: RetryRule {
                delay_minutes: 120,
                max_attempts: 3,
            },
            voicemail: RetryRule {
                delay_minutes: 1440,
                max_attempts: 2,
            },
            failed: RetryRule {
                delay_minutes: 60,
                max_attempts: 2,
            },
            // One try: a person who heard the message and pressed nothing was reached.
            no_input: RetryRule {
                delay_minutes: 1440,
                max_attempts: 1,
            },
        }
    }
}

/// Twilio's answering-machine detection modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AmdMode {
    /// Report human or machine as soon as known.
    Enable,
    /// For machines, wait for the end of the greeting (the beep) so a message can be left.
    DetectMessageEnd,
}

/// Answering-machine detection settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MachineDetection {
    /// Detect machines at all.
    pub enabled: bool,
    /// How detection reports.
    pub mode: AmdMode,
    /// Seconds detection may take (3 to 59).
    pub timeout_seconds: u32,
}

impl Default for MachineDetection {
    fn default() -> Self {
        MachineDetection {
            enabled: true,
            mode: AmdMode::DetectMessageEnd,
            timeout_seconds: 30,
        }
    }
}

/// What to do when a machine answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoicemailAction {
    /// Leave the script's voicemail message after the beep.
    #[default]
    LeaveMessage,
    /// Hang up without a message.
    HangUp,
}

/// Voicemail behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct VoicemailSettings {
    /// What to do when a machine answers.
    pub action: VoicemailAction,
}
