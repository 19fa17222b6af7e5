//! An agent as the API answers with it: who they are, their phone and their status.

use outdial_domain::agent::AgentStatus;
use outdial_domain::{TenantId, UserId};
use serde::Serialize;
use utoipa::ToSchema;

/// An agent as the API answers with it: who they are, their phone and their status.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = Agent)]
pub struct AgentResponse {
    /// The user.
    pub user_id: UserId,
    /// Their tenant.
    pub tenant_id: TenantId,
    /// The user's name.
    pub name: String,
    /// The user's email.
    pub email: String,
    /// The number Outdial calls them on (E.164).
    pub phone: String,
    /// Where they are.
    pub status: AgentStatus,
    /// Since when, epoch ms.
    pub status_since: i64,
    /// When their current call began, while on a call or wrapping it up.
    pub busy_since: Option<i64>,
    /// When wrap-up ends by itself, while wrapping up.
    pub wrap_up_until: Option<i64>,
}

impl From<outdial_storage::agents::Agent> for AgentResponse {
    fn from(r: outdial_storage::agents::Agent) -> Self {
        AgentResponse {
            user_id: r.user_id,
            tenant_id: r.tenant_id,
            name: r.name,
            email: r.email,
            phone: r.phone,
            status: r.status,
            status_since: r.status_since,
            busy_since: r.busy_since,
            wrap_up_until: r.wrap_up_until,
        }
    }
}
