use crate::helpers::*;
use outdial_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn leads_are_listed_with_filters_search_and_pages() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "List").await;
    let mut csv = String::from("first_name,last_name,phone,do_not_call\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "Person{i},Family,81348932{i:02},{}\n",
            i % 10 == 0
        ));
    }
    app.import_csv(&m.token, c, &csv).await;
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/leads?campaign_id={c}&limit=12");
    loop {
        let (status, page) = app.get(&path, &m.token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["total"], 30);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_i64() {
            Some(cursor) => {
                path = format!("/api/v1/leads?campaign_id={c}&limit=12&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 30);
    let (_, flagged) = app.get("/api/v1/leads?do_not_call=true", &m.token).await;
    assert_eq!(flagged["total"], 3);
    let (_, found) = app.get("/api/v1/leads?q=person17", &m.token).await;
    assert_eq!(found["items"][0]["first_name"], "Person17");
    let (_, by_phone) = app.get("/api/v1/leads?q=489-3217", &m.token).await;
    assert_eq!(by_phone["total"], 1);
    let (_, by_status) = app.get("/api/v1/leads?status=new", &m.token).await;
    assert_eq!(by_status["total"], 30);
    assert_eq!(
        app.get("/api/v1/leads?limit=0", &m.token).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/api/v1/leads?status=sleepy", &m.token).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_lead_added_by_hand_is_checked_like_an_imported_row() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "Manual").await;
    let path = format!("/api/v1/campaigns/{c}/leads");
    let (status, lead) = app.post(&path, &m.token, json!({ "phone": "(813) 489-3222", "first_name": "Ann", "priority": "urgent", "custom_fields": { "Source": "walk-in" } })).await;
    assert_eq!(status, StatusCode::CREATED, "{lead}");
    assert_eq!(lead["phone"], "+18134893222");
    assert_eq!(lead["priority"], "urgent");
    assert_eq!(lead["custom_fields"]["Source"], "walk-in");
    let (status, body) = app
        .post(&path, &m.token, json!({ "phone": "813.489.3222" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "second: {body}");
    let (status, body) = app
        .post(&path, &m.token, json!({ "phone": "911-555-1234" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body, "validation_failed").contains("N11"));
    let (status, de) = app
        .post(
            &path,
            &m.token,
            json!({ "phone": "030 1234567", "country": "DE" }),
        )
        .await;
    assert_eq!(
        (status, de["phone"].as_str()),
        (StatusCode::CREATED, Some("+49301234567"))
    );
}

#[tokio::test]
async fn a_lead_is_changed_within_the_lead_rules() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let c = app.campaign(&m.token, "Edit").await;
    let (_, lead) = app
        .post(
            &format!("/api/v1/campaigns/{c}/leads"),
            &m.token,
            json!({ "phone": "8134893222" }),
        )
        .await;
    let path = format!("/api/v1/leads/{}", lead["id"]);
    let (status, changed) = app.patch(&path, &m.token, json!({ "first_name": "Bea", "notes": "prefers mornings", "timezone": "America/Chicago", "status": "completed" })).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["first_name"].as_str(), changed["status"].as_str()),
        (Some("Bea"), Some("completed"))
    );
    let (status, body) = app
        .patch(&path, &m.token, json!({ "status": "dialing" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error_message(&body, "conflict").contains("by hand"));
    assert_eq!(
        app.patch(&path, &m.token, json!({ "status": "new" }))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.patch(&path, &m.token, json!({ "timezone": "Moon/Base" }))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.patch(&path, &m.token, json!({ "phone": "12" })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.patch(&path, &m.token, json!({ "colour": "red" }))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.delete(&path, &m.token).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &m.token).await.0, StatusCode::NOT_FOUND);
}
