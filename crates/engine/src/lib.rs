//! Outdial's call engine: what places and follows calls, apart from the HTTP layer that asks
//! for them. The clock ([`clock`]), live events ([`events`]), the dialer that runs campaigns by
//! itself ([`dialer`]), calls through the carrier and the carrier's reports ([`telephony`]), and
//! warm transfers to agents ([`transfer`]). It speaks its own error ([`EngineError`]); the
//! server turns it into answers.

pub mod booking;
pub mod clock;
pub mod config;
pub mod conversation;
pub mod dialer;
pub mod erase;
pub mod error;
pub mod events;
pub mod telephony;
pub mod transfer;

pub use error::EngineError;
