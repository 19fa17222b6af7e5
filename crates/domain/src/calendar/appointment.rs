//! The statuses an appointment moves through, and which changes are allowed.

use crate::transition::Transition;
use serde::{Deserialize, Serialize};

/// Where an appointment is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked, not yet confirmed by the person.
    Booked,
    /// The person confirmed they will come.
    Confirmed,
    /// Cancelled: its place is free again.
    Cancelled,
    /// The person did not come.
    NoShow,
    /// It took place.
    Completed,
}

/// A change the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an appointment that is {from} cannot be {to}")]
pub struct AppointmentStatusError {
    /// Where it is.
    pub from: &'static str,
    /// Where it was asked to go.
    pub to: &'static str,
}

impl AppointmentStatus {
    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads [`AppointmentStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Whether it still holds its place (booked or confirmed): only these can be moved,
    /// confirmed, cancelled or closed.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Booked | AppointmentStatus::Confirmed
        )
    }

    /// A move to another slot: an open appointment is booked again (the person has not
    /// confirmed the new time).
    pub const MOVE: Transition<AppointmentStatus> = Transition::fixed(
        &[AppointmentStatus::Booked, AppointmentStatus::Confirmed],
        AppointmentStatus::Booked,
    );

    /// Checks a change: open appointments may be confirmed, cancelled, marked no-show or
    /// completed; closed ones stay as they are (a mistake is corrected by booking anew).
    pub fn change_to(self, to: AppointmentStatus) -> Result<(), AppointmentStatusError> {
        let allowed = match to {
            AppointmentStatus::Booked => false,
            AppointmentStatus::Confirmed => self == AppointmentStatus::Booked,
            _ => self.is_open(),
        };
        if allowed {
            Ok(())
        } else {
            Err(AppointmentStatusError {
                from: past(self),
                to: past(to),
            })
        }
    }
}

fn past(s: AppointmentStatus) -> &'static str {
    match s {
        AppointmentStatus::Booked => "booked",
        AppointmentStatus::Confirmed => "confirmed",
        AppointmentStatus::Cancelled => "cancelled",
        AppointmentStatus::NoShow => "marked no-show",
        AppointmentStatus::Completed => "completed",
    }
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::*;

    #[test]
    fn open_appointments_move_and_closed_ones_stay() {
        assert!(Booked.change_to(Confirmed).is_ok());
        assert!(Booked.change_to(Cancelled).is_ok());
        assert!(Confirmed.change_to(Completed).is_ok());
        assert!(Confirmed.change_to(NoShow).is_ok());
        assert!(Confirmed.change_to(Confirmed).is_err());
        assert!(Cancelled.change_to(Confirmed).is_err());
        assert_eq!(
            Completed.change_to(Cancelled).unwrap_err().to_string(),
            "an appointment that is completed cannot be cancelled"
        );
        assert!(Booked.change_to(Booked).is_err());
        for from in super::AppointmentStatus::MOVE.from() {
            assert!(from.is_open());
        }
    }
}
