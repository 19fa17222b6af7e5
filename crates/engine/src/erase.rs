//! Erasing a person on request (GDPR Art. 17): their leads, the personal data in their calls
//! (number, timeline, transcript, agents' notes) and their recordings, here and at the carrier.
//! What stops them being called again stays: their number goes on the do-not-call list.

use crate::error::EngineError;
use crate::telephony::Telephony;
use outdial_domain::{PhoneNumber, TenantId};
use outdial_storage::dnc::{self, Origin};
use outdial_storage::{StorageError, Store, erase};
use outdial_twilio::ErrorKind;

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Erasure {
    /// Leads deleted (every lead of the tenant with the number).
    pub leads_deleted: u64,
    /// Calls kept for the figures, stripped of the person's data.
    pub calls_scrubbed: u64,
    /// Recordings deleted at the carrier.
    pub recordings_deleted: u64,
    /// Recordings the carrier could not delete now (their ids, which name no one): delete them
    /// in the carrier's console, or ask again.
    pub recordings_left: Vec<String>,
    /// The number stays on the do-not-call list, so the person is never called again.
    pub on_do_not_call_list: bool,
}

/// Erases the person called on `phone`. Refused while a call to them is in progress.
pub async fn person(
    store: &Store,
    telephony: &Telephony,
    tenant: TenantId,
    phone: &PhoneNumber,
    by: &str,
    now: i64,
) -> Result<Erasure, EngineError> {
    let mut tx = store.begin().await?;
    if erase::live_calls(&mut tx, tenant, phone).await? > 0 {
        return Err(EngineError::Conflict(
            "a call to this person is in progress; hang it up (or wait for its end), then erase"
                .into(),
        ));
    }
    let origin = Origin {
        source: "erasure",
        reason: "erased at the person's request (GDPR Art. 17); kept so they are never called again",
        created_by: by,
    };
    dnc::add(&mut tx, tenant, std::slice::from_ref(phone), &origin, now).await?;
    let erased = erase::person(&mut tx, tenant, phone).await?;
    tx.commit().await.map_err(StorageError::from)?;
    let mut deleted = 0;
    let mut left = Vec::new();
    if !erased.recording_sids.is_empty() {
        let account = telephony.account_for(store, tenant).await?;
        for sid in erased.recording_sids {
            match account.carrier.delete_recording(&account.creds, &sid).await {
                Ok(()) => deleted += 1,
                // Gone already: nothing of the person is left there.
                Err(e) if e.kind == ErrorKind::NotFound => deleted += 1,
                Err(e) => {
                    tracing::warn!(tenant_id = %tenant, recording_sid = %sid, error = %e, "an erased person's recording could not be deleted at the carrier");
                    left.push(sid);
                }
            }
        }
    }
    tracing::info!(tenant_id = %tenant, by, leads = erased.leads, calls = erased.calls, recordings = deleted, "a person was erased on request");
    Ok(Erasure {
        leads_deleted: erased.leads,
        calls_scrubbed: erased.calls,
        recordings_deleted: deleted,
        recordings_left: left,
        on_do_not_call_list: true,
    })
}
