//! Campaigns: create, read, change, delete, and move through their statuses.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::auth::required;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::responses::CampaignResponse;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use outdial_domain::campaign::{
    CampaignSettings, CampaignStatus, CampaignType, SettingsProblem, StatusChangeError,
    ValidSettings,
};
use outdial_domain::{CampaignId, Permission};
use outdial_storage::agents;
use outdial_storage::campaigns::{self, LeadCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The campaign routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(list).post(create))
        .route("/api/v1/campaigns/defaults", get(defaults))
        .route(
            "/api/v1/campaigns/{id}",
            get(read).patch(update).delete(remove),
        )
        .route("/api/v1/campaigns/{id}/status", put(change_status))
}

/// Which type's defaults.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DefaultsQuery {
    /// The campaign's type (default `general`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub campaign_type: Option<CampaignType>,
}

/// The settings a new campaign of a type gets for whatever it leaves out (forms start from
/// these).
#[utoipa::path(get, path = "/api/v1/campaigns/defaults", tag = "campaigns", security(("bearer" = [])), params(DefaultsQuery),
    responses((status = 200, body = outdial_domain::campaign::CampaignSettings), (status = 400, description = "An unknown type")))]
async fn defaults(
    auth: Auth,
    ApiQuery(q): ApiQuery<DefaultsQuery>,
) -> Result<Json<outdial_domain::campaign::CampaignSettings>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(outdial_domain::campaign::CampaignSettings::for_type(
        q.campaign_type.unwrap_or_default(),
    )))
}

/// A new campaign (created as a draft).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCampaign {
    /// Display name.
    pub name: String,
    /// What the calls are for (default `general`).
    #[serde(rename = "type", default)]
    pub campaign_type: CampaignType,
    /// Settings; anything left out takes the default of the campaign's type (a reminder
    /// campaign's message and menu: confirm, move, cancel).
    #[schema(value_type = Option<CampaignSettings>)]
    #[allow(dead_code)] // Read apart, over the type's defaults (see `create`).
    pub settings: Option<serde_json::Value>,
}

/// Changes to a campaign. `settings` is merged into the current settings (JSON merge patch:
/// give only what changes; `null` resets a nullable field).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCampaign {
    /// New name.
    pub name: Option<String>,
    /// New type.
    #[serde(rename = "type")]
    pub campaign_type: Option<CampaignType>,
    /// Settings to change.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

/// A requested status.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CampaignStatusChange)]
pub struct StatusChange {
    /// The status to move to.
    pub status: CampaignStatus,
}

/// A campaign with its lead counts.
#[derive(Serialize, ToSchema)]
pub struct CampaignDetail {
    /// The campaign.
    #[serde(flatten)]
    pub campaign: CampaignResponse,
    /// Its leads by status.
    pub leads: LeadCounts,
}

/// Filters for listing campaigns.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// Only campaigns in this status.
    pub status: Option<CampaignStatus>,
}

fn settings_problems(problems: Vec<SettingsProblem>) -> AppError {
    let message = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    AppError::Validation {
        message,
        details: serde_json::to_value(&problems).unwrap_or_default(),
    }
}

/// The settings as the checked type the engine and storage hold, or a 422 listing every
/// problem by field.
fn check(settings: CampaignSettings) -> Result<ValidSettings, AppError> {
    ValidSettings::check(settings).map_err(|e| settings_problems(e.0))
}

/// [`check`], and what a user may not save though stored settings still read: a text with a
/// blank left in it, a recording that is not the tenant's or cannot be fetched.
async fn check_saved(
    state: &AppState,
    tenant: outdial_domain::TenantId,
    settings: CampaignSettings,
) -> Result<ValidSettings, AppError> {
    let mut problems = settings.problems();
    problems.extend(settings.wording_problems());
    problems.extend(outdial_engine::conversation::call::definition_problems(
        &settings,
    ));
    if !problems.is_empty() {
        return Err(settings_problems(problems));
    }
    if let Some(id) = settings.conversation.calendar_id {
        let mut conn = state.store.conn().await?;
        if outdial_storage::calendars::get_one(&mut conn, tenant, id)
            .await
            .is_err()
        {
            return Err(settings_problems(vec![SettingsProblem {
                field: "settings.conversation.calendar_id".into(),
                message: format!("there is no calendar {id} in your organisation"),
            }]));
        }
    }
    crate::http::audio::check_recordings(state, tenant, &settings).await?;
    check(settings)
}

/// Lists the tenant's campaigns, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", security(("bearer" = [])), params(CampaignQuery), responses((status = 200, body = Vec<CampaignDetail>)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> Result<Json<Vec<CampaignDetail>>, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    let list = campaigns::list(&mut conn, auth.tenant, q.status).await?;
    let mut counts = campaigns::lead_counts_all(&mut conn, auth.tenant).await?;
    Ok(Json(
        list.into_iter()
            .map(|campaign| CampaignDetail {
                leads: counts.remove(&campaign.id).unwrap_or_default(),
                campaign: campaign.into(),
            })
            .collect(),
    ))
}

/// Creates a draft campaign. Every setting is checked; problems come back per field.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", security(("bearer" = [])), request_body = CreateCampaign,
    responses((status = 201, body = CampaignResponse), (status = 422, description = "Invalid settings, listed per field")))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(raw): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<CampaignResponse>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    // The body and its settings are read apart (the settings over the defaults of the type
    // asked for), and every wrong field of both is named in one answer.
    let head = crate::http::fields::parse::<CreateCampaign>(raw.clone());
    let kind = raw
        .get("type")
        .and_then(|t| serde_json::from_value::<CampaignType>(t.clone()).ok())
        .unwrap_or_default();
    let mut value = serde_json::to_value(CampaignSettings::for_type(kind))
        .map_err(|e| AppError::Internal(e.into()))?;
    let settings = match raw.get("settings") {
        // serde would also read settings from a list (`"settings": []` gave every default).
        Some(patch) if !patch.is_object() && !patch.is_null() => Err(AppError::invalid(
            "settings",
            "must be an object of settings",
        )),
        other => {
            if let Some(patch) = other.filter(|p| p.is_object()) {
                merge(&mut value, patch.clone());
            }
            crate::http::fields::parse::<CampaignSettings>(value).map_err(|e| e.under("settings"))
        }
    };
    let (body, settings) = match (head, settings) {
        (Ok(body), Ok(settings)) => (body, settings),
        (Err(a), Err(b)) => return Err(AppError::both(a, b)),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let name = required("name", &body.name, 200)?;
    let settings = check_saved(&state, auth.tenant, settings).await?;
    let campaign = campaigns::create(
        &mut *state.store.conn().await?,
        auth.tenant,
        &name,
        body.campaign_type,
        &settings,
        state.clock.now_ms(),
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, campaign_id = %campaign.id, by = %auth.actor(), "campaign created");
    Ok((StatusCode::CREATED, Json(campaign.into())))
}

/// Reads a campaign with its lead counts.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CampaignDetail), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CampaignDetail>, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    let campaign = campaigns::get_by_id(&mut conn, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    let leads = campaigns::lead_counts(&mut conn, auth.tenant, campaign.id).await?;
    Ok(Json(CampaignDetail {
        campaign: campaign.into(),
        leads,
    }))
}

/// Merges `patch` into `target` (RFC 7386 JSON merge patch), except that an object whose `mode`
/// changes (pacing) is replaced whole: the old mode's fields mean nothing to the new one.
fn merge(target: &mut serde_json::Value, patch: serde_json::Value) {
    match (target, patch) {
        (t @ serde_json::Value::Object(_), p @ serde_json::Value::Object(_))
            if p.get("mode").is_some_and(|m| Some(m) != t.get("mode")) =>
        {
            *t = p
        }
        (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.insert(k, serde_json::Value::Null);
                } else {
                    merge(t.entry(k).or_insert(serde_json::Value::Null), v);
                }
            }
        }
        (t, p) => *t = p,
    }
}

/// Changes a campaign's name, type or settings. Settings cannot change while it is running.
#[utoipa::path(patch, path = "/api/v1/campaigns/{id}", tag = "campaigns", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateCampaign,
    responses((status = 200, body = CampaignResponse), (status = 404), (status = 409, description = "Running"), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateCampaign>,
) -> Result<Json<CampaignResponse>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let current =
        campaigns::get_by_id(&mut *state.store.conn().await?, auth.tenant, CampaignId(id))
            .await
            .or_404("campaign")?;
    let name = match body.name.as_deref() {
        Some(n) => required("name", n, 200)?,
        None => current.name.clone(),
    };
    let changes_settings = body.settings.is_some();
    let settings = match body.settings {
        Some(patch) => {
            if !current.status.is_editable() {
                return Err(AppError::Conflict(
                    "pause the campaign before changing its settings".into(),
                ));
            }
            if !patch.is_object() {
                return Err(AppError::invalid(
                    "settings",
                    "must be an object of the settings to change",
                ));
            }
            let mut value = serde_json::to_value(&current.settings)
                .map_err(|e| AppError::Internal(e.into()))?;
            merge(&mut value, patch);
            let settings: CampaignSettings =
                crate::http::fields::parse(value).map_err(|e| e.under("settings"))?;
            // Checked (recordings fetched) before the write transaction opens.
            check_saved(&state, auth.tenant, settings).await?
        }
        None => current.settings.clone(),
    };
    let mut tx = state.store.begin().await?;
    let current = campaigns::get_by_id(&mut tx, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    if changes_settings && !current.status.is_editable() {
        return Err(AppError::Conflict(
            "pause the campaign before changing its settings".into(),
        ));
    }
    let updated = campaigns::update(
        &mut tx,
        auth.tenant,
        current.id,
        &name,
        body.campaign_type.unwrap_or(current.campaign_type),
        &settings,
        state.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(updated.into()))
}

/// Moves a campaign to another status, if the transition is allowed and the campaign is ready.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}/status", tag = "campaigns", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StatusChange,
    responses((status = 200, body = CampaignResponse), (status = 404), (status = 409, description = "Transition not allowed"), (status = 422, description = "Not ready to call")))]
async fn change_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<CampaignResponse>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut conn = state.store.conn().await?;
    let current = campaigns::get_by_id(&mut conn, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    let starting = matches!(
        body.status,
        CampaignStatus::Running | CampaignStatus::Scheduled
    );
    let unreachable = if starting {
        let members = agents::campaign_members(&mut conn, auth.tenant, current.id).await?;
        current.settings.connect_problems(members)
    } else {
        Vec::new()
    };
    let next = current
        .status
        .change_to(body.status, &current.settings, state.clock.now())
        .and_then(|to| {
            if unreachable.is_empty() {
                Ok(to)
            } else {
                Err(StatusChangeError::NotReady(unreachable))
            }
        })
        .map_err(|e| match e {
            StatusChangeError::NotReady(problems) => settings_problems(problems),
            StatusChangeError::NoScheduledStart => {
                AppError::invalid("settings.scheduled_start_at", e.to_string())
            }
            other => AppError::Conflict(other.to_string()),
        })?;
    let updated = campaigns::set_status(
        &mut conn,
        auth.tenant,
        current.id,
        current.status,
        next,
        None,
        state.clock.now_ms(),
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, campaign_id = %updated.id, from = %current.status, to = %next, by = %auth.actor(), "campaign status changed");
    state.events.campaign_status(auth.tenant, updated.id, next);
    Ok(Json(updated.into()))
}

/// Deletes a campaign with its leads and imports. A running campaign must be paused first.
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}", tag = "campaigns", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204), (status = 404), (status = 409)))]
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut tx = state.store.begin().await?;
    let current = campaigns::get_by_id(&mut tx, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    if current.status == CampaignStatus::Running {
        return Err(AppError::Conflict(
            "the campaign is running; pause or stop it before deleting".into(),
        ));
    }
    campaigns::delete(&mut tx, auth.tenant, current.id).await?;
    tx.commit().await?;
    tracing::info!(tenant_id = %auth.tenant, campaign_id = %current.id, by = %auth.actor(), "campaign deleted");
    Ok(StatusCode::NO_CONTENT)
}
