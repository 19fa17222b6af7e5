//! How simulated calls turn out: seeded probabilities, durations, speed and faults.

use serde::{Deserialize, Serialize};

/// The simulator's behaviour. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Seed of the random draws: the same seed gives the same calls.
    pub seed: u64,
    /// Time acceleration: 10 plays a 30 s call in 3 s.
    pub speed: f64,
    /// Calls started per second; calls over it wait in `queued`, as on Twilio.
    pub calls_per_second: f64,
    /// Relative weights of how calls end up.
    pub outcomes: OutcomeWeights,
    /// Seconds a phone rings before it is answered or gives up (drawn between the two).
    pub ring_seconds: [u32; 2],
    /// Seconds a bridged leg (press 1, a `<Dial>`) talks.
    pub talk_seconds: [u32; 2],
    /// Relative weights of what a person does at a menu: press 1, press 2, press nothing.
    pub keypress: [u32; 3],
    /// Probability that a status callback is sent twice.
    pub duplicate_callbacks: f64,
    /// Probability that a status callback is held back so later ones overtake it.
    pub reorder_callbacks: f64,
}

/// Relative weights of call outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeWeights {
    /// A person answers.
    pub human: u32,
    /// An answering machine answers.
    pub machine: u32,
    /// Busy.
    pub busy: u32,
    /// Nobody answers.
    pub no_answer: u32,
    /// The network fails the call.
    pub failed: u32,
}

impl Default for OutcomeWeights {
    fn default() -> Self {
        OutcomeWeights {
            human: 55,
            machine: 20,
            busy: 8,
            no_answer: 15,
            failed: 2,
        }
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            speed: 1.0,
            calls_per_second: 1.0,
            outcomes: OutcomeWeights::default(),
            ring_seconds: [3, 12],
            talk_seconds: [20, 90],
            keypress: [30, 20, 50],
            duplicate_callbacks: 0.0,
            reorder_callbacks: 0.0,
        }
    }
}

impl SimConfig {
    /// What is wrong with these settings, if anything.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.speed > 0.0 && self.speed <= 1000.0) {
            out.push(format!(
                "simulator.speed must be above 0 and at most 1000, not {}",
                self.speed
            ));
        }
        if !(self.calls_per_second > 0.0 && self.calls_per_second <= 1000.0) {
            out.push(format!(
                "simulator.calls_per_second must be above 0 and at most 1000, not {}",
                self.calls_per_second
            ));
        }
        let o = self.outcomes;
        if o.human + o.machine + o.busy + o.no_answer + o.failed == 0 {
            out.push("simulator.outcomes: at least one weight must be above 0".into());
        }
        if self.keypress.iter().sum::<u32>() == 0 {
            out.push("simulator.keypress: at least one weight must be above 0".into());
        }
        for (name, [lo, hi]) in [
            ("ring_seconds", self.ring_seconds),
            ("talk_seconds", self.talk_seconds),
        ] {
            if lo > hi {
                out.push(format!(
                    "simulator.{name}: the first value must not exceed the second"
                ));
            }
        }
        for (name, p) in [
            ("duplicate_callbacks", self.duplicate_callbacks),
            ("reorder_callbacks", self.reorder_callbacks),
        ] {
            if !(0.0..=1.0).contains(&p) {
                out.push(format!(
                    "simulator.{name} is a probability between 0 and 1, not {p}"
                ));
            }
        }
        out
    }
}
