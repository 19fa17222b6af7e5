//! Calls: the carrier's call statuses and how they may advance, who answered, and what an attempt
//! came to.

mod answered_by;
mod outcome;
pub mod scheduled;
mod sid;
mod status;

pub use answered_by::AnsweredBy;
pub use outcome::{Disposition, Outcome};
pub use scheduled::ScheduledStatus;
pub use sid::CallSid;
pub use status::{CallStatus, Progress};
