//! The key menu after the message: whether there is one, what it says, and what each key does.
//! Its prompt is built from the keys in the campaign's language unless the campaign words it
//! (or leaves it out, when the message already says it).

use serde::{Deserialize, Serialize};

/// What pressing a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyAction {
    /// Connect the person: to an agent of the campaign's groups, else to the transfer number,
    /// else the campaign's fallback (nobody waits for no one).
    Connect,
    /// Put the number on the do-not-call list and say so.
    OptOut,
    /// Play the message and the menu again.
    Repeat,
    /// Say goodbye and end the call.
    Goodbye,
    /// Confirm the appointment the call reminds of (reminder campaigns).
    Confirm,
    /// Ask to move the appointment: noted in its history, and a call-back task opens so
    /// somebody agrees a new time with the person.
    Reschedule,
    /// Cancel the appointment: its place is free again.
    CancelAppointment,
}

/// One key of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MenuKey {
    /// `0`–`9`, `*` or `#`.
    pub key: String,
    /// What it does.
    pub action: KeyAction,
}

/// The key menu after the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Menu {
    /// Offer keys at all. Off, the message plays and the call ends (an announcement).
    pub enabled: bool,
    /// What is said after the message to offer the keys. `null`: built from the keys in the
    /// campaign's language ("Press 1 to speak with someone. …"); `""`: nothing, because the
    /// message itself says it.
    pub prompt: Option<String>,
    /// The keys and what each does.
    pub keys: Vec<MenuKey>,
    /// Seconds of silence after the prompt before the person counts as `no_input` (3–30).
    pub timeout_seconds: u32,
}

impl Default for Menu {
    fn default() -> Self {
        Menu {
            enabled: true,
            prompt: None,
            keys: vec![
                MenuKey {
                    key: "1".into(),
                    action: KeyAction::Connect,
                },
                MenuKey {
                    key: "2".into(),
                    action: KeyAction::OptOut,
                },
            ],
            timeout_seconds: 6,
        }
    }
}

impl Menu {
    /// The menu of a reminder call: 1 confirms, 2 asks to move, 3 cancels, 9 opts out.
    pub fn reminder() -> Menu {
        let key = |k: &str, action| MenuKey {
            key: k.into(),
            action,
        };
        Menu {
            keys: vec![
                key("1", KeyAction::Confirm),
                key("2", KeyAction::Reschedule),
                key("3", KeyAction::CancelAppointment),
                key("9", KeyAction::OptOut),
            ],
            ..Menu::default()
        }
    }
}

/// Keys a phone can send.
pub(super) const KEYS: &str = "0123456789*#";

impl Menu {
    /// What `pressed` (the first key of Twilio's `Digits`) does; `None` for a key the menu
    /// does not have, or none.
    pub fn action(&self, pressed: &str) -> Option<KeyAction> {
        let key = pressed.chars().next()?;
        self.keys
            .iter()
            .find(|k| k.key.starts_with(key))
            .map(|k| k.action)
    }

    /// The prompt to say after the message in `language` (`de…` is German, anything else
    /// English). Keys that `connect` are left out when nobody could be connected
    /// (`can_connect`), so the menu never promises what cannot happen.
    pub fn prompt_text(&self, language: &str, can_connect: bool) -> String {
        if let Some(own) = &self.prompt {
            return own.clone();
        }
        let german = language.to_ascii_lowercase().starts_with("de");
        self.keys
            .iter()
            .filter(|k| can_connect || k.action != KeyAction::Connect)
            .map(|k| offer(&k.key, k.action, german))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One key offered, in words.
fn offer(key: &str, action: KeyAction, german: bool) -> String {
    let name = match (key, german) {
        ("*", false) => "star",
        ("#", false) => "pound",
        ("*", true) => "die Sterntaste",
        ("#", true) => "die Rautetaste",
        (k, _) => k,
    };
    if german {
        let press = if key == "*" || key == "#" {
            format!("Drücken Sie {name}")
        } else {
            format!("Drücken Sie die {name}")
        };
        match action {
            KeyAction::Connect => format!("{press}, um mit einer Person zu sprechen."),
            KeyAction::OptOut => format!("{press}, wenn wir Sie nicht mehr anrufen sollen."),
            KeyAction::Repeat => format!("{press}, um die Nachricht noch einmal zu hören."),
            KeyAction::Goodbye => format!("{press}, um das Gespräch zu beenden."),
            KeyAction::Confirm => format!("{press}, um Ihren Termin zu bestätigen."),
            KeyAction::Reschedule => format!("{press}, wenn Sie den Termin verschieben möchten."),
            KeyAction::CancelAppointment => format!("{press}, um den Termin abzusagen."),
        }
    } else {
        match action {
            KeyAction::Connect => format!("Press {name} to speak with someone."),
            KeyAction::OptOut => format!("Press {name} to be added to our do-not-call list."),
            KeyAction::Repeat => format!("Press {name} to hear this message again."),
            KeyAction::Goodbye => format!("Press {name} to end the call."),
            KeyAction::Confirm => format!("Press {name} to confirm your appointment."),
            KeyAction::Reschedule => format!("Press {name} to move it to another time."),
            KeyAction::CancelAppointment => format!("Press {name} to cancel it."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_is_built_from_the_keys_in_the_campaigns_language() {
        let menu = Menu::default();
        assert_eq!(
            menu.prompt_text("en-US", true),
            "Press 1 to speak with someone. Press 2 to be added to our do-not-call list."
        );
        assert_eq!(
            menu.prompt_text("de-DE", true),
            "Drücken Sie die 1, um mit einer Person zu sprechen. Drücken Sie die 2, wenn wir Sie nicht mehr anrufen sollen."
        );
        // Nobody to connect to: key 1 is not offered.
        assert_eq!(
            menu.prompt_text("en-US", false),
            "Press 2 to be added to our do-not-call list."
        );
        // A message that says it itself: no prompt at all.
        let quiet = Menu {
            prompt: Some(String::new()),
            ..Menu::default()
        };
        assert_eq!(quiet.prompt_text("en-US", true), "");
    }

    #[test]
    fn keys_map_to_their_actions() {
        let menu = Menu {
            keys: vec![
                MenuKey {
                    key: "9".into(),
                    action: KeyAction::OptOut,
                },
                MenuKey {
                    key: "*".into(),
                    action: KeyAction::Repeat,
                },
            ],
            ..Menu::default()
        };
        assert_eq!(menu.action("9"), Some(KeyAction::OptOut));
        assert_eq!(menu.action("*"), Some(KeyAction::Repeat));
        assert_eq!(menu.action("1"), None);
        assert_eq!(menu.action(""), None);
        assert_eq!(
            menu.prompt_text("de", true),
            "Drücken Sie die 9, wenn wir Sie nicht mehr anrufen sollen. Drücken Sie die Sterntaste, um die Nachricht noch einmal zu hören."
        );
    }
}
