//! A conversation's definition: named steps, each saying something and then doing one thing
//! (asking, offering a slot, booking it, scheduling a call-back, changing the appointment a
//! reminder is about, transferring, opting out, ending, or going to another step). Read from
//! JSON and checked as a whole. Every mistake names its line, so the web app can point at it.

use crate::outcome::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A whole conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// `de` or `en`: the language of the flow's own words ("Sorry, I did not catch that").
    pub language: String,
    /// The first step.
    pub start: String,
    /// Times a question is asked again after silence or an answer not understood (0 to 3).
    #[serde(default = "one")]
    pub reprompts: u32,
    /// Most answers the person may give before the call ends politely (1 to 50).
    #[serde(default = "twenty")]
    pub max_turns: u32,
    /// Routes that hold at every question, before the step's own: an intent name
    /// (`opt_out`, `asks_for_person`, …) to a step.
    #[serde(default)]
    pub always: BTreeMap<String, String>,
    /// The steps.
    pub steps: Vec<Step>,
}

fn one() -> u32 {
    1
}
fn twenty() -> u32 {
    20
}

/// One step: what it says, then the one thing it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Its name, unique in the flow.
    pub id: String,
    /// Said when the step begins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub say: Option<String>,
    /// Asks, listens, and goes on by what was said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<Ask>,
    /// Finds the free slot nearest to the day and time the person named (or the next one),
    /// holds it, and asks whether it suits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// Books the slot offered and held (or moves the appointment a reminder call is about).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book: Option<Book>,
    /// Schedules a call-back at the time the person named (asking for one when none was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
    /// Confirms or cancels the appointment a reminder call is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<AppointmentChange>,
    /// Hands the person to an agent or the transfer number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Transfer>,
    /// Puts the number on the do-not-call list, then ends (`opted_out`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_out: Option<Empty>,
    /// Ends the call with this outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Outcome>,
    /// Goes on to another step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goto: Option<String>,
}

/// Nothing to set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// A question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    /// What is asked.
    pub prompt: String,
    /// Words the recogniser should expect.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Where each answer goes: an intent name (`yes`, `no`, `interested`, `not_interested`,
    /// `call_later`, `opt_out`, `asks_for_person`, `asks_who_is_calling`, `wrong_person`,
    /// `repeat`), `datetime` (a day or time was named), `no_input` (silence after the
    /// re-prompts), or `default` (anything else understood).
    pub on: BTreeMap<String, String>,
}

/// Offering the nearest free slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The calendar; `null`: the campaign's.
    #[serde(default)]
    pub calendar_id: Option<i64>,
    /// The question, with `{slot}` for the slot as spoken.
    pub prompt: String,
    /// The person takes it.
    pub on_yes: String,
    /// The person does not (without naming another time).
    pub on_no: String,
    /// No slot is free.
    pub on_none: String,
}

/// Booking the slot offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    /// Booked.
    pub on_booked: String,
    /// The slot was gone after all (the hold lapsed and somebody took it).
    pub on_failed: String,
}

/// Scheduling a call-back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    /// Asked when the person named no time yet.
    pub prompt: String,
    /// Scheduled (with the time, or without one when none was named after asking).
    pub on_scheduled: String,
}

/// A change to the appointment a reminder call is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentChange {
    /// `confirm` or `cancel`.
    pub action: AppointmentAction,
    /// Done.
    pub on_done: String,
}

/// What to do with the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentAction {
    /// Confirm it.
    Confirm,
    /// Cancel it.
    Cancel,
}

/// A transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Nobody could take the call.
    pub on_failed: String,
}

/// What a step does, read from its fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepAction<'a> {
    /// Ask.
    Ask(&'a Ask),
    /// Offer a slot.
    Offer(&'a Offer),
    /// Book it.
    Book(&'a Book),
    /// Schedule a call-back.
    Callback(&'a Callback),
    /// Confirm or cancel the appointment.
    Appointment(&'a AppointmentChange),
    /// Transfer.
    Transfer(&'a Transfer),
    /// Opt out.
    OptOut,
    /// End.
    End(Outcome),
    /// Go to a step.
    Goto(&'a str),
}

impl Step {
    /// Its actions (a checked flow has exactly one per step).
    fn actions(&self) -> Vec<StepAction<'_>> {
        let mut out = Vec::new();
        if let Some(a) = &self.ask {
            out.push(StepAction::Ask(a));
        }
        if let Some(o) = &self.offer {
            out.push(StepAction::Offer(o));
        }
        if let Some(b) = &self.book {
            out.push(StepAction::Book(b));
        }
        if let Some(c) = &self.callback {
            out.push(StepAction::Callback(c));
        }
        if let Some(a) = &self.appointment {
            out.push(StepAction::Appointment(a));
        }
        if let Some(t) = &self.transfer {
            out.push(StepAction::Transfer(t));
        }
        if self.opt_out.is_some() {
            out.push(StepAction::OptOut);
        }
        if let Some(o) = self.end {
            out.push(StepAction::End(o));
        }
        if let Some(g) = &self.goto {
            out.push(StepAction::Goto(g));
        }
        out
    }

    /// What the step does.
    pub fn action(&self) -> StepAction<'_> {
        self.actions()
            .into_iter()
            .next()
            .unwrap_or(StepAction::End(Outcome::NoInput))
    }

    /// The steps it may go on to.
    fn targets(&self) -> Vec<&str> {
        match self.action() {
            StepAction::Ask(a) => a.on.values().map(String::as_str).collect(),
            StepAction::Offer(o) => vec![&o.on_yes, &o.on_no, &o.on_none],
            StepAction::Book(b) => vec![&b.on_booked, &b.on_failed],
            StepAction::Callback(c) => vec![&c.on_scheduled],
            StepAction::Appointment(a) => vec![&a.on_done],
            StepAction::Transfer(t) => vec![&t.on_failed],
            StepAction::Goto(g) => vec![g],
            StepAction::OptOut | StepAction::End(_) => vec![],
        }
    }

    /// Its texts, with where they are (for messages).
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        if let Some(s) = &self.say {
            out.push(("say", s.as_str()));
        }
        match self.action() {
            StepAction::Ask(a) => out.push(("ask.prompt", a.prompt.as_str())),
            StepAction::Offer(o) => out.push(("offer.prompt", o.prompt.as_str())),
            StepAction::Callback(c) => out.push(("callback.prompt", c.prompt.as_str())),
            _ => {}
        }
        out
    }
}

/// What `on` may name besides intents.
const ANSWER_KEYS: [&str; 3] = ["datetime", "no_input", "default"];

/// Intent names a route may use.
pub(crate) const INTENTS: [&str; 11] = [
    "yes",
    "no",
    "interested",
    "not_interested",
    "call_later",
    "opt_out",
    "asks_for_person",
    "asks_who_is_calling",
    "wrong_person",
    "repeat",
    "unknown",
];

/// Words a flow's texts may hold in braces.
const PLACEHOLDERS: [&str; 8] = [
    "first_name",
    "last_name",
    "company",
    "campaign_name",
    "slot",
    "callback",
    "appointment_day",
    "appointment_time",
];

/// A mistake in a flow, with its line (1-based) when it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("line {line}: {message}")]
pub struct FlowError {
    /// The line of the definition.
    pub line: usize,
    /// What to change.
    pub message: String,
}

/// The line of the step named `id` in `text` (1 when it cannot be found).
fn line_of(text: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle) {
        let pos = from + at;
        let before = text[..pos].trim_end();
        if let Some(rest) = before.strip_suffix(':')
            && rest.trim_end().ends_with("\"id\"")
        {
            return text[..pos].matches('\n').count() + 1;
        }
        from = pos + needle.len();
    }
    1
}

/// The line of the first key `key` in `text` (1 when it cannot be found).
fn key_line(text: &str, key: &str) -> usize {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle) {
        let pos = from + at;
        if text[pos + needle.len()..].trim_start().starts_with(':') {
            return text[..pos].matches('\n').count() + 1;
        }
        from = pos + needle.len();
    }
    1
}

/// Reads and checks a flow: every mistake, each with its line.
pub fn parse(text: &str) -> Result<Flow, Vec<FlowError>> {
    let flow: Flow = serde_json::from_str(text).map_err(|e| {
        vec![FlowError {
            line: e.line().max(1),
            message: without_position(&e.to_string()),
        }]
    })?;
    let errors = check(&flow, text);
    if errors.is_empty() {
        Ok(flow)
    } else {
        Err(errors)
    }
}

fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn check(flow: &Flow, text: &str) -> Vec<FlowError> {
    let mut errors = Vec::new();
    let mut bad = |line: usize, message: String| errors.push(FlowError { line, message });
    if !matches!(flow.language.as_str(), "de" | "en") {
        bad(
            key_line(text, "language"),
            format!("language '{}' is not de or en", flow.language),
        );
    }
    if flow.reprompts > 3 {
        bad(
            key_line(text, "reprompts"),
            "reprompts must be from 0 to 3".into(),
        );
    }
    if !(1..=50).contains(&flow.max_turns) {
        bad(
            key_line(text, "max_turns"),
            "max_turns must be from 1 to 50".into(),
        );
    }
    if flow.steps.is_empty() {
        bad(
            key_line(text, "steps"),
            "a flow needs at least one step".into(),
        );
        return errors;
    }
    let mut ids = BTreeSet::new();
    for step in &flow.steps {
        let line = line_of(text, &step.id);
        if step.id.trim().is_empty() {
            bad(line, "a step needs an id".into());
        }
        if !ids.insert(step.id.as_str()) {
            bad(line, format!("step '{}' is defined twice", step.id));
        }
        let actions = step.actions();
        if actions.len() != 1 {
            bad(
                line,
                format!(
                    "step '{}' must do exactly one thing (ask, offer, book, callback, appointment, transfer, opt_out, end or goto); it does {}",
                    step.id,
                    actions.len()
                ),
            );
        }
        for (field, t) in step.texts() {
            if t.trim().is_empty() {
                bad(line, format!("step '{}': {field} is empty", step.id));
            }
            let mut rest = t;
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                let Some(close) = after.find('}') else { break };
                let name = &after[..close];
                if !PLACEHOLDERS.contains(&name) {
                    bad(
                        line,
                        format!(
                            "step '{}': {field} has the unknown placeholder {{{name}}}; use {}",
                            step.id,
                            PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                        ),
                    );
                }
                rest = &after[close + 1..];
            }
        }
        if let Some(ask) = &step.ask {
            for key in ask.on.keys() {
                if !INTENTS.contains(&key.as_str()) && !ANSWER_KEYS.contains(&key.as_str()) {
                    bad(
                        line,
                        format!(
                            "step '{}': '{key}' is no answer a route can name; use an intent ({}) or datetime, no_input, default",
                            step.id,
                            INTENTS.join(", ")
                        ),
                    );
                }
            }
        }
    }
    let known = |id: &str| flow.steps.iter().any(|s| s.id == id);
    if !known(&flow.start) {
        bad(
            key_line(text, "start"),
            format!(
                "start names the step '{}', which does not exist",
                flow.start
            ),
        );
    }
    for (intent, target) in &flow.always {
        if !INTENTS.contains(&intent.as_str()) {
            bad(
                key_line(text, intent),
                format!(
                    "always: '{intent}' is not an intent; use one of {}",
                    INTENTS.join(", ")
                ),
            );
        }
        if !known(target) {
            bad(
                key_line(text, intent),
                format!("always: {intent} goes to '{target}', which does not exist"),
            );
        }
    }
    for step in &flow.steps {
        for target in step.targets() {
            if !known(target) {
                bad(
                    line_of(text, &step.id),
                    format!(
                        "step '{}' goes to '{target}', which does not exist",
                        step.id
                    ),
                );
            }
        }
    }
    // Every step can be reached (said only when the start is known: otherwise every step would
    // be named), and no chain of steps that never listen goes round forever.
    let mut reached = BTreeSet::new();
    let mut todo: Vec<&str> = vec![flow.start.as_str()];
    todo.extend(flow.always.values().map(String::as_str));
    while let Some(id) = todo.pop() {
        if !reached.insert(id) {
            continue;
        }
        if let Some(s) = flow.steps.iter().find(|s| s.id == id) {
            todo.extend(s.targets());
        }
    }
    for step in flow.steps.iter().filter(|_| known(&flow.start)) {
        if !reached.contains(step.id.as_str()) {
            bad(
                line_of(text, &step.id),
                format!("step '{}' is never reached", step.id),
            );
        }
    }
    for step in &flow.steps {
        let mut seen = BTreeSet::new();
        let mut at = step;
        while let StepAction::Goto(next) = at.action() {
            if !seen.insert(at.id.as_str()) {
                bad(
                    line_of(text, &step.id),
                    format!(
                        "step '{}' goes round in a circle of goto steps that never listen",
                        step.id
                    ),
                );
                break;
            }
            match flow.steps.iter().find(|s| s.id == next) {
                Some(n) => at = n,
                None => break,
            }
        }
    }
    errors
}

impl Flow {
    /// The step named `id`.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}
