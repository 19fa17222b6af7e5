//! Who answered, as answering-machine detection reports it.

use serde::{Deserialize, Serialize};

/// Twilio's `AnsweredBy` values.
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
pub enum AnsweredBy {
    /// A person.
    Human,
    /// A machine, reported as soon as detected (mode `Enable`).
    MachineStart,
    /// A machine whose greeting ended with a beep: a message can be left now.
    MachineEndBeep,
    /// A machine whose greeting ended in silence.
    MachineEndSilence,
    /// A machine whose greeting ended otherwise.
    MachineEndOther,
    /// A fax machine.
    Fax,
    /// Detection could not tell.
    Unknown,
}

impl AnsweredBy {
    /// Every value.
    pub const ALL: [AnsweredBy; 7] = [
        AnsweredBy::Human,
        AnsweredBy::MachineStart,
        AnsweredBy::MachineEndBeep,
        AnsweredBy::MachineEndSilence,
        AnsweredBy::MachineEndOther,
        AnsweredBy::Fax,
        AnsweredBy::Unknown,
    ];

    /// Twilio's name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads Twilio's name.
    pub fn parse(s: &str) -> Option<AnsweredBy> {
        s.parse().ok()
    }

    /// An answering machine of any kind.
    pub fn is_machine(self) -> bool {
        matches!(
            self,
            AnsweredBy::MachineStart
                | AnsweredBy::MachineEndBeep
                | AnsweredBy::MachineEndSilence
                | AnsweredBy::MachineEndOther
        )
    }

    /// The greeting is over, so a voicemail message left now is recorded whole.
    pub fn greeting_over(self) -> bool {
        matches!(
            self,
            AnsweredBy::MachineEndBeep
                | AnsweredBy::MachineEndSilence
                | AnsweredBy::MachineEndOther
        )
    }
}

impl std::fmt::Display for AnsweredBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in AnsweredBy::ALL {
            assert_eq!(AnsweredBy::parse(a.as_str()), Some(a));
        }
        assert_eq!(AnsweredBy::parse("robot"), None);
        assert!(AnsweredBy::MachineEndBeep.is_machine());
        assert!(!AnsweredBy::Fax.is_machine());
        assert!(!AnsweredBy::MachineStart.greeting_over());
    }
}
