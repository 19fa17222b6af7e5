//! The REST side: Twilio's `Calls` resource (create, update, fetch), the account's phone
//! numbers and recordings' media, with Twilio's errors.

use crate::Control;
use crate::rest::{authenticate, error};
use crate::{CallState, Shared};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::sync::Arc;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Calls.json",
            post(create).get(list),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Calls/{sid}",
            post(update).get(fetch),
        )
        .route(
            "/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json",
            get(numbers),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Recordings/{file}",
            get(crate::recordings::media).delete(crate::recordings::delete),
        )
        .with_state(shared)
}

fn read_form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Twilio's magic test number that is always invalid.
pub(crate) const INVALID_NUMBER: &str = "+15005550001";

/// An E.164-shaped number other than Twilio's magic invalid one. The fictional 555-01xx
/// numbers of the demo are fine here: nothing is really called.
fn callable(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or("");
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && number != INVALID_NUMBER
}

/// The call's price as Twilio reports it: `null` until some time after the call ended, then
/// negative, per started minute of talk (`"-0.02800"`; `"0.00000"` for a call not answered).
fn price(shared: &Shared, call: &CallState) -> Option<String> {
    let ended = call.ended?;
    let delay = shared.config.price_delay_seconds / shared.config.speed;
    if ended.elapsed().as_secs_f64() < delay {
        return None;
    }
    let minutes = (call.duration.unwrap_or(0) as f64 / 60.0).ceil();
    let cost = shared.config.price_per_minute * minutes;
    Some(if cost == 0.0 {
        "0.00000".to_string()
    } else {
        format!("-{cost:.5}")
    })
}

pub(crate) fn resource(shared: &Shared, call: &CallState) -> serde_json::Value {
    json!({
        "sid": call.sid,
        "account_sid": shared.account.account_sid,
        "to": call.param("To"),
        "from": call.param("From"),
        "status": call.status,
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "duration": call.duration.map(|d| d.to_string()),
        "price": price(shared, call),
        "price_unit": "USD",
        "answered_by": call.answered_by,
        "uri": format!("/2010-04-01/Accounts/{}/Calls/{}.json", shared.account.account_sid, call.sid),
    })
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = authenticate(&shared, &account, &headers) {
        return r;
    }
    let params = read_form(&body);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let Some(to) = get("To") else {
        return error(400, 21201, "No 'To' number is specified");
    };
    if !callable(to) {
        return error(
            400,
            21211,
            &format!("The 'To' number {to} is not a valid phone number."),
        );
    }
    if get("From").is_none() {
        return error(400, 21603, "A 'From' phone number is required.");
    }
    if get("Url").is_none() && get("Twiml").is_none() {
        return error(400, 21205, "Url parameter is required.");
    }
    let index = {
        let mut n = shared.started.lock().expect("counter lock");
        *n += 1;
        *n
    };
    let call = CallState {
        sid: format!("CA{:016x}{:016x}", shared.sid_prefix, index),
        params,
        status: "queued",
        duration: None,
        ended: None,
        answered_by: None,
        index,
        control: None,
    };
    let body = resource(&shared, &call);
    let sid = call.sid.clone();
    shared
        .calls
        .lock()
        .expect("calls lock")
        .insert(sid.clone(), call);
    let _ = shared.queue.send(sid);
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

/// The account's phone numbers (`simulator.numbers`), on one page.
async fn numbers(
    State(shared): State<Arc<Shared>>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authenticate(&shared, &account, &headers) {
        return r;
    }
    let items: Vec<_> = shared
        .config
        .numbers
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "sid": format!("PN{:032x}", i + 1),
                "account_sid": account,
                "phone_number": n,
                "friendly_name": format!("Simulated line {}", i + 1),
                "capabilities": {"voice": true, "sms": false, "mms": false, "fax": false},
                "status": "in-use",
            })
        })
        .collect();
    axum::Json(json!({
        "incoming_phone_numbers": items,
        "page": 0,
        "page_size": 1000,
        "next_page_uri": null,
    }))
    .into_response()
}

async fn update(
    State(shared): State<Arc<Shared>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = authenticate(&shared, &account, &headers) {
        return r;
    }
    let sid = sid.trim_end_matches(".json").to_string();
    let params = read_form(&body);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut calls = shared.calls.lock().expect("calls lock");
    let Some(call) = calls.get_mut(&sid) else {
        return error(
            404,
            20404,
            &format!("The requested resource /Calls/{sid}.json was not found"),
        );
    };
    let ended = matches!(
        call.status,
        "completed" | "busy" | "failed" | "no-answer" | "canceled"
    );
    let control = if let Some(status) = get("Status") {
        if status != "completed" && status != "canceled" {
            return error(400, 21218, "Invalid Status; use completed or canceled");
        }
        if status == "canceled" && call.status == "in-progress" {
            // As Twilio: canceling an answered call does nothing.
            let body = resource(&shared, call);
            return (StatusCode::OK, axum::Json(body)).into_response();
        }
        Control::Hangup
    } else if let Some(url) = get("Url") {
        if ended || call.status != "in-progress" {
            return error(400, 21220, "Call is not in-progress. Cannot redirect.");
        }
        Control::Redirect(url)
    } else {
        return error(400, 21205, "Url or Status is required.");
    };
    if !ended {
        if let Some(tx) = &call.control {
            let _ = tx.send(control);
        } else {
            // Still queued: canceled before it started.
            call.status = "canceled";
            call.ended = Some(std::time::Instant::now());
        }
    }
    let body = resource(&shared, call);
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// Twilio's call list, filtered by `To` and `From`, newest first, one page of `PageSize`.
async fn list(
    State(shared): State<Arc<Shared>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    if let Some(r) = authenticate(&shared, &account, &headers) {
        return r;
    }
    let params = read_form(query.as_deref().unwrap_or(""));
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let size = get("PageSize")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 1000);
    let calls = shared.calls.lock().expect("calls lock");
    let mut found: Vec<&CallState> = calls
        .values()
        .filter(|c| get("To").is_none_or(|to| c.param("To") == Some(to)))
        .filter(|c| get("From").is_none_or(|from| c.param("From") == Some(from)))
        .collect();
    found.sort_by_key(|c| std::cmp::Reverse(c.index));
    let page: Vec<serde_json::Value> = found
        .into_iter()
        .take(size)
        .map(|c| resource(&shared, c))
        .collect();
    axum::Json(json!({ "calls": page, "page": 0, "page_size": size })).into_response()
}

async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authenticate(&shared, &account, &headers) {
        return r;
    }
    let sid = sid.trim_end_matches(".json");
    let calls = shared.calls.lock().expect("calls lock");
    match calls.get(sid) {
        Some(call) => axum::Json(resource(&shared, call)).into_response(),
        None => error(
            404,
            20404,
            &format!("The requested resource /Calls/{sid}.json was not found"),
        ),
    }
}
