//! Matching a list's header row to lead fields, case-insensitively and with common variants.

/// A lead field a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// Whole name, split into first and last when those columns are absent.
    FullName,
    /// The number to call.
    Phone,
    /// The number's country.
    Country,
    /// Email.
    Email,
    /// Company.
    Company,
    /// IANA time zone.
    Timezone,
    /// Free-form lead category.
    LeadType,
    /// low / normal / high / urgent.
    Priority,
    /// Never call.
    DoNotCall,
    /// Free-form notes.
    Notes,
}

/// The header of the downloadable template.
pub const TEMPLATE_HEADER: &str =
    "first_name,last_name,phone,country,type,priority,do_not_call,notes,email,company,timezone";

/// Header spellings for each field, already normalised (lower case, letters and digits only).
/// Earlier entries win when a list has several candidates for the same field.
const VARIANTS: &[(Field, &[&str])] = &[
    (
        Field::Phone,
        &[
            "phone",
            "phonenumber",
            "phoneno",
            "number",
            "mobile",
            "mobilenumber",
            "mobilephone",
            "cell",
            "cellphone",
            "cellnumber",
            "telephone",
            "tel",
            "telefon",
            "telefonnummer",
            "handy",
            "contactnumber",
            "primaryphone",
            "phone1",
        ],
    ),
    (
        Field::FirstName,
        &[
            "firstname",
            "first",
            "givenname",
            "forename",
            "fname",
            "vorname",
        ],
    ),
    (
        Field::LastName,
        &[
            "lastname",
            "last",
            "surname",
            "familyname",
            "lname",
            "nachname",
        ],
    ),
    (
        Field::FullName,
        &["name", "fullname", "contactname", "contact", "leadname"],
    ),
    (Field::Country, &["country", "countrycode", "land"]),
    (Field::Email, &["email", "emailaddress", "mail"]),
    (
        Field::Company,
        &[
            "company",
            "companyname",
            "organization",
            "organisation",
            "business",
            "firma",
        ],
    ),
    (Field::Timezone, &["timezone", "tz", "zeitzone"]),
    (Field::LeadType, &["type", "leadtype", "category"]),
    (Field::Priority, &["priority", "prio"]),
    (Field::DoNotCall, &["donotcall", "dnc", "optout"]),
    (
        Field::Notes,
        &["notes", "note", "comments", "comment", "remarks"],
    ),
];

/// Which column holds which field; the rest are kept as custom fields under their header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    fields: Vec<(Field, usize)>,
    /// Columns Outdial does not know: (header as written, index).
    pub custom: Vec<(String, usize)>,
    /// How many columns the header has.
    pub width: usize,
}

/// A header that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The file has no header row at all.
    #[error("the file is empty: it needs a header row such as {TEMPLATE_HEADER}")]
    Empty,
    /// No column looks like a phone number column.
    #[error(
        "no phone column found (columns: {found}); name one of them phone, phone number, mobile or cell"
    )]
    NoPhoneColumn {
        /// The headers that were there.
        found: String,
    },
}

fn normalise(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl ColumnMap {
    /// Maps a header row.
    pub fn from_headers<S: AsRef<str>>(headers: &[S]) -> Result<Self, HeaderError> {
        if headers.is_empty() || headers.iter().all(|h| h.as_ref().trim().is_empty()) {
            return Err(HeaderError::Empty);
        }
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h.as_ref())).collect();
        let mut fields = Vec::new();
        let mut taken = vec![false; headers.len()];
        for (field, names) in VARIANTS {
            'names: for name in *names {
                for (i, h) in normalised.iter().enumerate() {
                    if !taken[i] && h == name {
                        fields.push((*field, i));
                        taken[i] = true;
                        break 'names;
                    }
                }
            }
        }
        if !fields.iter().any(|(f, _)| *f == Field::Phone) {
            let found = headers
                .iter()
                .map(|h| h.as_ref().trim().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(HeaderError::NoPhoneColumn { found });
        }
        let custom = headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !taken[*i] && !h.as_ref().trim().is_empty())
            .map(|(i, h)| (h.as_ref().trim().to_string(), i))
            .collect();
        Ok(ColumnMap {
            fields,
            custom,
            width: headers.len(),
        })
    }

    /// The column holding `field`, if any.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| *i)
    }

    /// The cell for `field` in `row`, trimmed; empty when the column is absent or the row short.
    pub fn get<'a>(&self, row: &[&'a str], field: Field) -> &'a str {
        self.column(field)
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_header_maps_every_field() {
        let headers: Vec<&str> = TEMPLATE_HEADER.split(',').collect();
        let map = ColumnMap::from_headers(&headers).unwrap();
        assert_eq!(map.column(Field::Phone), Some(2));
        assert_eq!(map.column(Field::DoNotCall), Some(6));
        assert_eq!(map.column(Field::Timezone), Some(10));
        assert!(map.custom.is_empty());
    }

    #[test]
    fn common_variants_match_case_insensitively() {
        let map = ColumnMap::from_headers(&[
            "Full Name",
            "Phone Number",
            "E-Mail",
            "Company Name",
            "Lead Source",
        ])
        .unwrap();
        assert_eq!(map.column(Field::FullName), Some(0));
        assert_eq!(map.column(Field::Phone), Some(1));
        assert_eq!(map.column(Field::Email), Some(2));
        assert_eq!(map.column(Field::Company), Some(3));
        assert_eq!(map.custom, vec![("Lead Source".to_string(), 4)]);
    }

    #[test]
    fn phone_beats_mobile_and_the_other_is_kept() {
        let map = ColumnMap::from_headers(&["Mobile", "Phone"]).unwrap();
        assert_eq!(map.column(Field::Phone), Some(1));
        assert_eq!(map.custom, vec![("Mobile".to_string(), 0)]);
    }

    #[test]
    fn a_header_without_a_phone_column_is_refused_with_its_columns() {
        let err = ColumnMap::from_headers(&["name", "email"]).unwrap_err();
        assert!(err.to_string().contains("name, email"));
        assert_eq!(
            ColumnMap::from_headers::<&str>(&[]).unwrap_err(),
            HeaderError::Empty
        );
    }

    #[test]
    fn a_bom_before_the_first_header_is_ignored() {
        let map = ColumnMap::from_headers(&["\u{feff}phone"]).unwrap();
        assert_eq!(map.column(Field::Phone), Some(0));
    }
}
