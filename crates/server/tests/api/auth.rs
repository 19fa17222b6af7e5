use crate::helpers::*;
use outdial_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn a_user_logs_in_and_sees_who_they_are() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    let (status, me) = app.get("/api/v1/me", &m.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["email"], m.email);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["tenant"]["name"], "Acme");
    assert!(
        me["user"].get("password_hash").is_none(),
        "the hash never leaves the server"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    let (s1, b1) = app.login(&m.email, "wrong password!").await;
    let (s2, b2) = app.login("nobody@acme.test", "wrong password!").await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(b1, b2);
}

#[tokio::test]
async fn failed_logins_are_limited_and_the_limit_lifts_after_the_window() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    for _ in 0..5 {
        assert_eq!(
            app.login(&m.email, "guess guess guess").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let response = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({ "email": m.email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "900");
    app.clock.advance(901_000);
    assert_eq!(app.login(&m.email, PASSWORD).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_session_ends_when_it_expires_or_the_user_logs_out() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    let (_, second) = app.login(&m.email, PASSWORD).await;
    let second = second["token"].as_str().unwrap().to_string();
    let (status, _) = app.post("/api/v1/auth/logout", &m.token, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", &m.token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/me", &second).await.0,
        StatusCode::OK,
        "other sessions go on"
    );
    app.clock.advance(168 * 3_600_000);
    assert_eq!(
        app.get("/api/v1/me", &second).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn requests_without_valid_credentials_are_refused_with_advice() {
    let app = spawn_app().await;
    let none = read(
        app.request(Method::GET, "/api/v1/campaigns", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(none.0, StatusCode::UNAUTHORIZED);
    assert!(error_message(&none.1, "unauthorized").contains("Authorization: Bearer"));
    for header in [
        "Basic dXNlcjpwYXNz",
        "Bearer ods_forged",
        "Bearer odk_forged",
        "Bearer something",
    ] {
        let r = read(
            app.request(Method::GET, "/api/v1/campaigns", None)
                .header("authorization", header)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED, "{header}");
    }
}

#[tokio::test]
async fn sign_up_is_closed_by_default() {
    let app = spawn_app().await;
    let body = json!({ "organisation": "New Co", "name": "Nia", "email": "nia@new.test", "password": PASSWORD });
    let r = read(
        app.request(Method::POST, "/api/v1/auth/signup", None)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.0, StatusCode::FORBIDDEN);
    assert!(error_message(&r.1, "forbidden").contains("sign-up is closed"));
}

#[tokio::test]
async fn open_sign_up_creates_a_tenant_with_its_owner() {
    let app = spawn_with(|c| c.with("auth.open_signup", true).unwrap()).await;
    let body = json!({ "organisation": "New Co", "name": "Nia", "email": "Nia@New.test", "password": PASSWORD });
    let (status, session) = read(
        app.request(Method::POST, "/api/v1/auth/signup", None)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(session["user"]["role"], "owner");
    assert_eq!(session["user"]["email"], "nia@new.test");
    let again = read(
        app.request(Method::POST, "/api/v1/auth/signup", None)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(again.0, StatusCode::CONFLICT);
    let weak =
        json!({ "organisation": "X", "name": "Y", "email": "y@x.test", "password": "short" });
    let r = read(
        app.request(Method::POST, "/api/v1/auth/signup", None)
            .json(&weak)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn changing_the_password_ends_every_old_session() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let (status, _) = app
        .put(
            "/api/v1/me/password",
            &m.token,
            json!({ "current_password": "not it at all", "new_password": "a brand new secret" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, session) = app
        .put(
            "/api/v1/me/password",
            &m.token,
            json!({ "current_password": PASSWORD, "new_password": "a brand new secret" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/me", &m.token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/me", session["token"].as_str().unwrap())
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.login(&m.email, "a brand new secret").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_user_chooses_the_web_apps_language_and_keeps_it_on_every_login() {
    let app = spawn_app().await;
    let m = app.member("Studio", Role::Agent).await;
    let (_, me) = app.get("/api/v1/me", &m.token).await;
    assert_eq!(
        me["user"]["locale"],
        Value::Null,
        "the browser's language until chosen"
    );
    let (status, user) = app
        .put("/api/v1/me/locale", &m.token, json!({ "locale": "de" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["locale"], "de");
    // Signing in again (another device) brings the choice along.
    let (_, session) = app.login(&m.email, PASSWORD).await;
    assert_eq!(session["user"]["locale"], "de", "{session}");
    // A language Outdial does not speak is refused and changes nothing.
    let (status, body) = app
        .put("/api/v1/me/locale", &m.token, json!({ "locale": "fr" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "locale");
    assert_eq!(
        app.get("/api/v1/me", &m.token).await.1["user"]["locale"],
        "de"
    );
    // Back to the browser's.
    let (_, user) = app
        .put("/api/v1/me/locale", &m.token, json!({ "locale": null }))
        .await;
    assert_eq!(user["locale"], Value::Null);
    // An API key has no language.
    let admin = app.member("Keys", Role::Admin).await;
    let (_, key) = app
        .post(
            "/api/v1/api-keys",
            &admin.token,
            json!({ "name": "zap", "role": "manager" }),
        )
        .await;
    let (status, _) = app
        .put(
            "/api/v1/me/locale",
            key["key"].as_str().unwrap(),
            json!({ "locale": "de" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn guesses_sent_at_once_to_two_instances_never_pass_the_limit() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    // On PostgreSQL, a second instance shares the database and takes half the guesses (SQLite
    // has one instance per file: there the guesses all go to the one).
    let second_base = if app.store.backend() == outdial_storage::Backend::Postgres {
        let second = build(&app.db_url, app.clock.clone(), |c| c).await.unwrap();
        let base = format!("http://127.0.0.1:{}", second.port());
        tokio::spawn(second.run_until_stopped(std::future::pending()));
        base
    } else {
        app.base.clone()
    };

    let mut guesses = Vec::new();
    for i in 0..99 {
        let base = if i % 2 == 0 {
            app.base.clone()
        } else {
            second_base.clone()
        };
        let (client, email) = (app.client.clone(), m.email.clone());
        guesses.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({ "email": email, "password": "wrong guess, again" }))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut checked = 0;
    for g in guesses {
        match g.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("a guess was answered {other}"),
        }
    }
    assert_eq!(
        checked, 5,
        "exactly the limit of guesses was checked, the rest refused unchecked"
    );
    let (status, _) = app.login(&m.email, PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password after 99 guesses is refused too"
    );
}

#[tokio::test]
async fn a_login_that_succeeds_does_not_use_up_the_limit() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    for _ in 0..8 {
        assert_eq!(app.login(&m.email, PASSWORD).await.0, StatusCode::OK);
    }
    for _ in 0..4 {
        assert_eq!(
            app.login(&m.email, "wrong guess, again").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login(&m.email, PASSWORD).await.0,
        StatusCode::OK,
        "four failures leave one try"
    );
}

#[tokio::test]
async fn api_keys_expire_and_stop_with_their_disabled_creator() {
    let app = spawn_app().await;
    let owner = app.member("Acme", Role::Owner).await;
    let admin = app.colleague(&owner, Role::Admin).await;
    let (status, created) = app
        .post(
            "/api/v1/api-keys",
            &admin.token,
            json!({ "name": "week", "expires_in_days": 7 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["api_key"]["expires_at"], START + 7 * 86_400_000);
    let key = created["key"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/me", &key).await.0, StatusCode::OK);

    let (_, me) = app.get("/api/v1/me", &admin.token).await;
    let id = me["user"]["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/v1/users/{id}"),
        &owner.token,
        json!({ "disabled": true }),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/me", &key).await.0,
        StatusCode::UNAUTHORIZED,
        "its creator is disabled"
    );
    app.patch(
        &format!("/api/v1/users/{id}"),
        &owner.token,
        json!({ "disabled": false }),
    )
    .await;
    assert_eq!(app.get("/api/v1/me", &key).await.0, StatusCode::OK);
    let (status, body) = app
        .post(
            "/api/v1/api-keys",
            &owner.token,
            json!({ "name": "never", "expires_in_days": 0 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    app.clock.advance(7 * 86_400_000);
    assert_eq!(
        app.get("/api/v1/me", &key).await.0,
        StatusCode::UNAUTHORIZED,
        "it expired"
    );
}
