//! Calendars: their rules, free slots (a range, or the nearest to what a person asked for),
//! holds, public holidays, and the secret feed address calendar apps subscribe to.

use crate::auth::{Auth, tokens};
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::fields::rfc3339;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use outdial_domain::calendar::{CalendarSettings, Wanted, holidays};
use outdial_domain::{LeadId, Permission};
use outdial_engine::booking::{self, FreeSlot, Hold, Nearest};
use outdial_storage::calendars::{self, Calendar};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Prefix of a calendar's feed secret.
pub const FEED_PREFIX: &str = "odf_";

/// The calendar routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calendars", get(list).post(create))
        .route(
            "/api/v1/calendars/{id}",
            get(read).put(update).delete(remove),
        )
        .route("/api/v1/calendars/{id}/feed", post(new_feed))
        .route("/api/v1/calendars/{id}/availability", get(availability))
        .route("/api/v1/calendars/{id}/nearest", post(nearest))
        .route("/api/v1/calendars/{id}/holidays", get(calendar_holidays))
        .route("/api/v1/calendars/{id}/holds", post(hold))
        .route("/api/v1/holds/{token}", delete(release))
        .route("/api/v1/holiday-regions", get(regions))
}

/// A new calendar.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCalendar {
    /// Its name (1 to 100 characters, unique in your organisation).
    pub name: String,
    /// Its rules; left out, Monday to Friday 9:00–12:00 and 13:00–17:00 in Europe/Berlin,
    /// 30-minute slots of one place, two hours' notice, 60 days ahead.
    pub settings: Option<CalendarSettings>,
}

/// A change to a calendar: what is given is replaced.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCalendar {
    /// A new name.
    pub name: Option<String>,
    /// New rules (all of them). Appointments already booked keep their times.
    pub settings: Option<CalendarSettings>,
}

/// A calendar with its feed address, shown only when it is made.
#[derive(Serialize, ToSchema)]
pub struct CalendarWithFeed {
    /// The calendar.
    #[serde(flatten)]
    pub calendar: Calendar,
    /// The secret address Google Calendar, Outlook or Apple Calendar subscribe to (anyone
    /// with it can read the calendar's appointments: keep it like a password; a new one
    /// replaces it).
    pub feed_url: String,
}

fn name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(name.to_string())
}

fn checked(settings: CalendarSettings) -> Result<CalendarSettings, AppError> {
    let errors = settings.check();
    if errors.is_empty() {
        return Ok(settings);
    }
    let details: Vec<_> = errors
        .iter()
        .map(|e| json!({ "field": format!("settings.{}", e.field), "message": e.message }))
        .collect();
    Err(AppError::Validation {
        message: errors
            .iter()
            .map(|e| format!("settings.{e}"))
            .collect::<Vec<_>>()
            .join("; "),
        details: serde_json::Value::Array(details),
    })
}

fn feed_url(state: &AppState, token: &str) -> String {
    format!(
        "{}/api/v1/calendar-feeds/{token}",
        state.telephony.public_base_url()
    )
}

/// Lists your calendars.
#[utoipa::path(get, path = "/api/v1/calendars", tag = "calendars", security(("bearer" = [])),
    responses((status = 200, body = Vec<Calendar>)))]
async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<Calendar>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        calendars::list(&mut *state.store.conn().await?, auth.tenant).await?,
    ))
}

/// Creates a calendar; the answer carries its feed address, shown this once.
#[utoipa::path(post, path = "/api/v1/calendars", tag = "calendars", security(("bearer" = [])), request_body = CreateCalendar,
    responses((status = 201, body = CalendarWithFeed), (status = 409, description = "A calendar of that name exists"), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateCalendar>,
) -> Result<(StatusCode, Json<CalendarWithFeed>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let name = name(&body.name)?;
    let settings = checked(body.settings.unwrap_or_default())?;
    let token = tokens::generate(FEED_PREFIX);
    let calendar = calendars::create(
        &mut *state.store.conn().await?,
        auth.tenant,
        &name,
        &settings,
        &tokens::hash(&token),
        state.clock.now_ms(),
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, calendar_id = calendar.id, by = %auth.actor(), "calendar created");
    Ok((
        StatusCode::CREATED,
        Json(CalendarWithFeed {
            feed_url: feed_url(&state, &token),
            calendar,
        }),
    ))
}

/// One calendar.
#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Calendar), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Calendar>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        calendars::get_one(&mut *state.store.conn().await?, auth.tenant, id)
            .await
            .or_404("calendar")?,
    ))
}

/// Renames a calendar or replaces its rules.
#[utoipa::path(put, path = "/api/v1/calendars/{id}", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateCalendar,
    responses((status = 200, body = Calendar), (status = 404), (status = 409, description = "A calendar of that name exists"), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateCalendar>,
) -> Result<Json<Calendar>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let mut conn = state.store.conn().await?;
    let current = calendars::get_one(&mut conn, auth.tenant, id)
        .await
        .or_404("calendar")?;
    let name = match &body.name {
        Some(n) => name(n)?,
        None => current.name,
    };
    let settings = match body.settings {
        Some(s) => checked(s)?,
        None => current.settings,
    };
    let calendar = calendars::update(
        &mut conn,
        auth.tenant,
        id,
        &name,
        &settings,
        state.clock.now_ms(),
    )
    .await
    .or_404("calendar")?;
    tracing::info!(tenant_id = %auth.tenant, calendar_id = id, by = %auth.actor(), "calendar changed");
    Ok(Json(calendar))
}

/// Deletes a calendar with its past and cancelled appointments; refused while appointments
/// are still to come.
#[utoipa::path(delete, path = "/api/v1/calendars/{id}", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404), (status = 409, description = "It has appointments still to come")))]
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    calendars::delete(
        &mut *state.store.conn().await?,
        auth.tenant,
        id,
        state.clock.now_ms(),
    )
    .await
    .or_404("calendar")?;
    tracing::info!(tenant_id = %auth.tenant, calendar_id = id, by = %auth.actor(), "calendar deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a calendar a new feed address; the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/feed", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CalendarWithFeed), (status = 404)))]
async fn new_feed(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CalendarWithFeed>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let token = tokens::generate(FEED_PREFIX);
    let calendar = calendars::set_feed(
        &mut *state.store.conn().await?,
        auth.tenant,
        id,
        &tokens::hash(&token),
        state.clock.now_ms(),
    )
    .await
    .or_404("calendar")?;
    tracing::info!(tenant_id = %auth.tenant, calendar_id = id, by = %auth.actor(), "calendar feed address replaced");
    Ok(Json(CalendarWithFeed {
        feed_url: feed_url(&state, &token),
        calendar,
    }))
}

/// Which free slots to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// From this moment (RFC 3339); default now.
    pub from: Option<String>,
    /// To this moment (RFC 3339); default 7 days after `from`. At most 366 days after it.
    pub to: Option<String>,
    /// At most this many slots, 1 to 5,000 (default 500).
    pub limit: Option<usize>,
}

/// Free slots, with the calendar's time zone to show them in.
#[derive(Serialize, ToSchema)]
pub struct Availability {
    /// The calendar's IANA time zone.
    pub time_zone: String,
    /// Free slots, earliest first.
    pub slots: Vec<FreeSlot>,
}

const DAY_MS: i64 = 86_400_000;

/// The free slots of a calendar in a stretch of time: its slots (by its business hours,
/// closed days and holidays) with places left, from its minimum notice to its horizon.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/availability", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path), AvailabilityQuery),
    responses((status = 200, body = Availability), (status = 404), (status = 422, description = "A time that is not RFC 3339, `to` before `from` or over 366 days after it, or a `limit` out of range")))]
async fn availability(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AvailabilityQuery>,
) -> Result<Json<Availability>, AppError> {
    auth.require(Permission::Read)?;
    let now = state.clock.now_ms();
    let from = q
        .from
        .as_deref()
        .map(|v| rfc3339("from", v))
        .transpose()?
        .unwrap_or(now);
    let to =
        q.to.as_deref()
            .map(|v| rfc3339("to", v))
            .transpose()?
            .unwrap_or(from + 7 * DAY_MS);
    if to <= from {
        return Err(AppError::invalid("to", "must be after from"));
    }
    if to - from > 366 * DAY_MS {
        return Err(AppError::invalid("to", "at most 366 days after from"));
    }
    let limit = q.limit.unwrap_or(500);
    if !(1..=5000).contains(&limit) {
        return Err(AppError::invalid("limit", "must be from 1 to 5000"));
    }
    let (calendar, slots) =
        booking::free_slots(&state.store, auth.tenant, id, (from, to), now, limit).await?;
    Ok(Json(Availability {
        time_zone: calendar.settings.time_zone,
        slots,
    }))
}

/// What a person asked for: a stretch of time, or their own words.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NearestRequest {
    /// The start of the stretch (RFC 3339). With `to`, instead of `text`.
    pub from: Option<String>,
    /// Its end (RFC 3339).
    pub to: Option<String>,
    /// What the person said, e.g. "Donnerstag Nachmittag" or "next Tuesday at 10", understood
    /// in the calendar's time zone at this moment.
    pub text: Option<String>,
    /// The language of `text`: `de` or `en` (default `en`).
    pub lang: Option<String>,
    /// How many slots before and after to offer when none is free in the stretch, 1 to 10
    /// (default 3).
    pub count: Option<usize>,
}

/// The free slots nearest to what a person asked for.
#[derive(Serialize, ToSchema)]
pub struct NearestAnswer {
    /// The calendar's IANA time zone.
    pub time_zone: String,
    /// The stretch asked for, epoch ms.
    pub from: i64,
    /// Its end, epoch ms.
    pub to: i64,
    /// The slots.
    #[serde(flatten)]
    pub slots: Nearest,
}

/// The free slots in what a person asked for — a stretch of time, or words such as "Thursday
/// afternoon" — and when none is free there, the nearest before and after it.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/nearest", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NearestRequest,
    responses((status = 200, body = NearestAnswer), (status = 404), (status = 422, description = "Neither `from` and `to` nor `text`, times that are not RFC 3339, or words that name no day or time")))]
async fn nearest(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NearestRequest>,
) -> Result<Json<NearestAnswer>, AppError> {
    auth.require(Permission::Read)?;
    let now = state.clock.now_ms();
    let count = body.count.unwrap_or(3);
    if !(1..=10).contains(&count) {
        return Err(AppError::invalid("count", "must be from 1 to 10"));
    }
    let calendar = calendars::get_one(&mut *state.store.conn().await?, auth.tenant, id)
        .await
        .or_404("calendar")?;
    let (from, to) = match (&body.from, &body.to, &body.text) {
        (Some(f), Some(t), None) => (rfc3339("from", f)?, rfc3339("to", t)?),
        (None, None, Some(text)) => {
            let zone = calendar.settings.zone();
            let lang = outdial_understand::Lang::parse(body.lang.as_deref().unwrap_or("en"))
                .ok_or_else(|| AppError::invalid("lang", "use de or en"))?;
            if text.chars().count() > outdial_understand::MAX_TEXT {
                return Err(AppError::invalid(
                    "text",
                    "must be at most 1,000 characters",
                ));
            }
            let said = jiff::Timestamp::from_millisecond(now)
                .map_err(|e| AppError::Internal(e.into()))?
                .to_zoned(zone.clone());
            let understood = outdial_understand::understand(text, lang, &said);
            understood
                .datetime
                .as_ref()
                .and_then(|w| booking::stretch(w, &zone, calendar.settings.slot_minutes))
                .ok_or_else(|| {
                    AppError::invalid(
                        "text",
                        format!("'{text}' names no day or time I understand"),
                    )
                })?
        }
        _ => {
            return Err(AppError::invalid(
                "from",
                "give either from and to, or text",
            ));
        }
    };
    if to <= from {
        return Err(AppError::invalid("to", "must be after from"));
    }
    let wanted = Wanted {
        from: jiff::Timestamp::from_millisecond(from)
            .map_err(|_| AppError::invalid("from", "out of range"))?,
        to: jiff::Timestamp::from_millisecond(to)
            .map_err(|_| AppError::invalid("to", "out of range"))?,
    };
    let (calendar, slots) =
        booking::nearest(&state.store, auth.tenant, id, wanted, now, count).await?;
    Ok(Json(NearestAnswer {
        time_zone: calendar.settings.time_zone,
        from,
        to,
        slots,
    }))
}

/// A public holiday.
#[derive(Serialize, ToSchema)]
pub struct Holiday {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Its name.
    pub name: String,
    /// Whether the calendar is open that day anyway.
    pub open: bool,
}

/// Which year.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year, 2000 to 2100 (default this year).
    pub year: Option<i16>,
}

/// The public holidays a calendar is closed on in a year (by its region), and which of them
/// it is open on anyway.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/holidays", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path), YearQuery),
    responses((status = 200, body = Vec<Holiday>), (status = 404), (status = 422)))]
async fn calendar_holidays(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Vec<Holiday>>, AppError> {
    auth.require(Permission::Read)?;
    let calendar = calendars::get_one(&mut *state.store.conn().await?, auth.tenant, id)
        .await
        .or_404("calendar")?;
    let zone = calendar.settings.zone();
    let this_year = jiff::Timestamp::from_millisecond(state.clock.now_ms())
        .map(|t| t.to_zoned(zone).year())
        .unwrap_or(2026);
    let year = q.year.unwrap_or(this_year);
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "must be from 2000 to 2100"));
    }
    let Some(region) = calendar.settings.holidays.as_deref() else {
        return Ok(Json(vec![]));
    };
    Ok(Json(
        holidays::in_year(region, year)
            .into_iter()
            .map(|(date, name)| Holiday {
                date: date.to_string(),
                name: name.into(),
                open: calendar.settings.open_on.contains(&date),
            })
            .collect(),
    ))
}

/// A region with public holidays built in.
#[derive(Serialize, ToSchema)]
pub struct Region {
    /// Its code, for `settings.holidays`.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// The regions whose public holidays are built in: Germany and each German state, and the US
/// federal holidays.
#[utoipa::path(get, path = "/api/v1/holiday-regions", tag = "calendars", security(("bearer" = [])),
    responses((status = 200, body = Vec<Region>)))]
async fn regions(auth: Auth) -> Result<Json<Vec<Region>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        holidays::REGIONS
            .iter()
            .map(|(code, name)| Region {
                code: (*code).into(),
                name: (*name).into(),
            })
            .collect(),
    ))
}

/// A slot to hold.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldRequest {
    /// The slot's start (RFC 3339).
    pub starts_at: String,
    /// The lead it is held for.
    pub lead_id: Option<i64>,
    /// For how many minutes, 1 to 30 (default 5).
    pub minutes: Option<u32>,
}

/// Holds a place of a slot for a few minutes while a person decides: others see it taken
/// until it is booked with its token, released, or lapses.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/holds", tag = "calendars", security(("bearer" = [])), params(("id" = i64, Path)), request_body = HoldRequest,
    responses((status = 201, body = Hold), (status = 404), (status = 409, description = "`slot_taken`: every place is taken; `error.details.next_free` lists the next free slots"), (status = 422, description = "Not a slot of the calendar, a closed day, too soon or too far ahead, or `minutes` out of range")))]
async fn hold(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<HoldRequest>,
) -> Result<(StatusCode, Json<Hold>), AppError> {
    auth.require(Permission::Read)?;
    let start = rfc3339("starts_at", &body.starts_at)?;
    let hold = booking::hold(
        &state.store,
        auth.tenant,
        id,
        start,
        body.lead_id.map(LeadId),
        body.minutes.unwrap_or(5),
        &auth.actor(),
        state.clock.now_ms(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(hold)))
}

/// Releases a hold: its place is free for others at once.
#[utoipa::path(delete, path = "/api/v1/holds/{token}", tag = "calendars", security(("bearer" = [])), params(("token" = String, Path)),
    responses((status = 204), (status = 404, description = "No live hold of that token (used, released or lapsed)")))]
async fn release(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(token): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::Read)?;
    booking::release(&state.store, auth.tenant, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}
