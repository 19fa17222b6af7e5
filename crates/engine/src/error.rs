//! The engine's one error type: what went wrong placing or following a call, in words a user
//! can act on. The HTTP layer maps each kind to a status code in one place.

use outdial_storage::{DatabaseError, StorageError};
use outdial_twilio::{CarrierError, ErrorKind};

/// Why the engine could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// No such record in this tenant.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with the state of things (a number on the do-not-call list, a
    /// lead already being called, no call being offered).
    #[error("{0}")]
    Conflict(String),
    /// The call may not be placed now: a rule every call passes forbids it. `code` names the
    /// rule (`outside_calling_hours`, `do_not_call`, `daily_limit_reached`, …) and
    /// `next_allowed_at` (epoch ms) the next moment it allows the call, when there is one.
    #[error("{message}")]
    Refused {
        /// The rule, as the API names it.
        code: &'static str,
        /// Why, in words a user can act on.
        message: String,
        /// The next moment the call would pass, epoch ms.
        next_allowed_at: Option<i64>,
    },
    /// Every place of the slot asked for is taken (by appointments or holds); `next_free` are
    /// the next free slots of the calendar, to offer instead.
    #[error("{message}")]
    SlotTaken {
        /// Which slot, in words.
        message: String,
        /// The next free slots.
        next_free: Vec<crate::booking::FreeSlot>,
    },
    /// A value the caller gave (or a campaign setting) cannot be used; `field` names it.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as the API names it (`settings.caller_ids`, `to`).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The carrier failed or could not be reached; try again later.
    #[error("{0}")]
    Upstream(String),
    /// The database failed or refused.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Anything unexpected.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl EngineError {
    /// A value that cannot be used, naming its field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> EngineError {
        EngineError::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<DatabaseError> for EngineError {
    fn from(e: DatabaseError) -> Self {
        EngineError::Storage(e.into())
    }
}

/// The carrier's refusals: refused credentials are the tenant's to fix (a conflict naming
/// where), anything else is the carrier's failure. Callers handle the kinds that mean
/// something particular to them (an invalid number, a missing recording) before this.
impl From<CarrierError> for EngineError {
    fn from(e: CarrierError) -> Self {
        match e.kind {
            ErrorKind::Authentication => {
                EngineError::Conflict(format!("{e}; check the Twilio credentials in the settings"))
            }
            _ => EngineError::Upstream(e.to_string()),
        }
    }
}

impl From<jiff::Error> for EngineError {
    fn from(e: jiff::Error) -> Self {
        EngineError::Internal(e.into())
    }
}
