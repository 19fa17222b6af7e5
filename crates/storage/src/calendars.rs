//! Calendars: a tenant's rooms, staff or services that take appointments, each with its rules
//! (stored as one JSON document the domain checks) and the hash of the secret in its feed
//! address.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::TenantId;
use outdial_domain::calendar::CalendarSettings;
use serde::Serialize;

/// A stored calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    /// Its id.
    pub id: i64,
    /// Its tenant.
    #[serde(skip)]
    pub tenant_id: TenantId,
    /// Its name (unique in the tenant).
    pub name: String,
    /// When it takes appointments.
    pub settings: CalendarSettings,
    /// Whether it has a feed address (the address itself is shown only when made).
    pub has_feed: bool,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

const COLUMNS: &str = "id, tenant_id, name, settings, feed_hash, created_at, updated_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Calendar> {
    let settings: String = get(row, "settings")?;
    Ok(Calendar {
        id: get(row, "id")?,
        tenant_id: TenantId(get(row, "tenant_id")?),
        name: get(row, "name")?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StorageError::Corrupt(format!("calendar settings: {e}")))?,
        has_feed: get::<Option<String>>(row, "feed_hash")?.is_some(),
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

fn json(settings: &CalendarSettings) -> String {
    serde_json::to_string(settings).expect("settings serialise")
}

/// Creates a calendar; `Conflict` when the tenant has one of that name.
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    name: &str,
    settings: &CalendarSettings,
    feed_hash: &str,
    now: i64,
) -> Result<Calendar> {
    let sql = format!(
        "INSERT INTO calendars (tenant_id, name, settings, feed_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(name)
        .bind(json(settings))
        .bind(feed_hash)
        .bind(now)
        .fetch_one(conn)
        .await
        .map_err(|e| StorageError::on_unique(e, "a calendar of that name exists"))?;
    from_row(&row)
}

/// The tenant's calendars, by name.
pub async fn list(conn: &mut Conn, tenant: TenantId) -> Result<Vec<Calendar>> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE tenant_id = $1 ORDER BY name, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// One calendar of the tenant.
pub async fn get_one(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Calendar> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// The calendar whose feed secret hashes to `feed_hash`.
pub async fn by_feed(conn: &mut Conn, feed_hash: &str) -> Result<Calendar> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE feed_hash = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(feed_hash)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Renames it and replaces its rules. Appointments already booked keep their times.
pub async fn update(
    conn: &mut Conn,
    tenant: TenantId,
    id: i64,
    name: &str,
    settings: &CalendarSettings,
    now: i64,
) -> Result<Calendar> {
    let sql = format!(
        "UPDATE calendars SET name = $3, settings = $4, updated_at = $5 \
         WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .bind(name)
        .bind(json(settings))
        .bind(now)
        .fetch_optional(conn)
        .await
        .map_err(|e| StorageError::on_unique(e, "a calendar of that name exists"))?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Gives it a new feed secret (the old address stops working).
pub async fn set_feed(
    conn: &mut Conn,
    tenant: TenantId,
    id: i64,
    feed_hash: &str,
    now: i64,
) -> Result<Calendar> {
    let sql = format!(
        "UPDATE calendars SET feed_hash = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .bind(feed_hash)
        .bind(now)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Deletes it with its appointments; `Conflict` while it has open appointments still to come
/// (cancel or move them first).
pub async fn delete(conn: &mut Conn, tenant: TenantId, id: i64, now: i64) -> Result<()> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM appointments WHERE tenant_id = $1 AND calendar_id = $2 \
         AND status IN ('booked', 'confirmed') AND ends_at > $3",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let open: i64 = get(&row, "n")?;
    if open > 0 {
        return Err(StorageError::Conflict(format!(
            "the calendar has {open} appointment(s) still to come: cancel or move them first"
        )));
    }
    let done = sqlx::query("DELETE FROM calendars WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}
