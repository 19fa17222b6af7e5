use crate::helpers::*;
use outdial_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

/// Every kind of record of tenant A answers tenant B exactly as a record that does not exist.
#[tokio::test]
async fn another_tenants_records_answer_exactly_like_missing_ones() {
    let app = spawn_app().await;
    let a = app.member("Alpha", Role::Owner).await;
    let b = app.member("Beta", Role::Owner).await;
    let campaign = app.campaign(&a.token, "Alpha only").await;
    let (_, import) = app
        .import_csv(&a.token, campaign, "phone\n8134893222\n")
        .await;
    let import_id = import["import_id"].as_i64().unwrap();
    let (_, page) = app
        .get(&format!("/api/v1/leads?campaign_id={campaign}"), &a.token)
        .await;
    let lead = page["items"][0]["id"].as_i64().unwrap();
    let (_, me) = app.get("/api/v1/me", &a.token).await;
    let user = me["user"]["id"].as_i64().unwrap();
    let (_, key) = app
        .post("/api/v1/api-keys", &a.token, json!({ "name": "k" }))
        .await;
    let key_id = key["api_key"]["id"].as_i64().unwrap();
    app.post("/api/v1/dnc", &a.token, json!({ "phone": "8134893299" }))
        .await;

    let pairs = [
        (
            format!("/api/v1/campaigns/{campaign}"),
            "/api/v1/campaigns/999999".to_string(),
        ),
        (
            format!("/api/v1/leads/{lead}"),
            "/api/v1/leads/999999".into(),
        ),
        (
            format!("/api/v1/imports/{import_id}"),
            "/api/v1/imports/999999".into(),
        ),
        (
            format!("/api/v1/imports/{import_id}/rejections.csv"),
            "/api/v1/imports/999999/rejections.csv".into(),
        ),
        (
            format!("/api/v1/users/{user}"),
            "/api/v1/users/999999".into(),
        ),
    ];
    for (theirs, missing) in pairs {
        let foreign = app.get(&theirs, &b.token).await;
        let absent = app.get(&missing, &b.token).await;
        assert_eq!(foreign.0, StatusCode::NOT_FOUND, "{theirs}");
        assert_eq!(foreign, absent, "{theirs} must look missing");
    }
    assert_eq!(
        app.patch(
            &format!("/api/v1/campaigns/{campaign}"),
            &b.token,
            json!({ "name": "x" })
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/api/v1/leads/{lead}"), &b.token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/api/v1/api-keys/{key_id}"), &b.token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.import_csv(&b.token, campaign, "phone\n8134893223\n")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            &b.token,
            json!({ "phone": "8134893224" })
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, listed) = app.get("/api/v1/leads", &b.token).await;
    assert_eq!(listed["total"], 0);
    let (_, campaigns) = app.get("/api/v1/campaigns", &b.token).await;
    assert_eq!(campaigns, json!([]));
    let (_, dnc) = app.get("/api/v1/dnc/8134893299", &b.token).await;
    assert_eq!(dnc["listed"], false);
    let (_, imports) = app.get("/api/v1/imports", &b.token).await;
    assert_eq!(imports, json!([]));
}
