//! The HTTP layer's one error type, answered as `{"error":{"code","message","details"}}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use outdial_storage::{DatabaseError, StorageError};
use outdial_twilio::{CarrierError, ErrorKind};
use serde_json::json;

/// Everything a handler can answer with instead of success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed (a bad query parameter, an unreadable body).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no credentials, or credentials that are wrong or expired.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: authenticated, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such record in this tenant (another tenant's record answers the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request conflicts with the current state (duplicate, illegal transition).
    #[error("{0}")]
    Conflict(String),
    /// 409 with its own code: a call the rules every call passes forbid now; `details` says
    /// when it would pass (`next_allowed_at`, RFC 3339, or null).
    #[error("{message}")]
    Refused {
        /// The rule (`outside_calling_hours`, `do_not_call`, …).
        code: &'static str,
        /// Why.
        message: String,
        /// `{"next_allowed_at": …}`.
        details: serde_json::Value,
    },
    /// 413: the upload is over the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not of a type this endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the body parsed but its values are not acceptable; `details` lists the fields.
    #[error("{message}")]
    Validation {
        /// Summary.
        message: String,
        /// Per-field problems.
        details: serde_json::Value,
    },
    /// 429: too many attempts; retry after the given seconds.
    #[error("too many failed attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// 503: the server is too busy for this now (a flood of sign-ins); try again in a moment.
    #[error("{0}")]
    Busy(String),
    /// 502: the carrier failed or could not be reached; try again later.
    #[error("{0}")]
    Upstream(String),
    /// 500: anything unexpected. Logged with context; answered without detail.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 422 for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        let message = message.into();
        AppError::Validation {
            message: format!("{field}: {message}"),
            details: json!([{ "field": field, "message": message }]),
        }
    }

    /// Two answers about one request as one: their 422 fields together; otherwise the first.
    pub fn both(first: AppError, second: AppError) -> AppError {
        match (first, second) {
            (
                AppError::Validation {
                    message: m1,
                    details: d1,
                },
                AppError::Validation {
                    message: m2,
                    details: d2,
                },
            ) => {
                let mut items = d1.as_array().cloned().unwrap_or_default();
                items.extend(d2.as_array().cloned().unwrap_or_default());
                AppError::Validation {
                    message: format!("{m1}; {m2}"),
                    details: serde_json::Value::Array(items),
                }
            }
            (first, _) => first,
        }
    }

    /// A 422 about a part of the body read on its own, its fields named from the whole body's
    /// root (`mode` under `settings` becomes `settings.mode`); other errors pass unchanged.
    pub fn under(self, prefix: &str) -> AppError {
        match self {
            AppError::Validation { details, .. } => {
                let mut items = details.as_array().cloned().unwrap_or_default();
                for item in &mut items {
                    let field = match item["field"].as_str() {
                        Some(f) if !f.is_empty() => format!("{prefix}.{f}"),
                        _ => prefix.to_string(),
                    };
                    item["field"] = json!(field);
                }
                let message = items
                    .iter()
                    .map(|i| {
                        format!(
                            "{}: {}",
                            i["field"].as_str().unwrap_or(prefix),
                            i["message"].as_str().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                AppError::Validation {
                    message,
                    details: serde_json::Value::Array(items),
                }
            }
            other => other,
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::Refused { code, .. } => (StatusCode::CONFLICT, code),
            AppError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::Validation { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            AppError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
            }
            AppError::Upstream(_) => (StatusCode::BAD_GATEWAY, "carrier_unavailable"),
            AppError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        let details = match &self {
            AppError::Validation { details, .. } | AppError::Refused { details, .. } => {
                details.clone()
            }
            _ => serde_json::Value::Null,
        };
        let body =
            json!({ "error": { "code": code, "message": self.to_string(), "details": details } });
        let mut response = (status, axum::Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, AppError::Busy(_)) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Storage errors as answers: `NotFound` names the thing looked for.
pub trait StorageResultExt<T> {
    /// Maps `NotFound` to a 404 naming `what`, `Conflict` to 409, anything else to 500.
    fn or_404(self, what: &'static str) -> Result<T, AppError>;
}

impl<T> StorageResultExt<T> for Result<T, StorageError> {
    fn or_404(self, what: &'static str) -> Result<T, AppError> {
        self.map_err(|e| match e {
            StorageError::NotFound => AppError::NotFound(what),
            other => other.into(),
        })
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => AppError::NotFound("record"),
            StorageError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(
                anyhow::Error::new(other).context("while talking to the database"),
            ),
        }
    }
}

impl From<DatabaseError> for AppError {
    fn from(e: DatabaseError) -> Self {
        StorageError::from(e).into()
    }
}

impl From<outdial_import::ImportError> for AppError {
    fn from(e: outdial_import::ImportError) -> Self {
        use outdial_import::ImportError as E;
        match e {
            E::NotCsv(m) => AppError::UnsupportedMediaType(m),
            E::TooLarge { .. } => AppError::PayloadTooLarge(e.to_string()),
            E::Header(_) | E::Undecodable { .. } | E::Malformed { .. } => {
                AppError::invalid("file", e.to_string())
            }
            E::Io(io) => {
                AppError::Internal(anyhow::Error::new(io).context("while reading an uploaded file"))
            }
            E::Storage(s) => s.into(),
        }
    }
}

/// The carrier's refusals as answers: refused credentials are the tenant's to fix (409 naming
/// where), anything else is the carrier's failure (502). Callers handle the kinds that mean
/// something particular to them (an invalid number, a missing recording) before this.
impl From<CarrierError> for AppError {
    fn from(e: CarrierError) -> Self {
        match e.kind {
            ErrorKind::Authentication => {
                AppError::Conflict(format!("{e}; check the Twilio credentials in the settings"))
            }
            _ => AppError::Upstream(e.to_string()),
        }
    }
}

/// The engine's errors as answers, in this one place: a missing record is 404, a conflict 409,
/// a value that cannot be used 422 naming its field, the carrier's failure 502.
impl From<outdial_engine::EngineError> for AppError {
    fn from(e: outdial_engine::EngineError) -> Self {
        use outdial_engine::EngineError as E;
        match e {
            E::NotFound(what) => AppError::NotFound(what),
            E::Conflict(m) => AppError::Conflict(m),
            E::Refused {
                code,
                message,
                next_allowed_at,
            } => AppError::Refused {
                code,
                message,
                details: json!({ "next_allowed_at": next_allowed_at
                    .and_then(|t| jiff::Timestamp::from_millisecond(t).ok())
                    .map(|t| t.to_string()) }),
            },
            E::SlotTaken { message, next_free } => AppError::Refused {
                code: "slot_taken",
                message,
                details: json!({ "next_free": next_free }),
            },
            E::Invalid { field, message } => AppError::invalid(field, message),
            E::Upstream(m) => AppError::Upstream(m),
            E::Storage(s) => s.into(),
            E::Internal(e) => AppError::Internal(e),
        }
    }
}
