//! Request extractors whose failures answer in the API's error format, naming what to fix.

use crate::error::AppError;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body. Type errors become 422 with the field path; a missing content type, 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                let message = text
                    .trim_start_matches(
                        "Failed to deserialize the JSON body into the target type: ",
                    )
                    .to_string();
                // serde's message is "path: problem"; the details name the field once.
                let (field, problem) = match message.split_once(": ") {
                    Some((f, p)) if !f.contains(' ') => (Some(f.to_string()), p.to_string()),
                    _ => (None, message.clone()),
                };
                Err(AppError::Validation {
                    details: serde_json::json!([{ "field": field, "message": problem }]),
                    message,
                })
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType(
                "send the body as JSON with 'Content-Type: application/json'".into(),
            )),
            Err(other) => Err(AppError::BadRequest(format!(
                "the body is not valid JSON: {}",
                other.body_text()
            ))),
        }
    }
}

/// Query parameters; bad values are a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
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
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e: PathRejection| {
                AppError::BadRequest(format!("bad path parameter: {}", e.body_text()))
            })
    }
}
