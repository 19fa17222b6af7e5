//! A campaign's status and the only transitions allowed between statuses.

use super::settings::{CampaignSettings, SettingsProblem};
use serde::{Deserialize, Serialize};

/// Where a campaign is in its life.
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
pub enum CampaignStatus {
    /// Being set up; never calls.
    Draft,
    /// Will start by itself at `scheduled_start_at`.
    Scheduled,
    /// Calling its leads.
    Running,
    /// Stopped for now; resumes where it left off.
    Paused,
    /// Every lead is done; starts again if new leads are added and it is resumed.
    Completed,
    /// Ended for good by a user.
    Stopped,
}

/// A status change that is not allowed, with what to do instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatusChangeError {
    /// The two statuses are not connected.
    #[error("a {from} campaign cannot become {to}; allowed next: {allowed}")]
    NotAllowed {
        /// Current status.
        from: &'static str,
        /// Requested status.
        to: &'static str,
        /// The statuses that are allowed from here.
        allowed: String,
    },
    /// The settings are incomplete for calling.
    #[error("the campaign is not ready to call: {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    NotReady(Vec<SettingsProblem>),
    /// Scheduling needs a start time in the future.
    #[error("set settings.scheduled_start_at to a time in the future before scheduling")]
    NoScheduledStart,
}

impl CampaignStatus {
    /// Every status.
    pub const ALL: [CampaignStatus; 6] = [
        CampaignStatus::Draft,
        CampaignStatus::Scheduled,
        CampaignStatus::Running,
        CampaignStatus::Paused,
        CampaignStatus::Completed,
        CampaignStatus::Stopped,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The statuses reachable in one step.
    pub fn next_allowed(self) -> &'static [CampaignStatus] {
        use CampaignStatus::*;
        match self {
            Draft => &[Scheduled, Running, Stopped],
            Scheduled => &[Draft, Running, Paused, Stopped],
            Running => &[Paused, Completed, Stopped],
            Paused => &[Running, Scheduled, Stopped],
            Completed => &[Running, Stopped],
            Stopped => &[],
        }
    }

    /// Whether leads of a campaign in this status may be dialed.
    pub fn is_dialing(self) -> bool {
        self == CampaignStatus::Running
    }

    /// Whether settings that affect calls in flight may change (only while not calling).
    pub fn is_editable(self) -> bool {
        self != CampaignStatus::Running
    }

    /// Checks a requested change against the transition table and the campaign's readiness.
    /// `now` decides whether a scheduled start lies in the future.
    pub fn change_to(
        self,
        to: CampaignStatus,
        settings: &CampaignSettings,
        now: jiff::Timestamp,
    ) -> Result<CampaignStatus, StatusChangeError> {
        if !self.next_allowed().contains(&to) {
            let allowed = self
                .next_allowed()
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>();
            return Err(StatusChangeError::NotAllowed {
                from: self.as_str(),
                to: to.as_str(),
                allowed: if allowed.is_empty() {
                    "none (stopped is final)".into()
                } else {
                    allowed.join(", ")
                },
            });
        }
        if matches!(to, CampaignStatus::Running | CampaignStatus::Scheduled) {
            let problems = settings.readiness_problems();
            if !problems.is_empty() {
                return Err(StatusChangeError::NotReady(problems));
            }
        }
        if to == CampaignStatus::Scheduled && settings.scheduled_start_at.is_none_or(|t| t <= now) {
            return Err(StatusChangeError::NoScheduledStart);
        }
        Ok(to)
    }
}

impl std::fmt::Display for CampaignStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CampaignStatus::*;

    fn ready() -> CampaignSettings {
        serde_json::from_str(r#"{"caller_ids":["+18134893222"],"script":{"message":"Hi","voicemail_message":"Call us"}}"#).unwrap()
    }

    fn now() -> jiff::Timestamp {
        "2026-11-22T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_ready_draft_can_run_pause_resume_and_stop() {
        let s = ready();
        let mut status = Draft;
        for to in [Running, Paused, Running, Stopped] {
            status = status.change_to(to, &s, now()).unwrap();
        }
        assert_eq!(status, Stopped);
    }

    #[test]
    fn stopped_is_final() {
        let err = Stopped.change_to(Running, &ready(), now()).unwrap_err();
        assert!(err.to_string().contains("stopped is final"));
    }

    #[test]
    fn an_incomplete_campaign_cannot_start() {
        let err = Draft
            .change_to(Running, &CampaignSettings::default(), now())
            .unwrap_err();
        assert!(matches!(err, StatusChangeError::NotReady(_)));
        assert!(err.to_string().contains("caller_ids"));
    }

    #[test]
    fn scheduling_needs_a_future_start() {
        let mut s = ready();
        assert_eq!(
            Draft.change_to(Scheduled, &s, now()),
            Err(StatusChangeError::NoScheduledStart)
        );
        s.scheduled_start_at = Some("2026-11-21T00:00:00Z".parse().unwrap());
        assert_eq!(
            Draft.change_to(Scheduled, &s, now()),
            Err(StatusChangeError::NoScheduledStart)
        );
        s.scheduled_start_at = Some("2026-12-01T00:00:00Z".parse().unwrap());
        assert_eq!(Draft.change_to(Scheduled, &s, now()), Ok(Scheduled));
    }

    #[test]
    fn every_listed_transition_is_accepted_and_no_other() {
        let s = {
            let mut s = ready();
            s.scheduled_start_at = Some("2026-12-01T00:00:00Z".parse().unwrap());
            s
        };
        for from in CampaignStatus::ALL {
            for to in CampaignStatus::ALL {
                let ok = from.change_to(to, &s, now()).is_ok();
                assert_eq!(ok, from.next_allowed().contains(&to), "{from} -> {to}");
            }
        }
    }
}
