//! The Google APIs Outdial talks to, over HTTP the caller provides (built with Outdial's
//! outbound-request guard, so the address checks live in one place):
//! - a service account's key file, read and checked ([`ServiceAccount`]);
//! - its access token: a JWT signed with the account's private key, exchanged at the account's
//!   token endpoint, and kept until shortly before it lapses ([`Tokens`]);
//! - Dialogflow CX's `detectIntent`: one utterance (or event, or keys) into a session, the
//!   matched intent, its parameters and the agent's answer back ([`dialogflow`]).
//!
//! The private key and the tokens are never logged, shown or put in an error.

pub mod dialogflow;
mod error;
mod service_account;
mod token;

pub use error::GoogleError;
pub use service_account::ServiceAccount;
pub use token::Tokens;
