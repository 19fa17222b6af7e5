//! Calls a Dialogflow CX agent leads: fake Google servers on loopback play the token endpoint
//! (it checks the signed assertion with the service account's public key) and the agent
//! (`detectIntent`, answering by the person's words as a small agent would), the simulator
//! plays the person. Outdial books what the agent's intents name in its own calendar, opts out,
//! and ends politely when Google fails or is slow; the key file is checked and never shown.

use crate::agent_calls::{call_and_wait, persona, turns_of};
use crate::calls::{fast, only};
use crate::dialer::{dialing, simulator};
use crate::helpers::*;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use outdial_domain::Role;
use outdial_simulator::{PersonaWeights, Simulator};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PRIVATE: &str = include_str!("../../../google/tests/keys/test-service-account.pem");
const PUBLIC: &str = include_str!("../../../google/tests/keys/test-service-account.pub.pem");
const EMAIL: &str = "outdial@test-project.iam.gserviceaccount.com";
const AGENT: &str = "projects/test-project/locations/europe-west3/agents/studio";

#[derive(Clone, Default)]
struct FakeGoogle {
    /// `script` (the default), `broken` or `slow`.
    mode: Arc<Mutex<String>>,
    exchanges: Arc<Mutex<usize>>,
    /// The `detectIntent` requests: the path after `/v3/` and the body.
    seen: Arc<Mutex<Vec<(String, Value)>>>,
}

async fn token(State(g): State<FakeGoogle>, Form(form): Form<HashMap<String, String>>) -> Response {
    let assertion = form.get("assertion").cloned().unwrap_or_default();
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
    let mut check = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    // The test's clock is not the machine's.
    check.validate_exp = false;
    check.validate_aud = false;
    check.required_spec_claims.clear();
    match jsonwebtoken::decode::<Value>(&assertion, &key, &check) {
        Ok(d) if d.claims["iss"] == EMAIL => {
            let mut n = g.exchanges.lock().unwrap();
            *n += 1;
            Json(json!({ "access_token": format!("ya29.fake-{n}"), "expires_in": 3599, "token_type": "Bearer" })).into_response()
        }
        _ => (
            AxStatus::BAD_REQUEST,
            Json(
                json!({ "error": "invalid_grant", "error_description": "Invalid JWT Signature." }),
            ),
        )
            .into_response(),
    }
}

fn answer(intent: Option<&str>, params: Value, texts: &[&str], ends: bool) -> Value {
    let mut messages: Vec<Value> = texts
        .iter()
        .map(|t| json!({ "text": { "text": [t] } }))
        .collect();
    if ends {
        messages.push(json!({ "endInteraction": {} }));
    }
    json!({ "queryResult": {
        "languageCode": "de",
        "parameters": params,
        "match": match intent {
            Some(i) => json!({ "intent": { "displayName": i }, "confidence": 0.9, "matchType": "INTENT" }),
            None => json!({ "matchType": "EVENT" }),
        },
        "responseMessages": messages,
        "currentPage": { "displayName": "Start Page" }
    }})
}

/// The agent: greets on `welcome`, asks when on a yes, names `BookAppointment` for a day and
/// time, `Confirm` (ending) for "passt", `OptOut` for "nicht mehr anrufen".
async fn detect(
    State(g): State<FakeGoogle>,
    Path(rest): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !bearer.starts_with("Bearer ya29.fake-") {
        return (
            AxStatus::UNAUTHORIZED,
            Json(json!({ "error": { "code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED" } })),
        )
            .into_response();
    }
    g.seen.lock().unwrap().push((rest, body.clone()));
    let mode = g.mode.lock().unwrap().clone();
    match mode.as_str() {
        "broken" => {
            return (
                AxStatus::INTERNAL_SERVER_ERROR,
                Json(json!({ "error": { "code": 500, "message": "Internal error encountered.", "status": "INTERNAL" } })),
            )
                .into_response();
        }
        "slow" => tokio::time::sleep(Duration::from_secs(3)).await,
        _ => {}
    }
    let event = body
        .pointer("/queryInput/event/event")
        .and_then(Value::as_str);
    let text = body
        .pointer("/queryInput/text/text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let reply = if event == Some("welcome") {
        answer(
            None,
            json!({}),
            &[
                "Guten Tag! Hier ist das Studio Mitte. Möchten Sie einen Termin für eine kostenlose Beratung vereinbaren?",
            ],
            false,
        )
    } else if text.contains("Donnerstag") {
        answer(
            Some("BookAppointment"),
            json!({ "when": "Donnerstag um 15 Uhr", "service_type": "Beratung" }),
            &[],
            false,
        )
    } else if text.contains("passt") {
        answer(
            Some("Confirm"),
            json!({ "service_type": "Beratung", "notes": "kostenlose Beratung" }),
            &[],
            true,
        )
    } else if text.contains("nicht mehr an") {
        answer(
            Some("OptOut"),
            json!({}),
            &["Verstanden, wir rufen Sie nicht mehr an."],
            false,
        )
    } else {
        answer(
            Some("Interested"),
            json!({}),
            &["Schön! Wann hätten Sie denn Zeit?"],
            false,
        )
    };
    Json(reply).into_response()
}

async fn fake_google() -> (String, FakeGoogle) {
    let fake = FakeGoogle::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/token", post(token))
        .route("/v3/{*rest}", post(detect))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

fn key_file(token_uri: &str) -> Value {
    json!({
        "type": "service_account",
        "project_id": "test-project",
        "private_key_id": "k1",
        "private_key": PRIVATE,
        "client_email": EMAIL,
        "client_id": "1",
        "token_uri": token_uri,
    })
}

/// The app with local addresses allowed, a 1-second turn budget and the fake Google as
/// Dialogflow's address; an owner whose service account is set, and a German campaign a
/// Dialogflow agent leads, with a Berlin calendar; a lead.
async fn setup(
    p: impl FnOnce(&mut PersonaWeights),
) -> (TestApp, Simulator, String, FakeGoogle, i64) {
    let (base, fake) = fake_google().await;
    let mut sim = fast(only("human"), [0, 0, 0]);
    sim.personas = persona(p);
    let simulator = simulator(sim).await;
    let url = simulator.base_url().to_string();
    let endpoint = base.clone();
    let app = spawn_with(move |c| {
        dialing(url)(c)
            .with("conversation.allow_private_networks", true)
            .and_then(|c| c.with("conversation.turn_budget_seconds", 1))
            .and_then(|c| c.with("conversation.dialogflow_endpoint", endpoint))
            .unwrap()
    })
    .await;
    app.clock.advance(crate::dialer::NY_MORNING - START);
    let owner = app.member("Studio", Role::Owner).await;
    let t = owner.token.clone();
    *fake.mode.lock().unwrap() = "script".into();
    // The key file as Google Cloud gives it, pasted as text.
    let (status, set) = app
        .put(
            "/api/v1/settings/dialogflow",
            &t,
            json!({ "service_account": key_file(&format!("{base}/token")).to_string() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let (_, cal) = app
        .post("/api/v1/calendars", &t, json!({ "name": "Studio Mitte", "settings": { "time_zone": "Europe/Berlin", "notice_minutes": 0 } }))
        .await;
    let (status, c) = app
        .post("/api/v1/campaigns", &t, json!({ "name": "Beratung", "type": "sales_outreach", "settings": {
            "caller_ids": ["+18134893200"], "timezone": "Europe/Berlin", "default_country": "DE",
            "calling_window": { "start": "08:00", "end": "21:00", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
            "script": { "language": "de-DE", "voice": "Polly.Vicki" },
            "conversation": { "mode": "dialogflow", "calendar_id": cal["id"], "dialogflow": { "agent": AGENT, "language_code": "de" } },
        }}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let (_, lead) = app
        .post(
            &format!("/api/v1/campaigns/{}/leads", c["id"]),
            &t,
            json!({ "phone": "+4915112345678", "first_name": "Jana", "last_name": "Weber" }),
        )
        .await;
    (app, simulator, t, fake, lead["id"].as_i64().unwrap())
}

fn texts<'a>(call: &'a Value, speaker: &str) -> Vec<&'a str> {
    turns_of(call, speaker)
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_agents_intents_book_in_outdials_calendar() {
    let (app, _sim, t, fake, lead) = setup(|p| p.interested = 1).await;
    let call = call_and_wait(&app, &t, lead).await;
    assert_eq!(call["disposition"], "appointment_booked", "{call}");
    let conversation = &call["conversation"];
    assert_eq!(conversation["mode"], "dialogflow");
    assert_eq!(
        conversation["extracted"]["booked_at"], 1_795_701_600_000_i64,
        "Thursday 26 November, 15:00 in Berlin"
    );
    assert_eq!(conversation["extracted"]["service_type"], "Beratung");
    assert_eq!(
        texts(&call, "person"),
        ["ja gerne", "Donnerstag um 15 Uhr", "ja das passt perfekt"]
    );
    let agent = texts(&call, "agent");
    assert!(
        agent[0].starts_with("Guten Tag! Hier ist das Studio Mitte."),
        "{agent:?}"
    );
    assert!(
        agent.contains(&"Donnerstag, den 26. November um 15 Uhr wäre frei. Passt Ihnen das?"),
        "the agent's BookAppointment with nothing held offers the slot first: {agent:?}"
    );
    assert!(
        agent.iter().any(|a| a
            .starts_with("Ich habe Donnerstag, den 26. November um 15 Uhr für Sie eingetragen.")),
        "{agent:?}"
    );
    let tools = texts(&call, "tool");
    assert!(
        tools.contains(&"check_availability") && tools.contains(&"book_appointment"),
        "{tools:?}"
    );

    // What went to Google: the agent's session of this call, the call's start as `welcome`,
    // the person's words in German with the Berlin time zone, and the slot Outdial held.
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "the start and three answers");
    let session = format!("{AGENT}/sessions/outdial-call-{}:detectIntent", call["id"]);
    assert!(seen.iter().all(|(path, _)| *path == session), "{seen:?}");
    assert_eq!(seen[0].1["queryInput"]["event"]["event"], "welcome");
    assert_eq!(
        seen[2].1["queryInput"]["text"]["text"],
        "Donnerstag um 15 Uhr"
    );
    assert_eq!(seen[2].1["queryInput"]["languageCode"], "de");
    assert_eq!(seen[2].1["queryParams"]["timeZone"], "Europe/Berlin");
    assert!(seen[2].1["queryParams"]["parameters"]["outdial_offered_slot"].is_null());
    assert_eq!(
        seen[3].1["queryParams"]["parameters"]["outdial_offered_slot"],
        "Donnerstag, den 26. November um 15 Uhr"
    );
    // One token for the whole call.
    assert_eq!(*fake.exchanges.lock().unwrap(), 1);

    let (_, list) = app
        .get(
            "/api/v1/appointments?from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z",
            &t,
        )
        .await;
    let items = list
        .as_array()
        .or(list["items"].as_array())
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["lead_id"], lead);
}

#[tokio::test]
async fn an_opt_out_intent_lists_the_number_and_google_failing_ends_politely() {
    let (app, _sim, t, fake, lead) = setup(|p| p.opts_out = 1).await;
    let call = call_and_wait(&app, &t, lead).await;
    assert_eq!(call["disposition"], "opted_out", "{call}");
    let agent = texts(&call, "agent");
    assert!(
        agent.contains(&"Verstanden, wir rufen Sie nicht mehr an."),
        "{agent:?}"
    );
    let (_, dnc) = app.get("/api/v1/dnc/%2B4915112345678", &t).await;
    assert_eq!(
        dnc["listed"], true,
        "on the list before the call ended: {dnc}"
    );

    for (mode, phone) in [("broken", "+4915112345601"), ("slow", "+4915112345602")] {
        *fake.mode.lock().unwrap() = mode.into();
        let (_, fresh) = app
            .post(
                &format!("/api/v1/campaigns/{}/leads", call["campaign_id"]),
                &t,
                json!({ "phone": phone, "first_name": "Uli" }),
            )
            .await;
        let call = call_and_wait(&app, &t, fresh["id"].as_i64().unwrap()).await;
        let agent = texts(&call, "agent");
        assert!(
            agent
                .last()
                .unwrap()
                .starts_with("Entschuldigung, wir haben gerade technische Schwierigkeiten"),
            "{mode}: {agent:?}"
        );
        let failure = turns_of(&call, "tool")
            .into_iter()
            .find(|x| x["text"] == "Dialogflow failed")
            .unwrap_or_else(|| panic!("{mode}: {call}"));
        let why = failure["data"]["error"].as_str().unwrap();
        match mode {
            "broken" => assert!(why.contains("500"), "{why}"),
            // The request's own timeout or the turn's budget, whichever lapses first.
            _ => assert!(
                why.contains("did not answer in time") || why.contains("within 1000 ms"),
                "{why}"
            ),
        }
        assert!(!call.to_string().contains("PRIVATE KEY"));
    }
}

#[tokio::test]
async fn the_key_file_is_checked_never_shown_and_only_an_owner_sets_it() {
    let (app, _sim, t, _fake, _lead) = setup(|p| p.interested = 1).await;
    let (status, shown) = app.get("/api/v1/settings/dialogflow", &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["client_email"], EMAIL);
    assert_eq!(shown["project_id"], "test-project");
    assert!(!shown.to_string().contains("PRIVATE KEY"), "{shown}");

    // Not a key file, a key that cannot sign, another kind of credential: 422, nothing lost.
    let mut not_a_key = key_file("https://oauth2.googleapis.com/token");
    not_a_key["private_key"] =
        json!("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    let mut user = key_file("https://oauth2.googleapis.com/token");
    user["type"] = json!("authorized_user");
    for (bad, says) in [
        (json!("{ not json"), "paste the whole JSON key file"),
        (not_a_key, "not an RSA private key"),
        (user, "service_account"),
        (json!({ "type": "service_account" }), "client_email"),
    ] {
        let (status, body) = app
            .put(
                "/api/v1/settings/dialogflow",
                &t,
                json!({ "service_account": bad }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains(says), "{says}: {body}");
        assert!(body.to_string().contains("service_account"), "{body}");
    }
    let (_, still) = app.get("/api/v1/settings/dialogflow", &t).await;
    assert_eq!(still["client_email"], EMAIL);

    // A campaign led by Dialogflow names its agent.
    let (status, body) = app
        .post(
            "/api/v1/campaigns",
            &t,
            json!({ "name": "Ohne Agent", "settings": {
            "caller_ids": ["+18134893200"], "conversation": { "mode": "dialogflow" } } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("dialogflow.agent"), "{body}");

    let manager = app.member("Elsewhere", Role::Manager).await;
    let (status, _) = app.get("/api/v1/settings/dialogflow", &manager.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another tenant's owner sees none.
    let other = app.member("Other", Role::Owner).await;
    let (status, _) = app.get("/api/v1/settings/dialogflow", &other.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = app.delete("/api/v1/settings/dialogflow", &t).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/settings/dialogflow", &t).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
