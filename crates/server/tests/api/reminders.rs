//! Reminder campaigns: upcoming appointments become leads by themselves, a day before; the
//! dialer calls them with the appointment's day and time in the message, and the key pressed
//! confirms, cancels or asks to move the appointment.

use crate::calls::{fast, only};
use crate::dialer::{set_status, start};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// A New York calendar, Monday to Friday.
async fn calendar(app: &TestApp, token: &str) -> i64 {
    let (status, cal) = app
        .post("/api/v1/calendars", token, json!({ "name": "Service bay", "settings": { "time_zone": "America/New_York", "notice_minutes": 0 } }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cal}");
    cal["id"].as_i64().unwrap()
}

async fn book(app: &TestApp, token: &str, calendar: i64, start: &str, phone: &str) -> i64 {
    let (status, a) = app
        .post("/api/v1/appointments", token, json!({ "calendar_id": calendar, "starts_at": start, "name": "Pat Lee", "phone": phone }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    a["id"].as_i64().unwrap()
}

/// A running reminder campaign for `calendar`, with `menu` when given (else its type's).
async fn reminder_campaign(app: &TestApp, token: &str, calendar: i64, menu: Option<Value>) -> i64 {
    let mut settings = json!({
        "caller_ids": ["+18134893200"],
        "timezone": "America/New_York",
        "calling_window": { "start": "08:00", "end": "21:00", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
        "reminders": { "calendar_id": calendar },
    });
    if let Some(menu) = menu {
        settings["menu"] = menu;
    }
    let (status, c) = app
        .post(
            "/api/v1/campaigns",
            token,
            json!({ "name": "Reminders", "type": "appointment_reminder", "settings": settings }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    // The type's defaults: the reminder's words and menu, unattended.
    assert!(
        c["settings"]["script"]["message"]
            .as_str()
            .unwrap()
            .contains("{appointment_day}"),
        "{c}"
    );
    assert_eq!(c["settings"]["pacing"]["mode"], "unattended");
    let id = c["id"].as_i64().unwrap();
    set_status(app, token, id, "running").await;
    id
}

async fn appointment(app: &TestApp, token: &str, id: i64, until: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let (_, a) = app.get(&format!("/api/v1/appointments/{id}"), token).await;
        if until(&a) {
            return a;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the appointment did not change: {}",
        app.get(&format!("/api/v1/appointments/{id}"), token)
            .await
            .1
    );
}

#[tokio::test]
async fn tomorrows_appointment_is_called_and_confirmed_by_its_key_and_later_ones_wait() {
    // Thursday 19 November, 10:00 in New York; the person presses 1.
    let (app, _sim, owner) = start(fast(only("human"), [1, 0, 0])).await;
    let t = &owner.token;
    let cal = calendar(&app, t).await;
    let tomorrow = book(&app, t, cal, "2026-11-20T10:00:00-05:00", "+18134893261").await;
    let monday = book(&app, t, cal, "2026-11-23T10:00:00-05:00", "+18134893262").await;
    let campaign = reminder_campaign(&app, t, cal, None).await;

    let confirmed = appointment(&app, t, tomorrow, |a| a["status"] == "confirmed").await;
    let entry = confirmed["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (entry["kind"].as_str(), entry["by"].as_str()),
        (Some("confirmed"), Some("call")),
        "{confirmed}"
    );

    // One lead, named for the appointment, which the message says the day and time of.
    let (_, leads) = app
        .get(&format!("/api/v1/leads?campaign_id={campaign}"), t)
        .await;
    let items = leads["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{leads}");
    assert_eq!(items[0]["phone"], "+18134893261");
    assert_eq!(
        items[0]["custom_fields"]["appointment_day"],
        "Friday, November 20"
    );
    assert_eq!(items[0]["custom_fields"]["appointment_time"], "10 AM");
    let (_, calls) = app
        .get(&format!("/api/v1/calls?campaign_id={campaign}"), t)
        .await;
    let call = &calls["items"][0];
    for _ in 0..100 {
        let (_, c) = app.get(&format!("/api/v1/calls/{}", call["id"]), t).await;
        if c["disposition"] == "appointment_confirmed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, c) = app.get(&format!("/api/v1/calls/{}", call["id"]), t).await;
    assert_eq!(c["disposition"], "appointment_confirmed", "{c}");

    // Monday's appointment is not called yet, and the campaign waits for it, not done.
    let (_, later) = app.get(&format!("/api/v1/appointments/{monday}"), t).await;
    assert_eq!(later["status"], "booked");
    let (_, p) = app.get(&format!("/api/v1/campaigns/{campaign}"), t).await;
    assert_eq!(p["status"], "running", "{p}");
    // On Sunday at 11:00, Monday 10:00 is within a day: it comes due.
    app.clock.advance(3 * 24 * 3_600_000 + 3_600_000);
    appointment(&app, t, monday, |a| a["status"] == "confirmed").await;
}

#[tokio::test]
async fn a_person_may_cancel_by_key_or_ask_to_move_which_leaves_a_call_back_task() {
    let (app, _sim, owner) = start(fast(only("human"), [0, 1, 0])).await;
    let t = &owner.token;
    let cal = calendar(&app, t).await;
    let moving = book(&app, t, cal, "2026-11-20T10:00:00-05:00", "+18134893263").await;
    reminder_campaign(&app, t, cal, None).await;
    let asked = appointment(&app, t, moving, |a| {
        a["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "reschedule_requested")
    })
    .await;
    assert_eq!(
        asked["status"], "booked",
        "asking to move changes nothing by itself"
    );
    let mut tasks = json!([]);
    for _ in 0..100 {
        tasks = app.get("/api/v1/call-backs", t).await.1;
        if tasks.as_array().unwrap().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tasks[0]["to"], "+18134893263", "{tasks}");

    // Another campaign whose 2 cancels.
    let (app, _sim, owner) = start(fast(only("human"), [0, 1, 0])).await;
    let t = &owner.token;
    let cal = calendar(&app, t).await;
    let cancelling = book(&app, t, cal, "2026-11-20T09:30:00-05:00", "+18134893264").await;
    let menu = json!({ "keys": [{ "key": "1", "action": "confirm" }, { "key": "2", "action": "cancel_appointment" }] });
    reminder_campaign(&app, t, cal, Some(menu)).await;
    appointment(&app, t, cancelling, |a| a["status"] == "cancelled").await;
    // Its slot is free again.
    let (_, free) = app
        .get(&format!("/api/v1/calendars/{cal}/availability?from=2026-11-20T14:30:00Z&to=2026-11-20T15:00:00Z"), t)
        .await;
    assert_eq!(free["slots"].as_array().unwrap().len(), 1, "{free}");
}
