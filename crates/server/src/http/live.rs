//! The live event stream (Server-Sent Events) for dashboards: the tenant's current state on
//! connecting, then every change as it is announced. A client that reconnects gets the state
//! again, not a gap; one that falls behind is told to read it again (`resync`).

use crate::auth::Auth;
use crate::error::AppError;
use crate::events::{Event, RESYNC};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use outdial_domain::Permission;
use outdial_storage::{agents, campaigns};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

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
    let tenant = auth.tenant;
    let first = stream::once(async move {
        Ok(SseEvent::default()
            .event("snapshot")
            .data(snapshot.to_string()))
    });
    let rest = stream::unfold(receiver, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) if event.is_for(tenant) => return Some((Ok(to_sse(&event)), rx)),
                Ok(_) => continue,
                Err(RecvError::Lagged(missed)) => {
                    let note = Event {
                        data: serde_json::json!({ "missed": missed }),
                        ..Event::resync()
                    };
                    return Some((Ok(to_sse(&Arc::new(note))), rx));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(first.chain(rest)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn to_sse(event: &Event) -> SseEvent {
    let kind = if event.kind == RESYNC {
        RESYNC
    } else {
        event.kind.as_str()
    };
    SseEvent::default().event(kind).data(event.data.to_string())
}
