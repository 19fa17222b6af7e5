//! Leads: the people a campaign calls, their fields, and the statuses they move through.

mod fields;
mod status;

pub use fields::{NewLead, Priority, parse_flag};
pub use status::{Actor, LeadStatus, LeadStatusError};
