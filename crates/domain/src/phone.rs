//! Phone numbers in E.164 form, parsed with libphonenumber's rules plus the NANP reservations a
//! dialer must never call (N11 service codes, 555 fictional numbers).

use crate::country::Country;
use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType, ValidationError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid, callable phone number in E.164 form (`+18134893222`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber {
    e164: String,
}

/// Why a string is not a callable phone number. Each message says what is wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing to parse.
    #[error("phone number is empty")]
    Empty,
    /// Not recognisable as a phone number at all.
    #[error("'{0}' is not a phone number")]
    NotANumber(String),
    /// A `+` followed by a country calling code that does not exist.
    #[error("'{0}' has an unknown country calling code")]
    UnknownCountryCode(String),
    /// Too few digits for its country.
    #[error("'{0}' is too short for a phone number in {1}")]
    TooShort(String, String),
    /// Too many digits for its country.
    #[error("'{0}' is too long for a phone number in {1}")]
    TooLong(String, String),
    /// Parses, but no such number is assigned in that country's plan.
    #[error("'{0}' is not a valid phone number in {1}")]
    InvalidForCountry(String, String),
    /// A NANP area or exchange code reserved for services or fiction (N11, 555-01XX, …).
    #[error("'{0}' is a reserved or fictional number ({1}) and cannot be called")]
    Reserved(String, &'static str),
    /// Premium-rate numbers cost the caller money; a dialer never calls them.
    #[error("'{0}' is a premium-rate number and cannot be called")]
    PremiumRate(String),
}

impl PhoneNumber {
    /// Parses `input` as written in `country` (numbers starting with `+` or an international
    /// prefix keep their own country), validates it, and returns its E.164 form.
    pub fn parse(input: &str, country: Country) -> Result<Self, PhoneError> {
        Self::parse_with_extension(input, country).map(|(number, _)| number)
    }

    /// Parses a number that may carry an extension (`813-489-3222 ext. 12`, `x12`, `#12`):
    /// the number, and the extension's digits to dial once the call is answered.
    pub fn parse_with_extension(
        input: &str,
        country: Country,
    ) -> Result<(Self, Option<String>), PhoneError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        // Spreadsheets often turn numbers into floats ("8134893222.0") or scientific notation.
        let cleaned = strip_spreadsheet_noise(raw);
        let parsed = rlibphonenumber::PhoneNumber::parse(&cleaned, Some(country.region()))
            .map_err(|e| match e {
                rlibphonenumber::ParseError::InvalidCountryCode => {
                    PhoneError::UnknownCountryCode(raw.to_string())
                }
                rlibphonenumber::ParseError::TooShortAfterIdd
                | rlibphonenumber::ParseError::TooShortNsn => {
                    PhoneError::TooShort(raw.to_string(), country.code())
                }
                rlibphonenumber::ParseError::TooLongNsn => {
                    PhoneError::TooLong(raw.to_string(), country.code())
                }
                _ => PhoneError::NotANumber(raw.to_string()),
            })?;
        let region_name = parsed
            .get_region_code()
            .map(|r| r.as_region_str().as_str().to_string())
            .unwrap_or_else(|| format!("+{}", parsed.country_code));
        // Reserved NANP codes first: "N11 service code" says more than "not valid".
        if parsed.country_code == 1
            && parsed.national_number >= 1_000_000_000
            && let Some(why) = nanp_reservation(parsed.national_number)
        {
            return Err(PhoneError::Reserved(raw.to_string(), why));
        }
        if !parsed.is_valid() {
            return Err(match parsed.is_possible_with_reason() {
                Err(ValidationError::TooShort) => {
                    PhoneError::TooShort(raw.to_string(), region_name)
                }
                Err(ValidationError::TooLong) => PhoneError::TooLong(raw.to_string(), region_name),
                Err(ValidationError::InvalidCountryCode) => {
                    PhoneError::UnknownCountryCode(raw.to_string())
                }
                _ => PhoneError::InvalidForCountry(raw.to_string(), region_name),
            });
        }
        if parsed.get_type() == PhoneNumberType::PremiumRate {
            return Err(PhoneError::PremiumRate(raw.to_string()));
        }
        let extension = parsed
            .extension
            .as_deref()
            .map(|e| e.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|e| !e.is_empty());
        Ok((
            PhoneNumber {
                e164: parsed.format_as(PhoneNumberFormat::E164).into_owned(),
            },
            extension,
        ))
    }

    /// Parses a number already in E.164 form (`+` and digits), e.g. from the API.
    pub fn parse_e164(input: &str) -> Result<Self, PhoneError> {
        let raw = input.trim();
        if !raw.starts_with('+') {
            return Err(PhoneError::NotANumber(raw.to_string()));
        }
        Self::parse(raw, Country::US)
    }

    /// Rebuilds a number that was validated before (read back from storage). Does not re-check.
    pub fn from_trusted(e164: String) -> Self {
        PhoneNumber { e164 }
    }

    /// The E.164 form, e.g. `+49301234567`.
    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// The E.164 digits as one integer: a compact key for de-duplicating large lists.
    pub fn as_u64(&self) -> u64 {
        self.e164[1..].parse().unwrap_or(0)
    }

    /// The country the number belongs to, when the numbering plan names one.
    pub fn country(&self) -> Option<Country> {
        rlibphonenumber::PhoneNumber::parse(&self.e164, None)
            .ok()
            .and_then(|p| p.get_region_code())
            .map(Country)
    }
}

/// Removes what spreadsheet software adds to numbers: a trailing `.0`, and `=`/quotes from
/// formula-protected cells.
fn strip_spreadsheet_noise(raw: &str) -> std::borrow::Cow<'_, str> {
    let s = raw
        .trim_start_matches('=')
        .trim_matches('"')
        .trim_matches('\'');
    match s.strip_suffix(".0") {
        Some(rest) if rest.chars().all(|c| c.is_ascii_digit() || c == '+') => rest.into(),
        _ => s.into(),
    }
}

/// NANP numbers that parse and may even pass metadata checks but must never be dialed.
/// `national` is the 10-digit NPA-NXX-XXXX.
fn nanp_reservation(national: u64) -> Option<&'static str> {
    let npa = national / 10_000_000;
    let nxx = (national / 10_000) % 1000;
    let line = national % 10_000;
    if (200..=999).contains(&npa) && npa % 100 == 11 {
        return Some("N11 service code used as an area code");
    }
    match npa {
        0..=199 => return Some("area code cannot start with 0 or 1"),
        555 => return Some("area code 555 is not assigned"),
        _ => {}
    }
    if nxx == 555 && (100..=199).contains(&line) {
        return Some("555-0100 to 555-0199 are reserved for fiction");
    }
    if nxx % 100 == 11 {
        return Some("N11 service code used as an exchange");
    }
    None
}

/// Compares with a number written out in E.164 (`number == "+18134893222"`).
impl PartialEq<&str> for PhoneNumber {
    fn eq(&self, other: &&str) -> bool {
        self.e164 == *other
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.e164)
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.e164)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneNumber::parse_e164(&s).map_err(|e| {
            serde::de::Error::custom(format!(
                "{e} (write numbers in E.164 form, e.g. +18134893222)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn us(s: &str) -> Result<PhoneNumber, PhoneError> {
        PhoneNumber::parse(s, Country::US)
    }

    #[test]
    fn an_extension_is_kept_apart_from_the_number() {
        for written in [
            "813-489-3222 ext. 12",
            "(813) 489-3222 x12",
            "+1 813 489 3222 ext 12",
            "8134893222#12",
        ] {
            let (number, ext) = PhoneNumber::parse_with_extension(written, Country::US).unwrap();
            assert_eq!(
                (number.as_str(), ext.as_deref()),
                ("+18134893222", Some("12")),
                "{written}"
            );
        }
        let (_, none) = PhoneNumber::parse_with_extension("813-489-3222", Country::US).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn a_ten_digit_us_number_gets_its_country_code() {
        assert_eq!(us("8134893222").unwrap().as_str(), "+18134893222");
        assert_eq!(us("(813) 489-3222").unwrap().as_str(), "+18134893222");
        assert_eq!(us("1-813-489-3222").unwrap().as_str(), "+18134893222");
        assert_eq!(us("+1 813 489 3222").unwrap().as_str(), "+18134893222");
    }

    #[test]
    fn an_international_number_keeps_its_own_country() {
        let de = us("+49 30 1234567").unwrap();
        assert_eq!(de.as_str(), "+49301234567");
        assert_eq!(de.country().unwrap().code(), "DE");
    }

    #[test]
    fn a_german_national_number_parses_with_the_german_default() {
        let de = PhoneNumber::parse("030 1234567", Country::parse("DE").unwrap()).unwrap();
        assert_eq!(de.as_str(), "+49301234567");
        let mobile = PhoneNumber::parse("0151 23456789", Country::parse("DE").unwrap()).unwrap();
        assert_eq!(mobile.as_str(), "+4915123456789");
    }

    #[test]
    fn spreadsheet_floats_are_understood() {
        assert_eq!(us("8134893222.0").unwrap().as_str(), "+18134893222");
    }

    #[test]
    fn garbage_and_empty_input_are_refused() {
        assert_eq!(us(""), Err(PhoneError::Empty));
        assert!(matches!(
            us("call me maybe"),
            Err(PhoneError::NotANumber(_))
        ));
        assert!(matches!(
            us("12345"),
            Err(PhoneError::TooShort(..) | PhoneError::InvalidForCountry(..))
        ));
    }

    #[test]
    fn service_codes_and_fictional_numbers_are_reserved() {
        for n in [
            "911 555 1234",
            "411 234 5678",
            "555 234 5678",
            "813 555 0150",
            "000 234 5678",
            "111 234 5678",
        ] {
            let err = us(n).unwrap_err();
            assert!(
                matches!(
                    err,
                    PhoneError::Reserved(..) | PhoneError::InvalidForCountry(..)
                ),
                "{n} gave {err:?}"
            );
        }
        assert!(matches!(us("813 555 0150"), Err(PhoneError::Reserved(..))));
        // 555 numbers outside 0100-0199 are ordinary numbers.
        assert!(us("813 555 0250").is_ok());
    }

    #[test]
    fn premium_rate_numbers_are_refused() {
        assert!(matches!(
            us("900 234 5678"),
            Err(PhoneError::PremiumRate(_))
        ));
    }

    #[test]
    fn e164_input_must_start_with_plus() {
        assert!(PhoneNumber::parse_e164("8134893222").is_err());
        assert_eq!(
            PhoneNumber::parse_e164("+18134893222").unwrap().as_u64(),
            18134893222
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = us(&s);
        }

        #[test]
        fn e164_output_reparses_to_itself(npa in 201u64..999, nxx in 200u64..999, line in 0u64..9999) {
            let input = format!("{npa}{nxx}{line:04}");
            if let Ok(p) = us(&input) {
                let again = PhoneNumber::parse_e164(p.as_str()).unwrap();
                prop_assert_eq!(again, p);
            }
        }
    }
}
