//! Conversation flows over HTTP: the shipped templates, checking a definition (every mistake
//! with its line), and a text chat that runs a flow against the real engine — the web app's
//! "try it" — with no call placed.

use crate::auth::Auth;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_conversation::{Event, Flow, FlowError, Heard, templates};
use outdial_domain::{LeadId, Permission};
use outdial_engine::conversation::{Context, Reply, advance};
use outdial_storage::{calendars, leads};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// The conversation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations/templates", get(list_templates))
        .route("/api/v1/conversations/check", post(check))
        .route("/api/v1/conversations/chat", post(chat))
}

/// A shipped flow.
#[derive(Serialize, ToSchema)]
pub struct Template {
    /// The kind of call it is for.
    pub call_type: String,
    /// `de` or `en`.
    pub language: String,
    /// The definition, as JSON text.
    pub definition: String,
}

/// The flows Outdial ships: for cold calls, booking, reminders and service follow-ups, in
/// German and English.
#[utoipa::path(get, path = "/api/v1/conversations/templates", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = Vec<Template>)))]
async fn list_templates(auth: Auth) -> Result<Json<Vec<Template>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        templates::ALL
            .iter()
            .map(|(t, l, d)| Template {
                call_type: (*t).into(),
                language: (*l).into(),
                definition: (*d).into(),
            })
            .collect(),
    ))
}

/// A definition to check.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The flow, as JSON text (at most 100,000 characters).
    pub definition: String,
}

/// A definition that can be used.
#[derive(Serialize, ToSchema)]
pub struct Checked {
    /// Its steps.
    pub steps: usize,
    /// Its first step.
    pub start: String,
}

const MAX_DEFINITION: usize = 100_000;

fn flow_errors(errors: Vec<FlowError>) -> AppError {
    let message = errors
        .iter()
        .map(|e| format!("definition line {}: {}", e.line, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    AppError::Validation {
        message,
        details: serde_json::Value::Array(
            errors
                .iter()
                .map(|e| json!({ "field": "definition", "line": e.line, "message": e.message }))
                .collect(),
        ),
    }
}

fn read(definition: &str) -> Result<Flow, AppError> {
    if definition.chars().count() > MAX_DEFINITION {
        return Err(AppError::invalid(
            "definition",
            "must be at most 100,000 characters",
        ));
    }
    outdial_conversation::parse(definition).map_err(flow_errors)
}

/// Checks a flow: every mistake comes back with its line (`details[].line`).
#[utoipa::path(post, path = "/api/v1/conversations/check", tag = "conversations", security(("bearer" = [])), request_body = CheckRequest,
    responses((status = 200, body = Checked), (status = 422, description = "The mistakes, each `{\"field\": \"definition\", \"line\", \"message\"}`")))]
async fn check(
    auth: Auth,
    ApiJson(body): ApiJson<CheckRequest>,
) -> Result<Json<Checked>, AppError> {
    auth.require(Permission::Read)?;
    let flow = read(&body.definition)?;
    Ok(Json(Checked {
        steps: flow.steps.len(),
        start: flow.start,
    }))
}

/// One message of a text chat with a flow.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The flow as JSON text; or leave it out and name a template.
    pub definition: Option<String>,
    /// The template's call type (`cold_call`, `appointment_booking`, `appointment_reminder`,
    /// `service_follow_up`).
    pub call_type: Option<String>,
    /// The language: `de` or `en` (default `en`): the template's, and how the text is read.
    pub language: Option<String>,
    /// The calendar slots are offered from.
    pub calendar_id: Option<i64>,
    /// A lead whose fields fill `{first_name}` and the like (without one: example values,
    /// "Alex").
    pub lead_id: Option<i64>,
    /// The person's time zone (default: the calendar's, else UTC).
    pub tz: Option<String>,
    /// Where the chat is, as the last answer gave it; leave it out to start.
    #[schema(value_type = Option<Object>)]
    pub state: Option<serde_json::Value>,
    /// What the person says (leave it out, with a state, for silence).
    pub text: Option<String>,
}

/// The chat's answer.
#[derive(Serialize, ToSchema)]
pub struct ChatReply {
    /// What the voice says, what it would do, whether it listens, how it ended.
    #[serde(flatten)]
    pub reply: Reply,
    /// What the person's words were understood as.
    pub heard: Option<outdial_understand::Understanding>,
    /// What the conversation has learned so far.
    #[schema(value_type = Object)]
    pub extracted: serde_json::Value,
    /// Send it back with the next message.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
}

/// Runs a flow as a text chat against the real engine, no call placed: slots are looked up in
/// the calendar and held while offered (and released when the chat moves on); what would change
/// the world (booking, a call-back, an opt-out, a transfer) is listed in `actions`, not done.
#[utoipa::path(post, path = "/api/v1/conversations/chat", tag = "conversations", security(("bearer" = [])), request_body = ChatRequest,
    responses((status = 200, body = ChatReply), (status = 404, description = "No such calendar or lead"), (status = 422, description = "A definition with mistakes (each with its line), an unknown template, language or time zone, a state that is not this chat's, or a text over 1,000 characters")))]
async fn chat(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ChatRequest>,
) -> Result<Json<ChatReply>, AppError> {
    auth.require(Permission::Read)?;
    let language = body.language.as_deref().unwrap_or("en");
    let lang = outdial_understand::Lang::parse(language)
        .ok_or_else(|| AppError::invalid("language", "use de or en"))?;
    let flow = match (&body.definition, &body.call_type) {
        (Some(d), _) => read(d)?,
        (None, Some(t)) => read(templates::template(t, language).ok_or_else(|| {
            AppError::invalid(
                "call_type",
                format!("there is no template for '{t}': use cold_call, appointment_booking, appointment_reminder or service_follow_up"),
            )
        })?)?,
        (None, None) => {
            return Err(AppError::invalid("definition", "give a definition, or a template's call_type"));
        }
    };
    let mut conn = state.store.conn().await?;
    let calendar = match body.calendar_id {
        Some(id) => Some(
            calendars::get_one(&mut conn, auth.tenant, id)
                .await
                .map_err(|_| AppError::NotFound("calendar"))?,
        ),
        None => None,
    };
    let lead = match body.lead_id {
        Some(id) => Some(
            leads::get_by_id(&mut conn, auth.tenant, LeadId(id))
                .await
                .map_err(|_| AppError::NotFound("lead"))?,
        ),
        None => None,
    };
    drop(conn);
    let zone_name = body
        .tz
        .clone()
        .or_else(|| calendar.as_ref().map(|c| c.settings.time_zone.clone()))
        .unwrap_or_else(|| "UTC".into());
    let zone = jiff::tz::TimeZone::get(&zone_name)
        .map_err(|_| AppError::invalid("tz", format!("'{zone_name}' is not a time zone")))?;
    let now = state.clock.now_ms();
    let said = jiff::Timestamp::from_millisecond(now)
        .map_err(|e| AppError::Internal(e.into()))?
        .to_zoned(zone.clone());
    let previous: Option<outdial_conversation::State> = body
        .state
        .map(|v| {
            serde_json::from_value(v).map_err(|_| {
                AppError::invalid(
                    "state",
                    "is not a state this chat gave; leave it out to start again",
                )
            })
        })
        .transpose()?;
    if previous
        .as_ref()
        .is_some_and(|s| flow.step(&s.step).is_none())
    {
        return Err(AppError::invalid(
            "state",
            "names a step this flow does not have; leave it out to start again",
        ));
    }
    let mut heard = None;
    let event = match (&previous, body.text.as_deref().map(str::trim)) {
        (None, _) => None,
        (Some(_), Some(text)) if !text.is_empty() => {
            if text.chars().count() > outdial_understand::MAX_TEXT {
                return Err(AppError::invalid(
                    "text",
                    "must be at most 1,000 characters",
                ));
            }
            let understanding = outdial_understand::understand(text, lang, &said);
            heard = Some(understanding.clone());
            Some(Event::Heard(Heard {
                text: text.into(),
                understanding,
            }))
        }
        (Some(_), _) => Some(Event::Silence),
    };
    let mut fields: Vec<(&str, String)> = Vec::new();
    if lead.is_none() {
        // Without a lead, example values, so the chat reads like a call.
        let german = language.starts_with("de");
        fields.push(("first_name", "Alex".into()));
        fields.push((
            "last_name",
            if german { "Beispiel" } else { "Example" }.into(),
        ));
        fields.push((
            "company",
            if german {
                "Beispiel GmbH"
            } else {
                "Example Ltd"
            }
            .into(),
        ));
    }
    if let Some(l) = &lead {
        fields.push(("first_name", l.first_name.clone()));
        fields.push(("last_name", l.last_name.clone()));
        fields.push(("company", l.company.clone()));
        for key in ["appointment_day", "appointment_time", "calendar_name"] {
            if let Some(v) = l.custom_fields.get(key).and_then(|v| v.as_str()) {
                fields.push((key, v.to_string()));
            }
        }
    }
    fields.push(("campaign_name", auth_tenant_name(&state, &auth).await?));
    let by = auth.actor();
    let ctx = Context {
        store: &state.store,
        tenant: auth.tenant,
        calendar_id: calendar.as_ref().map(|c| c.id),
        language,
        zone: &zone,
        fields: &fields,
        by: &by,
        now,
        on_call: None,
    };
    let (next, reply) = advance(&ctx, &flow, previous, event).await?;
    Ok(Json(ChatReply {
        reply,
        heard,
        extracted: serde_json::to_value(&next.extracted)
            .map_err(|e| AppError::Internal(e.into()))?,
        state: serde_json::to_value(&next).map_err(|e| AppError::Internal(e.into()))?,
    }))
}

/// The organisation's name, said for `{campaign_name}` in a chat (no campaign runs it).
async fn auth_tenant_name(state: &AppState, auth: &Auth) -> Result<String, AppError> {
    let mut conn = state.store.conn().await?;
    Ok(outdial_storage::tenants::get_by_id(&mut conn, auth.tenant)
        .await?
        .name)
}
