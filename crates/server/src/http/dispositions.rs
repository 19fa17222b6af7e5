//! What happened on a call an agent took: the transfer with each agent tried, and the agent's
//! disposition afterwards (call back at a time, do not call, wrong number, …), which decides
//! what comes next for the lead and ends the agent's wrap-up.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use outdial_domain::CallId;
use outdial_domain::agent::AgentStatus;
use outdial_domain::lead::{Handover, after_handover};
use outdial_domain::transfer::{AgentDisposition, check_disposition};
use outdial_domain::{Permission, UserId};
use outdial_storage::agent_legs::{self, Leg};
use outdial_storage::dnc::{self, Origin};
use outdial_storage::transfers::{self, Disposed, Transfer};
use outdial_storage::{StorageError, agents, calls, leads};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The disposition routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calls/{id}/transfer", get(read))
        .route("/api/v1/calls/{id}/disposition", post(record))
}

/// A call's transfer with the agents tried, in order.
#[derive(Serialize, ToSchema)]
pub struct TransferView {
    /// The transfer.
    #[serde(flatten)]
    pub transfer: Transfer,
    /// Each agent called, in order.
    pub legs: Vec<Leg>,
}

/// Reads how a call was handed to agents.
#[utoipa::path(get, path = "/api/v1/calls/{id}/transfer", tag = "agents", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = TransferView), (status = 404, description = "No such call, or it was not handed to agents")))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<CallId>,
) -> Result<Json<TransferView>, AppError> {
    auth.require(Permission::Read)?;
    let mut conn = state.store.conn().await?;
    let transfer = transfers::of_call(&mut conn, auth.tenant, id)
        .await?
        .ok_or(AppError::NotFound("transfer"))?;
    let legs = agent_legs::legs(&mut conn, auth.tenant, transfer.id).await?;
    Ok(Json(TransferView { transfer, legs }))
}

/// What the agent records about a call.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DispositionRecord)]
pub struct Disposition {
    /// How the call went.
    pub disposition: AgentDisposition,
    /// Free notes (at most 4000 characters).
    #[serde(default)]
    pub notes: String,
    /// For `call_back`: when to call (RFC 3339), in the future.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub callback_at: Option<jiff::Timestamp>,
}

/// Records the disposition of a call the agent took (again, to correct it). `call_back`
/// schedules the lead then, for the same agent when free; `do_not_call` adds the number to the
/// do-not-call list; `wrong_number` closes the lead. The agent's wrap-up ends. The agent who
/// took the call records it; a manager may record it for them.
#[utoipa::path(post, path = "/api/v1/calls/{id}/disposition", tag = "agents", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Disposition,
    responses((status = 200, body = TransferView), (status = 403, description = "Not your call"), (status = 404), (status = 409, description = "No agent took this call"), (status = 422)))]
async fn record(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<CallId>,
    ApiJson(body): ApiJson<Disposition>,
) -> Result<Json<TransferView>, AppError> {
    dispose(&state, &auth, id, body).await.map(Json)
}

/// Records a disposition for `auth` (the HTTP route and the agent console share it).
pub(crate) async fn dispose(
    state: &AppState,
    auth: &Auth,
    call_id: CallId,
    body: Disposition,
) -> Result<TransferView, AppError> {
    let now = state.clock.now_ms();
    let callback_at = body.callback_at.map(|t| t.as_millisecond());
    check_disposition(body.disposition, callback_at, &body.notes, now).map_err(|m| {
        let field = if m.starts_with("notes") {
            "notes"
        } else {
            "callback_at"
        };
        AppError::invalid(field, m)
    })?;
    let mut tx = state.store.begin().await?;
    let transfer = transfers::of_call(&mut tx, auth.tenant, call_id)
        .await?
        .ok_or(AppError::NotFound("transfer"))?;
    let Some(agent) = transfer
        .agent_user_id
        .filter(|_| transfer.connected_at.is_some())
    else {
        return Err(AppError::Conflict(
            "no agent took this call, so there is nothing to record".into(),
        ));
    };
    let own = auth.user().is_some_and(|u| u.id == agent);
    if !own {
        auth.require(Permission::ManageCampaigns).map_err(|_| {
            AppError::Forbidden(
                "only the agent who took the call, or a manager, records how it went".into(),
            )
        })?;
    }
    transfers::dispose(
        &mut tx,
        &transfer,
        &Disposed {
            disposition: body.disposition,
            notes: body.notes.trim(),
            callback_at,
        },
        now,
    )
    .await?;
    let call = calls::get_by_id(&mut tx, auth.tenant, call_id).await?;
    if body.disposition == AgentDisposition::DoNotCall {
        let phone = call.to.clone();
        let actor = auth.actor();
        dnc::add(
            &mut tx,
            auth.tenant,
            &[phone],
            &Origin {
                source: "agent",
                reason: "asked not to be called, during a call with an agent",
                created_by: &actor,
            },
            now,
        )
        .await?;
    }
    if let Some(lead_id) = transfer.lead_id {
        let lead = leads::get_by_id(&mut tx, auth.tenant, lead_id).await?;
        let after = after_handover(
            Handover::Disposed {
                disposition: body.disposition,
                callback_at,
            },
            lead.attempts,
            now,
        );
        let back = body.disposition == AgentDisposition::CallBack;
        leads::prefer_agent(&mut tx, lead_id, back.then_some(agent)).await?;
        // While the carrier has not reported the call's end, that report applies it.
        leads::settle(
            &mut tx,
            auth.tenant,
            lead_id,
            &after,
            back.then_some("call back requested"),
            now,
        )
        .await?;
    }
    let legs = agent_legs::legs(&mut tx, auth.tenant, transfer.id).await?;
    let transfer = transfers::get_one(&mut tx, auth.tenant, transfer.id).await?;
    tx.commit().await.map_err(StorageError::from)?;
    tracing::info!(tenant_id = %auth.tenant, call_id = %call_id, disposition = %body.disposition, by = %auth.actor(), "call disposed");
    state.events.announce(
        auth.tenant,
        "transfer.disposed",
        serde_json::json!({"transfer_id": transfer.id, "call_id": call_id, "agent_user_id": agent,
            "disposition": body.disposition, "lead_id": transfer.lead_id}),
    );
    end_wrap_up(state, auth, agent, now).await?;
    Ok(TransferView { transfer, legs })
}

/// A disposition recorded during wrap-up ends it: the agent is available again.
async fn end_wrap_up(
    state: &AppState,
    auth: &Auth,
    agent: UserId,
    now: i64,
) -> Result<(), AppError> {
    let mut conn = state.store.conn().await?;
    let current = agents::get_one(&mut conn, auth.tenant, agent)
        .await
        .or_404("agent")?;
    if current.status != AgentStatus::WrapUp {
        return Ok(());
    }
    if agents::set_status(
        &mut conn,
        auth.tenant,
        agent,
        &AgentStatus::END_WRAP_UP,
        None,
        now,
    )
    .await
    .is_ok()
    {
        state.events.announce(
            auth.tenant,
            "agent.status",
            serde_json::json!({"user_id": agent, "status": AgentStatus::Available, "since": now}),
        );
    }
    Ok(())
}
