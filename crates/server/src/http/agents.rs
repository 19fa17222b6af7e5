//! Agents: registering users to take calls, their status (log in, pause, log out, wrap-up),
//! and the groups that assign them to campaigns.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::responses::AgentResponse;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use outdial_domain::agent::{AgentActor, AgentStatus};
use outdial_domain::{CampaignId, Country, Permission, PhoneNumber, UserId};
use outdial_storage::agents::{self, AgentGroup};
use outdial_storage::campaigns;
use serde::Deserialize;
use utoipa::ToSchema;

/// The agent routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/agents", get(list))
        .route("/api/v1/agents/me", get(me))
        .route("/api/v1/agents/{user_id}", put(register))
        .route("/api/v1/agents/{user_id}/status", put(change_status))
        .route("/api/v1/agents/me/status", put(change_my_status))
        .route("/api/v1/agents/me/wrap-up", post(extend_wrap_up))
        .route("/api/v1/agent-groups", get(list_groups).post(create_group))
        .route("/api/v1/agent-groups/{id}/members", put(set_members))
        .route(
            "/api/v1/campaigns/{id}/agent-groups",
            put(set_campaign_groups),
        )
}

/// The logged-in user's id; API keys are not people and take no calls.
pub(crate) fn me_id(auth: &Auth) -> Result<UserId, AppError> {
    auth.user().map(|u| u.id).ok_or_else(|| {
        AppError::Forbidden(
            "an API key is not an agent; use /api/v1/agents/{user_id} to act for one".into(),
        )
    })
}

/// People change their own status; changing someone else's takes a manager.
fn may_act_for(auth: &Auth, user: UserId) -> Result<(), AppError> {
    if auth.user().is_some_and(|u| u.id == user) {
        Ok(())
    } else {
        auth.require(Permission::ManageCampaigns)
    }
}

/// Lists the tenant's agents with their status.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents", security(("bearer" = [])), responses((status = 200, body = Vec<AgentResponse>)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<AgentResponse>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        agents::list(&mut *state.store.conn().await?, auth.tenant)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The logged-in agent.
#[utoipa::path(get, path = "/api/v1/agents/me", tag = "agents", security(("bearer" = [])), responses((status = 200, body = AgentResponse), (status = 404, description = "Not registered as an agent")))]
async fn me(State(state): State<AppState>, auth: Auth) -> Result<Json<AgentResponse>, AppError> {
    let user = me_id(&auth)?;
    Ok(Json(
        agents::get_one(&mut *state.store.conn().await?, auth.tenant, user)
            .await
            .or_404("agent")?
            .into(),
    ))
}

/// An agent's calling number.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// The number Outdial calls the agent on.
    pub phone: String,
    /// Country assumed when the number has no country code (default US).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub country: Option<Country>,
}

/// Registers a user of the tenant as an agent (or changes their number). New agents start
/// offline. A user may register themself; registering others takes a manager.
#[utoipa::path(put, path = "/api/v1/agents/{user_id}", tag = "agents", security(("bearer" = [])), params(("user_id" = i64, Path)), request_body = Registration,
    responses((status = 200, body = AgentResponse), (status = 404), (status = 422, description = "Not a phone number")))]
async fn register(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(user_id): ApiPath<i64>,
    ApiJson(body): ApiJson<Registration>,
) -> Result<Json<AgentResponse>, AppError> {
    let user = UserId(user_id);
    may_act_for(&auth, user)?;
    let phone = PhoneNumber::parse(&body.phone, body.country.unwrap_or(Country::US))
        .map_err(|e| AppError::invalid("phone", e.to_string()))?;
    let agent = agents::register(
        &mut *state.store.conn().await?,
        auth.tenant,
        user,
        phone.as_str(),
        state.clock.now_ms(),
    )
    .await
    .or_404("user")?;
    tracing::info!(tenant_id = %auth.tenant, user_id = user.0, by = %auth.actor(), "agent registered");
    Ok(Json(agent.into()))
}

/// A requested agent status.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AgentStatusChange)]
pub struct StatusChange {
    /// `available` (log in, or end wrap-up early), `paused` or `offline` (log out).
    pub status: AgentStatus,
}

/// Changes the logged-in agent's status.
#[utoipa::path(put, path = "/api/v1/agents/me/status", tag = "agents", security(("bearer" = [])), request_body = StatusChange,
    responses((status = 200, body = AgentResponse), (status = 404), (status = 409, description = "Not allowed now (on a call)")))]
async fn change_my_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<AgentResponse>, AppError> {
    let user = me_id(&auth)?;
    set_status(&state, &auth, user, body.status).await
}

/// Changes an agent's status (their own, or anyone's for a manager).
#[utoipa::path(put, path = "/api/v1/agents/{user_id}/status", tag = "agents", security(("bearer" = [])), params(("user_id" = i64, Path)), request_body = StatusChange,
    responses((status = 200, body = AgentResponse), (status = 404), (status = 409, description = "Not allowed now (on a call)")))]
async fn change_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(user_id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<AgentResponse>, AppError> {
    let user = UserId(user_id);
    may_act_for(&auth, user)?;
    set_status(&state, &auth, user, body.status).await
}

pub(crate) async fn set_status(
    state: &AppState,
    auth: &Auth,
    user: UserId,
    to: AgentStatus,
) -> Result<Json<AgentResponse>, AppError> {
    let mut conn = state.store.conn().await?;
    let current = agents::get_one(&mut conn, auth.tenant, user)
        .await
        .or_404("agent")?;
    let t = current
        .status
        .moved(to, AgentActor::Person)
        .map_err(|e| AppError::Conflict(e.reason))?;
    let next = t.to();
    let agent =
        agents::set_status(&mut conn, auth.tenant, user, &t, None, state.clock.now_ms()).await?;
    tracing::info!(tenant_id = %auth.tenant, user_id = user.0, from = %current.status, to = %next, by = %auth.actor(), "agent status changed");
    state.events.announce(
        auth.tenant,
        "agent.status",
        serde_json::json!({"user_id": user, "status": next, "since": agent.status_since}),
    );
    Ok(Json(agent.into()))
}

/// More time to wrap up.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// Seconds to add to the current wrap-up (1 to 900).
    pub extend_seconds: u32,
}

/// Extends the logged-in agent's wrap-up.
#[utoipa::path(post, path = "/api/v1/agents/me/wrap-up", tag = "agents", security(("bearer" = [])), request_body = Extension,
    responses((status = 200, body = AgentResponse), (status = 409, description = "Not wrapping up"), (status = 422)))]
async fn extend_wrap_up(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<Extension>,
) -> Result<Json<AgentResponse>, AppError> {
    let user = me_id(&auth)?;
    if !(1..=900).contains(&body.extend_seconds) {
        return Err(AppError::invalid(
            "extend_seconds",
            "must be between 1 and 900 seconds",
        ));
    }
    let mut conn = state.store.conn().await?;
    let current = agents::get_one(&mut conn, auth.tenant, user)
        .await
        .or_404("agent")?;
    let now = state.clock.now_ms();
    let from = current.wrap_up_until.unwrap_or(now).max(now);
    let agent = agents::extend_wrap_up(
        &mut conn,
        auth.tenant,
        user,
        from + i64::from(body.extend_seconds) * 1000,
        now,
    )
    .await?;
    Ok(Json(agent.into()))
}

/// Lists the tenant's agent groups with their members and campaigns.
#[utoipa::path(get, path = "/api/v1/agent-groups", tag = "agents", security(("bearer" = [])), responses((status = 200, body = Vec<AgentGroup>)))]
async fn list_groups(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<AgentGroup>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        agents::groups(&mut *state.store.conn().await?, auth.tenant).await?,
    ))
}

/// A new group.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// Its name, unique in the tenant.
    pub name: String,
}

/// Creates an agent group.
#[utoipa::path(post, path = "/api/v1/agent-groups", tag = "agents", security(("bearer" = [])), request_body = NewGroup,
    responses((status = 201, body = AgentGroup), (status = 409, description = "Name taken"), (status = 422)))]
async fn create_group(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewGroup>,
) -> Result<(StatusCode, Json<AgentGroup>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "give the group a name of 1 to 100 characters",
        ));
    }
    let group = agents::create_group(
        &mut *state.store.conn().await?,
        auth.tenant,
        name,
        state.clock.now_ms(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(group)))
}

/// A group's agents.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Members {
    /// The agents' user ids (replaces the current members).
    pub user_ids: Vec<i64>,
}

/// Sets a group's members. Each must be a registered agent of the tenant.
#[utoipa::path(put, path = "/api/v1/agent-groups/{id}/members", tag = "agents", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Members,
    responses((status = 204), (status = 404), (status = 422, description = "Not an agent")))]
async fn set_members(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Members>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut tx = state.store.begin().await?;
    let users: Vec<UserId> = body.user_ids.iter().copied().map(UserId).collect();
    for user in &users {
        if agents::get_one(&mut tx, auth.tenant, *user).await.is_err() {
            return Err(AppError::invalid(
                "user_ids",
                format!(
                    "user {} is not an agent here; register them with PUT /api/v1/agents/{} first",
                    user.0, user.0
                ),
            ));
        }
    }
    agents::set_members(&mut tx, auth.tenant, id, &users)
        .await
        .or_404("agent group")?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The groups whose agents take a campaign's calls.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignGroups {
    /// Agent group ids (replaces the current ones).
    pub group_ids: Vec<i64>,
}

/// Assigns agent groups to a campaign.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}/agent-groups", tag = "agents", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CampaignGroups,
    responses((status = 204), (status = 404, description = "No such campaign or group")))]
async fn set_campaign_groups(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CampaignGroups>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut tx = state.store.begin().await?;
    let campaign = campaigns::get_by_id(&mut tx, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    agents::set_campaign_groups(&mut tx, auth.tenant, campaign.id, &body.group_ids)
        .await
        .or_404("agent group")?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
