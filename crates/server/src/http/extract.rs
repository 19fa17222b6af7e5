//! Request extractors whose failures answer in the API's error format, naming what to fix.

use crate::error::AppError;
use crate::http::fields;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A URL path with its %-escapes decoded (bytes that are not UTF-8 replaced).
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON body. Every wrong field is named at once in one 422, in words (never a parser's line
/// and column); a string holding a control character (NUL and the like) is refused here, at the
/// boundary, the same on every database; a missing content type is a 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(value)) => value,
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(AppError::UnsupportedMediaType(
                    "send the body as JSON with 'Content-Type: application/json'".into(),
                ));
            }
            Err(JsonRejection::JsonSyntaxError(e)) => {
                let text = e.body_text();
                let text = text
                    .trim_start_matches("Failed to parse the request body as JSON: ")
                    .trim_start_matches("Failed to parse the request body as JSON");
                return Err(AppError::BadRequest(format!(
                    "the body is not valid JSON: {}",
                    fields::without_position(text)
                )));
            }
            Err(other) => {
                return Err(AppError::BadRequest(format!(
                    "the body could not be read: {}",
                    fields::without_position(&other.body_text())
                )));
            }
        };
        fields::parse(value).map(ApiJson)
    }
}

/// Query parameters; bad values are a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
            if let Some(c) = fields::control_character(&value) {
                return Err(AppError::invalid(&name, fields::control_message(c)));
            }
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| {
                AppError::BadRequest(e.body_text().replace(
                    "Failed to deserialize query string: ",
                    "bad query parameter: ",
                ))
            })
    }
}

/// Path parameters; an id that is not a number is a 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let decoded = percent_decoded(parts.uri.path());
        if let Some(c) = fields::control_character(&decoded) {
            return Err(AppError::invalid("path", fields::control_message(c)));
        }
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e: PathRejection| {
                AppError::BadRequest(format!("bad path parameter: {}", e.body_text()))
            })
    }
}
