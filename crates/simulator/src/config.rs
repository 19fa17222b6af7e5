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
    /// Relative weights of who a person is when asked in speech (conversation calls).
    pub personas: PersonaWeights,
    /// Probability that a status callback is sent twice.
    pub duplicate_callbacks: f64,
    /// Probability that a status callback is held back so later ones overtake it.
    pub reorder_callbacks: f64,
    /// Seconds a person put on hold in a conference waits for someone to join before hanging
    /// up (drawn between the two).
    pub hold_patience_seconds: [u32; 2],
    /// Seconds answering-machine detection takes to recognise a person (0 reports the verdict
    /// while the call's first TwiML is still being fetched, which Twilio may also do).
    pub person_detection_seconds: f64,
    /// What a minute of a call costs, in USD; each started minute is billed, as Twilio does,
    /// and reported negative (`"-0.01400"`).
    pub price_per_minute: f64,
    /// Simulated seconds after a call ends before its price appears on the Call resource
    /// (Twilio fills it in some time later, often minutes).
    pub price_delay_seconds: f64,
    /// The account's phone numbers, as its number list reports them (E.164).
    pub numbers: Vec<String>,
    /// How agents' phones behave.
    pub agents: AgentSim,
}

/// Simulated agents: the phones warm transfers call. A number is an agent's when it is listed
/// here or Outdial names it as one before calling it (the in-process simulator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentSim {
    /// Agents' phone numbers (E.164), besides those named at run time.
    pub numbers: Vec<String>,
    /// Seconds before the agent answers (drawn between the two).
    pub answer_seconds: [f64; 2],
    /// Seconds from the whisper's start until the agent presses a key.
    pub accept_seconds: [f64; 2],
    /// Seconds the agent talks with the caller before hanging up.
    pub talk_seconds: [u32; 2],
    /// Relative weights of what an agent does with an offer: accept, let the whisper pass,
    /// not answer.
    pub acts: [u32; 3],
    /// What particular agents always do, by phone number: `accept`, `pass`, `no_answer`.
    pub overrides: std::collections::BTreeMap<String, AgentAct>,
}

/// What a simulated agent does with an offered call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentAct {
    /// Answers, hears the whisper, presses a key.
    Accept,
    /// Answers, presses nothing: the whisper times out.
    Pass,
    /// Does not answer.
    NoAnswer,
}

impl Default for AgentSim {
    fn default() -> Self {
        AgentSim {
            numbers: Vec::new(),
            answer_seconds: [0.3, 1.0],
            accept_seconds: [0.2, 0.6],
            talk_seconds: [30, 240],
            acts: [95, 3, 2],
            overrides: std::collections::BTreeMap::new(),
        }
    }
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

/// Relative weights of the personas for calls a person answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonaWeights {
    /// Wants it.
    pub interested: u32,
    /// No thanks.
    pub not_interested: u32,
    /// Call me another time.
    pub another_time: u32,
    /// A person, please.
    pub asks_for_person: u32,
    /// Never call again.
    pub opts_out: u32,
    /// Says nothing.
    pub silent: u32,
    /// Mumbles.
    pub mumbles: u32,
}

impl Default for PersonaWeights {
    fn default() -> Self {
        PersonaWeights {
            interested: 40,
            not_interested: 20,
            another_time: 15,
            asks_for_person: 5,
            opts_out: 5,
            silent: 10,
            mumbles: 5,
        }
    }
}

impl PersonaWeights {
    /// The weights in the order of [`Persona::ALL`].
    pub fn as_array(&self) -> [u32; 7] {
        [
            self.interested,
            self.not_interested,
            self.another_time,
            self.asks_for_person,
            self.opts_out,
            self.silent,
            self.mumbles,
        ]
    }
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
            personas: PersonaWeights::default(),
            duplicate_callbacks: 0.0,
            reorder_callbacks: 0.0,
            hold_patience_seconds: [20, 90],
            person_detection_seconds: 2.5,
            price_per_minute: 0.014,
            price_delay_seconds: 120.0,
            // Twilio's number for test credentials, which the demo campaigns call from.
            numbers: vec!["+15005550006".to_string()],
            agents: AgentSim::default(),
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
        if !(0.0..=10.0).contains(&self.price_per_minute) {
            out.push(format!(
                "simulator.price_per_minute must be from 0 to 10, not {}",
                self.price_per_minute
            ));
        }
        if !(0.0..=86_400.0).contains(&self.price_delay_seconds) {
            out.push(format!(
                "simulator.price_delay_seconds must be from 0 to 86400, not {}",
                self.price_delay_seconds
            ));
        }
        if !(0.0..=60.0).contains(&self.person_detection_seconds) {
            out.push(format!(
                "simulator.person_detection_seconds must be from 0 to 60, not {}",
                self.person_detection_seconds
            ));
        }
        for n in &self.numbers {
            let digits = n.strip_prefix('+').unwrap_or("");
            if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                out.push(format!(
                    "simulator.numbers: '{n}' is not an E.164 number such as +15005550006"
                ));
            }
        }
        let o = self.outcomes;
        if o.human + o.machine + o.busy + o.no_answer + o.failed == 0 {
            out.push("simulator.outcomes: at least one weight must be above 0".into());
        }
        if self.personas.as_array().iter().sum::<u32>() == 0 {
            out.push("simulator.personas: at least one weight must be above 0".into());
        }
        if self.keypress.iter().sum::<u32>() == 0 {
            out.push("simulator.keypress: at least one weight must be above 0".into());
        }
        if self.agents.acts.iter().sum::<u32>() == 0 {
            out.push("simulator.agents.acts: at least one weight must be above 0".into());
        }
        for (name, [lo, hi]) in [
            ("agents.answer_seconds", self.agents.answer_seconds),
            ("agents.accept_seconds", self.agents.accept_seconds),
        ] {
            if !(lo >= 0.0 && lo <= hi && hi <= 600.0) {
                out.push(format!(
                    "simulator.{name}: two values from 0 to 600, the first not above the second"
                ));
            }
        }
        for (name, [lo, hi]) in [
            ("ring_seconds", self.ring_seconds),
            ("talk_seconds", self.talk_seconds),
            ("hold_patience_seconds", self.hold_patience_seconds),
            ("agents.talk_seconds", self.agents.talk_seconds),
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
