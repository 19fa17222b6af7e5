//! A campaign's progress as the dialer works it: running or not, leads left, calls made and in
//! flight, outcomes so far, when the next call comes and why it waits; and recycling a worked
//! list.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::campaign::CampaignStatus;
use outdial_domain::lead::LeadStatus;
use outdial_domain::{CampaignId, Permission};
use outdial_storage::transfers::{self, Figures};
use outdial_storage::{campaigns, dialing, leads, reports};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The progress routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns/{id}/progress", get(progress))
        .route("/api/v1/campaigns/{id}/recycle", post(recycle))
}

/// Where a campaign stands.
#[derive(Serialize, ToSchema)]
pub struct Progress {
    /// The dialer is calling its leads (status `running`).
    pub is_running: bool,
    /// Its status.
    pub status: CampaignStatus,
    /// Why it last changed status by itself (completed, paused on a carrier error…).
    pub status_reason: Option<String>,
    /// Every lead.
    pub total_leads: i64,
    /// Calls placed so far.
    pub calls_made: i64,
    /// Calls not ended yet.
    pub in_flight: i64,
    /// Leads still to be called: new, waiting for a retry, or being dialed (not do-not-call).
    pub remaining: i64,
    /// Leads by status.
    pub leads: BTreeMap<String, i64>,
    /// Leads marked do-not-call.
    pub do_not_call: i64,
    /// Ended calls by outcome.
    pub outcomes: BTreeMap<String, i64>,
    /// Its calls' conversations by outcome (`appointment_booked`, `interested`,
    /// `not_interested`, `call_back_requested`, `opted_out`, `no_input`, `transferred`).
    pub conversations: BTreeMap<String, i64>,
    /// When the next call is expected, when the dialer waits for a moment it knows (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_call_at: Option<jiff::Timestamp>,
    /// Why the dialer places no call now: outside calling hours, daily limit reached, no agent
    /// free, calls-per-second limit… `null` while it calls.
    pub waiting_reason: Option<String>,
    /// Calls handed on over the last 30 days: to agents (agent campaigns and press 1) and to the
    /// transfer number (press 1 with no agent signed in; also counted in `to_number`).
    pub transfers: Figures,
    /// Abandoned calls in percent of the people who answered and were handed to agents, over
    /// the last 30 days: the figure the FTC's 3 % safe harbour limits (power and predictive).
    pub abandon_percent: f64,
    /// What the campaign's calls cost.
    pub cost: Cost,
}

/// What a campaign's calls cost, from the prices the carrier reports some time after each
/// call ends.
#[derive(Serialize, ToSchema)]
pub struct Cost {
    /// The calls' total, their count, and those whose price is still to come.
    #[serde(flatten)]
    pub spend: reports::Spend,
    /// Per priced call.
    pub per_call: Option<f64>,
    /// Per person reached (calls answered by a person).
    pub per_person_reached: Option<f64>,
    /// Per appointment agents booked.
    pub per_appointment: Option<f64>,
}

/// `total / n`, to the hundredth of a cent; `None` without any.
fn per(total: f64, n: i64) -> Option<f64> {
    (n > 0).then(|| (total / n as f64 * 10_000.0).round() / 10_000.0)
}

/// Reads a campaign's progress.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/progress", tag = "campaigns", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = Progress), (status = 404)))]
async fn progress(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Progress>, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    let campaign = campaigns::get_by_id(&mut conn, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    let leads = campaigns::lead_counts(&mut conn, auth.tenant, campaign.id).await?;
    let calls = dialing::call_totals(&mut conn, auth.tenant, campaign.id).await?;
    let (waiting, next) = dialing::waiting(&mut conn, auth.tenant, campaign.id).await?;
    let callable = dialing::callable_count(&mut conn, campaign.id).await?;
    let running = campaign.status == CampaignStatus::Running;
    let since = state.clock.now_ms() - 30 * 24 * 3_600_000;
    let transfers = transfers::figures(&mut conn, campaign.id, since).await?;
    let spend = reports::spend(&mut conn, auth.tenant, Some(campaign.id), 0).await?;
    let appointments = reports::appointments(&mut conn, auth.tenant, Some(campaign.id), 0).await?;
    let reached = calls.outcomes.get("answered").copied().unwrap_or(0);
    let conversations = outdial_storage::conversations::outcome_counts(
        &mut conn,
        auth.tenant,
        Some(campaign.id.0),
        0,
        i64::MAX,
    )
    .await?
    .into_iter()
    .collect();
    let cost = Cost {
        per_call: per(spend.total, spend.priced_calls),
        per_person_reached: per(spend.total, reached),
        per_appointment: per(spend.total, appointments),
        spend,
    };
    // Abandonment is counted over the people handed to agents, not those sent to a number.
    let people = transfers.handed - transfers.to_number - transfers.machine;
    let abandon_percent = if people > 0 {
        (transfers.abandoned as f64 * 1000.0 / people as f64).round() / 10.0
    } else {
        0.0
    };
    Ok(Json(Progress {
        is_running: running,
        status: campaign.status,
        status_reason: campaign.status_reason,
        total_leads: leads.total,
        calls_made: calls.made,
        in_flight: calls.in_flight,
        remaining: callable,
        leads: leads.by_status,
        do_not_call: leads.do_not_call,
        outcomes: calls.outcomes,
        conversations,
        next_call_at: next
            .filter(|_| running)
            .and_then(|t| jiff::Timestamp::from_millisecond(t).ok()),
        waiting_reason: waiting.filter(|_| running),
        transfers,
        abandon_percent,
        cost,
    }))
}

/// Which finished leads to call again.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recycle {
    /// Lead statuses to reset to `new`: `exhausted` (default) and/or `completed`. Invalid
    /// numbers and do-not-call leads are never recycled.
    #[serde(default = "default_recycled")]
    pub statuses: Vec<LeadStatus>,
}

fn default_recycled() -> Vec<LeadStatus> {
    vec![LeadStatus::Exhausted]
}

/// How many leads were recycled.
#[derive(Serialize, ToSchema)]
pub struct Recycled {
    /// Leads set back to `new`.
    pub recycled: u64,
}

/// Sets a campaign's finished leads back to `new` with their attempts cleared, to work the list
/// again. A completed campaign calls them once it is resumed (status `running`).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/recycle", tag = "campaigns", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Recycle,
    responses((status = 200, body = Recycled), (status = 404), (status = 422, description = "A status that cannot be recycled")))]
async fn recycle(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Recycle>,
) -> Result<Json<Recycled>, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    if body.statuses.is_empty() {
        return Err(AppError::invalid(
            "statuses",
            "name at least one status: exhausted or completed",
        ));
    }
    if let Some(bad) = body
        .statuses
        .iter()
        .find(|s| !matches!(s, LeadStatus::Exhausted | LeadStatus::Completed))
    {
        return Err(AppError::invalid(
            "statuses",
            format!("{bad} leads cannot be recycled; only exhausted and completed leads can"),
        ));
    }
    let mut tx = state.store.begin().await?;
    let campaign = campaigns::get_by_id(&mut tx, auth.tenant, CampaignId(id))
        .await
        .or_404("campaign")?;
    if campaign.status == CampaignStatus::Stopped {
        return Err(AppError::Conflict(
            "the campaign is stopped for good; copy its leads into a new campaign instead".into(),
        ));
    }
    let t =
        LeadStatus::recycle(&body.statuses).map_err(|e| AppError::invalid("statuses", e.reason))?;
    let recycled =
        leads::recycle(&mut tx, auth.tenant, campaign.id, &t, state.clock.now_ms()).await?;
    tx.commit().await?;
    tracing::info!(tenant_id = %auth.tenant, campaign_id = %campaign.id, recycled, by = %auth.actor(), "leads recycled");
    Ok(Json(Recycled { recycled }))
}
