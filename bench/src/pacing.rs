//! Pacing benchmark: a discrete-event simulation of an 8-hour agent campaign on a virtual
//! clock, driving Outdial's real pacing code (`outdial_domain::pacing::decide` and its
//! `Predictor`) on the four scenarios of FACTS.md, five seeded replications each. It prints
//! occupancy, talk minutes per agent-hour and abandonment (whole day and worst rolling hour) for
//! Outdial's predictive mode beside progressive 1:1 and a VICIdial-style adaptive dial level
//! written from its description, then checks the targets.
//!
//! Longer than 500 lines on purpose: the model, the three dialers compared and the report are
//! one benchmark, read as one experiment.
//!
//!     cargo run --release -p outdial-bench --bin pacing
//!
//! Model (FACTS.md): a dial takes 3 s to set up; a person answers after lognormal(8 s, sd 4),
//! a machine likewise and is detected 3.5 s later (share 0.20), busy or invalid fails at set-up
//! (0.10), the rest ring out after 20 s. Talk lognormal(180 s, sd 120), wrap-up lognormal(30 s,
//! sd 15). A person who answers and finds no agent free within 2 s hangs up: abandoned.

#![forbid(unsafe_code)]

use outdial_domain::campaign::Pacing;
use outdial_domain::pacing::{Agents, Limits, Outstanding, Predictor, Snapshot, decide};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

const DAY_S: f64 = 8.0 * 3600.0;
const TICK_S: f64 = 0.25;
const SETUP_S: f64 = 3.0;
const NO_ANSWER_S: f64 = 20.0;
const DETECT_S: f64 = 3.5;
const PATIENCE_S: f64 = 2.0;
const MACHINE: f64 = 0.20;
const BUSY: f64 = 0.10;
const REPLICATIONS: u64 = 5;
const TARGET_PERCENT: f64 = 3.0;
/// Outdial's predictive mode with the campaign settings' default maximum ratio.
const MAX_RATIO: f64 = 3.0;

/// A scenario of FACTS.md.
struct Scenario {
    name: &'static str,
    agents: u32,
    answer_rate: fn(f64) -> f64,
    /// Talk minutes per agent-hour predictive must reach, if any.
    talk_target: Option<f64>,
}

const SCENARIOS: [Scenario; 4] = [
    Scenario {
        name: "S1  5 agents, p=0.20",
        agents: 5,
        answer_rate: |_| 0.20,
        talk_target: None,
    },
    Scenario {
        name: "S2 20 agents, p=0.35",
        agents: 20,
        answer_rate: |_| 0.35,
        talk_target: Some(45.0),
    },
    Scenario {
        name: "S3 100 agents, p=0.15",
        agents: 100,
        answer_rate: |_| 0.15,
        talk_target: Some(47.0),
    },
    Scenario {
        name: "S4 20 agents, p=0.35→0.15 at 2 h→0.30 at 4 h",
        agents: 20,
        answer_rate: |t| {
            if t < 2.0 * 3600.0 {
                0.35
            } else if t < 4.0 * 3600.0 {
                0.15
            } else {
                0.30
            }
        },
        talk_target: None,
    },
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Strategy {
    Progressive,
    Predictive,
    Vicidial,
}

impl Strategy {
    fn name(self) -> &'static str {
        match self {
            Strategy::Progressive => "progressive 1:1",
            Strategy::Predictive => "Outdial predictive",
            Strategy::Vicidial => "VICIdial adaptive",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Tick,
    /// A person answers call `call`, placed at `placed`.
    Human {
        call: u64,
        placed: f64,
    },
    /// The dial ended without a person.
    NoPerson {
        call: u64,
        placed: f64,
    },
    /// A waiting person gives up.
    Hangup {
        call: u64,
    },
    TalkEnd {
        agent: usize,
    },
    WrapEnd {
        agent: usize,
    },
}

struct Event {
    at: f64,
    seq: u64,
    kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    /// Earliest first in a max-heap.
    fn cmp(&self, o: &Self) -> Ordering {
        o.at.total_cmp(&self.at).then(o.seq.cmp(&self.seq))
    }
}

/// A lognormal draw with the given mean and standard deviation.
fn lognormal(rng: &mut StdRng, mean: f64, sd: f64) -> f64 {
    let sigma2 = (1.0 + (sd * sd) / (mean * mean)).ln();
    let mu = mean.ln() - sigma2 / 2.0;
    let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    (mu + sigma2.sqrt() * z).exp()
}

/// VICIdial's adaptive dial level, from its description in FACTS.md: every 15 s,
/// D = mean(ready agents) − mean(calls waiting); level ← level·(1 + D/mean(logged-in agents));
/// clamped to [1, 3]; halved if over half the calls of the last minute dropped (more than 20);
/// 1.0 while today's drop rate is over the target (more than 50 calls).
struct Vicidial {
    level: f64,
    ready: Vec<f64>,
    waiting: Vec<f64>,
    last_update: f64,
    last_sample: f64,
}

impl Vicidial {
    fn new() -> Self {
        Vicidial {
            level: 1.0,
            ready: Vec::new(),
            waiting: Vec::new(),
            last_update: 0.0,
            last_sample: 0.0,
        }
    }

    fn step(&mut self, t: f64, ready: u32, waiting: usize, agents: u32, stats: &Stats) {
        if t - self.last_sample >= 1.0 {
            self.last_sample = t;
            self.ready.push(f64::from(ready));
            self.waiting.push(waiting as f64);
        }
        if t - self.last_update < 15.0 || self.ready.is_empty() {
            return;
        }
        self.last_update = t;
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let d = mean(&self.ready) - mean(&self.waiting);
        self.level = (self.level * (1.0 + d / f64::from(agents.max(1)))).clamp(1.0, 3.0);
        self.ready.clear();
        self.waiting.clear();
        let (minute_humans, minute_dropped) = stats.since(t - 60.0);
        if minute_humans > 20 && minute_dropped * 2 > minute_humans {
            self.level = (self.level / 2.0).max(1.0);
        }
        if stats.humans > 50 && stats.abandon_rate() * 100.0 > TARGET_PERCENT {
            self.level = 1.0;
        }
    }
}

#[derive(Default)]
struct Stats {
    humans: u32,
    abandoned: u32,
    /// (time, abandoned) of every person who answered.
    answers: Vec<(f64, bool)>,
    talk_s: f64,
    busy_s: f64,
    calls: u64,
}

impl Stats {
    fn abandon_rate(&self) -> f64 {
        if self.humans == 0 {
            0.0
        } else {
            f64::from(self.abandoned) / f64::from(self.humans)
        }
    }
    fn since(&self, from: f64) -> (u32, u32) {
        let recent = self.answers.iter().rev().take_while(|(t, _)| *t >= from);
        recent.fold((0, 0), |(h, a), (_, ab)| (h + 1, a + u32::from(*ab)))
    }
    /// The worst abandonment over any 60-minute window (in 1-minute steps).
    fn worst_hour(&self) -> f64 {
        let mut worst: f64 = 0.0;
        for start in 0..=(8 * 60 - 60) {
            let (from, to) = (f64::from(start) * 60.0, f64::from(start + 60) * 60.0);
            let (h, a) = self
                .answers
                .iter()
                .filter(|(t, _)| *t >= from && *t < to)
                .fold((0u32, 0u32), |(h, a), (_, ab)| (h + 1, a + u32::from(*ab)));
            if h > 0 {
                worst = worst.max(f64::from(a) / f64::from(h));
            }
        }
        worst
    }
}

/// The figures of one simulated day.
#[derive(Clone, Copy)]
struct Day {
    occupancy: f64,
    talk_per_agent_hour: f64,
    abandon_day: f64,
    abandon_worst_hour: f64,
    calls: u64,
}

struct Sim {
    rng: StdRng,
    t: f64,
    seq: u64,
    events: BinaryHeap<Event>,
    agents: u32,
    /// Free agents, longest free first.
    free: VecDeque<usize>,
    busy_since: Vec<f64>,
    ringing: u32,
    /// Calls ringing, with when each was placed.
    ringing_calls: std::collections::BTreeMap<u64, f64>,
    waiting: VecDeque<u64>,
    next_call: u64,
    stats: Stats,
}

impl Sim {
    fn push(&mut self, at: f64, kind: Kind) {
        self.seq += 1;
        self.events.push(Event {
            at,
            seq: self.seq,
            kind,
        });
    }

    fn place(&mut self, p: f64) {
        self.ringing += 1;
        self.next_call += 1;
        self.stats.calls += 1;
        let call = self.next_call;
        let placed = self.t;
        self.ringing_calls.insert(call, placed);
        let r: f64 = self.rng.random();
        if r < p {
            let at = placed + SETUP_S + lognormal(&mut self.rng, 8.0, 4.0);
            self.push(at, Kind::Human { call, placed });
        } else if r < p + MACHINE {
            let at = placed + SETUP_S + lognormal(&mut self.rng, 8.0, 4.0) + DETECT_S;
            self.push(at, Kind::NoPerson { call, placed });
        } else if r < p + MACHINE + BUSY {
            self.push(placed + SETUP_S, Kind::NoPerson { call, placed });
        } else {
            self.push(
                placed + SETUP_S + NO_ANSWER_S,
                Kind::NoPerson { call, placed },
            );
        }
    }

    /// Connects a person to the longest-free agent.
    fn connect(&mut self, agent: usize) {
        let talk = lognormal(&mut self.rng, 180.0, 120.0);
        self.busy_since[agent] = self.t;
        self.stats.talk_s += (self.t + talk).min(DAY_S) - self.t.min(DAY_S);
        let at = self.t + talk;
        self.push(at, Kind::TalkEnd { agent });
    }

    fn snapshot(&self, predictive_lines: u32) -> Snapshot {
        let available = self.free.len() as u32;
        Snapshot {
            now: jiff::Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_secs_f64(self.t),
            in_flight: self.ringing + self.waiting.len() as u32 + (self.agents - available),
            ringing: self.ringing,
            waiting_for_agent: self.waiting.len() as u32,
            agents: Agents {
                logged_in: self.agents,
                available,
                busy: self.agents - available,
                // The simulation hands a caller to a free agent at once: nobody is left ringing.
                offered: 0,
            },
            last_call_at: None,
            placed_today: 0,
            placed_last_second: 0,
            predictive_lines,
        }
    }
}

fn simulate(scenario: &Scenario, strategy: Strategy, seed: u64) -> Day {
    let mut sim = Sim {
        rng: StdRng::seed_from_u64(seed),
        t: 0.0,
        seq: 0,
        events: BinaryHeap::new(),
        agents: scenario.agents,
        free: (0..scenario.agents as usize).collect(),
        busy_since: vec![0.0; scenario.agents as usize],
        ringing: 0,
        ringing_calls: std::collections::BTreeMap::new(),
        waiting: VecDeque::new(),
        next_call: 0,
        stats: Stats::default(),
    };
    let limits = Limits {
        max_concurrent: 100_000,
        daily_limit: None,
        calls_per_second: 1_000,
    };
    let mut predictor = Predictor::new(TARGET_PERCENT);
    let mut vicidial = Vicidial::new();
    sim.push(0.0, Kind::Tick);
    while let Some(ev) = sim.events.pop() {
        sim.t = ev.at;
        match ev.kind {
            Kind::Tick => {
                if sim.t >= DAY_S {
                    continue;
                }
                let p = (scenario.answer_rate)(sim.t);
                let decision = match strategy {
                    Strategy::Progressive => {
                        decide(&Pacing::Progressive, &limits, &sim.snapshot(0))
                    }
                    Strategy::Predictive => {
                        let s = sim.snapshot(0);
                        let ages: Vec<f64> =
                            sim.ringing_calls.values().map(|p| sim.t - p).collect();
                        let free: std::collections::HashSet<usize> =
                            sim.free.iter().copied().collect();
                        let busy_for: Vec<f64> = (0..sim.agents as usize)
                            .filter(|a| !free.contains(a))
                            .map(|a| sim.t - sim.busy_since[a])
                            .collect();
                        let outstanding = Outstanding {
                            ringing_ages_s: &ages,
                            waiting: sim.waiting.len() as u32,
                            busy_for_s: &busy_for,
                        };
                        let lines = predictor.lines(&s.agents, outstanding, MAX_RATIO);
                        let mode = Pacing::Predictive {
                            target_abandon_percent: TARGET_PERCENT,
                            max_ratio: MAX_RATIO,
                        };
                        decide(&mode, &limits, &sim.snapshot(lines))
                    }
                    Strategy::Vicidial => {
                        let ready = sim.free.len() as u32;
                        vicidial.step(sim.t, ready, sim.waiting.len(), sim.agents, &sim.stats);
                        let mode = Pacing::Power {
                            ratio: vicidial.level,
                        };
                        decide(&mode, &limits, &sim.snapshot(0))
                    }
                };
                for _ in 0..decision.place {
                    sim.place(p);
                }
                sim.push(sim.t + TICK_S, Kind::Tick);
            }
            Kind::Human { call, placed } => {
                sim.ringing -= 1;
                sim.ringing_calls.remove(&call);
                predictor.dial_completed(true, sim.t - placed);
                if let Some(agent) = sim.free.pop_front() {
                    record_answer(&mut sim, &mut predictor, false);
                    sim.connect(agent);
                } else {
                    sim.waiting.push_back(call);
                    sim.push(sim.t + PATIENCE_S, Kind::Hangup { call });
                }
            }
            Kind::NoPerson { call, placed } => {
                sim.ringing -= 1;
                sim.ringing_calls.remove(&call);
                predictor.dial_completed(false, sim.t - placed);
            }
            Kind::Hangup { call } => {
                if let Some(i) = sim.waiting.iter().position(|c| *c == call) {
                    sim.waiting.remove(i);
                    record_answer(&mut sim, &mut predictor, true);
                }
            }
            Kind::TalkEnd { agent } => {
                let wrap = lognormal(&mut sim.rng, 30.0, 15.0);
                sim.push(sim.t + wrap, Kind::WrapEnd { agent });
            }
            Kind::WrapEnd { agent } => {
                let started = sim.busy_since[agent];
                predictor.handled(sim.t - started);
                sim.stats.busy_s += sim.t.min(DAY_S) - started.min(DAY_S);
                if sim.waiting.pop_front().is_some() {
                    record_answer(&mut sim, &mut predictor, false);
                    sim.connect(agent);
                } else {
                    sim.free.push_back(agent);
                }
            }
        }
    }
    let agent_seconds = f64::from(scenario.agents) * DAY_S;
    Day {
        occupancy: sim.stats.busy_s / agent_seconds,
        talk_per_agent_hour: sim.stats.talk_s / 60.0 / (agent_seconds / 3600.0),
        abandon_day: sim.stats.abandon_rate(),
        abandon_worst_hour: sim.stats.worst_hour(),
        calls: sim.stats.calls,
    }
}

fn record_answer(sim: &mut Sim, predictor: &mut Predictor, abandoned: bool) {
    if sim.t >= DAY_S {
        return;
    }
    sim.stats.humans += 1;
    sim.stats.abandoned += u32::from(abandoned);
    sim.stats.answers.push((sim.t, abandoned));
    predictor.person_answered(abandoned, sim.t as i64);
}

fn main() {
    let strategies = [
        Strategy::Progressive,
        Strategy::Predictive,
        Strategy::Vicidial,
    ];
    // `--only S3` runs one scenario (for tuning); the targets are checked on all four.
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let mut failures = Vec::new();
    println!(
        "8-hour day, {REPLICATIONS} seeded replications per scenario; abandonment target {TARGET_PERCENT} % of people answering"
    );
    for scenario in SCENARIOS
        .iter()
        .filter(|s| only.as_ref().is_none_or(|o| s.name.starts_with(o.as_str())))
    {
        println!("\n{}", scenario.name);
        println!(
            "  {:<20} {:>5} {:>10} {:>14} {:>12} {:>16} {:>8}",
            "strategy",
            "seed",
            "occupancy",
            "talk min/ag-h",
            "abandon day",
            "abandon worst h",
            "calls"
        );
        let mut talk_by = [0.0f64; 3];
        let mut per_seed = vec![[0.0f64; 3]; REPLICATIONS as usize];
        for (si, strategy) in strategies.iter().enumerate() {
            for seed in 1..=REPLICATIONS {
                let d = simulate(scenario, *strategy, seed);
                println!(
                    "  {:<20} {:>5} {:>9.1}% {:>14.1} {:>11.2}% {:>15.2}% {:>8}",
                    strategy.name(),
                    seed,
                    d.occupancy * 100.0,
                    d.talk_per_agent_hour,
                    d.abandon_day * 100.0,
                    d.abandon_worst_hour * 100.0,
                    d.calls
                );
                talk_by[si] += d.talk_per_agent_hour / REPLICATIONS as f64;
                per_seed[(seed - 1) as usize][si] = d.talk_per_agent_hour;
                if *strategy == Strategy::Predictive && d.abandon_day * 100.0 > TARGET_PERCENT {
                    failures.push(format!(
                        "{} seed {seed}: abandonment {:.2} % over the day",
                        scenario.name,
                        d.abandon_day * 100.0
                    ));
                }
            }
        }
        println!(
            "  mean talk min/agent-hour: progressive {:.1}, Outdial predictive {:.1}, VICIdial adaptive {:.1}",
            talk_by[0], talk_by[1], talk_by[2]
        );
        for (i, s) in per_seed.iter().enumerate() {
            if s[1] < s[0] {
                failures.push(format!(
                    "{} seed {}: predictive {:.1} below progressive {:.1} talk min/agent-hour",
                    scenario.name,
                    i + 1,
                    s[1],
                    s[0]
                ));
            }
        }
        if let Some(target) = scenario.talk_target
            && talk_by[1] < target
        {
            failures.push(format!(
                "{}: predictive {:.1} talk min/agent-hour, target {target}",
                scenario.name, talk_by[1]
            ));
        }
    }
    if failures.is_empty() {
        println!(
            "\ntargets met: abandonment ≤ {TARGET_PERCENT} % in every scenario and replication; never below progressive; S2 ≥ 45 and S3 ≥ 47 talk min/agent-hour"
        );
    } else {
        println!("\ntargets NOT met:");
        for f in &failures {
            println!("  {f}");
        }
        std::process::exit(1);
    }
}
