//! Booking: the free slots of a calendar (all of a range, or the nearest to what a person asked
//! for), holding a slot while a person decides, and booking, moving and changing appointments
//! by the calendar's rules. Agents, the web app, the API, reminder calls and (later)
//! conversations all book through here; the places themselves are taken atomically in storage.

mod availability;
mod book;

pub use availability::{FreeSlot, Nearest, free_slots, nearest, next_free, stretch};
pub use book::{Booking, Hold, book, hold, release, reschedule, set_status};

/// The moment of epoch ms `ms` (the epoch itself for one out of range, which no calendar has
/// slots at).
pub(crate) fn at(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}
