//! Campaign settings that have passed every check: the only form the engine and storage hold.
//! [`CampaignSettings`] is the shape a request or a stored document has; [`ValidSettings`] can
//! only be made by checking one ([`ValidSettings::check`]), reading one (deserializing checks),
//! or from the defaults, and it cannot be changed in place: a change is a new
//! [`CampaignSettings`] checked again.

use super::settings::{CampaignSettings, SettingsProblem};
use serde::{Deserialize, Serialize};

/// Campaign settings without a problem ([`CampaignSettings::problems`] is empty). Reads as the
/// settings it wraps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CampaignSettings", into = "CampaignSettings")]
pub struct ValidSettings(CampaignSettings);

/// Why settings were refused: every problem, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
pub struct InvalidSettings(pub Vec<SettingsProblem>);

impl ValidSettings {
    /// The settings, if they have no problem.
    pub fn check(settings: CampaignSettings) -> Result<ValidSettings, InvalidSettings> {
        let problems = settings.problems();
        if problems.is_empty() {
            Ok(ValidSettings(settings))
        } else {
            Err(InvalidSettings(problems))
        }
    }

    /// A copy of the settings to change (and check again).
    pub fn to_draft(&self) -> CampaignSettings {
        self.0.clone()
    }
}

impl Default for ValidSettings {
    fn default() -> Self {
        ValidSettings::check(CampaignSettings::default()).expect("the defaults are valid")
    }
}

impl std::ops::Deref for ValidSettings {
    type Target = CampaignSettings;
    fn deref(&self) -> &CampaignSettings {
        &self.0
    }
}

impl TryFrom<CampaignSettings> for ValidSettings {
    type Error = InvalidSettings;
    fn try_from(settings: CampaignSettings) -> Result<Self, InvalidSettings> {
        ValidSettings::check(settings)
    }
}

impl From<ValidSettings> for CampaignSettings {
    fn from(v: ValidSettings) -> CampaignSettings {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_settings_cannot_be_read_or_made() {
        assert!(ValidSettings::check(CampaignSettings::default()).is_ok());
        let bad = CampaignSettings {
            daily_call_limit: Some(0),
            wrap_up_seconds: 901,
            ..CampaignSettings::default()
        };
        let err = ValidSettings::check(bad.clone()).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["settings.daily_call_limit", "settings.wrap_up_seconds"]
        );
        let json = serde_json::to_value(&bad).unwrap();
        let read = serde_json::from_value::<ValidSettings>(json);
        assert!(
            read.unwrap_err()
                .to_string()
                .contains("settings.daily_call_limit")
        );
        // What is written is what is read back.
        let good = ValidSettings::default();
        let text = serde_json::to_string(&good).unwrap();
        assert_eq!(serde_json::from_str::<ValidSettings>(&text).unwrap(), good);
        assert_eq!(
            text,
            serde_json::to_string(&CampaignSettings::default()).unwrap()
        );
    }
}
