//! A single call scheduled for later: where it is on its way to being placed.

use serde::{Deserialize, Serialize};

/// Where a scheduled call is.
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
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ScheduledStatus {
    /// Waiting for its moment; can be canceled.
    Scheduled,
    /// Its moment came: being screened and placed.
    Placing,
    /// Placed: `call_id` names the call.
    Placed,
    /// The screen refused it at its moment (`reason` says why).
    Refused,
    /// The carrier or Outdial failed to place it (`reason` says why).
    Failed,
    /// Canceled before its moment.
    Canceled,
}

impl ScheduledStatus {
    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads [`ScheduledStatus::as_str`].
    pub fn parse(s: &str) -> Option<ScheduledStatus> {
        s.parse().ok()
    }
}

/// How far ahead a call may be scheduled.
pub const MAX_AHEAD_MS: i64 = 90 * 86_400_000;
