//! What an ended call does to its lead: done, try again later, or out of attempts.

use super::LeadStatus;
use crate::call::Outcome;
use crate::campaign::CampaignSettings;

/// A lead's state after one more call attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterCall {
    /// Its new status.
    pub status: LeadStatus,
    /// Attempts made, this one included.
    pub attempts: i64,
    /// When it may be called next (epoch ms), for `retry`.
    pub next_attempt_at: Option<i64>,
}

/// The lead's state after a call that came to `outcome` at `now`, when it had `attempts_before`
/// attempts. A person reached completes it; an invalid number closes it for good; other outcomes
/// wait for their retry delay unless the outcome's own limit or the campaign's per-lead limit is
/// reached.
pub fn after_call(
    outcome: Outcome,
    attempts_before: i64,
    settings: &CampaignSettings,
    now: i64,
) -> AfterCall {
    let attempts = attempts_before + 1;
    let (status, next) = match outcome {
        Outcome::Answered => (LeadStatus::Completed, None),
        Outcome::Invalid => (LeadStatus::Invalid, None),
        other => match other.retry_rule(&settings.retry) {
            Some(rule)
                if attempts < i64::from(rule.max_attempts)
                    && attempts < i64::from(settings.max_attempts_per_lead) =>
            {
                (
                    LeadStatus::Retry,
                    Some(now + i64::from(rule.delay_minutes) * 60_000),
                )
            }
            _ => (LeadStatus::Exhausted, None),
        },
    };
    AfterCall {
        status,
        attempts,
        next_attempt_at: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_complete_close_or_schedule_a_retry() {
        let s = CampaignSettings::default();
        let done = after_call(Outcome::Answered, 0, &s, 1_000);
        assert_eq!((done.status, done.attempts), (LeadStatus::Completed, 1));
        assert_eq!(
            after_call(Outcome::Invalid, 0, &s, 0).status,
            LeadStatus::Invalid
        );
        let busy = after_call(Outcome::Busy, 0, &s, 1_000);
        assert_eq!(busy.status, LeadStatus::Retry);
        assert_eq!(
            busy.next_attempt_at,
            Some(1_000 + i64::from(s.retry.busy.delay_minutes) * 60_000)
        );
    }

    #[test]
    fn limits_exhaust_the_lead() {
        let mut s = CampaignSettings::default();
        s.retry.no_answer.max_attempts = 2;
        assert_eq!(
            after_call(Outcome::NoAnswer, 0, &s, 0).status,
            LeadStatus::Retry
        );
        assert_eq!(
            after_call(Outcome::NoAnswer, 1, &s, 0).status,
            LeadStatus::Exhausted
        );
        s.retry.no_answer.max_attempts = 10;
        s.max_attempts_per_lead = 3;
        assert_eq!(
            after_call(Outcome::NoAnswer, 2, &s, 0).status,
            LeadStatus::Exhausted
        );
    }
}
