//! Why a file could not be imported at all. Row-level problems are not errors: they are
//! reported per row and the rest of the file is imported.

use outdial_domain::import::HeaderError;
use outdial_storage::StorageError;

/// A file that cannot be imported; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is something other than delimited text (a spreadsheet, a PDF, binary data).
    #[error("{0}")]
    NotCsv(String),
    /// The header row is missing or has no phone column.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The file is bigger than the configured limit.
    #[error("the file is larger than the {limit_mb} MB import limit; split it into smaller files")]
    TooLarge {
        /// The limit in megabytes.
        limit_mb: u64,
    },
    /// Text that is not valid in the encoding the file was read in.
    #[error(
        "line {line}: the text is not valid {encoding}; save the file as UTF-8 CSV and try again"
    )]
    Undecodable {
        /// The line with the bad bytes.
        line: u64,
        /// The encoding used.
        encoding: &'static str,
    },
    /// The CSV structure itself is broken (e.g. an unterminated quote running to the end).
    #[error("line {line}: {detail}")]
    Malformed {
        /// Where.
        line: u64,
        /// What the parser said.
        detail: String,
    },
    /// Reading the file failed.
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
    /// Storing failed; the transaction was rolled back.
    #[error(transparent)]
    Storage(#[from] StorageError),
}
