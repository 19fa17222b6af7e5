//! A tenant's conversation providers: the language model's API (`llm`) and the Google service
//! account Dialogflow CX is reached with (`dialogflow`). The settings that may be shown are
//! JSON the server checks; the secret (an API key, a private key) is read only to make
//! requests and never returned.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::TenantId;

/// A stored provider. `Debug` hides the secret.
#[derive(Clone, PartialEq)]
pub struct Provider {
    /// `llm` or `dialogflow`.
    pub kind: String,
    /// What may be shown (base URL, model; project, client e-mail…).
    pub settings: serde_json::Value,
    /// The API key or private key.
    pub secret: String,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("kind", &self.kind)
            .field("settings", &self.settings)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Stores (or replaces) a tenant's provider of `kind`.
pub async fn put(
    conn: &mut Conn,
    tenant: TenantId,
    kind: &str,
    settings: &serde_json::Value,
    secret: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO conversation_providers (tenant_id, kind, settings, secret, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, kind) DO UPDATE SET settings = excluded.settings, secret = excluded.secret, updated_at = excluded.updated_at",
    )
    .bind(tenant.0)
    .bind(kind)
    .bind(settings.to_string())
    .bind(secret)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tenant's provider of `kind`, if set.
pub async fn get_one(conn: &mut Conn, tenant: TenantId, kind: &str) -> Result<Option<Provider>> {
    let row = sqlx::query(
        "SELECT kind, settings, secret, updated_at FROM conversation_providers WHERE tenant_id = $1 AND kind = $2",
    )
    .bind(tenant.0)
    .bind(kind)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let settings: String = get(&r, "settings")?;
        Ok(Provider {
            kind: get(&r, "kind")?,
            settings: serde_json::from_str(&settings)
                .map_err(|e| StorageError::Corrupt(format!("provider settings: {e}")))?,
            secret: get(&r, "secret")?,
            updated_at: get(&r, "updated_at")?,
        })
    })
    .transpose()
}

/// Removes the tenant's provider of `kind`; whether there was one.
pub async fn remove(conn: &mut Conn, tenant: TenantId, kind: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM conversation_providers WHERE tenant_id = $1 AND kind = $2")
        .bind(tenant.0)
        .bind(kind)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
