use crate::helpers::*;
use outdial_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn admins_add_users_but_never_grant_more_than_they_hold() {
    let app = spawn_app().await;
    let admin = app.member("Acme", Role::Admin).await;
    let manager = app.colleague(&admin, Role::Manager).await;
    let (status, _) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({ "email": "o@acme.test", "name": "O", "role": "owner", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            "/api/v1/users",
            &manager.token,
            json!({ "email": "a@acme.test", "name": "A", "role": "agent", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "managers do not manage users"
    );
    let (status, body) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({ "email": "bad", "name": "A", "role": "agent", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("email"));
    let (status, body) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({ "email": manager.email, "name": "Dup", "role": "agent", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (_, list) = app.get("/api/v1/users", &admin.token).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn agents_read_but_cannot_change_campaigns_or_users() {
    let app = spawn_app().await;
    let owner = app.member("Acme", Role::Owner).await;
    let agent = app.colleague(&owner, Role::Agent).await;
    let id = app.campaign(&owner.token, "Spring").await;
    assert_eq!(
        app.get(&format!("/api/v1/campaigns/{id}"), &agent.token)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.patch(
            &format!("/api/v1/campaigns/{id}"),
            &agent.token,
            json!({ "name": "x" })
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/users", &agent.token).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.import_csv(&agent.token, id, "phone\n8134893222\n")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_last_owner_can_be_neither_demoted_nor_deleted() {
    let app = spawn_app().await;
    let owner = app.member("Acme", Role::Owner).await;
    let (_, me) = app.get("/api/v1/me", &owner.token).await;
    let id = me["user"]["id"].as_i64().unwrap();
    let (status, body) = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &owner.token,
            json!({ "role": "admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error_message(&body, "conflict").contains("last owner"));
    assert_eq!(
        app.delete(&format!("/api/v1/users/{id}"), &owner.token)
            .await
            .0,
        StatusCode::CONFLICT
    );
    let second = app.colleague(&owner, Role::Owner).await;
    assert_eq!(
        app.patch(
            &format!("/api/v1/users/{id}"),
            &second.token,
            json!({ "role": "admin" })
        )
        .await
        .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_logins() {
    let app = spawn_app().await;
    let admin = app.member("Acme", Role::Admin).await;
    let agent = app.colleague(&admin, Role::Agent).await;
    let (_, me) = app.get("/api/v1/me", &agent.token).await;
    let id = me["user"]["id"].as_i64().unwrap();
    let (status, user) = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin.token,
            json!({ "disabled": true }),
        )
        .await;
    assert_eq!(
        (status, user["disabled"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    assert_eq!(
        app.get("/api/v1/me", &agent.token).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = app.login(&agent.email, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error_message(&body, "unauthorized").contains("disabled"));
}

#[tokio::test]
async fn an_api_key_is_shown_once_works_and_stops_when_revoked() {
    let app = spawn_app().await;
    let admin = app.member("Acme", Role::Admin).await;
    let (status, created) = app
        .post(
            "/api/v1/api-keys",
            &admin.token,
            json!({ "name": "zapier" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("odk_"));
    let (_, listed) = app.get("/api/v1/api-keys", &admin.token).await;
    assert!(
        !listed.to_string().contains(&key[12..]),
        "the secret is never listed"
    );
    assert_eq!(listed[0]["prefix"], key[..12]);

    let (status, me) = app.get("/api/v1/me", &key).await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("manager"))
    );
    assert_eq!(
        app.post("/api/v1/campaigns", &key, json!({ "name": "By key" }))
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.get("/api/v1/users", &key).await.0,
        StatusCode::FORBIDDEN,
        "a manager key cannot manage users"
    );

    let id = created["api_key"]["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{id}"), &admin.token)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/me", &key).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app
        .post(
            "/api/v1/api-keys",
            &admin.token,
            json!({ "name": "root", "role": "owner" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
