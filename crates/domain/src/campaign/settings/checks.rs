//! What can be wrong with campaign settings: ranges and how fields relate
//! ([`CampaignSettings::problems`]), and what is missing before calls can start
//! ([`CampaignSettings::readiness_problems`]).

use super::script::Audio;
use super::*;

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
const SCRIPT_PLACEHOLDERS: [&str; 7] = [
    "first_name",
    "last_name",
    "company",
    "campaign_name",
    "appointment_day",
    "appointment_time",
    "calendar_name",
];
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
        for (name, text) in self.script.texts() {
            check_text(&mut bad, &format!("script.{name}"), text);
        }
        if let Some(prompt) = &self.menu.prompt {
            check_text(&mut bad, "menu.prompt", prompt);
        }
        for (name, audio) in self.script.audios() {
            match audio {
                Audio::Upload(id) if *id <= 0 => bad(
                    &format!("script.{name}"),
                    "name an uploaded recording by its id (POST /api/v1/audio)".into(),
                ),
                // The scheme and the address are the outbound guard's to judge (plain HTTP
                // only to a private address a configuration allows).
                Audio::Url(url)
                    if !(url.starts_with("https://") || url.starts_with("http://"))
                        || url.len() > 2048 =>
                {
                    bad(
                        &format!("script.{name}"),
                        "give an https:// address of an MP3 or WAV file (at most 2048 characters)"
                            .into(),
                    )
                }
                _ => {}
            }
        }
        self.conversation.problems(&mut bad);
        if !(1..=168).contains(&self.reminders.hours_before) {
            bad(
                "reminders.hours_before",
                "must be from 1 to 168 hours (a week)".into(),
            );
        }
        if !(3..=30).contains(&self.menu.timeout_seconds) {
            bad(
                "menu.timeout_seconds",
                "must be between 3 and 30 seconds".into(),
            );
        }
        if self.menu.enabled && self.menu.keys.is_empty() {
            bad(
                "menu.keys",
                "add at least one key, or turn the menu off (menu.enabled false)".into(),
            );
        }
        let mut seen = Vec::new();
        for (i, k) in self.menu.keys.iter().enumerate() {
            if k.key.chars().count() != 1 || !super::menu::KEYS.contains(k.key.as_str()) {
                bad(
                    &format!("menu.keys[{i}].key"),
                    format!("'{}' is not a phone key; use one of 0-9, * or #", k.key),
                );
            } else if seen.contains(&k.key) {
                bad(
                    &format!("menu.keys[{i}].key"),
                    format!("key {} is in the menu twice", k.key),
                );
            }
            seen.push(k.key.clone());
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
        out.extend(self.wording_problems());
        if self.caller_ids.is_empty() {
            out.push(SettingsProblem {
                field: "settings.caller_ids".into(),
                message: "add at least one caller ID number (E.164) before starting".into(),
            });
        }
        // A campaign that converses says its flow's (or model's) words, not the message.
        if !self.conversation.mode.converses()
            && self.script.message.trim().is_empty()
            && self.script.message_audio.is_none()
        {
            out.push(SettingsProblem {
                field: "settings.script.message".into(),
                message: "write the message a person hears before starting".into(),
            });
        }
        if self.machine_detection.enabled
            && self.voicemail.action == VoicemailAction::LeaveMessage
            && self.script.voicemail_message.trim().is_empty()
            && self.script.voicemail_audio.is_none()
        {
            out.push(SettingsProblem {
                field: "settings.script.voicemail_message".into(),
                message: "write a voicemail message, or set voicemail.action to hang_up".into(),
            });
        }
        out
    }
}

impl CampaignSettings {
    /// What stops the campaign from ever connecting a person it calls, given how many people
    /// its agent groups hold: an agent pacing mode hands every answered call to an agent, so
    /// it needs at least one. Checked before the campaign starts, with the readiness problems.
    pub fn connect_problems(&self, agents_in_groups: i64) -> Vec<SettingsProblem> {
        let mut out = Vec::new();
        if self.pacing.needs_agents() && agents_in_groups == 0 {
            out.push(SettingsProblem {
                field: "agent_groups".into(),
                message: "this pacing mode hands every answered call to an agent, but the campaign's agent groups hold nobody: attach a group with agents (Campaign → Agents, or PUT /api/v1/campaigns/{id}/agent-groups), or choose unattended pacing".into(),
            });
        }
        out
    }
}

/// The length and placeholder checks every text a person may hear passes.
fn check_text(bad: &mut impl FnMut(&str, String), field: &str, text: &str) {
    if text.chars().count() > MAX_SCRIPT_CHARS {
        bad(
            field,
            format!("must be at most {MAX_SCRIPT_CHARS} characters"),
        );
    }
    if let Some(unknown) = unknown_placeholder(text) {
        bad(
            field,
            format!(
                "unknown placeholder {{{unknown}}}; use one of {}",
                SCRIPT_PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ),
        );
    }
}

/// Marks of a blank left to fill in: a person must never hear them.
const BLANKS: [&str; 4] = ["…", "...", "___", "[…]"];

impl CampaignSettings {
    /// Texts a person would hear that still hold a blank to fill in ("this is … calling
    /// about …"), or say nothing at all. Refused when a user saves settings and before the
    /// campaign starts; not when stored settings are read, so a campaign saved before this
    /// check still opens to be fixed.
    pub fn wording_problems(&self) -> Vec<SettingsProblem> {
        let mut out = Vec::new();
        let prompt = self.menu.prompt.as_deref().map(|p| ("menu.prompt", p));
        for (name, text) in self
            .script
            .texts()
            .into_iter()
            .map(|(n, t)| (format!("script.{n}"), t))
            .chain(prompt.map(|(n, t)| (n.to_string(), t)))
        {
            if let Some(blank) = BLANKS.iter().find(|b| text.contains(*b)) {
                out.push(SettingsProblem {
                    field: format!("settings.{name}"),
                    message: format!(
                        "still holds the blank \"{blank}\": write the words a person should hear instead"
                    ),
                });
            } else if !text.is_empty() && !text.chars().any(char::is_alphanumeric) {
                out.push(SettingsProblem {
                    field: format!("settings.{name}"),
                    message:
                        "says nothing a person could understand: write the words, or leave it empty"
                            .into(),
                });
            }
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

pub(super) fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang = parts.next().unwrap_or("");
    let lang_ok = (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic());
    lang_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}
