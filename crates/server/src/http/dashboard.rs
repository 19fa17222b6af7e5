//! The dashboard's figures: today's calls, people reached, voicemails, appointments, success
//! rate and talk time; the calls open now; calls per hour today, today's outcomes, and the
//! answer rate by hour of day over 30 days — all in the viewer's time zone.

use crate::auth::Auth;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::http::responses::CallResponse;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use outdial_domain::{CampaignId, Permission};
use outdial_storage::call_backs::{self, CallBack, Which};
use outdial_storage::reports::{self, HourCount};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// The dashboard route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/dashboard", get(dashboard))
}

/// Whose day, and of what.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// IANA time zone the day and hours are counted in (default `UTC`), e.g. `America/New_York`.
    pub tz: Option<String>,
    /// One campaign only.
    pub campaign_id: Option<i64>,
}

/// Today's totals.
#[derive(Serialize, ToSchema, Debug, Default, PartialEq)]
pub struct Today {
    /// Calls placed since midnight.
    pub calls: i64,
    /// Of those, ended.
    pub finished: i64,
    /// Answered by a person.
    pub reached: i64,
    /// Answered by a machine.
    pub voicemails: i64,
    /// Calls agents disposed as `appointment_booked`.
    pub appointments: i64,
    /// Contact rate: people reached per ended call, percent.
    pub contact_rate: f64,
    /// Appointment rate: appointments agents booked per person reached, percent.
    pub appointment_rate: f64,
    /// Talk time of today's calls, seconds.
    pub talk_seconds: i64,
    /// What today's calls cost so far (prices arrive some minutes after each call).
    pub spend: reports::Spend,
}

/// Calls and answers at one hour of the day.
#[derive(Serialize, ToSchema, Debug, Default, Clone, PartialEq)]
pub struct HourRate {
    /// Local hour, 0–23.
    pub hour: u8,
    /// Ended calls placed in that hour.
    pub calls: i64,
    /// Of those, answered by a person.
    pub answered: i64,
    /// `answered / calls`, percent (0 without calls).
    pub rate: f64,
}

/// The dashboard.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    /// The time zone used.
    pub timezone: String,
    /// Local midnight, epoch ms.
    pub day_start: i64,
    /// Today's totals.
    pub today: Today,
    /// Calls not ended yet (placed in the last 4 hours), newest first, at most 100.
    pub live: Vec<CallResponse>,
    /// Calls placed in each local hour of today, 24 entries.
    pub calls_per_hour: Vec<i64>,
    /// Today's ended calls by outcome.
    pub outcomes: BTreeMap<String, i64>,
    /// Answer rate by local hour of day over the last 30 days, 24 entries (read again at most
    /// every 5 minutes).
    pub answer_rate_by_hour: Vec<HourRate>,
    /// People who pressed 1 when nobody could take them, to call back.
    pub call_backs: CallBacks,
    /// Appointments in the calendars (of the campaign's leads, with `campaign_id`).
    pub appointments: Appointments,
    /// Today's conversations by outcome (`appointment_booked`, `interested`,
    /// `not_interested`, `call_back_requested`, `opted_out`, `no_input`, `transferred`).
    pub conversations: BTreeMap<String, i64>,
}

/// Appointments by day and week, and how many calls end in one.
#[derive(Serialize, ToSchema, Debug, Default, PartialEq)]
pub struct Appointments {
    /// Starting today (not cancelled).
    pub today: i64,
    /// Starting this week, Monday to Sunday (not cancelled).
    pub this_week: i64,
    /// Booked today (whenever they start).
    pub booked_today: i64,
    /// Booking rate: appointments booked today per person reached today, percent.
    pub booking_rate: f64,
}

/// The call-back tasks still open (`GET /api/v1/call-backs` lists them all).
#[derive(Serialize, ToSchema)]
pub struct CallBacks {
    /// How many are open.
    pub open: i64,
    /// The longest waiting, at most 5.
    pub oldest: Vec<CallBack>,
}

const HOUR_MS: i64 = 3_600_000;

/// How long a 30-day answer-rate chart is served before it is read again. Today's figures are
/// read on every request; the month's shape barely moves in minutes, and reading it costs a
/// scan of the month's calls (seconds on SQLite at a million calls: `bench --bin dashboard`).
pub const MONTH_TTL_MS: i64 = 5 * 60_000;

/// The dashboard's figures for today in the given time zone.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "calls", security(("bearer" = [])), params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 422, description = "Unknown time zone")))]
async fn dashboard(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<Dashboard>, AppError> {
    auth.require(Permission::Read)?;
    let name = q.tz.unwrap_or_else(|| "UTC".into());
    let tz = jiff::tz::TimeZone::get(&name).map_err(|_| {
        AppError::invalid(
            "tz",
            format!("'{name}' is not a time zone: use an IANA name such as America/New_York"),
        )
    })?;
    let campaign = q.campaign_id.map(CampaignId);
    let now = state.clock.now_ms();
    let day_start = local_midnight(now, &tz)?;
    let month_start = now - 30 * 24 * HOUR_MS;
    let mut conn = state.store.conn().await?;
    let day = reports::calls_by_hour(&mut conn, auth.tenant, campaign, day_start).await?;
    // The month's counts are kept a few minutes (for every time zone: they are by UTC hour).
    let key = (auth.tenant.0, q.campaign_id.unwrap_or(0));
    let month = match state.dashboard_cache.get(&key, now) {
        Some(counts) => counts,
        None => {
            let counts =
                reports::calls_by_hour(&mut conn, auth.tenant, campaign, month_start).await?;
            state.dashboard_cache.put(key, now, counts.clone());
            counts
        }
    };
    // The cached counts stand for the days before today; today's are always fresh, so a call
    // answered a minute ago is in the chart (a chart is never empty when its data exists).
    let month: Vec<HourCount> = month
        .into_iter()
        .filter(|c| (c.epoch_hour + 1) * HOUR_MS <= day_start)
        .chain(day.iter().cloned())
        .collect();
    let answer_rate_by_hour = answer_rate_by_hour(&month, &tz);
    let appointments = reports::appointments(&mut conn, auth.tenant, campaign, day_start).await?;
    let spend = reports::spend(&mut conn, auth.tenant, campaign, day_start).await?;
    let live =
        reports::open_calls(&mut conn, auth.tenant, campaign, now - 4 * HOUR_MS, 100).await?;
    let call_backs = CallBacks {
        open: call_backs::count_open(&mut conn, auth.tenant, campaign).await?,
        oldest: call_backs::list(&mut conn, auth.tenant, campaign, Which::Open, 5).await?,
    };
    let (today, calls_per_hour, outcomes) = summarise_day(&day, day_start, &tz);
    let (week_start, week_end) = local_week(now, &tz)?;
    let day_end = local_midnight(day_start + 36 * HOUR_MS, &tz)?;
    let counted = outdial_storage::appointments::counts(
        &mut conn,
        auth.tenant,
        campaign,
        (day_start, day_end),
        (week_start, week_end),
        (day_start, day_end),
    )
    .await?;
    let conversations = outdial_storage::conversations::outcome_counts(
        &mut conn,
        auth.tenant,
        campaign.map(|c| c.0),
        day_start,
        day_end,
    )
    .await?
    .into_iter()
    .collect();
    let appointment_figures = Appointments {
        today: counted.first,
        this_week: counted.second,
        booked_today: counted.booked,
        booking_rate: percent(counted.booked, today.reached),
    };
    Ok(Json(Dashboard {
        timezone: name,
        day_start,
        today: Today {
            appointments,
            appointment_rate: percent(appointments, today.reached),
            spend,
            ..today
        },
        live: crate::http::responses::named(&mut conn, auth.tenant, live).await?,
        calls_per_hour,
        outcomes,
        answer_rate_by_hour,
        call_backs,
        appointments: appointment_figures,
        conversations,
    }))
}

/// The local Monday midnight that began the week holding `now`, and the next one.
fn local_week(now: i64, tz: &jiff::tz::TimeZone) -> Result<(i64, i64), AppError> {
    let fail = |e: jiff::Error| AppError::Internal(anyhow::anyhow!("while finding the week: {e}"));
    let today = jiff::Timestamp::from_millisecond(now)
        .map_err(fail)?
        .to_zoned(tz.clone())
        .date();
    let monday = today
        .checked_sub(jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))
        .map_err(fail)?;
    let next = monday
        .checked_add(jiff::Span::new().days(7))
        .map_err(fail)?;
    let at = |d: jiff::civil::Date| {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(fail)
    };
    Ok((at(monday)?, at(next)?))
}

/// The epoch ms of the local midnight that began the day holding `now`.
fn local_midnight(now: i64, tz: &jiff::tz::TimeZone) -> Result<i64, AppError> {
    let start = jiff::Timestamp::from_millisecond(now)
        .and_then(|t| t.to_zoned(tz.clone()).start_of_day())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("while finding local midnight: {e}")))?;
    Ok(start.timestamp().as_millisecond())
}

/// The local hour of the day at the start of an epoch hour (a zone with a half-hour offset
/// counts the hour in the local hour it starts in).
fn local_hour(epoch_hour: i64, tz: &jiff::tz::TimeZone) -> usize {
    jiff::Timestamp::from_millisecond(epoch_hour * HOUR_MS)
        .map(|t| usize::from(t.to_zoned(tz.clone()).hour().unsigned_abs()))
        .unwrap_or(0)
        % 24
}

/// Today's totals (without appointments), calls per local hour and outcomes, from the hourly
/// counts.
fn summarise_day(
    counts: &[HourCount],
    day_start: i64,
    tz: &jiff::tz::TimeZone,
) -> (Today, Vec<i64>, BTreeMap<String, i64>) {
    let mut today = Today::default();
    let mut per_hour = vec![0; 24];
    let mut outcomes = BTreeMap::new();
    // An epoch hour that started before midnight (half-hour zones) is left to yesterday.
    for c in counts
        .iter()
        .filter(|c| c.epoch_hour * HOUR_MS >= day_start)
    {
        today.calls += c.calls;
        today.talk_seconds += c.talk_seconds;
        per_hour[local_hour(c.epoch_hour, tz)] += c.calls;
        if let Some(outcome) = &c.outcome {
            today.finished += c.calls;
            *outcomes.entry(outcome.clone()).or_insert(0) += c.calls;
            match outcome.as_str() {
                "answered" => today.reached += c.calls,
                "voicemail" => today.voicemails += c.calls,
                _ => {}
            }
        }
    }
    today.contact_rate = percent(today.reached, today.finished);
    (today, per_hour, outcomes)
}

/// The answer rate at each local hour of the day over the counted period.
fn answer_rate_by_hour(counts: &[HourCount], tz: &jiff::tz::TimeZone) -> Vec<HourRate> {
    let mut hours: Vec<HourRate> = (0..24)
        .map(|hour| HourRate {
            hour,
            ..HourRate::default()
        })
        .collect();
    for c in counts {
        let Some(outcome) = &c.outcome else { continue };
        let h = &mut hours[local_hour(c.epoch_hour, tz)];
        h.calls += c.calls;
        if outcome == "answered" {
            h.answered += c.calls;
        }
    }
    for h in &mut hours {
        h.rate = percent(h.answered, h.calls);
    }
    hours
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(epoch_hour: i64, outcome: Option<&str>, calls: i64) -> HourCount {
        HourCount {
            epoch_hour,
            outcome: outcome.map(str::to_string),
            calls,
            talk_seconds: calls * 10,
        }
    }

    #[test]
    fn the_day_is_counted_from_local_midnight_in_local_hours() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        // 2026-11-23 15:30 UTC is 10:30 in New York (EST, UTC-5): midnight was 05:00 UTC.
        let now = jiff::Timestamp::from_second(1_795_447_800)
            .unwrap()
            .as_millisecond();
        let midnight = local_midnight(now, &tz).unwrap();
        assert_eq!(midnight % (24 * HOUR_MS), 5 * HOUR_MS);
        let hour0 = midnight / HOUR_MS;
        let counts = [
            count(hour0 - 1, Some("answered"), 7), // yesterday, 23:00 local
            count(hour0 + 9, Some("answered"), 3),
            count(hour0 + 9, Some("voicemail"), 1),
            count(hour0 + 10, Some("busy"), 2),
            count(hour0 + 10, None, 4),
        ];
        let (today, per_hour, outcomes) = summarise_day(&counts, midnight, &tz);
        assert_eq!(
            today,
            Today {
                calls: 10,
                finished: 6,
                reached: 3,
                voicemails: 1,
                appointments: 0,
                contact_rate: 50.0,
                appointment_rate: 0.0,
                talk_seconds: 100,
                spend: Default::default(),
            }
        );
        assert_eq!(per_hour[9], 4);
        assert_eq!(per_hour[10], 6);
        assert_eq!(per_hour.iter().sum::<i64>(), 10);
        assert_eq!(outcomes["busy"], 2);
        let rates = answer_rate_by_hour(&counts, &tz);
        assert_eq!(rates[23].rate, 100.0);
        assert_eq!(
            (rates[9].calls, rates[9].answered, rates[9].rate),
            (4, 3, 75.0)
        );
        assert_eq!(rates[10].calls, 2, "open calls are not in the rate");
    }
}
