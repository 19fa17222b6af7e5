//! The called person's own calling hours: a default window and stricter regions, kept as
//! editable data (`data/local_hours.json` is the built-in default) because they differ by
//! state and change.

use crate::PhoneNumber;
use crate::campaign::ClockTime;
use serde::Deserialize;

/// A region with its own hours, matched by E.164 prefix (digits): a number in the region's
/// area codes is presumed to reach a resident.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Its name, shown when a call waits for it ("Florida").
    pub name: String,
    /// First minute calls may start, local time.
    pub start: ClockTime,
    /// Calls may not start at or after this time.
    pub end: ClockTime,
    /// E.164 prefixes without `+`, e.g. `1813`.
    pub prefixes: Vec<String>,
}

/// A window of local hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hours {
    start: ClockTime,
    end: ClockTime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "_comment", default)]
    _comment: Option<String>,
    default: Hours,
    #[serde(default)]
    regions: Vec<Region>,
}

/// Why a rules file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursRuleError {
    /// Not valid JSON of the expected shape.
    #[error("the local hours rules are not valid: {0}")]
    Malformed(String),
    /// A window that ends before it starts.
    #[error("{0}: the hours end before they start")]
    Backwards(String),
    /// A prefix that is not digits.
    #[error("{region}: '{prefix}' is not an E.164 prefix (digits only, e.g. 1813)")]
    BadPrefix {
        /// The region.
        region: String,
        /// The prefix given.
        prefix: String,
    },
}

/// When people may be called in their own local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalHours {
    default_start: ClockTime,
    default_end: ClockTime,
    regions: Vec<Region>,
}

impl Default for LocalHours {
    /// The built-in rules: 08:00–21:00, Florida and Oklahoma 08:00–20:00.
    fn default() -> Self {
        LocalHours::parse(include_str!("../../data/local_hours.json"))
            .expect("the built-in local hours are valid")
    }
}

impl LocalHours {
    /// Reads rules in the format of `data/local_hours.json`.
    pub fn parse(json: &str) -> Result<Self, HoursRuleError> {
        let file: File =
            serde_json::from_str(json).map_err(|e| HoursRuleError::Malformed(e.to_string()))?;
        if file.default.end <= file.default.start {
            return Err(HoursRuleError::Backwards("default".into()));
        }
        for r in &file.regions {
            if r.end <= r.start {
                return Err(HoursRuleError::Backwards(r.name.clone()));
            }
            if let Some(bad) = r
                .prefixes
                .iter()
                .find(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(HoursRuleError::BadPrefix {
                    region: r.name.clone(),
                    prefix: bad.clone(),
                });
            }
        }
        Ok(LocalHours {
            default_start: file.default.start,
            default_end: file.default.end,
            regions: file.regions,
        })
    }

    /// The hours that apply to `phone` and the region that sets them (`None`: the default).
    pub fn for_number(&self, phone: &PhoneNumber) -> (ClockTime, ClockTime, Option<&str>) {
        let digits = phone.as_str().trim_start_matches('+');
        self.regions
            .iter()
            .flat_map(|r| r.prefixes.iter().map(move |p| (r, p)))
            .filter(|(_, p)| digits.starts_with(p.as_str()))
            .max_by_key(|(_, p)| p.len())
            .map(|(r, _)| (r.start, r.end, Some(r.name.as_str())))
            .unwrap_or((self.default_start, self.default_end, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> ClockTime {
        ClockTime::parse(s).unwrap()
    }

    #[test]
    fn florida_and_oklahoma_stop_at_eight_everyone_else_at_nine() {
        let rules = LocalHours::default();
        let tampa = PhoneNumber::from_trusted("+18134893222".into());
        assert_eq!(
            rules.for_number(&tampa),
            (at("08:00"), at("20:00"), Some("Florida"))
        );
        let tulsa = PhoneNumber::from_trusted("+19185550123".into());
        assert_eq!(rules.for_number(&tulsa).2, Some("Oklahoma"));
        let nyc = PhoneNumber::from_trusted("+12125550123".into());
        assert_eq!(rules.for_number(&nyc), (at("08:00"), at("21:00"), None));
    }

    #[test]
    fn edited_rules_are_checked_and_explain_what_is_wrong() {
        let custom = LocalHours::parse(
            r#"{"default": {"start": "09:00", "end": "20:00"},
                "regions": [{"name": "Texas", "start": "09:00", "end": "21:00", "prefixes": ["1512"]}]}"#,
        )
        .unwrap();
        let austin = PhoneNumber::from_trusted("+15125550123".into());
        assert_eq!(custom.for_number(&austin).2, Some("Texas"));
        let err = LocalHours::parse(r#"{"default": {"start": "21:00", "end": "08:00"}}"#);
        assert_eq!(err, Err(HoursRuleError::Backwards("default".into())));
        let err = LocalHours::parse(
            r#"{"default": {"start": "08:00", "end": "21:00"},
                "regions": [{"name": "X", "start": "08:00", "end": "20:00", "prefixes": ["+1813"]}]}"#,
        );
        assert!(matches!(err, Err(HoursRuleError::BadPrefix { .. })));
        let err = LocalHours::parse(r#"{"default": {"start": "8 am", "end": "21:00"}}"#);
        assert!(
            matches!(&err, Err(HoursRuleError::Malformed(m)) if m.contains("HH:MM")),
            "{err:?}"
        );
    }
}
