//! `POST /api/v1/understand`: what Outdial understands of a sentence — the intent, and the day
//! and time it names — as conversations will use it, and as the web app's "Try it" box shows it.

use crate::auth::Auth;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use outdial_domain::Permission;
use outdial_understand::{Understanding, understand_request};
use serde::Deserialize;
use utoipa::ToSchema;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/understand", post(understand))
}

/// A sentence to understand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnderstandRequest {
    /// What the person said (up to 1,000 characters).
    pub text: String,
    /// Its language: `de` or `en` (`de-DE`, `en-US`… work too). Default `en`.
    pub lang: Option<String>,
    /// The person's time zone, an IANA name (`Europe/Berlin`, `Etc/GMT+2`). Default `UTC`.
    pub tz: Option<String>,
    /// When it was said, RFC 3339 with any offset. Default: now.
    pub now: Option<String>,
}

/// Understands one sentence: the intent with a confidence, and the day and time it names,
/// resolved in the person's time zone.
#[utoipa::path(post, path = "/api/v1/understand", tag = "understanding", security(("bearer" = [])), request_body = UnderstandRequest,
    responses((status = 200, body = Understanding), (status = 422, description = "An unknown language or time zone, a moment that is not RFC 3339, or a text over 1,000 characters")))]
async fn understand(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<UnderstandRequest>,
) -> Result<Json<Understanding>, AppError> {
    auth.require(Permission::Read)?;
    let current = jiff::Timestamp::from_millisecond(state.clock.now_ms())
        .map_err(|e| AppError::Internal(e.into()))?;
    understand_request(
        &body.text,
        body.lang.as_deref().unwrap_or("en"),
        body.tz.as_deref().unwrap_or("UTC"),
        body.now.as_deref(),
        current,
    )
    .map(Json)
    .map_err(|e| AppError::invalid(e.field, e.message))
}
