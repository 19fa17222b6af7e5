//! Signing in and out of the web UI: the session token goes into an `HttpOnly` cookie and the
//! page gets, instead, who is signed in and the CSRF token its changes must carry.

use crate::auth::{Auth, Principal, cookie};
use crate::error::AppError;
use crate::http::auth::{LoginRequest, client_address, log_in};
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use outdial_domain::Role;
use outdial_storage::agents::{self, Agent};
use outdial_storage::sessions;
use outdial_storage::tenants::{self, Tenant};
use outdial_storage::users::User;
use serde::Serialize;
use std::net::SocketAddr;

/// Who is signed in, as the page needs it.
#[derive(Serialize)]
pub struct UiSession {
    /// Send as the `X-CSRF-Token` header with every change.
    pub csrf: String,
    /// The user.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// Their organisation.
    pub tenant: Tenant,
    /// Their agent record, when they take calls.
    pub agent: Option<Agent>,
    /// Outdial's clock (epoch ms): what "today" is on the calendar pages, which may differ
    /// from the browser's (a test's clock, a machine whose clock drifts).
    pub now: i64,
}

fn secure(state: &AppState) -> bool {
    state
        .config
        .server
        .public_base_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

async fn describe(state: &AppState, user: User, token_hash: &str) -> Result<UiSession, AppError> {
    let mut conn = state.store.conn().await?;
    let tenant = tenants::get_by_id(&mut conn, user.tenant_id).await?;
    let agent = agents::get_one(&mut conn, user.tenant_id, user.id)
        .await
        .ok();
    Ok(UiSession {
        csrf: cookie::csrf_token(token_hash),
        role: user.role,
        user,
        tenant,
        agent,
        now: state.clock.now_ms(),
    })
}

/// Signs in with email and password (limited like the API's login) and sets the cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    let address = client_address(&state, &headers, peer);
    let session = log_in(&state, &address, body).await?;
    let hash = crate::auth::tokens::hash(&session.token);
    let max_age = (session.expires_at - state.clock.now_ms()) / 1000;
    let set = cookie::set_session(&session.token, max_age, secure(&state));
    let page = describe(&state, session.user, &hash).await?;
    Ok(([(SET_COOKIE, set)], Json(page)).into_response())
}

/// Who is signed in (401 when nobody is).
pub async fn read(State(state): State<AppState>, auth: Auth) -> Result<Json<UiSession>, AppError> {
    let Principal::User(user) = auth.principal else {
        return Err(AppError::BadRequest(
            "the web UI signs in people, not API keys".into(),
        ));
    };
    Ok(Json(describe(&state, user, &auth.token_hash).await?))
}

/// Signs out: ends the session and removes the cookie.
pub async fn sign_out(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    if matches!(auth.principal, Principal::User(_)) {
        sessions::delete(&mut *state.store.conn().await?, &auth.token_hash).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, cookie::clear_session(secure(&state)))],
    )
        .into_response())
}
