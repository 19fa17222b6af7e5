use crate::helpers::*;
use outdial_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_number_added_by_any_role_marks_every_matching_lead_at_once() {
    let app = spawn_app().await;
    let owner = app.member("Acme", Role::Owner).await;
    let agent = app.colleague(&owner, Role::Agent).await;
    let c1 = app.campaign(&owner.token, "One").await;
    let c2 = app.campaign(&owner.token, "Two").await;
    for c in [c1, c2] {
        app.import_csv(&owner.token, c, "phone\n8134893222\n8134893223\n")
            .await;
    }
    let (status, added) = app
        .post(
            "/api/v1/dnc",
            &agent.token,
            json!({ "phone": "(813) 489-3222", "reason": "asked on a call" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["leads_marked"], 2);
    assert_eq!(added["entry"]["created_by"], agent.email);
    let (_, flagged) = app
        .get("/api/v1/leads?do_not_call=true", &owner.token)
        .await;
    assert_eq!(flagged["total"], 2);
    let (status, again) = app
        .post(
            "/api/v1/dnc",
            &agent.token,
            json!({ "phone": "+18134893222" }),
        )
        .await;
    assert_eq!(
        (status, again["newly_listed"].as_bool()),
        (StatusCode::OK, Some(false))
    );

    let lead = flagged["items"][0]["id"].as_i64().unwrap();
    let (status, body) = app
        .patch(
            &format!("/api/v1/leads/{lead}"),
            &owner.token,
            json!({ "do_not_call": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error_message(&body, "conflict").contains("do-not-call list"));
    let (status, _) = app
        .import_csv(&owner.token, c1, "phone\n8134893222\n")
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let c3 = app.campaign(&owner.token, "Three").await;
    let (_, report) = app
        .import_csv(&owner.token, c3, "phone\n8134893222\n")
        .await;
    assert_eq!(
        report["do_not_call"], 1,
        "a listed number imports as do-not-call"
    );
}

#[tokio::test]
async fn the_list_is_checked_searched_removed_and_imported() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let file = "8134893222\n813,4893223\n+49 30 1234567\n\nnot a number\n";
    let r = app
        .request(
            Method::POST,
            "/api/v1/dnc/import?reason=registry",
            Some(&m.token),
        )
        .header("content-type", "text/plain")
        .body(file)
        .send()
        .await
        .unwrap();
    let (status, report) = read(r).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (
            report["added"].as_u64(),
            report["rejected"][0]["line"].as_u64()
        ),
        (Some(3), Some(5))
    );

    let (_, check) = app.get("/api/v1/dnc/%2B18134893223", &m.token).await;
    assert_eq!(
        (check["listed"].as_bool(), check["entry"]["source"].as_str()),
        (Some(true), Some("import"))
    );
    let (_, check) = app.get("/api/v1/dnc/8134893299", &m.token).await;
    assert_eq!(check["listed"], false);
    assert_eq!(
        app.get("/api/v1/dnc/hello", &m.token).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, page) = app.get("/api/v1/dnc?limit=2", &m.token).await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(3), 2)
    );
    let cursor = page["next_cursor"].as_str().unwrap().replace('+', "%2B");
    let (_, rest) = app
        .get(&format!("/api/v1/dnc?limit=2&cursor={cursor}"), &m.token)
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    let (_, found) = app.get("/api/v1/dnc?q=4893222", &m.token).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    assert_eq!(
        app.delete("/api/v1/dnc/8134893222", &m.token).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete("/api/v1/dnc/8134893222", &m.token).await.0,
        StatusCode::NOT_FOUND
    );
}
