//! Outdial's storage: one SQL over SQLite (the default, embedded) and PostgreSQL (several
//! instances sharing work). Every query takes the tenant it is scoped to; functions that write
//! take a connection the caller may have put in a transaction, and the caller commits.

pub mod agent_legs;
pub mod agents;
pub mod api_keys;
pub mod appointments;
pub mod audio;
mod batch;
pub mod calendars;
pub mod call_backs;
pub mod calls;
pub mod campaigns;
pub mod carrier_accounts;
pub mod conversations;
mod db;
mod dialect;
pub mod dialing;
pub mod dnc;
pub mod erase;
mod error;
pub mod imports;
pub mod leads;
pub mod login_limits;
mod migrate;
pub mod reports;
mod row;
pub mod scheduled_calls;
pub mod sessions;
pub mod tenants;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transfers;
mod transition;
pub mod users;

pub use db::{Backend, Conn, Store, Tx, redact_url};
pub use error::StorageError;
/// The database driver's error, for callers that commit transactions themselves.
pub use sqlx::Error as DatabaseError;

/// The result of a storage call.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;
