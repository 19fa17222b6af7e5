//! Import runs and the rows they rejected, kept so the report can be downloaded later.

use crate::batch::{self, Batch};
use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::{CampaignId, ImportId, TenantId};
use serde::Serialize;

/// A finished import's record and counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRecord {
    /// Its id.
    pub id: ImportId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The campaign the leads went into.
    pub campaign_id: CampaignId,
    /// The uploaded file's name.
    pub filename: String,
    /// The text encoding the file was read in.
    pub encoding: String,
    /// Counts.
    #[serde(flatten)]
    pub counts: ImportCounts,
    /// Who ran it.
    pub created_by: String,
    /// Started, epoch ms.
    pub created_at: i64,
    /// Finished, epoch ms.
    pub finished_at: Option<i64>,
}

/// What happened to the rows of a file. `rows_read = imported + rejected`; duplicates are part
/// of rejected, do-not-call leads part of imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    /// Data rows read (the header not counted).
    pub rows_read: i64,
    /// Leads created.
    pub imported: i64,
    /// Rows not imported, for any reason.
    pub rejected: i64,
    /// Rows rejected because the number was already in the campaign or earlier in the file.
    pub duplicates: i64,
    /// Imported leads marked do-not-call (by the row or the tenant's list).
    pub do_not_call: i64,
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// Line number in the file (the header is line 1).
    pub line: i64,
    /// `invalid_phone`, `duplicate` or `invalid_field`.
    pub kind: String,
    /// What is wrong and how to fix it.
    pub reason: String,
    /// The phone cell as written.
    pub phone: String,
    /// The whole row as read, fields joined by commas.
    pub raw: String,
}

const COLUMNS: &str = "id, tenant_id, campaign_id, filename, encoding, rows_read, imported, rejected, duplicates, do_not_call, created_by, created_at, finished_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ImportRecord> {
    Ok(ImportRecord {
        id: ImportId(get(row, "id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        campaign_id: CampaignId(get(row, "campaign_id")?),
        filename: get(row, "filename")?,
        encoding: get(row, "encoding")?,
        counts: ImportCounts {
            rows_read: get(row, "rows_read")?,
            imported: get(row, "imported")?,
            rejected: get(row, "rejected")?,
            duplicates: get(row, "duplicates")?,
            do_not_call: get(row, "do_not_call")?,
        },
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
        finished_at: get(row, "finished_at")?,
    })
}

/// Starts an import record.
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    filename: &str,
    encoding: &str,
    created_by: &str,
    now: i64,
) -> Result<ImportId> {
    let row = sqlx::query(
        "INSERT INTO imports (tenant_id, campaign_id, filename, encoding, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(tenant.0)
    .bind(campaign.0)
    .bind(filename)
    .bind(encoding)
    .bind(created_by)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(ImportId(get(&row, "id")?))
}

/// Records the final counts.
pub async fn finish(conn: &mut Conn, id: ImportId, counts: ImportCounts, now: i64) -> Result<()> {
    sqlx::query("UPDATE imports SET rows_read = $1, imported = $2, rejected = $3, duplicates = $4, do_not_call = $5, finished_at = $6 WHERE id = $7")
        .bind(counts.rows_read)
        .bind(counts.imported)
        .bind(counts.rejected)
        .bind(counts.duplicates)
        .bind(counts.do_not_call)
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores rejected rows.
pub async fn add_rejections(conn: &mut Conn, id: ImportId, rows: &[Rejection]) -> Result<()> {
    let batch = Batch::of(conn);
    let sql = format!(
        "INSERT INTO import_rejections (import_id, line, kind, reason, phone, raw) SELECT $1, {}, {}, {}, {}, {} FROM {}",
        batch.int("r", 0),
        batch.text("r", 1),
        batch.text("r", 2),
        batch.text("r", 3),
        batch.text("r", 4),
        batch.rows("$2", "r"),
    );
    for chunk in rows.chunks(batch::MAX_ITEMS) {
        let items: Vec<(i64, &str, &str, &str, &str)> = chunk
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.kind.as_str(),
                    r.reason.as_str(),
                    r.phone.as_str(),
                    r.raw.as_str(),
                )
            })
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id.0)
            .bind(batch::to_json(&items)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Reads an import of `tenant`.
pub async fn get_by_id(conn: &mut Conn, tenant: TenantId, id: ImportId) -> Result<ImportRecord> {
    let sql = format!("SELECT {COLUMNS} FROM imports WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Lists imports of `tenant`, newest first, optionally of one campaign.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
) -> Result<Vec<ImportRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM imports WHERE tenant_id = $1 AND ($2 IS NULL OR campaign_id = $2) ORDER BY id DESC LIMIT 200"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(campaign.map(|c| c.0))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A page of an import's rejected rows by line; the caller checked the import is the tenant's.
pub async fn rejections(
    conn: &mut Conn,
    id: ImportId,
    after_line: i64,
    limit: i64,
) -> Result<Vec<Rejection>> {
    let rows = sqlx::query("SELECT line, kind, reason, phone, raw FROM import_rejections WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3")
        .bind(id.0)
        .bind(after_line)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Rejection {
                line: get(r, "line")?,
                kind: get(r, "kind")?,
                reason: get(r, "reason")?,
                phone: get(r, "phone")?,
                raw: get(r, "raw")?,
            })
        })
        .collect()
}
