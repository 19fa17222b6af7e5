//! Recordings a campaign plays (`audio_files`), uploaded or fetched once from an address, and
//! the expiring links the carrier fetches them by (`audio_links`).

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::TenantId;
use serde::Serialize;

/// A stored recording, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudioFile {
    /// Its id: what a campaign's script names (`{"upload": id}`).
    pub id: i64,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The file's name as uploaded (or the address's last part).
    pub name: String,
    /// `audio/mpeg` or `audio/wav`.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The HTTPS address it was fetched from, for one given by address.
    pub source_url: Option<String>,
    /// Stored, epoch ms.
    pub created_at: i64,
}

/// A recording to store.
pub struct NewAudio<'a> {
    /// The file's name.
    pub name: &'a str,
    /// `audio/mpeg` or `audio/wav`.
    pub content_type: &'a str,
    /// The bytes.
    pub data: &'a [u8],
    /// Where it was fetched from, if it was.
    pub source_url: Option<&'a str>,
}

const COLUMNS: &str = "id, tenant_id, name, content_type, size_bytes, source_url, created_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<AudioFile> {
    Ok(AudioFile {
        id: get(row, "id")?,
        tenant_id: TenantId(get(row, "tenant_id")?),
        name: get(row, "name")?,
        content_type: get(row, "content_type")?,
        size_bytes: get(row, "size_bytes")?,
        source_url: get(row, "source_url")?,
        created_at: get(row, "created_at")?,
    })
}

/// Stores a recording. One fetched from an address replaces the copy fetched before.
pub async fn store(
    conn: &mut Conn,
    tenant: TenantId,
    new: &NewAudio<'_>,
    now: i64,
) -> Result<AudioFile> {
    if let Some(url) = new.source_url {
        sqlx::query("DELETE FROM audio_files WHERE tenant_id = $1 AND source_url = $2")
            .bind(tenant.0)
            .bind(url)
            .execute(&mut *conn)
            .await?;
    }
    let sql = format!(
        "INSERT INTO audio_files (tenant_id, name, content_type, size_bytes, data, source_url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(new.name)
        .bind(new.content_type)
        .bind(new.data.len() as i64)
        .bind(new.data.to_vec())
        .bind(new.source_url)
        .bind(now)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// The tenant's recordings, newest first.
pub async fn list(conn: &mut Conn, tenant: TenantId) -> Result<Vec<AudioFile>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audio_files WHERE tenant_id = $1 AND source_url IS NULL ORDER BY id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// One of the tenant's recordings.
pub async fn get_by_id(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<AudioFile> {
    let sql = format!("SELECT {COLUMNS} FROM audio_files WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// One of the tenant's recordings with its bytes.
pub async fn with_data(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<(AudioFile, Vec<u8>)> {
    let sql = format!("SELECT {COLUMNS}, data FROM audio_files WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    Ok((from_row(&row)?, get(&row, "data")?))
}

/// The copy fetched from `url` for the tenant, if there is one.
pub async fn by_source(conn: &mut Conn, tenant: TenantId, url: &str) -> Result<Option<AudioFile>> {
    let sql = format!("SELECT {COLUMNS} FROM audio_files WHERE tenant_id = $1 AND source_url = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(url)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Deletes one of the tenant's recordings (campaigns naming it then speak their text).
pub async fn delete(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM audio_files WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

/// Records a link `token` to the tenant's recording `audio`, valid until `expires_at`, and
/// forgets links that have expired.
pub async fn link(
    conn: &mut Conn,
    tenant: TenantId,
    audio: i64,
    token: &str,
    expires_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM audio_links WHERE expires_at < $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO audio_links (token, tenant_id, audio_id, expires_at) \
         SELECT $1, tenant_id, id, $4 FROM audio_files WHERE tenant_id = $2 AND id = $3",
    )
    .bind(token)
    .bind(tenant.0)
    .bind(audio)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The recording a link names, with its bytes, while the link is valid.
pub async fn by_link(
    conn: &mut Conn,
    token: &str,
    now: i64,
) -> Result<Option<(AudioFile, Vec<u8>)>> {
    let sql = format!(
        "SELECT {}, f.data FROM audio_links l JOIN audio_files f ON f.id = l.audio_id \
         WHERE l.token = $1 AND l.expires_at >= $2",
        COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token)
        .bind(now)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => Ok(Some((from_row(&row)?, get(&row, "data")?))),
        None => Ok(None),
    }
}
