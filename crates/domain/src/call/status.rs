//! A call's status as the carrier reports it, and the rule that a call never moves backwards.

use serde::{Deserialize, Serialize};

/// Where a call is. The names are Twilio's `CallStatus` values.
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
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CallStatus {
    /// Accepted by the carrier, waiting for capacity (over the calls-per-second limit).
    Queued,
    /// Being dialed.
    Initiated,
    /// The callee's phone rings.
    Ringing,
    /// Answered (by a person or a machine); Twilio's `answered` event.
    InProgress,
    /// Answered and ended.
    Completed,
    /// The line was busy.
    Busy,
    /// Could not be placed (invalid number, carrier error).
    Failed,
    /// Rang out unanswered.
    NoAnswer,
    /// Ended by us before it was answered.
    Canceled,
}

/// What an incoming status report does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The call moves on to the reported status.
    Advance,
    /// The report is older than what is known (a late `ringing` after `completed`): it is kept
    /// in the timeline but changes nothing.
    Stale,
}

impl CallStatus {
    /// Every status.
    pub const ALL: [CallStatus; 9] = [
        CallStatus::Queued,
        CallStatus::Initiated,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Completed,
        CallStatus::Busy,
        CallStatus::Failed,
        CallStatus::NoAnswer,
        CallStatus::Canceled,
    ];

    /// Twilio's name, also used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads Twilio's name (`answered` is how status-callback events call `in-progress`).
    pub fn parse(s: &str) -> Option<CallStatus> {
        if s == "answered" {
            return Some(CallStatus::InProgress);
        }
        s.parse().ok()
    }

    /// Whether the call is over.
    pub fn is_final(self) -> bool {
        self.stage() == 4
    }

    /// How far along a call is: queued 0, initiated 1, ringing 2, answered 3, ended 4.
    fn stage(self) -> u8 {
        match self {
            CallStatus::Queued => 0,
            CallStatus::Initiated => 1,
            CallStatus::Ringing => 2,
            CallStatus::InProgress => 3,
            CallStatus::Completed
            | CallStatus::Busy
            | CallStatus::Failed
            | CallStatus::NoAnswer
            | CallStatus::Canceled => 4,
        }
    }

    /// What a report of `reported` does to a call now at `self`. Reports arrive as separate
    /// HTTP requests in any order and may repeat: a call only ever moves forward, and once it
    /// has ended its final status stays.
    pub fn progress(self, reported: CallStatus) -> Progress {
        if reported.stage() > self.stage() {
            Progress::Advance
        } else {
            Progress::Stale
        }
    }
}

impl std::fmt::Display for CallStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallStatus::*;

    #[test]
    fn names_round_trip_and_answered_means_in_progress() {
        for s in CallStatus::ALL {
            assert_eq!(CallStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CallStatus::parse("answered"), Some(InProgress));
        assert_eq!(CallStatus::parse("done"), None);
    }

    #[test]
    fn a_call_only_moves_forward_and_its_end_is_final() {
        assert_eq!(Queued.progress(Ringing), Progress::Advance);
        assert_eq!(Initiated.progress(InProgress), Progress::Advance);
        assert_eq!(Ringing.progress(Completed), Progress::Advance);
        assert_eq!(Ringing.progress(NoAnswer), Progress::Advance);
        // Late and repeated reports change nothing.
        assert_eq!(Completed.progress(Ringing), Progress::Stale);
        assert_eq!(InProgress.progress(Initiated), Progress::Stale);
        assert_eq!(Ringing.progress(Ringing), Progress::Stale);
        // Once ended, another ending does not replace the first.
        assert_eq!(Completed.progress(Canceled), Progress::Stale);
        assert_eq!(Busy.progress(Completed), Progress::Stale);
    }

    #[test]
    fn any_order_of_the_same_reports_ends_in_the_same_status() {
        let reports = [Initiated, Ringing, InProgress, Completed];
        // All 24 orders.
        let mut orders = vec![vec![]];
        for _ in 0..reports.len() {
            let mut next = vec![];
            for o in &orders {
                for r in reports {
                    if !o.contains(&r) {
                        let mut o2: Vec<CallStatus> = o.clone();
                        o2.push(r);
                        next.push(o2);
                    }
                }
            }
            orders = next;
        }
        assert_eq!(orders.len(), 24);
        for order in orders {
            let mut now = Queued;
            for r in order {
                if now.progress(r) == Progress::Advance {
                    now = r;
                }
            }
            assert_eq!(now, Completed);
        }
    }
}
