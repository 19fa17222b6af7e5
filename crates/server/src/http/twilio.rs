//! Twilio's webhooks: the voice URL, gather actions, voicemail, async AMD results, call status
//! and recording status. Each request is checked against its X-Twilio-Signature before anything
//! is read or changed; unsigned or forged requests get 403 and change nothing.

use crate::error::{AppError, StorageResultExt};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use outdial_domain::CallId;
use outdial_domain::TenantId;
use outdial_domain::campaign::VoicemailAction;
use outdial_engine::telephony::answer::{Answers, Asked};
use outdial_engine::telephony::{Account, events, flows};
use outdial_storage::calls::{self, Call};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::leads::{self, Lead};
use outdial_twilio::CallUpdate;
use outdial_twilio::signature::{self, Algorithm};
use outdial_twilio::twiml;
use outdial_twilio::webhook::{AmdResult, CallEvent, GatherResult, RecordingEvent};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/twilio/voice", post(voice))
        .route("/twilio/gather", post(gather))
        .route("/twilio/converse", post(converse))
        .route("/twilio/voicemail", post(voicemail))
        .route("/twilio/amd", post(amd))
        .route("/twilio/status", post(status))
        .route("/twilio/recording", post(recording))
}

/// The query of every webhook URL Outdial gives the carrier. A URL without the tenant cannot
/// be checked and is refused like a forged one.
#[derive(Deserialize)]
struct CallRef {
    tenant: Option<i64>,
    call: Option<i64>,
}

/// A webhook request that passed its signature check.
pub(crate) struct Verified {
    pub(crate) tenant: TenantId,
    pub(crate) call_id: CallId,
    pub(crate) form: Vec<(String, String)>,
    pub(crate) account: Account,
    /// The URL's query, signed with the rest: read by [`Verified::query`] only after the check.
    query: String,
}

impl Verified {
    /// The URL's query parameters as `T`, read after the signature check (a forged request
    /// with a broken query is refused as forged, never told what is missing).
    pub(crate) fn query<T: serde::de::DeserializeOwned>(&self) -> Result<T, Refusal> {
        serde_urlencoded::from_str(&self.query)
            .map_err(|e| Refusal::BadRequest(format!("bad query parameter: {e}")))
    }

    /// The call the webhook is about; 404 when it no longer exists.
    pub(crate) async fn call(&self, state: &AppState) -> Result<Call, Refusal> {
        let mut conn = state.store.conn().await.map_err(AppError::from)?;
        calls::get_by_id(&mut conn, self.tenant, self.call_id)
            .await
            .or_404("call")
            .map_err(Refusal::Failed)
    }
}

/// Every webhook handler takes a [`Verified`] request: the extractor checks the signature
/// before the handler runs.
impl FromRequest<AppState> for Verified {
    type Rejection = Refusal;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Query(r) = Query::<CallRef>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| Refusal::Forbidden)?;
        let OriginalUri(uri) = OriginalUri::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| Refusal::Forbidden)?;
        let body = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| Refusal::BadRequest(e.body_text()))?;
        verify(state, &r, &uri, &parts.headers, &body).await
    }
}

/// Why a webhook is refused, answered without detail.
pub(crate) enum Refusal {
    Forbidden,
    BadRequest(String),
    Failed(crate::error::AppError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Forbidden => (StatusCode::FORBIDDEN, "invalid signature").into_response(),
            Refusal::BadRequest(m) => (StatusCode::BAD_REQUEST, m).into_response(),
            Refusal::Failed(e) => e.into_response(),
        }
    }
}

impl From<crate::error::AppError> for Refusal {
    fn from(e: crate::error::AppError) -> Self {
        Refusal::Failed(e)
    }
}

impl From<outdial_engine::EngineError> for Refusal {
    fn from(e: outdial_engine::EngineError) -> Self {
        Refusal::Failed(e.into())
    }
}

/// Checks the signature against the URL Twilio requested (the public base URL, not the local
/// socket) with the key of the tenant the URL names. Nothing is read from the database for an
/// account already looked up, so forged requests cost little.
async fn verify(
    state: &AppState,
    r: &CallRef,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Verified, Refusal> {
    let (Some(tenant), Some(call_id)) = (r.tenant.map(TenantId), r.call) else {
        return Err(Refusal::Forbidden);
    };
    let Some(given) = headers
        .get(signature::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
    else {
        tracing::warn!(call_id, path = %uri.path(), "webhook without a signature refused");
        return Err(Refusal::Forbidden);
    };
    let form: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let account = state.telephony.account_for(&state.store, tenant).await?;
    let algorithm = match headers
        .get(signature::SETTINGS_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        Some(settings) => Algorithm::from_settings(settings).ok_or(Refusal::Forbidden)?,
        None => Algorithm::Sha1,
    };
    let key = account.signing_key(algorithm).ok_or(Refusal::Forbidden)?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let url = format!("{}{path}", state.telephony.public_base_url());
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let checked = if is_json {
        signature::verify_json(key, algorithm, &url, body, given)
    } else {
        signature::verify(key, algorithm, &url, &form, given)
    };
    if let Err(e) = checked {
        tracing::warn!(call_id, tenant_id = %tenant, path = %uri.path(), error = %e, "forged webhook refused");
        return Err(Refusal::Forbidden);
    }
    Ok(Verified {
        tenant,
        call_id: CallId(call_id),
        form,
        account,
        query: uri.query().unwrap_or_default().to_string(),
    })
}

/// A TwiML answer, marked with what it says (the transcript stores it for the call).
pub(crate) fn twiml_response(doc: twiml::Response) -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        doc.render(),
    )
        .into_response();
    response
        .extensions_mut()
        .insert(super::transcript::Said(doc.spoken()));
    response
}

pub(crate) async fn context(
    state: &AppState,
    call: &Call,
) -> Result<(Campaign, Option<Lead>), Refusal> {
    let mut conn = state
        .store
        .conn()
        .await
        .map_err(crate::error::AppError::from)?;
    let campaign_id = call
        .campaign_id
        .ok_or_else(|| Refusal::BadRequest("the call has no campaign".into()))?;
    let campaign = campaigns::get_by_id(&mut conn, call.tenant_id, campaign_id)
        .await
        .map_err(crate::error::AppError::from)?;
    let lead = match call.lead_id {
        Some(id) => leads::get_by_id(&mut conn, call.tenant_id, id).await.ok(),
        None => None,
    };
    Ok((campaign, lead))
}

/// The voice URL: the call was answered. A person hears the message and the menu; a machine
/// detected synchronously gets the voicemail message.
#[utoipa::path(post, path = "/twilio/voice", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn voice(State(state): State<AppState>, v: Verified) -> Result<Response, Refusal> {
    let event = CallEvent::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    let now = state.clock.now_ms();
    events::apply_status(
        &state.store,
        v.tenant,
        v.call_id,
        "voice",
        &event,
        &v.form,
        now,
    )
    .await?;
    let call = v.call(&state).await?;
    let Ok((campaign, lead)) = context(&state, &call).await else {
        return Ok(twiml_response(flows::hang_up()));
    };
    let asked = asked(&v, &call, &campaign, lead.as_ref(), now);
    Ok(twiml_response(
        answers_for(&state, &call, &campaign)
            .await
            .answered(&asked, event.answered_by)
            .await?,
    ))
}

/// The gather URL's count of plays.
#[derive(Deserialize)]
struct Heard {
    heard: Option<u32>,
}

/// The engine's answers, with this server's database, carrier accounts and transfers.
pub(crate) fn answers(state: &AppState) -> Answers<'_> {
    Answers {
        store: &state.store,
        telephony: &state.telephony,
        transfers: &state.transfers,
        model: None,
        dialogflow: None,
    }
}

/// [`answers`], with the tenant's language model or Dialogflow CX agent when one leads the
/// call's conversation.
pub(crate) async fn answers_for<'a>(
    state: &'a AppState,
    call: &Call,
    campaign: &Campaign,
) -> Answers<'a> {
    let mut a = answers(state);
    let (mode, _) = campaign.settings.conversation.for_call(&call.call_type);
    match mode {
        outdial_domain::campaign::ConversationMode::Llm => {
            a.model = super::providers::model_for(state, call.tenant_id).await;
        }
        outdial_domain::campaign::ConversationMode::Dialogflow => {
            a.dialogflow = super::dialogflow::agent_for(state, call.tenant_id, campaign).await;
        }
        _ => {}
    }
    a
}

/// One call being answered, as the engine takes it.
pub(crate) fn asked<'a>(
    v: &'a Verified,
    call: &'a Call,
    campaign: &'a Campaign,
    lead: Option<&'a Lead>,
    now: i64,
) -> Asked<'a> {
    Asked {
        call,
        campaign,
        lead,
        form: &v.form,
        now,
    }
}

/// The menu's answer: what the campaign's menu says the key does (connect, opt out, repeat,
/// goodbye); silence, or a key the menu lacks, is `no_input`.
#[utoipa::path(post, path = "/twilio/gather", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn gather(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let input = GatherResult::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    let now = state.clock.now_ms();
    let call = v.call(&state).await?;
    let Ok((campaign, lead)) = context(&state, &call).await else {
        return Ok(twiml_response(flows::hang_up()));
    };
    // How often the message has played, as the signed gather URL says (1 when it says not).
    let heard = v.query::<Heard>().ok().and_then(|h| h.heard).unwrap_or(1);
    let asked = asked(&v, &call, &campaign, lead.as_ref(), now);
    Ok(twiml_response(
        answers(&state)
            .pressed(&asked, input.digits.as_deref(), heard)
            .await?,
    ))
}

/// A conversation's answer: what the person said (`SpeechResult`, `Confidence`) or pressed
/// (`Digits`), or nothing; the conversation takes its next turn.
#[utoipa::path(post, path = "/twilio/converse", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn converse(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    use outdial_engine::conversation::call::Said;
    let input = GatherResult::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    let now = state.clock.now_ms();
    let call = v.call(&state).await?;
    let Ok((campaign, lead)) = context(&state, &call).await else {
        return Ok(twiml_response(flows::hang_up()));
    };
    let said = match (input.speech, input.digits) {
        (Some(text), _) if !text.trim().is_empty() => Said::Speech {
            text,
            confidence: input.confidence,
        },
        (_, Some(keys)) if !keys.trim().is_empty() => Said::Keys(keys),
        _ => Said::Silence,
    };
    let asked = asked(&v, &call, &campaign, lead.as_ref(), now);
    Ok(twiml_response(
        answers_for(&state, &call, &campaign)
            .await
            .converse(&asked, said)
            .await?,
    ))
}

/// Where a call is redirected once a machine's greeting is over: the voicemail message.
#[utoipa::path(post, path = "/twilio/voicemail", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn voicemail(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let now = state.clock.now_ms();
    let call = v.call(&state).await?;
    let Ok((campaign, lead)) = context(&state, &call).await else {
        return Ok(twiml_response(flows::hang_up()));
    };
    let asked = asked(&v, &call, &campaign, lead.as_ref(), now);
    Ok(twiml_response(answers(&state).machine(&asked).await?))
}

/// The asynchronous answering-machine result. For a machine whose greeting is over the call is
/// redirected to the voicemail message (or hung up, if the campaign leaves none).
#[utoipa::path(post, path = "/twilio/amd", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 200, description = "TwiML", content_type = "text/xml", body = String), (status = 204, description = "Nothing to change"), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn amd(State(state): State<AppState>, v: Verified) -> Result<Response, Refusal> {
    let result = AmdResult::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    let now = state.clock.now_ms();
    let Some(call) = events::apply_detection(
        &state.store,
        v.tenant,
        v.call_id,
        result.answered_by,
        &v.form,
        now,
    )
    .await?
    else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    if result.answered_by.is_machine() {
        // A machine put on hold for an agent: the agent is not needed.
        state
            .transfers
            .caller_left(v.tenant, v.call_id, true)
            .await?;
    } else if !call.status.is_final() {
        // A person (or detection could not tell): agents are called now.
        state.transfers.detected(v.tenant, v.call_id).await?;
    }
    if result.answered_by.is_machine() && !call.status.is_final() {
        let leave = match &call.campaign_id {
            Some(_) => context(&state, &call)
                .await
                .map(|(c, _)| c.settings.voicemail.action == VoicemailAction::LeaveMessage)
                .unwrap_or(false),
            None => false,
        };
        let update = if leave && result.answered_by.greeting_over() {
            CallUpdate::Redirect(state.telephony.webhook_url("voicemail", v.tenant, call.id))
        } else if leave {
            // Detection reported the machine before its greeting ended: nothing to leave yet.
            return Ok(StatusCode::NO_CONTENT.into_response());
        } else {
            CallUpdate::Hangup
        };
        if let Some(sid) = call.call_sid.clone() {
            // The carrier is told after this answer is sent: a webhook must answer quickly.
            let account = v.account.clone();
            tokio::spawn(async move {
                if let Err(e) = account
                    .carrier
                    .update_call(&account.creds, &sid, &update)
                    .await
                {
                    tracing::warn!(call_sid = %sid, error = %e, "could not redirect the call to voicemail");
                }
            });
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A call-progress event: applied in sequence, repeats ignored, never backwards.
#[utoipa::path(post, path = "/twilio/status", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 204, description = "Applied"), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn status(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let event = CallEvent::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    let ended = event.status.is_final();
    let applied = state
        .status_queue
        .apply(v.tenant, v.call_id, event, v.form, state.clock.now_ms())
        .await?;
    if ended && applied != events::Applied::Duplicate {
        state
            .transfers
            .caller_left(v.tenant, v.call_id, false)
            .await?;
    }
    metrics::counter!("outdial_call_status_events_total", "applied" => format!("{applied:?}").to_lowercase()).increment(1);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A recording is ready.
#[utoipa::path(post, path = "/twilio/recording", tag = "twilio-webhooks", params(("tenant" = i64, Query, description = "The tenant whose account signs the request"), ("call" = i64, Query, description = "The call the request is about"), ("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and the form")), request_body(content = std::collections::HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's webhook fields"), responses((status = 204, description = "Applied"), (status = 400, description = "A field is missing or malformed", content_type = "text/plain", body = String), (status = 403, description = "Unsigned or forged", content_type = "text/plain", body = String), (status = 404, description = "No such call for this tenant")))]
pub(crate) async fn recording(
    State(state): State<AppState>,
    v: Verified,
) -> Result<Response, Refusal> {
    let event = RecordingEvent::parse(&v.form).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    events::apply_recording(
        &state.store,
        v.tenant,
        v.call_id,
        &event,
        &v.form,
        state.clock.now_ms(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
