use crate::helpers::*;
use outdial_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_campaign_is_created_read_changed_and_deleted() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let (status, created) = app
        .post(
            "/api/v1/campaigns",
            &m.token,
            json!({ "name": "  Spring  ", "type": "appointment_reminder" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], "Spring");
    assert_eq!(created["status"], "draft");
    // A reminder campaign starts from its type's defaults: unattended, its keys confirm, move
    // and cancel the appointment.
    assert_eq!(created["settings"]["pacing"]["mode"], "unattended");
    assert_eq!(created["settings"]["menu"]["keys"][0]["action"], "confirm");
    assert_eq!(
        created["settings"]["menu"]["keys"][2]["action"],
        "cancel_appointment"
    );
    let id = created["id"].as_i64().unwrap();

    let (status, detail) = app.get(&format!("/api/v1/campaigns/{id}"), &m.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["leads"]["total"], 0);

    let patch = json!({ "name": "Spring 2027", "settings": { "daily_call_limit": 250, "calling_window": { "start": "10:00", "end": "18:00", "days": ["mon", "wed"] }, "pacing": { "mode": "predictive", "target_abandon_percent": 2.5 } } });
    let (status, updated) = app
        .patch(&format!("/api/v1/campaigns/{id}"), &m.token, patch)
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["settings"]["daily_call_limit"], 250);
    assert_eq!(
        updated["settings"]["pacing"]["max_ratio"], 3.0,
        "omitted pacing fields take defaults"
    );
    assert_eq!(
        updated["settings"]["script"]["voice"], "Polly.Joanna",
        "untouched settings stay"
    );
    let (_, again) = app
        .patch(
            &format!("/api/v1/campaigns/{id}"),
            &m.token,
            json!({ "settings": { "daily_call_limit": null } }),
        )
        .await;
    assert_eq!(again["settings"]["daily_call_limit"], json!(null));
    assert_eq!(again["settings"]["calling_window"]["start"], "10:00");

    assert_eq!(
        app.delete(&format!("/api/v1/campaigns/{id}"), &m.token)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/api/v1/campaigns/{id}"), &m.token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invalid_settings_are_refused_field_by_field() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let bad_form = json!({ "name": "X", "settings": { "caller_ids": ["555"] } });
    let (status, body) = app.post("/api/v1/campaigns", &m.token, bad_form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_message(&body, "validation_failed");
    assert!(
        message.contains("settings.caller_ids[0]") && message.contains("E.164"),
        "{message}"
    );

    let bad_ranges = json!({ "name": "X", "settings": { "timezone": "Mars/Base", "ring_timeout_seconds": 5, "calling_window": { "start": "20:00", "end": "08:00", "days": ["mon"] } } });
    let (status, body) = app.post("/api/v1/campaigns", &m.token, bad_ranges).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "settings.timezone",
            "settings.calling_window",
            "settings.ring_timeout_seconds"
        ]
    );

    let (status, body) = app
        .post(
            "/api/v1/campaigns",
            &m.token,
            json!({ "name": "X", "type": "robocall" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("type"));
    let (status, _) = app
        .post("/api/v1/campaigns", &m.token, json!({ "name": "   " }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let id = app.campaign(&m.token, "Fine").await;
    let (status, body) = app
        .patch(
            &format!("/api/v1/campaigns/{id}"),
            &m.token,
            json!({ "settings": { "max_concurrent_calls": "many" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("settings.max_concurrent_calls"));
}

#[tokio::test]
async fn status_changes_follow_the_campaign_rules() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let (_, draft) = app
        .post("/api/v1/campaigns", &m.token, json!({ "name": "Unready" }))
        .await;
    let unready = draft["id"].as_i64().unwrap();
    let (status, body) = app
        .put(
            &format!("/api/v1/campaigns/{unready}/status"),
            &m.token,
            json!({ "status": "running" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("caller_ids"));

    let id = app.campaign(&m.token, "Ready").await;
    let path = format!("/api/v1/campaigns/{id}/status");
    let (status, body) = app
        .put(&path, &m.token, json!({ "status": "scheduled" }))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "scheduling needs a start time: {body}"
    );
    assert_eq!(
        app.put(&path, &m.token, json!({ "status": "running" }))
            .await
            .1["status"],
        "running"
    );
    let (status, body) = app
        .patch(
            &format!("/api/v1/campaigns/{id}"),
            &m.token,
            json!({ "settings": { "recording": true } }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error_message(&body, "conflict").contains("pause"));
    assert_eq!(
        app.delete(&format!("/api/v1/campaigns/{id}"), &m.token)
            .await
            .0,
        StatusCode::CONFLICT
    );
    let (status, body) = app.put(&path, &m.token, json!({ "status": "draft" })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error_message(&body, "conflict").contains("allowed next: paused, completed, stopped"));
    assert_eq!(
        app.put(&path, &m.token, json!({ "status": "stopped" }))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.put(&path, &m.token, json!({ "status": "running" }))
            .await
            .0,
        StatusCode::CONFLICT
    );
    let (status, _) = app
        .put(&path, &m.token, json!({ "status": "exploded" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_future_start_time_lets_a_campaign_be_scheduled() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let id = app.campaign(&m.token, "Later").await;
    // START is 2026-11-18; the clock is the test's.
    app.patch(
        &format!("/api/v1/campaigns/{id}"),
        &m.token,
        json!({ "settings": { "scheduled_start_at": "2026-12-01T14:00:00Z" } }),
    )
    .await;
    let (status, body) = app
        .put(
            &format!("/api/v1/campaigns/{id}/status"),
            &m.token,
            json!({ "status": "scheduled" }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("scheduled"))
    );
}
