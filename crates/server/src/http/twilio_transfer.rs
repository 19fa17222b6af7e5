//! Twilio's webhooks of warm transfers: the agent's leg (answered, accepted, passed, told, its
//! status), the conference's events, and what a caller nobody took hears. Signed like every
//! webhook (see [`super::twilio`]); the URL names the tenant, the caller's call and the leg.

use super::twilio::{Refusal, Verified, answers, asked, context, twiml_response};
use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use outdial_domain::call::Disposition;
use outdial_engine::telephony::{events, flows as call_flows};
use outdial_engine::transfer::flows::{self, AgentNotice};
use outdial_twilio::webhook::{CallEvent, ConferenceEvent, GatherResult};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/twilio/agent/voice", post(agent_voice))
        .route("/twilio/agent/accept", post(agent_accept))
        .route("/twilio/agent/pass", post(agent_pass))
        .route("/twilio/agent/told", post(agent_told))
        .route("/twilio/agent/status", post(agent_status))
        .route("/twilio/conference", post(conference))
        .route("/twilio/safe-harbour", post(safe_harbour))
        .route("/twilio/fallback", post(fallback))
}

/// The agent leg a webhook is about.
#[derive(Deserialize)]
struct LegRef {
    leg: i64,
    why: Option<String>,
    console: Option<u8>,
}

/// The agent answered: the whisper.
#[utoipa::path(post, path = "/twilio/agent/voice", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("leg" = i64, Query, description = "The agent leg"), ("why" = Option<String>, Query, description = "Why the agent is told (`caller_hung_up`, `too_late`)"), ("console" = Option<u8>, Query, description = "1 when the agent accepted in the console"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn agent_voice(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let r: LegRef = v.query()?;
    let doc = state.transfers.agent_answered(v.tenant, r.leg).await?;
    Ok(twiml_response(doc))
}

/// The agent pressed a key during the whisper (or accepted in the console).
#[utoipa::path(post, path = "/twilio/agent/accept", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("leg" = i64, Query, description = "The agent leg"), ("why" = Option<String>, Query, description = "Why the agent is told (`caller_hung_up`, `too_late`)"), ("console" = Option<u8>, Query, description = "1 when the agent accepted in the console"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn agent_accept(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let r: LegRef = v.query()?;
    let input = GatherResult::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    if input.digits.is_none() && r.console != Some(1) {
        return Ok(twiml_response(
            state.transfers.agent_passed(v.tenant, r.leg).await?,
        ));
    }
    Ok(twiml_response(
        state.transfers.agent_accepted(v.tenant, r.leg).await?,
    ))
}

/// The whisper ended without a key.
#[utoipa::path(post, path = "/twilio/agent/pass", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("leg" = i64, Query, description = "The agent leg"), ("why" = Option<String>, Query, description = "Why the agent is told (`caller_hung_up`, `too_late`)"), ("console" = Option<u8>, Query, description = "1 when the agent accepted in the console"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn agent_pass(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let r: LegRef = v.query()?;
    Ok(twiml_response(
        state.transfers.agent_passed(v.tenant, r.leg).await?,
    ))
}

/// The agent is told why the call they were hearing about is gone.
#[utoipa::path(post, path = "/twilio/agent/told", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("leg" = i64, Query, description = "The agent leg"), ("why" = Option<String>, Query, description = "Why the agent is told (`caller_hung_up`, `too_late`)"), ("console" = Option<u8>, Query, description = "1 when the agent accepted in the console"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn agent_told(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let r: LegRef = v.query()?;
    let call = v.call(&state).await?;
    let Ok((campaign, _)) = context(&state, &call).await else {
        return Ok(twiml_response(call_flows::hang_up()));
    };
    let why = match r.why.as_deref() {
        Some("caller_hung_up") => AgentNotice::CallerHungUp,
        _ => AgentNotice::TooLate,
    };
    Ok(twiml_response(flows::agent_told(&campaign, why)))
}

/// A status event of the agent's leg.
#[utoipa::path(post, path = "/twilio/agent/status", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("leg" = i64, Query, description = "The agent leg"), ("why" = Option<String>, Query, description = "Why the agent is told (`caller_hung_up`, `too_late`)"), ("console" = Option<u8>, Query, description = "1 when the agent accepted in the console"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 204, description = "Applied"), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn agent_status(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let r: LegRef = v.query()?;
    let event = CallEvent::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    state
        .transfers
        .agent_leg_status(v.tenant, r.leg, event.status.as_str())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A conference event: kept in the caller's call timeline.
#[utoipa::path(post, path = "/twilio/conference", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 204, description = "Applied"), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn conference(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let event = ConferenceEvent::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    // The call must be the signing tenant's own.
    v.call(&state).await?;
    let mut conn = state.store.conn().await.map_err(AppError::from)?;
    outdial_storage::calls::add_event(
        &mut conn,
        v.call_id,
        "conference",
        Some(&event.event),
        None,
        &events::detail(&v.form),
        state.clock.now_ms(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// No agent within 2 s: the safe-harbour message; a 2 pressed during it opts the number out.
#[utoipa::path(post, path = "/twilio/safe-harbour", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn safe_harbour(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let call = v.call(&state).await?;
    let Ok((campaign, lead)) = context(&state, &call).await else {
        return Ok(twiml_response(call_flows::hang_up()));
    };
    let digits = GatherResult::parse(&v.form).ok().and_then(|i| i.digits);
    if digits.as_deref().is_some_and(|d| d != "2") {
        return Ok(twiml_response(call_flows::goodbye(&campaign)));
    }
    if digits.as_deref() == Some("2") {
        let now = state.clock.now_ms();
        answers(&state)
            .opt_out(&asked(&v, &call, &campaign, lead.as_ref(), now))
            .await?;
        events::set_disposition(
            &state.store,
            v.tenant,
            v.call_id,
            Disposition::OptedOut,
            "gather",
            &v.form,
            now,
        )
        .await?;
        return Ok(twiml_response(call_flows::opted_out(&campaign)));
    }
    let again = state
        .telephony
        .webhook_url("safe-harbour", v.tenant, v.call_id);
    Ok(twiml_response(flows::safe_harbour(&campaign, again)))
}

/// Nobody took the call within the wait limit: the campaign's fallback.
#[utoipa::path(post, path = "/twilio/fallback", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn fallback(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let call = v.call(&state).await?;
    let Ok((campaign, lead)) = context(&state, &call).await else {
        return Ok(twiml_response(call_flows::hang_up()));
    };
    let recording = state
        .telephony
        .webhook_url("recording", v.tenant, v.call_id);
    Ok(twiml_response(flows::fallback(
        &campaign,
        lead.as_ref(),
        recording,
    )))
}
