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

/// A parameter of a query built at run time (filters, batch inserts).
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    /// An integer.
    Int(i64),
    /// A string.
    Text(String),
    /// SQL NULL for a text column.
    NullText,
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
            Arg::NullText => query.bind(None::<String>),
        };
    }
    query
}

/// Collects parameters and hands out their placeholders: `$n`, which may be used several times,
/// or, for [`Params::batch`], anonymous `?` on SQLite.
#[derive(Default)]
pub(crate) struct Params {
    pub(crate) args: Vec<Arg>,
    anonymous: bool,
}

impl Params {
    /// For statements with thousands of parameters (multi-row inserts, long `IN` lists), where
    /// each placeholder appears once, in push order. SQLite resolves every `$n` by scanning all
    /// parameter names, which makes binding quadratic (it took 80 % of a 1,000-row insert);
    /// anonymous `?` are bound by position. PostgreSQL keeps `$n`.
    pub(crate) fn batch(conn: &crate::Conn) -> Params {
        Self::with_style(conn.backend_name() == "SQLite")
    }

    /// [`Params::batch`] for a known dialect: `anonymous` on SQLite.
    pub(crate) fn with_style(anonymous: bool) -> Params {
        Params {
            args: Vec::new(),
            anonymous,
        }
    }

    /// `column IN (…)` over `values`, written for the dialect: SQLite plans `IN` lists well;
    /// PostgreSQL switches a reused statement to a generic plan that checks an `IN` list row by
    /// row, so there the list becomes a `VALUES` join probed through the index. Returns the
    /// join clause (empty on SQLite) and the condition.
    pub(crate) fn in_list(
        &mut self,
        alias: &str,
        column: &str,
        values: &[&str],
    ) -> (String, String) {
        let list: Vec<String> = values
            .iter()
            .map(|v| self.push(Arg::Text((*v).to_string())))
            .collect();
        if self.anonymous {
            (
                String::new(),
                format!("{alias}.{column} IN ({})", list.join(", ")),
            )
        } else {
            let rows: Vec<String> = list.iter().map(|p| format!("({p})")).collect();
            (
                format!(
                    "JOIN (VALUES {}) AS wanted ON wanted.column1 = {alias}.{column}",
                    rows.join(", ")
                ),
                "TRUE".to_string(),
            )
        }
    }

    /// Adds a parameter and returns its placeholder.
    pub(crate) fn push(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        if self.anonymous {
            "?".to_string()
        } else {
            format!("${}", self.args.len())
        }
    }
}

/// Largest chunk of a batch statement; chunks are powers of two up to this.
pub(crate) const MAX_CHUNK: usize = 512;

/// Splits `len` items into chunk lengths that are powers of two (512, 256, …, 1), so a batch
/// statement has at most ten distinct texts and stays in the prepared-statement cache. Lengths
/// that vary with every batch would make the database parse a new statement every time.
pub(crate) fn chunk_lengths(mut len: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut size = MAX_CHUNK;
    while len > 0 {
        while size > len {
            size /= 2;
        }
        out.push(size);
        len -= size;
    }
    out
}

/// Splits a slice by [`chunk_lengths`].
pub(crate) fn stable_chunks<T>(items: &[T]) -> Vec<&[T]> {
    let mut rest = items;
    chunk_lengths(items.len())
        .into_iter()
        .map(|n| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_powers_of_two_and_cover_everything() {
        assert_eq!(chunk_lengths(0), Vec::<usize>::new());
        assert_eq!(chunk_lengths(1000), vec![512, 256, 128, 64, 32, 8]);
        assert_eq!(chunk_lengths(1300), vec![512, 512, 256, 16, 4]);
        for n in 0..2000 {
            let c = chunk_lengths(n);
            assert_eq!(c.iter().sum::<usize>(), n);
            assert!(c.iter().all(|k| k.is_power_of_two() && *k <= MAX_CHUNK));
        }
        let items: Vec<u32> = (0..700).collect();
        let chunks = stable_chunks(&items);
        assert_eq!(
            chunks.iter().map(|c| c.len()).collect::<Vec<_>>(),
            vec![512, 128, 32, 16, 8, 4]
        );
        assert_eq!(chunks.concat(), items);
    }
}
