//! Everything a campaign needs to run, typed and validated. Deserializing checks each field's form
//! (phone numbers, times, time zones); [`CampaignSettings::problems`] checks ranges and how fields
//! relate; [`CampaignSettings::readiness_problems`] says what is missing before calls can start.

use super::window::CallingWindow;
use crate::{Country, PhoneNumber};
use serde::{Deserialize, Serialize};

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
            recording: false,
            ring_timeout_seconds: 25,
            wrap_up_seconds: 30,
            transfer: crate::transfer::TransferSettings::default(),
            scheduled_start_at: None,
        }
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

/// What callers hear, and where they are sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Script {
    /// Spoken to a person who answers. May use `{first_name}`, `{last_name}`, `{company}`.
    pub message: String,
    /// Left on an answering machine.
    pub voicemail_message: String,
    /// Where "press 1" sends the caller, until agents take over.
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
            transfer_number: None,
            language: "en-US".into(),
            voice: "Polly.Joanna".into(),
        }
    }
}

/// One thing wrong with a campaign's settings: which field, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsProblem {
    /// Dotted path of the field, e.g. `settings.calling_window.end`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Placeholders a script may use; anything else in braces is a typo.
const SCRIPT_PLACEHOLDERS: [&str; 4] = ["first_name", "last_name", "company", "campaign_name"];
/// Twilio refuses inline TwiML longer than 4000 characters; keep each script well under it.
const MAX_SCRIPT_CHARS: usize = 3000;

impl CampaignSettings {
    /// Range and cross-field checks. Empty when the settings are usable.
    pub fn problems(&self) -> Vec<SettingsProblem> {
        let mut out = Vec::new();
        let mut bad = |field: &str, message: String| {
            out.push(SettingsProblem {
                field: format!("settings.{field}"),
                message,
            })
        };
        if let Err(e) = crate::contact::parse_timezone(&self.timezone) {
            bad("timezone", e);
        }
        let w = &self.calling_window;
        if w.start >= w.end {
            bad(
                "calling_window",
                format!(
                    "the window must end after it starts (start {}, end {})",
                    w.start, w.end
                ),
            );
        }
        if w.days.is_empty() {
            bad(
                "calling_window.days",
                "list at least one day, e.g. [\"mon\",\"tue\"]".into(),
            );
        }
        if self.daily_call_limit == Some(0) {
            bad(
                "daily_call_limit",
                "must be at least 1, or null for no limit".into(),
            );
        }
        if self.wrap_up_seconds > 900 {
            bad(
                "wrap_up_seconds",
                "must be at most 900 (15 minutes); agents can extend it when they need more".into(),
            );
        }
        for (field, message) in self.transfer.problems() {
            bad(&format!("transfer.{field}"), message);
        }
        if !(1..=1000).contains(&self.max_concurrent_calls) {
            bad("max_concurrent_calls", "must be between 1 and 1000".into());
        }
        match self.pacing {
            Pacing::FixedInterval { interval_seconds }
                if !(10..=86_400).contains(&interval_seconds) =>
            {
                bad(
                    "pacing.interval_seconds",
                    "must be between 10 seconds and 86400 (one day)".into(),
                )
            }
            Pacing::Power { ratio } if !(1.0..=5.0).contains(&ratio) => bad(
                "pacing.ratio",
                "must be between 1 and 5 calls per free agent".into(),
            ),
            Pacing::Predictive {
                target_abandon_percent,
                max_ratio,
            } => {
                if !(0.1..=3.0).contains(&target_abandon_percent) {
                    bad(
                        "pacing.target_abandon_percent",
                        "must be between 0.1 and 3 (the US safe harbour is 3 %)".into(),
                    );
                }
                if !(1.0..=5.0).contains(&max_ratio) {
                    bad("pacing.max_ratio", "must be between 1 and 5".into());
                }
            }
            _ => {}
        }
        if !(1..=50).contains(&self.max_attempts_per_lead) {
            bad("max_attempts_per_lead", "must be between 1 and 50".into());
        }
        if !(1..=50).contains(&self.max_attempts_per_24h) {
            bad("max_attempts_per_24h", "must be between 1 and 50".into());
        }
        for (name, rule) in [
            ("busy", self.retry.busy),
            ("no_answer", self.retry.no_answer),
            ("voicemail", self.retry.voicemail),
            ("failed", self.retry.failed),
        ] {
            if !(1..=43_200).contains(&rule.delay_minutes) {
                bad(
                    &format!("retry.{name}.delay_minutes"),
                    "must be between 1 minute and 43200 (30 days)".into(),
                );
            }
            if rule.max_attempts > 50 {
                bad(
                    &format!("retry.{name}.max_attempts"),
                    "must be at most 50 (0 means never retry)".into(),
                );
            }
        }
        if !(3..=59).contains(&self.machine_detection.timeout_seconds) {
            bad(
                "machine_detection.timeout_seconds",
                "must be between 3 and 59 seconds".into(),
            );
        }
        if !(15..=600).contains(&self.ring_timeout_seconds) {
            bad(
                "ring_timeout_seconds",
                "must be between 15 (four rings, the legal minimum) and 600".into(),
            );
        }
        for (name, text) in [
            ("message", &self.script.message),
            ("voicemail_message", &self.script.voicemail_message),
        ] {
            if text.chars().count() > MAX_SCRIPT_CHARS {
                bad(
                    &format!("script.{name}"),
                    format!("must be at most {MAX_SCRIPT_CHARS} characters"),
                );
            }
            if let Some(unknown) = unknown_placeholder(text) {
                bad(
                    &format!("script.{name}"),
                    format!(
                        "unknown placeholder {{{unknown}}}; use one of {}",
                        SCRIPT_PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                    ),
                );
            }
        }
        if !is_language_tag(&self.script.language) {
            bad(
                "script.language",
                format!(
                    "'{}' is not a language tag; use e.g. en-US or de-DE",
                    self.script.language
                ),
            );
        }
        if self.script.voice.trim().is_empty() || self.script.voice.len() > 64 {
            bad(
                "script.voice",
                "name a voice, e.g. Polly.Joanna, Google.de-DE-Standard-A or alice".into(),
            );
        }
        out
    }

    /// What must be filled in before the campaign can call anyone.
    pub fn readiness_problems(&self) -> Vec<SettingsProblem> {
        let mut out = self.problems();
        if self.caller_ids.is_empty() {
            out.push(SettingsProblem {
                field: "settings.caller_ids".into(),
                message: "add at least one caller ID number (E.164) before starting".into(),
            });
        }
        if self.script.message.trim().is_empty() {
            out.push(SettingsProblem {
                field: "settings.script.message".into(),
                message: "write the message a person hears before starting".into(),
            });
        }
        if self.machine_detection.enabled
            && self.voicemail.action == VoicemailAction::LeaveMessage
            && self.script.voicemail_message.trim().is_empty()
        {
            out.push(SettingsProblem {
                field: "settings.script.voicemail_message".into(),
                message: "write a voicemail message, or set voicemail.action to hang_up".into(),
            });
        }
        out
    }
}

fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = after[..close].trim();
        if !SCRIPT_PLACEHOLDERS.contains(&name) {
            return Some(name.to_string());
        }
        rest = &after[close + 1..];
    }
    None
}

fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang = parts.next().unwrap_or("");
    let lang_ok = (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic());
    lang_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<CampaignSettings, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn an_empty_object_is_a_valid_draft_but_not_ready() {
        let s = parse("{}").unwrap();
        assert!(s.problems().is_empty(), "{:?}", s.problems());
        let missing: Vec<_> = s
            .readiness_problems()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert!(missing.contains(&"settings.caller_ids".to_string()));
        assert!(missing.contains(&"settings.script.message".to_string()));
    }

    #[test]
    fn a_complete_campaign_is_ready() {
        let s = parse(r#"{
            "caller_ids": ["+18134893222"],
            "timezone": "Europe/Berlin",
            "default_country": "DE",
            "calling_window": {"start": "10:00", "end": "18:00", "days": ["mon", "sat"]},
            "pacing": {"mode": "predictive", "target_abandon_percent": 2.5},
            "script": {"message": "Hallo {first_name}", "voicemail_message": "Bitte rufen Sie zurück", "language": "de-DE", "voice": "Polly.Vicki"},
            "scheduled_start_at": "2026-12-01T09:00:00Z"
        }"#).unwrap();
        assert!(
            s.readiness_problems().is_empty(),
            "{:?}",
            s.readiness_problems()
        );
        assert_eq!(s.default_country.code(), "DE");
        assert!(s.pacing.needs_agents());
    }

    #[test]
    fn malformed_fields_are_refused_when_parsed() {
        assert!(
            parse(r#"{"caller_ids": ["555"]}"#)
                .unwrap_err()
                .to_string()
                .contains("E.164")
        );
        assert!(
            parse(r#"{"calling_window": {"start": "25:00", "end": "20:00", "days": []}}"#).is_err()
        );
        assert!(parse(r#"{"pacing": {"mode": "warp"}}"#).is_err());
        assert!(
            parse(r#"{"daily_limt": 5}"#)
                .unwrap_err()
                .to_string()
                .contains("unknown field")
        );
        assert!(parse(r#"{"default_country": "Narnia"}"#).is_err());
    }

    #[test]
    fn out_of_range_values_are_reported_by_field() {
        let s = parse(
            r#"{
            "timezone": "Mars/Olympus",
            "calling_window": {"start": "20:00", "end": "09:00", "days": []},
            "max_concurrent_calls": 0,
            "ring_timeout_seconds": 5,
            "pacing": {"mode": "predictive", "target_abandon_percent": 10},
            "script": {"message": "Hi {frist_name}"}
        }"#,
        )
        .unwrap();
        let fields: Vec<_> = s.problems().into_iter().map(|p| p.field).collect();
        for f in [
            "timezone",
            "calling_window",
            "calling_window.days",
            "max_concurrent_calls",
            "ring_timeout_seconds",
            "pacing.target_abandon_percent",
            "script.message",
        ] {
            assert!(
                fields.contains(&format!("settings.{f}")),
                "missing {f} in {fields:?}"
            );
        }
    }

    #[test]
    fn settings_round_trip_through_json() {
        let s = parse(r#"{"pacing": {"mode": "power", "ratio": 2.5}, "daily_call_limit": 200}"#)
            .unwrap();
        let again: CampaignSettings =
            serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn language_tags_are_checked() {
        assert!(is_language_tag("en-US"));
        assert!(is_language_tag("de"));
        assert!(!is_language_tag("english please"));
        assert!(!is_language_tag(""));
    }
}
