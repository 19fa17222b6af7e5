//! Importing files: lead lists (CSV in UTF-8, UTF-16 or Windows-1252, comma, semicolon or tab
//! separated) into a campaign, and do-not-call lists into a tenant. A lead import is one
//! transaction: it either stores every good row with a report of every bad one, or, when the
//! file itself is unusable, stores nothing and says why.

mod decode;
mod dnc_file;
mod error;
mod leads_file;

pub use decode::{Sniffed, sniff};
pub use dnc_file::{DncImportReport, import_dnc_file};
pub use error::ImportError;
pub use leads_file::{ImportOptions, ImportReport, import_leads};
