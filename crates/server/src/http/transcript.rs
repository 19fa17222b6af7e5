//! The call's transcript as Outdial knows it: every line its TwiML had the called person hear,
//! stored in the call's timeline as a `said` event when the webhook answers. With the keys the
//! person pressed (the `gather` events) it reads as the conversation of an automated call.
//! Lines spoken to an agent's phone (whispers) are not the called person's and are left out.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use outdial_domain::CallId;
use outdial_domain::TenantId;
use outdial_storage::calls;
use outdial_twilio::twiml::Spoken;
use serde_json::json;

/// Marks a webhook answer with what its TwiML says (set by the answer's builder).
#[derive(Clone)]
pub(crate) struct Said(pub(crate) Spoken);

/// Stores what a caller-side webhook answer says in its call's timeline. Only answers that
/// passed the handler's signature check reach here as 2xx, and the call must be the tenant's.
pub(crate) async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let query = req.uri().query().unwrap_or_default().to_string();
    let response = next.run(req).await;
    let Some(Said(spoken)) = response.extensions().get::<Said>().cloned() else {
        return response;
    };
    if !response.status().is_success() || spoken.is_empty() {
        return response;
    }
    let param = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if param("leg").is_some() {
        return response;
    }
    let (Some(tenant), Some(call)) = (
        param("tenant").and_then(|t| t.parse::<i64>().ok()),
        param("call").and_then(|c| c.parse::<i64>().ok()),
    ) else {
        return response;
    };
    if let Err(e) = store(&state, TenantId(tenant), CallId(call), &spoken).await {
        tracing::warn!(tenant_id = tenant, call_id = %call, error = %e, "what the call said could not be stored");
    }
    response
}

async fn store(
    state: &AppState,
    tenant: TenantId,
    call: CallId,
    spoken: &Spoken,
) -> Result<(), outdial_storage::StorageError> {
    let mut conn = state.store.conn().await?;
    // The call is the tenant's (a webhook signed for one tenant names only its own calls).
    calls::get_by_id(&mut conn, tenant, call).await?;
    calls::add_event(
        &mut conn,
        call,
        "said",
        None,
        None,
        &json!({"lines": spoken.said, "unless_answered": spoken.unless_answered}),
        state.clock.now_ms(),
    )
    .await?;
    Ok(())
}
