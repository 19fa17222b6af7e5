//! The storage layer's one error type.

/// What went wrong in storage. Callers map these to user-facing answers.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No such record in this tenant (or at all: the two are never told apart).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken, e.g. an email already in use.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database URL cannot be used.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// A stored value could not be read back (written by a newer version, or edited by hand).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StorageError {
    /// Turns a unique-constraint violation into `Conflict(what)`; other errors pass through.
    pub fn on_unique(err: sqlx::Error, what: &str) -> StorageError {
        match err.as_database_error() {
            Some(db) if db.is_unique_violation() => StorageError::Conflict(what.to_string()),
            _ => StorageError::Database(err),
        }
    }
}
