//! The tenant's conversation providers: the language model (any OpenAI-compatible API: base
//! address, model, key) campaigns may let lead their calls. Set, inspect (never the key),
//! remove. The address is checked as every outbound request is (public HTTPS; loopback and
//! private networks only where the server's configuration allows); the key is stored for
//! requests only and never returned or logged.

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
use outdial_engine::conversation::agent::Model;
use outdial_storage::conversations::providers;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use utoipa::ToSchema;

const LLM: &str = "llm";

/// The provider routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/settings/language-model",
        get(read).put(update).delete(remove),
    )
}

/// The language model calls talk through, without its key.
#[derive(Serialize, ToSchema)]
pub struct LanguageModel {
    /// The API's base address, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// The model.
    pub model: String,
    /// Whether a key is stored.
    pub has_key: bool,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

/// A language model to use.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLanguageModel {
    /// The API's base address (the part before `/chat/completions`): OpenAI
    /// `https://api.openai.com/v1`, Groq `https://api.groq.com/openai/v1`, Azure OpenAI
    /// `https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT`, a local Ollama
    /// `http://localhost:11434/v1` (where the server allows private networks).
    pub base_url: String,
    /// The model, e.g. `gpt-4o-mini`.
    pub model: String,
    /// The API key; leave it out to keep the stored one, `""` for none (a local server).
    pub api_key: Option<String>,
}

fn shown(p: &providers::Provider) -> LanguageModel {
    LanguageModel {
        base_url: p.settings["base_url"].as_str().unwrap_or_default().into(),
        model: p.settings["model"].as_str().unwrap_or_default().into(),
        has_key: !p.secret.is_empty(),
        updated_at: p.updated_at,
    }
}

/// Shows the language model calls talk through. The key is never returned.
#[utoipa::path(get, path = "/api/v1/settings/language-model", tag = "settings", security(("bearer" = [])), responses((status = 200, body = LanguageModel), (status = 404, description = "None is set")))]
async fn read(State(state): State<AppState>, auth: Auth) -> Result<Json<LanguageModel>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let mut conn = state.store.conn().await?;
    providers::get_one(&mut conn, auth.tenant, LLM)
        .await?
        .map(|p| Json(shown(&p)))
        .ok_or(AppError::NotFound("language model"))
}

/// Sets the language model campaigns with a model-led conversation talk through.
#[utoipa::path(put, path = "/api/v1/settings/language-model", tag = "settings", security(("bearer" = [])), request_body = NewLanguageModel,
    responses((status = 200, body = LanguageModel), (status = 422, description = "An address Outdial does not connect to, or a missing model")))]
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewLanguageModel>,
) -> Result<Json<LanguageModel>, AppError> {
    auth.require(Permission::ManageUsers)?;
    let base_url = body.base_url.trim().trim_end_matches('/').to_string();
    let model = body.model.trim().to_string();
    if model.is_empty() || model.len() > 200 {
        return Err(AppError::invalid(
            "model",
            "name the model, e.g. gpt-4o-mini",
        ));
    }
    let cfg = &state.config.conversation;
    outbound::pinned_client(
        &base_url,
        cfg.allow_private_networks,
        Duration::from_secs(cfg.model_timeout_seconds),
        "conversation.allow_private_networks",
    )
    .await
    .map_err(|e| AppError::invalid("base_url", e.to_string()))?;
    let mut conn = state.store.conn().await?;
    let key = match body.api_key {
        Some(k) => k.trim().to_string(),
        None => providers::get_one(&mut conn, auth.tenant, LLM)
            .await?
            .map(|p| p.secret)
            .unwrap_or_default(),
    };
    let now = state.clock.now_ms();
    providers::put(
        &mut conn,
        auth.tenant,
        LLM,
        &json!({ "base_url": base_url, "model": model }),
        &key,
        now,
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, %base_url, %model, by = %auth.actor(), "language model set");
    let saved = providers::get_one(&mut conn, auth.tenant, LLM)
        .await?
        .ok_or(AppError::NotFound("language model"))?;
    Ok(Json(shown(&saved)))
}

/// Removes the language model: model-led calls end politely until one is set again.
#[utoipa::path(delete, path = "/api/v1/settings/language-model", tag = "settings", security(("bearer" = [])), responses((status = 204), (status = 404)))]
async fn remove(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageUsers)?;
    let mut conn = state.store.conn().await?;
    if providers::remove(&mut conn, auth.tenant, LLM).await? {
        tracing::info!(tenant_id = %auth.tenant, by = %auth.actor(), "language model removed");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("language model"))
    }
}

/// The tenant's language model for a call, with the outbound guard: `None` (logged) when none
/// is set or its address is refused now.
pub(crate) async fn model_for(state: &AppState, tenant: TenantId) -> Option<Model> {
    let found = match state.store.conn().await {
        Ok(mut conn) => providers::get_one(&mut conn, tenant, LLM).await,
        Err(e) => Err(e),
    };
    let provider = match found {
        Ok(Some(p)) => p,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(tenant_id = %tenant, error = %e, "the language model settings could not be read");
            return None;
        }
    };
    let cfg = &state.config.conversation;
    let base_url = provider.settings["base_url"].as_str()?.to_string();
    let timeout = Duration::from_secs(cfg.model_timeout_seconds.max(1));
    let (http, _) = match outbound::pinned_client(
        &base_url,
        cfg.allow_private_networks,
        timeout,
        "conversation.allow_private_networks",
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(tenant_id = %tenant, error = %e, "the language model's address is refused");
            return None;
        }
    };
    let client = outdial_llm::Client::new(
        http,
        outdial_llm::Provider {
            base_url,
            model: provider.settings["model"]
                .as_str()
                .unwrap_or_default()
                .into(),
            api_key: Some(provider.secret).filter(|k| !k.is_empty()),
            timeout,
        },
    );
    Some(Model {
        client,
        turn_budget: Duration::from_secs(cfg.turn_budget_seconds.clamp(1, 14)),
    })
}
