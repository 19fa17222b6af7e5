use crate::helpers::*;
use outdial_domain::Role;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn health_readiness_metrics_and_docs_answer() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    app.get("/api/v1/campaigns", &m.token).await;
    for path in ["/healthz", "/readyz"] {
        assert_eq!(
            app.request(Method::GET, path, None)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let metrics = app
        .request(Method::GET, "/metrics", None)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("outdial_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/api/v1/campaigns\""));
    let (status, doc) = read(
        app.request(Method::GET, "/api/v1/openapi.json", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/auth/login",
        "/api/v1/campaigns/{id}",
        "/api/v1/campaigns/{id}/imports",
        "/api/v1/dnc",
        "/api/v1/leads",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(
        doc["components"]["schemas"]
            .get("CampaignSettings")
            .is_some()
    );
    let page = app
        .request(Method::GET, "/api/v1/docs/", None)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text().await.unwrap().contains("swagger"),
        "the docs page is served from the binary"
    );
}

#[tokio::test]
async fn errors_have_one_shape_and_say_what_to_fix() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Admin).await;
    let (status, body) = app.get("/api/v1/nowhere", &m.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    error_message(&body, "not_found");
    let (status, body) = app.get("/api/v1/campaigns/abc", &m.token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    error_message(&body, "bad_request");
    let r = app
        .request(Method::POST, "/api/v1/campaigns", Some(&m.token))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = read(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    error_message(&body, "bad_request");
    let r = app
        .request(Method::POST, "/api/v1/campaigns", Some(&m.token))
        .body("name=x")
        .send()
        .await
        .unwrap();
    let (status, body) = read(r).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error_message(&body, "unsupported_media_type").contains("application/json"));
}
