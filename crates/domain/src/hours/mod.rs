//! When a number may be called: the campaign's calling window in its own time zone **and** the
//! called person's local hours in every time zone the number may be in, checked at the moment
//! of dialing. A number that may not be called now gets the next moment it may, so a lead held
//! back is rescheduled, never dropped.

mod gate;
mod local;
mod zones;

pub use gate::{Blocked, Gate, HoldReason, callee_zones};
pub use local::{HoursRuleError, LocalHours, Region};
pub use zones::{NumberZones, number_zones};
