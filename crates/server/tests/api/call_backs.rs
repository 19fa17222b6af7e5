//! Call-back tasks: a person who pressed 1 when nobody could take them is a task on the
//! dashboard and the lead list until a user marks it done, or until a later call connects them.

use crate::helpers::*;
use outdial_domain::Role;
use outdial_simulator::SimConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// Every call answered by a person who presses 1, 100 times faster than life.
fn presses_1() -> SimConfig {
    crate::calls::fast(crate::calls::only("human"), [1, 0, 0])
}

/// Calls lead `id` by hand and waits for the call to complete.
async fn call_and_wait(app: &TestApp, token: &str, lead: i64) -> Value {
    let (status, call) = app
        .post(&format!("/api/v1/leads/{lead}/call"), token, json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let id = call["id"].as_i64().unwrap();
    for _ in 0..200 {
        let (_, c) = app.get(&format!("/api/v1/calls/{id}"), token).await;
        if c["status"] == "completed" && c["disposition"].is_string() {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("call {id} did not complete");
}

async fn open_tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, list) = app.get("/api/v1/call-backs", token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_person_who_pressed_1_when_nobody_was_free_is_a_task_until_it_is_done() {
    let (app, _sim) = app_with_simulator(presses_1(), |c| c).await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let campaign = app.campaign(t, "Spring").await;
    let (status, lead) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            t,
            json!({ "phone": "+1 813 489 3260", "first_name": "Eve", "last_name": "Rivera" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{lead}");
    let lead_id = lead["id"].as_i64().unwrap();
    assert!(open_tasks(&app, t).await.is_empty());

    // Nobody to connect to: the person is told they will be called back, and a task opens.
    let call = call_and_wait(&app, t, lead_id).await;
    assert_eq!(call["disposition"], "transfer_unavailable", "{call}");
    // Calls carry who was called, by name, for the pages that list them.
    assert_eq!(call["lead_name"], "Eve Rivera");
    let (_, log) = app.get("/api/v1/calls", t).await;
    assert_eq!(log["items"][0]["lead_name"], "Eve Rivera");
    let tasks = open_tasks(&app, t).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task = &tasks[0];
    assert_eq!(task["status"], "open");
    assert_eq!(task["lead_id"], lead_id);
    assert_eq!(task["lead_name"], "Eve Rivera");
    assert_eq!(task["campaign_name"], "Spring");
    assert_eq!(task["to"], "+18134893260");
    assert_eq!(task["call_id"], call["id"]);
    let id = task["id"].as_i64().unwrap();

    // The dashboard shows it, for the tenant and for its campaign.
    let (_, dash) = app.get("/api/v1/dashboard", t).await;
    assert_eq!(dash["call_backs"]["open"], 1, "{dash}");
    assert_eq!(dash["call_backs"]["oldest"][0]["id"], id);
    let (_, other_campaign) = app
        .get(
            &format!("/api/v1/dashboard?campaign_id={}", campaign + 1000),
            t,
        )
        .await;
    assert_eq!(other_campaign["call_backs"]["open"], 0);

    // Another tenant neither sees nor closes it.
    let stranger = app.member("Elsewhere", Role::Owner).await;
    assert!(open_tasks(&app, &stranger.token).await.is_empty());
    let (status, _) = app
        .post(
            &format!("/api/v1/call-backs/{id}/done"),
            &stranger.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Bad input is refused and changes nothing.
    let (status, body) = app.get("/api/v1/call-backs?status=later", t).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "status");
    let (status, body) = app
        .post(
            &format!("/api/v1/call-backs/{id}/done"),
            t,
            json!({ "note": "x".repeat(1001) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(open_tasks(&app, t).await.len(), 1);

    // Any role may mark it done, an agent included: whoever called the person back.
    let agent = app.colleague(&owner, Role::Agent).await;
    let (status, done) = app
        .post(
            &format!("/api/v1/call-backs/{id}/done"),
            &agent.token,
            json!({ "note": "Booked for Thursday" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "done");
    assert_eq!(done["done_by"], agent.email);
    assert_eq!(done["note"], "Booked for Thursday");
    let (status, again) = app
        .post(&format!("/api/v1/call-backs/{id}/done"), t, json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert!(open_tasks(&app, t).await.is_empty());
    let (_, finished) = app.get("/api/v1/call-backs?status=done", t).await;
    assert_eq!(finished[0]["id"], id);
    let (_, dash) = app.get("/api/v1/dashboard", t).await;
    assert_eq!(dash["call_backs"]["open"], 0);

    // Pressed 1 again, a new task; then a call that connects them settles it by itself.
    call_and_wait(&app, t, lead_id).await;
    assert_eq!(open_tasks(&app, t).await.len(), 1);
    let (status, body) = app
        .patch(
            &format!("/api/v1/campaigns/{campaign}"),
            t,
            json!({"settings": {"script": {"transfer_number": "+18134893201"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let connected = call_and_wait(&app, t, lead_id).await;
    assert_eq!(connected["disposition"], "transferred", "{connected}");
    assert!(open_tasks(&app, t).await.is_empty());
    let (_, all) = app.get("/api/v1/call-backs?status=all", t).await;
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all[0]["done_by"], "outdial");
    assert_eq!(
        all[0]["note"],
        format!("connected on call {}", connected["id"])
    );
}

#[tokio::test]
async fn erasing_the_person_erases_their_call_back() {
    let (app, _sim) = app_with_simulator(presses_1(), |c| c).await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let campaign = app.campaign(t, "Spring").await;
    let (_, lead) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            t,
            json!({ "phone": "+1 813 489 3261", "first_name": "Ada" }),
        )
        .await;
    let lead_id = lead["id"].as_i64().unwrap();
    call_and_wait(&app, t, lead_id).await;
    assert_eq!(open_tasks(&app, t).await.len(), 1);
    let (status, body) = app
        .delete(&format!("/api/v1/leads/{lead_id}?erase=true"), t)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, all) = app.get("/api/v1/call-backs?status=all", t).await;
    assert_eq!(all, json!([]));
}
