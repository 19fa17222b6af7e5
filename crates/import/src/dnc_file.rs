//! A do-not-call file into the tenant's list: one number per line (`AAANNNNNNN`, `AAA,NNNNNNN`,
//! E.164 or a CSV whose first column is the number).

use crate::ImportError;
use outdial_domain::dnc::parse_dnc_line;
use outdial_domain::{Country, TenantId};
use outdial_storage::Store;
use outdial_storage::dnc::{self, Origin};
use serde::Serialize;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

/// What a do-not-call file import did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DncImportReport {
    /// Lines read, blank and header lines included.
    pub lines_read: u64,
    /// Numbers newly put on the list.
    pub added: u64,
    /// Numbers that were already listed.
    pub already_listed: u64,
    /// Leads newly marked do-not-call.
    pub leads_marked: u64,
    /// Lines whose number could not be read: (line, reason). All of them.
    pub rejected: Vec<RejectedLine>,
}

/// A line of a do-not-call file that holds no usable number.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RejectedLine {
    /// Line number, from 1.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// Adds every number in `file` to `tenant`'s list, all or nothing. The file is read like a lead
/// list (see [`crate::decode::sniff`]): binary files, PDFs, workbooks and UTF-32 are refused, and
/// UTF-16 or Windows-1252 text is decoded.
pub async fn import_dnc_file(
    store: &Store,
    tenant: TenantId,
    mut file: impl Read + Seek,
    country: Country,
    origin: &Origin<'_>,
    now: i64,
) -> Result<DncImportReport, ImportError> {
    let sniffed = crate::decode::sniff(&mut file)?;
    file.seek(SeekFrom::Start(0))?;
    let text = crate::decode::decoded(file, sniffed)?;
    let mut report = DncImportReport::default();
    let mut phones = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in BufReader::new(text).split(b'\n').enumerate() {
        let bytes = line?;
        report.lines_read += 1;
        let text = String::from_utf8_lossy(&bytes);
        if let Some(c) = outdial_domain::text::control_character(&text) {
            report.rejected.push(RejectedLine {
                line: i as u64 + 1,
                reason: format!(
                    "the line holds the control character U+{:04X}: '{}'",
                    c as u32,
                    outdial_domain::text::printable(text.trim())
                ),
            });
            continue;
        }
        match parse_dnc_line(&text, country) {
            Ok(Some(p)) => {
                if seen.insert(p.as_u64()) {
                    phones.push(p);
                }
            }
            // Only the first line may be a header; later lines without a number are reported.
            Ok(None) if i > 0 && !text.trim().is_empty() && !text.trim().starts_with('#') => {
                report.rejected.push(RejectedLine {
                    line: i as u64 + 1,
                    reason: format!("no phone number on this line: '{}'", text.trim()),
                })
            }
            Ok(None) => {}
            Err(e) => report.rejected.push(RejectedLine {
                line: i as u64 + 1,
                reason: e.to_string(),
            }),
        }
    }
    let mut tx = store.begin().await?;
    let (added, marked) = dnc::add(&mut tx, tenant, &phones, origin, now).await?;
    tx.commit()
        .await
        .map_err(outdial_storage::StorageError::from)?;
    report.added = added;
    report.already_listed = phones.len() as u64 - added;
    report.leads_marked = marked;
    Ok(report)
}
