//! Agents: registering, status changes people may and may not make, wrap-up that ends by
//! itself, groups assigned to campaigns, and the pacer reading the agents of a campaign.

use crate::helpers::*;
use outdial_domain::Role;
use outdial_domain::agent::AgentStatus;
use outdial_storage::agents;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn status(app: &TestApp, m: &Member, to: &str) -> (StatusCode, Value) {
    app.put(
        "/api/v1/agents/me/status",
        &m.token,
        json!({ "status": to }),
    )
    .await
}

/// An agent of `of`'s tenant, registered and logged in (available).
async fn agent(app: &TestApp, of: &Member, phone: &str) -> (Member, i64) {
    let (a, id) = registered_agent(app, of, phone).await;
    assert_eq!(status(app, &a, "available").await.0, StatusCode::OK);
    (a, id)
}

#[tokio::test]
async fn agents_register_and_move_between_the_statuses_people_may_set() {
    let app = spawn_app().await;
    let manager = app.member("Callers", Role::Admin).await;
    let anna = app.colleague(&manager, Role::Agent).await;
    let anna_id = user_id(&app, &anna).await;

    let (code, body) = app.get("/api/v1/agents/me", &anna.token).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "not registered yet: {body}");
    let path = format!("/api/v1/agents/{anna_id}");
    let (code, body) = app
        .put(&path, &anna.token, json!({ "phone": "12ab" }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("phone"));
    let (code, me) = app
        .put(&path, &anna.token, json!({ "phone": "(813) 489-3250" }))
        .await;
    assert_eq!(code, StatusCode::OK, "{me}");
    assert_eq!(me["phone"], "+18134893250");
    assert_eq!(me["status"], "offline", "new agents start logged out");

    // An agent registers only themself; a manager registers anyone of the tenant.
    let ben = app.colleague(&manager, Role::Agent).await;
    let ben_id = user_id(&app, &ben).await;
    let (code, _) = app
        .put(
            &format!("/api/v1/agents/{ben_id}"),
            &anna.token,
            json!({ "phone": "8134893251" }),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = app
        .put(
            &format!("/api/v1/agents/{ben_id}"),
            &manager.token,
            json!({ "phone": "8134893251" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let stranger = app.member("Elsewhere", Role::Owner).await;
    let (code, _) = app
        .put(
            &format!("/api/v1/agents/{ben_id}"),
            &stranger.token,
            json!({ "phone": "8134893252" }),
        )
        .await;
    assert_eq!(
        code,
        StatusCode::NOT_FOUND,
        "another tenant's user does not exist here"
    );

    for (to, expected) in [
        ("available", StatusCode::OK),
        ("paused", StatusCode::OK),
        ("on_call", StatusCode::CONFLICT),
        ("wrap_up", StatusCode::CONFLICT),
        ("available", StatusCode::OK),
        ("offline", StatusCode::OK),
    ] {
        let (code, body) = status(&app, &anna, to).await;
        assert_eq!(code, expected, "{to}: {body}");
    }
    let (_, body) = status(&app, &anna, "on_call").await;
    assert!(error_message(&body, "conflict").contains("set by Outdial"));

    // On a call, a person cannot leave it by changing status.
    status(&app, &anna, "available").await;
    let mut conn = app.store.conn().await.unwrap();
    agents::set_status(
        &mut conn,
        anna.tenant,
        outdial_domain::UserId(anna_id),
        &AgentStatus::TAKE_CALL,
        None,
        START,
    )
    .await
    .unwrap();
    let (code, body) = status(&app, &anna, "offline").await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(error_message(&body, "conflict").contains("on a call"));

    // API keys are not people.
    let (_, key) = app
        .post(
            "/api/v1/api-keys",
            &manager.token,
            json!({ "name": "robot" }),
        )
        .await;
    let key = key["key"].as_str().unwrap();
    let (code, _) = app
        .put(
            "/api/v1/agents/me/status",
            key,
            json!({ "status": "available" }),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/agents", &manager.token).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, theirs) = app.get("/api/v1/agents", &stranger.token).await;
    assert_eq!(theirs, json!([]));
}

#[tokio::test]
async fn wrap_up_ends_by_itself_unless_extended() {
    let app = spawn_app().await;
    let manager = app.member("Callers", Role::Admin).await;
    let (anna, anna_id) = agent(&app, &manager, "8134893250").await;
    let user = outdial_domain::UserId(anna_id);
    let mut conn = app.store.conn().await.unwrap();
    agents::set_status(
        &mut conn,
        anna.tenant,
        user,
        &AgentStatus::TAKE_CALL,
        None,
        START,
    )
    .await
    .unwrap();
    let after_call = START + 60_000;
    agents::set_status(
        &mut conn,
        anna.tenant,
        user,
        &AgentStatus::WRAP_UP,
        Some(after_call + 30_000),
        after_call,
    )
    .await
    .unwrap();
    drop(conn);
    app.clock.advance(60_000);
    let (code, me) = app
        .post(
            "/api/v1/agents/me/wrap-up",
            &anna.token,
            json!({ "extend_seconds": 60 }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{me}");
    assert_eq!(me["wrap_up_until"], after_call + 90_000);
    assert_eq!(
        app.post(
            "/api/v1/agents/me/wrap-up",
            &anna.token,
            json!({ "extend_seconds": 0 })
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    app.clock.advance(31_000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.get("/api/v1/agents/me", &anna.token).await.1["status"],
        "wrap_up",
        "extended"
    );
    app.clock.advance(60_000);
    for _ in 0..100 {
        if app.get("/api/v1/agents/me", &anna.token).await.1["status"] == "available" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let me = app.get("/api/v1/agents/me", &anna.token).await.1;
    assert_eq!(me["status"], "available", "{me}");
    assert_eq!(
        me["status_since"],
        after_call + 90_000,
        "available from when wrap-up ended"
    );
    let (code, _) = app
        .post(
            "/api/v1/agents/me/wrap-up",
            &anna.token,
            json!({ "extend_seconds": 30 }),
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "nothing to extend");
}

#[tokio::test]
async fn groups_tie_agents_to_campaigns_within_the_tenant() {
    let app = spawn_app().await;
    let manager = app.member("Callers", Role::Admin).await;
    let (_, anna) = agent(&app, &manager, "8134893250").await;
    let plain = app.colleague(&manager, Role::Agent).await;
    let plain_id = user_id(&app, &plain).await;
    let (code, group) = app
        .post(
            "/api/v1/agent-groups",
            &manager.token,
            json!({ "name": "Closers" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{group}");
    let gid = group["id"].as_i64().unwrap();
    let (code, _) = app
        .post(
            "/api/v1/agent-groups",
            &manager.token,
            json!({ "name": "Closers" }),
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (code, body) = app
        .put(
            &format!("/api/v1/agent-groups/{gid}/members"),
            &manager.token,
            json!({ "user_ids": [anna, plain_id] }),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("not an agent"));
    let (code, _) = app
        .put(
            &format!("/api/v1/agent-groups/{gid}/members"),
            &manager.token,
            json!({ "user_ids": [anna] }),
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let campaign = app.campaign(&manager.token, "Spring").await;
    let (code, _) = app
        .put(
            &format!("/api/v1/campaigns/{campaign}/agent-groups"),
            &manager.token,
            json!({ "group_ids": [gid] }),
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (_, groups) = app.get("/api/v1/agent-groups", &manager.token).await;
    assert_eq!(groups[0]["members"], json!([anna]));
    assert_eq!(groups[0]["campaigns"], json!([campaign]));

    // Another tenant can neither see nor use them.
    let stranger = app.member("Elsewhere", Role::Owner).await;
    assert_eq!(
        app.get("/api/v1/agent-groups", &stranger.token).await.1,
        json!([])
    );
    let theirs = app.campaign(&stranger.token, "Theirs").await;
    let (code, _) = app
        .put(
            &format!("/api/v1/campaigns/{theirs}/agent-groups"),
            &stranger.token,
            json!({ "group_ids": [gid] }),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, _) = app
        .put(
            &format!("/api/v1/campaigns/{campaign}/agent-groups"),
            &stranger.token,
            json!({ "group_ids": [] }),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // Agents may look, not change.
    let (code, _) = app
        .post(
            "/api/v1/agent-groups",
            &plain.token,
            json!({ "name": "Mine" }),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
}
