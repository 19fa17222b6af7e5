//! Many rows in one parameter. A batch (rows to insert, numbers to look up) is bound as a single
//! JSON array and unpacked by the database: `json_each` on SQLite, `json_array_elements` on
//! PostgreSQL. The statement text is the same whatever the batch size, so it is prepared once
//! and stays cached, and one parameter is bound instead of thousands: per-parameter binding
//! (quadratic `$n` lookups on SQLite, argument copies in sqlx's `Any` driver) was most of the
//! cost of a large lead import.
//!
//! An `INSERT … SELECT … FROM` a batch followed by `ON CONFLICT` needs a `WHERE` clause (even
//! `WHERE TRUE`): without one SQLite reads `ON` as a join constraint. Look-ups are written
//! `column IN (SELECT value FROM batch)`, not as a join: SQLite may put a joined batch in the
//! inner loop and unpack it again for every row of the table.

use crate::{Conn, Result, StorageError};
use serde::Serialize;

/// Items per statement: large enough to amortise a round trip, small enough that one JSON
/// parameter stays a few hundred kilobytes.
pub(crate) const MAX_ITEMS: usize = 2_000;

/// The SQL dialect for unpacking a JSON batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batch {
    sqlite: bool,
}

impl Batch {
    /// The dialect of `conn`.
    pub(crate) fn of(conn: &Conn) -> Batch {
        Batch {
            sqlite: crate::dialect::Dialect::of(conn) == crate::dialect::Dialect::Sqlite,
        }
    }

    /// A table source, aliased `alias`, with one column `value` per element of the JSON array
    /// bound at `placeholder`. Elements that are arrays are read with [`Batch::text`] and
    /// [`Batch::int`].
    pub(crate) fn rows(&self, placeholder: &str, alias: &str) -> String {
        if self.sqlite {
            // `jsonb_each` hands out array elements as JSONB, which `->>` reads without
            // parsing them again; `json_each` would render each one back to text.
            format!("jsonb_each({placeholder}) AS {alias}")
        } else {
            format!("json_array_elements(CAST({placeholder} AS json)) AS {alias}(value)")
        }
    }

    /// A table source, aliased `alias`, with one text column `value` per string of the JSON
    /// array bound at `placeholder`.
    pub(crate) fn texts(&self, placeholder: &str, alias: &str) -> String {
        if self.sqlite {
            format!("json_each({placeholder}) AS {alias}")
        } else {
            format!("json_array_elements_text(CAST({placeholder} AS json)) AS {alias}(value)")
        }
    }

    /// Field `index` of a row from [`Batch::rows`], as text (JSON `null` is SQL `NULL`).
    pub(crate) fn text(&self, alias: &str, index: usize) -> String {
        format!("{alias}.value ->> {index}")
    }

    /// Field `index` of a row from [`Batch::rows`], as an integer.
    pub(crate) fn int(&self, alias: &str, index: usize) -> String {
        format!("CAST({alias}.value ->> {index} AS BIGINT)")
    }
}

/// The JSON text of a batch of plain strings, numbers and tuples.
pub(crate) fn to_json<T: Serialize + ?Sized>(items: &T) -> Result<String> {
    serde_json::to_string(items).map_err(|e| StorageError::Corrupt(format!("batch as JSON: {e}")))
}

/// The JSON text of a batch of lead ids, for [`Batch::texts`] sources read as `BIGINT`.
pub(crate) fn lead_ids(ids: &[outdial_domain::LeadId]) -> Result<String> {
    to_json(&ids.iter().map(|l| l.0).collect::<Vec<i64>>())
}
