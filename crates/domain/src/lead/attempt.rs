//! What an ended call does to its lead: done, try again later, or out of attempts.

use super::LeadStatus;
use crate::call::Outcome;
use crate::campaign::CampaignSettings;
use crate::transfer::AgentDisposition;

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
    match outcome {
        Outcome::Answered => AfterCall {
            status: LeadStatus::Completed,
            attempts,
            next_attempt_at: None,
        },
        Outcome::Invalid => AfterCall {
            status: LeadStatus::Invalid,
            attempts,
            next_attempt_at: None,
        },
        other => retry_by(other.retry_rule(&settings.retry), attempts, settings, now),
    }
}

/// The lead's state after a call a person answered without pressing anything (`no_input`):
/// tried again by the campaign's `no_input` rule; when the rule allows no more tries the
/// person counts as reached (they heard the message), so the lead completes.
pub fn after_no_input(attempts_before: i64, settings: &CampaignSettings, now: i64) -> AfterCall {
    let after = retry_by(
        Some(settings.retry.no_input),
        attempts_before + 1,
        settings,
        now,
    );
    if after.status == LeadStatus::Exhausted {
        AfterCall {
            status: LeadStatus::Completed,
            ..after
        }
    } else {
        after
    }
}

/// Retry after `rule`'s delay unless its limit or the campaign's per-lead limit is reached.
fn retry_by(
    rule: Option<crate::campaign::RetryRule>,
    attempts: i64,
    settings: &CampaignSettings,
    now: i64,
) -> AfterCall {
    let (status, next) = match rule {
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
    };
    AfterCall {
        status,
        attempts,
        next_attempt_at: next,
    }
}

/// What happened on a call answered by a person that changes what comes next for its lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// No agent took the call in time (safe harbour or the wait limit), and the caller was told
    /// they will be called back `delay_ms` later.
    Missed {
        /// Until the call back.
        delay_ms: i64,
    },
    /// An agent recorded how the call went.
    Disposed {
        /// What they recorded.
        disposition: AgentDisposition,
        /// For a call-back: when.
        callback_at: Option<i64>,
    },
}

/// The lead's state after an answered call that was handed to agents. The attempt counts.
/// A promised call back is kept even past the attempt limits: the person asked for it.
pub fn after_handover(handover: Handover, attempts_before: i64, now: i64) -> AfterCall {
    let attempts = attempts_before + 1;
    let (status, next) = match handover {
        Handover::Missed { delay_ms } => (LeadStatus::Retry, Some(now + delay_ms)),
        Handover::Disposed {
            disposition: AgentDisposition::CallBack,
            callback_at: Some(at),
        } => (LeadStatus::Retry, Some(at)),
        Handover::Disposed {
            disposition: AgentDisposition::WrongNumber,
            ..
        } => (LeadStatus::Invalid, None),
        Handover::Disposed { .. } => (LeadStatus::Completed, None),
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
    fn silence_is_tried_again_by_the_no_input_rule_until_it_runs_out() {
        let mut s = CampaignSettings::default();
        s.retry.no_input.delay_minutes = 90;
        s.retry.no_input.max_attempts = 2;
        let first = after_no_input(0, &s, 1_000);
        assert_eq!(
            (first.status, first.attempts, first.next_attempt_at),
            (LeadStatus::Retry, 1, Some(1_000 + 90 * 60_000))
        );
        // Out of tries: they heard the message, so the lead is reached, not exhausted.
        assert_eq!(after_no_input(1, &s, 1_000).status, LeadStatus::Completed);
        // The default tries once: silence completes the lead, as before there was a rule.
        let once = after_no_input(0, &CampaignSettings::default(), 1_000);
        assert_eq!(
            (once.status, once.next_attempt_at),
            (LeadStatus::Completed, None)
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

    #[test]
    fn handed_over_calls_follow_the_agent_or_the_promise() {
        let now = 1_000;
        let missed = after_handover(Handover::Missed { delay_ms: 60_000 }, 4, now);
        assert_eq!(
            (missed.status, missed.attempts, missed.next_attempt_at),
            (LeadStatus::Retry, 5, Some(61_000))
        );
        let back = after_handover(
            Handover::Disposed {
                disposition: AgentDisposition::CallBack,
                callback_at: Some(90_000),
            },
            0,
            now,
        );
        assert_eq!(
            (back.status, back.next_attempt_at),
            (LeadStatus::Retry, Some(90_000))
        );
        let wrong = after_handover(
            Handover::Disposed {
                disposition: AgentDisposition::WrongNumber,
                callback_at: None,
            },
            0,
            now,
        );
        assert_eq!(wrong.status, LeadStatus::Invalid);
        let done = after_handover(
            Handover::Disposed {
                disposition: AgentDisposition::Interested,
                callback_at: None,
            },
            0,
            now,
        );
        assert_eq!(
            (done.status, done.next_attempt_at),
            (LeadStatus::Completed, None)
        );
    }
}
