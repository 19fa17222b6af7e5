//! Single calls placed later: scheduled by a user (checked against the screen as it will stand at
//! that moment), then at their moment taken by the dialer's tick and placed like a call by hand —
//! screened again then, so a number put on the do-not-call list meanwhile is never called.

use super::Telephony;
use super::place::{CallRequest, place};
use super::screen::{self, Screened};
use crate::error::EngineError;
use crate::events::EventBus;
use outdial_domain::TenantId;
use outdial_domain::call::ScheduledStatus;
use outdial_domain::call::scheduled::MAX_AHEAD_MS;
use outdial_domain::hours::LocalHours;
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::leads::{self, Lead};
use outdial_storage::scheduled_calls::{self, NewScheduled, ScheduledCall};
use outdial_storage::{StorageError, Store};

/// Scheduled calls taken per tick at most.
const PER_TICK: i64 = 50;

/// A call to schedule.
pub struct Schedule<'a> {
    /// The call, as it would be placed now.
    pub call: CallRequest<'a>,
    /// When, epoch ms.
    pub at: i64,
    /// Who schedules it.
    pub by: &'a str,
}

/// Schedules a call at `s.at`. Refused when the moment is past or more than 90 days away, and
/// when the screen would refuse the call at that moment (outside the callee's hours then, on
/// the do-not-call list): better said now than found out later.
pub async fn schedule(
    store: &Store,
    local: &LocalHours,
    s: &Schedule<'_>,
    now: i64,
) -> Result<ScheduledCall, EngineError> {
    if s.at <= now {
        return Err(EngineError::invalid(
            "scheduled_for",
            "the moment has passed; give a time in the future, or call now",
        ));
    }
    if s.at > now + MAX_AHEAD_MS {
        return Err(EngineError::invalid(
            "scheduled_for",
            "at most 90 days ahead",
        ));
    }
    let c = &s.call;
    let mut tx = store.begin().await?;
    screen::check(
        &mut tx,
        local,
        &Screened {
            campaign: c.campaign,
            lead: c.lead,
            to: &c.to,
            in_campaign: c.lead.is_some(),
        },
        s.at,
    )
    .await?;
    let scheduled = scheduled_calls::create(
        &mut tx,
        c.campaign.tenant_id,
        &NewScheduled {
            campaign: c.campaign.id,
            lead: c.lead.map(|l| l.id),
            to: &c.to,
            extension: c.extension.as_deref(),
            call_type: c.call_type,
            scheduled_for: s.at,
            created_by: s.by,
        },
        now,
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    tracing::info!(tenant_id = %c.campaign.tenant_id, scheduled_id = scheduled.id, at = s.at, by = s.by, "call scheduled");
    Ok(scheduled)
}

/// Places the scheduled calls whose moment has come, each once: screened at that moment like a
/// call by hand; the outcome (placed, refused with the rule, failed) is kept on it.
pub async fn run_due(
    store: &Store,
    telephony: &Telephony,
    events: &EventBus,
    local: &LocalHours,
    now: i64,
) -> Result<usize, EngineError> {
    let due = scheduled_calls::take_due(&mut *store.conn().await?, now, PER_TICK).await?;
    let n = due.len();
    for s in due {
        let (status, call, reason) = match place_one(store, telephony, events, local, &s, now).await
        {
            Ok(call) => (ScheduledStatus::Placed, Some(call), None),
            Err(EngineError::Refused { message, .. }) => {
                (ScheduledStatus::Refused, None, Some(message))
            }
            Err(EngineError::Conflict(m)) => (ScheduledStatus::Refused, None, Some(m)),
            Err(e) => (ScheduledStatus::Failed, None, Some(e.to_string())),
        };
        scheduled_calls::finish(
            &mut *store.conn().await?,
            s.id,
            status,
            call,
            reason.as_deref(),
            now,
        )
        .await?;
        tracing::info!(tenant_id = %s.tenant_id, scheduled_id = s.id, status = status.as_str(), reason = ?reason, "scheduled call's moment came");
    }
    Ok(n)
}

async fn place_one(
    store: &Store,
    telephony: &Telephony,
    events: &EventBus,
    local: &LocalHours,
    s: &ScheduledCall,
    now: i64,
) -> Result<outdial_domain::CallId, EngineError> {
    let (campaign, lead) = context(store, s.tenant_id, s).await?;
    let call = place(
        store,
        telephony,
        events,
        local,
        CallRequest {
            campaign: &campaign,
            lead: lead.as_ref(),
            to: s.to.clone(),
            extension: s.extension.clone(),
            call_type: &s.call_type,
        },
        now,
    )
    .await?;
    Ok(call.id)
}

async fn context(
    store: &Store,
    tenant: TenantId,
    s: &ScheduledCall,
) -> Result<(Campaign, Option<Lead>), EngineError> {
    let mut conn = store.conn().await?;
    let campaign = campaigns::get_by_id(&mut conn, tenant, s.campaign_id)
        .await
        .map_err(|e| match e {
            StorageError::NotFound => EngineError::NotFound("campaign"),
            other => other.into(),
        })?;
    let lead =
        match s.lead_id {
            Some(id) => Some(leads::get_by_id(&mut conn, tenant, id).await.map_err(
                |e| match e {
                    StorageError::NotFound => EngineError::NotFound("lead"),
                    other => other.into(),
                },
            )?),
            None => None,
        };
    Ok((campaign, lead))
}
