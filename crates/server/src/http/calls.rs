//! The call log (list, detail with its timeline, CSV export) and placing single calls.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::csv_export::to_csv;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::responses::{CallResponse, named};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::CallId;
use outdial_domain::call::{CallStatus, Disposition, Outcome};
use outdial_domain::{CampaignId, LeadId, Permission, PhoneNumber};
use outdial_engine::telephony::place::{CallRequest, place};
use outdial_engine::telephony::scheduled::{Schedule, schedule};
use outdial_storage::calls::{self, CallEvent, CallFilter};
use outdial_storage::conversations::{self, CallConversation, turns::Turn};
use outdial_storage::scheduled_calls::{self, ScheduledCall};
use outdial_storage::{campaigns, leads};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The call routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calls", get(list).post(create))
        .route("/api/v1/calls.csv", get(export))
        .route("/api/v1/calls/{id}", get(read))
        .route("/api/v1/calls/{id}/hangup", post(hang_up))
        .route("/api/v1/leads/{id}/call", post(call_lead))
        .route("/api/v1/scheduled-calls", get(list_scheduled))
        .route(
            "/api/v1/scheduled-calls/{id}/cancel",
            post(cancel_scheduled),
        )
}

/// Filters and paging for the call log.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    /// Only this campaign.
    pub campaign_id: Option<i64>,
    /// Only this lead.
    pub lead_id: Option<i64>,
    /// Only this status (`completed`, `no-answer`…).
    pub status: Option<String>,
    /// Only this outcome (`answered`, `voicemail`, `busy`, `no_answer`, `failed`, `canceled`, `invalid`).
    pub outcome: Option<String>,
    /// Only this disposition: what happened in the answered call, e.g. a conversation's
    /// outcome (`appointment_booked`, `interested`, `not_interested`, `call_back_requested`,
    /// `opted_out`, `no_input`, `transferred`) or a menu's.
    pub disposition: Option<String>,
    /// Placed at or after this time (RFC 3339).
    pub from: Option<String>,
    /// Placed before this time (RFC 3339).
    pub to: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

/// A page of calls, newest first.
#[derive(Serialize, ToSchema)]
pub struct CallPage {
    /// The calls.
    pub items: Vec<CallResponse>,
    /// How many calls match the filters in all.
    pub total: i64,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<i64>,
}

/// A call with its timeline.
#[derive(Serialize, ToSchema)]
pub struct CallDetail {
    /// The call.
    #[serde(flatten)]
    pub call: CallResponse,
    /// Every report about it, oldest first.
    pub events: Vec<CallEvent>,
    /// The conversation held on it (outcome, what was learned), if it held one.
    pub conversation: Option<CallConversation>,
    /// The conversation's turns, in order: who spoke, what, how sure the recogniser was.
    pub turns: Vec<Turn>,
}

/// A call to one number with a campaign's script.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSingleCall {
    /// The number, E.164 or national in the campaign's default country.
    pub to: String,
    /// The campaign whose caller ID, script and settings to use.
    pub campaign_id: i64,
    /// Place it later, at this moment (RFC 3339): answered `202` with the scheduled call.
    pub scheduled_for: Option<String>,
}

/// What kind of call to make to a lead.
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum LeadCallType {
    /// A sales call with the campaign's message.
    ColdCall,
    /// A call to book an appointment, with the campaign's menu or conversation.
    AppointmentBooking,
    /// "Let the assistant call to book": always a conversation (the campaign's, else the
    /// appointment-booking template) that offers slots and books one.
    Assistant,
}

/// Options for calling a lead now.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadCall {
    /// The kind of call (default `cold_call`).
    pub call_type: Option<LeadCallType>,
    /// Place it later, at this moment (RFC 3339): answered `202` with the scheduled call.
    pub scheduled_for: Option<String>,
}

fn parse_time(field: &str, value: Option<&str>) -> Result<Option<i64>, AppError> {
    value
        .map(|v| crate::http::fields::rfc3339(field, v))
        .transpose()
}

fn filter(q: &CallQuery, limit: i64) -> Result<CallFilter, AppError> {
    Ok(CallFilter {
        campaign: q.campaign_id.map(CampaignId),
        lead: q.lead_id.map(LeadId),
        status: q
            .status
            .as_deref()
            .map(|s| {
                CallStatus::parse(s).ok_or_else(|| {
                    AppError::invalid("status", format!("'{s}' is not a call status; use one of queued, initiated, ringing, in-progress, completed, busy, failed, no-answer, canceled"))
                })
            })
            .transpose()?,
        outcome: q
            .outcome
            .as_deref()
            .map(|o| {
                Outcome::parse(o).ok_or_else(|| {
                    AppError::invalid("outcome", format!("'{o}' is not an outcome; use one of answered, voicemail, busy, no_answer, failed, canceled, invalid"))
                })
            })
            .transpose()?,
        disposition: q
            .disposition
            .as_deref()
            .map(|d| {
                Disposition::parse(d).ok_or_else(|| {
                    let all: Vec<&str> = Disposition::ALL.iter().map(|d| d.as_str()).collect();
                    AppError::invalid(
                        "disposition",
                        format!("'{d}' is not a disposition; use one of {}", all.join(", ")),
                    )
                })
            })
            .transpose()?,
        from: parse_time("from", q.from.as_deref())?,
        until: parse_time("to", q.to.as_deref())?,
        before: q.cursor,
        limit,
    })
}

/// Lists calls with filters, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/calls", tag = "calls", security(("bearer" = [])), params(CallQuery), responses((status = 200, body = CallPage), (status = 422)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CallQuery>,
) -> Result<Json<CallPage>, AppError> {
    auth.require(Permission::Read)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 500".into(),
        ));
    }
    let f = filter(&q, limit)?;
    let mut conn = state.store.conn().await?;
    let (items, total) = calls::list(&mut conn, auth.tenant, &f).await?;
    let next_cursor = (items.len() as i64 == limit)
        .then(|| items.last().map(|c| c.id.0))
        .flatten();
    Ok(Json(CallPage {
        items: named(&mut conn, auth.tenant, items).await?,
        total,
        next_cursor,
    }))
}

/// Reads a call with its event timeline.
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "calls", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CallDetail), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<CallId>,
) -> Result<Json<CallDetail>, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    // The call and its timeline are two statements, and a carrier report (which changes both
    // in one transaction) may commit between them: the call is read on both sides of the
    // timeline, and read again until nothing changed meanwhile, so the two always agree.
    let mut call = calls::get_by_id(&mut conn, auth.tenant, id)
        .await
        .or_404("call")?;
    for _ in 0..5 {
        let events = calls::events(&mut conn, id).await?;
        let after = calls::get_by_id(&mut conn, auth.tenant, id)
            .await
            .or_404("call")?;
        if after == call {
            return detail(&mut conn, auth.tenant, call, events).await;
        }
        call = after;
    }
    // Reports arriving faster than this reads: the timeline, then the call it led to.
    let events = calls::events(&mut conn, id).await?;
    let call = calls::get_by_id(&mut conn, auth.tenant, id)
        .await
        .or_404("call")?;
    detail(&mut conn, auth.tenant, call, events).await
}

/// The call with its timeline, its conversation and the conversation's turns.
async fn detail(
    conn: &mut outdial_storage::Conn,
    tenant: outdial_domain::TenantId,
    call: outdial_storage::calls::Call,
    events: Vec<CallEvent>,
) -> Result<Json<CallDetail>, AppError> {
    let id = call.id;
    let conversation = conversations::get_for_call(conn, tenant, id).await?;
    let turns = if conversation.is_some() {
        conversations::turns::list(conn, tenant, id).await?
    } else {
        Vec::new()
    };
    Ok(Json(CallDetail {
        call: one_named(conn, tenant, call).await?,
        events,
        conversation,
        turns,
    }))
}

/// Downloads the calls matching the filters as CSV, safe to open in a spreadsheet.
#[utoipa::path(get, path = "/api/v1/calls.csv", tag = "calls", security(("bearer" = [])), params(CallQuery), responses((status = 200, content_type = "text/csv", body = String)))]
async fn export(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CallQuery>,
) -> Result<impl IntoResponse, AppError> {
    auth.require(Permission::Read)?;
    let mut f = filter(&q, 5000)?;
    let mut conn = state.store.conn().await?;
    let mut rows = vec![
        [
            "id",
            "created_at",
            "campaign_id",
            "lead_id",
            "call_type",
            "call_sid",
            "from",
            "to",
            "status",
            "outcome",
            "answered_by",
            "disposition",
            "ring_seconds",
            "talk_seconds",
            "price",
            "price_unit",
            "error_code",
            "error_message",
            "recording_url",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let opt = |v: Option<String>| v.unwrap_or_default();
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    loop {
        let (page, _) = calls::list(&mut conn, auth.tenant, &f).await?;
        let Some(last) = page.last() else { break };
        f.before = Some(last.id.0);
        let full = page.len() as i64 == f.limit;
        for c in page {
            rows.push(vec![
                c.id.to_string(),
                jiff::Timestamp::from_millisecond(c.created_at)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                num(c.campaign_id.map(|x| x.0)),
                num(c.lead_id.map(|x| x.0)),
                c.call_type,
                opt(c.call_sid.map(|s| s.to_string())),
                c.from.to_string(),
                c.to.to_string(),
                c.status.to_string(),
                opt(c.outcome.map(|o| o.to_string())),
                opt(c.answered_by.map(|a| a.to_string())),
                opt(c.disposition.map(|d| d.as_str().to_string())),
                num(c.ring_seconds),
                num(c.talk_seconds),
                opt(c.price),
                opt(c.price_unit),
                num(c.error_code),
                opt(c.error_message),
                opt(c.recording_url),
            ]);
        }
        if !full {
            break;
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"calls.csv\"",
            ),
        ],
        to_csv(rows),
    ))
}

/// Calls one number now with a campaign's caller ID and script. The call passes the screen
/// every call passes: refused (409) when the number is on the do-not-call list, was called as
/// often as allowed in 24 hours, or when it is outside the called person's hours in any time
/// zone the number may be in; `error.details.next_allowed_at` says when it would pass.
#[utoipa::path(post, path = "/api/v1/calls", tag = "calls", security(("bearer" = [])), request_body = NewSingleCall,
    responses((status = 201, body = CallResponse), (status = 202, body = ScheduledCall, description = "Scheduled (`scheduled_for`)"), (status = 404), (status = 409, description = "Refused by the screen every call passes: `error.code` is `do_not_call`, `outside_calling_hours`, `unknown_time_zone` or `attempts_per_24h`, and `error.details.next_allowed_at` the next moment it would pass (RFC 3339, or null)"), (status = 422), (status = 502, description = "The carrier failed")))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewSingleCall>,
) -> Result<Response, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let campaign = campaigns::get_by_id(
        &mut *state.store.conn().await?,
        auth.tenant,
        CampaignId(body.campaign_id),
    )
    .await
    .or_404("campaign")?;
    let (to, extension) =
        PhoneNumber::parse_with_extension(&body.to, campaign.settings.default_country)
            .map_err(|e| AppError::invalid("to", e.to_string()))?;
    let request = CallRequest {
        campaign: &campaign,
        lead: None,
        to,
        extension,
        call_type: "single",
    };
    place_or_schedule(&state, &auth, request, body.scheduled_for.as_deref()).await
}

/// Calls a lead now, with its campaign's caller ID and script. Only new and retry leads can be
/// called, and only when the screen the dialer applies allows it now (do-not-call, attempts,
/// the called person's hours, the campaign's window and daily limit); the call counts as one
/// of the lead's attempts.
#[utoipa::path(post, path = "/api/v1/leads/{id}/call", tag = "calls", security(("bearer" = [])), params(("id" = i64, Path)), request_body = LeadCall,
    responses((status = 201, body = CallResponse), (status = 202, body = ScheduledCall, description = "Scheduled (`scheduled_for`)"), (status = 404), (status = 409, description = "Not callable now: `error.code` is `conflict` (the lead is not new or retry) or the screen's rule (`do_not_call`, `attempts_exhausted`, `attempts_per_24h`, `outside_campaign_hours`, `outside_calling_hours`, `unknown_time_zone`, `daily_limit_reached`) with `error.details.next_allowed_at` (RFC 3339, or null)"), (status = 422), (status = 502, description = "The carrier failed")))]
async fn call_lead(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LeadCall>,
) -> Result<Response, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut conn = state.store.conn().await?;
    let lead = leads::get_by_id(&mut conn, auth.tenant, LeadId(id))
        .await
        .or_404("lead")?;
    let campaign = campaigns::get_by_id(&mut conn, auth.tenant, lead.campaign_id)
        .await
        .or_404("campaign")?;
    drop(conn);
    // Checked when the lead was stored (the demo's fictional numbers were put there on purpose).
    let to = lead.phone.clone();
    let call_type = match body.call_type.unwrap_or(LeadCallType::ColdCall) {
        LeadCallType::ColdCall => "cold_call",
        LeadCallType::AppointmentBooking => "appointment_booking",
        LeadCallType::Assistant => outdial_domain::campaign::ASSISTANT_CALL,
    };
    let request = CallRequest {
        extension: lead.extension.clone(),
        lead: Some(&lead),
        to,
        campaign: &campaign,
        call_type,
    };
    place_or_schedule(&state, &auth, request, body.scheduled_for.as_deref()).await
}

/// Ends a call: hangs up a live call, cancels one still queued or ringing. The call ends as
/// the carrier reports it (`canceled` or `completed`); the request is in its timeline.
#[utoipa::path(post, path = "/api/v1/calls/{id}/hangup", tag = "calls", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 202, body = CallResponse, description = "The carrier was asked; the call as it was"), (status = 404), (status = 409, description = "Over already, or not at the carrier yet"), (status = 502, description = "The carrier failed")))]
async fn hang_up(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<CallId>,
) -> Result<(StatusCode, Json<CallResponse>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let call = outdial_engine::telephony::control::hang_up(
        &state.store,
        &state.telephony,
        auth.tenant,
        id,
        &auth.actor(),
        state.clock.now_ms(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(call.into())))
}

/// Places the call now (`201` with the call), or schedules it for `at` (`202` with the
/// scheduled call).
async fn place_or_schedule(
    state: &AppState,
    auth: &Auth,
    request: CallRequest<'_>,
    at: Option<&str>,
) -> Result<Response, AppError> {
    let now = state.clock.now_ms();
    if let Some(at) = parse_time("scheduled_for", at)? {
        let scheduled = schedule(
            &state.store,
            &state.local_hours,
            &Schedule {
                call: request,
                at,
                by: &auth.actor(),
            },
            now,
        )
        .await?;
        return Ok((StatusCode::ACCEPTED, Json(scheduled)).into_response());
    }
    let lead = request.lead.map(|l| l.id);
    let call = place(
        &state.store,
        &state.telephony,
        &state.events,
        &state.local_hours,
        request,
        now,
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, call_id = %call.id, lead_id = ?lead, by = %auth.actor(), "call placed by hand");
    Ok((StatusCode::CREATED, Json(CallResponse::from(call))).into_response())
}

/// Which scheduled calls to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduledQuery {
    /// Only this lead's.
    pub lead_id: Option<i64>,
    /// Only those still waiting (default true).
    pub upcoming: Option<bool>,
}

/// Scheduled single calls, soonest first: upcoming ones by default, or all with how each went.
#[utoipa::path(get, path = "/api/v1/scheduled-calls", tag = "calls", security(("bearer" = [])), params(ScheduledQuery),
    responses((status = 200, body = Vec<ScheduledCall>)))]
async fn list_scheduled(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ScheduledQuery>,
) -> Result<Json<Vec<ScheduledCall>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        scheduled_calls::list(
            &mut *state.store.conn().await?,
            auth.tenant,
            q.lead_id.map(LeadId),
            q.upcoming.unwrap_or(true),
        )
        .await?,
    ))
}

/// Cancels a scheduled call that is still waiting.
#[utoipa::path(post, path = "/api/v1/scheduled-calls/{id}/cancel", tag = "calls", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ScheduledCall), (status = 404), (status = 409, description = "Its moment has come already")))]
async fn cancel_scheduled(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ScheduledCall>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let canceled = scheduled_calls::cancel(
        &mut *state.store.conn().await?,
        auth.tenant,
        id,
        state.clock.now_ms(),
    )
    .await
    .or_404("scheduled call")?;
    tracing::info!(tenant_id = %auth.tenant, scheduled_id = id, by = %auth.actor(), "scheduled call canceled");
    Ok(Json(canceled))
}

/// One call with its lead's name.
async fn one_named(
    conn: &mut outdial_storage::Conn,
    tenant: outdial_domain::TenantId,
    call: calls::Call,
) -> Result<CallResponse, AppError> {
    named(conn, tenant, vec![call])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a named call went missing")))
}
