//! Email addresses and time-zone names as people type them, checked one way everywhere: lead
//! lists, the leads API and user accounts.

/// A plausible email address, trimmed (case kept; logins lower-case it themselves).
pub fn parse_email(input: &str) -> Result<String, String> {
    let s = input.trim();
    let plausible = s.len() <= 254
        && !s.contains(char::is_whitespace)
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if plausible {
        Ok(s.to_string())
    } else {
        Err(format!("'{s}' is not an email address"))
    }
}

/// An IANA time-zone name that the bundled time-zone database knows, trimmed.
pub fn parse_timezone(input: &str) -> Result<String, String> {
    let s = input.trim();
    match jiff::tz::TimeZone::get(s) {
        Ok(_) => Ok(s.to_string()),
        Err(_) => Err(format!(
            "'{s}' is not an IANA time zone such as America/New_York or Europe/Berlin"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(parse_email(" Ann@Example.com ").unwrap(), "Ann@Example.com");
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@.com",
            "ann@example.",
            "a nn@example.com",
        ] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
        assert!(parse_email(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn time_zones_come_from_the_bundled_database() {
        assert_eq!(
            parse_timezone(" America/Chicago ").unwrap(),
            "America/Chicago"
        );
        assert!(parse_timezone("Mars/Olympus").unwrap_err().contains("IANA"));
    }
}
