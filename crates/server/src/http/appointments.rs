//! Appointments: booking a lead (or anybody) into a free slot, moving, confirming, cancelling
//! and closing them, each with its history; each as an iCalendar file, and each calendar's
//! appointments as a feed that calendar apps subscribe to by its secret address.

use crate::auth::{Auth, tokens};
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::fields::rfc3339;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::calendar::{AppointmentStatus, ical};
use outdial_domain::{CallId, LeadId, Permission, PhoneNumber};
use outdial_engine::booking::{self, Booking};
use outdial_storage::appointments::{self, Appointment, Filter, HistoryEntry};
use outdial_storage::calendars;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The appointment routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/appointments", get(list).post(create))
        .route("/api/v1/appointments/{id}", get(read))
        .route("/api/v1/appointments/{id}/reschedule", post(reschedule))
        .route("/api/v1/appointments/{id}/status", post(change_status))
        .route("/api/v1/appointments/{id}/ics", get(ics))
        .route("/api/v1/calendar-feeds/{token}", get(feed))
}

/// Which appointments to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentQuery {
    /// Only this calendar's.
    pub calendar_id: Option<i64>,
    /// Only this lead's.
    pub lead_id: Option<i64>,
    /// Starting at or after (RFC 3339).
    pub from: Option<String>,
    /// Starting before (RFC 3339).
    pub to: Option<String>,
    /// Only these statuses, comma-separated: `booked`, `confirmed`, `cancelled`, `no_show`,
    /// `completed`.
    pub status: Option<String>,
    /// At most this many, 1 to 2,000 (default 500).
    pub limit: Option<i64>,
}

fn statuses(raw: Option<&str>) -> Result<Vec<AppointmentStatus>, AppError> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            AppointmentStatus::parse(s).ok_or_else(|| {
                AppError::invalid(
                    "status",
                    format!("'{s}' is not an appointment status: use booked, confirmed, cancelled, no_show or completed"),
                )
            })
        })
        .collect()
}

/// Lists appointments by start time.
#[utoipa::path(get, path = "/api/v1/appointments", tag = "appointments", security(("bearer" = [])), params(AppointmentQuery),
    responses((status = 200, body = Vec<Appointment>), (status = 422)))]
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AppointmentQuery>,
) -> Result<Json<Vec<Appointment>>, AppError> {
    auth.require(Permission::Read)?;
    let limit = q.limit.unwrap_or(500);
    if !(1..=2000).contains(&limit) {
        return Err(AppError::invalid("limit", "must be from 1 to 2000"));
    }
    let filter = Filter {
        calendar: q.calendar_id,
        lead: q.lead_id.map(LeadId),
        from: q.from.as_deref().map(|v| rfc3339("from", v)).transpose()?,
        to: q.to.as_deref().map(|v| rfc3339("to", v)).transpose()?,
        statuses: statuses(q.status.as_deref())?,
    };
    Ok(Json(
        appointments::list(&mut *state.store.conn().await?, auth.tenant, &filter, limit).await?,
    ))
}

/// A booking.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAppointment {
    /// The calendar.
    pub calendar_id: i64,
    /// The slot's start (RFC 3339): one of the calendar's free slots.
    pub starts_at: String,
    /// The lead it is for: its name and number fill in `name` and `phone`.
    pub lead_id: Option<i64>,
    /// The call that booked it.
    pub call_id: Option<i64>,
    /// Who is coming (1 to 200 characters; else the lead's name).
    pub name: Option<String>,
    /// Their number, E.164 (else the lead's).
    pub phone: Option<String>,
    /// Notes (up to 2,000 characters).
    pub note: Option<String>,
    /// The token of a hold on this slot, from `POST /api/v1/calendars/{id}/holds`.
    pub hold: Option<String>,
}

fn note(raw: Option<&str>) -> Result<String, AppError> {
    let note = raw.unwrap_or("").trim();
    if note.chars().count() > 2000 {
        return Err(AppError::invalid(
            "note",
            "must be at most 2,000 characters",
        ));
    }
    Ok(note.to_string())
}

/// Books an appointment in a free slot. Two bookings can never take the same last place: the
/// second is refused with the next free slots.
#[utoipa::path(post, path = "/api/v1/appointments", tag = "appointments", security(("bearer" = [])), request_body = CreateAppointment,
    responses((status = 201, body = Appointment), (status = 404, description = "No such calendar"), (status = 409, description = "`slot_taken`: every place of the slot is taken; `error.details.next_free` lists the next free slots"), (status = 422, description = "Not a slot of the calendar (off its grid, a closed day or holiday, too soon or too far ahead), an unknown lead, or a bad name, number or note")))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateAppointment>,
) -> Result<(StatusCode, Json<Appointment>), AppError> {
    auth.require(Permission::Read)?;
    let name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 200) {
        return Err(AppError::invalid("name", "must be at most 200 characters"));
    }
    let phone = body
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            PhoneNumber::parse_e164(p)
                .map(|n| n.as_str().to_string())
                .map_err(|e| {
                    AppError::invalid(
                        "phone",
                        format!("'{p}': {e}; write it as E.164, e.g. +4930123456"),
                    )
                })
        })
        .transpose()?;
    let booking = Booking {
        calendar: body.calendar_id,
        starts_at: rfc3339("starts_at", &body.starts_at)?,
        lead: body.lead_id.map(LeadId),
        call: body.call_id.map(CallId),
        name: name.map(str::to_string),
        phone,
        note: note(body.note.as_deref())?,
        hold: body.hold.clone(),
    };
    if let Some(call) = booking.call {
        outdial_storage::calls::get_by_id(&mut *state.store.conn().await?, auth.tenant, call)
            .await
            .map_err(|_| {
                AppError::invalid(
                    "call_id",
                    format!("there is no call {} in your organisation", call.0),
                )
            })?;
    }
    let appointment = booking::book(
        &state.store,
        auth.tenant,
        &booking,
        &auth.actor(),
        state.clock.now_ms(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(appointment)))
}

/// An appointment with its history.
#[derive(Serialize, ToSchema)]
pub struct AppointmentDetail {
    /// The appointment.
    #[serde(flatten)]
    pub appointment: Appointment,
    /// Its time zone (the calendar's).
    pub time_zone: String,
    /// Every change, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// One appointment with its history.
#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentDetail), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AppointmentDetail>, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    let appointment = appointments::get_one(&mut conn, auth.tenant, id)
        .await
        .or_404("appointment")?;
    let calendar = calendars::get_one(&mut conn, auth.tenant, appointment.calendar_id).await?;
    let history = appointments::history(&mut conn, auth.tenant, id).await?;
    Ok(Json(AppointmentDetail {
        appointment,
        time_zone: calendar.settings.time_zone,
        history,
    }))
}

/// A move.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    /// The new slot's start (RFC 3339).
    pub starts_at: String,
    /// Why (up to 2,000 characters).
    pub note: Option<String>,
}

/// Moves an open appointment to another free slot of its calendar: the new place is taken
/// before the old one is given up, so a refused move leaves it where it was.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/reschedule", tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RescheduleRequest,
    responses((status = 200, body = Appointment), (status = 404), (status = 409, description = "`slot_taken` (with `error.details.next_free`), or an appointment that is no longer open"), (status = 422)))]
async fn reschedule(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RescheduleRequest>,
) -> Result<Json<Appointment>, AppError> {
    auth.require(Permission::Read)?;
    let start = rfc3339("starts_at", &body.starts_at)?;
    let note = note(body.note.as_deref())?;
    Ok(Json(
        booking::reschedule(
            &state.store,
            auth.tenant,
            id,
            start,
            &auth.actor(),
            &note,
            state.clock.now_ms(),
        )
        .await?,
    ))
}

/// A status change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// `confirmed`, `cancelled`, `no_show` or `completed`.
    pub status: AppointmentStatus,
    /// Why (up to 2,000 characters).
    pub note: Option<String>,
}

/// Confirms, cancels (its place is free again) or closes an appointment (no-show, completed).
#[utoipa::path(post, path = "/api/v1/appointments/{id}/status", tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 200, body = Appointment), (status = 404), (status = 409, description = "A change its status does not allow (a cancelled appointment cannot be confirmed)"), (status = 422)))]
async fn change_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusRequest>,
) -> Result<Json<Appointment>, AppError> {
    auth.require(Permission::Read)?;
    let note = note(body.note.as_deref())?;
    Ok(Json(
        booking::set_status(
            &state.store,
            auth.tenant,
            id,
            body.status,
            &auth.actor(),
            &note,
            state.clock.now_ms(),
        )
        .await?,
    ))
}

/// The host part of event UIDs: stable for one installation.
fn uid_host(state: &AppState) -> String {
    let base = state.telephony.public_base_url();
    base.split("://")
        .nth(1)
        .unwrap_or(base)
        .split(['/', ':'])
        .next()
        .unwrap_or("outdial")
        .to_string()
}

fn event(a: &Appointment, host: &str, stamp: i64) -> ical::Event {
    let at = |ms: i64| jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut description = Vec::new();
    if let Some(phone) = &a.phone {
        description.push(phone.clone());
    }
    if !a.note.is_empty() {
        description.push(a.note.clone());
    }
    ical::Event {
        uid: format!("appointment-{}@{host}", a.id),
        sequence: a.sequence,
        stamp: at(stamp),
        start: at(a.starts_at),
        end: at(a.ends_at),
        summary: a.name.clone(),
        description: description.join("\n"),
        location: a.calendar_name.clone(),
        cancelled: a.status == AppointmentStatus::Cancelled,
    }
}

fn calendar_response(body: String, filename: Option<&str>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(name) = filename
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    (StatusCode::OK, headers, body).into_response()
}

/// The appointment as an iCalendar file, to add to a calendar app by hand.
#[utoipa::path(get, path = "/api/v1/appointments/{id}/ics", tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String, description = "RFC 5545: one VEVENT"), (status = 404)))]
async fn ics(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, AppError> {
    auth.require(Permission::Read)?;
    let a = appointments::get_one(&mut *state.store.conn().await?, auth.tenant, id)
        .await
        .or_404("appointment")?;
    let text = ical::calendar(
        &a.calendar_name,
        &[event(&a, &uid_host(&state), a.updated_at)],
    );
    Ok(calendar_response(
        text,
        Some(&format!("appointment-{id}.ics")),
    ))
}

/// A calendar's appointments as an iCalendar feed, for Google Calendar, Outlook or Apple
/// Calendar to subscribe to. No login: the secret address is the key (a new one replaces it).
/// From 30 days back on; cancellations stay in as `STATUS:CANCELLED` for 30 days.
#[utoipa::path(get, path = "/api/v1/calendar-feeds/{token}", tag = "calendars", params(("token" = String, Path, description = "The secret from the calendar's feed address")),
    responses((status = 200, content_type = "text/calendar", body = String, description = "RFC 5545"), (status = 404, description = "No calendar has that address (wrong, or replaced)")))]
async fn feed(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, AppError> {
    let token = token.trim_end_matches(".ics");
    if !token.starts_with(crate::http::calendars::FEED_PREFIX) {
        return Err(AppError::NotFound("calendar feed"));
    }
    let mut conn = state.store.conn().await?;
    let calendar = calendars::by_feed(&mut conn, &tokens::hash(token))
        .await
        .or_404("calendar feed")?;
    let now = state.clock.now_ms();
    let list = appointments::for_feed(&mut conn, calendar.id, now - 30 * 86_400_000).await?;
    let host = uid_host(&state);
    let events: Vec<ical::Event> = list.iter().map(|a| event(a, &host, a.updated_at)).collect();
    Ok(calendar_response(
        ical::calendar(&calendar.name, &events),
        None,
    ))
}
