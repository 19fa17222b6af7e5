//! The Google client against fake Google servers on loopback: a token endpoint that checks the
//! signed assertion with the account's public key, and a Dialogflow CX endpoint that checks the
//! bearer token and answers `detectIntent` as Google does.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use outdial_google::dialogflow::{self, AgentName, Input, Query};
use outdial_google::{GoogleError, ServiceAccount, Tokens};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PRIVATE: &str = include_str!("keys/test-service-account.pem");
const PUBLIC: &str = include_str!("keys/test-service-account.pub.pem");
/// 2027-01-15: the tests' "now", epoch seconds.
const NOW: i64 = 1_800_000_000;

#[derive(Default)]
struct Seen {
    exchanges: usize,
    bodies: Vec<Value>,
    paths: Vec<String>,
}

type Shared = Arc<Mutex<Seen>>;

async fn token(
    State(seen): State<Shared>,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    if form.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "unsupported_grant_type" })),
        );
    }
    let assertion = form.get("assertion").cloned().unwrap_or_default();
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
    let mut check = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    // The tests' clock is not the machine's: the lifetime is checked below instead.
    check.validate_exp = false;
    check.required_spec_claims.clear();
    check.set_audience(&[form.get("aud").cloned().unwrap_or_else(|| "".into())]);
    check.validate_aud = false;
    let claims = match jsonwebtoken::decode::<Value>(&assertion, &key, &check) {
        Ok(d) => d.claims,
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(
                    json!({ "error": "invalid_grant", "error_description": "Invalid JWT Signature." }),
                ),
            );
        }
    };
    let good = claims["iss"] == "outdial@test-project.iam.gserviceaccount.com"
        && claims["scope"] == dialogflow::SCOPE
        && claims["aud"]
            .as_str()
            .is_some_and(|a| a.ends_with("/token"))
        && claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() == 3600;
    if !good {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                json!({ "error": "invalid_grant", "error_description": format!("bad claims {claims}") }),
            ),
        );
    }
    let mut s = seen.lock().unwrap();
    s.exchanges += 1;
    (
        StatusCode::OK,
        Json(
            json!({ "access_token": format!("ya29.token-{}", s.exchanges), "expires_in": 3599, "token_type": "Bearer" }),
        ),
    )
}

async fn detect(
    State(seen): State<Shared>,
    Path(rest): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !auth.starts_with("Bearer ya29.token-") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({ "error": { "code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED" } }),
            ),
        );
    }
    if rest.contains("/agents/missing/") {
        return (
            StatusCode::NOT_FOUND,
            Json(
                json!({ "error": { "code": 404, "message": "com.google.apps.framework.request.NotFoundException: Agent 'missing' does not exist.", "status": "NOT_FOUND" } }),
            ),
        );
    }
    if rest.contains("/agents/slow/") {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    {
        let mut s = seen.lock().unwrap();
        s.paths.push(rest.clone());
        s.bodies.push(body.clone());
    }
    let text = body
        .pointer("/queryInput/text/text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let answer = if text.contains("Donnerstag") {
        json!({ "queryResult": {
            "text": text, "languageCode": "de",
            "parameters": { "when": "Donnerstag um 15 Uhr", "service": "Beratung" },
            "match": { "intent": { "name": "projects/test-project/locations/europe-west3/agents/a1/intents/123", "displayName": "BookAppointment" }, "confidence": 0.87, "matchType": "INTENT" },
            "responseMessages": [ { "text": { "text": ["Einen Moment, ich schaue nach."] } } ],
            "currentPage": { "displayName": "Termin" }
        }})
    } else if text.contains("tschüss") {
        json!({ "queryResult": {
            "text": text,
            "match": { "intent": { "displayName": "Goodbye" }, "confidence": 0.9, "matchType": "INTENT" },
            "responseMessages": [ { "text": { "text": ["Auf Wiederhören!"] } }, { "endInteraction": {} } ],
            "currentPage": { "displayName": "End Session" }
        }})
    } else {
        json!({ "queryResult": {
            "match": { "matchType": "EVENT", "event": "welcome" },
            "responseMessages": [ { "text": { "text": ["Guten Tag!", " "] } } ]
        }})
    };
    (StatusCode::OK, Json(answer))
}

async fn google() -> (String, Shared) {
    let seen = Shared::default();
    let app = Router::new()
        .route("/token", post(token))
        .route("/v3/{*rest}", post(detect))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

fn key_file(token_uri: &str) -> String {
    json!({
        "type": "service_account",
        "project_id": "test-project",
        "private_key_id": "k1",
        "private_key": PRIVATE,
        "client_email": "outdial@test-project.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    })
    .to_string()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap()
}

#[test]
fn a_key_file_is_checked_and_its_key_never_shown() {
    let account = ServiceAccount::parse(&key_file("https://oauth2.googleapis.com/token")).unwrap();
    assert_eq!(
        account.client_email,
        "outdial@test-project.iam.gserviceaccount.com"
    );
    assert_eq!(account.project_id, "test-project");
    let shown = format!("{account:?}");
    assert!(!shown.contains("PRIVATE KEY") && shown.contains("[hidden]"));

    let err = |text: &str| ServiceAccount::parse(text).unwrap_err().to_string();
    assert!(err("not json").contains("paste the whole JSON key file"));
    let mut v: Value = serde_json::from_str(&key_file("x")).unwrap();
    v["type"] = json!("authorized_user");
    assert!(err(&v.to_string()).contains("is not \"service_account\""));
    v["type"] = json!("service_account");
    v["private_key"] = json!("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    let e = err(&v.to_string());
    assert!(
        e.contains("not an RSA private key") && !e.contains("not a key"),
        "{e}"
    );
    v.as_object_mut().unwrap().remove("client_email");
    assert!(err(&v.to_string()).contains("no \"client_email\""));
    // Without a token endpoint, Google's.
    let mut v: Value = serde_json::from_str(&key_file("x")).unwrap();
    v.as_object_mut().unwrap().remove("token_uri");
    let account = ServiceAccount::parse(&v.to_string()).unwrap();
    assert_eq!(account.token_uri, "https://oauth2.googleapis.com/token");
}

#[tokio::test]
async fn a_token_is_got_with_a_signed_assertion_and_kept_until_it_lapses() {
    let (base, seen) = google().await;
    let account = ServiceAccount::parse(&key_file(&format!("{base}/token"))).unwrap();
    let tokens = Tokens::new();
    let http = http();
    let first = tokens
        .get(&http, &account, dialogflow::SCOPE, NOW)
        .await
        .unwrap();
    assert_eq!(first, "ya29.token-1");
    // Kept: no second exchange within its life.
    let again = tokens
        .get(&http, &account, dialogflow::SCOPE, NOW + 3000)
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(seen.lock().unwrap().exchanges, 1);
    // A minute before it lapses, a new one.
    let later = tokens
        .get(&http, &account, dialogflow::SCOPE, NOW + 3540)
        .await
        .unwrap();
    assert_eq!(later, "ya29.token-2");
    // Forgotten (a key replaced): got anew.
    tokens.forget(&account);
    let fresh = tokens
        .get(&http, &account, dialogflow::SCOPE, NOW + 3541)
        .await
        .unwrap();
    assert_eq!(fresh, "ya29.token-3");
}

#[tokio::test]
async fn a_refused_account_says_why_and_never_shows_the_key() {
    let (base, _) = google().await;
    // Another scope: the fake refuses it, as Google refuses a scope the account lacks.
    let account = ServiceAccount::parse(&key_file(&format!("{base}/token"))).unwrap();
    let e = Tokens::new()
        .get(
            &http(),
            &account,
            "https://www.googleapis.com/auth/other",
            NOW,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, GoogleError::TokenRefused { status: 400, .. }),
        "{e:?}"
    );
    assert!(!e.to_string().contains("PRIVATE"));
    // Nobody there.
    let gone = ServiceAccount::parse(&key_file("http://127.0.0.1:9/token")).unwrap();
    let e = Tokens::new()
        .get(&http(), &gone, dialogflow::SCOPE, NOW)
        .await
        .unwrap_err();
    assert!(matches!(e, GoogleError::Unreachable(_)), "{e:?}");
}

fn query(input: Input<'_>) -> Query<'_> {
    Query {
        input,
        language: "de",
        time_zone: Some("Europe/Berlin"),
        parameters: serde_json::Map::new(),
    }
}

#[tokio::test]
async fn detect_intent_sends_the_turn_and_reads_the_match() {
    let (base, seen) = google().await;
    let account = ServiceAccount::parse(&key_file(&format!("{base}/token"))).unwrap();
    let http = http();
    let token = Tokens::new()
        .get(&http, &account, dialogflow::SCOPE, NOW)
        .await
        .unwrap();
    let agent = AgentName::parse("projects/test-project/locations/europe-west3/agents/a1").unwrap();
    assert_eq!(
        agent.endpoint(),
        "https://europe-west3-dialogflow.googleapis.com"
    );

    let start = dialogflow::detect_intent(
        &http,
        &base,
        &token,
        &agent,
        "call-7",
        &query(Input::Event("welcome")),
    )
    .await
    .unwrap();
    assert_eq!(start.texts, vec!["Guten Tag!"]);
    assert_eq!(start.intent, None);
    assert_eq!(start.match_type.as_deref(), Some("EVENT"));

    let mut q = query(Input::Text("Donnerstag um 15 Uhr"));
    q.parameters
        .insert("offered_slot".into(), json!("nothing yet"));
    let answer = dialogflow::detect_intent(&http, &base, &token, &agent, "call-7", &q)
        .await
        .unwrap();
    assert_eq!(answer.intent.as_deref(), Some("BookAppointment"));
    assert_eq!(answer.confidence, Some(0.87));
    assert_eq!(answer.parameters["when"], "Donnerstag um 15 Uhr");
    assert_eq!(answer.texts, vec!["Einen Moment, ich schaue nach."]);
    assert!(!answer.ends);
    assert_eq!(answer.page.as_deref(), Some("Termin"));

    let bye = dialogflow::detect_intent(
        &http,
        &base,
        &token,
        &agent,
        "call-7",
        &query(Input::Text("tschüss")),
    )
    .await
    .unwrap();
    assert!(bye.ends);

    let s = seen.lock().unwrap();
    assert_eq!(
        s.paths[0],
        "projects/test-project/locations/europe-west3/agents/a1/sessions/call-7:detectIntent"
    );
    assert_eq!(
        s.bodies[0],
        json!({ "queryInput": { "event": { "event": "welcome" }, "languageCode": "de" }, "queryParams": { "timeZone": "Europe/Berlin" } })
    );
    assert_eq!(
        s.bodies[1]["queryInput"]["text"]["text"],
        "Donnerstag um 15 Uhr"
    );
    assert_eq!(
        s.bodies[1]["queryParams"]["parameters"]["offered_slot"],
        "nothing yet"
    );
}

#[tokio::test]
async fn detect_intent_failures_say_what_to_do() {
    let (base, _) = google().await;
    let http = http();
    let a1 = AgentName::parse("projects/p/locations/global/agents/a1").unwrap();
    assert_eq!(a1.endpoint(), "https://dialogflow.googleapis.com");
    let q = query(Input::Keys("1"));
    // A token the API does not take.
    let e = dialogflow::detect_intent(&http, &base, "expired", &a1, "s", &q)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Dialogflow API Client role"), "{e}");
    assert!(
        e.to_string().contains("invalid authentication credentials"),
        "{e}"
    );
    let missing = AgentName::parse("projects/p/locations/global/agents/missing").unwrap();
    let e = dialogflow::detect_intent(&http, &base, "ya29.token-1", &missing, "s", &q)
        .await
        .unwrap_err();
    assert!(
        matches!(e, GoogleError::NotFound(ref m) if m.contains("does not exist")),
        "{e:?}"
    );
    // Slower than the client waits.
    let slow = AgentName::parse("projects/p/locations/global/agents/slow").unwrap();
    let e = dialogflow::detect_intent(&http, &base, "ya29.token-1", &slow, "s", &q)
        .await
        .unwrap_err();
    assert_eq!(e, GoogleError::Timeout);
    // Names that are not an agent's.
    for bad in [
        "projects/p/agents/a",
        "projects/p/locations/l/agents/a/b",
        "projects/p q/locations/l/agents/a",
    ] {
        assert!(
            AgentName::parse(bad)
                .unwrap_err()
                .contains("is not an agent's name")
        );
    }
    assert_eq!(dialogflow::session_id("call 7/../x"), "call7x");
}
