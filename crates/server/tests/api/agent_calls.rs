//! Calls a language model leads: a fake OpenAI-compatible server on loopback plays the model
//! (real chat-completions requests with tools; it answers by the conversation so far), the
//! simulator plays the person. The model books through tool calls; a refused booking, a slow
//! or failing model end the call politely; the key is sent only to the model, never shown.

use crate::calls::{fast, only};
use crate::dialer::{dialing, simulator};
use crate::helpers::*;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use outdial_domain::Role;
use outdial_simulator::{PersonaWeights, Simulator};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "sk-fake-model-key-42";

#[derive(Clone, Default)]
struct FakeModel {
    mode: Arc<Mutex<String>>,
    seen: Arc<Mutex<Vec<Value>>>,
}

fn said(content: &str) -> Value {
    json!({ "role": "assistant", "content": content })
}

fn calls(content: Option<&str>, name: &str, args: Value) -> Value {
    json!({ "role": "assistant", "content": content, "tool_calls": [
        { "id": format!("call_{name}"), "type": "function", "function": { "name": name, "arguments": args.to_string() } }
    ] })
}

/// The model's next message, by the last one in the conversation.
fn next(messages: &[Value]) -> Value {
    let last = messages.last().unwrap();
    let text = last["content"].as_str().unwrap_or_default();
    if last["role"] == "tool" {
        let result: Value = serde_json::from_str(text).unwrap();
        if result["available"] == true {
            return said(&format!(
                "{} wäre frei. Passt Ihnen das?",
                result["slot"].as_str().unwrap()
            ));
        }
        if result["booked"] == true {
            return calls(
                Some("Wunderbar, Ihr Termin ist gebucht. Auf Wiederhören!"),
                "end_call",
                json!({ "outcome": "appointment_booked", "notes": "Probetraining gebucht", "service_type": "Probetraining" }),
            );
        }
        if result["scheduled"] == true {
            return calls(
                Some(&format!(
                    "Gerne, wir rufen Sie {} an. Auf Wiederhören!",
                    result["when"].as_str().unwrap()
                )),
                "end_call",
                json!({ "outcome": "call_back_requested" }),
            );
        }
        // An error: the model tries what it was told.
        return said("Wann hätten Sie denn Zeit?");
    }
    if text.contains("Donnerstag") {
        return calls(None, "check_availability", json!({ "when": text }));
    }
    if text.contains("passt") {
        // The slot the last availability check offered.
        let slot = messages
            .iter()
            .rev()
            .filter(|m| m["role"] == "tool")
            .find_map(|m| {
                serde_json::from_str::<Value>(m["content"].as_str().unwrap())
                    .ok()
                    .filter(|v| v["slot_id"].is_string())
            })
            .unwrap();
        return calls(
            None,
            "book_appointment",
            json!({ "slot_id": slot["slot_id"] }),
        );
    }
    if text.contains("rufen Sie mich") {
        return calls(None, "schedule_callback", json!({ "when": text }));
    }
    said("Wann hätten Sie denn Zeit?")
}

async fn completions(State(f): State<FakeModel>, headers: HeaderMap, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap();
    f.seen.lock().unwrap().push(body.clone());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}"))
    {
        return (
            AxStatus::UNAUTHORIZED,
            r#"{"error":{"message":"Incorrect API key provided"}}"#,
        )
            .into_response();
    }
    let mode = f.mode.lock().unwrap().clone();
    match mode.as_str() {
        "slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            axum::Json(json!({})).into_response()
        }
        "broken" => (
            AxStatus::INTERNAL_SERVER_ERROR,
            r#"{"error":{"message":"The server had an error"}}"#,
        )
            .into_response(),
        // Books a slot it was never offered.
        "rogue" if body["messages"].as_array().unwrap().last().unwrap()["role"] == "user" => {
            axum::Json(
                json!({ "choices": [{ "index": 0, "finish_reason": "tool_calls",
                "message": calls(None, "book_appointment", json!({ "slot_id": "made-up" })) }] }),
            )
            .into_response()
        }
        _ => {
            let message = next(body["messages"].as_array().unwrap());
            axum::Json(json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                "choices": [{ "index": 0, "finish_reason": "stop", "message": message }],
                "usage": { "prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220 }
            }))
            .into_response()
        }
    }
}

async fn fake_model() -> (String, FakeModel) {
    let fake = FakeModel::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

pub(crate) fn persona(f: impl FnOnce(&mut PersonaWeights)) -> PersonaWeights {
    let mut w = PersonaWeights {
        interested: 0,
        not_interested: 0,
        another_time: 0,
        asks_for_person: 0,
        opts_out: 0,
        silent: 0,
        mumbles: 0,
    };
    f(&mut w);
    w
}

/// The app with local models allowed and a 1-second turn budget, the simulator, an owner, the
/// fake model set as the tenant's, and a German model-led campaign with a Berlin calendar.
async fn setup(
    p: impl FnOnce(&mut PersonaWeights),
) -> (TestApp, Simulator, String, FakeModel, i64) {
    let mut sim = fast(only("human"), [0, 0, 0]);
    sim.personas = persona(p);
    let simulator = simulator(sim).await;
    let url = simulator.base_url().to_string();
    let app = spawn_with(move |c| {
        dialing(url)(c)
            .with("conversation.allow_private_networks", true)
            .and_then(|c| c.with("conversation.turn_budget_seconds", 1))
            .and_then(|c| c.with("conversation.model_timeout_seconds", 1))
            .unwrap()
    })
    .await;
    app.clock.advance(crate::dialer::NY_MORNING - START);
    let owner = app.member("Studio", Role::Owner).await;
    let t = owner.token.clone();
    let (base, fake) = fake_model().await;
    *fake.mode.lock().unwrap() = "script".into();
    let (status, set) = app
        .put(
            "/api/v1/settings/language-model",
            &t,
            json!({ "base_url": base, "model": "gpt-fake", "api_key": KEY }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let (_, cal) = app
        .post("/api/v1/calendars", &t, json!({ "name": "Studio Mitte", "settings": { "time_zone": "Europe/Berlin", "notice_minutes": 0 } }))
        .await;
    let (status, c) = app
        .post("/api/v1/campaigns", &t, json!({ "name": "Probetraining", "type": "sales_outreach", "settings": {
            "caller_ids": ["+18134893200"], "timezone": "Europe/Berlin", "default_country": "DE",
            "calling_window": { "start": "08:00", "end": "21:00", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
            "script": { "language": "de-DE", "voice": "Polly.Vicki" },
            "conversation": { "mode": "llm", "calendar_id": cal["id"], "llm": { "system_prompt": "Du buchst Probetrainings für {campaign_name}. Der Kunde heißt {first_name}." } },
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

pub(crate) async fn call_and_wait(app: &TestApp, t: &str, lead: i64) -> Value {
    let (status, placed) = app
        .post(
            &format!("/api/v1/leads/{lead}/call"),
            t,
            json!({ "call_type": "cold_call" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    let id = placed["id"].as_i64().unwrap();
    for _ in 0..400 {
        let (_, c) = app.get(&format!("/api/v1/calls/{id}"), t).await;
        if c["status"] == "completed" && !c["disposition"].is_null() {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the call did not end: {}",
        app.get(&format!("/api/v1/calls/{id}"), t).await.1
    );
}

pub(crate) fn turns_of<'a>(call: &'a Value, speaker: &str) -> Vec<&'a Value> {
    call["turns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["speaker"] == speaker)
        .collect()
}

#[tokio::test]
async fn the_model_books_through_tool_calls_with_the_persons_own_words() {
    let (app, _sim, t, fake, lead) = setup(|p| p.interested = 1).await;
    // The key is stored, never shown.
    let (_, shown) = app.get("/api/v1/settings/language-model", &t).await;
    assert_eq!(shown["has_key"], true);
    assert!(!shown.to_string().contains(KEY), "{shown}");

    let call = call_and_wait(&app, &t, lead).await;
    assert_eq!(call["disposition"], "appointment_booked", "{call}");
    let conversation = &call["conversation"];
    assert_eq!(conversation["mode"], "llm");
    assert_eq!(
        conversation["extracted"]["booked_at"], 1_795_701_600_000_i64,
        "Thursday 26 November, 15:00 in Berlin"
    );
    assert_eq!(conversation["extracted"]["service_type"], "Probetraining");
    assert_eq!(conversation["extracted"]["notes"], "Probetraining gebucht");
    assert!(
        conversation["tokens"].as_i64().unwrap() >= 4 * 220,
        "{conversation}"
    );
    let people: Vec<&str> = turns_of(&call, "person")
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        people,
        ["ja gerne", "Donnerstag um 15 Uhr", "ja das passt perfekt"]
    );
    let tools: Vec<&str> = turns_of(&call, "tool")
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        ["check_availability", "book_appointment", "end_call"]
    );
    let check = turns_of(&call, "tool")[0];
    assert_eq!(
        check["data"]["result"]["slot"],
        "Donnerstag, den 26. November um 15 Uhr"
    );
    let agent: Vec<&str> = turns_of(&call, "agent")
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        agent[0],
        "Guten Tag Jana, hier ist Probetraining. Haben Sie einen Moment Zeit?"
    );
    assert_eq!(
        agent.last().unwrap(),
        &"Wunderbar, Ihr Termin ist gebucht. Auf Wiederhören!"
    );

    // The requests: the campaign's prompt with the lead filled in, the six tools, the key.
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        5,
        "one answer per turn, and one after each tool result"
    );
    let system = seen[0]["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.starts_with("Du buchst Probetrainings für Probetraining. Der Kunde heißt Jana."),
        "{system}"
    );
    let names: Vec<&str> = seen[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "check_availability",
            "book_appointment",
            "schedule_callback",
            "transfer_to_agent",
            "opt_out",
            "end_call"
        ]
    );
    assert_eq!(seen[0]["model"], "gpt-fake");

    // The appointment is the lead's.
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
async fn a_made_up_slot_is_refused_and_a_slow_or_broken_model_ends_the_call_politely() {
    let (app, _sim, t, fake, lead) = setup(|p| p.interested = 1).await;
    *fake.mode.lock().unwrap() = "rogue".into();
    let call = call_and_wait(&app, &t, lead).await;
    // The booking of a slot never offered was refused (the model was told), nothing booked.
    let book = turns_of(&call, "tool")
        .into_iter()
        .find(|x| x["text"] == "book_appointment")
        .unwrap();
    assert!(
        book["data"]["result"]["error"]
            .as_str()
            .unwrap()
            .contains("check_availability"),
        "{book}"
    );
    let (_, list) = app
        .get(
            "/api/v1/appointments?from=2026-11-19T00:00:00Z&to=2026-12-31T00:00:00Z",
            &t,
        )
        .await;
    assert_eq!(
        list.as_array().or(list["items"].as_array()).unwrap().len(),
        0,
        "{list}"
    );
    assert_ne!(call["disposition"], "appointment_booked", "{call}");

    for mode in ["slow", "broken"] {
        *fake.mode.lock().unwrap() = mode.into();
        let (_, fresh) = app
            .post(&format!("/api/v1/campaigns/{}/leads", call["campaign_id"]), &t, json!({ "phone": if mode == "slow" { "+4915112345601" } else { "+4915112345602" }, "first_name": "Uli" }))
            .await;
        let call = call_and_wait(&app, &t, fresh["id"].as_i64().unwrap()).await;
        // The person answered once; the model failed: an apology, and a call back later.
        assert_eq!(call["disposition"], "call_back_requested", "{mode}: {call}");
        let agent: Vec<&str> = turns_of(&call, "agent")
            .iter()
            .map(|x| x["text"].as_str().unwrap())
            .collect();
        assert!(
            agent
                .last()
                .unwrap()
                .starts_with("Entschuldigung, wir haben gerade technische Schwierigkeiten"),
            "{mode}: {agent:?}"
        );
        let failure = turns_of(&call, "tool")
            .into_iter()
            .find(|x| x["text"] == "language model failed")
            .unwrap();
        assert!(!failure.to_string().contains(KEY));
    }
}

#[tokio::test]
async fn provider_settings_are_checked_and_the_key_is_kept_when_left_out() {
    let (app, _sim, t, _fake, _lead) = setup(|p| p.interested = 1).await;
    let (status, body) = app
        .put(
            "/api/v1/settings/language-model",
            &t,
            json!({ "base_url": "ftp://models.example", "model": "m" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("base_url"), "{body}");
    let (status, body) = app
        .put(
            "/api/v1/settings/language-model",
            &t,
            json!({ "base_url": "https://api.openai.com/v1", "model": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Without `api_key`, the stored key stays.
    let (_, before) = app.get("/api/v1/settings/language-model", &t).await;
    let (status, after) = app
        .put(
            "/api/v1/settings/language-model",
            &t,
            json!({ "base_url": before["base_url"], "model": "gpt-other" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(
        (after["model"].as_str(), after["has_key"].as_bool()),
        (Some("gpt-other"), Some(true))
    );
    let manager = app.member("Elsewhere", Role::Manager).await;
    let (status, _) = app
        .get("/api/v1/settings/language-model", &manager.token)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.delete("/api/v1/settings/language-model", &t).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/settings/language-model", &t).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
