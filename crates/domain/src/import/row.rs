//! One row of a lead list becomes a [`NewLead`] or a rejection with a reason.

use super::columns::{ColumnMap, Field};
use crate::contact::{parse_email, parse_timezone};
use crate::lead::{NewLead, Priority, parse_flag};
use crate::{Country, PhoneNumber};
use serde::Serialize;

/// Why a row was not imported, in a category and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowRejection {
    /// The kind of problem, for counting.
    pub kind: RejectKind,
    /// What is wrong with the row and how to fix it.
    pub reason: String,
}

/// Categories of rejected rows.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RejectKind {
    /// The phone number is missing, malformed, invalid or reserved.
    InvalidPhone,
    /// The number is already in the campaign (or earlier in the file).
    Duplicate,
    /// Another field has a value that cannot be used.
    InvalidField,
}

impl RejectKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

const MAX_NAME_CHARS: usize = 200;
const MAX_NOTES_CHARS: usize = 10_000;

fn field_error(reason: String) -> RowRejection {
    RowRejection {
        kind: RejectKind::InvalidField,
        reason,
    }
}

fn bounded(value: &str, max: usize, name: &str) -> Result<String, RowRejection> {
    if value.chars().count() > max {
        return Err(field_error(format!(
            "{name} is longer than {max} characters"
        )));
    }
    Ok(value.to_string())
}

/// Turns one row into a lead. `default_country` applies when the row names none.
pub fn parse_row(
    map: &ColumnMap,
    row: &[&str],
    default_country: Country,
) -> Result<NewLead, RowRejection> {
    if let Some((i, c)) = row
        .iter()
        .enumerate()
        .find_map(|(i, cell)| crate::text::control_character(cell).map(|c| (i, c)))
    {
        return Err(field_error(format!(
            "column {} holds the control character U+{:04X}, which has no place in a lead; remove it",
            i + 1,
            c as u32
        )));
    }
    let country_cell = map.get(row, Field::Country);
    let country = if country_cell.is_empty() {
        default_country
    } else {
        Country::parse(country_cell).map_err(|e| field_error(e.to_string()))?
    };
    let (phone, extension) = PhoneNumber::parse_with_extension(map.get(row, Field::Phone), country)
        .map_err(|e| RowRejection {
            kind: RejectKind::InvalidPhone,
            reason: e.to_string(),
        })?;

    let (mut first, mut last) = (
        map.get(row, Field::FirstName).to_string(),
        map.get(row, Field::LastName).to_string(),
    );
    if first.is_empty() && last.is_empty() {
        let full = map.get(row, Field::FullName);
        match full.rsplit_once(' ') {
            Some((f, l)) => (first, last) = (f.trim().to_string(), l.trim().to_string()),
            None => first = full.to_string(),
        }
    }
    let email = map.get(row, Field::Email);
    if !email.is_empty() {
        parse_email(email).map_err(field_error)?;
    }
    let timezone = match map.get(row, Field::Timezone) {
        "" => None,
        tz => Some(parse_timezone(tz).map_err(field_error)?),
    };
    let priority = Priority::parse(map.get(row, Field::Priority)).map_err(field_error)?;
    let do_not_call = parse_flag(map.get(row, Field::DoNotCall))
        .map_err(|e| field_error(format!("do_not_call: {e}")))?;
    let custom_fields = map
        .custom
        .iter()
        .filter_map(|(name, i)| row.get(*i).map(|v| (name.clone(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Ok(NewLead {
        phone,
        extension,
        country,
        first_name: bounded(&first, MAX_NAME_CHARS, "first_name")?,
        last_name: bounded(&last, MAX_NAME_CHARS, "last_name")?,
        email: bounded(email, MAX_NAME_CHARS, "email")?,
        company: bounded(map.get(row, Field::Company), MAX_NAME_CHARS, "company")?,
        timezone,
        lead_type: bounded(map.get(row, Field::LeadType), MAX_NAME_CHARS, "type")?,
        priority,
        do_not_call,
        notes: bounded(map.get(row, Field::Notes), MAX_NOTES_CHARS, "notes")?,
        custom_fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> ColumnMap {
        let h: Vec<&str> = super::super::TEMPLATE_HEADER.split(',').collect();
        ColumnMap::from_headers(&h).unwrap()
    }

    #[test]
    fn a_template_row_becomes_a_lead() {
        let row = [
            "John",
            "Doe",
            "8134893222",
            "US",
            "broker",
            "high",
            "false",
            "VIP customer",
            "john@example.com",
            "Acme",
            "America/New_York",
        ];
        let lead = parse_row(&template(), &row, Country::US).unwrap();
        assert_eq!(lead.phone.as_str(), "+18134893222");
        assert_eq!(lead.priority, Priority::High);
        assert!(!lead.do_not_call);
        assert_eq!(lead.timezone.as_deref(), Some("America/New_York"));
    }

    #[test]
    fn the_row_country_beats_the_campaign_default() {
        let row = [
            "Hans",
            "Müller",
            "030 1234567",
            "DE",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ];
        let lead = parse_row(&template(), &row, Country::US).unwrap();
        assert_eq!(lead.phone.as_str(), "+49301234567");
        assert_eq!(lead.country.code(), "DE");
    }

    #[test]
    fn a_full_name_is_split_when_first_and_last_are_absent() {
        let map = ColumnMap::from_headers(&["Name", "Phone"]).unwrap();
        let lead = parse_row(&map, &["Mary Ann Smith", "8134893222"], Country::US).unwrap();
        assert_eq!(
            (lead.first_name.as_str(), lead.last_name.as_str()),
            ("Mary Ann", "Smith")
        );
    }

    #[test]
    fn each_bad_field_is_named_in_the_reason() {
        let map = template();
        let base = ["A", "B", "8134893222", "", "", "", "", "", "", "", ""];
        let cases = [
            (
                2,
                "not-a-number",
                RejectKind::InvalidPhone,
                "not a phone number",
            ),
            (2, "", RejectKind::InvalidPhone, "empty"),
            (3, "Narnia", RejectKind::InvalidField, "unknown country"),
            (5, "soonish", RejectKind::InvalidField, "priority"),
            (6, "perhaps", RejectKind::InvalidField, "do_not_call"),
            (8, "john at example", RejectKind::InvalidField, "email"),
            (10, "Moon/Base", RejectKind::InvalidField, "time zone"),
        ];
        for (col, value, kind, needle) in cases {
            let mut row = base;
            row[col] = value;
            let err = parse_row(&map, &row, Country::US).unwrap_err();
            assert_eq!(err.kind, kind, "{value}");
            assert!(err.reason.contains(needle), "{} lacks {needle}", err.reason);
        }
    }

    #[test]
    fn short_rows_read_missing_cells_as_empty() {
        let lead = parse_row(&template(), &["A", "B", "8134893222"], Country::US).unwrap();
        assert_eq!(lead.priority, Priority::Normal);
    }

    #[test]
    fn unknown_columns_are_kept_as_custom_fields() {
        let map = ColumnMap::from_headers(&["phone", "Favourite Colour"]).unwrap();
        let lead = parse_row(&map, &["8134893222", "teal"], Country::US).unwrap();
        assert_eq!(
            lead.custom_fields,
            vec![("Favourite Colour".to_string(), "teal".to_string())]
        );
    }
}
