//! The machine that runs a flow, one turn at a time. Each turn takes what happened ([`Event`])
//! and returns what to say and what to do next ([`Turn`]). It never waits and never reads a
//! clock: the engine carries out the [`Effect`] and reports the result as the next event.

use crate::flow::{AppointmentAction, Flow, StepAction};
use crate::outcome::{Extracted, Outcome};
use outdial_understand::{Intent, Understanding, When};
use serde::{Deserialize, Serialize};

/// Below this confidence an answer that names no day or time is not acted on: the question is
/// asked again.
const MIN_CONFIDENCE: f32 = 0.4;
/// Most steps entered in one turn (a guard: checked flows cannot loop without listening).
const MAX_HOPS: usize = 32;

/// What the person said, as recognised and understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    /// The recogniser's text.
    pub text: String,
    /// What it means.
    pub understanding: Understanding,
}

/// A slot found and held for the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offered {
    /// The calendar.
    pub calendar_id: i64,
    /// Its start, epoch ms.
    pub starts_at: i64,
    /// As the voice says it ("Donnerstag, den 19. November um 15 Uhr").
    pub spoken: String,
    /// The hold's token.
    pub hold: String,
}

/// A call-back scheduled at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    /// When, epoch ms.
    pub at: i64,
    /// As the voice says it ("am Montag, den 23. November um 10 Uhr").
    pub spoken: String,
}

/// What happened since the last turn.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The person answered the call (or the chat began).
    Start,
    /// The person said something (or pressed a key, read as an intent).
    Heard(Heard),
    /// The person said nothing.
    Silence,
    /// The engine looked for a slot: the one found and held, or none.
    Offered(Option<Offered>),
    /// The engine booked the held slot (or moved the appointment): whether it worked.
    Booked(bool),
    /// The engine scheduled the call-back: when, or `None` without a time.
    CallbackScheduled(Option<Scheduled>),
    /// The engine confirmed or cancelled the appointment: whether it worked.
    AppointmentChanged(bool),
    /// The engine transferred the call: whether somebody took it.
    Transferred(bool),
    /// The engine put the number on the do-not-call list.
    OptedOut,
}

/// What the engine is to do after saying the turn's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Listen for an answer (speech or a key), expecting these words.
    Listen {
        /// Words the recogniser should expect.
        hints: Vec<String>,
    },
    /// Find the free slot nearest to `wanted` (or the next free one when `None`), after
    /// releasing `release` (the hold offered before), and hold it.
    FindSlot {
        /// The calendar; `None`: the campaign's.
        calendar_id: Option<i64>,
        /// What the person asked for.
        wanted: Option<When>,
        /// Slots not to offer again (already declined), epoch ms.
        skip: Vec<i64>,
        /// A hold to release first.
        release: Option<String>,
    },
    /// Book the held slot (or, on a reminder call, move its appointment there).
    Book {
        /// The slot.
        slot: Offered,
    },
    /// Schedule a call-back at `when` (or without a time).
    ScheduleCallback {
        /// What the person named.
        when: Option<When>,
    },
    /// Confirm or cancel the appointment the reminder call is about.
    ChangeAppointment {
        /// `confirm` or `cancel`.
        action: AppointmentAction,
    },
    /// Hand the person to an agent or the transfer number.
    Transfer,
    /// Put the number on the do-not-call list.
    OptOut,
    /// End the call with this outcome.
    Hangup {
        /// The outcome.
        outcome: Outcome,
    },
}

/// One turn: the words to say, in order, then the effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    /// What to say (placeholders for the lead still in braces: the engine fills them).
    pub say: Vec<String>,
    /// What to do then.
    pub effect: Effect,
}

/// Where a conversation is; kept between turns (with the call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The current step.
    pub step: String,
    /// Re-prompts used at the current question.
    pub reprompts: u32,
    /// Answers given so far.
    pub turns: u32,
    /// The last day and time the person named.
    pub wanted: Option<When>,
    /// The slot offered and held, if any.
    pub offered: Option<Offered>,
    /// The call-back scheduled, as spoken.
    pub callback: Option<String>,
    /// Slots the person declined, epoch ms.
    pub declined: Vec<i64>,
    /// What was learned.
    pub extracted: Extracted,
    /// How it ended, once it has.
    pub ended: Option<Outcome>,
}

/// A day and time named, as the extracted data writes it ("2026-11-19 15:00").
fn describe(w: &When) -> String {
    match (&w.time, &w.from, &w.to) {
        (Some(t), _, _) => format!("{} {t}", w.date),
        (None, Some(f), Some(t)) => format!("{} {f}–{t}", w.date),
        (None, Some(f), None) => format!("{} from {f}", w.date),
        (None, None, Some(t)) => format!("{} until {t}", w.date),
        _ => w.date.clone(),
    }
}

struct Phrases {
    again: &'static str,
    goodbye: &'static str,
}

fn phrases(flow: &Flow) -> Phrases {
    if flow.language == "de" {
        Phrases {
            again: "Entschuldigung, das habe ich nicht verstanden.",
            goodbye: "Vielen Dank für Ihre Zeit. Auf Wiederhören.",
        }
    } else {
        Phrases {
            again: "Sorry, I did not catch that.",
            goodbye: "Thank you for your time. Goodbye.",
        }
    }
}

fn intent_name(i: Intent) -> String {
    serde_json::to_value(i)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// Begins a conversation at the flow's start.
pub fn start(flow: &Flow) -> (State, Turn) {
    let mut state = State {
        step: flow.start.clone(),
        reprompts: 0,
        turns: 0,
        wanted: None,
        offered: None,
        callback: None,
        declined: Vec::new(),
        extracted: Extracted::default(),
        ended: None,
    };
    let turn = enter(flow, &mut state, flow.start.clone(), Vec::new());
    (state, turn)
}

/// Fills `{slot}` and `{callback}`, which the machine knows.
fn fill(text: &str, state: &State) -> String {
    let mut out = text.to_string();
    if let Some(o) = &state.offered {
        out = out.replace("{slot}", &o.spoken);
    }
    if let Some(c) = &state.callback {
        out = out.replace("{callback}", c);
    }
    out
}

/// Ends the conversation.
fn end(state: &mut State, outcome: Outcome, say: Vec<String>) -> Turn {
    state.ended = Some(outcome);
    state.extracted.ended_at_step = Some(state.step.clone());
    Turn {
        say,
        effect: Effect::Hangup { outcome },
    }
}

/// Enters step `id`, saying `said` first, and goes on until a step waits for something.
fn enter(flow: &Flow, state: &mut State, id: String, mut said: Vec<String>) -> Turn {
    let mut id = id;
    for _ in 0..MAX_HOPS {
        let Some(step) = flow.step(&id) else {
            return end(state, Outcome::NoInput, said);
        };
        state.step = id.clone();
        state.reprompts = 0;
        if let Some(s) = &step.say {
            said.push(fill(s, state));
        }
        match step.action() {
            StepAction::Ask(a) => {
                said.push(fill(&a.prompt, state));
                return Turn {
                    say: said,
                    effect: Effect::Listen {
                        hints: a.hints.clone(),
                    },
                };
            }
            StepAction::Offer(o) => {
                let release = state.offered.take().map(|o| o.hold);
                return Turn {
                    say: said,
                    effect: Effect::FindSlot {
                        calendar_id: o.calendar_id,
                        wanted: state.wanted.clone(),
                        skip: state.declined.clone(),
                        release,
                    },
                };
            }
            StepAction::Book(b) => match state.offered.clone() {
                Some(slot) => {
                    return Turn {
                        say: said,
                        effect: Effect::Book { slot },
                    };
                }
                None => id = b.on_failed.clone(),
            },
            StepAction::Callback(c) => match &state.wanted {
                Some(w) => {
                    return Turn {
                        say: said,
                        effect: Effect::ScheduleCallback {
                            when: Some(w.clone()),
                        },
                    };
                }
                None => {
                    said.push(fill(&c.prompt, state));
                    return Turn {
                        say: said,
                        effect: Effect::Listen { hints: vec![] },
                    };
                }
            },
            StepAction::Appointment(a) => {
                return Turn {
                    say: said,
                    effect: Effect::ChangeAppointment { action: a.action },
                };
            }
            StepAction::Transfer(_) => {
                return Turn {
                    say: said,
                    effect: Effect::Transfer,
                };
            }
            StepAction::OptOut => {
                return Turn {
                    say: said,
                    effect: Effect::OptOut,
                };
            }
            StepAction::End(outcome) => return end(state, outcome, said),
            StepAction::Goto(next) => id = next.to_string(),
        }
    }
    end(state, Outcome::NoInput, said)
}

/// Asks the current question again, or ends politely when the re-prompts are used up
/// (`no_input` goes where the question's route says, else the call ends `no_input`).
fn again(flow: &Flow, state: &mut State) -> Turn {
    let p = phrases(flow);
    let Some(step) = flow.step(&state.step) else {
        return end(state, Outcome::NoInput, vec![p.goodbye.into()]);
    };
    if state.reprompts < flow.reprompts {
        state.reprompts += 1;
        let (prompt, hints) = match step.action() {
            StepAction::Ask(a) => (a.prompt.clone(), a.hints.clone()),
            StepAction::Offer(o) => (o.prompt.clone(), vec![]),
            StepAction::Callback(c) => (c.prompt.clone(), vec![]),
            _ => (String::new(), vec![]),
        };
        let mut say = vec![p.again.to_string()];
        if !prompt.is_empty() {
            say.push(fill(&prompt, state));
        }
        return Turn {
            say,
            effect: Effect::Listen { hints },
        };
    }
    match step.action() {
        StepAction::Ask(a) if a.on.contains_key("no_input") => {
            enter(flow, state, a.on["no_input"].clone(), Vec::new())
        }
        // Asked when to call back and no time came: a call-back without a time.
        StepAction::Callback(_) => Turn {
            say: vec![],
            effect: Effect::ScheduleCallback { when: None },
        },
        _ => {
            let keen = matches!(
                state.extracted.intent.as_deref(),
                Some("yes" | "interested")
            );
            let outcome = if keen {
                Outcome::Interested
            } else {
                Outcome::NoInput
            };
            end(state, outcome, vec![p.goodbye.into()])
        }
    }
}

/// Takes one turn.
pub fn step(flow: &Flow, state: &mut State, event: Event) -> Turn {
    let p = phrases(flow);
    if let Some(outcome) = state.ended {
        return Turn {
            say: vec![],
            effect: Effect::Hangup { outcome },
        };
    }
    let Some(current) = flow.step(&state.step).cloned() else {
        return end(state, Outcome::NoInput, vec![p.goodbye.into()]);
    };
    match event {
        Event::Start => enter(flow, state, flow.start.clone(), Vec::new()),
        Event::Silence => again(flow, state),
        Event::Heard(heard) => {
            state.turns += 1;
            if state.turns > flow.max_turns {
                let outcome = if state.extracted.intent.is_some() {
                    Outcome::Interested
                } else {
                    Outcome::NoInput
                };
                return end(state, outcome, vec![p.goodbye.into()]);
            }
            heard_answer(flow, state, &current, heard)
        }
        Event::Offered(found) => match (current.action(), found) {
            (StepAction::Offer(o), Some(slot)) => {
                state.offered = Some(slot);
                Turn {
                    say: vec![fill(&o.prompt, state)],
                    effect: Effect::Listen { hints: vec![] },
                }
            }
            (StepAction::Offer(o), None) => enter(flow, state, o.on_none.clone(), Vec::new()),
            _ => again(flow, state),
        },
        Event::Booked(ok) => match current.action() {
            StepAction::Book(b) if ok => {
                state.extracted.booked_at = state.offered.as_ref().map(|o| o.starts_at);
                enter(flow, state, b.on_booked.clone(), Vec::new())
            }
            StepAction::Book(b) => {
                if let Some(o) = state.offered.take() {
                    state.declined.push(o.starts_at);
                }
                enter(flow, state, b.on_failed.clone(), Vec::new())
            }
            _ => again(flow, state),
        },
        Event::CallbackScheduled(at) => match current.action() {
            StepAction::Callback(c) => {
                state.extracted.callback_at = at.as_ref().map(|s| s.at);
                state.callback = at.map(|s| s.spoken);
                let next = c.on_scheduled.clone();
                enter(flow, state, next, Vec::new())
            }
            _ => again(flow, state),
        },
        Event::AppointmentChanged(_) => match current.action() {
            StepAction::Appointment(a) => enter(flow, state, a.on_done.clone(), Vec::new()),
            _ => again(flow, state),
        },
        Event::Transferred(true) => end(state, Outcome::Transferred, vec![]),
        Event::Transferred(false) => match current.action() {
            StepAction::Transfer(t) => enter(flow, state, t.on_failed.clone(), Vec::new()),
            _ => again(flow, state),
        },
        Event::OptedOut => end(state, Outcome::OptedOut, vec![]),
    }
}

/// An answer at the current step.
fn heard_answer(flow: &Flow, state: &mut State, current: &crate::flow::Step, heard: Heard) -> Turn {
    let u = &heard.understanding;
    let intent = intent_name(u.intent);
    if u.intent != Intent::Unknown {
        state.extracted.intent = Some(intent.clone());
    }
    if let Some(w) = &u.datetime {
        state.extracted.requested = Some(describe(w));
        state.wanted = Some(w.clone());
    }
    let named_time = u.datetime.is_some();
    // Routes that hold everywhere: never call again, a person please.
    if let Some(target) = flow.always.get(&intent)
        && u.intent != Intent::Unknown
    {
        return enter(flow, state, target.clone(), Vec::new());
    }
    let unclear = !named_time && (u.intent == Intent::Unknown || u.confidence < MIN_CONFIDENCE);
    match current.action() {
        StepAction::Ask(a) => {
            // "Call me Monday morning" is a call-back at that time, not a wish for a slot.
            let route = if u.intent == Intent::CallLater && a.on.contains_key("call_later") {
                a.on.get("call_later")
            } else if named_time && a.on.contains_key("datetime") {
                a.on.get("datetime")
            } else if unclear {
                a.on.get("unknown")
            } else {
                a.on.get(&intent).or_else(|| a.on.get("default"))
            };
            match route {
                Some(target) => enter(flow, state, target.clone(), Vec::new()),
                None if u.intent == Intent::Repeat => {
                    let mut turn = again(flow, state);
                    turn.say.retain(|s| s != phrases(flow).again);
                    turn
                }
                None => again(flow, state),
            }
        }
        StepAction::Offer(o) => {
            if named_time {
                // Another time: offer the nearest to that instead.
                let release = state.offered.take().map(|s| s.hold);
                return Turn {
                    say: vec![],
                    effect: Effect::FindSlot {
                        calendar_id: o.calendar_id,
                        wanted: state.wanted.clone(),
                        skip: state.declined.clone(),
                        release,
                    },
                };
            }
            match u.intent {
                Intent::Yes | Intent::Interested if !unclear => {
                    state.extracted.confirmed = true;
                    enter(flow, state, o.on_yes.clone(), Vec::new())
                }
                Intent::No | Intent::NotInterested if !unclear => {
                    if let Some(s) = &state.offered {
                        state.declined.push(s.starts_at);
                    }
                    enter(flow, state, o.on_no.clone(), Vec::new())
                }
                _ => again(flow, state),
            }
        }
        StepAction::Callback(_) if named_time => {
            let when = state.wanted.clone();
            Turn {
                say: vec![],
                effect: Effect::ScheduleCallback { when },
            }
        }
        _ => again(flow, state),
    }
}
