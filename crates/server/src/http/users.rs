//! Users of the caller's tenant (admins and owners only).

use crate::auth::{Auth, passwords};
use crate::error::{AppError, StorageResultExt};
use crate::http::auth::{required, valid_email};
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use outdial_domain::{Permission, Role, UserId};
use outdial_storage::sessions;
use outdial_storage::users::{self, NewUser, User, UserChanges};
use serde::Deserialize;
use utoipa::ToSchema;

/// The user routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{id}", get(read).patch(update).delete(remove))
}

/// A new user.
#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role; at most the creator's own.
    pub role: Role,
    /// Initial password, at least 10 characters.
    pub password: String,
}

/// Changes to a user; absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// Display name.
    pub name: Option<String>,
    /// Role; at most the changer's own.
    pub role: Option<Role>,
    /// New password (ends the user's sessions).
    pub password: Option<String>,
    /// Disable (ends the user's sessions) or enable.
    pub disabled: Option<bool>,
}

/// Lists the tenant's users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), responses((status = 200, body = Vec<User>)))]
async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<User>>, AppError> {
    auth.require(Permission::ManageUsers)?;
    Ok(Json(
        users::list(&mut *state.store.conn().await?, auth.tenant).await?,
    ))
}

/// Creates a user in the caller's tenant.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = CreateUser,
    responses((status = 201, body = User), (status = 409, description = "Email in use"), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<User>), AppError> {
    auth.require(Permission::ManageUsers)?;
    if !auth.role.can_grant(body.role) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot create a {}",
            auth.role.as_str(),
            body.role.as_str()
        )));
    }
    let email = valid_email(&body.email)?;
    let name = required("name", &body.name, 200)?;
    passwords::check_strength(&body.password)?;
    let hash = passwords::hash(body.password).await?;
    let user = users::create(
        &mut *state.store.conn().await?,
        auth.tenant,
        NewUser {
            email: &email,
            name: &name,
            role: body.role,
            password_hash: &hash,
        },
        state.clock.now_ms(),
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, user_id = %user.id, by = %auth.actor(), "user created");
    Ok((StatusCode::CREATED, Json(user)))
}

/// Reads a user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<User>, AppError> {
    auth.require(Permission::ManageUsers)?;
    Ok(Json(
        users::get_by_id(&mut *state.store.conn().await?, auth.tenant, UserId(id))
            .await
            .or_404("user")?,
    ))
}

/// Changes a user. The last enabled owner cannot be demoted or disabled.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateUser,
    responses((status = 200, body = User), (status = 404), (status = 409, description = "Would leave no owner")))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<Json<User>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let mut tx = state.store.begin().await?;
    let target = users::get_by_id(&mut tx, auth.tenant, UserId(id))
        .await
        .or_404("user")?;
    if !auth.role.can_grant(target.role) || body.role.is_some_and(|r| !auth.role.can_grant(r)) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot change a {} or grant a higher role",
            auth.role.as_str(),
            target.role.as_str()
        )));
    }
    let loses_owner = target.role == Role::Owner
        && !target.disabled
        && (body.role.is_some_and(|r| r != Role::Owner) || body.disabled == Some(true));
    if loses_owner && users::count_active_owners(&mut tx, auth.tenant).await? <= 1 {
        return Err(AppError::Conflict(
            "this is the last owner; make another user owner first".into(),
        ));
    }
    let name = body
        .name
        .as_deref()
        .map(|n| required("name", n, 200))
        .transpose()?;
    let password_hash = match body.password {
        Some(p) => {
            passwords::check_strength(&p)?;
            Some(passwords::hash(p).await?)
        }
        None => None,
    };
    let ends_sessions = password_hash.is_some() || body.disabled == Some(true);
    let changes = UserChanges {
        name,
        role: body.role,
        password_hash,
        disabled: body.disabled,
    };
    let user = users::update(
        &mut tx,
        auth.tenant,
        target.id,
        changes,
        state.clock.now_ms(),
    )
    .await?;
    if ends_sessions {
        sessions::delete_for_user(&mut tx, auth.tenant, user.id).await?;
    }
    tx.commit().await?;
    Ok(Json(user))
}

/// Deletes a user. Nobody deletes themselves or the last owner.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204), (status = 404), (status = 409)))]
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageUsers)?;
    if auth.user().is_some_and(|u| u.id == UserId(id)) {
        return Err(AppError::Conflict(
            "you cannot delete yourself; ask another administrator".into(),
        ));
    }
    let mut tx = state.store.begin().await?;
    let target = users::get_by_id(&mut tx, auth.tenant, UserId(id))
        .await
        .or_404("user")?;
    if !auth.role.can_grant(target.role) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot delete a {}",
            auth.role.as_str(),
            target.role.as_str()
        )));
    }
    if target.role == Role::Owner
        && !target.disabled
        && users::count_active_owners(&mut tx, auth.tenant).await? <= 1
    {
        return Err(AppError::Conflict(
            "this is the last owner; make another user owner first".into(),
        ));
    }
    users::delete(&mut tx, auth.tenant, target.id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
