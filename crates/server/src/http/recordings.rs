//! A call's recording, played through Outdial: the audio is fetched from the carrier with the
//! tenant's credentials and passed on as it arrives (ranges too, so a player can seek), so a
//! browser never needs the Twilio account and never talks to Twilio.

use crate::auth::Auth;
use crate::error::{AppError, StorageResultExt};
use crate::http::extract::ApiPath;
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use futures_util::StreamExt;
use outdial_domain::CallId;
use outdial_domain::Permission;
use outdial_storage::calls;
use outdial_twilio::ErrorKind;

/// The recording route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/calls/{id}/recording", get(recording))
}

/// The call's recording as MP3 (`Range` honoured). 404 when the call has none or the carrier
/// no longer keeps it.
#[utoipa::path(get, path = "/api/v1/calls/{id}/recording", tag = "calls", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "audio/mpeg", description = "The recording"),
        (status = 206, description = "The range asked for"), (status = 404), (status = 502)))]
async fn recording(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<CallId>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    auth.require(Permission::Read)?;
    let call = calls::get_by_id(&mut *state.store.conn().await?, auth.tenant, id)
        .await
        .or_404("call")?;
    let Some(sid) = call.recording_sid else {
        return Err(AppError::NotFound("recording"));
    };
    let account = state
        .telephony
        .account_for(&state.store, auth.tenant)
        .await?;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let media = match account
        .carrier
        .fetch_recording(&account.creds, &sid, range)
        .await
    {
        Ok(media) => media,
        Err(e) => {
            tracing::warn!(tenant_id = %auth.tenant, call_id = %id, recording_sid = %sid, error = %e, "the recording could not be fetched");
            if e.http_status == Some(416) {
                return Response::builder()
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .body(Body::empty())
                    .map_err(|e| AppError::Internal(e.into()));
            }
            return Err(match e.kind {
                ErrorKind::NotFound => AppError::NotFound("recording"),
                ErrorKind::Authentication => AppError::Conflict(format!(
                    "{e}; the recording belongs to the Twilio account the call was made with: check the credentials in the settings"
                )),
                _ => e.into(),
            });
        }
    };
    let status = StatusCode::from_u16(media.status).unwrap_or(StatusCode::OK);
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, &media.content_type)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "private, max-age=3600")
        .header(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"call-{id}.mp3\""),
        );
    if let Some(len) = media.content_length {
        response = response.header(header::CONTENT_LENGTH, len);
    }
    if let Some(range) = media
        .content_range
        .as_deref()
        .and_then(|r| HeaderValue::from_str(r).ok())
    {
        response = response.header(header::CONTENT_RANGE, range);
    }
    let body = media.body.map(|chunk| chunk.map_err(std::io::Error::other));
    response
        .body(Body::from_stream(body))
        .map_err(|e| AppError::Internal(e.into()))
}
