//! Users: people who log in, each in one tenant with one role.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::{Locale, Role, TenantId, UserId};
use serde::Serialize;

/// A stored user. The password hash is kept out of `Serialize` so it never reaches a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Login name, lower case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// A disabled user cannot log in and its sessions stop working.
    pub disabled: bool,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
    /// The argon2 PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// The web application's language the user chose; `None`: the browser's.
    pub locale: Option<Locale>,
}

/// Fields of a new user.
pub struct NewUser<'a> {
    /// Login name (stored lower case).
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Role.
    pub role: Role,
    /// An argon2 PHC string, never a password.
    pub password_hash: &'a str,
}

/// Changes to a user; `None` leaves a field alone.
#[derive(Default)]
pub struct UserChanges {
    /// New display name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New password hash.
    pub password_hash: Option<String>,
    /// Disable or enable.
    pub disabled: Option<bool>,
}

const COLUMNS: &str =
    "id, tenant_id, email, name, role, disabled, created_at, updated_at, password_hash, locale";

pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<User> {
    let role: String = get(row, "role")?;
    Ok(User {
        id: UserId(get(row, "id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        email: get(row, "email")?,
        name: get(row, "name")?,
        role: Role::parse(&role).ok_or_else(|| StorageError::Corrupt(format!("role '{role}'")))?,
        disabled: get::<i64>(row, "disabled")? != 0,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        password_hash: get(row, "password_hash")?,
        locale: get::<Option<String>>(row, "locale")?
            .as_deref()
            .and_then(Locale::parse),
    })
}

/// Creates a user; `Conflict` when the email is taken (in any tenant: emails are logins).
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
pub async fn create(conn: &mut Conn, tenant: TenantId, new: NewUser<'_>, now: i64) -> Result<User> {
    let sql = format!(
        "INSERT INTO users (tenant_id, email, name, role, password_hash, disabled, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $6) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(new.email.trim().to_lowercase())
        .bind(new.name.trim())
        .bind(new.role.as_str())
        .bind(new.password_hash)
        .bind(now)
        .fetch_one(conn)
        .await
        .map_err(|e| StorageError::on_unique(e, "a user with this email already exists"))?;
    from_row(&row)
}

/// Finds a user by login email, in any tenant (for logging in).
pub async fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(email.trim().to_lowercase())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Reads a user of `tenant`.
pub async fn get_by_id(conn: &mut Conn, tenant: TenantId, id: UserId) -> Result<User> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Lists the users of `tenant`.
pub async fn list(conn: &mut Conn, tenant: TenantId) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Applies changes to a user of `tenant`.
#[tracing::instrument(skip_all, fields(tenant_id = %tenant, user_id = %id))]
pub async fn update(
    conn: &mut Conn,
    tenant: TenantId,
    id: UserId,
    changes: UserChanges,
    now: i64,
) -> Result<User> {
    let sql = format!(
        "UPDATE users SET name = COALESCE($1, name), role = COALESCE($2, role), \
         password_hash = COALESCE($3, password_hash), disabled = COALESCE($4, disabled), updated_at = $5 \
         WHERE tenant_id = $6 AND id = $7 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(changes.name)
        .bind(changes.role.map(|r| r.as_str().to_string()))
        .bind(changes.password_hash)
        .bind(changes.disabled.map(i64::from))
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Deletes a user of `tenant` (their sessions go with them).
pub async fn delete(conn: &mut Conn, tenant: TenantId, id: UserId) -> Result<()> {
    let done = sqlx::query("DELETE FROM users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id.0)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

/// How many enabled owners `tenant` has (the last one may not be removed or demoted).
pub async fn count_active_owners(conn: &mut Conn, tenant: TenantId) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1 AND role = 'owner' AND disabled = 0",
    )
    .bind(tenant.0)
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}

/// Sets (or, with `None`, clears) the language a user chose for the web application.
pub async fn set_locale(
    conn: &mut Conn,
    tenant: TenantId,
    id: UserId,
    locale: Option<Locale>,
    now: i64,
) -> Result<User> {
    let sql = format!(
        "UPDATE users SET locale = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(locale.map(Locale::as_str))
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}
