//! Call-back tasks: people who pressed 1 when nobody could take them, listed until somebody
//! calls them back and marks the task done.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::{CampaignId, Permission};
use outdial_storage::call_backs::{self, CallBack, Which};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The call-back routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/call-backs", get(list))
        .route("/api/v1/call-backs/{id}/done", post(done))
}

/// Which tasks to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallBackQuery {
    /// `open` (the default: oldest first, the longest waiting on top), `done` (newest first) or
    /// `all`.
    pub status: Option<String>,
    /// Only this campaign's.
    pub campaign_id: Option<i64>,
    /// At most this many, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// Lists the tenant's call-back tasks.
#[utoipa::path(get, path = "/api/v1/call-backs", tag = "calls", security(("bearer" = [])), params(CallBackQuery),
    responses((status = 200, body = Vec<CallBack>), (status = 422, description = "An unknown `status` or a `limit` out of range")))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CallBackQuery>,
) -> Result<Json<Vec<CallBack>>, AppError> {
    auth.require(Permission::Read)?;
    let which = match q.status.as_deref().unwrap_or("open") {
        "open" => Which::Open,
        "done" => Which::Done,
        "all" => Which::All,
        other => {
            return Err(AppError::invalid(
                "status",
                format!("'{other}' is not a call-back status: use open, done or all"),
            ));
        }
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::invalid("limit", "must be from 1 to 500"));
    }
    Ok(Json(
        call_backs::list(
            &mut *state.store.conn().await?,
            auth.tenant,
            q.campaign_id.map(CampaignId),
            which,
            limit,
        )
        .await?,
    ))
}

/// How a call-back went.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Done {
    /// What was said or agreed (up to 1,000 characters).
    pub note: Option<String>,
}

/// Marks a call-back task done. Any role may: whoever called the person back says so.
#[utoipa::path(post, path = "/api/v1/call-backs/{id}/done", tag = "calls", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = Done,
    responses((status = 200, body = CallBack), (status = 404), (status = 409, description = "Marked done already"), (status = 422)))]
async fn done(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<CallBack>, AppError> {
    auth.require(Permission::Read)?;
    // The body is optional: `POST …/done` alone marks it done.
    let body: Done = if body.iter().all(u8::is_ascii_whitespace) {
        Done::default()
    } else {
        let value = serde_json::from_slice(&body).map_err(|e| {
            AppError::BadRequest(format!(
                "the body is not valid JSON: {}",
                crate::http::fields::without_position(&e.to_string())
            ))
        })?;
        crate::http::fields::parse(value)?
    };
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(AppError::invalid(
            "note",
            "must be at most 1,000 characters",
        ));
    }
    let task = call_backs::done(
        &mut *state.store.conn().await?,
        auth.tenant,
        id,
        &auth.actor(),
        note,
        state.clock.now_ms(),
    )
    .await
    .or_404("call-back")?;
    tracing::info!(tenant_id = %auth.tenant, call_back_id = id, by = %auth.actor(), "call-back done");
    Ok(Json(task))
}
