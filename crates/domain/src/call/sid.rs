//! The carrier's id of a call, checked where it enters: a webhook's `CallSid`, the carrier's
//! answer to a new call, a row read back.

use serde::{Deserialize, Serialize};

/// A call's id at the carrier: `CA` and letters or digits (Twilio's are `CA` and 32 hex
/// digits), at most 64 characters in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "CA0123456789abcdef0123456789abcdef"))]
#[serde(transparent)]
pub struct CallSid(String);

impl CallSid {
    /// Checks a carrier id.
    pub fn parse(text: &str) -> Result<CallSid, String> {
        let ok = text.len() > 2
            && text.len() <= 64
            && text.starts_with("CA")
            && text.bytes().all(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(CallSid(text.to_string()))
        } else {
            Err(format!(
                "'{}' is not a call id: it starts with CA, followed by letters or digits",
                text.chars().take(70).collect::<String>()
            ))
        }
    }

    /// The id as the carrier writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CallSid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<&str> for CallSid {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl<'de> Deserialize<'de> for CallSid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CallSid::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ids_start_with_ca_and_hold_nothing_else() {
        assert!(CallSid::parse("CA0123456789abcdef0123456789abcdef").is_ok());
        assert!(CallSid::parse("CA9").is_ok());
        for bad in [
            "",
            "CA",
            "XX123",
            "CA12 34",
            "CA<script>",
            &format!("CA{}", "0".repeat(63)),
        ] {
            assert!(CallSid::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<CallSid>("\"RE123\"").is_err());
    }
}
