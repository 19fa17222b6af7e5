//! Outdial's domain: the rules every other crate obeys — phone numbers, do-not-call entries,
//! roles, campaigns and leads with their legal status transitions, and how a lead-list row becomes
//! a lead. Pure: no I/O, no async, no clock reads (time is always passed in).

pub mod agent;
pub mod audio;
pub mod calendar;
pub mod call;
pub mod campaign;
pub mod contact;
pub mod country;
pub mod dnc;
pub mod hours;
pub mod ids;
pub mod import;
pub mod lead;
pub mod locale;
#[cfg(test)]
mod names;
pub mod pacing;
pub mod phone;
pub mod role;
pub mod text;
pub mod transfer;
pub mod transition;

pub use country::Country;
pub use ids::{ApiKeyId, CallId, CampaignId, ImportId, LeadId, TenantId, UserId};
pub use locale::Locale;
pub use phone::{PhoneError, PhoneNumber};
pub use role::{Permission, Role};
pub use transition::Transition;
