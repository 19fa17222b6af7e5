//! Login sessions: bearer tokens stored only as SHA-256 hashes, with an expiry.

use crate::users::{self, User};
use crate::{Conn, Result};
use outdial_domain::{TenantId, UserId};

/// Stores a new session for `user` under the hash of its token, and removes that user's
/// expired sessions so the table does not grow with every login, and the oldest beyond the
/// newest `keep` (a user has at most `keep` sessions). Returns how many it removed.
pub async fn create(
    conn: &mut Conn,
    user: &User,
    token_hash: &str,
    now: i64,
    expires_at: i64,
    keep: u32,
) -> Result<u64> {
    let purged = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(user.id.0)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(user.id.0)
        .bind(user.tenant_id.0)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    let beyond = sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash NOT IN \
         (SELECT token_hash FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, token_hash LIMIT $2)",
    )
    .bind(user.id.0)
    .bind(i64::from(keep.max(1)))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(purged + beyond)
}

/// The enabled user behind an unexpired session token hash.
pub async fn find_user(conn: &mut Conn, token_hash: &str, now: i64) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT u.id, u.tenant_id, u.email, u.name, u.role, u.disabled, u.created_at, u.updated_at, u.password_hash, u.locale \
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(users::from_row).transpose()
}

/// Ends one session.
pub async fn delete(conn: &mut Conn, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, disabling).
pub async fn delete_for_user(conn: &mut Conn, tenant: TenantId, user: UserId) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.0)
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
