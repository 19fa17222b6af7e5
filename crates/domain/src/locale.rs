//! The languages Outdial's web application speaks. A user may choose one; without a choice the
//! browser's language decides.

use serde::{Deserialize, Serialize};

/// A language of the web application.
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
pub enum Locale {
    /// English.
    En,
    /// German.
    De,
}

impl Locale {
    /// Its code, as stored and sent: `en` or `de`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// From its code (`en`, `de`), ignoring case.
    pub fn parse(code: &str) -> Option<Locale> {
        code.trim().to_ascii_lowercase().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_is_read_from_its_code() {
        assert_eq!(Locale::parse("de"), Some(Locale::De));
        assert_eq!(Locale::parse(" EN "), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::De.as_str(), "de");
    }
}
