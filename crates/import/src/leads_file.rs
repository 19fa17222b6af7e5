//! A lead list into a campaign: parsed on a blocking thread, stored in batches by the async side,
//! all inside one transaction.

use crate::ImportError;
use crate::decode::{Sniffed, sniff};
use outdial_domain::import::{ColumnMap, RejectKind, RowRejection, parse_row};
use outdial_domain::lead::NewLead;
use outdial_domain::{Country, ImportId};
use outdial_storage::campaigns::Campaign;
use outdial_storage::imports::{self, ImportCounts, Rejection};
use outdial_storage::{Store, Tx, dnc, leads};
use serde::Serialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;

/// Rows handed from the parser to the writer at a time.
const BATCH_ROWS: usize = outdial_storage::leads::INSERT_BATCH;
/// A field this long means an unclosed quote swallowed the rest of the file.
const MAX_FIELD_CHARS: usize = 100_000;
/// Stored raw rows are cut to this many characters.
const MAX_RAW_CHARS: usize = 2_000;

/// How to run one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The file's name as the user knows it.
    pub filename: String,
    /// Who runs the import (user email, key name, `cli`).
    pub created_by: String,
    /// Refuse files larger than this.
    pub max_bytes: u64,
    /// How many rejected rows to return in the report itself; all are stored.
    pub inline_rejections: usize,
    /// The current time, epoch ms.
    pub now: i64,
    /// Bytes of the file read so far, for progress bars.
    pub progress: Option<Arc<AtomicU64>>,
}

/// The outcome of an import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The stored import, whose rejections can be fetched later.
    pub import_id: ImportId,
    /// What happened to the rows.
    #[serde(flatten)]
    pub counts: ImportCounts,
    /// The encoding the file was read in.
    pub encoding: String,
    /// The field separator found.
    pub delimiter: String,
    /// Rejected rows in line order (the first `inline_rejections`).
    pub rejected_rows: Vec<Rejection>,
    /// True when more rows were rejected than are listed here.
    pub rejected_rows_truncated: bool,
}

enum Row {
    Lead {
        line: u64,
        lead: NewLead,
        raw: String,
        phone_cell: String,
    },
    Rejected(Rejection),
}

/// Imports the CSV at `path` into `campaign`. On `Err`, nothing was stored.
#[tracing::instrument(skip_all, fields(tenant_id = %campaign.tenant_id, campaign_id = %campaign.id))]
pub async fn import_leads(
    store: &Store,
    campaign: &Campaign,
    path: PathBuf,
    opts: ImportOptions,
) -> Result<ImportReport, ImportError> {
    let size = std::fs::metadata(&path)?.len();
    if size > opts.max_bytes {
        return Err(ImportError::TooLarge {
            limit_mb: opts.max_bytes / 1_000_000,
        });
    }
    let mut file = File::open(&path)?;
    let sniffed = sniff(&mut file)?;
    file.seek(SeekFrom::Start(0))?;

    let (sender, mut receiver) = mpsc::channel::<Vec<Row>>(4);
    let country = campaign.settings.default_country;
    let progress = opts.progress.clone();
    let parser =
        tokio::task::spawn_blocking(move || parse(file, sniffed, country, sender, progress));

    let mut writer: Option<Writer> = None;
    while let Some(batch) = receiver.recv().await {
        if writer.is_none() {
            writer = Some(Writer::start(store, campaign, &opts, sniffed).await?);
        }
        if let Some(w) = writer.as_mut() {
            w.write(batch).await?;
        }
    }
    parser
        .await
        .map_err(|e| ImportError::Io(std::io::Error::other(e.to_string())))??;
    let writer = match writer {
        Some(w) => w,
        None => Writer::start(store, campaign, &opts, sniffed).await?,
    };
    writer.finish(&opts, sniffed).await
}

/// Runs on a blocking thread: reads, decodes, maps and validates rows, de-duplicates within
/// the file, and sends batches. Returns the first fatal problem.
fn parse(
    file: File,
    sniffed: Sniffed,
    country: Country,
    sender: mpsc::Sender<Vec<Row>>,
    progress: Option<Arc<AtomicU64>>,
) -> Result<(), ImportError> {
    let counted = Counting {
        inner: file,
        progress,
    };
    let text = crate::decode::decoded(counted, sniffed)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniffed.delimiter)
        .from_reader(text);
    let encoding = sniffed.encoding.name();
    let mut record = csv::ByteRecord::new();

    // The header.
    let map = loop {
        if !read_record(&mut reader, &mut record)? {
            return Err(outdial_domain::import::HeaderError::Empty.into());
        }
        let line = record.position().map(|p| p.line()).unwrap_or(1);
        let header = as_strs(&record, line, encoding)?;
        if header.iter().all(|h| h.trim().is_empty()) {
            continue;
        }
        if let Some(c) = header
            .iter()
            .find_map(|h| outdial_domain::text::control_character(h))
        {
            return Err(ImportError::Malformed {
                line,
                detail: format!(
                    "the header holds the control character U+{:04X}; is this a text file?",
                    c as u32
                ),
            });
        }
        break ColumnMap::from_headers(&header)?;
    };

    let mut seen: HashMap<u64, u64> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    while read_record(&mut reader, &mut record)? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let mut fields: Vec<&str> = Vec::with_capacity(map.width);
        for (i, f) in record.iter().enumerate() {
            let s =
                std::str::from_utf8(f).map_err(|_| ImportError::Undecodable { line, encoding })?;
            if s.len() > MAX_FIELD_CHARS {
                return Err(ImportError::Malformed {
                    line,
                    detail: format!(
                        "field {} is over {MAX_FIELD_CHARS} characters long; look for a quote that is never closed",
                        i + 1
                    ),
                });
            }
            fields.push(s);
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue; // A row with no values at all is a blank line.
        }
        // Kept as read, but never with a character the database refuses (NUL).
        let raw = outdial_domain::text::printable(&raw_text(&fields, sniffed.delimiter));
        let phone_cell =
            outdial_domain::text::printable(map.get(&fields, outdial_domain::import::Field::Phone));
        let reject = |r: RowRejection, raw: String, phone: String| {
            Row::Rejected(Rejection {
                line: line as i64,
                kind: r.kind.as_str().into(),
                reason: r.reason,
                phone,
                raw,
            })
        };
        let row = if fields.len() > map.width {
            reject(
                RowRejection {
                    kind: RejectKind::InvalidField,
                    reason: format!(
                        "the row has {} fields but the header has {}; quote values that contain the separator",
                        fields.len(),
                        map.width
                    ),
                },
                raw,
                phone_cell,
            )
        } else {
            match parse_row(&map, &fields, country) {
                Ok(lead) => match seen.get(&lead.phone.as_u64()) {
                    Some(first) => reject(
                        RowRejection {
                            kind: RejectKind::Duplicate,
                            reason: format!("{} already appears on line {first}", lead.phone),
                        },
                        raw,
                        phone_cell,
                    ),
                    None => {
                        seen.insert(lead.phone.as_u64(), line);
                        Row::Lead {
                            line,
                            lead,
                            raw,
                            phone_cell,
                        }
                    }
                },
                Err(r) => reject(r, raw, phone_cell),
            }
        };
        batch.push(row);
        if batch.len() == BATCH_ROWS
            && sender
                .blocking_send(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH_ROWS),
                ))
                .is_err()
        {
            return Ok(()); // The writer stopped; its error is the one reported.
        }
    }
    if !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
    Ok(())
}

fn read_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
) -> Result<bool, ImportError> {
    reader.read_byte_record(record).map_err(|e| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        match e.into_kind() {
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                ImportError::Undecodable {
                    line,
                    encoding: "text",
                }
            }
            csv::ErrorKind::Io(io) => ImportError::Io(io),
            other => ImportError::Malformed {
                line,
                detail: format!("{other:?}"),
            },
        }
    })
}

fn as_strs<'a>(
    record: &'a csv::ByteRecord,
    line: u64,
    encoding: &'static str,
) -> Result<Vec<&'a str>, ImportError> {
    record
        .iter()
        .map(|f| std::str::from_utf8(f).map_err(|_| ImportError::Undecodable { line, encoding }))
        .collect()
}

/// The row as the user would recognise it: fields re-joined with the file's separator, quoted
/// where needed. Built for every row, so it avoids a CSV writer per row.
fn raw_text(fields: &[&str], delimiter: u8) -> String {
    let sep = delimiter as char;
    let mut s = String::with_capacity(fields.iter().map(|f| f.len() + 1).sum());
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            s.push(sep);
        }
        if f.contains([sep, '"', '\n', '\r']) {
            s.push('"');
            s.push_str(&f.replace('"', "\"\""));
            s.push('"');
        } else {
            s.push_str(f);
        }
    }
    if s.len() > MAX_RAW_CHARS {
        s = s.chars().take(MAX_RAW_CHARS).collect::<String>() + "…";
    }
    s
}

/// Counts bytes read, for progress reporting.
struct Counting<R> {
    inner: R,
    progress: Option<Arc<AtomicU64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// The async side: owns the transaction and the running counts.
struct Writer<'a> {
    tx: Tx,
    campaign: &'a Campaign,
    import_id: ImportId,
    check_existing: bool,
    check_dnc: bool,
    counts: ImportCounts,
    inline: Vec<Rejection>,
    inline_limit: usize,
    truncated: bool,
    now: i64,
}

impl<'a> Writer<'a> {
    async fn start(
        store: &Store,
        campaign: &'a Campaign,
        opts: &ImportOptions,
        sniffed: Sniffed,
    ) -> Result<Writer<'a>, ImportError> {
        let mut tx = store.begin().await?;
        let import_id = imports::create(
            &mut tx,
            campaign.tenant_id,
            campaign.id,
            &opts.filename,
            sniffed.encoding.name(),
            &opts.created_by,
            opts.now,
        )
        .await?;
        let check_existing = leads::campaign_has_leads(&mut tx, campaign.id).await?;
        let check_dnc = dnc::any_listed(&mut tx, campaign.tenant_id).await?;
        Ok(Writer {
            tx,
            campaign,
            import_id,
            check_existing,
            check_dnc,
            counts: ImportCounts::default(),
            inline: Vec::new(),
            inline_limit: opts.inline_rejections,
            truncated: false,
            now: opts.now,
        })
    }

    async fn write(&mut self, batch: Vec<Row>) -> Result<(), ImportError> {
        self.counts.rows_read += batch.len() as i64;
        let mut rejections = Vec::new();
        let mut candidates = Vec::with_capacity(batch.len());
        for row in batch {
            match row {
                Row::Rejected(r) => rejections.push(r),
                Row::Lead {
                    line,
                    lead,
                    raw,
                    phone_cell,
                } => candidates.push((line, lead, raw, phone_cell)),
            }
        }
        let phones: Vec<&str> = candidates
            .iter()
            .map(|(_, l, _, _)| l.phone.as_str())
            .collect();
        let existing = if self.check_existing {
            leads::existing_phones(&mut self.tx, self.campaign.id, &phones).await?
        } else {
            Default::default()
        };
        let listed = if self.check_dnc {
            dnc::listed_among(&mut self.tx, self.campaign.tenant_id, &phones).await?
        } else {
            Default::default()
        };
        let mut keep = Vec::with_capacity(candidates.len());
        let mut kept_lines = Vec::with_capacity(candidates.len());
        for (line, mut lead, raw, phone_cell) in candidates {
            if existing.contains(lead.phone.as_str()) {
                rejections.push(duplicate(line, lead.phone.as_str(), raw, phone_cell));
                continue;
            }
            lead.do_not_call |= listed.contains(lead.phone.as_str());
            kept_lines.push((
                line,
                raw,
                phone_cell,
                lead.phone.to_string(),
                lead.do_not_call,
            ));
            keep.push(lead);
        }
        let skipped = leads::insert_many(
            &mut self.tx,
            self.campaign.tenant_id,
            self.campaign.id,
            Some(self.import_id),
            keep,
            true,
            self.now,
        )
        .await?;
        for (line, raw, phone_cell, phone, do_not_call) in kept_lines {
            if skipped.contains(&phone) {
                rejections.push(duplicate(line, &phone, raw, phone_cell));
            } else {
                self.counts.imported += 1;
                self.counts.do_not_call += i64::from(do_not_call);
            }
        }
        rejections.sort_by_key(|r| r.line);
        self.counts.rejected += rejections.len() as i64;
        self.counts.duplicates += rejections
            .iter()
            .filter(|r| r.kind == RejectKind::Duplicate.as_str())
            .count() as i64;
        imports::add_rejections(&mut self.tx, self.import_id, &rejections).await?;
        for r in rejections {
            if self.inline.len() < self.inline_limit {
                self.inline.push(r);
            } else {
                self.truncated = true;
            }
        }
        Ok(())
    }

    async fn finish(
        mut self,
        opts: &ImportOptions,
        sniffed: Sniffed,
    ) -> Result<ImportReport, ImportError> {
        imports::finish(&mut self.tx, self.import_id, self.counts, opts.now).await?;
        self.tx
            .commit()
            .await
            .map_err(outdial_storage::StorageError::from)?;
        tracing::info!(import_id = %self.import_id, read = self.counts.rows_read, imported = self.counts.imported, rejected = self.counts.rejected, "lead import finished");
        Ok(ImportReport {
            import_id: self.import_id,
            counts: self.counts,
            encoding: sniffed.encoding.name().to_string(),
            delimiter: match sniffed.delimiter {
                b'\t' => "tab".into(),
                d => (d as char).to_string(),
            },
            rejected_rows: self.inline,
            rejected_rows_truncated: self.truncated,
        })
    }
}

fn duplicate(line: u64, phone: &str, raw: String, phone_cell: String) -> Rejection {
    Rejection {
        line: line as i64,
        kind: RejectKind::Duplicate.as_str().into(),
        reason: format!("{phone} is already a lead in this campaign"),
        phone: phone_cell,
        raw,
    }
}
