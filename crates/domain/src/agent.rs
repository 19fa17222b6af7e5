//! Agents: the people answered calls are handed to. An agent's status, who may move it where,
//! and when wrap-up ends by itself.

use crate::transition::Transition;
use serde::{Deserialize, Serialize};

/// Where an agent is.
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
pub enum AgentStatus {
    /// Logged out: never offered a call, not counted by the pacer.
    Offline,
    /// Logged in and free: the next answered call may be theirs.
    Available,
    /// Talking to a lead.
    OnCall,
    /// After a call, recording its outcome; free again when wrap-up ends.
    WrapUp,
    /// Logged in but taking no calls (a break).
    Paused,
}

/// Who asks for a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentActor {
    /// The agent, or a manager for them.
    Person,
    /// Outdial, as calls are bridged and end and wrap-up runs out.
    System,
}

/// A status change that is not allowed, with what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct AgentStatusError {
    /// What is wrong.
    pub reason: String,
}

impl AgentStatus {
    /// Every status.
    pub const ALL: [AgentStatus; 5] = [
        AgentStatus::Offline,
        AgentStatus::Available,
        AgentStatus::OnCall,
        AgentStatus::WrapUp,
        AgentStatus::Paused,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Logged in (any status but offline): counted by the pacer.
    pub fn is_logged_in(self) -> bool {
        self != AgentStatus::Offline
    }

    /// Busy with a call (talking or wrapping up): free again soon.
    pub fn is_busy(self) -> bool {
        matches!(self, AgentStatus::OnCall | AgentStatus::WrapUp)
    }

    /// Checks a change by `actor`. People log in and out, pause, and end wrap-up early, but
    /// never leave a call by changing status; Outdial puts agents on calls, into wrap-up and
    /// back to available.
    pub fn change_to(
        self,
        to: AgentStatus,
        actor: AgentActor,
    ) -> Result<AgentStatus, AgentStatusError> {
        use AgentStatus::*;
        if self == to {
            return Ok(to);
        }
        let allowed = match actor {
            AgentActor::Person => matches!(
                (self, to),
                (Offline | Paused | WrapUp, Available)
                    | (Offline | Available | WrapUp, Paused)
                    | (Available | Paused | WrapUp, Offline)
            ),
            AgentActor::System => matches!(
                (self, to),
                (Available, OnCall)
                    | (OnCall, WrapUp)
                    | (WrapUp, Available)
                    | (OnCall, Available)
                    | (OnCall, Paused)
            ),
        };
        if allowed {
            return Ok(to);
        }
        let reason = match (self, to, actor) {
            (OnCall, _, AgentActor::Person) => {
                "the agent is on a call; the status changes when the call ends".to_string()
            }
            (_, OnCall | WrapUp, AgentActor::Person) => format!(
                "{} is set by Outdial as calls are bridged and end; set available, paused or offline",
                to.as_str()
            ),
            _ => format!(
                "an agent cannot go from {} to {}",
                self.as_str(),
                to.as_str()
            ),
        };
        Err(AgentStatusError { reason })
    }
}

/// The moves storage makes on agents: constants for what Outdial does as calls are bridged
/// and end, checked changes for everything else. The tests below hold each to the rules.
impl AgentStatus {
    /// An available agent is offered (and put on) a call.
    pub const TAKE_CALL: Transition<AgentStatus> =
        Transition::fixed(&[AgentStatus::Available], AgentStatus::OnCall);
    /// An agent's call ended: wrap-up starts.
    pub const WRAP_UP: Transition<AgentStatus> =
        Transition::fixed(&[AgentStatus::OnCall], AgentStatus::WrapUp);
    /// An offer ended without a conversation (the caller left, another agent took it): the
    /// agent is free again.
    pub const RELEASE: Transition<AgentStatus> =
        Transition::fixed(&[AgentStatus::OnCall], AgentStatus::Available);
    /// An agent let an offered call pass without answering: paused, so the next caller is not
    /// offered to an empty desk.
    pub const PAUSE_AFTER_MISS: Transition<AgentStatus> =
        Transition::fixed(&[AgentStatus::OnCall], AgentStatus::Paused);
    /// Wrap-up time ran out: available again.
    pub const END_WRAP_UP: Transition<AgentStatus> =
        Transition::fixed(&[AgentStatus::WrapUp], AgentStatus::Available);

    /// An agent whose offer ended without a conversation goes back: to `to` (available, or
    /// paused after a missed call).
    pub fn released(to: AgentStatus) -> Result<Transition<AgentStatus>, AgentStatusError> {
        AgentStatus::OnCall.change_to(to, AgentActor::System)?;
        Ok(Transition::checked(vec![AgentStatus::OnCall], to))
    }

    /// A change of one agent from `self` to `to` by `actor`.
    pub fn moved(
        self,
        to: AgentStatus,
        actor: AgentActor,
    ) -> Result<Transition<AgentStatus>, AgentStatusError> {
        self.change_to(to, actor)?;
        Ok(Transition::checked(vec![self], to))
    }
}

impl std::fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::AgentActor::*;
    use super::AgentStatus::*;
    use super::{AgentActor, AgentStatus};

    #[test]
    fn every_move_storage_can_make_is_allowed_by_the_rules() {
        for t in [
            AgentStatus::TAKE_CALL,
            AgentStatus::RELEASE,
            AgentStatus::PAUSE_AFTER_MISS,
            AgentStatus::WRAP_UP,
            AgentStatus::END_WRAP_UP,
        ] {
            for from in t.from() {
                assert!(from.change_to(t.to(), AgentActor::System).is_ok());
            }
        }
        for to in AgentStatus::ALL {
            assert_eq!(
                AgentStatus::released(to).is_ok(),
                AgentStatus::OnCall
                    .change_to(to, AgentActor::System)
                    .is_ok()
            );
            for from in AgentStatus::ALL {
                for actor in [AgentActor::Person, AgentActor::System] {
                    assert_eq!(
                        from.moved(to, actor).is_ok(),
                        from.change_to(to, actor).is_ok()
                    );
                }
            }
        }
    }

    #[test]
    fn people_log_in_pause_and_out_but_never_leave_a_call_by_status() {
        assert_eq!(Offline.change_to(Available, Person), Ok(Available));
        assert_eq!(Available.change_to(Paused, Person), Ok(Paused));
        assert_eq!(
            WrapUp.change_to(Available, Person),
            Ok(Available),
            "ends wrap-up early"
        );
        assert_eq!(Paused.change_to(Offline, Person), Ok(Offline));
        let err = OnCall.change_to(Offline, Person).unwrap_err();
        assert!(err.reason.contains("on a call"));
        let err = Available.change_to(OnCall, Person).unwrap_err();
        assert!(err.reason.contains("set by Outdial"));
    }

    #[test]
    fn outdial_moves_agents_through_calls() {
        assert_eq!(Available.change_to(OnCall, System), Ok(OnCall));
        assert_eq!(OnCall.change_to(WrapUp, System), Ok(WrapUp));
        assert_eq!(WrapUp.change_to(Available, System), Ok(Available));
        assert!(
            Offline.change_to(OnCall, System).is_err(),
            "never a logged-out agent"
        );
        assert!(
            Paused.change_to(OnCall, System).is_err(),
            "never a pausing one"
        );
    }

    #[test]
    fn the_pacer_counts_logged_in_and_busy_agents() {
        let logged: Vec<_> = super::AgentStatus::ALL
            .into_iter()
            .filter(|s| s.is_logged_in())
            .collect();
        assert_eq!(logged, vec![Available, OnCall, WrapUp, Paused]);
        assert!(OnCall.is_busy() && WrapUp.is_busy() && !Paused.is_busy());
    }
}
