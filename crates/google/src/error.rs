//! What went wrong talking to Google, in words a user can act on. No message holds a key or a
//! token.

/// Why a request to Google failed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GoogleError {
    /// The service account's key file is not one Outdial can use.
    #[error("the service account key is not usable: {0}")]
    BadKey(String),
    /// The token endpoint refused the account.
    #[error("Google refused the service account ({status}): {message}")]
    TokenRefused {
        /// The HTTP status.
        status: u16,
        /// Google's message.
        message: String,
    },
    /// The API refused the token (401/403): a missing role or API.
    #[error(
        "Google refused the request ({status}): {message}. Check that the service account has the Dialogflow API Client role and the Dialogflow API is enabled"
    )]
    Forbidden {
        /// The HTTP status.
        status: u16,
        /// Google's message.
        message: String,
    },
    /// The agent or session was not found.
    #[error("Google found no such agent: {0}")]
    NotFound(String),
    /// Too many requests.
    #[error("Google is rate-limiting the requests; try again shortly")]
    RateLimited,
    /// Any other error answer.
    #[error("Google answered {status}: {message}")]
    Failed {
        /// The HTTP status.
        status: u16,
        /// Google's message.
        message: String,
    },
    /// No answer in time.
    #[error("Google did not answer in time")]
    Timeout,
    /// The address could not be reached.
    #[error("Google could not be reached: {0}")]
    Unreachable(String),
    /// An answer that could not be read.
    #[error("Google's answer could not be read: {0}")]
    BadAnswer(String),
}

impl GoogleError {
    /// The error of a request that got no answer.
    pub(crate) fn transport(e: &reqwest::Error) -> GoogleError {
        if e.is_timeout() {
            GoogleError::Timeout
        } else {
            // Without the URL: it may carry a session name, and the caller knows where it sent.
            GoogleError::Unreachable(
                std::error::Error::source(e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "connection failed".into()),
            )
        }
    }

    /// Google's own message from an error answer (`{"error": {"message": …}}`), else the body's
    /// start.
    pub(crate) fn message_of(body: &str) -> String {
        serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                let e = v.get("error")?;
                e.get("message")
                    .or_else(|| v.get("error_description"))
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
                    .or_else(|| e.as_str().map(str::to_string))
            })
            .unwrap_or_else(|| body.chars().take(200).collect())
    }
}
