//! The few places where SQLite and PostgreSQL need different SQL, asked of a connection: the
//! one place that looks at which database a connection speaks to.

use crate::Conn;

/// The SQL dialect of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// SQLite: one writer at a time, so a write transaction already excludes every other.
    Sqlite,
    /// PostgreSQL: rows are locked explicitly.
    Postgres,
}

impl Dialect {
    /// The dialect `conn` speaks.
    pub(crate) fn of(conn: &Conn) -> Dialect {
        if conn.backend_name() == "PostgreSQL" {
            Dialect::Postgres
        } else {
            Dialect::Sqlite
        }
    }

    /// What ends a `SELECT` that locks the rows it reads for the rest of the transaction
    /// (nothing on SQLite, whose write transaction already excludes other writers).
    pub(crate) fn lock_rows(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        }
    }

    /// Like [`Dialect::lock_rows`], skipping rows another transaction holds.
    pub(crate) fn lock_free_rows(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        }
    }
}
