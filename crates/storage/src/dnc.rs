//! The tenant's do-not-call list. Adding a number also marks every matching lead of the tenant.

use crate::batch::{self, Batch};
use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::{PhoneNumber, TenantId};
use serde::Serialize;
use std::collections::HashSet;

/// One number on the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DncEntry {
    /// The number, E.164.
    pub phone: String,
    /// Where it came from: `api`, `import`, `ivr`, `lead_import`…
    pub source: String,
    /// Why, if known.
    pub reason: String,
    /// Who added it.
    pub created_by: String,
    /// Added, epoch ms.
    pub created_at: i64,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<DncEntry> {
    Ok(DncEntry {
        phone: get(row, "phone")?,
        source: get(row, "source")?,
        reason: get(row, "reason")?,
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
    })
}

/// Where and why a number is added.
pub struct Origin<'a> {
    /// `api`, `import`, `ivr`…
    pub source: &'a str,
    /// Why, if known.
    pub reason: &'a str,
    /// Who added it (user email or key name).
    pub created_by: &'a str,
}

/// Adds numbers (already listed ones are kept as they were) and marks matching leads.
/// Returns (numbers newly listed, leads newly marked).
#[tracing::instrument(skip_all, fields(tenant_id = %tenant, count = phones.len()))]
pub async fn add(
    conn: &mut Conn,
    tenant: TenantId,
    phones: &[PhoneNumber],
    origin: &Origin<'_>,
    now: i64,
) -> Result<(u64, u64)> {
    let batch = Batch::of(conn);
    let insert = format!(
        "INSERT INTO dnc_numbers (tenant_id, phone, source, reason, created_by, created_at) \
         SELECT $1, w.value, $2, $3, $4, $5 FROM {} WHERE TRUE ON CONFLICT (tenant_id, phone) DO NOTHING",
        batch.texts("$6", "w")
    );
    let mut listed = 0;
    for chunk in phones.chunks(batch::MAX_ITEMS) {
        let numbers: Vec<&str> = chunk.iter().map(PhoneNumber::as_str).collect();
        let numbers = batch::to_json(&numbers)?;
        listed += sqlx::query(sqlx::AssertSqlSafe(insert.as_str()))
            .bind(tenant.0)
            .bind(origin.source)
            .bind(origin.reason)
            .bind(origin.created_by)
            .bind(now)
            .bind(numbers.as_str())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    let marked = crate::leads::mark_numbers_do_not_call(conn, tenant, phones, now).await?;
    Ok((listed, marked))
}

/// Removes a number from the list. Leads stay marked: a person's request is not undone by
/// accident; clear a lead's flag by hand if that is really meant.
pub async fn remove(conn: &mut Conn, tenant: TenantId, phone: &PhoneNumber) -> Result<()> {
    let done = sqlx::query("DELETE FROM dnc_numbers WHERE tenant_id = $1 AND phone = $2")
        .bind(tenant.0)
        .bind(phone.as_str())
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

/// The entry for a number, if listed.
pub async fn find(
    conn: &mut Conn,
    tenant: TenantId,
    phone: &PhoneNumber,
) -> Result<Option<DncEntry>> {
    let row = sqlx::query("SELECT phone, source, reason, created_by, created_at FROM dnc_numbers WHERE tenant_id = $1 AND phone = $2")
        .bind(tenant.0)
        .bind(phone.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Which of `phones` (E.164) are listed.
pub async fn listed_among(
    conn: &mut Conn,
    tenant: TenantId,
    phones: &[&str],
) -> Result<HashSet<String>> {
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT phone FROM dnc_numbers WHERE tenant_id = $1 AND phone IN (SELECT w.value FROM {})",
        batch.texts("$2", "w")
    );
    let mut out = HashSet::new();
    for chunk in phones.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(tenant.0)
            .bind(batch::to_json(chunk)?)
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert(get(&row, "phone")?);
        }
    }
    Ok(out)
}

/// A page of the list, ordered by number; `search` keeps numbers containing those digits.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    search: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<DncEntry>> {
    let pattern = search.map(|s| {
        format!(
            "%{}%",
            s.chars().filter(|c| c.is_ascii_digit()).collect::<String>()
        )
    });
    let rows = sqlx::query(
        "SELECT phone, source, reason, created_by, created_at FROM dnc_numbers \
         WHERE tenant_id = $1 AND ($2 IS NULL OR phone LIKE $2) AND ($3 IS NULL OR phone > $3) ORDER BY phone LIMIT $4",
    )
    .bind(tenant.0)
    .bind(pattern)
    .bind(after.map(str::to_string))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Whether the tenant's list has any number (an index probe, not a count).
pub async fn any_listed(conn: &mut Conn, tenant: TenantId) -> Result<bool> {
    // Portable: SQLite answers EXISTS with an integer, PostgreSQL with a boolean.
    let row = sqlx::query("SELECT 1 AS one FROM dnc_numbers WHERE tenant_id = $1 LIMIT 1")
        .bind(tenant.0)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// How many numbers are listed.
pub async fn count(conn: &mut Conn, tenant: TenantId) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM dnc_numbers WHERE tenant_id = $1")
        .bind(tenant.0)
        .fetch_one(conn)
        .await?;
    get(&row, "n")
}
