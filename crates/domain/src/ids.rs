//! Id newtypes, so that a lead id can never be passed where a campaign id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self(value)
            }
        }
    };
}

id_type!(
    /// An organisation; every other record belongs to exactly one.
    TenantId
);
id_type!(
    /// A person who logs in.
    UserId
);
id_type!(
    /// A campaign: a list of leads and how to call them.
    CampaignId
);
id_type!(
    /// A person (or business) to be called, within one campaign.
    LeadId
);
id_type!(
    /// One call: placed by the dialer or by hand, followed through the carrier's reports.
    CallId
);
id_type!(
    /// An API key used by automation.
    ApiKeyId
);
id_type!(
    /// One run of a lead-list import, with its report.
    ImportId
);
