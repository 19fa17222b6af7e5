//! A lead's status and who may move it where.

use crate::transition::Transition;
use serde::{Deserialize, Serialize};

/// Where a lead is in its campaign.
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
pub enum LeadStatus {
    /// Not called yet.
    New,
    /// A call is being placed or is in progress.
    Dialing,
    /// Called without reaching anyone; waiting for its next attempt.
    Retry,
    /// Done: reached, or closed by a user.
    Completed,
    /// Out of attempts without being reached.
    Exhausted,
    /// The number cannot be called (the carrier refused it as invalid).
    Invalid,
}

/// Who asks for a change: the dialer moves leads through calls; users reset or close them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The dialer, as calls start and end.
    Dialer,
    /// A person through the API or the UI.
    User,
    /// An agent's disposition, applied once the lead's call is over.
    Agent,
}

/// A status change that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct LeadStatusError {
    /// What is wrong and what to do instead.
    pub reason: String,
}

impl LeadStatus {
    /// Every status.
    pub const ALL: [LeadStatus; 6] = [
        LeadStatus::New,
        LeadStatus::Dialing,
        LeadStatus::Retry,
        LeadStatus::Completed,
        LeadStatus::Exhausted,
        LeadStatus::Invalid,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Whether the dialer may still call this lead (do-not-call and limits are checked apart).
    pub fn is_callable(self) -> bool {
        matches!(self, LeadStatus::New | LeadStatus::Retry)
    }

    /// Checks a change by `actor`. The dialer follows calls; a user may reset a finished or
    /// waiting lead to `new`, or close a waiting one as `completed`, but never touches a lead
    /// while its call is in progress.
    pub fn change_to(self, to: LeadStatus, actor: Actor) -> Result<LeadStatus, LeadStatusError> {
        use LeadStatus::*;
        if self == to {
            return Ok(to);
        }
        let allowed = match actor {
            Actor::Dialer => matches!(
                (self, to),
                (New | Retry, Dialing | Exhausted)
                    | (Dialing, New | Retry | Completed | Exhausted | Invalid)
            ),
            Actor::User => matches!(
                (self, to),
                (Retry | Completed | Exhausted | Invalid, New) | (New | Retry, Completed)
            ),
            Actor::Agent => self != Dialing && matches!(to, Retry | Completed | Invalid),
        };
        if allowed {
            return Ok(to);
        }
        let reason = match (self, actor) {
            (Dialing, Actor::User | Actor::Agent) => {
                "the lead is being called right now; wait for the call to end".to_string()
            }
            (_, Actor::Agent) => format!(
                "a disposition cannot set a lead to {}; it sets retry, completed or invalid",
                to.as_str()
            ),
            (_, Actor::User) => format!(
                "a {} lead cannot be set to {} by hand; you may reset a lead to new, or close a new or retrying lead as completed",
                self.as_str(),
                to.as_str()
            ),
            (_, Actor::Dialer) => format!(
                "the dialer cannot move a lead from {} to {}",
                self.as_str(),
                to.as_str()
            ),
        };
        Err(LeadStatusError { reason })
    }
}

/// The moves storage makes on leads. Each is either a constant the dialer uses or checked
/// against [`LeadStatus::change_to`] when made; the tests below hold every constant to the rules.
impl LeadStatus {
    /// The dialer claims a callable lead for a call.
    pub const CLAIM: Transition<LeadStatus> =
        Transition::fixed(&[LeadStatus::New, LeadStatus::Retry], LeadStatus::Dialing);
    /// The dialer closes a callable lead that has used every attempt its campaign allows.
    pub const EXHAUST: Transition<LeadStatus> =
        Transition::fixed(&[LeadStatus::New, LeadStatus::Retry], LeadStatus::Exhausted);
    /// A claim outlived its call (a crash between ending the call and finishing the lead): the
    /// lead waits for another attempt.
    pub const RELEASE: Transition<LeadStatus> =
        Transition::fixed(&[LeadStatus::Dialing], LeadStatus::Retry);

    /// A reminder campaign's lead named for its number's next appointment: called afresh,
    /// unless its call is in progress or its number proved invalid.
    pub const RENEW: Transition<LeadStatus> = Transition::fixed(
        &[
            LeadStatus::New,
            LeadStatus::Retry,
            LeadStatus::Completed,
            LeadStatus::Exhausted,
        ],
        LeadStatus::New,
    );

    /// The end of a lead's call: from `dialing` to what the call's outcome decided.
    pub fn ended(to: LeadStatus) -> Result<Transition<LeadStatus>, LeadStatusError> {
        LeadStatus::Dialing.change_to(to, Actor::Dialer)?;
        Ok(Transition::checked(vec![LeadStatus::Dialing], to))
    }

    /// An agent's disposition settling a lead whose call is over.
    pub fn settled(to: LeadStatus) -> Result<Transition<LeadStatus>, LeadStatusError> {
        if !matches!(
            to,
            LeadStatus::Retry | LeadStatus::Completed | LeadStatus::Invalid
        ) {
            return Err(LeadStatusError {
                reason: format!(
                    "a disposition cannot set a lead to {to}; it sets retry, completed or invalid"
                ),
            });
        }
        let from = LeadStatus::ALL
            .into_iter()
            .filter(|s| *s != LeadStatus::Dialing && s.change_to(to, Actor::Agent).is_ok())
            .collect();
        Ok(Transition::checked(from, to))
    }

    /// A user's change of one lead from `self` to `to`.
    pub fn changed_by_user(
        self,
        to: LeadStatus,
    ) -> Result<Transition<LeadStatus>, LeadStatusError> {
        self.change_to(to, Actor::User)?;
        Ok(Transition::checked(vec![self], to))
    }

    /// Recycling a worked list: leads in any of `from` (finished or waiting) start again as
    /// `new`.
    pub fn recycle(from: &[LeadStatus]) -> Result<Transition<LeadStatus>, LeadStatusError> {
        for s in from {
            s.change_to(LeadStatus::New, Actor::User)?;
        }
        Ok(Transition::checked(from.to_vec(), LeadStatus::New))
    }
}

impl std::fmt::Display for LeadStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeadStatus::*;

    #[test]
    fn the_dialer_moves_a_lead_through_a_call() {
        assert_eq!(New.change_to(Dialing, Actor::Dialer), Ok(Dialing));
        assert_eq!(Dialing.change_to(Retry, Actor::Dialer), Ok(Retry));
        assert_eq!(Retry.change_to(Dialing, Actor::Dialer), Ok(Dialing));
        assert_eq!(Dialing.change_to(Completed, Actor::Dialer), Ok(Completed));
    }

    #[test]
    fn the_dialer_never_redials_a_finished_lead() {
        for from in [Completed, Exhausted, Invalid] {
            assert!(from.change_to(Dialing, Actor::Dialer).is_err());
        }
    }

    #[test]
    fn users_reset_and_close_but_never_interrupt_a_call() {
        assert_eq!(Exhausted.change_to(New, Actor::User), Ok(New));
        assert_eq!(Retry.change_to(Completed, Actor::User), Ok(Completed));
        let err = Dialing.change_to(Completed, Actor::User).unwrap_err();
        assert!(err.reason.contains("being called"));
        assert!(New.change_to(Dialing, Actor::User).is_err());
    }

    #[test]
    fn every_move_storage_can_make_is_allowed_by_the_rules() {
        for from in LeadStatus::RENEW.from() {
            assert!(
                from.change_to(LeadStatus::New, Actor::User).is_ok(),
                "{from} renewed"
            );
        }
        let dialer = [LeadStatus::CLAIM, LeadStatus::EXHAUST, LeadStatus::RELEASE];
        for t in &dialer {
            for from in t.from() {
                assert!(
                    from.change_to(t.to(), Actor::Dialer).is_ok(),
                    "{from} -> {}",
                    t.to()
                );
            }
        }
        for to in LeadStatus::ALL {
            let ended = LeadStatus::ended(to);
            assert_eq!(ended.is_ok(), Dialing.change_to(to, Actor::Dialer).is_ok());
            if let Ok(settled) = LeadStatus::settled(to) {
                assert!(
                    !settled.from().contains(&Dialing),
                    "a call in progress is left alone"
                );
                for from in settled.from() {
                    assert!(from.change_to(to, Actor::Agent).is_ok());
                }
            }
            for from in LeadStatus::ALL {
                assert_eq!(
                    from.changed_by_user(to).is_ok(),
                    from.change_to(to, Actor::User).is_ok()
                );
            }
        }
        assert!(LeadStatus::recycle(&[Completed, Exhausted]).is_ok());
        assert!(
            LeadStatus::recycle(&[Dialing]).is_err(),
            "a call in progress is never recycled"
        );
        assert!(LeadStatus::settled(Dialing).is_err());
    }

    #[test]
    fn only_new_and_retry_are_callable() {
        let callable: Vec<_> = LeadStatus::ALL
            .into_iter()
            .filter(|s| s.is_callable())
            .collect();
        assert_eq!(callable, vec![New, Retry]);
    }
}
