//! An utterance to understand as the CLI and the API receive it: text, a language code, a time
//! zone name and the moment it was said, checked here with messages a person can act on.

use crate::{Lang, Understanding, understand};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// What is wrong with a request, and which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// The field at fault: `lang`, `tz`, `now` or `text`.
    pub field: &'static str,
    /// What to change.
    pub message: String,
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for RequestError {}

/// The longest utterance understood (a phone answer is a sentence or two).
pub const MAX_TEXT: usize = 1000;

/// Understands `text` in `lang` ("de", "en-US"…), said at `now` (RFC 3339 with any offset; the
/// caller's current moment when `None`) by a person in time zone `tz` (any IANA name, such as
/// `Europe/Berlin` or `Etc/GMT+2`).
pub fn understand_request(
    text: &str,
    lang: &str,
    tz: &str,
    now: Option<&str>,
    current: Timestamp,
) -> Result<Understanding, RequestError> {
    let lang = Lang::parse(lang).ok_or_else(|| RequestError {
        field: "lang",
        message: format!("'{lang}' is not a language Outdial understands: use de or en"),
    })?;
    let zone = TimeZone::get(tz).map_err(|_| RequestError {
        field: "tz",
        message: format!("'{tz}' is not a time zone: use an IANA name such as Europe/Berlin"),
    })?;
    let at = match now {
        None => current,
        Some(s) => s.parse::<Timestamp>().map_err(|_| RequestError {
            field: "now",
            message: format!(
                "'{s}' is not a moment: write it as RFC 3339, e.g. 2026-03-10T09:00:00+01:00"
            ),
        })?,
    };
    if text.chars().count() > MAX_TEXT {
        return Err(RequestError {
            field: "text",
            message: format!("is longer than {MAX_TEXT} characters"),
        });
    }
    Ok(understand(text, lang, &at.to_zoned(zone)))
}
