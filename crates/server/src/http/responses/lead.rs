//! A lead as the API answers with it: the stored lead's fields, in the API's names.

use outdial_domain::lead::{LeadStatus, Priority};
use outdial_domain::{CampaignId, ImportId, LeadId, PhoneNumber, TenantId};
use serde::Serialize;
use utoipa::ToSchema;

/// A lead as the API answers with it: the stored lead's fields, in the API's names. Its own type, so the stored row can change without changing the API.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = Lead)]
pub struct LeadResponse {
    /// Its id.
    pub id: LeadId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Its campaign.
    pub campaign_id: CampaignId,
    /// The number, E.164.
    #[schema(value_type = String)]
    pub phone: PhoneNumber,
    /// Digits dialed once the call is answered (written with the number as `ext. 12`).
    pub extension: Option<String>,
    /// The country the number was read in.
    pub country: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Company.
    pub company: String,
    /// The lead's own IANA time zone.
    pub timezone: Option<String>,
    /// Every time zone Outdial takes the person to be in, from the number's area code and the
    /// lead's own zone: each must be within calling hours for a call to be placed. Empty when
    /// neither tells (a toll-free or mobile number without a zone): such a lead is not called
    /// until it is given one.
    pub derived_timezones: Vec<String>,
    /// Free-form category.
    #[serde(rename = "type")]
    pub lead_type: String,
    /// How urgently to call.
    pub priority: Priority,
    /// Where the lead is in its campaign.
    pub status: LeadStatus,
    /// Must never be dialed.
    pub do_not_call: bool,
    /// Notes.
    pub notes: String,
    /// Extra columns from the list.
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    /// Calls made so far.
    pub attempts: i64,
    /// Last call, epoch ms.
    pub last_attempt_at: Option<i64>,
    /// Earliest next call, epoch ms.
    pub next_attempt_at: Option<i64>,
    /// Why the dialer waits until `next_attempt_at` to call it, when a rule holds it back
    /// (calling hours, attempts in the last 24 hours).
    pub hold_reason: Option<String>,
    /// The import that brought it, if any.
    pub import_id: Option<ImportId>,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

impl From<outdial_storage::leads::Lead> for LeadResponse {
    fn from(r: outdial_storage::leads::Lead) -> Self {
        let own = r
            .timezone
            .as_deref()
            .and_then(|z| jiff::tz::TimeZone::get(z).ok());
        let derived_timezones = outdial_domain::hours::callee_zones(&r.phone, own.as_ref())
            .iter()
            .filter_map(|z| z.iana_name().map(str::to_string))
            .collect();
        LeadResponse {
            derived_timezones,
            id: r.id,
            tenant_id: r.tenant_id,
            campaign_id: r.campaign_id,
            phone: r.phone,
            extension: r.extension,
            country: r.country,
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            company: r.company,
            timezone: r.timezone,
            lead_type: r.lead_type,
            priority: r.priority,
            status: r.status,
            do_not_call: r.do_not_call,
            notes: r.notes,
            custom_fields: r.custom_fields,
            attempts: r.attempts,
            last_attempt_at: r.last_attempt_at,
            next_attempt_at: r.next_attempt_at,
            hold_reason: r.hold_reason,
            import_id: r.import_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
