//! A user's hand on a call in progress: hang up a live call, cancel one still ringing. The
//! carrier is asked; the call ends as its reports say, like any other.

use super::Telephony;
use crate::error::EngineError;
use outdial_domain::call::CallStatus;
use outdial_domain::{CallId, TenantId};
use outdial_storage::calls::{self, Call};
use outdial_storage::{StorageError, Store};
use outdial_twilio::{CallUpdate, ErrorKind};

/// Ends the tenant's call `id`: hung up when answered (`Status=completed`), canceled while
/// queued or ringing (`Status=canceled`). `by` (who asked) goes into the call's timeline.
/// Refused for a call already over, or one the carrier does not know yet.
pub async fn hang_up(
    store: &Store,
    telephony: &Telephony,
    tenant: TenantId,
    id: CallId,
    by: &str,
    now: i64,
) -> Result<Call, EngineError> {
    let call = match calls::get_by_id(&mut *store.conn().await?, tenant, id).await {
        Ok(call) => call,
        Err(StorageError::NotFound) => return Err(EngineError::NotFound("call")),
        Err(e) => return Err(e.into()),
    };
    if call.status.is_final() {
        return Err(EngineError::Conflict(format!(
            "call {id} is over already ({})",
            call.status.as_str()
        )));
    }
    let Some(sid) = call.call_sid.clone() else {
        return Err(EngineError::Conflict(format!(
            "call {id} is being handed to the carrier; try again in a moment"
        )));
    };
    let update = if call.status == CallStatus::InProgress {
        CallUpdate::Hangup
    } else {
        CallUpdate::Cancel
    };
    let account = telephony.account_for(store, tenant).await?;
    if let Err(e) = account
        .carrier
        .update_call(&account.creds, &sid, &update)
        .await
    {
        return Err(match e.kind {
            ErrorKind::NotFound => {
                EngineError::Conflict(format!("the carrier no longer has call {id}; it has ended"))
            }
            _ => e.into(),
        });
    }
    let what = match update {
        CallUpdate::Hangup => "hang_up",
        _ => "cancel",
    };
    calls::add_event(
        &mut *store.conn().await?,
        id,
        "control",
        Some(what),
        None,
        &serde_json::json!({ "requested": what, "by": by }),
        now,
    )
    .await?;
    tracing::info!(tenant_id = %tenant, call_id = %id, by, action = what, "call ended by hand");
    Ok(call)
}
