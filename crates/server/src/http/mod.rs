//! The HTTP surface: one router per feature, merged here with logging and metrics.

mod agents;
mod api_keys;
mod appointments;
mod audio;
pub mod auth;
mod calendars;
mod call_backs;
mod calls;
mod campaigns;
mod carrier;
mod console;
mod conversations;
mod csv_export;
pub mod dashboard;
pub(crate) mod dialogflow;
mod dispositions;
mod dnc;
pub mod docs;
pub mod extract;
pub(crate) mod fields;
mod health;
mod imports;
mod leads;
mod live;
mod progress;
pub(crate) mod providers;
mod recordings;
mod responses;
mod tenant;
mod transcript;
mod twilio;
mod twilio_transfer;
mod understand;
mod upload;
mod users;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Instant;
use tower_http::trace::TraceLayer;

/// Every route, with request logging and metrics.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::ui::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(api_keys::router())
        .merge(tenant::router())
        .merge(campaigns::router())
        .merge(agents::router())
        .merge(console::router())
        .merge(dispositions::router())
        .merge(live::router())
        .merge(progress::router())
        .merge(leads::router())
        .merge(imports::router())
        .merge(dnc::router())
        .merge(
            twilio::router()
                .merge(twilio_transfer::router())
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    transcript::record,
                )),
        )
        .merge(calls::router())
        .merge(call_backs::router())
        .merge(calendars::router())
        .merge(appointments::router())
        .merge(understand::router())
        .merge(conversations::router())
        .merge(recordings::router())
        .merge(audio::router())
        .merge(dashboard::router())
        .merge(carrier::router())
        .merge(providers::router())
        .merge(dialogflow::router())
        .merge(health::router())
        .merge(docs::router())
        .fallback(|| async { AppError::NotFound("route") })
        .layer(middleware::from_fn(record_metrics))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state)
}

/// Counts requests and their durations by route template (never by raw path: ids would explode
/// the label set).
async fn record_metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await.into_response();
    let status = response.status().as_u16().to_string();
    metrics::counter!("outdial_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("outdial_http_request_duration_seconds", "method" => method, "route" => route).record(started.elapsed().as_secs_f64());
    response
}
