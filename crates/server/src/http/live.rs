//! The live event stream (Server-Sent Events) for dashboards: the tenant's current state on
//! connecting, then every change as it is announced. A client that reconnects gets the state
//! again, not a gap; one that falls behind is told to read it again (`resync`). The stream ends
//! within `auth.stream_recheck_seconds` of its login ending (sign-out, expiry, revocation).

use crate::auth::Auth;
use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use outdial_domain::Permission;
use outdial_engine::events::{Event, RESYNC};
use outdial_storage::{agents, campaigns};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// The live routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/events", get(events))
}

/// The tenant's live events as Server-Sent Events. The first event, `snapshot`, holds the
/// agents and the campaigns with their status; then `call.status`, `agent.status`,
/// `campaign.status`, `campaign.progress` as they happen, and `resync` when the client should
/// read the state again.
#[utoipa::path(get, path = "/api/v1/events", tag = "agents", security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", description = "The event stream")))]
async fn events(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    auth.require(Permission::Read)?;
    // Subscribe first, then read the state: nothing announced in between is missed.
    let receiver = state.events.subscribe();
    let snapshot = {
        let mut conn = state.store.conn().await?;
        let agents = agents::list(&mut conn, auth.tenant).await?;
        let campaigns: Vec<serde_json::Value> = campaigns::list(&mut conn, auth.tenant, None)
            .await?
            .into_iter()
            .map(|c| serde_json::json!({"id": c.id, "name": c.name, "status": c.status}))
            .collect();
        serde_json::json!({ "agents": agents, "campaigns": campaigns })
    };
    let first = stream::once(async move {
        Ok(SseEvent::default()
            .event("snapshot")
            .data(snapshot.to_string()))
    });
    let period = Duration::from_secs(state.config.auth.stream_recheck_seconds.into());
    let watch = Watch {
        rx: receiver,
        next_check: Instant::now() + period,
        auth,
        state,
    };
    let rest = stream::unfold(watch, move |mut w| async move {
        loop {
            tokio::select! {
                received = w.rx.recv() => match received {
                    Ok(event) if event.is_for(w.auth.tenant) => return Some((Ok(to_sse(&event)), w)),
                    Ok(_) => continue,
                    Err(RecvError::Lagged(missed)) => {
                        let note = Event {
                            data: serde_json::json!({ "missed": missed }),
                            ..Event::resync()
                        };
                        return Some((Ok(to_sse(&Arc::new(note))), w));
                    }
                    Err(RecvError::Closed) => return None,
                },
                // The login is checked again now and then: once it no longer holds, the stream
                // ends, and the client's reconnect is refused with 401.
                _ = tokio::time::sleep_until(w.next_check) => {
                    match w.auth.recheck(&w.state).await {
                        Ok(now) => w.auth = now,
                        Err(AppError::Unauthorized(_)) => return None,
                        Err(e) => tracing::warn!(tenant_id = %w.auth.tenant, error = %e, "could not check an event stream's login; it stays open"),
                    }
                    w.next_check = Instant::now() + period;
                }
            }
        }
    });
    Ok(Sse::new(first.chain(rest)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// An open stream's state: where its events come from, and whose login it serves.
struct Watch {
    rx: tokio::sync::broadcast::Receiver<Arc<Event>>,
    auth: Auth,
    state: AppState,
    next_check: Instant,
}

fn to_sse(event: &Event) -> SseEvent {
    let kind = if event.kind == RESYNC {
        RESYNC
    } else {
        event.kind.as_str()
    };
    SseEvent::default().event(kind).data(event.data.to_string())
}
