//! The tenant's Twilio account: set, inspect (never the secrets), remove, and list the numbers
//! it owns (the caller IDs campaigns may use).

use crate::auth::Auth;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use outdial_domain::Permission;
use outdial_engine::telephony::AccountSource;
use outdial_storage::carrier_accounts::{self, CarrierAccount};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The Twilio settings routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/settings/twilio",
            get(read).put(update).delete(remove),
        )
        .route("/api/v1/settings/twilio/numbers", get(numbers))
}

/// A phone number of the Twilio account.
#[derive(Serialize, ToSchema)]
pub struct AccountNumber {
    /// The number, E.164.
    pub phone_number: String,
    /// Its name in the Twilio console.
    pub friendly_name: String,
    /// Whether it can place voice calls (only those make sense as caller IDs).
    pub voice: bool,
}

/// The account's numbers.
#[derive(Serialize, ToSchema)]
pub struct AccountNumbers {
    /// Whose account was asked.
    pub source: AccountSource,
    /// Every number, voice-capable ones first.
    pub items: Vec<AccountNumber>,
}

/// Lists the phone numbers of the Twilio account calls use: the caller IDs a campaign may call
/// from. Asked of Twilio each time, so a number bought a minute ago is there.
#[utoipa::path(get, path = "/api/v1/settings/twilio/numbers", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = AccountNumbers), (status = 409, description = "Twilio refused the credentials"), (status = 502)))]
async fn numbers(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<AccountNumbers>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let account = state
        .telephony
        .account_for(&state.store, auth.tenant)
        .await?;
    let listed = account
        .carrier
        .list_numbers(&account.creds)
        .await
        .map_err(|e| {
            tracing::warn!(tenant_id = %auth.tenant, error = %e, "the account's numbers could not be listed");
            AppError::from(e)
        })?;
    let mut items: Vec<AccountNumber> = listed
        .into_iter()
        .map(|n| AccountNumber {
            phone_number: n.phone_number,
            friendly_name: n.friendly_name,
            voice: n.voice,
        })
        .collect();
    items.sort_by(|a, b| {
        b.voice
            .cmp(&a.voice)
            .then(a.phone_number.cmp(&b.phone_number))
    });
    Ok(Json(AccountNumbers {
        source: account.source,
        items,
    }))
}

/// The Twilio account in use, without its secrets.
#[derive(Serialize, ToSchema)]
pub struct TwilioSettings {
    /// Whose account calls go through: the tenant's, the server's, or the simulator.
    pub source: AccountSource,
    /// The account SID in use.
    pub account_sid: String,
    /// Whether a webhook shared key (HMAC-SHA256 signatures) is set.
    pub webhook_key_set: bool,
    /// Where Twilio must reach this server's webhooks.
    pub webhook_base_url: String,
}

/// New Twilio credentials for the tenant.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTwilioSettings {
    /// Account SID: `AC` followed by 32 hexadecimal characters.
    pub account_sid: String,
    /// Auth Token: 32 hexadecimal characters.
    pub auth_token: String,
    /// Webhook shared key, only for accounts that sign webhooks with HMAC-SHA256.
    pub webhook_key: Option<String>,
}

async fn current(state: &AppState, auth: &Auth) -> Result<TwilioSettings, AppError> {
    let account = state
        .telephony
        .account_for(&state.store, auth.tenant)
        .await?;
    Ok(TwilioSettings {
        source: account.source,
        account_sid: account.creds.account_sid,
        webhook_key_set: account.webhook_key.is_some(),
        webhook_base_url: format!("{}/twilio", state.telephony.public_base_url()),
    })
}

/// Shows which Twilio account calls use. The token and key are never returned.
#[utoipa::path(get, path = "/api/v1/settings/twilio", tag = "settings", security(("bearer" = [])), responses((status = 200, body = TwilioSettings)))]
async fn read(State(state): State<AppState>, auth: Auth) -> Result<Json<TwilioSettings>, AppError> {
    auth.require(Permission::ManageUsers)?;
    Ok(Json(current(&state, &auth).await?))
}

fn hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Sets the tenant's own Twilio account; its calls use it from now on.
#[utoipa::path(put, path = "/api/v1/settings/twilio", tag = "settings", security(("bearer" = [])), request_body = NewTwilioSettings, responses((status = 200, body = TwilioSettings), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewTwilioSettings>,
) -> Result<Json<TwilioSettings>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let sid = body.account_sid.trim();
    if !(sid.starts_with("AC") && hex32(&sid[2.min(sid.len())..])) {
        return Err(AppError::invalid(
            "account_sid",
            "an account SID is AC followed by 32 hexadecimal characters; copy it from the Twilio console",
        ));
    }
    let token = body.auth_token.trim();
    if !hex32(token) {
        return Err(AppError::invalid(
            "auth_token",
            "an Auth Token is 32 hexadecimal characters; copy it from the Twilio console",
        ));
    }
    let key = body
        .webhook_key
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty());
    carrier_accounts::put(
        &mut *state.store.conn().await?,
        auth.tenant,
        &CarrierAccount {
            account_sid: sid.to_string(),
            auth_token: token.to_string(),
            webhook_key: key,
            updated_at: state.clock.now_ms(),
        },
    )
    .await?;
    state.telephony.forget(auth.tenant);
    tracing::info!(tenant_id = %auth.tenant, account_sid = %sid, by = %auth.actor(), "Twilio account set");
    Ok(Json(current(&state, &auth).await?))
}

/// Removes the tenant's own account: calls go back to the server's account or the simulator.
#[utoipa::path(delete, path = "/api/v1/settings/twilio", tag = "settings", security(("bearer" = [])), responses((status = 204), (status = 404)))]
async fn remove(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageUsers)?;
    let removed = carrier_accounts::delete(&mut *state.store.conn().await?, auth.tenant).await?;
    state.telephony.forget(auth.tenant);
    if removed {
        tracing::info!(tenant_id = %auth.tenant, by = %auth.actor(), "Twilio account removed");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("Twilio account"))
    }
}
