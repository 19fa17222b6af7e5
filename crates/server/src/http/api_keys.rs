//! API keys for automation: created and revoked by admins, shown in full only once.

use crate::auth::{Auth, tokens};
use crate::error::{AppError, StorageResultExt};
use crate::http::auth::required;
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use outdial_domain::{ApiKeyId, Permission, Role};
use outdial_storage::api_keys::{self, ApiKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The API key routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/api-keys", get(list).post(create))
        .route("/api/v1/api-keys/{id}", delete(revoke))
}

/// A new key.
#[derive(Deserialize, ToSchema)]
pub struct CreateKey {
    /// What it is for, e.g. `zapier`.
    pub name: String,
    /// What it may do (default manager); at most the creator's own role.
    pub role: Option<Role>,
    /// Days until it stops working by itself (1–3650); omitted, it works until revoked. A key
    /// also stops working while the user who created it is disabled.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// A created key. `key` is shown only in this answer; store it now.
#[derive(Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key to send as `Authorization: Bearer <key>`.
    pub key: String,
    /// The stored record.
    pub api_key: ApiKey,
}

/// Lists the tenant's keys (without their secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", security(("bearer" = [])), responses((status = 200, body = Vec<ApiKey>)))]
async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<ApiKey>>, AppError> {
    auth.require(Permission::ManageUsers)?;
    Ok(Json(
        api_keys::list(&mut *state.store.conn().await?, auth.tenant).await?,
    ))
}

/// Creates a key and returns it once.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", security(("bearer" = [])), request_body = CreateKey, responses((status = 201, body = CreatedKey)))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateKey>,
) -> Result<(StatusCode, Json<CreatedKey>), AppError> {
    auth.require(Permission::ManageUsers)?;
    let role = body.role.unwrap_or(Role::Manager);
    if !auth.role.can_grant(role) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot create a key with role {}",
            auth.role.as_str(),
            role.as_str()
        )));
    }
    let name = required("name", &body.name, 100)?;
    let now = state.clock.now_ms();
    let expires_at = match body.expires_in_days {
        None => None,
        Some(days @ 1..=3650) => Some(now + i64::from(days) * 86_400_000),
        Some(_) => {
            return Err(AppError::invalid(
                "expires_in_days",
                "must be between 1 and 3650 days, or left out for a key that works until revoked",
            ));
        }
    };
    let key = tokens::generate(tokens::API_KEY_PREFIX);
    let created_by = auth.user().map(|u| u.id.0);
    let record = api_keys::create(
        &mut *state.store.conn().await?,
        auth.tenant,
        &name,
        &key[..tokens::DISPLAY_PREFIX_LEN],
        &tokens::hash(&key),
        role,
        created_by,
        expires_at,
        now,
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, key_id = %record.id, by = %auth.actor(), "api key created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            key,
            api_key: record,
        }),
    ))
}

/// Revokes a key; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = ApiKey), (status = 404)))]
async fn revoke(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApiKey>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let key = api_keys::revoke(
        &mut *state.store.conn().await?,
        auth.tenant,
        ApiKeyId(id),
        state.clock.now_ms(),
    )
    .await
    .or_404("API key")?;
    tracing::info!(tenant_id = %auth.tenant, key_id = %key.id, by = %auth.actor(), "api key revoked");
    Ok(Json(key))
}
