//! API keys for automation: stored as a display prefix and a SHA-256 hash, shown in full once.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::{ApiKeyId, Role, TenantId};
use serde::Serialize;

/// A stored key, without anything that would let it be used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// What it is for.
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    /// What the key may do.
    pub role: Role,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last used, epoch ms.
    pub last_used_at: Option<i64>,
    /// Revoked, epoch ms; a revoked key no longer works.
    pub revoked_at: Option<i64>,
    /// When it stops working by itself, epoch ms; `null`: never.
    pub expires_at: Option<i64>,
    /// The user who created it; the key stops working while that user is disabled.
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, tenant_id, name, prefix, role, created_at, last_used_at, revoked_at, expires_at, created_by";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ApiKey> {
    let role: String = get(row, "role")?;
    Ok(ApiKey {
        id: ApiKeyId(get(row, "id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        name: get(row, "name")?,
        prefix: get(row, "prefix")?,
        role: Role::parse(&role).ok_or_else(|| StorageError::Corrupt(format!("role '{role}'")))?,
        created_at: get(row, "created_at")?,
        last_used_at: get(row, "last_used_at")?,
        revoked_at: get(row, "revoked_at")?,
        expires_at: get(row, "expires_at")?,
        created_by: get(row, "created_by")?,
    })
}

/// Stores a new key.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    name: &str,
    prefix: &str,
    key_hash: &str,
    role: Role,
    created_by: Option<i64>,
    expires_at: Option<i64>,
    now: i64,
) -> Result<ApiKey> {
    let sql = format!(
        "INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(name)
        .bind(prefix)
        .bind(key_hash)
        .bind(role.as_str())
        .bind(created_by)
        .bind(now)
        .bind(expires_at)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// The live key with this hash, marking it used: not revoked, not expired, and not created by
/// a user who is now disabled.
pub async fn authenticate(conn: &mut Conn, key_hash: &str, now: i64) -> Result<Option<ApiKey>> {
    let sql = format!(
        "UPDATE api_keys SET last_used_at = $1 WHERE key_hash = $2 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > $1) \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = api_keys.created_by AND u.disabled <> 0) \
         RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(key_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Lists the keys of `tenant`, revoked ones included.
pub async fn list(conn: &mut Conn, tenant: TenantId) -> Result<Vec<ApiKey>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Revokes a key of `tenant`; revoking twice is harmless.
pub async fn revoke(conn: &mut Conn, tenant: TenantId, id: ApiKeyId, now: i64) -> Result<ApiKey> {
    let sql = format!(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE tenant_id = $2 AND id = $3 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}
