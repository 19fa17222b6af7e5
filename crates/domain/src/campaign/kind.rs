//! The purpose of a campaign, which sets sensible defaults and lets reports group campaigns.

use serde::{Deserialize, Serialize};

/// What a campaign's calls are for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CampaignType {
    /// Remind people of an appointment they already have.
    AppointmentReminder,
    /// Follow up after a service visit (dealerships, studios).
    ServiceFollowUp,
    /// Reach prospects to qualify them or book a meeting.
    SalesOutreach,
    /// Ask customers how satisfied they were.
    CustomerSatisfaction,
    /// Remind customers of a payment that is due.
    PaymentReminder,
    /// Anything else.
    #[default]
    General,
}

impl CampaignType {
    /// Every type, for listings and validation messages.
    pub const ALL: [CampaignType; 6] = [
        CampaignType::AppointmentReminder,
        CampaignType::ServiceFollowUp,
        CampaignType::SalesOutreach,
        CampaignType::CustomerSatisfaction,
        CampaignType::PaymentReminder,
        CampaignType::General,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}
