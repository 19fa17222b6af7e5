//! The languages Outdial understands.

use serde::{Deserialize, Serialize};

/// A language of speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// German.
    De,
    /// English.
    En,
}

impl Lang {
    /// From a code such as `de`, `de-DE`, `en`, `en-US` (case does not matter).
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().get(..2)?.to_ascii_lowercase().as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}
