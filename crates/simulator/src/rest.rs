//! What Twilio's REST API answers every request with: its check of the account's credentials
//! and its error body (`code`, `message`, `more_info`, `status`).

use crate::Shared;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

/// Twilio's error answer.
pub(crate) fn error(status: u16, code: i64, message: &str) -> Response {
    let body = json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(body),
    )
        .into_response()
}

/// Checks HTTP Basic credentials and the account in the path, as Twilio does; the refusal if
/// they do not match.
pub(crate) fn authenticate(
    shared: &Shared,
    account: &str,
    headers: &HeaderMap,
) -> Option<Response> {
    let expected = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        shared.account.account_sid, shared.account.auth_token
    ));
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .unwrap_or_default();
    (given != expected || account != shared.account.account_sid)
        .then(|| error(401, 20003, "Authenticate"))
}
