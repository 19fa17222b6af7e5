//! How a lead list's header and rows become leads: which column is which, and why a row is
//! refused. The file handling (encodings, streaming, storage) lives in the import crate.

mod columns;
mod row;

pub use columns::{ColumnMap, Field, HeaderError, TEMPLATE_HEADER};
pub use row::{RejectKind, RowRejection, parse_row};
