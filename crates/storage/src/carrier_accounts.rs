//! Each tenant's carrier account: the Twilio credentials its calls are placed with and its
//! webhooks are checked against. Read only by the server; the API never returns the secrets.

use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::TenantId;

/// A tenant's stored carrier account. `Debug` hides the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct CarrierAccount {
    /// Twilio account SID (`AC…`).
    pub account_sid: String,
    /// The Auth Token.
    pub auth_token: String,
    /// The webhook shared key, for accounts that sign with HMAC-SHA256.
    pub webhook_key: Option<String>,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

impl std::fmt::Debug for CarrierAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CarrierAccount")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field(
                "webhook_key",
                &self.webhook_key.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Stores (or replaces) a tenant's account.
pub async fn put(conn: &mut Conn, tenant: TenantId, account: &CarrierAccount) -> Result<()> {
    sqlx::query(
        "INSERT INTO carrier_accounts (tenant_id, account_sid, auth_token, webhook_key, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id) DO UPDATE SET account_sid = excluded.account_sid, auth_token = excluded.auth_token, \
         webhook_key = excluded.webhook_key, updated_at = excluded.updated_at",
    )
    .bind(tenant.0)
    .bind(&account.account_sid)
    .bind(&account.auth_token)
    .bind(account.webhook_key.clone())
    .bind(account.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A tenant's account, if it set one.
pub async fn get_for(conn: &mut Conn, tenant: TenantId) -> Result<Option<CarrierAccount>> {
    let row = sqlx::query(
        "SELECT account_sid, auth_token, webhook_key, updated_at FROM carrier_accounts WHERE tenant_id = $1",
    )
    .bind(tenant.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(CarrierAccount {
            account_sid: get(&r, "account_sid")?,
            auth_token: get(&r, "auth_token")?,
            webhook_key: get(&r, "webhook_key")?,
            updated_at: get(&r, "updated_at")?,
        })
    })
    .transpose()
}

/// Removes a tenant's account (calls then use the server's default or the simulator).
pub async fn delete(conn: &mut Conn, tenant: TenantId) -> Result<bool> {
    Ok(
        sqlx::query("DELETE FROM carrier_accounts WHERE tenant_id = $1")
            .bind(tenant.0)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}
