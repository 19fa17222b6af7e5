//! Leads: list with filters and pages, read, add one, change, delete.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::responses::LeadResponse;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::contact::{parse_email, parse_timezone};
use outdial_domain::import::{ColumnMap, parse_row};
use outdial_domain::lead::{LeadStatus, Priority};
use outdial_domain::{CampaignId, Country, LeadId, Permission, PhoneNumber};
use outdial_engine::erase::Erasure;
use outdial_storage::leads::{self, LeadFilter};
use outdial_storage::{campaigns, dnc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The lead routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/leads", get(list))
        .route("/api/v1/campaigns/{id}/leads", post(create))
        .route("/api/v1/leads/{id}", get(read).patch(update).delete(remove))
}

/// Filters and paging for the lead list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Only this campaign.
    pub campaign_id: Option<i64>,
    /// Only this status.
    pub status: Option<LeadStatus>,
    /// Only leads flagged (or not flagged) do-not-call.
    pub do_not_call: Option<bool>,
    /// Text in the name, email, company, notes, or digits of the phone.
    pub q: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
    /// `oldest` first (the default, stable for scripts paging through a list) or `newest`
    /// first (as the web app shows them).
    pub order: Option<LeadOrder>,
}

/// The order of a lead list, by when each lead was added.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LeadOrder {
    /// The first added first.
    Oldest,
    /// The last added first.
    Newest,
}

/// A page of leads.
#[derive(Serialize, ToSchema)]
pub struct LeadPage {
    /// The leads, in the order asked for.
    pub items: Vec<LeadResponse>,
    /// How many leads match the filters in all.
    pub total: i64,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<i64>,
}

/// A lead to add by hand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLead {
    /// The number, in any common format.
    pub phone: String,
    /// The number's country when it has no `+` prefix (default: the campaign's).
    pub country: Option<String>,
    /// Given name.
    #[serde(default)]
    pub first_name: String,
    /// Family name.
    #[serde(default)]
    pub last_name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Company.
    #[serde(default)]
    pub company: String,
    /// IANA time zone.
    pub timezone: Option<String>,
    /// Category.
    #[serde(rename = "type", default)]
    pub lead_type: String,
    /// low, normal, high, urgent.
    pub priority: Option<Priority>,
    /// Never call.
    #[serde(default)]
    pub do_not_call: bool,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// Extra fields.
    #[serde(default)]
    pub custom_fields: std::collections::BTreeMap<String, String>,
}

/// Changes to a lead; absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLead {
    /// New number (checked like an import); an extension written with it (`ext. 12`) replaces
    /// the lead's.
    pub phone: Option<String>,
    /// The number's country.
    pub country: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// IANA time zone, or empty to clear.
    pub timezone: Option<String>,
    /// Category.
    #[serde(rename = "type")]
    pub lead_type: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Flag or unflag do-not-call (unflagging fails while the number is on the tenant's list).
    pub do_not_call: Option<bool>,
    /// Notes.
    pub notes: Option<String>,
    /// `new` to reset, `completed` to close.
    pub status: Option<LeadStatus>,
    /// Replaces the extra fields.
    pub custom_fields: Option<std::collections::BTreeMap<String, String>>,
}

/// Lists leads with filters, by id, a page at a time.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", security(("bearer" = [])), params(LeadQuery), responses((status = 200, body = LeadPage)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<LeadQuery>,
) -> Result<Json<LeadPage>, AppError> {
    auth.require(Permission::Read)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 500".into(),
        ));
    }
    let filter = LeadFilter {
        campaign: q.campaign_id.map(CampaignId),
        status: q.status,
        do_not_call: q.do_not_call,
        search: q.q,
        after: q.cursor.map(LeadId),
        newest_first: q.order == Some(LeadOrder::Newest),
        limit,
    };
    let (items, total) = leads::list(&mut *state.store.conn().await?, auth.tenant, &filter).await?;
    let next_cursor = if items.len() as i64 == limit {
        items.last().map(|l| l.id.0)
    } else {
        None
    };
    Ok(Json(LeadPage {
        items: items.into_iter().map(Into::into).collect(),
        total,
        next_cursor,
    }))
}

/// Reads a lead.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = LeadResponse), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<LeadResponse>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        leads::get_by_id(&mut *state.store.conn().await?, auth.tenant, LeadId(id))
            .await
            .or_404("lead")?
            .into(),
    ))
}

fn parse_country(value: Option<&str>, default: Country) -> Result<Country, AppError> {
    match value.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Country::parse(c).map_err(|e| AppError::invalid("country", e.to_string())),
        None => Ok(default),
    }
}

/// Adds one lead to a campaign, checked exactly like an imported row.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/leads", tag = "leads", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CreateLead,
    responses((status = 201, body = LeadResponse), (status = 404), (status = 409, description = "Number already in the campaign"), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CreateLead>,
) -> Result<(StatusCode, Json<LeadResponse>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut tx = state.store.begin().await?;
    let campaign = campaigns::get_by_id(&mut tx, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    let country = parse_country(body.country.as_deref(), campaign.settings.default_country)?;
    // One row through the same rules as an import, so the API and files never disagree.
    let mut headers = vec![
        "phone",
        "first_name",
        "last_name",
        "email",
        "company",
        "timezone",
        "type",
        "priority",
        "do_not_call",
        "notes",
    ];
    let priority = body.priority.unwrap_or_default().as_str();
    let timezone = body.timezone.clone().unwrap_or_default();
    let dnc_flag = body.do_not_call.to_string();
    let mut row = vec![
        body.phone.as_str(),
        &body.first_name,
        &body.last_name,
        &body.email,
        &body.company,
        &timezone,
        &body.lead_type,
        priority,
        &dnc_flag,
        &body.notes,
    ];
    for (k, v) in &body.custom_fields {
        headers.push(k);
        row.push(v);
    }
    let map = ColumnMap::from_headers(&headers)
        .map_err(|e| AppError::invalid("custom_fields", e.to_string()))?;
    let mut lead = parse_row(&map, &row, country).map_err(|r| {
        AppError::invalid(
            if r.kind == outdial_domain::import::RejectKind::InvalidPhone {
                "phone"
            } else {
                "lead"
            },
            r.reason,
        )
    })?;
    lead.do_not_call |= dnc::find(&mut tx, auth.tenant, &lead.phone)
        .await?
        .is_some();
    let created = leads::create(
        &mut tx,
        auth.tenant,
        campaign.id,
        &lead,
        state.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

fn bounded(field: &str, value: String, max: usize) -> Result<String, AppError> {
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.trim().to_string())
}

/// Changes a lead. Status changes follow the lead rules: reset to `new`, or close as `completed`.
#[utoipa::path(patch, path = "/api/v1/leads/{id}", tag = "leads", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateLead,
    responses((status = 200, body = LeadResponse), (status = 404), (status = 409, description = "Status change not allowed, or number in use"), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateLead>,
) -> Result<Json<LeadResponse>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut tx = state.store.begin().await?;
    let mut lead = leads::get_by_id(&mut tx, auth.tenant, LeadId(id))
        .await
        .or_404("lead")?;
    if body.phone.is_some() || body.country.is_some() {
        let current_country = Country::parse(&lead.country).unwrap_or(Country::US);
        let country = parse_country(body.country.as_deref(), current_country)?;
        let (phone, extension) = PhoneNumber::parse_with_extension(
            body.phone.as_deref().unwrap_or(lead.phone.as_str()),
            country,
        )
        .map_err(|e| AppError::invalid("phone", e.to_string()))?;
        if body.phone.is_some() {
            lead.extension = extension;
        }
        lead.phone = phone;
        lead.country = country.code();
    }
    if let Some(v) = body.first_name {
        lead.first_name = bounded("first_name", v, 200)?;
    }
    if let Some(v) = body.last_name {
        lead.last_name = bounded("last_name", v, 200)?;
    }
    if let Some(v) = body.email {
        lead.email = match v.trim() {
            "" => String::new(),
            e => parse_email(e).map_err(|m| AppError::invalid("email", m))?,
        };
    }
    if let Some(v) = body.company {
        lead.company = bounded("company", v, 200)?;
    }
    if let Some(tz) = body.timezone {
        lead.timezone = match tz.trim() {
            "" => None,
            tz => Some(parse_timezone(tz).map_err(|m| AppError::invalid("timezone", m))?),
        };
    }
    if let Some(v) = body.lead_type {
        lead.lead_type = bounded("type", v, 200)?;
    }
    if let Some(p) = body.priority {
        lead.priority = p;
    }
    if let Some(v) = body.notes {
        lead.notes = bounded("notes", v, 10_000)?;
    }
    if let Some(fields) = body.custom_fields {
        lead.custom_fields = fields
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
    }
    let now = state.clock.now_ms();
    if let Some(status) = body.status.filter(|s| *s != lead.status) {
        let t = lead
            .status
            .changed_by_user(status)
            .map_err(|e| AppError::Conflict(e.reason))?;
        if !leads::change_by_user(&mut tx, auth.tenant, lead.id, &t, now).await? {
            return Err(AppError::Conflict(
                "the lead's status changed meanwhile (a call started or ended); reload and try again"
                    .into(),
            ));
        }
    }
    let listed = dnc::find(&mut tx, auth.tenant, &lead.phone)
        .await?
        .is_some();
    match body.do_not_call {
        Some(false) if listed => {
            return Err(AppError::Conflict(format!(
                "{} is on your do-not-call list; remove it there first (DELETE /api/v1/dnc/{})",
                lead.phone, lead.phone
            )));
        }
        Some(flag) => lead.do_not_call = flag,
        None => {}
    }
    lead.do_not_call |= listed;
    let saved = leads::save(&mut tx, &lead, now).await?;
    tx.commit().await?;
    Ok(Json(saved.into()))
}

/// How a lead is deleted.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    /// Erase the person on their request (GDPR Art. 17) instead of deleting the lead only.
    #[serde(default)]
    pub erase: bool,
}

/// Deletes a lead; its calls stay in the log. With `erase=true` the person is erased on their
/// request (GDPR Art. 17): every lead of the tenant with their number, the number, timeline,
/// transcript and agents' notes of their calls, and their recordings (at the carrier too);
/// the number stays on the do-not-call list so they are never called again. A lead being
/// called cannot be deleted.
#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads", security(("bearer" = [])), params(("id" = i64, Path), RemoveQuery),
    responses((status = 204, description = "Deleted"), (status = 200, body = Erasure, description = "Erased (`erase=true`)"), (status = 404), (status = 409, description = "Being called")))]
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RemoveQuery>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    auth.require(Permission::ManageCampaigns)?;
    let mut tx = state.store.begin().await?;
    let lead = leads::get_by_id(&mut tx, auth.tenant, LeadId(id))
        .await
        .or_404("lead")?;
    if lead.status == LeadStatus::Dialing {
        return Err(AppError::Conflict(
            "the lead is being called right now; wait for the call to end".into(),
        ));
    }
    if q.erase {
        drop(tx);
        let erased = outdial_engine::erase::person(
            &state.store,
            &state.telephony,
            auth.tenant,
            &lead.phone,
            &auth.actor(),
            state.clock.now_ms(),
        )
        .await?;
        return Ok(Json(erased).into_response());
    }
    leads::delete(&mut tx, auth.tenant, lead.id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
