//! What a person said on the phone, understood in code: the intent of one utterance (yes, no,
//! call me later, take me off your list…) and the day and time it names, resolved against a
//! given moment in a given time zone. German and English, as speech recognition writes them
//! (lower case, no punctuation, numbers as words or digits, "äh" and "uh" in between).
//!
//! Pure: no I/O and no clock; the moment is always passed in.

pub mod corpus;
mod intent;
mod lang;
mod numbers;
mod request;
mod when;
mod words;

pub use intent::{Intent, from_key};
pub use lang::Lang;
pub use request::{MAX_TEXT, RequestError, understand_request};
pub use when::{Kind, When};

use jiff::Zoned;
use serde::Serialize;

/// What one utterance says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Understanding {
    /// What the person wants.
    pub intent: Intent,
    /// How sure the reading is, 0 to 1.
    pub confidence: f32,
    /// The day and time the person named, if any.
    pub datetime: Option<When>,
}

/// Understands `text`, said in `lang`, at the moment `now` (whose time zone is the person's).
pub fn understand(text: &str, lang: Lang, now: &Zoned) -> Understanding {
    let tokens = words::tokens(text, lang);
    let datetime = when::find(&tokens, lang, now);
    let (intent, confidence) = intent::classify(&tokens, lang, datetime.is_some());
    Understanding {
        intent,
        confidence,
        datetime,
    }
}
