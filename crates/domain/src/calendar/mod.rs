//! Calendars and appointments: when a calendar takes appointments (business hours, slot length,
//! capacity, buffer, notice, horizon, closed days and public holidays), the slots that follow
//! from it, the statuses an appointment moves through, and the iCalendar text people's own
//! calendar apps read. Pure: "now" is always passed in.

mod appointment;
pub mod holidays;
pub mod ical;
mod settings;
mod slots;
pub mod spoken;

pub use appointment::{AppointmentStatus, AppointmentStatusError};
pub use settings::{CalendarSettings, ClosedDay, SettingsError, Span, Week};
pub use slots::{NotBookable, Slot, Wanted};
