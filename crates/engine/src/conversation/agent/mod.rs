//! Someone other than a flow leads the call, turn by turn over the same speech `<Gather>`: a
//! language model (here) or a Dialogflow CX agent ([`dialogflow`]). Both act through the same
//! tools Outdial carries out and checks ([`tools`]).
//!
//! With a language model, the person's words go to the model with the conversation so far; the
//! model answers in words (said, then Outdial listens) or calls tools.
//! Outdial greets by itself (no wait for a model before the first word), asks once after
//! silence, keeps to the campaign's limits on answers, call length and tokens, and ends
//! politely when the model fails, is slow or is missing — never dead air.

pub mod dialogflow;
mod prompt;
mod tools;

use super::call::{Said, Talk, person_turn, record};
use super::{Context, OnCall, Reply};
use crate::EngineError;
use outdial_conversation::{Extracted, Offered, Outcome};
use outdial_domain::campaign::{CampaignType, ConversationMode};
use outdial_llm::{ChatRequest, Message};
use outdial_storage::conversations::turns::{NewTurn, Speaker};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Most model answers in one turn (tool calls and their results go back to it).
const MAX_ROUNDS: usize = 5;
/// Most tokens one model answer may write.
const ANSWER_TOKENS: u32 = 300;

/// The language model a tenant's calls talk through.
#[derive(Debug, Clone)]
pub struct Model {
    /// The client, built with the outbound-request guard.
    pub client: outdial_llm::Client,
    /// How long one turn may take in all, model answers and tools together (the carrier
    /// waits 15 s for an answer).
    pub turn_budget: Duration,
}

/// The conversation kept between the call's turns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AgentState {
    /// Everything said so far, as the model sees it.
    messages: Vec<Message>,
    /// Answers the person gave.
    turns: u32,
    /// Silences in a row.
    silences: u32,
    /// Tokens used.
    tokens: u64,
    /// The slot offered and held.
    offered: Option<Offered>,
    /// Whether an appointment was booked.
    booked: bool,
    /// What was learned.
    extracted: Extracted,
    /// When the conversation began, epoch ms.
    started_at: i64,
    /// Whether the leader has been asked anything yet (Dialogflow: the `welcome` event sent).
    #[serde(default)]
    begun: bool,
}

/// The day and time the person's words name, read by Outdial's understanding.
fn understood(ctx: &Context<'_>, words: &str) -> Option<outdial_understand::When> {
    let lang = if ctx.language.to_ascii_lowercase().starts_with("de") {
        outdial_understand::Lang::De
    } else {
        outdial_understand::Lang::En
    };
    let now = jiff::Timestamp::from_millisecond(ctx.now)
        .ok()?
        .to_zoned(ctx.zone.clone());
    outdial_understand::understand(words, lang, &now).datetime
}

/// Ends the conversation: last words, the outcome, and any slot held but not booked given back.
async fn end(
    ctx: &Context<'_>,
    state: &mut AgentState,
    reply: &mut Reply,
    outcome: Outcome,
    words: String,
) {
    if !words.trim().is_empty() {
        reply.say.push(words);
    }
    reply.outcome = Some(outcome);
    reply.listening = false;
    if let Some(o) = state.offered.take() {
        let _ = crate::booking::release(ctx.store, ctx.tenant, &o.hold).await;
    }
}

/// What a conversation cut short comes to: what it achieved, else a call-back.
fn so_far(state: &AgentState) -> Outcome {
    if state.booked {
        Outcome::AppointmentBooked
    } else if state.turns == 0 {
        Outcome::NoInput
    } else {
        Outcome::CallBackRequested
    }
}

/// What a turn needs besides the talk: the person's zone and the fields the words use.
pub(super) struct Prepared {
    zone: jiff::tz::TimeZone,
    fields: Vec<(&'static str, String)>,
    reminds_of: Option<i64>,
}

impl Prepared {
    fn new(t: &Talk<'_>) -> Prepared {
        Prepared {
            zone: super::call::person_zone(t.call, t.campaign, t.lead),
            fields: super::call::fields(t.campaign, t.lead),
            reminds_of: t
                .lead
                .and_then(|l| l.appointment_id)
                .filter(|_| t.campaign.campaign_type == CampaignType::AppointmentReminder),
        }
    }

    /// The context tools run in, on the call.
    fn context<'a>(&'a self, t: &'a Talk<'a>) -> Context<'a> {
        Context {
            store: t.store,
            tenant: t.call.tenant_id,
            calendar_id: super::call::calendar_of(t.campaign),
            language: t.campaign.settings.script.language.as_str(),
            zone: &self.zone,
            fields: &self.fields,
            by: super::call::BY,
            now: t.now,
            on_call: Some(OnCall {
                call: t.call,
                lead: t.lead,
                reminds_of: self.reminds_of,
                can_transfer: t.can_transfer,
            }),
        }
    }
}

/// The conversation so far (a new one when the call has none), or — when it has ended (a
/// repeated webhook) — the reply that says nothing and changes nothing.
async fn resume(t: &Talk<'_>) -> Result<Result<AgentState, Reply>, EngineError> {
    let previous = {
        let mut conn = t.store.conn().await?;
        outdial_storage::conversations::get_for_call(&mut conn, t.call.tenant_id, t.call.id).await?
    };
    if let Some(p) = previous.as_ref().filter(|p| p.outcome.is_some()) {
        let mut reply = Reply::new();
        reply.outcome = p
            .outcome
            .as_deref()
            .and_then(|o| serde_json::from_value(serde_json::json!(o)).ok());
        return Ok(Err(reply));
    }
    Ok(Ok(previous
        .and_then(|p| serde_json::from_value(p.state).ok())
        .unwrap_or_else(|| AgentState {
            started_at: t.now,
            ..AgentState::default()
        })))
}

/// One turn of the call with the model leading. `model` is `None` when the tenant has set no
/// provider: the call ends politely.
pub async fn turn(t: &Talk<'_>, said: Said, model: Option<&Model>) -> Result<Reply, EngineError> {
    let (tenant, call_id) = (t.call.tenant_id, t.call.id);
    let mut state = match resume(t).await? {
        Ok(state) => state,
        Err(ended) => return Ok(ended),
    };
    let settings = &t.campaign.settings.conversation.llm;
    let language = t.campaign.settings.script.language.as_str();
    let phrases = prompt::phrases(language);
    let prepared = Prepared::new(t);
    let ctx = prepared.context(t);
    let zone = &prepared.zone;
    let today = jiff::Timestamp::from_millisecond(t.now)
        .map(|ts| {
            ts.to_zoned(zone.clone())
                .strftime("%A, %Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let phone = t.call.to.as_str().to_string();
    let mut reply = Reply::new();
    let mut stored: Vec<NewTurn> = person_turn(&said).into_iter().collect();
    let mut tokens = 0u64;
    match (&said, state.messages.is_empty()) {
        (Said::Start, true) | (_, true) => {
            let greeting = if settings.greeting.trim().is_empty() {
                phrases.greeting
            } else {
                settings.greeting.as_str()
            };
            let greeting = prompt::fill(greeting, t.campaign, t.lead, &phone, &today);
            state.messages = vec![
                Message::system(prompt::system(t.campaign, t.lead, &phone, &today)),
                Message {
                    role: outdial_llm::Role::Assistant,
                    content: Some(greeting.clone()),
                    tool_calls: Vec::new(),
                    tool_call_id: None,
                },
            ];
            reply.say.push(greeting);
            reply.listening = true;
        }
        (Said::Start | Said::Silence, false) => {
            state.silences += 1;
            if state.silences > 1 {
                let outcome = so_far(&state);
                end(
                    &ctx,
                    &mut state,
                    &mut reply,
                    outcome,
                    phrases.goodbye.into(),
                )
                .await;
            } else {
                reply.say.push(phrases.still_there.into());
                reply.listening = true;
            }
        }
        (Said::Speech { text, .. }, false) | (Said::Keys(text), false) => {
            state.silences = 0;
            state.turns += 1;
            let words = match &said {
                Said::Keys(k) => format!("(pressed the key {k})"),
                _ => text.chars().take(outdial_understand::MAX_TEXT).collect(),
            };
            state.messages.push(Message::user(words));
            let elapsed_ms = t.now - state.started_at;
            if state.turns > settings.max_turns
                || elapsed_ms > i64::from(settings.max_call_seconds) * 1000
                || state.tokens >= u64::from(settings.max_tokens)
            {
                tracing::info!(tenant_id = %tenant, call_id = %call_id, turns = state.turns, tokens = state.tokens, "language model conversation reached its limit");
                let outcome = so_far(&state);
                end(&ctx, &mut state, &mut reply, outcome, phrases.limit.into()).await;
            } else {
                match model {
                    Some(m) => {
                        tokens = converse(&ctx, m, &mut state, &mut reply, &mut stored).await?;
                    }
                    None => {
                        tracing::error!(tenant_id = %tenant, call_id = %call_id, "the campaign talks through a language model, but no provider is set");
                        let outcome = so_far(&state);
                        end(
                            &ctx,
                            &mut state,
                            &mut reply,
                            outcome,
                            phrases.trouble.into(),
                        )
                        .await;
                    }
                }
            }
        }
    }
    // The tool calls are stored with their arguments and results; the actions would repeat them.
    reply.actions.clear();
    state.tokens += tokens;
    let stored_tokens = i64::try_from(tokens).unwrap_or(i64::MAX);
    record(
        t,
        &mut stored,
        &reply,
        &state,
        ConversationMode::Llm,
        stored_tokens,
    )
    .await?;
    Ok(reply)
}

/// Asks the model until it speaks or a tool ends the call, within the turn's budget. Returns
/// the tokens used.
async fn converse(
    ctx: &Context<'_>,
    model: &Model,
    state: &mut AgentState,
    reply: &mut Reply,
    stored: &mut Vec<NewTurn>,
) -> Result<u64, EngineError> {
    let phrases = prompt::phrases(ctx.language);
    let Some(on) = ctx.on_call.as_ref() else {
        return Ok(0);
    };
    let started = tokio::time::Instant::now();
    let mut tokens = 0u64;
    for _ in 0..MAX_ROUNDS {
        let remaining = model.turn_budget.saturating_sub(started.elapsed());
        let request = ChatRequest {
            messages: state.messages.clone(),
            tools: tools::all(),
            max_tokens: Some(ANSWER_TOKENS),
            temperature: Some(0.3),
        };
        let answer = match tokio::time::timeout(remaining, model.client.complete(&request)).await {
            Ok(Ok(a)) => a,
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer within {} ms", remaining.as_millis()),
                };
                tracing::warn!(tenant_id = %ctx.tenant, call_id = %on.call.id, error = %why, "the language model failed; the call ends politely");
                metrics::counter!("outdial_llm_failures_total").increment(1);
                stored.push(NewTurn {
                    speaker: Speaker::Tool,
                    text: "language model failed".into(),
                    confidence: None,
                    data: Some(serde_json::json!({ "error": why })),
                });
                let outcome = so_far(state);
                end(ctx, state, reply, outcome, phrases.trouble.into()).await;
                return Ok(tokens);
            }
        };
        if let Some(u) = answer.usage {
            tokens += u64::from(u.prompt_tokens) + u64::from(u.completion_tokens);
        }
        state.messages.push(Message::assistant(&answer));
        let words = answer.content.clone().filter(|c| !c.trim().is_empty());
        if answer.tool_calls.is_empty() {
            match words {
                Some(w) => {
                    reply.say.push(w);
                    reply.listening = true;
                }
                None => {
                    let outcome = so_far(state);
                    end(ctx, state, reply, outcome, phrases.trouble.into()).await;
                }
            }
            return Ok(tokens);
        }
        let mut ending = None;
        for call in &answer.tool_calls {
            let done = tools::run(ctx, on, state, reply, &call.name, &call.arguments).await?;
            stored.push(NewTurn {
                speaker: Speaker::Tool,
                text: call.name.clone(),
                confidence: None,
                data: Some(
                    serde_json::json!({ "arguments": call.arguments, "result": done.result }),
                ),
            });
            state
                .messages
                .push(Message::tool(call.id.clone(), done.result.to_string()));
            if let Some(tools::Ending::With(o)) = done.ends {
                ending = Some(o);
            }
        }
        if let Some(outcome) = ending {
            let last = words.unwrap_or_else(|| match outcome {
                Outcome::Transferred => String::new(),
                _ => phrases.goodbye.into(),
            });
            end(ctx, state, reply, outcome, last).await;
            return Ok(tokens);
        }
        if let Some(w) = words {
            reply.say.push(w);
        }
    }
    let outcome = so_far(state);
    end(ctx, state, reply, outcome, phrases.trouble.into()).await;
    Ok(tokens)
}
