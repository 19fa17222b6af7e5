//! A Dialogflow CX agent leading the call: each thing the person says (or keys, or silence, or
//! the call's start as the event `welcome`) goes to the agent's `detectIntent` in a session of
//! the call's own; the agent's answer is said, and its matched intent — or the session
//! parameter `outdial_action` — names what Outdial does, with the same tools a language model
//! calls: `check_availability`, `book_appointment` (also `confirm` while a slot is offered),
//! `schedule_callback`, `transfer_to_agent`, `opt_out`, `end_call`. Days and times are the
//! parameter `when` as text, else the person's own words, read by Outdial's understanding;
//! slots come from and are booked in Outdial's calendar, and what Outdial offered or booked
//! goes back to the agent as session parameters. Outdial asks once after silence, keeps to
//! the campaign's limits, and ends politely when Google fails or is slow.

use super::prompt;
use super::tools::{self, Ending};
use super::{AgentState, Prepared, end, resume};
use crate::EngineError;
use crate::conversation::call::{Said, Talk, person_turn, record};
use crate::conversation::{Context, OnCall, Reply};
use outdial_conversation::Outcome;
use outdial_domain::campaign::ConversationMode;
use outdial_google::dialogflow::{self, AgentName, Answer, Input, Query};
use outdial_google::{ServiceAccount, Tokens};
use outdial_storage::conversations::turns::{NewTurn, Speaker};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The event a conversation begins with.
pub const WELCOME: &str = "welcome";
/// The event silence is reported as (Dialogflow CX's own).
pub const NO_INPUT: &str = "sys.no-input-default";

/// A tenant's Dialogflow CX agent and the means to reach it.
#[derive(Debug, Clone)]
pub struct Dialogflow {
    /// The agent.
    pub agent: AgentName,
    /// The tenant's service account.
    pub account: ServiceAccount,
    /// The tokens got so far (shared by the server's calls).
    pub tokens: Arc<Tokens>,
    /// HTTP to the account's token endpoint (built with the outbound guard).
    pub token_http: reqwest::Client,
    /// HTTP to Dialogflow (built with the outbound guard).
    pub api_http: reqwest::Client,
    /// Dialogflow's address: the agent's region's, or a stand-in's.
    pub endpoint: String,
    /// How long one turn may take in all (the carrier waits 15 s for an answer).
    pub turn_budget: Duration,
}

/// One turn with the agent: token and `detectIntent`, within the budget.
async fn ask(
    df: &Dialogflow,
    session: &str,
    query: &Query<'_>,
    now_ms: i64,
) -> Result<Answer, String> {
    let work = async {
        let token = df
            .tokens
            .get(
                &df.token_http,
                &df.account,
                dialogflow::SCOPE,
                now_ms / 1000,
            )
            .await?;
        dialogflow::detect_intent(
            &df.api_http,
            &df.endpoint,
            &token,
            &df.agent,
            session,
            query,
        )
        .await
    };
    match tokio::time::timeout(df.turn_budget, work).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(e)) => {
            if matches!(
                e,
                outdial_google::GoogleError::Forbidden { .. }
                    | outdial_google::GoogleError::TokenRefused { .. }
            ) {
                df.tokens.forget(&df.account);
            }
            Err(e.to_string())
        }
        Err(_) => Err(format!(
            "Dialogflow did not answer within {} ms",
            df.turn_budget.as_millis()
        )),
    }
}

/// Lower case without spaces, `_` or `-`: `BookAppointment`, `book_appointment` and
/// `book-appointment` are one name.
fn plain(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The tool an intent (or the `outdial_action` parameter) names.
fn action_of(name: &str) -> Option<&'static str> {
    Some(match plain(name).as_str() {
        "checkavailability" => "check_availability",
        "bookappointment" => "book_appointment",
        "confirm" | "confirmappointment" | "confirmslot" => "confirm",
        "schedulecallback" | "callback" | "callbackrequested" => "schedule_callback",
        "transfertoagent" | "transfer" => "transfer_to_agent",
        "optout" => "opt_out",
        "endcall" => "end_call",
        _ => return None,
    })
}

fn text_param(params: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        params
            .get(*n)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// The outcome an agent's ending comes to: its `outcome` parameter when it is one an agent may
/// name, else booked when a slot was booked, else interested.
fn ending_outcome(params: &Map<String, Value>, state: &AgentState) -> &'static str {
    match text_param(params, &["outcome"]).as_deref() {
        Some("interested") => "interested",
        Some("not_interested") => "not_interested",
        Some("call_back_requested") => "call_back_requested",
        _ if state.booked => "appointment_booked",
        _ => "interested",
    }
}

/// What Outdial tells the agent before each turn: the slot it holds for the person, whether
/// it booked, and the call-back time.
fn session_parameters(state: &AgentState) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert(
        "outdial_offered_slot".into(),
        state
            .offered
            .as_ref()
            .map(|o| json!(o.spoken))
            .unwrap_or(Value::Null),
    );
    p.insert("outdial_booked".into(), json!(state.booked));
    p
}

/// Carries out what the agent's answer names and says what came of it. Returns how the call
/// ends, when it does.
async fn act(
    ctx: &Context<'_>,
    on: &OnCall<'_>,
    state: &mut AgentState,
    reply: &mut Reply,
    stored: &mut Vec<NewTurn>,
    answer: &Answer,
    words: &str,
) -> Result<Option<Outcome>, EngineError> {
    let named = text_param(&answer.parameters, &["outdial_action"])
        .or_else(|| answer.intent.clone())
        .unwrap_or_default();
    let Some(mut action) = action_of(&named) else {
        return Ok(None);
    };
    let when = text_param(&answer.parameters, &["when"]).unwrap_or_else(|| words.to_string());
    let held = state.offered.as_ref().map(|o| o.hold.clone());
    // A booking is made only of the slot offered: without one, the nearest is offered first;
    // a yes without an offer is nothing to act on.
    match (action, &held) {
        ("book_appointment" | "confirm", Some(_)) => action = "book_appointment",
        ("book_appointment", None) => action = "check_availability",
        ("confirm", None) => return Ok(None),
        _ => {}
    }
    let args = match action {
        "check_availability" | "schedule_callback" => json!({ "when": when }),
        "book_appointment" => json!({
            "slot_id": held,
            "service_type": text_param(&answer.parameters, &["service_type", "service"]),
        }),
        "end_call" => json!({
            "outcome": ending_outcome(&answer.parameters, state),
            "notes": text_param(&answer.parameters, &["notes"]),
        }),
        _ => json!({}),
    };
    let done = tools::run(ctx, on, state, reply, action, &args.to_string()).await?;
    stored.push(NewTurn {
        speaker: Speaker::Tool,
        text: action.into(),
        confidence: None,
        data: Some(json!({ "intent": answer.intent, "arguments": args, "result": done.result })),
    });
    let r = &done.result;
    let acted = prompt::phrases(ctx.language).acted;
    let fill = |text: &str| {
        text.replace("{slot}", r["slot"].as_str().unwrap_or_default())
            .replace("{when}", r["when"].as_str().unwrap_or_default())
    };
    let said = match action {
        "check_availability" if r["available"] == true => Some(fill(acted.offered)),
        "check_availability" if r["available"] == false => Some(acted.none_free.to_string()),
        "check_availability" => Some(acted.ask_when.to_string()),
        "book_appointment" if r["booked"] == true => Some(fill(acted.booked)),
        "book_appointment" => Some(acted.taken.to_string()),
        "schedule_callback" if r["scheduled"] == true => Some(fill(acted.callback)),
        "schedule_callback" => Some(acted.ask_callback.to_string()),
        "transfer_to_agent" if r["transferred"] == false => Some(acted.nobody.to_string()),
        _ => None,
    };
    reply.say.extend(said);
    Ok(done.ends.map(|Ending::With(o)| o))
}

/// One turn of the call with a Dialogflow CX agent leading. `df` is `None` when the tenant has
/// no service account set (or the campaign names no agent): the call ends politely.
pub async fn turn(t: &Talk<'_>, said: Said, df: Option<&Dialogflow>) -> Result<Reply, EngineError> {
    let (tenant, call_id) = (t.call.tenant_id, t.call.id);
    let mut state = match resume(t).await? {
        Ok(state) => state,
        Err(ended) => return Ok(ended),
    };
    let settings = &t.campaign.settings.conversation.dialogflow;
    let language = t.campaign.settings.script.language.as_str();
    let agent_language = if settings.language_code.trim().is_empty() {
        language
    } else {
        settings.language_code.trim()
    };
    let phrases = prompt::phrases(language);
    let prepared = Prepared::new(t);
    let ctx = prepared.context(t);
    let mut reply = Reply::new();
    let mut stored: Vec<NewTurn> = person_turn(&said).into_iter().collect();
    // The input for the agent, unless the turn ends the call by itself.
    let input = match &said {
        Said::Start if !state.begun => Some(Input::Event(WELCOME)),
        Said::Start | Said::Silence => {
            state.silences += 1;
            if state.silences > 1 {
                let outcome = super::so_far(&state);
                end(
                    &ctx,
                    &mut state,
                    &mut reply,
                    outcome,
                    phrases.goodbye.into(),
                )
                .await;
                None
            } else {
                Some(Input::Event(NO_INPUT))
            }
        }
        Said::Speech { text, .. } | Said::Keys(text) => {
            state.silences = 0;
            state.turns += 1;
            let elapsed_ms = t.now - state.started_at;
            if state.turns > settings.max_turns
                || elapsed_ms > i64::from(settings.max_call_seconds) * 1000
            {
                tracing::info!(tenant_id = %tenant, call_id = %call_id, turns = state.turns, "Dialogflow conversation reached its limit");
                let outcome = super::so_far(&state);
                end(&ctx, &mut state, &mut reply, outcome, phrases.limit.into()).await;
                None
            } else if matches!(said, Said::Keys(_)) {
                Some(Input::Keys(text))
            } else {
                Some(Input::Text(text))
            }
        }
    };
    if let Some(input) = input {
        state.begun = true;
        let words = match &said {
            Said::Speech { text, .. } => text.chars().take(outdial_understand::MAX_TEXT).collect(),
            _ => String::new(),
        };
        let zone_name = prepared.zone.iana_name().map(str::to_string);
        let query = Query {
            input,
            language: agent_language,
            time_zone: zone_name.as_deref(),
            parameters: session_parameters(&state),
        };
        let session = format!("outdial-call-{call_id}");
        let answer = match df {
            Some(df) => ask(df, &session, &query, t.now).await,
            None => Err("no Dialogflow agent is set: the tenant's service account or the campaign's agent is missing".into()),
        };
        match answer {
            Err(why) => {
                tracing::warn!(tenant_id = %tenant, call_id = %call_id, error = %why, "Dialogflow failed; the call ends politely");
                metrics::counter!("outdial_dialogflow_failures_total").increment(1);
                stored.push(NewTurn {
                    speaker: Speaker::Tool,
                    text: "Dialogflow failed".into(),
                    confidence: None,
                    data: Some(json!({ "error": why })),
                });
                let outcome = super::so_far(&state);
                end(
                    &ctx,
                    &mut state,
                    &mut reply,
                    outcome,
                    phrases.trouble.into(),
                )
                .await;
            }
            Ok(answer) => {
                stored.push(NewTurn {
                    speaker: Speaker::Tool,
                    text: "dialogflow".into(),
                    confidence: answer.confidence,
                    data: Some(json!({
                        "intent": answer.intent,
                        "match_type": answer.match_type,
                        "parameters": answer.parameters,
                        "page": answer.page,
                    })),
                });
                if answer.intent.is_some() {
                    state.extracted.intent = answer.intent.clone();
                }
                let agent_said = answer.texts.join(" ");
                if !agent_said.is_empty() {
                    reply.say.push(agent_said.clone());
                } else if matches!(query.input, Input::Event(WELCOME)) {
                    // An agent with no answer to the start: Outdial greets.
                    let phone = t.call.to.as_str().to_string();
                    // The greeting names no date.
                    reply.say.push(prompt::fill(
                        phrases.greeting,
                        t.campaign,
                        t.lead,
                        &phone,
                        "",
                    ));
                }
                let on = ctx.on_call.as_ref().expect("a call's turn");
                let ending = act(
                    &ctx,
                    on,
                    &mut state,
                    &mut reply,
                    &mut stored,
                    &answer,
                    &words,
                )
                .await?;
                let ending = ending.or_else(|| {
                    answer.ends.then(|| {
                        serde_json::from_value(json!(ending_outcome(&answer.parameters, &state)))
                            .unwrap_or(Outcome::Interested)
                    })
                });
                match ending {
                    Some(outcome) => {
                        let last = if agent_said.is_empty() && outcome != Outcome::Transferred {
                            phrases.goodbye.to_string()
                        } else {
                            String::new()
                        };
                        end(&ctx, &mut state, &mut reply, outcome, last).await;
                    }
                    None => {
                        if reply.say.is_empty() {
                            reply.say.push(phrases.acted.pardon.into());
                        }
                        reply.listening = true;
                    }
                }
            }
        }
    }
    // The tool calls are stored with their arguments and results; the actions would repeat them.
    reply.actions.clear();
    record(
        t,
        &mut stored,
        &reply,
        &state,
        ConversationMode::Dialogflow,
        0,
    )
    .await?;
    Ok(reply)
}
