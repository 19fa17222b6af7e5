//! The agent console's WebSocket: the agent's state on connecting (and again whenever they may
//! have missed something), then their status changes and the calls offered to them, live; and
//! the agent's commands — change status, accept or decline an offer, record a disposition.
//!
//! Authenticate with `Authorization: Bearer <token>`, or from a browser, which cannot set
//! headers on a WebSocket, with the subprotocols `["outdial.bearer", "<token>"]` or the web UI's
//! session cookie (from Outdial's own pages only: the `Origin` is checked). The login is checked
//! again before every command and every `auth.stream_recheck_seconds`; once it no longer holds,
//! the console gets an error with `"request":"session"` and is closed with code 4401.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::agents::{me_id, set_status};
use crate::http::dispositions::{Disposition, dispose};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use outdial_domain::CallId;
use outdial_domain::UserId;
use outdial_domain::agent::AgentStatus;
use outdial_engine::events::{Event, RESYNC};
use outdial_storage::{agent_legs, agents, transfers};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::MissedTickBehavior;

/// The subprotocol that carries a token for browsers.
const BEARER_PROTOCOL: &str = "outdial.bearer";

/// The close code of a console whose login has ended (4000–4999 are the application's own).
pub const SIGNED_OUT: u16 = 4401;

/// The console route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/agents/me/console", get(console))
}

/// Opens the agent console's WebSocket for the logged-in agent. Server → client frames are
/// JSON: `{"type":"snapshot","agent","offer","call"}` first and after a gap;
/// `{"type":"event","kind","data"}` for `agent.status` and `transfer.*` concerning this agent;
/// `{"type":"ok"|"error","request",…}` answering commands. Client → server:
/// `{"type":"status","status":"available"|"paused"|"offline"}`, `{"type":"accept"}`,
/// `{"type":"decline"}`, `{"type":"snapshot"}` (the state again),
/// `{"type":"disposition","call_id",…}` (as `POST /calls/{id}/disposition`).
#[utoipa::path(get, path = "/api/v1/agents/me/console", tag = "agents", security(("bearer" = [])),
    responses((status = 101, description = "Switching to the WebSocket protocol"), (status = 401), (status = 404, description = "Not registered as an agent")))]
async fn console(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let (auth, via_protocol) = authenticate(&state, &headers).await?;
    let user = me_id(&auth)?;
    agents::get_one(&mut *state.store.conn().await?, auth.tenant, user)
        .await
        .or_404("agent")?;
    let ws = if via_protocol {
        ws.protocols([BEARER_PROTOCOL])
    } else {
        ws
    };
    Ok(ws.on_upgrade(move |socket| serve(state, auth, user, socket)))
}

/// The bearer token from the Authorization header or the subprotocol list; whether it came
/// from the subprotocols (which must then be answered).
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<(Auth, bool), AppError> {
    if let Some(token) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    {
        return Ok((Auth::from_token(state, token.trim()).await?, false));
    }
    if let Some(token) = crate::auth::cookie::session_token(headers) {
        crate::auth::cookie::check_request(&axum::http::Method::GET, headers, &token)?;
        return Ok((Auth::from_token(state, &token).await?, false));
    }
    let protocols: Vec<String> = headers
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_string())
        .collect();
    match protocols.iter().position(|p| p == BEARER_PROTOCOL) {
        Some(at) if at + 1 < protocols.len() => {
            Ok((Auth::from_token(state, &protocols[at + 1]).await?, true))
        }
        _ => Err(AppError::Unauthorized(
            "not logged in: send 'Authorization: Bearer <token>', or the subprotocols [\"outdial.bearer\", \"<token>\"]".into(),
        )),
    }
}

/// One command from the console.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Command {
    Status {
        status: AgentStatus,
    },
    Accept,
    Decline,
    /// Sends the state again (a page re-reads it after each event rather than patching it).
    Snapshot,
    Disposition {
        call_id: CallId,
        #[serde(flatten)]
        body: Disposition,
    },
}

async fn serve(state: AppState, mut auth: Auth, user: UserId, mut socket: WebSocket) {
    // Subscribe first, then read the state: nothing announced in between is missed.
    let mut events = state.events.subscribe();
    if send(&mut socket, snapshot(&state, &auth, user).await)
        .await
        .is_err()
    {
        return;
    }
    let period = Duration::from_secs(state.config.auth.stream_recheck_seconds.into());
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                let text = match message {
                    Message::Text(t) => t.to_string(),
                    Message::Close(_) => break,
                    _ => continue,
                };
                // Every command acts on the login as it stands now, never as it was.
                let Some(now) = still_signed_in(&state, &auth).await else {
                    signed_out(&mut socket).await;
                    break;
                };
                auth = now;
                let answer = command(&state, &auth, user, &text).await;
                if send(&mut socket, answer).await.is_err() {
                    break;
                }
            }
            _ = recheck.tick() => {
                let Some(now) = still_signed_in(&state, &auth).await else {
                    signed_out(&mut socket).await;
                    break;
                };
                auth = now;
            }
            event = events.recv() => {
                let frame = match event {
                    Ok(e) if e.kind == RESYNC => Some(snapshot(&state, &auth, user).await),
                    Ok(e) if concerns(&e, &auth, user) => Some(json!({"type": "event", "kind": e.kind, "data": e.data})),
                    Ok(_) => None,
                    // Fell behind, or told to re-read: the state again, never a gap.
                    Err(RecvError::Lagged(_)) => Some(snapshot(&state, &auth, user).await),
                    Err(RecvError::Closed) => break,
                };
                if let Some(frame) = frame && send(&mut socket, frame).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// The login as it stands now, or `None` once it no longer holds (signed out, expired, the
/// user disabled, the key revoked). A database hiccup keeps the console open: the next check
/// asks again.
async fn still_signed_in(state: &AppState, auth: &Auth) -> Option<Auth> {
    match auth.recheck(state).await {
        Ok(now) => Some(now),
        Err(AppError::Unauthorized(_)) => None,
        Err(e) => {
            tracing::warn!(tenant_id = %auth.tenant, error = %e, "could not check a console's login; it stays open");
            Some(auth.clone())
        }
    }
}

/// Tells the console its login has ended, then closes with [`SIGNED_OUT`].
async fn signed_out(socket: &mut WebSocket) {
    let _ = send(
        socket,
        json!({"type": "error", "request": "session",
            "message": "your login has ended (signed out, expired or revoked): sign in again"}),
    )
    .await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: SIGNED_OUT,
            reason: "signed out".into(),
        })))
        .await;
}

/// Whether this agent's console shows `event`.
fn concerns(event: &Event, auth: &Auth, user: UserId) -> bool {
    event.is_for(auth.tenant)
        && (event.kind == "agent.status" && event.data["user_id"] == json!(user)
            || event.kind.starts_with("transfer.") && event.data["agent_user_id"] == json!(user))
}

async fn send(socket: &mut WebSocket, frame: Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(frame.to_string().into())).await
}

/// The agent's state: their status, the call offered to them now, and the call they are on or
/// wrapping up.
async fn snapshot(state: &AppState, auth: &Auth, user: UserId) -> Value {
    match read_state(state, auth, user).await {
        Ok(v) => v,
        Err(e) => json!({"type": "error", "request": "snapshot", "message": e.to_string()}),
    }
}

async fn read_state(state: &AppState, auth: &Auth, user: UserId) -> Result<Value, AppError> {
    let mut conn = state.store.conn().await?;
    let agent = agents::get_one(&mut conn, auth.tenant, user).await?;
    let offer = match agent_legs::offer_of_agent(&mut conn, auth.tenant, user).await? {
        Some(leg) => {
            let t = transfers::get_one(&mut conn, auth.tenant, leg.transfer_id).await?;
            Some(json!({"leg": leg, "transfer": t}))
        }
        None => None,
    };
    let call = transfers::open_for_agent(&mut conn, auth.tenant, user).await?;
    Ok(json!({"type": "snapshot", "agent": agent, "offer": offer, "call": call}))
}

async fn command(state: &AppState, auth: &Auth, user: UserId, text: &str) -> Value {
    let parsed: Command = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            return json!({"type": "error", "request": "unknown",
                "message": format!("unreadable command ({e}); send {{\"type\":\"status\"|\"accept\"|\"decline\"|\"disposition\", …}}")});
        }
    };
    let (name, result) = match parsed {
        Command::Status { status } => (
            "status",
            set_status(state, auth, user, status)
                .await
                .map(|a| json!({"agent": a.0})),
        ),
        Command::Accept => (
            "accept",
            state
                .transfers
                .accept(auth.tenant, user)
                .await
                .map_err(AppError::from)
                .map(|()| json!({})),
        ),
        Command::Decline => (
            "decline",
            state
                .transfers
                .decline(auth.tenant, user)
                .await
                .map_err(AppError::from)
                .map(|()| json!({})),
        ),
        Command::Snapshot => return snapshot(state, auth, user).await,
        Command::Disposition { call_id, body } => (
            "disposition",
            dispose(state, auth, call_id, body)
                .await
                .map(|t| json!({"transfer": t})),
        ),
    };
    match result {
        Ok(mut v) => {
            v["type"] = json!("ok");
            v["request"] = json!(name);
            v
        }
        Err(e) => json!({"type": "error", "request": name, "message": e.to_string()}),
    }
}
