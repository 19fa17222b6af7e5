//! Leads: the people a campaign calls, their fields, and the statuses they move through.

mod attempt;
mod fields;
pub mod screen;
mod status;

pub use attempt::{AfterCall, Handover, after_call, after_handover, after_no_input};
pub use fields::{NewLead, Priority, parse_flag};
pub use screen::{AttemptLimits, Candidate, HoldWhy, Verdict, screen};
pub use status::{Actor, LeadStatus, LeadStatusError};
