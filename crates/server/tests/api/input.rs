//! Bad input at the boundary: the same clear 4xx on both databases, and nothing changed.

use crate::helpers::*;
use outdial_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn fields(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|p| p["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_nul_anywhere_is_a_422_naming_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.member("Acme", Role::Owner).await;
    let c = app.campaign(&owner.token, "Spring").await;
    app.import_csv(&owner.token, c, "first_name,phone\nAda,8134893222\n")
        .await;
    let (_, leads) = app
        .get(&format!("/api/v1/leads?campaign_id={c}"), &owner.token)
        .await;
    let lead = leads["items"][0]["id"].as_i64().unwrap();
    let (_, me) = app.get("/api/v1/me", &owner.token).await;
    let user = me["user"]["id"].as_i64().unwrap();

    // Logging in with no account at all.
    let (status, body) = app.login("x\u{0}@y.z", "p").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["email"]);
    assert!(error_message(&body, "validation_failed").contains("U+0000"));

    for (method, path, body, field) in [
        (
            Method::PATCH,
            format!("/api/v1/campaigns/{c}"),
            json!({ "name": "a\u{0}b" }),
            "name",
        ),
        (
            Method::PATCH,
            format!("/api/v1/campaigns/{c}"),
            json!({ "settings": { "script": { "message": "Hi\u{0}" } } }),
            "settings.script.message",
        ),
        (
            Method::PATCH,
            format!("/api/v1/leads/{lead}"),
            json!({ "notes": "x\u{0}" }),
            "notes",
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{user}"),
            json!({ "name": "\u{0}" }),
            "name",
        ),
        (
            Method::PATCH,
            "/api/v1/tenant".to_string(),
            json!({ "name": "T\u{0}" }),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/agent-groups".to_string(),
            json!({ "name": "G\u{0}" }),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/campaigns".to_string(),
            json!({ "name": "ok", "settings": { "caller_ids": ["+1813\u{0}"] } }),
            "settings.caller_ids[0]",
        ),
    ] {
        let (status, answer) = app
            .call(method.clone(), &path, &owner.token, Some(body))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path}: {answer}"
        );
        assert_eq!(fields(&answer), [field], "{method} {path}: {answer}");
    }
    for path in [
        "/api/v1/leads?q=%00",
        "/api/v1/dnc?q=a%00b",
        "/api/v1/dnc/%00",
    ] {
        let (status, answer) = app.get(path, &owner.token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {answer}");
    }
    let (_, campaign) = app
        .get(&format!("/api/v1/campaigns/{c}"), &owner.token)
        .await;
    assert_eq!(campaign["name"], "Spring", "nothing changed");
    let (_, groups) = app.get("/api/v1/agent-groups", &owner.token).await;
    assert_eq!(groups, json!([]));
}

#[tokio::test]
async fn every_wrong_field_is_named_at_once_in_words() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    let (status, body) = app
        .post(
            "/api/v1/campaigns",
            &m.token,
            json!({ "name": 7, "type": "cold", "settings": { "max_concurrent_calls": "three", "pacing": { "mode": "warp" }, "recording": "yes" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let named = fields(&body);
    for f in [
        "name",
        "type",
        "settings.max_concurrent_calls",
        "settings.recording",
    ] {
        assert!(named.iter().any(|n| n == f), "{f} is named: {body}");
    }
    assert!(
        named.iter().any(|n| n.starts_with("settings.pacing")),
        "{body}"
    );
    let text = body.to_string();
    assert!(
        !text.contains("line 1") && !text.contains("column"),
        "no parser positions: {text}"
    );
    assert!(text.contains("must be a whole number"), "{text}");

    let (status, body) = app
        .post(
            "/api/v1/campaigns",
            &m.token,
            json!({ "name": "List", "settings": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["settings"]);
    let (status, body) = app
        .request(Method::POST, "/api/v1/campaigns", Some(&m.token))
        .header("content-type", "application/json")
        .body("{\"name\": \"x\",")
        .send()
        .await
        .map(|r| r.status())
        .map(|s| (s, ()))
        .unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
    let (_, listed) = app.get("/api/v1/campaigns", &m.token).await;
    assert_eq!(listed, json!([]), "nothing was created");
}

#[tokio::test]
async fn a_do_not_call_file_that_is_not_text_is_refused_like_a_lead_list() {
    let app = spawn_app().await;
    let m = app.member("Acme", Role::Manager).await;
    for (what, bytes) in [
        ("a PDF", b"%PDF-1.4\n8134893222\n".to_vec()),
        ("binary junk", (0u8..=255).cycle().take(2048).collect()),
    ] {
        let r = app
            .request(Method::POST, "/api/v1/dnc/import", Some(&m.token))
            .header("content-type", "text/csv")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{what}");
    }
    let (_, listed) = app.get("/api/v1/dnc", &m.token).await;
    assert_eq!(listed["total"], 0, "nothing was listed: {listed}");
}

#[tokio::test]
async fn the_api_description_declares_query_filters_and_every_route() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: path parameter {name} is not in the path"
                    );
                }
            }
        }
    }
    let leads = &paths["/api/v1/leads"]["get"]["parameters"];
    for p in leads.as_array().unwrap() {
        assert_eq!(p["in"], "query", "{p}");
        assert_ne!(p["required"], true, "{p}");
    }
    let schema_of = |path: &str, method: &str| {
        paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        schema_of("/api/v1/campaigns/{id}/status", "put"),
        "#/components/schemas/CampaignStatusChange"
    );
    assert_eq!(
        schema_of("/api/v1/agents/me/status", "put"),
        "#/components/schemas/AgentStatusChange"
    );
    assert_eq!(
        schema_of("/api/v1/calls/{id}/disposition", "post"),
        "#/components/schemas/DispositionRecord"
    );
    assert_eq!(
        doc["components"]["schemas"]["DispositionRecord"]["type"],
        "object"
    );

    // Every route the server answers is described (the web application's own are its files and
    // sign-in, described in docs/ui.md).
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut routes = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.to_string_lossy().contains("/ui/")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split(".route(").skip(1) {
                    let part = part.trim_start();
                    if let Some(rest) = part.strip_prefix('"') {
                        routes.push(rest.split('"').next().unwrap().to_string());
                    }
                }
            }
        }
    }
    assert!(routes.len() > 50, "{routes:?}");
    let missing: Vec<_> = routes
        .iter()
        .filter(|r| !paths.contains_key(r.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the API description: {missing:?}"
    );
}
