//! Tenants: the organisations that own everything else.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::TenantId;
use serde::Serialize;

/// A stored tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// Created, epoch ms.
    pub created_at: i64,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Tenant> {
    Ok(Tenant {
        id: TenantId(get(row, "id")?),
        name: get(row, "name")?,
        created_at: get(row, "created_at")?,
    })
}

/// Creates a tenant.
#[tracing::instrument(skip_all)]
pub async fn create(conn: &mut Conn, name: &str, now: i64) -> Result<Tenant> {
    let row = sqlx::query(
        "INSERT INTO tenants (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at",
    )
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Reads a tenant.
pub async fn get_by_id(conn: &mut Conn, id: TenantId) -> Result<Tenant> {
    let row = sqlx::query("SELECT id, name, created_at FROM tenants WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Renames a tenant.
pub async fn rename(conn: &mut Conn, id: TenantId, name: &str) -> Result<Tenant> {
    let row =
        sqlx::query("UPDATE tenants SET name = $1 WHERE id = $2 RETURNING id, name, created_at")
            .bind(name)
            .bind(id.0)
            .fetch_optional(conn)
            .await?
            .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// How many tenants exist (zero on a fresh install).
pub async fn count(conn: &mut Conn) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM tenants")
        .fetch_one(conn)
        .await?;
    get(&row, "n")
}
