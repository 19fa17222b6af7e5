//! Do-not-call list entries as they arrive in files: one number per line, written as
//! `AAANNNNNNN`, `AAA,NNNNNNN` (national registry downloads), E.164, or any format a person types.

use crate::{Country, PhoneError, PhoneNumber};

/// Parses one line of a do-not-call file. Returns `Ok(None)` for lines that carry no number
/// (blank lines, comments starting with `#`, a header such as `phone`).
pub fn parse_dnc_line(line: &str, country: Country) -> Result<Option<PhoneNumber>, PhoneError> {
    let line = line.trim().trim_start_matches('\u{feff}');
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let first_field = line.split([';', '\t']).next().unwrap_or("");
    // `AAA,NNNNNNN`: an area code and a 7-digit number in two columns.
    let candidate = match first_field.split_once(',') {
        Some((a, b))
            if a.trim().len() == 3
                && b.trim().len() == 7
                && is_digits(a.trim())
                && is_digits(b.trim()) =>
        {
            format!("{}{}", a.trim(), b.trim())
        }
        Some((a, _)) => a.to_string(),
        None => first_field.to_string(),
    };
    let candidate = candidate.trim().trim_matches('"');
    if !candidate.chars().any(|c| c.is_ascii_digit()) {
        // A header row or a label: nothing to add.
        return Ok(None);
    }
    PhoneNumber::parse(candidate, country).map(Some)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_formats_are_both_accepted() {
        let a = parse_dnc_line("8134893222", Country::US).unwrap().unwrap();
        let b = parse_dnc_line("813,4893222", Country::US).unwrap().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "+18134893222");
    }

    #[test]
    fn headers_blanks_and_comments_carry_no_number() {
        assert_eq!(parse_dnc_line("", Country::US).unwrap(), None);
        assert_eq!(
            parse_dnc_line("# exported 2026-11-01", Country::US).unwrap(),
            None
        );
        assert_eq!(parse_dnc_line("phone,reason", Country::US).unwrap(), None);
    }

    #[test]
    fn csv_rows_use_their_first_column() {
        let p = parse_dnc_line("+49 30 1234567,asked to stop", Country::US)
            .unwrap()
            .unwrap();
        assert_eq!(p.as_str(), "+49301234567");
    }

    #[test]
    fn bad_numbers_are_errors_not_silence() {
        assert!(parse_dnc_line("12ab", Country::US).is_err());
    }
}
