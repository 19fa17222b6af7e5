//! Plays a simulated call out: paces starts by calls per second, draws how the call goes, posts
//! signed status events, fetches and follows TwiML, and ends the call with its durations.
//!
//! Longer than 500 lines on purpose: a call's life (start, status events, the TwiML walk, its
//! end) is one sequence best read top to bottom; conference rooms live apart in `rooms.rs`,
//! `<Play>` (files and touch tones) in `play.rs`.

use crate::config::AgentAct;
use crate::twiml::{self, Node};

mod persona;
mod play;
mod rooms;
use crate::webhook::post;
use crate::{Control, Shared};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Starts queued calls no faster than the calls-per-second limit.
pub(crate) async fn dispatch(shared: Arc<Shared>, mut queued: mpsc::UnboundedReceiver<String>) {
    let gap = Duration::from_secs_f64(1.0 / shared.config.calls_per_second);
    while let Some(sid) = queued.recv().await {
        tokio::spawn(play(shared.clone(), sid));
        tokio::time::sleep(gap).await;
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    Human,
    Machine,
    Busy,
    NoAnswer,
    Failed,
}

/// Why the call ended early.
enum Interrupt {
    Hangup,
    Redirect(String),
    /// The conference started (only while in one).
    Started,
    /// The conference ended (only while in one).
    Ended,
}

/// A status event waiting to be posted: the URL, the fields, and whether to send it twice.
type Outgoing = (String, Vec<(String, String)>, bool);

struct Player {
    /// Status events to post, in order.
    outbox: mpsc::UnboundedSender<Outgoing>,
    shared: Arc<Shared>,
    sid: String,
    params: Vec<(String, String)>,
    rng: StdRng,
    control: mpsc::UnboundedReceiver<Control>,
    sequence: u32,
    /// Simulated seconds since the answer.
    talk: f64,
    fate: Fate,
    /// For an agent's phone: what the agent does with the offer.
    agent: Option<AgentAct>,
    /// Who the person is, for speech questions.
    persona: persona::Persona,
}

async fn play(shared: Arc<Shared>, sid: String) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (params, index) = {
        let mut calls = shared.calls.lock().expect("calls lock");
        let Some(call) = calls.get_mut(&sid) else {
            return;
        };
        if call.status == "canceled" {
            return;
        }
        call.control = Some(tx);
        (call.params.clone(), call.index)
    };
    let mut rng =
        StdRng::seed_from_u64(shared.config.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
    let to = params
        .iter()
        .find(|(k, _)| k == "To")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let is_agent = shared
        .agent_numbers
        .lock()
        .expect("agents lock")
        .contains(&to);
    let agents = &shared.config.agents;
    let agent = is_agent.then(|| {
        agents.overrides.get(&to).copied().unwrap_or(
            [AgentAct::Accept, AgentAct::Pass, AgentAct::NoAnswer][pick(&mut rng, &agents.acts)],
        )
    });
    let fate = match agent {
        Some(AgentAct::NoAnswer) => Fate::NoAnswer,
        Some(_) => Fate::Human,
        None => {
            let o = shared.config.outcomes;
            let weights = [o.human, o.machine, o.busy, o.no_answer, o.failed];
            [
                Fate::Human,
                Fate::Machine,
                Fate::Busy,
                Fate::NoAnswer,
                Fate::Failed,
            ][pick(&mut rng, &weights)]
        }
    };
    // Drawn from a generator of its own, so the calls' other draws stay what they were.
    let persona = {
        let mut own = StdRng::seed_from_u64(
            shared.config.seed.wrapping_mul(0xA076_1D64_78BD_642F) ^ index ^ 0x5EED,
        );
        persona::Persona::ALL[pick(&mut own, &shared.config.personas.as_array())]
    };
    // Status events leave in order but without holding the call up, as on Twilio: a slow
    // webhook delays the next event, not the call.
    let (outbox, mut pending) = mpsc::unbounded_channel::<Outgoing>();
    let poster = shared.clone();
    tokio::spawn(async move {
        while let Some((url, fields, twice)) = pending.recv().await {
            let _ = post(&poster, &url, &fields).await;
            if twice {
                let _ = post(&poster, &url, &fields).await;
            }
        }
    });
    let mut p = Player {
        outbox,
        shared,
        sid,
        params,
        rng,
        control: rx,
        sequence: 0,
        talk: 0.0,
        fate,
        agent,
        persona,
    };
    p.run().await;
}

/// An index drawn by relative weights.
fn pick(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

impl Player {
    fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn set_status(&self, status: &'static str) {
        if let Some(call) = self
            .shared
            .calls
            .lock()
            .expect("calls lock")
            .get_mut(&self.sid)
        {
            call.status = status;
        }
    }

    async fn run(&mut self) {
        self.set_status("initiated");
        self.status_event("initiated", &[]).await;
        // An agent's phone (often a softphone on auto-answer) is reached at once.
        let setup = if self.agent.is_some() { 0.1 } else { 0.5 };
        if self.wait(setup).await.is_some() {
            return self.end("canceled", 487).await;
        }
        self.set_status("ringing");
        self.status_event("ringing", &[]).await;
        let timeout: f64 = self
            .param("Timeout")
            .and_then(|t| t.parse().ok())
            .unwrap_or(60.0);
        let ring = if self.agent.is_some() {
            let [lo, hi] = self.shared.config.agents.answer_seconds;
            self.rng.random_range(lo..=hi).min(timeout)
        } else {
            let [lo, hi] = self.shared.config.ring_seconds;
            f64::from(self.rng.random_range(lo..=hi)).min(timeout)
        };
        match self.fate {
            Fate::Busy => {
                if self.wait(1.0).await.is_some() {
                    return self.end("canceled", 487).await;
                }
                return self.end("busy", 486).await;
            }
            Fate::Failed => return self.end("failed", 503).await,
            Fate::NoAnswer => {
                if self.wait(timeout).await.is_some() {
                    return self.end("canceled", 487).await;
                }
                return self.end("no-answer", 480).await;
            }
            Fate::Human | Fate::Machine => {
                if self.wait(ring).await.is_some() {
                    return self.end("canceled", 487).await;
                }
            }
        }
        self.set_status("in-progress");
        self.status_event("in-progress", &[]).await;
        // Twilio's duration counts from the answer: ringing is not talk.
        self.talk = 0.0;
        // Synchronous detection (no AsyncAmd): Twilio asks for the TwiML only once it knows
        // who answered, and says so in `AnsweredBy`.
        let mut first = Vec::new();
        if self.param("AsyncAmd").as_deref() == Some("true") {
            self.start_detection();
        } else if let Some((answered_by, secs)) = self.detect() {
            if self.wait(secs).await.is_some() {
                return self.end("completed", 200).await;
            }
            first.push(("AnsweredBy".to_string(), answered_by.to_string()));
            first.push((
                "MachineDetectionDuration".to_string(),
                format!("{}", (secs * 1000.0) as u64),
            ));
        }
        let mut next = self.param("Url").map(|u| (u, first));
        while let Some((url, extra)) = next.take() {
            let verbs = match self.fetch_twiml(&url, &extra).await {
                Some(v) => v,
                None => break,
            };
            if let Some(Interrupt::Redirect(u)) = self.follow(verbs).await {
                next = Some((u, Vec::new()));
            }
        }
        self.end("completed", 200).await;
    }

    /// Walks verbs. Returns how the document was left early, if it was.
    async fn follow(&mut self, verbs: Vec<Node>) -> Option<Interrupt> {
        let mut verbs = verbs;
        let mut i = 0;
        while i < verbs.len() {
            let verb = verbs[i].clone();
            i += 1;
            match verb.name.as_str() {
                "Say" => {
                    if let Some(x) = self.speak(&verb).await {
                        return Some(x);
                    }
                }
                "Play" => {
                    if let Some(x) = self.play(&verb).await {
                        return Some(x);
                    }
                }
                "Pause" => {
                    let s = verb
                        .attr("length")
                        .and_then(|l| l.parse().ok())
                        .unwrap_or(1.0);
                    if let Some(x) = self.wait(s).await {
                        return Some(x);
                    }
                }
                "Gather" if self.agent == Some(AgentAct::Accept) => {
                    // The agent presses a key as soon as they know who it is, mid-whisper.
                    let [lo, hi] = self.shared.config.agents.accept_seconds;
                    let after = self.rng.random_range(lo..=hi);
                    if let Some(x) = self.wait(after).await {
                        return Some(x);
                    }
                    let action = verb.attr("action").map(str::to_string)?;
                    verbs = self
                        .fetch_twiml(&action, &[("Digits".into(), "1".into())])
                        .await?;
                    i = 0;
                }
                "Gather" => {
                    for prompt in &verb.children {
                        let r = match prompt.name.as_str() {
                            "Say" => self.speak(prompt).await,
                            "Play" => self.play(prompt).await,
                            "Pause" => {
                                self.wait(
                                    prompt
                                        .attr("length")
                                        .and_then(|l| l.parse().ok())
                                        .unwrap_or(1.0),
                                )
                                .await
                            }
                            _ => self.wait(5.0).await,
                        };
                        if let Some(x) = r {
                            return Some(x);
                        }
                    }
                    // A speech question: the person answers in words (or not at all).
                    if verb.attr("input").is_some_and(|i| i.contains("speech"))
                        && self.fate == Fate::Human
                        && self.agent.is_none()
                    {
                        match self.answer_speech(&verb).await {
                            Ok(Some(next)) => {
                                verbs = next;
                                i = 0;
                            }
                            // Silence without `actionOnEmptyResult`: on to the next verb.
                            Ok(None) => {}
                            Err(x) => return x,
                        }
                        continue;
                    }
                    let digit = if self.fate == Fate::Human && self.agent.is_none() {
                        ["1", "2", ""][pick(&mut self.rng, &self.shared.config.keypress)]
                    } else {
                        ""
                    };
                    if digit.is_empty() {
                        let t = verb
                            .attr("timeout")
                            .and_then(|t| t.parse().ok())
                            .unwrap_or(5.0);
                        if let Some(x) = self.wait(t).await {
                            return Some(x);
                        }
                        // As Twilio: silence goes on to the next verb, unless the action
                        // asked to hear of it.
                        if verb.attr("actionOnEmptyResult") != Some("true") {
                            continue;
                        }
                        let action = verb.attr("action").map(str::to_string)?;
                        verbs = self.fetch_twiml(&action, &[]).await?;
                        i = 0;
                        continue;
                    }
                    if let Some(x) = self.wait(1.0).await {
                        return Some(x);
                    }
                    let action = verb.attr("action").map(str::to_string)?;
                    let next = self
                        .fetch_twiml(&action, &[("Digits".into(), digit.into())])
                        .await?;
                    verbs = next;
                    i = 0;
                }
                "Dial" if verb.children.iter().any(|c| c.name == "Conference") => {
                    if let Some(x) = self.conference(&verb).await {
                        return Some(x);
                    }
                }
                "Record" => {
                    if let Some(x) = self.record(&verb).await {
                        return Some(x);
                    }
                }
                "Dial" => {
                    let [lo, hi] = self.shared.config.talk_seconds;
                    let leg = f64::from(self.rng.random_range(lo..=hi));
                    if let Some(x) = self.wait(leg).await {
                        return Some(x);
                    }
                    if let Some(action) = verb.attr("action").map(str::to_string) {
                        let extra = [
                            ("DialCallStatus".to_string(), "completed".to_string()),
                            ("DialCallDuration".to_string(), format!("{}", leg as u64)),
                        ];
                        verbs = self.fetch_twiml(&action, &extra).await?;
                        i = 0;
                    }
                }
                "Redirect" => return Some(Interrupt::Redirect(verb.text.trim().to_string())),
                "Hangup" | "Reject" => return Some(Interrupt::Hangup),
                _ => {}
            }
        }
        None
    }

    /// Speaking takes time: about 14 characters a second, at least a second.
    async fn speak(&mut self, say: &Node) -> Option<Interrupt> {
        let secs = (say.text.chars().count() as f64 / 14.0).max(1.0);
        self.wait(secs).await
    }

    /// Waits `secs` of simulated time (shortened by the speed), unless the call is hung up or
    /// redirected through the REST API meanwhile.
    async fn wait(&mut self, secs: f64) -> Option<Interrupt> {
        let real = Duration::from_secs_f64((secs / self.shared.config.speed).max(0.0));
        let began = std::time::Instant::now();
        tokio::select! {
            _ = tokio::time::sleep(real) => {
                self.talk += secs;
                None
            }
            c = self.control.recv() => {
                // Cut short (a hang-up, a redirect, the conference starting or ending): the
                // time that did pass counts, as on Twilio's clock.
                self.talk += began.elapsed().as_secs_f64() * self.shared.config.speed;
                match c {
                Some(Control::Hangup) | None => Some(Interrupt::Hangup),
                Some(Control::Redirect(u)) => Some(Interrupt::Redirect(u)),
                Some(Control::RoomStarted) => Some(Interrupt::Started),
                Some(Control::RoomEnded) => Some(Interrupt::Ended),
                }
            }
        }
    }

    /// Answering-machine detection, when asked for: who answered, and how many seconds it
    /// took to tell (to the end of a machine's greeting under `DetectMessageEnd`).
    fn detect(&mut self) -> Option<(&'static str, f64)> {
        let mode = self.param("MachineDetection")?;
        let (answered_by, secs) = match (self.fate, mode.as_str()) {
            (Fate::Human, _) => ("human", self.shared.config.person_detection_seconds),
            (_, "DetectMessageEnd") => {
                ("machine_end_beep", f64::from(self.rng.random_range(6..=14)))
            }
            _ => ("machine_start", 3.0),
        };
        if let Some(call) = self
            .shared
            .calls
            .lock()
            .expect("calls lock")
            .get_mut(&self.sid)
        {
            call.answered_by = Some(answered_by);
        }
        Some((answered_by, secs))
    }

    /// Asynchronous detection: the result is posted while the call goes on.
    fn start_detection(&mut self) {
        let Some((answered_by, secs)) = self.detect() else {
            return;
        };
        let Some(url) = self.param("AsyncAmdStatusCallback") else {
            return;
        };
        let fields = vec![
            ("CallSid".to_string(), self.sid.clone()),
            (
                "AccountSid".to_string(),
                self.shared.account.account_sid.clone(),
            ),
            ("AnsweredBy".to_string(), answered_by.to_string()),
            (
                "MachineDetectionDuration".to_string(),
                format!("{}", (secs * 1000.0) as u64),
            ),
        ];
        let shared = self.shared.clone();
        let real = Duration::from_secs_f64(secs / shared.config.speed);
        tokio::spawn(async move {
            tokio::time::sleep(real).await;
            let _ = post(&shared, &url, &fields).await;
        });
    }

    fn call_fields(&self, status: &str) -> Vec<(String, String)> {
        vec![
            ("CallSid".into(), self.sid.clone()),
            ("AccountSid".into(), self.shared.account.account_sid.clone()),
            ("From".into(), self.param("From").unwrap_or_default()),
            ("To".into(), self.param("To").unwrap_or_default()),
            ("CallStatus".into(), status.into()),
            ("Direction".into(), "outbound-api".into()),
            ("ApiVersion".into(), "2010-04-01".into()),
        ]
    }

    /// Posts to a TwiML URL and reads the answer; `None` ends the call, as a failed webhook
    /// does on Twilio.
    async fn fetch_twiml(&mut self, url: &str, extra: &[(String, String)]) -> Option<Vec<Node>> {
        let mut fields = self.call_fields("in-progress");
        fields.extend(extra.iter().cloned());
        let text = post(&self.shared, url, &fields).await?;
        match twiml::parse(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(call_sid = %self.sid, error = %e, "simulator: the webhook answered invalid TwiML (Twilio error 12100)");
                None
            }
        }
    }

    /// Posts a status event, with the faults the configuration asks for.
    async fn status_event(&mut self, status: &str, extra: &[(String, String)]) {
        let Some(url) = self.param("StatusCallback") else {
            return;
        };
        let mut fields = self.call_fields(status);
        fields.push(("SequenceNumber".into(), self.sequence.to_string()));
        fields.push(("CallbackSource".into(), "call-progress-events".into()));
        fields.push(("Timestamp".into(), rfc2822_now()));
        fields.extend(extra.iter().cloned());
        self.sequence += 1;
        let twice = self.rng.random_bool(self.shared.config.duplicate_callbacks);
        let hold = self.rng.random_bool(self.shared.config.reorder_callbacks);
        if hold {
            let shared = self.shared.clone();
            let delay = Duration::from_millis(self.rng.random_range(200..1200));
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = post(&shared, &url, &fields).await;
                if twice {
                    let _ = post(&shared, &url, &fields).await;
                }
            });
        } else {
            let _ = self.outbox.send((url, fields, twice));
        }
    }

    async fn end(&mut self, status: &'static str, sip: u16) {
        let answered = status == "completed";
        let duration = if answered {
            self.talk.round() as u64
        } else {
            0
        };
        if let Some(call) = self
            .shared
            .calls
            .lock()
            .expect("calls lock")
            .get_mut(&self.sid)
        {
            call.status = status;
            call.duration = Some(duration);
            call.ended = Some(std::time::Instant::now());
            call.control = None;
        }
        let mut extra = vec![
            ("CallDuration".to_string(), duration.to_string()),
            ("SipResponseCode".to_string(), sip.to_string()),
        ];
        if status == "failed" {
            extra.push(("ErrorCode".into(), "31005".into()));
            extra.push((
                "ErrorMessage".into(),
                "Connection error: the callee's network failed the call".into(),
            ));
        }
        self.status_event(status, &extra).await;
        if answered
            && self.param("Record").as_deref() == Some("true")
            && let Some(url) = self.param("RecordingStatusCallback")
        {
            let rec = format!("RE{}", &self.sid[2..]);
            crate::recordings::recorded(&self.shared, &self.sid, &rec, duration, &url).await;
        }
    }
}

/// The current time in RFC 2822, as Twilio's `Timestamp` field.
fn rfc2822_now() -> String {
    jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}
