//! What went wrong talking to the model, in words a user can act on. No message holds the key.

/// Why a completion failed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LlmError {
    /// The provider did not answer in time.
    #[error("the language model did not answer within {0} seconds")]
    Timeout(u64),
    /// The provider could not be reached.
    #[error("the language model's address could not be reached: {0}")]
    Unreachable(String),
    /// The key was refused.
    #[error(
        "the language model refused the API key (401/403): check the key in the provider settings"
    )]
    Unauthorized,
    /// Too many requests.
    #[error("the language model is rate-limited; try again in {0} seconds")]
    RateLimited(u64),
    /// Any other error answer.
    #[error("the language model answered {status}: {message}")]
    Failed {
        /// The HTTP status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// An answer that is not a chat completion.
    #[error("the language model's answer could not be read: {0}")]
    BadAnswer(String),
}
