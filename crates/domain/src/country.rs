//! Countries, as ISO 3166 two-letter codes that phone-number metadata knows.

use rlibphonenumber::Region;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A country whose phone numbering plan is known, e.g. `US` or `DE`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(pub(crate) Region);

/// A country name or code that we could not recognise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown country '{0}': use a two-letter ISO code such as US, CA, GB or DE")]
pub struct UnknownCountry(pub String);

/// Common ways people write a country in a spreadsheet, mapped to ISO codes.
const ALIASES: &[(&str, &str)] = &[
    ("usa", "US"),
    ("u.s.", "US"),
    ("u.s.a.", "US"),
    ("united states", "US"),
    ("united states of america", "US"),
    ("america", "US"),
    ("canada", "CA"),
    ("germany", "DE"),
    ("deutschland", "DE"),
    ("ger", "DE"),
    ("deu", "DE"),
    ("uk", "GB"),
    ("united kingdom", "GB"),
    ("great britain", "GB"),
    ("england", "GB"),
    ("austria", "AT"),
    ("österreich", "AT"),
    ("switzerland", "CH"),
    ("schweiz", "CH"),
    ("france", "FR"),
    ("mexico", "MX"),
    ("australia", "AU"),
    ("ireland", "IE"),
    ("netherlands", "NL"),
    ("spain", "ES"),
    ("italy", "IT"),
];

impl Country {
    /// The United States, the default for campaigns that do not say otherwise.
    pub const US: Country = Country(Region::US);

    /// Parses an ISO code (`us`, `DE`) or a common name (`Germany`, `USA`).
    pub fn parse(input: &str) -> Result<Self, UnknownCountry> {
        let trimmed = input.trim();
        let lower = trimmed.to_lowercase();
        let code = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map(|(_, code)| (*code).to_string())
            .unwrap_or_else(|| trimmed.to_ascii_uppercase());
        if code.len() != 2 || code == "ZZ" || code == "001" {
            return Err(UnknownCountry(trimmed.to_string()));
        }
        let region = Region::from_code(&code).map_err(|_| UnknownCountry(trimmed.to_string()))?;
        // Only regions with numbering metadata are useful to a dialer.
        if rlibphonenumber::PHONE_NUMBER_UTIL
            .get_country_code_for_region(region)
            .is_none()
        {
            return Err(UnknownCountry(trimmed.to_string()));
        }
        Ok(Country(region))
    }

    /// The two-letter code, e.g. `US`.
    pub fn code(&self) -> String {
        self.0.as_region_str().as_str().to_string()
    }

    /// The international calling code (`1` for the US, `49` for Germany); every `Country` has
    /// one, as `parse` refuses regions without numbering metadata.
    pub fn calling_code(&self) -> u16 {
        rlibphonenumber::PHONE_NUMBER_UTIL
            .get_country_code_for_region(self.0)
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(0)
    }

    pub(crate) fn region(&self) -> Region {
        self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.code())
    }
}

impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Country::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_common_names_are_recognised() {
        assert_eq!(Country::parse("us").unwrap().code(), "US");
        assert_eq!(Country::parse(" DE ").unwrap().code(), "DE");
        assert_eq!(Country::parse("Germany").unwrap().code(), "DE");
        assert_eq!(Country::parse("Deutschland").unwrap().code(), "DE");
        assert_eq!(Country::parse("USA").unwrap().code(), "US");
        assert_eq!(Country::parse("United Kingdom").unwrap().code(), "GB");
    }

    #[test]
    fn unknown_countries_are_refused_with_a_hint() {
        let err = Country::parse("Narnia").unwrap_err();
        assert!(err.to_string().contains("two-letter ISO code"));
        assert!(Country::parse("").is_err());
        assert!(Country::parse("XX").is_err());
        assert!(Country::parse("ZZ").is_err());
    }
}
