//! A campaign as the API answers with it: its settings in full, as a request writes them.

use outdial_domain::campaign::{CampaignSettings, CampaignStatus, CampaignType};
use outdial_domain::{CampaignId, TenantId};
use serde::Serialize;
use utoipa::ToSchema;

/// A campaign as the API answers with it: its settings in full, as a request writes them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = Campaign)]
pub struct CampaignResponse {
    /// Its id.
    pub id: CampaignId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// What the calls are for.
    #[serde(rename = "type")]
    pub campaign_type: CampaignType,
    /// Where it is in its life.
    pub status: CampaignStatus,
    /// Everything about how it calls.
    pub settings: CampaignSettings,
    /// Why it last changed status by itself (e.g. the carrier refused the credentials); cleared
    /// when a person changes its status.
    pub status_reason: Option<String>,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

impl From<outdial_storage::campaigns::Campaign> for CampaignResponse {
    fn from(r: outdial_storage::campaigns::Campaign) -> Self {
        CampaignResponse {
            id: r.id,
            tenant_id: r.tenant_id,
            name: r.name,
            campaign_type: r.campaign_type,
            status: r.status,
            settings: r.settings.into(),
            status_reason: r.status_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
