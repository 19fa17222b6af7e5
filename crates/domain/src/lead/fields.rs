//! A lead's fields as accepted from a list or the API.

use crate::{Country, PhoneNumber};
use serde::{Deserialize, Serialize};

/// How urgently a lead should be called; higher priorities are dialed first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Default,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Priority {
    /// After everything else.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Before normal leads.
    High,
    /// First.
    Urgent,
}

impl Priority {
    /// Parses the words people use; empty means normal.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "normal" | "medium" | "med" | "default" => Ok(Priority::Normal),
            "low" => Ok(Priority::Low),
            "high" => Ok(Priority::High),
            "urgent" | "critical" | "asap" => Ok(Priority::Urgent),
            other => Err(format!(
                "unknown priority '{other}'; use low, normal, high or urgent"
            )),
        }
    }

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Sort key stored with the lead (higher dials first).
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }

    /// The priority for a stored rank.
    pub fn from_rank(rank: i64) -> Self {
        match rank {
            i64::MIN..=0 => Priority::Low,
            1 => Priority::Normal,
            2 => Priority::High,
            _ => Priority::Urgent,
        }
    }
}

/// Parses a yes/no cell: `true`, `yes`, `y`, `1`, `x` and their opposites; empty is no.
pub fn parse_flag(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" | "f" => Ok(false),
        "true" | "yes" | "y" | "1" | "x" | "t" | "dnc" => Ok(true),
        other => Err(format!("'{other}' is not yes or no; use true or false")),
    }
}

/// A lead ready to be stored: every field already checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLead {
    /// The number to call.
    pub phone: PhoneNumber,
    /// Digits dialed once the call is answered (`813-489-3222 ext. 12` → `12`).
    pub extension: Option<String>,
    /// The country the number was read in.
    pub country: Country,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email address, or empty.
    pub email: String,
    /// Company, or empty.
    pub company: String,
    /// The lead's own IANA time zone, when the list gives one.
    pub timezone: Option<String>,
    /// Free-form category from the list (`broker`, `carrier`, …).
    pub lead_type: String,
    /// How urgently to call.
    pub priority: Priority,
    /// Must never be dialed.
    pub do_not_call: bool,
    /// Free-form notes.
    pub notes: String,
    /// Columns the list had that Outdial does not know, kept by header name.
    pub custom_fields: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_parse_from_common_words() {
        assert_eq!(Priority::parse("HIGH").unwrap(), Priority::High);
        assert_eq!(Priority::parse("").unwrap(), Priority::Normal);
        assert_eq!(Priority::parse("medium").unwrap(), Priority::Normal);
        assert!(
            Priority::parse("whenever")
                .unwrap_err()
                .contains("low, normal, high or urgent")
        );
        for p in [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ] {
            assert_eq!(Priority::from_rank(p.rank()), p);
        }
    }

    #[test]
    fn flags_parse_from_common_words() {
        assert!(parse_flag("TRUE").unwrap());
        assert!(parse_flag("yes").unwrap());
        assert!(!parse_flag("").unwrap());
        assert!(!parse_flag("0").unwrap());
        assert!(parse_flag("maybe").is_err());
    }
}
