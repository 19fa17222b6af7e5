//! A call as the API answers with it.

use outdial_domain::call::{AnsweredBy, CallSid, CallStatus, Disposition, Outcome};
use outdial_domain::{CallId, CampaignId, LeadId, PhoneNumber, TenantId};
use serde::Serialize;
use utoipa::ToSchema;

/// A call as the API answers with it. Its own type, so the stored row can change without changing the API.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = Call)]
pub struct CallResponse {
    /// Its id.
    pub id: CallId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The campaign it was made for, if any.
    pub campaign_id: Option<CampaignId>,
    /// The lead called, if any.
    pub lead_id: Option<LeadId>,
    /// The lead's name (first and last), when the call was to a lead with a name: who was
    /// called, as a person reads it.
    pub lead_name: Option<String>,
    /// `campaign`, `cold_call`, `appointment_booking` or `single`.
    pub call_type: String,
    /// The carrier's id, once the carrier accepted the call.
    #[schema(value_type = Option<String>)]
    pub call_sid: Option<CallSid>,
    /// Caller ID.
    #[schema(value_type = String)]
    pub from: PhoneNumber,
    /// The number called.
    #[schema(value_type = String)]
    pub to: PhoneNumber,
    /// The carrier's status.
    pub status: CallStatus,
    /// Who answered, when detected.
    pub answered_by: Option<AnsweredBy>,
    /// How it turned out, once ended.
    pub outcome: Option<Outcome>,
    /// What happened inside the call.
    pub disposition: Option<Disposition>,
    /// The carrier's error code.
    pub error_code: Option<i64>,
    /// The carrier's error message.
    pub error_message: Option<String>,
    /// Placed, epoch ms.
    pub created_at: i64,
    /// Started ringing, epoch ms.
    pub ringing_at: Option<i64>,
    /// Answered, epoch ms.
    pub answered_at: Option<i64>,
    /// Ended, epoch ms.
    pub ended_at: Option<i64>,
    /// Seconds of ringing before the answer or the end.
    pub ring_seconds: Option<i64>,
    /// Seconds of talk, as the carrier counts them.
    pub talk_seconds: Option<i64>,
    /// The recording's id.
    pub recording_sid: Option<String>,
    /// Where the recording is.
    pub recording_url: Option<String>,
    /// Digits dialed once the call was answered (the number's extension).
    pub extension: Option<String>,
    /// The recording's length.
    pub recording_seconds: Option<i64>,
    /// What the call cost.
    pub price: Option<String>,
    /// The price's currency.
    pub price_unit: Option<String>,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

impl From<outdial_storage::calls::Call> for CallResponse {
    fn from(r: outdial_storage::calls::Call) -> Self {
        CallResponse {
            id: r.id,
            tenant_id: r.tenant_id,
            campaign_id: r.campaign_id,
            lead_id: r.lead_id,
            lead_name: None,
            call_type: r.call_type,
            call_sid: r.call_sid,
            from: r.from,
            to: r.to,
            status: r.status,
            answered_by: r.answered_by,
            outcome: r.outcome,
            disposition: r.disposition,
            error_code: r.error_code,
            error_message: r.error_message,
            created_at: r.created_at,
            ringing_at: r.ringing_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            ring_seconds: r.ring_seconds,
            talk_seconds: r.talk_seconds,
            recording_sid: r.recording_sid,
            recording_url: r.recording_url,
            extension: r.extension,
            recording_seconds: r.recording_seconds,
            price: r.price,
            price_unit: r.price_unit,
            updated_at: r.updated_at,
        }
    }
}

/// Calls as the API answers with them, each with its lead's name (one query for them all).
pub async fn named(
    conn: &mut outdial_storage::Conn,
    tenant: TenantId,
    calls: Vec<outdial_storage::calls::Call>,
) -> Result<Vec<CallResponse>, outdial_storage::StorageError> {
    let mut ids: Vec<LeadId> = calls.iter().filter_map(|c| c.lead_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = outdial_storage::leads::names(conn, tenant, &ids).await?;
    Ok(calls
        .into_iter()
        .map(|c| CallResponse {
            lead_name: c.lead_id.and_then(|l| names.get(&l).cloned()),
            ..c.into()
        })
        .collect())
}
