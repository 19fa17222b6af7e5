//! Logging in and out, signing up (when open), and who am I.

use crate::auth::{Auth, Principal, passwords, tokens};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use outdial_domain::Role;
use outdial_storage::api_keys::ApiKey;
use outdial_storage::sessions;
use outdial_storage::tenants::{self, Tenant};
use outdial_storage::users::{self, NewUser, User, UserChanges};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

/// The auth routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/signup", post(signup))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", put(change_password))
        .route("/api/v1/me/locale", put(change_locale))
}

/// Email and password.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// When the token stops working, epoch ms.
    pub expires_at: i64,
    /// The user.
    pub user: User,
    /// The user's tenant.
    pub tenant: Tenant,
}

pub(crate) fn client_address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if state.config.server.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    peer.ip().to_string()
}

async fn new_session(
    state: &AppState,
    conn: &mut outdial_storage::Conn,
    user: User,
) -> Result<Session, AppError> {
    let now = state.clock.now_ms();
    let token = tokens::generate(tokens::SESSION_PREFIX);
    let expires_at = now + i64::from(state.config.auth.session_ttl_hours) * 3_600_000;
    sessions::create(
        conn,
        &user,
        &tokens::hash(&token),
        now,
        expires_at,
        state.config.auth.max_sessions_per_user,
    )
    .await?;
    let tenant = tenants::get_by_id(conn, user.tenant_id).await?;
    Ok(Session {
        token,
        token_type: "Bearer",
        expires_at,
        user,
        tenant,
    })
}

/// Logs in with email and password. Failed attempts are limited per email and client address.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Session), (status = 401, description = "Wrong email or password"), (status = 429, description = "Too many failed attempts")))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Json<Session>, AppError> {
    let address = client_address(&state, &headers, peer);
    Ok(Json(log_in(&state, &address, body).await?))
}

/// Checks an email and password (failed attempts limited per email and client address) and
/// opens a session: the API's login and the web UI's sign-in.
pub(crate) async fn log_in(
    state: &AppState,
    address: &str,
    body: LoginRequest,
) -> Result<Session, AppError> {
    let now = state.clock.now_ms();
    // Reserved before the password is checked: guesses sent at once are counted one by one.
    // No connection is held while the password is checked (that waits for a hashing slot).
    let (attempt, user) = {
        let mut conn = state.store.conn().await?;
        let attempt = state
            .limiter
            .reserve(&mut conn, &body.email, address, now)
            .await?;
        (attempt, users::find_by_email(&mut conn, &body.email).await?)
    };
    let ok = passwords::verify(
        body.password,
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let user = match user {
        Some(u) if ok => u,
        _ => {
            // The reserved attempt stays counted: it is the failure.
            metrics::counter!("outdial_logins_total", "result" => "failed").increment(1);
            tracing::info!(address = %address, "failed login");
            return Err(AppError::Unauthorized("wrong email or password".into()));
        }
    };
    let mut conn = state.store.conn().await?;
    state.limiter.succeeded(&mut conn, attempt, now).await?;
    if user.disabled {
        return Err(AppError::Unauthorized(
            "this account is disabled; ask an administrator of your organisation".into(),
        ));
    }
    metrics::counter!("outdial_logins_total", "result" => "ok").increment(1);
    new_session(state, &mut conn, user).await
}

/// Ends the current login session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])), responses((status = 204)))]
async fn logout(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    if matches!(auth.principal, Principal::ApiKey(_)) {
        return Err(AppError::BadRequest(
            "API keys do not log out; revoke the key with DELETE /api/v1/api-keys/{id}".into(),
        ));
    }
    sessions::delete(&mut *state.store.conn().await?, &auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new organisation and its owner.
#[derive(Deserialize, ToSchema)]
pub struct SignupRequest {
    /// The organisation's name.
    pub organisation: String,
    /// The owner's name.
    pub name: String,
    /// The owner's login email.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
}

/// Creates a tenant and its owner, and logs the owner in. Closed unless `auth.open_signup`.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses((status = 201, body = Session), (status = 403, description = "Sign-up is closed"), (status = 409, description = "Email in use")))]
async fn signup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<Session>), AppError> {
    if !state.config.auth.open_signup {
        return Err(AppError::Forbidden(
            "sign-up is closed; ask an administrator to create your account".into(),
        ));
    }
    let organisation = required("organisation", &body.organisation, 200)?;
    let name = required("name", &body.name, 200)?;
    let email = valid_email(&body.email)?;
    passwords::check_strength(&body.password)?;
    let hash = passwords::hash(body.password).await?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let tenant = tenants::create(&mut tx, &organisation, now).await?;
    let user = users::create(
        &mut tx,
        tenant.id,
        NewUser {
            email: &email,
            name: &name,
            role: Role::Owner,
            password_hash: &hash,
        },
        now,
    )
    .await?;
    let session = new_session(&state, &mut tx, user).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// Who the caller is.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The tenant.
    pub tenant: Tenant,
    /// The role in force.
    pub role: Role,
    /// The user, for login sessions.
    pub user: Option<User>,
    /// The key, for API keys.
    pub api_key: Option<ApiKey>,
}

/// Who the caller is: tenant, role, and user or API key.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = Me), (status = 401)))]
async fn me(State(state): State<AppState>, auth: Auth) -> Result<Json<Me>, AppError> {
    let tenant = tenants::get_by_id(&mut *state.store.conn().await?, auth.tenant).await?;
    let (user, api_key) = match auth.principal {
        Principal::User(u) => (Some(u), None),
        Principal::ApiKey(k) => (None, Some(k)),
    };
    Ok(Json(Me {
        tenant,
        role: auth.role,
        user,
        api_key,
    }))
}

/// A password change.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// The new one, at least 10 characters.
    pub new_password: String,
}

/// Changes the caller's password. Every session of the user ends; the answer is a new one.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 200, body = Session), (status = 401, description = "Current password wrong")))]
async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<Json<Session>, AppError> {
    let user = auth
        .user()
        .cloned()
        .ok_or_else(|| AppError::BadRequest("API keys have no password".into()))?;
    if !passwords::verify(body.current_password, Some(user.password_hash.clone())).await? {
        return Err(AppError::Unauthorized(
            "the current password is wrong".into(),
        ));
    }
    passwords::check_strength(&body.new_password)?;
    let hash = passwords::hash(body.new_password).await?;
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let user = users::update(
        &mut tx,
        user.tenant_id,
        user.id,
        UserChanges {
            password_hash: Some(hash),
            ..Default::default()
        },
        now,
    )
    .await?;
    sessions::delete_for_user(&mut tx, user.tenant_id, user.id).await?;
    let session = new_session(&state, &mut tx, user).await?;
    tx.commit().await?;
    Ok(Json(session))
}

/// The web application's language for the caller.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleChange {
    /// `en` or `de`; `null` to follow the browser's language.
    pub locale: Option<String>,
}

/// Sets the language the web application speaks to the caller (a user, not an API key).
#[utoipa::path(put, path = "/api/v1/me/locale", tag = "auth", security(("bearer" = [])), request_body = LocaleChange,
    responses((status = 200, body = User), (status = 400, description = "An API key has no language"), (status = 422, description = "Not a language Outdial speaks")))]
async fn change_locale(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<LocaleChange>,
) -> Result<Json<User>, AppError> {
    let user = auth.user().ok_or_else(|| {
        AppError::BadRequest("API keys have no language; sign in as a user".into())
    })?;
    let locale = match body.locale.as_deref() {
        None => None,
        Some(code) => Some(outdial_domain::Locale::parse(code).ok_or_else(|| {
            AppError::invalid(
                "locale",
                format!("'{code}' is not a language Outdial speaks: use en or de, or null for the browser's"),
            )
        })?),
    };
    let user = users::set_locale(
        &mut *state.store.conn().await?,
        user.tenant_id,
        user.id,
        locale,
        state.clock.now_ms(),
    )
    .await?;
    Ok(Json(user))
}

/// A trimmed, non-empty string of at most `max` characters.
pub(crate) fn required(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(v.to_string())
}

/// A plausible email address (the domain's rule), lower-cased for logins.
pub(crate) fn valid_email(value: &str) -> Result<String, AppError> {
    outdial_domain::contact::parse_email(value)
        .map(|e| e.to_lowercase())
        .map_err(|e| AppError::invalid("email", e))
}
