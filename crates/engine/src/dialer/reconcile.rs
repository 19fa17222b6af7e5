//! Reconciliation: calls whose news stopped coming are asked about at the carrier, and claims
//! that outlived their call are released. This is what makes a crash or a lost callback safe:
//! a call the carrier made is recorded as it went (never dialed again blindly), and a call the
//! carrier never made hands its lead back without counting an attempt.

use super::Context;
use crate::error::EngineError;
use crate::telephony::events;
use outdial_domain::call::CallSid;
use outdial_domain::call::{CallStatus, Outcome};
use outdial_domain::lead::{AfterCall, LeadStatus};
use outdial_storage::calls::{self, Call};
use outdial_storage::{StorageError, dialing, leads};
use outdial_twilio::webhook::CallEvent;
use outdial_twilio::{CallInfo, ErrorKind};

/// Calls looked at per sweep at most.
const PER_SWEEP: i64 = 100;

/// A lead `dialing` with no open call for this long is released.
const ORPHAN_AFTER_MS: i64 = 60_000;

/// One sweep at `now`.
pub async fn sweep(ctx: &Context, now: i64) -> Result<(), EngineError> {
    let mut conn = ctx.store.conn().await?;
    let released = leads::release_orphaned_claims(&mut conn, now - ORPHAN_AFTER_MS, now).await?;
    if released > 0 {
        tracing::warn!(
            leads = released,
            "released leads whose call had ended without finishing them"
        );
    }
    let quiet_before = now - i64::from(ctx.config.reconcile_after_seconds) * 1000;
    let quiet = dialing::quiet_calls(&mut conn, quiet_before, PER_SWEEP).await?;
    drop(conn);
    for call in quiet {
        if let Err(e) = reconcile(ctx, &call, now).await {
            tracing::warn!(call_id = %call.id, error = %e, "could not reconcile a quiet call; trying again later");
        }
    }
    Ok(())
}

/// Asks the carrier about one quiet call and records what it says.
pub async fn reconcile(ctx: &Context, call: &Call, now: i64) -> Result<(), EngineError> {
    let account = ctx
        .telephony
        .account_for(&ctx.store, call.tenant_id)
        .await?;
    let found: Option<CallInfo> = match &call.call_sid {
        Some(sid) => match account.carrier.fetch_call(&account.creds, sid).await {
            Ok(info) => Some(info),
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        },
        None => {
            // Created at the carrier but never recorded? Look for a call to that number from
            // that caller ID that no call of ours carries.
            let listed = account
                .carrier
                .find_calls(&account.creds, call.to.as_str(), call.from.as_str())
                .await
                .map_err(EngineError::from)?;
            let sids: Vec<&CallSid> = listed.iter().map(|c| &c.sid).collect();
            // Sids other calls carry; this call's own (recorded by a status report that came in
            // after the sweep read it) is the answer, not another call's.
            let known = dialing::known_sids(&mut *ctx.store.conn().await?, &sids, call.id).await?;
            listed.into_iter().find(|c| !known.contains(&c.sid))
        }
    };
    let Some(info) = found else {
        metrics::counter!("outdial_dialer_reconciled_total", "found" => "no").increment(1);
        tracing::warn!(tenant_id = %call.tenant_id, call_id = %call.id, "the carrier has no such call: it was never placed");
        return never_placed(ctx, call, now).await;
    };
    metrics::counter!("outdial_dialer_reconciled_total", "found" => "yes").increment(1);
    let event = CallEvent {
        call_sid: info.sid.clone(),
        account_sid: account.creds.account_sid.clone(),
        status: info.status,
        sequence: None,
        duration_seconds: info.duration_seconds,
        answered_by: info.answered_by,
        error_code: None,
        error_message: None,
        sip_response_code: None,
    };
    let form = vec![
        ("Source".to_string(), "reconciliation".to_string()),
        ("CallSid".to_string(), info.sid.to_string()),
        ("CallStatus".to_string(), info.status.as_str().to_string()),
    ];
    events::apply_status(
        &ctx.store,
        call.tenant_id,
        call.id,
        "reconcile",
        &event,
        &form,
        now,
    )
    .await?;
    if !info.status.is_final() {
        // Still going: ask again after another quiet spell.
        calls::touch_calls(&mut *ctx.store.conn().await?, &[call.id], now).await?;
    }
    tracing::info!(tenant_id = %call.tenant_id, call_id = %call.id, status = %info.status.as_str(), "reconciled a quiet call with the carrier");
    Ok(())
}

/// Ends a call the carrier never made and hands its lead back, due at once, with no attempt
/// counted: the person was never called.
async fn never_placed(ctx: &Context, call: &Call, now: i64) -> Result<(), EngineError> {
    let mut tx = ctx.store.begin().await?;
    let mut current = calls::lock(&mut tx, call.tenant_id, call.id).await?;
    // The carrier's answer came in meanwhile (a status report): the call was placed after all,
    // and calling its lead again would call the person twice.
    if current.status.is_final() || current.call_sid.is_some() {
        return Ok(());
    }
    current.status = CallStatus::Failed;
    current.outcome = Some(Outcome::Failed);
    current.error_message =
        Some("never reached the carrier (Outdial stopped or lost the carrier's answer); the lead is called again".into());
    current.ended_at = Some(now);
    calls::add_event(
        &mut tx,
        call.id,
        "reconcile",
        Some("failed"),
        None,
        &serde_json::json!({"Source": "reconciliation", "found_at_carrier": false}),
        now,
    )
    .await?;
    calls::save(&mut tx, &current, now).await?;
    calls::mark_never_placed(&mut tx, call.id).await?;
    if let Some(lead_id) = call.lead_id
        && let Some(lead) = leads::get_many(&mut tx, &[lead_id]).await?.pop()
    {
        let back = AfterCall {
            status: LeadStatus::Retry,
            attempts: lead.attempts,
            next_attempt_at: Some(now),
        };
        leads::finish_attempt(&mut tx, lead_id, &back, now).await?;
    }
    tx.commit().await.map_err(StorageError::from)?;
    Ok(())
}
