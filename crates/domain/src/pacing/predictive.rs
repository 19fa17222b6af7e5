//! Predictive pacing: how many calls to keep outstanding so that the people who answer find an
//! agent, holding abandonment (a person answering with no agent free within 2 s) at or under
//! the campaign's target.
//!
//! The estimator measures, from what it is told as calls end:
//! - the human-answer rate `p`, over a window of *completed* dials (not a moving average of
//!   events: people answer sooner than no-answers time out, which would bias it upwards);
//! - the time from dialing to a person answering, and an agent's handling time (talk and
//!   wrap-up), as running means;
//! - abandonment over the whole day and over the last hour.
//!
//! At each decision it counts the agents that will be free by the time new calls are answered:
//! those free now, plus the busy ones expected to finish within that delay. It then keeps the
//! largest number of calls outstanding whose expected overflow (people answering beyond those
//! agents, by a normal approximation of the binomial) stays within the target share of the
//! people expected to answer. Measured abandonment feeds back: approaching the target tightens
//! the margin, exceeding it over the day falls back to one call per free agent.

use super::Agents;
use std::collections::VecDeque;

/// Completed dials the answer rate is measured over.
pub const ANSWER_WINDOW: usize = 200;

/// The answer rate assumed until enough dials completed (cautious: a low rate over-dials less
/// than it seems, because the estimate rises as people answer).
const PRIOR_RATE: f64 = 0.3;
/// Weight of the prior, in dials.
const PRIOR_WEIGHT: f64 = 20.0;

/// Share of the target the model aims at; the rest is the margin for what it does not model.
const AIM: f64 = 0.8;

/// Handled calls measured before busy agents are counted on to free.
const MIN_HANDLINGS: usize = 50;

/// People answering counted before measured abandonment steers the estimator.
const MIN_HUMANS_FOR_FEEDBACK: u32 = 50;

/// The predictive estimator of one campaign.
#[derive(Debug, Clone)]
pub struct Predictor {
    target: f64,
    /// Completed dials, oldest first: whether a person answered, and the seconds from dialing
    /// to the dial's end of ringing.
    window: VecDeque<(bool, f64)>,
    humans_in_window: usize,
    answer_delay_s: Mean,
    handling_s: Mean,
    /// The latest agents' handling times (talk and wrap-up), for how soon a busy agent frees.
    handlings: VecDeque<f64>,
    day: Tally,
    hour: VecDeque<(i64, bool)>,
}

/// A running mean with a starting guess.
#[derive(Debug, Clone, Copy)]
struct Mean {
    value: f64,
    weight: f64,
}

impl Mean {
    fn new(guess: f64) -> Self {
        Mean {
            value: guess,
            weight: 5.0,
        }
    }
    /// Adds a sample; the weight is capped, so the mean follows slow changes.
    fn add(&mut self, x: f64) {
        self.weight = (self.weight + 1.0).min(500.0);
        self.value += (x - self.value) / self.weight;
    }
}

/// People who answered, and how many of them were abandoned.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    humans: u32,
    abandoned: u32,
}

impl Tally {
    fn rate(self) -> f64 {
        if self.humans == 0 {
            0.0
        } else {
            f64::from(self.abandoned) / f64::from(self.humans)
        }
    }
}

/// The calls a decision is about.
#[derive(Debug, Clone, Copy)]
pub struct Outstanding<'a> {
    /// Seconds since each ringing call was dialed.
    pub ringing_ages_s: &'a [f64],
    /// People who answered and wait for an agent.
    pub waiting: u32,
    /// Seconds each busy agent has been on its call and wrap-up so far. When given (one per
    /// busy agent), how soon each frees is read from the measured handling times; otherwise
    /// busy agents are taken to finish at random.
    pub busy_for_s: &'a [f64],
}

/// How likely a call still ringing at some age is to be answered by a person: measured from
/// the completed dials, which says how long each kind of dial rings (a call ringing for 15 s is
/// most likely a no-answer, whatever the overall answer rate).
struct Survival {
    /// Ring lengths of all completed dials, and of those a person answered, sorted.
    all: Vec<f64>,
    human: Vec<f64>,
    prior: f64,
}

impl Survival {
    /// P(a person answers | still ringing at `age`).
    fn human_given(&self, age: f64) -> f64 {
        let later = |v: &[f64]| (v.len() - v.partition_point(|x| *x <= age)) as f64;
        let (h, n) = (later(&self.human), later(&self.all));
        // The prior keeps the estimate sane where few dials rang that long.
        (h + self.prior * 2.0) / (n + 2.0)
    }
}

impl Predictor {
    /// An estimator holding abandonment at `target_percent` of the people who answer.
    pub fn new(target_percent: f64) -> Self {
        Predictor {
            target: (target_percent / 100.0).clamp(0.0005, 0.5),
            window: VecDeque::with_capacity(ANSWER_WINDOW),
            humans_in_window: 0,
            answer_delay_s: Mean::new(11.0),
            handling_s: Mean::new(210.0),
            handlings: VecDeque::with_capacity(ANSWER_WINDOW),
            day: Tally::default(),
            hour: VecDeque::new(),
        }
    }

    /// A dial ended its ringing after `rang_s` seconds: a person answered (`human`), or not
    /// (machine, busy, no answer, failed).
    pub fn dial_completed(&mut self, human: bool, rang_s: f64) {
        if self.window.len() == ANSWER_WINDOW && self.window.pop_front().is_some_and(|d| d.0) {
            self.humans_in_window -= 1;
        }
        self.window.push_back((human, rang_s));
        if human {
            self.humans_in_window += 1;
            self.answer_delay_s.add(rang_s);
        }
    }

    /// A person who answered was connected (`abandoned` false) or hung up waiting, at `now_s`
    /// (seconds on any steady clock).
    pub fn person_answered(&mut self, abandoned: bool, now_s: i64) {
        self.day.humans += 1;
        self.day.abandoned += u32::from(abandoned);
        self.hour.push_back((now_s, abandoned));
        while self.hour.front().is_some_and(|(t, _)| *t < now_s - 3600) {
            self.hour.pop_front();
        }
    }

    /// An agent finished a call: `seconds` of talk and wrap-up.
    pub fn handled(&mut self, seconds: f64) {
        self.handling_s.add(seconds);
        if self.handlings.len() == ANSWER_WINDOW {
            self.handlings.pop_front();
        }
        self.handlings.push_back(seconds);
    }

    /// Starts a new day's abandonment count (the campaign's midnight).
    pub fn new_day(&mut self) {
        self.day = Tally::default();
    }

    /// The measured human-answer rate.
    pub fn answer_rate(&self) -> f64 {
        (self.humans_in_window as f64 + PRIOR_RATE * PRIOR_WEIGHT)
            / (self.window.len() as f64 + PRIOR_WEIGHT)
    }

    /// Abandonment so far today, as a share of people who answered.
    pub fn abandonment_today(&self) -> f64 {
        self.day.rate()
    }

    fn survival(&self) -> Survival {
        let mut all: Vec<f64> = self.window.iter().map(|d| d.1).collect();
        let mut human: Vec<f64> = self.window.iter().filter(|d| d.0).map(|d| d.1).collect();
        all.sort_by(f64::total_cmp);
        human.sort_by(f64::total_cmp);
        Survival {
            all,
            human,
            prior: self.answer_rate(),
        }
    }

    /// How many calls to keep outstanding (ringing, or answered and waiting) for `agents`:
    /// those outstanding now plus the new calls to place. New calls stay within `max_ratio`
    /// per agent free now or expected free by the time they are answered.
    pub fn lines(&self, agents: &Agents, now: Outstanding<'_>, max_ratio: f64) -> u32 {
        let held = now.ringing_ages_s.len() as u32 + now.waiting;
        if agents.logged_in == 0 {
            return 0;
        }
        let progressive = held.max(agents.available);
        // Until enough dials completed, the measured mix leans towards the short ones (busy
        // lines end in seconds, no-answers only after their timeout), and until enough agents
        // finished calls, nobody knows how soon busy agents free: one call per free agent.
        if self.window.len() < ANSWER_WINDOW / 2 || self.handlings.len() < MIN_HANDLINGS {
            return progressive;
        }
        let hour = Tally {
            humans: self.hour.len() as u32,
            abandoned: self.hour.iter().filter(|(_, a)| *a).count() as u32,
        };
        // Measured abandonment near or over the target, today or in the last hour, tightens
        // the margin.
        let mut aim = self.target * AIM;
        for tally in [self.day, hour] {
            if tally.humans >= MIN_HUMANS_FOR_FEEDBACK {
                if tally.rate() > self.target {
                    aim *= 0.25;
                } else if tally.rate() > self.target * 0.9 {
                    aim *= 0.5;
                }
            }
        }
        // Busy agents expected to be free when calls placed now are answered: each by how
        // often a handling that has lasted that long ends within the delay, or (without
        // their times, or without enough history) as if they finished at random.
        let horizon = self.answer_delay_s.value.max(1.0);
        let (freed, freed_var) = self.freed(agents.busy, now.busy_for_s, horizon);
        let supply = f64::from(agents.available) + freed;
        if supply < 0.5 {
            return progressive;
        }
        // People expected from the calls already out: the waiting ones for sure, the ringing
        // ones by how likely a call ringing that long is to be answered by a person.
        let survival = self.survival();
        let (mut mean, mut var) = (f64::from(now.waiting), 0.0);
        for age in now.ringing_ages_s {
            let q = survival.human_given(*age);
            mean += q;
            var += q * (1.0 - q);
        }
        let p = survival.human_given(0.0).clamp(0.01, 1.0);
        let cap = (max_ratio.max(1.0) * supply.max(1.0)).ceil() as u32;
        // The largest number of new calls whose expected overflow is within `aim` of the
        // people expected to answer.
        let ok = |n: u32| {
            let n = f64::from(n);
            let humans = mean + n * p;
            let sd = (var + n * p * (1.0 - p) + freed_var).sqrt();
            overflow(humans - supply, sd) <= aim * humans
        };
        let mut n = 0;
        while n < cap && ok(n + 1) {
            n += 1;
        }
        (held + n).max(progressive)
    }
}

impl Predictor {
    /// Expected busy agents freed within `horizon` seconds, and the variance. Each busy agent
    /// frees with the probability that a handling that lasted this long ends within the
    /// horizon, from a Kaplan–Meier estimate over the measured handlings and the busy agents'
    /// handlings so far (still running: censored). Without the censored ones the estimate
    /// would lean towards short calls, the only ones finished early in a shift.
    fn freed(&self, busy: u32, busy_for_s: &[f64], horizon: f64) -> (f64, f64) {
        if busy_for_s.len() != busy as usize {
            let q = 1.0 - (-horizon / self.handling_s.value.max(1.0)).exp();
            return (f64::from(busy) * q, f64::from(busy) * q * (1.0 - q));
        }
        let survival = KaplanMeier::new(self.handlings.iter().copied(), busy_for_s.iter().copied());
        let (mut mean, mut var) = (0.0, 0.0);
        for e in busy_for_s {
            let (now, later) = (survival.at(*e), survival.at(e + horizon));
            // Past every measured handling: as likely to end soon as the mean suggests.
            let q = if now <= 1e-9 {
                horizon / self.handling_s.value.max(horizon)
            } else {
                1.0 - later / now
            };
            mean += q;
            var += q * (1.0 - q);
        }
        (mean, var)
    }
}

/// A Kaplan–Meier survival curve: the probability that a duration exceeds `t`, from durations
/// seen to end (events) and durations still running (censored).
struct KaplanMeier {
    /// (time, survival just after it), at each event time, ascending.
    steps: Vec<(f64, f64)>,
}

impl KaplanMeier {
    fn new(events: impl Iterator<Item = f64>, censored: impl Iterator<Item = f64>) -> Self {
        let mut all: Vec<(f64, bool)> = events
            .map(|t| (t, true))
            .chain(censored.map(|t| (t, false)))
            .collect();
        // Events before censorings at the same time, as is usual.
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut at_risk = all.len() as f64;
        let mut s = 1.0;
        let mut steps = Vec::new();
        let mut i = 0;
        while i < all.len() {
            let t = all[i].0;
            let (mut ended, mut left) = (0.0, 0.0);
            while i < all.len() && all[i].0 == t {
                if all[i].1 {
                    ended += 1.0;
                }
                left += 1.0;
                i += 1;
            }
            if ended > 0.0 {
                s *= 1.0 - ended / at_risk;
                steps.push((t, s));
            }
            at_risk -= left;
        }
        KaplanMeier { steps }
    }

    /// P(duration > t).
    fn at(&self, t: f64) -> f64 {
        match self.steps.partition_point(|(x, _)| *x <= t) {
            0 => 1.0,
            n => self.steps[n - 1].1,
        }
    }
}

/// E[max(0, X)] for X normal with `mean` and `sd`.
fn overflow(mean: f64, sd: f64) -> f64 {
    if sd < 1e-9 {
        return mean.max(0.0);
    }
    let z = mean / sd;
    sd * pdf(z) + mean * cdf(z)
}

fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The standard normal distribution function (Abramowitz and Stegun 26.2.17, error < 7.5e-8).
fn cdf(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.231_641_9 * z.abs());
    let poly = t
        * (0.319_381_530
            + t * (-0.356_563_782
                + t * (1.781_477_937 + t * (-1.821_255_978 + t * 1.330_274_429))));
    let upper = pdf(z) * poly;
    if z >= 0.0 { 1.0 - upper } else { upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Outstanding<'static> = Outstanding {
        ringing_ages_s: &[],
        waiting: 0,
        busy_for_s: &[],
    };

    fn agents(logged_in: u32, available: u32, busy: u32) -> Agents {
        Agents {
            logged_in,
            available,
            busy,
            offered: 0,
        }
    }

    fn measured(p: f64) -> Predictor {
        let mut pr = Predictor::new(3.0);
        for i in 0..ANSWER_WINDOW {
            let human = (i as f64 + 0.5) / ANSWER_WINDOW as f64 <= p;
            pr.dial_completed(human, if human { 11.0 } else { 23.0 });
        }
        for i in 0..MIN_HANDLINGS {
            pr.handled(150.0 + i as f64 * 2.0);
        }
        pr
    }

    #[test]
    fn kaplan_meier_counts_what_is_still_running() {
        // Ended at 1, 2, 3; still running at 2.5 and 10.
        let km = KaplanMeier::new([1.0, 2.0, 3.0].into_iter(), [2.5, 10.0].into_iter());
        assert_eq!(km.at(0.5), 1.0);
        assert!((km.at(1.0) - 0.8).abs() < 1e-12);
        assert!((km.at(2.0) - 0.6).abs() < 1e-12);
        // At 3 two are at risk (3 and 10): 0.6 × 1/2.
        assert!((km.at(5.0) - 0.3).abs() < 1e-12);
        // Without the running ones it would say every call ends by 3.
        let naive = KaplanMeier::new([1.0, 2.0, 3.0].into_iter(), std::iter::empty());
        assert_eq!(naive.at(5.0), 0.0);
    }

    #[test]
    fn the_normal_tail_is_right() {
        assert!((cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((cdf(1.959_964) - 0.975).abs() < 1e-6);
        // E[max(0, X)] for a standard normal is 1/sqrt(2 pi).
        assert!((overflow(0.0, 1.0) - 0.398_942).abs() < 1e-5);
        assert_eq!(overflow(-3.0, 0.0), 0.0);
    }

    #[test]
    fn the_answer_rate_is_measured_over_completed_dials() {
        let pr = measured(0.25);
        assert!((pr.answer_rate() - (50.0 + 6.0) / 220.0).abs() < 1e-9);
        let mut pr = pr;
        for _ in 0..ANSWER_WINDOW {
            pr.dial_completed(false, 23.0);
        }
        assert!(
            pr.answer_rate() < 0.03,
            "the window forgets: {}",
            pr.answer_rate()
        );
    }

    #[test]
    fn lower_answer_rates_and_more_agents_dial_more_per_agent() {
        let team = agents(20, 2, 18);
        let high = measured(0.35).lines(&team, NONE, 10.0);
        let low = measured(0.15).lines(&team, NONE, 10.0);
        assert!(low > high, "{low} > {high}");
        assert!(high >= 2, "never fewer than progressive");
        let big = measured(0.15).lines(&agents(100, 10, 90), NONE, 10.0);
        assert!(f64::from(big) / 100.0 > f64::from(low) / 20.0 * 0.9);
    }

    #[test]
    fn calls_ringing_long_count_for_little() {
        let pr = measured(0.2);
        let team = agents(20, 4, 16);
        let fresh = [1.0; 10];
        let old = [15.0; 10];
        let after_fresh = pr.lines(
            &team,
            Outstanding {
                ringing_ages_s: &fresh,
                waiting: 0,
                busy_for_s: &[],
            },
            10.0,
        );
        let after_old = pr.lines(
            &team,
            Outstanding {
                ringing_ages_s: &old,
                waiting: 0,
                busy_for_s: &[],
            },
            10.0,
        );
        // Calls ringing 15 s are no-answers in this history: the pacer dials as if they
        // were not there.
        assert!(after_old > after_fresh, "{after_old} > {after_fresh}");
        assert_eq!(after_old - 10, pr.lines(&team, NONE, 10.0));
    }

    #[test]
    fn it_waits_for_enough_history_before_over_dialing() {
        let team = agents(20, 4, 16);
        let mut pr = Predictor::new(3.0);
        assert_eq!(
            pr.lines(&team, NONE, 10.0),
            4,
            "one per free agent at first"
        );
        for _ in 0..ANSWER_WINDOW {
            pr.dial_completed(false, 23.0);
        }
        assert_eq!(pr.lines(&team, NONE, 10.0), 4, "no handled calls yet");
        for _ in 0..MIN_HANDLINGS {
            pr.handled(200.0);
        }
        assert!(pr.lines(&team, NONE, 10.0) >= 4);
    }

    #[test]
    fn agents_just_busy_free_later_than_agents_long_busy() {
        let pr = measured(0.2);
        let team = agents(20, 2, 18);
        let just = [5.0; 18];
        let long = [205.0; 18];
        let with = |busy: &[f64]| {
            pr.lines(
                &team,
                Outstanding {
                    ringing_ages_s: &[],
                    waiting: 0,
                    busy_for_s: busy,
                },
                10.0,
            )
        };
        // Handlings here last 150–248 s: agents 205 s in are about to free, agents 5 s in
        // are not.
        assert!(
            with(&long) > with(&just),
            "{} > {}",
            with(&long),
            with(&just)
        );
    }

    #[test]
    fn it_stops_when_agents_leave_and_respects_the_ratio_cap() {
        let pr = measured(0.15);
        assert_eq!(pr.lines(&agents(0, 0, 0), NONE, 10.0), 0);
        let capped = pr.lines(&agents(20, 2, 0), NONE, 1.0);
        assert_eq!(capped, 2, "a ratio of 1 is progressive");
    }

    #[test]
    fn measured_abandonment_over_the_target_falls_back_to_progressive() {
        let mut pr = measured(0.2);
        let team = agents(20, 3, 17);
        let before = pr.lines(&team, NONE, 10.0);
        for i in 0..100 {
            pr.person_answered(i % 20 == 0, 1000 + i);
        }
        let warned = pr.lines(&team, NONE, 10.0);
        assert!(
            warned < before,
            "4 % over the last hour tightens: {warned} < {before}"
        );
        for i in 0..100 {
            pr.person_answered(i % 10 == 0, 2000 + i);
        }
        assert!(pr.abandonment_today() > 0.03);
        assert_eq!(pr.lines(&team, NONE, 10.0), 3);
        pr.new_day();
        assert!(pr.lines(&team, NONE, 10.0) > 3, "a new day starts afresh");
    }
}
