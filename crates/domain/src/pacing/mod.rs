//! Pacing: how many calls a campaign places at a moment, and why it waits when it places none.
//! Pure: the dialer gathers a [`Snapshot`] (calls in flight, agents, counters, the clock) and
//! acts on the [`Decision`].
//!
//! The agent-availability input is [`Agents`]: how many agents of the campaign are logged in
//! and how many are free to take a call. Campaigns without agents (unattended) ignore it.
//! Predictive mode's target of calls outstanding is an input too ([`Snapshot::predictive_lines`]),
//! from the campaign's [`Predictor`], which measures answer rate, handling time and abandonment.

mod predictive;

pub use predictive::{ANSWER_WINDOW, Outstanding, Predictor};

use crate::campaign::Pacing;
use jiff::{SignedDuration, Timestamp};

/// The campaign's agents at this moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Agents {
    /// Logged in to the campaign (any status but offline).
    pub logged_in: u32,
    /// Free to take a call now.
    pub available: u32,
    /// On a call or wrapping one up: free again soon (the predictive estimator counts on them).
    pub busy: u32,
    /// Of the busy ones, those whose phone rings or whispers with a caller waiting for them.
    pub offered: u32,
}

impl Agents {
    /// Why these agents take no further call, in the order a manager looks: nobody signed in,
    /// somebody about to take a call, everybody talking, everybody on a break.
    fn none_free(&self) -> AgentWait {
        if self.logged_in == 0 {
            AgentWait::NoneSignedIn
        } else if self.offered > 0 {
            AgentWait::BeingOffered
        } else if self.busy > 0 {
            AgentWait::AllBusy
        } else {
            AgentWait::AllPaused
        }
    }
}

/// Why a campaign dialing for agents waits on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentWait {
    /// None of the campaign's agents is signed in.
    NoneSignedIn,
    /// An agent is being offered a caller (their phone rings or whispers): free again when
    /// they take or pass it.
    BeingOffered,
    /// Every signed-in agent is on a call or wrapping one up.
    AllBusy,
    /// Every signed-in agent is paused.
    AllPaused,
    /// Agents are free, but enough calls already ring for them.
    CallsRinging,
}

/// The caps that hold whatever the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Calls in flight at once.
    pub max_concurrent: u32,
    /// Calls a day (the campaign's day, from midnight in its zone); `None`: no limit.
    pub daily_limit: Option<u32>,
    /// Calls started per second (the carrier account's rate).
    pub calls_per_second: u32,
}

/// What the pacer knows at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    /// Now.
    pub now: Timestamp,
    /// Calls placed and not yet ended (ringing, talking, waiting for an agent).
    pub in_flight: u32,
    /// Calls placed and not yet answered.
    pub ringing: u32,
    /// Answered calls waiting for an agent.
    pub waiting_for_agent: u32,
    /// The campaign's agents.
    pub agents: Agents,
    /// When the campaign last placed a call.
    pub last_call_at: Option<Timestamp>,
    /// Calls placed today.
    pub placed_today: u32,
    /// Calls started within the last second.
    pub placed_last_second: u32,
    /// Predictive mode's calls to keep outstanding (ringing or waiting for an agent), from the
    /// campaign's [`Predictor`] (which applies the campaign's maximum ratio).
    pub predictive_lines: u32,
}

/// Why a campaign places no call now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The day's limit is reached; it lifts at the campaign's midnight.
    DailyLimit,
    /// As many calls as allowed are in flight.
    MaxConcurrent,
    /// No agent can take another call, and why.
    Agents(AgentWait),
    /// The carrier's calls-per-second rate is used up.
    CallsPerSecond,
    /// Fixed interval: the next call is not due yet.
    Interval,
}

impl Wait {
    /// The reason as the status API and the UI show it.
    pub fn describe(self) -> &'static str {
        match self {
            Wait::DailyLimit => "daily limit reached",
            Wait::MaxConcurrent => "maximum concurrent calls in flight",
            Wait::Agents(AgentWait::NoneSignedIn) => "no agent signed in",
            Wait::Agents(AgentWait::BeingOffered) => "an agent is being offered a call",
            Wait::Agents(AgentWait::AllBusy) => "every agent is on a call or wrapping up",
            Wait::Agents(AgentWait::AllPaused) => "every agent is paused",
            Wait::Agents(AgentWait::CallsRinging) => "calls are ringing for the free agents",
            Wait::CallsPerSecond => "calls-per-second limit",
            Wait::Interval => "waiting for the next interval",
        }
    }
}

/// What to do now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Calls to place now.
    pub place: u32,
    /// Why no (more) calls are placed, and when to look again if that is known.
    pub wait: Option<(Wait, Option<Timestamp>)>,
}

/// How many calls to place now under `pacing` and `limits`.
pub fn decide(pacing: &Pacing, limits: &Limits, s: &Snapshot) -> Decision {
    let wait = |why: Wait, at: Option<Timestamp>| Decision {
        place: 0,
        wait: Some((why, at)),
    };
    // The caps that hold in every mode, tightest first.
    let left_today = limits
        .daily_limit
        .map(|l| l.saturating_sub(s.placed_today))
        .unwrap_or(u32::MAX);
    if left_today == 0 {
        return wait(Wait::DailyLimit, None);
    }
    let free_lines = limits.max_concurrent.saturating_sub(s.in_flight);
    if free_lines == 0 {
        return wait(Wait::MaxConcurrent, None);
    }
    let this_second = limits.calls_per_second.saturating_sub(s.placed_last_second);
    if this_second == 0 {
        return wait(
            Wait::CallsPerSecond,
            Some(s.now + SignedDuration::from_secs(1)),
        );
    }
    let (wanted, short) = match *pacing {
        Pacing::FixedInterval { interval_seconds } => {
            let due = s
                .last_call_at
                .map(|t| t + SignedDuration::from_secs(i64::from(interval_seconds)));
            match due {
                Some(due) if due > s.now => return wait(Wait::Interval, Some(due)),
                _ => (1, Wait::Interval),
            }
        }
        Pacing::Unattended => (free_lines, Wait::MaxConcurrent),
        Pacing::Progressive => (per_agent(s, 1.0), agents_wait(s)),
        Pacing::Power { ratio } => (per_agent(s, ratio), agents_wait(s)),
        Pacing::Predictive { .. } => (
            if s.agents.logged_in == 0 {
                0
            } else {
                s.predictive_lines
                    .saturating_sub(s.ringing + s.waiting_for_agent)
            },
            agents_wait(s),
        ),
    };
    let place = wanted.min(free_lines).min(this_second).min(left_today);
    if place == 0 {
        return wait(short, None);
    }
    let limited_by = if place < wanted {
        // Placing fewer than the mode wants: say which cap held it back.
        Some(if place == left_today {
            (Wait::DailyLimit, None)
        } else if place == free_lines {
            (Wait::MaxConcurrent, None)
        } else {
            (
                Wait::CallsPerSecond,
                Some(s.now + SignedDuration::from_secs(1)),
            )
        })
    } else {
        None
    };
    Decision {
        place,
        wait: limited_by,
    }
}

/// Why an agent-paced campaign places nothing: its agents, or the calls already ringing for
/// the free ones.
fn agents_wait(s: &Snapshot) -> Wait {
    Wait::Agents(if s.agents.available > 0 {
        AgentWait::CallsRinging
    } else {
        s.agents.none_free()
    })
}

/// Calls for the free agents at `ratio` per agent, less those already ringing for them. No
/// agent logged in stops the dialing they were driving at once.
fn per_agent(s: &Snapshot, ratio: f64) -> u32 {
    if s.agents.logged_in == 0 || s.agents.available == 0 {
        return 0;
    }
    let target = (f64::from(s.agents.available) * ratio).round() as u32;
    // Calls already talking to agents are not counted: those agents are not available.
    target.saturating_sub(s.ringing + s.waiting_for_agent)
}

#[cfg(test)]
mod tests;
