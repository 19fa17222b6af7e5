//! Recordings a campaign plays instead of a spoken message: uploaded (MP3 or WAV, checked by
//! their first bytes, size-limited), listed, listened to and deleted; fetched once when a
//! campaign names one by address; and served to the carrier on the unguessable, expiring
//! links the engine puts in the TwiML (`/media/audio/{token}`).

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::upload::{AUDIO, spool};
use crate::outbound::{self, FetchError, Guard};
use crate::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use outdial_domain::audio::AudioFormat;
use outdial_domain::campaign::{Audio, CampaignSettings};
use outdial_domain::{Permission, TenantId};
use outdial_storage::audio::{self, AudioFile, NewAudio};
use serde::Deserialize;
use utoipa::IntoParams;

/// The recording routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audio", get(list).post(upload))
        .route("/api/v1/audio/{id}", get(read).delete(remove))
        .route("/api/v1/audio/{id}/file", get(file))
        .route("/media/audio/{token}", get(media))
}

/// How an upload is named.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AudioQuery {
    /// The recording's name (a multipart upload's file name otherwise).
    pub name: Option<String>,
}

/// The bytes as a recording the carrier plays, or a 422 saying what they are not.
fn recognise(bytes: &[u8]) -> Result<AudioFormat, AppError> {
    AudioFormat::sniff(&bytes[..bytes.len().min(16)]).ok_or_else(|| {
        AppError::UnsupportedMediaType(
            "the file is neither MP3 nor WAV; export the recording as MP3 or WAV".into(),
        )
    })
}

/// Uploads a recording (MP3 or WAV), as multipart (field `file`) or a raw `audio/mpeg` or
/// `audio/wav` body. A campaign plays it when its script names it: `{"upload": id}`.
#[utoipa::path(post, path = "/api/v1/audio", tag = "audio", security(("bearer" = [])), params(AudioQuery),
    request_body(content((Vec<u8> = "application/octet-stream"), (String = "multipart/form-data")), description = "The MP3 or WAV file: raw (`audio/mpeg`, `audio/wav` or `application/octet-stream`) or multipart/form-data with a `file` field"),
    responses((status = 201, body = AudioFile), (status = 413, description = "Over `audio.max_file_mb`"), (status = 415, description = "Not MP3 or WAV")))]
async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AudioQuery>,
    request: Request,
) -> Result<(StatusCode, Json<AudioFile>), AppError> {
    auth.require(Permission::ManageCampaigns)?;
    let max_bytes = state.config.audio.max_file_mb * 1_000_000;
    let spooled = spool(request, max_bytes, q.name, &AUDIO).await?;
    let bytes = tokio::fs::read(spooled.file.path()).await.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("while reading an upload"))
    })?;
    let format = recognise(&bytes)?;
    let name: String = spooled.filename.chars().take(200).collect();
    let stored = audio::store(
        &mut *state.store.conn().await?,
        auth.tenant,
        &NewAudio {
            name: &name,
            content_type: format.content_type(),
            data: &bytes,
            source_url: None,
        },
        state.clock.now_ms(),
    )
    .await?;
    tracing::info!(tenant_id = %auth.tenant, audio_id = stored.id, bytes = stored.size_bytes, by = %auth.actor(), "recording uploaded");
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The tenant's uploaded recordings, newest first.
#[utoipa::path(get, path = "/api/v1/audio", tag = "audio", security(("bearer" = [])), responses((status = 200, body = Vec<AudioFile>)))]
async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<AudioFile>>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        audio::list(&mut *state.store.conn().await?, auth.tenant).await?,
    ))
}

/// One recording.
#[utoipa::path(get, path = "/api/v1/audio/{id}", tag = "audio", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = AudioFile), (status = 404)))]
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AudioFile>, AppError> {
    auth.require(Permission::Read)?;
    Ok(Json(
        audio::get_by_id(&mut *state.store.conn().await?, auth.tenant, id)
            .await
            .or_404("recording")?,
    ))
}

/// Deletes a recording. Campaigns that name it speak their text instead.
#[utoipa::path(delete, path = "/api/v1/audio/{id}", tag = "audio", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    auth.require(Permission::ManageCampaigns)?;
    audio::delete(&mut *state.store.conn().await?, auth.tenant, id)
        .await
        .or_404("recording")?;
    Ok(StatusCode::NO_CONTENT)
}

/// The recording itself, to listen to in the web app.
#[utoipa::path(get, path = "/api/v1/audio/{id}/file", tag = "audio", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, content_type = "audio/mpeg", description = "The recording"), (status = 404)))]
async fn file(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, AppError> {
    auth.require(Permission::Read)?;
    let (found, bytes) = audio::with_data(&mut *state.store.conn().await?, auth.tenant, id)
        .await
        .or_404("recording")?;
    Ok(([(header::CONTENT_TYPE, found.content_type)], bytes).into_response())
}

/// A recording for the carrier, by the link the call's TwiML holds. No sign-in: the link is
/// unguessable and expires; an unknown or expired one is 404.
#[utoipa::path(get, path = "/media/audio/{token}", tag = "twilio-webhooks", params(("token" = String, Path, description = "The link's token, from the TwiML")),
    responses((status = 200, content_type = "audio/mpeg", description = "The recording"), (status = 404, description = "Unknown or expired")))]
async fn media(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if token.len() > 128 {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found = match state.store.conn().await {
        Ok(mut conn) => audio::by_link(&mut conn, &token, state.clock.now_ms()).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(Some((file, bytes))) => (
            [
                (header::CONTENT_TYPE, file.content_type),
                (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "a recording could not be read for the carrier");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Checks the recordings a campaign's settings name before they are saved: uploads must be the
/// tenant's; addresses are fetched now (within the outbound limits) so a bad one is named at
/// once and calls play a copy Outdial keeps.
pub async fn check_recordings(
    state: &AppState,
    tenant: TenantId,
    settings: &CampaignSettings,
) -> Result<(), AppError> {
    for (field, audio) in settings.script.audios() {
        let field = format!("settings.script.{field}");
        match audio {
            Audio::Upload(id) => {
                let found = audio::get_by_id(&mut *state.store.conn().await?, tenant, *id).await;
                if matches!(found, Err(outdial_storage::StorageError::NotFound)) {
                    return Err(AppError::invalid(
                        &field,
                        format!(
                            "there is no recording {id}; upload one first (POST /api/v1/audio)"
                        ),
                    ));
                }
                found?;
            }
            Audio::Url(url) => fetch_once(state, tenant, &field, url).await?,
        }
    }
    Ok(())
}

/// Fetches a recording given by address, unless a copy is kept already.
async fn fetch_once(
    state: &AppState,
    tenant: TenantId,
    field: &str,
    url: &str,
) -> Result<(), AppError> {
    if audio::by_source(&mut *state.store.conn().await?, tenant, url)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let cfg = &state.config.audio;
    let guard = Guard {
        allow_private: cfg.allow_private_networks,
        max_bytes: cfg.max_file_mb * 1_000_000,
        timeout: std::time::Duration::from_secs(cfg.fetch_timeout_seconds),
    };
    let bytes = outbound::fetch(url, guard)
        .await
        .map_err(|e: FetchError| AppError::invalid(field, e.to_string()))?;
    let format = recognise(&bytes)
        .map_err(|_| AppError::invalid(field, "the address does not hold an MP3 or WAV file"))?;
    let name: String = url
        .rsplit('/')
        .next()
        .unwrap_or("recording")
        .chars()
        .take(200)
        .collect();
    audio::store(
        &mut *state.store.conn().await?,
        tenant,
        &NewAudio {
            name: &name,
            content_type: format.content_type(),
            data: &bytes,
            source_url: Some(url),
        },
        state.clock.now_ms(),
    )
    .await?;
    tracing::info!(tenant_id = %tenant, bytes = bytes.len(), "a recording given by address was fetched");
    Ok(())
}
