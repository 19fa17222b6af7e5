//! The caller's own tenant.

use crate::auth::Auth;
use crate::error::AppError;
use crate::http::auth::required;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use outdial_domain::Permission;
use outdial_storage::tenants::{self, Tenant};
use serde::Deserialize;
use utoipa::ToSchema;

/// The tenant routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/tenant", get(read).patch(update))
}

/// Changes to the tenant.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    /// New name.
    pub name: String,
}

/// Reads the caller's tenant.
#[utoipa::path(get, path = "/api/v1/tenant", tag = "tenant", security(("bearer" = [])), responses((status = 200, body = Tenant)))]
async fn read(State(state): State<AppState>, auth: Auth) -> Result<Json<Tenant>, AppError> {
    Ok(Json(
        tenants::get_by_id(&mut *state.store.conn().await?, auth.tenant).await?,
    ))
}

/// Renames the caller's tenant (admins).
#[utoipa::path(patch, path = "/api/v1/tenant", tag = "tenant", security(("bearer" = [])), request_body = UpdateTenant, responses((status = 200, body = Tenant)))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<UpdateTenant>,
) -> Result<Json<Tenant>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let name = required("name", &body.name, 200)?;
    Ok(Json(
        tenants::rename(&mut *state.store.conn().await?, auth.tenant, &name).await?,
    ))
}
