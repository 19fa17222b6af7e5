//! The UI's files, embedded at compile time, served with their type and a content security
//! policy that lets the page load nothing from anywhere but Outdial.

use crate::error::AppError;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Scripts, styles and media from this origin only (recordings play through Outdial).
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The page every UI address serves (the path after `#` picks the screen).
const INDEX: &str = include_str!("assets/index.html");

/// Every file under `/ui/assets/`: name, content, type.
pub(super) const FILES: &[(&str, &str, &str)] = &[
    ("app.css", include_str!("assets/app.css"), "text/css"),
    ("app.js", include_str!("assets/app.js"), JS),
    ("api.js", include_str!("assets/api.js"), JS),
    ("dom.js", include_str!("assets/dom.js"), JS),
    ("chart.js", include_str!("assets/chart.js"), JS),
    ("live.js", include_str!("assets/live.js"), JS),
    ("call_backs.js", include_str!("assets/call_backs.js"), JS),
    ("call_lead.js", include_str!("assets/call_lead.js"), JS),
    ("book_dialog.js", include_str!("assets/book_dialog.js"), JS),
    ("clock.js", include_str!("assets/clock.js"), JS),
    (
        "calendar_time.js",
        include_str!("assets/calendar_time.js"),
        JS,
    ),
    (
        "try_understand.js",
        include_str!("assets/try_understand.js"),
        JS,
    ),
    ("i18n.js", include_str!("assets/i18n.js"), JS),
    (
        "locales/en.json",
        include_str!("assets/locales/en.json"),
        JSON,
    ),
    (
        "locales/de.json",
        include_str!("assets/locales/de.json"),
        JSON,
    ),
    ("pages/login.js", include_str!("assets/pages/login.js"), JS),
    (
        "pages/dashboard.js",
        include_str!("assets/pages/dashboard.js"),
        JS,
    ),
    (
        "pages/campaigns.js",
        include_str!("assets/pages/campaigns.js"),
        JS,
    ),
    (
        "pages/campaign_form.js",
        include_str!("assets/pages/campaign_form.js"),
        JS,
    ),
    (
        "pages/settings_model.js",
        include_str!("assets/pages/settings_model.js"),
        JS,
    ),
    (
        "pages/settings_dialogflow.js",
        include_str!("assets/pages/settings_dialogflow.js"),
        JS,
    ),
    (
        "pages/campaign_conversation.js",
        include_str!("assets/pages/campaign_conversation.js"),
        JS,
    ),
    (
        "pages/campaign.js",
        include_str!("assets/pages/campaign.js"),
        JS,
    ),
    ("pages/leads.js", include_str!("assets/pages/leads.js"), JS),
    ("pages/lead.js", include_str!("assets/pages/lead.js"), JS),
    (
        "pages/upload.js",
        include_str!("assets/pages/upload.js"),
        JS,
    ),
    (
        "pages/quickstart.js",
        include_str!("assets/pages/quickstart.js"),
        JS,
    ),
    ("pages/calls.js", include_str!("assets/pages/calls.js"), JS),
    (
        "pages/calendar.js",
        include_str!("assets/pages/calendar.js"),
        JS,
    ),
    (
        "pages/conversations.js",
        include_str!("assets/pages/conversations.js"),
        JS,
    ),
    (
        "pages/calendar_form.js",
        include_str!("assets/pages/calendar_form.js"),
        JS,
    ),
    (
        "pages/appointment.js",
        include_str!("assets/pages/appointment.js"),
        JS,
    ),
    ("pages/call.js", include_str!("assets/pages/call.js"), JS),
    (
        "pages/console.js",
        include_str!("assets/pages/console.js"),
        JS,
    ),
    ("pages/dnc.js", include_str!("assets/pages/dnc.js"), JS),
    (
        "pages/settings.js",
        include_str!("assets/pages/settings.js"),
        JS,
    ),
    (
        "favicon.svg",
        include_str!("assets/favicon.svg"),
        "image/svg+xml",
    ),
];

const JS: &str = "text/javascript; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("same-origin"),
    );
    // Assets change with the binary: the browser asks again (cheap, all local) rather than
    // running an old script against a new API.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The application's page.
pub async fn index() -> Response {
    secured(([(CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response())
}

/// One of the UI's files.
pub async fn file(Path(name): Path<String>) -> Result<Response, AppError> {
    let (_, body, kind) = FILES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or(AppError::NotFound("file"))?;
    Ok(secured(([(CONTENT_TYPE, *kind)], *body).into_response()))
}
