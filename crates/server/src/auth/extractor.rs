//! The `Auth` extractor: a valid bearer token (login session or API key), or the web UI's
//! session cookie, becomes the tenant and role the request acts as. Anything else is a 401.

use super::tokens::{self, API_KEY_PREFIX, SESSION_PREFIX};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use outdial_domain::{Permission, Role, TenantId};
use outdial_storage::api_keys::ApiKey;
use outdial_storage::users::User;
use outdial_storage::{api_keys, sessions};

/// Who is behind a request.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A person who logged in.
    User(User),
    /// An automation key.
    ApiKey(ApiKey),
}

/// An authenticated request: its tenant, role and principal.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The tenant every query of this request is scoped to.
    pub tenant: TenantId,
    /// What the request may do.
    pub role: Role,
    /// The user or key.
    pub principal: Principal,
    /// The token's hash (to end a session on logout).
    pub token_hash: String,
}

impl Auth {
    /// Refuses with 403 unless the role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "your role ({}) does not allow this",
                self.role.as_str()
            )))
        }
    }

    /// A name for records of who did something: the user's email or `api-key:<name>`.
    pub fn actor(&self) -> String {
        match &self.principal {
            Principal::User(u) => u.email.clone(),
            Principal::ApiKey(k) => format!("api-key:{}", k.name),
        }
    }

    /// The logged-in user, if this is not an API key.
    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::User(u) => Some(u),
            Principal::ApiKey(_) => None,
        }
    }
}

const HOW: &str =
    "send a token from POST /api/v1/auth/login (or an API key) as 'Authorization: Bearer <token>'";

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            // A browser session (the web UI): the cookie, from Outdial's own pages only.
            let token = super::cookie::session_token(&parts.headers)
                .ok_or_else(|| AppError::Unauthorized(format!("not logged in: {HOW}")))?;
            super::cookie::check_request(&parts.method, &parts.headers, &token)?;
            return Auth::from_token(state, &token).await;
        };
        let header = header.to_str().map_err(|_| {
            AppError::Unauthorized(format!("malformed Authorization header: {HOW}"))
        })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                AppError::Unauthorized(format!("unsupported Authorization scheme: {HOW}"))
            })?;
        Auth::from_token(state, token).await
    }
}

impl Auth {
    /// Authenticates a session token or API key given some other way than the Authorization
    /// header (a WebSocket's subprotocol, which browsers can set).
    pub async fn from_token(state: &AppState, token: &str) -> Result<Auth, AppError> {
        let kind = if token.starts_with(SESSION_PREFIX) {
            Kind::Session
        } else if token.starts_with(API_KEY_PREFIX) {
            Kind::ApiKey
        } else {
            return Err(invalid());
        };
        Auth::look_up(state, kind, tokens::hash(token)).await
    }

    /// The same credentials, as they stand now: a long-lived connection (the agent console,
    /// the event stream) asks again now and then, so that a sign-out, an expired session, a
    /// disabled user or a revoked key ends it, and a changed role applies. 401 when they no
    /// longer hold.
    pub async fn recheck(&self, state: &AppState) -> Result<Auth, AppError> {
        let kind = match self.principal {
            Principal::User(_) => Kind::Session,
            Principal::ApiKey(_) => Kind::ApiKey,
        };
        Auth::look_up(state, kind, self.token_hash.clone()).await
    }

    async fn look_up(state: &AppState, kind: Kind, token_hash: String) -> Result<Auth, AppError> {
        let now = state.clock.now_ms();
        let mut conn = state.store.conn().await?;
        match kind {
            Kind::Session => {
                let user = sessions::find_user(&mut conn, &token_hash, now)
                    .await?
                    .ok_or_else(invalid)?;
                Ok(Auth {
                    tenant: user.tenant_id,
                    role: user.role,
                    principal: Principal::User(user),
                    token_hash,
                })
            }
            Kind::ApiKey => {
                let key = api_keys::authenticate(&mut conn, &token_hash, now)
                    .await?
                    .ok_or_else(invalid)?;
                Ok(Auth {
                    tenant: key.tenant_id,
                    role: key.role,
                    principal: Principal::ApiKey(key),
                    token_hash,
                })
            }
        }
    }
}

/// What a token is, by its prefix.
enum Kind {
    Session,
    ApiKey,
}

fn invalid() -> AppError {
    AppError::Unauthorized(format!("the token is invalid, expired or revoked: {HOW}"))
}
