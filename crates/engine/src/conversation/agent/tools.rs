//! The tools the model may call, and Outdial carrying them out. Every argument is checked:
//! days and times are the person's own words, read by Outdial's understanding (never a date
//! the model made up); a booking is accepted only for the slot Outdial offered and still
//! holds; an unknown tool or bad arguments get an error the model can correct.

use super::AgentState;
use crate::EngineError;
use crate::conversation::{Context, OnCall, Reply, live, slots};
use outdial_conversation::Outcome;
use outdial_llm::Tool;
use serde_json::{Value, json};

/// How a tool ends the call, when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// With this outcome.
    With(Outcome),
}

/// What a tool call came to: its result for the model, and the call's end if it ends it.
pub(super) struct Done {
    pub result: Value,
    pub ends: Option<Ending>,
}

fn ok(result: Value) -> Done {
    Done { result, ends: None }
}

fn error(message: impl Into<String>) -> Done {
    ok(json!({ "error": message.into() }))
}

fn words_param(what: &str) -> Value {
    json!({
        "type": "object",
        "properties": { "when": { "type": "string", "description": what } },
        "required": ["when"],
    })
}

/// The tools offered to the model.
pub(super) fn all() -> Vec<Tool> {
    vec![
        Tool {
            name: "check_availability".into(),
            description: "Finds the free appointment slot nearest to the day and time the person named, and holds it for them. Returns the slot as it is to be said, and its slot_id.".into(),
            parameters: words_param("The person's own words for the day and time, e.g. 'Donnerstag um 15 Uhr' or 'next Monday morning'; empty for the next free slot."),
        },
        Tool {
            name: "book_appointment".into(),
            description: "Books the slot check_availability offered, once the person agreed to it.".into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "slot_id": { "type": "string", "description": "The slot_id check_availability returned." },
                    "service_type": { "type": "string", "description": "What the appointment is for, if the person said." },
                },
                "required": ["slot_id"],
            }),
        },
        Tool {
            name: "schedule_callback".into(),
            description: "Schedules a call back at the time the person named.".into(),
            parameters: words_param("The person's own words for when to call back, e.g. 'nächste Woche Montag vormittags'."),
        },
        Tool {
            name: "transfer_to_agent".into(),
            description: "Hands the person to a human colleague. Say that you are connecting them first.".into(),
            parameters: json!({ "type": "object", "properties": {} }),
        },
        Tool {
            name: "opt_out".into(),
            description: "Puts the person's number on the do-not-call list and ends the call. Use it when they ask not to be called again.".into(),
            parameters: json!({ "type": "object", "properties": {} }),
        },
        Tool {
            name: "end_call".into(),
            description: "Ends the call after your goodbye, with how it went.".into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "outcome": { "type": "string", "enum": ["appointment_booked", "interested", "not_interested", "call_back_requested"] },
                    "notes": { "type": "string", "description": "A one-sentence summary of the conversation." },
                    "service_type": { "type": "string", "description": "The service the person is interested in, if any." },
                },
                "required": ["outcome"],
            }),
        },
    ]
}

fn text_arg(args: &Value, name: &str) -> Option<String> {
    args.get(name)
        .and_then(Value::as_str)
        .map(|s| s.trim().chars().take(500).collect())
}

/// Carries out one tool call.
pub(super) async fn run(
    ctx: &Context<'_>,
    on: &OnCall<'_>,
    state: &mut AgentState,
    reply: &mut Reply,
    name: &str,
    arguments: &str,
) -> Result<Done, EngineError> {
    let args: Value = match serde_json::from_str(if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    }) {
        Ok(v @ Value::Object(_)) => v,
        _ => return Ok(error("the arguments must be a JSON object")),
    };
    match name {
        "check_availability" => {
            let words = text_arg(&args, "when").unwrap_or_default();
            let wanted = if words.is_empty() {
                None
            } else {
                match super::understood(ctx, &words) {
                    Some(w) => Some(w),
                    None => {
                        return Ok(error(format!(
                            "'{words}' names no day or time Outdial understands; ask the person for a day and a time"
                        )));
                    }
                }
            };
            if let Some(w) = &wanted {
                state.extracted.requested = Some(
                    w.date.clone() + &w.time.as_ref().map(|t| format!(" {t}")).unwrap_or_default(),
                );
            }
            let Some(calendar) = ctx.calendar_id else {
                return Ok(error(
                    "no calendar is set for this campaign: offer a call back instead",
                ));
            };
            // One slot is held at a time: the one offered before is given back.
            if let Some(before) = state.offered.take() {
                let _ = crate::booking::release(ctx.store, ctx.tenant, &before.hold).await;
            }
            match slots::find_and_hold(ctx, calendar, wanted.as_ref(), &[]).await? {
                Some(slot) => {
                    let result =
                        json!({ "available": true, "slot": slot.spoken, "slot_id": slot.hold });
                    reply.actions.push(format!("offered {}", slot.spoken));
                    state.offered = Some(slot);
                    Ok(ok(result))
                }
                None => Ok(ok(
                    json!({ "available": false, "reason": "nothing free near that time; ask for another day" }),
                )),
            }
        }
        "book_appointment" => {
            let id = text_arg(&args, "slot_id").unwrap_or_default();
            let Some(slot) = state.offered.clone().filter(|o| o.hold == id) else {
                return Ok(error(
                    "book only the slot_id check_availability returned last; check availability first",
                ));
            };
            if live::book(ctx, on, &slot, reply).await? {
                state.offered = None;
                state.booked = true;
                state.extracted.booked_at = Some(slot.starts_at);
                state.extracted.confirmed = true;
                state.extracted.service_type =
                    text_arg(&args, "service_type").filter(|s| !s.is_empty());
                Ok(ok(json!({ "booked": true, "slot": slot.spoken })))
            } else {
                state.offered = None;
                Ok(ok(
                    json!({ "booked": false, "reason": "the slot was taken meanwhile; check availability again" }),
                ))
            }
        }
        "schedule_callback" => {
            let words = text_arg(&args, "when").unwrap_or_default();
            let Some(when) = super::understood(ctx, &words) else {
                return Ok(error(format!(
                    "'{words}' names no day or time Outdial understands; ask when to call back"
                )));
            };
            match slots::callback_time(ctx, &when) {
                Some((at, spoken)) => {
                    reply.callback_at = Some(at);
                    state.extracted.callback_at = Some(at);
                    reply.actions.push(format!("call-back scheduled {spoken}"));
                    Ok(ok(json!({ "scheduled": true, "when": spoken })))
                }
                None => Ok(error("that time could not be placed; ask again")),
            }
        }
        "transfer_to_agent" => {
            if !on.can_transfer {
                reply
                    .actions
                    .push("transfer asked for, nobody to take it".into());
                return Ok(ok(
                    json!({ "transferred": false, "reason": "nobody is available; offer a call back" }),
                ));
            }
            reply.transfer = true;
            reply.actions.push("handing the person over".into());
            Ok(Done {
                result: json!({ "transferred": true }),
                ends: Some(Ending::With(Outcome::Transferred)),
            })
        }
        "opt_out" => {
            let event =
                live::carry_out(ctx, on, outdial_conversation::Effect::OptOut, reply).await?;
            debug_assert!(matches!(event, outdial_conversation::Event::OptedOut));
            Ok(Done {
                result: json!({ "opted_out": true }),
                ends: Some(Ending::With(Outcome::OptedOut)),
            })
        }
        "end_call" => {
            let outcome = match text_arg(&args, "outcome").as_deref() {
                Some("appointment_booked") if state.booked => Outcome::AppointmentBooked,
                Some("appointment_booked") => {
                    return Ok(error(
                        "nothing was booked: book_appointment first, or end with another outcome",
                    ));
                }
                Some("interested") => Outcome::Interested,
                Some("not_interested") => Outcome::NotInterested,
                Some("call_back_requested") => Outcome::CallBackRequested,
                other => {
                    return Ok(error(format!(
                        "'{}' is not an outcome: use appointment_booked, interested, not_interested or call_back_requested",
                        other.unwrap_or_default()
                    )));
                }
            };
            state.extracted.notes = text_arg(&args, "notes").filter(|s| !s.is_empty());
            if let Some(s) = text_arg(&args, "service_type").filter(|s| !s.is_empty()) {
                state.extracted.service_type = Some(s);
            }
            Ok(Done {
                result: json!({ "ended": true }),
                ends: Some(Ending::With(outcome)),
            })
        }
        other => Ok(error(format!(
            "there is no tool '{other}': use check_availability, book_appointment, schedule_callback, transfer_to_agent, opt_out or end_call"
        ))),
    }
}
