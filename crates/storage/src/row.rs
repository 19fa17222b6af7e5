//! Small helpers for reading `Any` rows and binding a dynamic list of parameters.

use crate::{Result, StorageError};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

/// Reads a column, naming it in the error.
pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(column).map_err(StorageError::Database)
}

/// A carrier call id column, checked as it is read.
pub(crate) fn call_sid(
    row: &AnyRow,
    column: &str,
) -> Result<Option<outdial_domain::call::CallSid>> {
    get::<Option<String>>(row, column)?
        .map(|s| outdial_domain::call::CallSid::parse(&s).map_err(StorageError::Corrupt))
        .transpose()
}

/// A parameter of a query built at run time (filters, batch inserts).
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    /// An integer.
    Int(i64),
    /// A string.
    Text(String),
}

/// Binds `args` in order to a query whose SQL numbers them `$1…$n`.
pub(crate) fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    query
}

/// Collects parameters and hands out their `$n` placeholders (a placeholder may be used
/// several times), for queries whose filters are chosen at run time.
#[derive(Default)]
pub(crate) struct Params {
    pub(crate) args: Vec<Arg>,
}

impl Params {
    /// Adds a parameter and returns its placeholder.
    pub(crate) fn push(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }
}
