//! The tenant's Google service account for Dialogflow CX: set from the key file Google Cloud
//! gives (checked: a service account, a private key that signs, a token address Outdial may
//! reach), shown without its key, removed. And the agent a call talks with: the campaign's
//! agent, reached with the tenant's account through the outbound-request guard.

use crate::auth::Auth;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::outbound;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use outdial_domain::{Permission, TenantId};
use outdial_engine::conversation::agent::dialogflow::Dialogflow;
use outdial_google::ServiceAccount;
use outdial_google::dialogflow::AgentName;
use outdial_storage::campaigns::Campaign;
use outdial_storage::conversations::providers;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use utoipa::ToSchema;

const KIND: &str = "dialogflow";
const SETTING: &str = "conversation.allow_private_networks";

/// The Dialogflow routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/settings/dialogflow",
        get(read).put(update).delete(remove),
    )
}

/// The service account Dialogflow CX is reached with, without its key.
#[derive(Serialize, ToSchema)]
pub struct DialogflowAccount {
    /// The account's e-mail.
    pub client_email: String,
    /// Its project.
    pub project_id: String,
    /// Which of its keys is stored.
    pub private_key_id: String,
    /// Where its tokens are had.
    pub token_uri: String,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

/// A service account to use.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDialogflowAccount {
    /// The service account's JSON key file, as an object or as its text (Google Cloud console:
    /// IAM → Service accounts → Keys → Add key → JSON). The account needs the role
    /// "Dialogflow API Client".
    #[schema(value_type = Object)]
    pub service_account: serde_json::Value,
}

fn shown(p: &providers::Provider) -> DialogflowAccount {
    let field = |name: &str| p.settings[name].as_str().unwrap_or_default().to_string();
    DialogflowAccount {
        client_email: field("client_email"),
        project_id: field("project_id"),
        private_key_id: field("private_key_id"),
        token_uri: field("token_uri"),
        updated_at: p.updated_at,
    }
}

fn account_of(p: &providers::Provider) -> ServiceAccount {
    let field = |name: &str| p.settings[name].as_str().unwrap_or_default().to_string();
    ServiceAccount::from_parts(
        field("client_email"),
        field("token_uri"),
        field("project_id"),
        field("private_key_id"),
        p.secret.clone(),
    )
}

/// Shows the service account Dialogflow CX is reached with. The key is never returned.
#[utoipa::path(get, path = "/api/v1/settings/dialogflow", tag = "settings", security(("bearer" = [])), responses((status = 200, body = DialogflowAccount), (status = 404, description = "None is set")))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<DialogflowAccount>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let mut conn = state.store.conn().await?;
    providers::get_one(&mut conn, auth.tenant, KIND)
        .await?
        .map(|p| Json(shown(&p)))
        .ok_or(AppError::NotFound("Dialogflow service account"))
}

/// Sets the service account campaigns led by a Dialogflow CX agent reach it with.
#[utoipa::path(put, path = "/api/v1/settings/dialogflow", tag = "settings", security(("bearer" = [])), request_body = NewDialogflowAccount,
    responses((status = 200, body = DialogflowAccount), (status = 422, description = "Not a service account's key file, a key that cannot sign, or a token address Outdial does not connect to")))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewDialogflowAccount>,
) -> Result<Json<DialogflowAccount>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let text = match &body.service_account {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let account = ServiceAccount::parse(&text)
        .map_err(|e| AppError::invalid("service_account", e.to_string()))?;
    let cfg = &state.config.conversation;
    outbound::pinned_client(
        &account.token_uri,
        cfg.allow_private_networks,
        Duration::from_secs(cfg.turn_budget_seconds.max(1)),
        SETTING,
    )
    .await
    .map_err(|e| AppError::invalid("service_account", format!("token_uri: {e}")))?;
    let now = state.clock.now_ms();
    let mut conn = state.store.conn().await?;
    providers::put(
        &mut conn,
        auth.tenant,
        KIND,
        &json!({
            "client_email": account.client_email,
            "project_id": account.project_id,
            "private_key_id": account.private_key_id,
            "token_uri": account.token_uri,
        }),
        account.private_key(),
        now,
    )
    .await?;
    // Tokens of an account whose key was replaced are not used again.
    state.google_tokens.forget(&account);
    tracing::info!(tenant_id = %auth.tenant, client_email = %account.client_email, by = %auth.actor(), "Dialogflow service account set");
    let saved = providers::get_one(&mut conn, auth.tenant, KIND)
        .await?
        .ok_or(AppError::NotFound("Dialogflow service account"))?;
    Ok(Json(shown(&saved)))
}

/// Removes the service account: calls led by a Dialogflow agent end politely until one is set.
#[utoipa::path(delete, path = "/api/v1/settings/dialogflow", tag = "settings", security(("bearer" = [])), responses((status = 204), (status = 404)))]
async fn remove(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageUsers)?;
    let mut conn = state.store.conn().await?;
    let Some(p) = providers::get_one(&mut conn, auth.tenant, KIND).await? else {
        return Err(AppError::NotFound("Dialogflow service account"));
    };
    providers::remove(&mut conn, auth.tenant, KIND).await?;
    state.google_tokens.forget(&account_of(&p));
    tracing::info!(tenant_id = %auth.tenant, by = %auth.actor(), "Dialogflow service account removed");
    Ok(StatusCode::NO_CONTENT)
}

/// The Dialogflow CX agent a call of `campaign` talks with: `None` (logged) when the campaign
/// names no agent, the tenant has no service account, or an address is refused now.
pub(crate) async fn agent_for(
    state: &AppState,
    tenant: TenantId,
    campaign: &Campaign,
) -> Option<Dialogflow> {
    let name = &campaign.settings.conversation.dialogflow.agent;
    let agent = match AgentName::parse(name) {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(tenant_id = %tenant, campaign_id = %campaign.id, error = %e, "the campaign's Dialogflow agent is not usable");
            return None;
        }
    };
    let found = match state.store.conn().await {
        Ok(mut conn) => providers::get_one(&mut conn, tenant, KIND).await,
        Err(e) => Err(e),
    };
    let provider = match found {
        Ok(Some(p)) => p,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(tenant_id = %tenant, error = %e, "the Dialogflow settings could not be read");
            return None;
        }
    };
    let account = account_of(&provider);
    let cfg = &state.config.conversation;
    let budget = Duration::from_secs(cfg.turn_budget_seconds.clamp(1, 14));
    let endpoint = if cfg.dialogflow_endpoint.trim().is_empty() {
        agent.endpoint()
    } else {
        cfg.dialogflow_endpoint.trim().to_string()
    };
    let guarded = |url: String| async move {
        outbound::pinned_client(&url, cfg.allow_private_networks, budget, SETTING)
            .await
            .map(|(client, _)| client)
            .map_err(|e| {
                tracing::warn!(tenant_id = %tenant, error = %e, "a Dialogflow address is refused");
            })
            .ok()
    };
    let token_http = guarded(account.token_uri.clone()).await?;
    let api_http = guarded(endpoint.clone()).await?;
    Some(Dialogflow {
        agent,
        account,
        tokens: state.google_tokens.clone(),
        token_http,
        api_http,
        endpoint,
        turn_budget: budget,
    })
}
