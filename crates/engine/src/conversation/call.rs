//! A conversation held on a call, one webhook at a time: the flow the call's campaign and kind
//! of call run, the state kept between turns, every turn stored with the call, and at the end
//! the outcome and what was learned, recorded as the call's disposition (a call-back time the
//! person named becomes the lead's next attempt when the call ends).

use super::{Context, OnCall, Reply, advance};
use crate::EngineError;
use crate::telephony::events;
use outdial_conversation::{Event, Flow, Heard, Outcome, State, parse, templates};
use outdial_domain::call::Disposition;
use outdial_domain::campaign::{ASSISTANT_CALL, CampaignType, ConversationMode};
use outdial_storage::Store;
use outdial_storage::calls::Call;
use outdial_storage::campaigns::Campaign;
use outdial_storage::conversations::turns::{self, NewTurn, Speaker};
use outdial_storage::conversations::{self, Progress};
use outdial_storage::leads::Lead;
use outdial_understand::Lang;

/// Who the conversation's actions are recorded as.
pub const BY: &str = "conversation";

/// What the person did at a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    /// The call was just answered: the conversation begins.
    Start,
    /// Words the carrier recognised, with its confidence (0 to 1).
    Speech {
        /// The recognised text.
        text: String,
        /// The recogniser's confidence.
        confidence: Option<f64>,
    },
    /// Keys pressed.
    Keys(String),
    /// Nothing.
    Silence,
}

/// One call's conversation turn: the call, its campaign and lead.
pub struct Talk<'a> {
    /// The database.
    pub store: &'a Store,
    /// The call.
    pub call: &'a Call,
    /// Its campaign.
    pub campaign: &'a Campaign,
    /// Its lead.
    pub lead: Option<&'a Lead>,
    /// Whether an agent or a number could take a transfer.
    pub can_transfer: bool,
    /// The tenant's language model, for campaigns a model leads.
    pub model: Option<&'a super::agent::Model>,
    /// The campaign's Dialogflow CX agent, for campaigns one leads.
    pub dialogflow: Option<&'a super::agent::dialogflow::Dialogflow>,
    /// Now, epoch ms.
    pub now: i64,
}

/// The shipped template a call runs when its campaign defines no flow: by the kind of call,
/// else by the campaign's type.
pub fn template_name(call_type: &str, kind: CampaignType) -> &'static str {
    match call_type {
        "cold_call" => "cold_call",
        "appointment_booking" | ASSISTANT_CALL => "appointment_booking",
        _ => match kind {
            CampaignType::AppointmentReminder => "appointment_reminder",
            CampaignType::ServiceFollowUp => "service_follow_up",
            CampaignType::SalesOutreach => "cold_call",
            _ => "appointment_booking",
        },
    }
}

/// The flow a call of `call_type` runs in `campaign`: its own definition, else the template.
pub fn flow_for(campaign: &Campaign, call_type: &str) -> Result<Flow, EngineError> {
    let (_, definition) = campaign.settings.conversation.for_call(call_type);
    let language = &campaign.settings.script.language;
    let text = if definition.trim().is_empty() {
        let name = template_name(call_type, campaign.campaign_type);
        templates::template(name, language).ok_or_else(|| {
            EngineError::invalid("settings.conversation.definition", "no template")
        })?
    } else {
        definition
    };
    parse(text).map_err(|errors| {
        let first = errors
            .first()
            .map(|e| format!("line {}: {}", e.line, e.message))
            .unwrap_or_default();
        EngineError::invalid("settings.conversation.definition", first)
    })
}

/// The values a flow's `{first_name}`, `{campaign_name}`, … stand for on this call.
pub fn fields(campaign: &Campaign, lead: Option<&Lead>) -> Vec<(&'static str, String)> {
    let mut out = vec![("campaign_name", campaign.name.clone())];
    if let Some(l) = lead {
        out.push(("first_name", l.first_name.clone()));
        out.push(("last_name", l.last_name.clone()));
        out.push(("company", l.company.clone()));
        for key in ["appointment_day", "appointment_time", "calendar_name"] {
            let value = l.custom_fields.get(key).and_then(|v| v.as_str());
            out.push((key, value.unwrap_or_default().to_string()));
        }
    }
    out
}

/// The called person's time zone: the lead's own, else the number's, else the campaign's.
pub fn person_zone(call: &Call, campaign: &Campaign, lead: Option<&Lead>) -> jiff::tz::TimeZone {
    let own = lead
        .and_then(|l| l.timezone.as_deref())
        .and_then(|z| jiff::tz::TimeZone::get(z).ok());
    outdial_domain::hours::callee_zones(&call.to, own.as_ref())
        .into_iter()
        .next()
        .or_else(|| jiff::tz::TimeZone::get(&campaign.settings.timezone).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The calendar a call's conversation offers slots from: the conversation's, else (on a
/// reminder campaign) the calendar whose appointments it reminds of.
pub fn calendar_of(campaign: &Campaign) -> Option<i64> {
    let s = &campaign.settings;
    s.conversation.calendar_id.or(s.reminders.calendar_id)
}

/// The disposition a conversation's outcome is recorded as.
pub fn disposition_of(outcome: Outcome) -> Disposition {
    match outcome {
        Outcome::AppointmentBooked => Disposition::AppointmentBooked,
        Outcome::Interested => Disposition::Interested,
        Outcome::NotInterested => Disposition::NotInterested,
        Outcome::CallBackRequested => Disposition::CallBackRequested,
        Outcome::OptedOut => Disposition::OptedOut,
        Outcome::NoInput => Disposition::NoInput,
        Outcome::Transferred => Disposition::Transferred,
    }
}

/// The event the person's words (or keys, or silence) are, understood at `now` in their zone.
fn event_of(said: &Said, lang: Lang, now: &jiff::Zoned) -> Option<Event> {
    Some(match said {
        Said::Start => return None,
        Said::Silence => Event::Silence,
        Said::Speech { text, .. } if text.trim().is_empty() => Event::Silence,
        Said::Speech { text, confidence } => {
            let text: String = text.chars().take(outdial_understand::MAX_TEXT).collect();
            let mut understanding = outdial_understand::understand(&text, lang, now);
            // A mumble the recogniser doubts is not acted on with more certainty.
            if let Some(c) = confidence {
                understanding.confidence = understanding.confidence.min(*c as f32);
            }
            Event::Heard(Heard {
                text,
                understanding,
            })
        }
        Said::Keys(keys) => {
            let key = keys.trim().chars().next().unwrap_or(' ');
            Event::Heard(Heard {
                text: keys.clone(),
                understanding: outdial_understand::Understanding {
                    intent: outdial_understand::from_key(key),
                    confidence: 1.0,
                    datetime: None,
                },
            })
        }
    })
}

/// The person's turn as stored.
pub(crate) fn person_turn(said: &Said) -> Option<NewTurn> {
    Some(match said {
        Said::Start => return None,
        Said::Silence => NewTurn {
            speaker: Speaker::Person,
            text: String::new(),
            confidence: None,
            data: None,
        },
        Said::Speech { text, confidence } => NewTurn {
            speaker: Speaker::Person,
            text: text.clone(),
            confidence: *confidence,
            data: None,
        },
        Said::Keys(keys) => NewTurn {
            speaker: Speaker::Person,
            text: String::new(),
            confidence: None,
            data: Some(serde_json::json!({ "keys": keys })),
        },
    })
}

/// Takes one turn of the call's flow: begins it, or answers what the person did. The turn is
/// stored; when the conversation ends, its outcome is the call's disposition (except a
/// transfer, which the telephony layer records as it hands over). A turn on a conversation
/// that has ended (a repeated webhook) says nothing and changes nothing.
pub async fn turn(t: &Talk<'_>, said: Said) -> Result<Reply, EngineError> {
    let (mode, _) = t.campaign.settings.conversation.for_call(&t.call.call_type);
    match mode {
        ConversationMode::Llm => return super::agent::turn(t, said, t.model).await,
        ConversationMode::Dialogflow => {
            return super::agent::dialogflow::turn(t, said, t.dialogflow).await;
        }
        ConversationMode::Menu | ConversationMode::Flow => {}
    }
    let (tenant, call_id) = (t.call.tenant_id, t.call.id);
    let flow = flow_for(t.campaign, &t.call.call_type)?;
    let previous = {
        let mut conn = t.store.conn().await?;
        conversations::get_for_call(&mut conn, tenant, call_id).await?
    };
    if let Some(p) = previous.as_ref().filter(|p| p.outcome.is_some()) {
        let mut reply = Reply::new();
        reply.outcome = p
            .outcome
            .as_deref()
            .and_then(|o| serde_json::from_value(serde_json::json!(o)).ok());
        return Ok(reply);
    }
    let state: Option<State> = previous
        .as_ref()
        .and_then(|p| serde_json::from_value(p.state.clone()).ok())
        .filter(|s: &State| flow.step(&s.step).is_some());
    let language = t.campaign.settings.script.language.as_str();
    let lang = if language.to_ascii_lowercase().starts_with("de") {
        Lang::De
    } else {
        Lang::En
    };
    let zone = person_zone(t.call, t.campaign, t.lead);
    let local = jiff::Timestamp::from_millisecond(t.now)
        .map_err(|e| EngineError::Internal(e.into()))?
        .to_zoned(zone.clone());
    // A repeated answer webhook picks up where the conversation is, as after silence.
    let event = match (&state, event_of(&said, lang, &local)) {
        (Some(_), None) => Some(Event::Silence),
        (_, e) => e,
    };
    let fields = fields(t.campaign, t.lead);
    let reminds_of = t
        .lead
        .and_then(|l| l.appointment_id)
        .filter(|_| t.campaign.campaign_type == CampaignType::AppointmentReminder);
    let ctx = Context {
        store: t.store,
        tenant,
        calendar_id: calendar_of(t.campaign),
        language,
        zone: &zone,
        fields: &fields,
        by: BY,
        now: t.now,
        on_call: Some(OnCall {
            call: t.call,
            lead: t.lead,
            reminds_of,
            can_transfer: t.can_transfer,
        }),
    };
    let (next, reply) = advance(&ctx, &flow, state, event).await?;
    let mut stored: Vec<NewTurn> = person_turn(&said).into_iter().collect();
    record(t, &mut stored, &reply, &next, ConversationMode::Flow, 0).await?;
    Ok(reply)
}

/// Stores a turn: the person's words (in `stored`), the actions taken and the words said, and
/// the conversation's state; at its end the outcome becomes the call's disposition.
pub(crate) async fn record(
    t: &Talk<'_>,
    stored: &mut Vec<NewTurn>,
    reply: &Reply,
    state: &impl serde::Serialize,
    mode: ConversationMode,
    tokens: i64,
) -> Result<(), EngineError> {
    let (tenant, call_id) = (t.call.tenant_id, t.call.id);
    let extracted = serde_json::to_value(state)
        .ok()
        .and_then(|s| s.get("extracted").cloned())
        .unwrap_or_else(|| serde_json::json!({}));
    stored.extend(reply.actions.iter().map(|a| NewTurn {
        speaker: Speaker::Tool,
        text: a.clone(),
        confidence: None,
        data: None,
    }));
    if !reply.say.is_empty() {
        stored.push(NewTurn {
            speaker: Speaker::Agent,
            text: reply.say.join(" "),
            confidence: None,
            data: None,
        });
    }
    let state = serde_json::to_value(state).map_err(|e| EngineError::Internal(e.into()))?;
    let callback_at = reply
        .callback_at
        .or_else(|| extracted.get("callback_at").and_then(|v| v.as_i64()));
    let progress = Progress {
        state: &state,
        extracted: &extracted,
        outcome: reply.outcome.map(Outcome::as_str),
        callback_at,
        tokens,
    };
    {
        let mut tx = t.store.begin().await?;
        match conversations::save(&mut tx, tenant, call_id, mode.as_str(), &progress, t.now).await {
            Ok(()) => {}
            // Ended meanwhile by a concurrent webhook: this turn changes nothing.
            Err(outdial_storage::StorageError::Conflict(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        turns::add(&mut tx, call_id, stored, t.now).await?;
        tx.commit()
            .await
            .map_err(outdial_storage::StorageError::from)?;
    }
    if let Some(outcome) = reply.outcome {
        metrics::counter!("outdial_conversations_ended_total", "outcome" => outcome.as_str())
            .increment(1);
        if !(outcome == Outcome::Transferred && reply.transfer) {
            events::set_disposition(
                t.store,
                tenant,
                call_id,
                disposition_of(outcome),
                "conversation",
                &[],
                t.now,
            )
            .await?;
        }
    }
    Ok(())
}

/// The mistakes in a campaign's flow definitions, each named by its field and line (the
/// shipped templates are not checked again).
pub fn definition_problems(
    settings: &outdial_domain::campaign::CampaignSettings,
) -> Vec<outdial_domain::campaign::SettingsProblem> {
    let c = &settings.conversation;
    let mut out = Vec::new();
    for (field, text) in [
        ("settings.conversation.definition", &c.definition),
        (
            "settings.conversation.call_types.cold_call.definition",
            &c.call_types.cold_call.definition,
        ),
        (
            "settings.conversation.call_types.appointment_booking.definition",
            &c.call_types.appointment_booking.definition,
        ),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        if let Err(errors) = parse(text) {
            out.extend(
                errors
                    .into_iter()
                    .map(|e| outdial_domain::campaign::SettingsProblem {
                        field: field.to_string(),
                        message: format!("line {}: {}", e.line, e.message),
                    }),
            );
        }
    }
    out
}
