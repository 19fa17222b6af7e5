//! Conversation flows over the API: the templates, checking a definition with the line of each
//! mistake, and the studio's conversation as a text chat against a real calendar — the slot
//! offered is held while the person decides, and what a call would do is listed.

use crate::helpers::*;
use outdial_domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn ms(t: &str) -> i64 {
    t.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

async fn say(app: &TestApp, token: &str, base: &Value, state: &Value, text: Option<&str>) -> Value {
    let mut body = base.clone();
    body["state"] = state.clone();
    if let Some(t) = text {
        body["text"] = json!(t);
    }
    let (status, reply) = app.post("/api/v1/conversations/chat", token, body).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

#[tokio::test]
async fn the_studio_conversation_as_a_chat_offers_and_holds_thursday_at_three() {
    let app = spawn_app().await;
    let owner = app.member("Studio Nord", Role::Owner).await;
    let t = &owner.token;
    let (_, cal) = app
        .post(
            "/api/v1/calendars",
            t,
            json!({ "name": "Beratung", "settings": { "time_zone": "Europe/Berlin" } }),
        )
        .await;
    let cal = cal["id"].as_i64().unwrap();
    let campaign = app.campaign(t, "Leads").await;
    let (_, lead) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            t,
            json!({ "phone": "+49 30 1234567", "first_name": "Jürgen" }),
        )
        .await;
    let base = json!({ "call_type": "cold_call", "language": "de", "calendar_id": cal, "lead_id": lead["id"] });

    // The clock stands at Wednesday 18 November 2026, 12:06 in Berlin.
    let (status, r) = app
        .post("/api/v1/conversations/chat", t, base.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        r["say"],
        json!([
            "Guten Tag Jürgen! Hier ist Studio Nord.",
            "Hätten Sie Interesse an einer kostenlosen Beratung?"
        ])
    );
    assert_eq!(r["listening"], true);
    let r = say(&app, t, &base, &r["state"], Some("ja gerne")).await;
    assert_eq!(r["heard"]["intent"], "yes");
    let r = say(&app, t, &base, &r["state"], Some("ja")).await;
    assert_eq!(r["say"], json!(["Wann hätten Sie denn Zeit?"]));
    let r = say(&app, t, &base, &r["state"], Some("Donnerstag um 15 Uhr")).await;
    assert_eq!(
        r["say"],
        json!(["Donnerstag, den 19. November um 15 Uhr wäre frei. Passt Ihnen das?"]),
        "{r}"
    );
    // Held while the person decides: taken for everybody else.
    let thursday_three = "2026-11-19T15:00:00%2B01:00";
    let path = format!(
        "/api/v1/calendars/{cal}/availability?from={thursday_three}&to=2026-11-19T15:30:00%2B01:00"
    );
    assert_eq!(
        app.get(&path, t).await.1["slots"],
        json!([]),
        "the offered slot is held"
    );
    let r = say(&app, t, &base, &r["state"], Some("ja das passt perfekt")).await;
    assert_eq!(r["outcome"], "appointment_booked", "{r}");
    assert!(r["say"][0].as_str().unwrap().starts_with(
        "Ausgezeichnet! Ihr Termin am Donnerstag, den 19. November um 15 Uhr ist gebucht."
    ));
    assert!(
        r["actions"][0]
            .as_str()
            .unwrap()
            .starts_with("would book Donnerstag, den 19. November um 15 Uhr"),
        "{r}"
    );
    assert_eq!(r["extracted"]["booked_at"], ms("2026-11-19T15:00:00+01:00"));
    assert_eq!(r["extracted"]["requested"], "2026-11-19 15:00");
    assert_eq!(r["listening"], false);
    // A chat books nothing: the hold is given back.
    assert_eq!(
        app.get(&path, t).await.1["slots"].as_array().unwrap().len(),
        1,
        "the chat's hold was released"
    );
    let (_, list) = app.get("/api/v1/appointments", t).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn silence_a_call_back_and_bad_input_in_the_chat() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let base = json!({ "call_type": "cold_call", "language": "de", "tz": "Europe/Berlin" });
    let (_, r) = app
        .post("/api/v1/conversations/chat", t, base.clone())
        .await;
    let r = say(&app, t, &base, &r["state"], None).await;
    assert_eq!(
        r["say"][0],
        "Entschuldigung, das habe ich nicht verstanden."
    );
    let r = say(
        &app,
        t,
        &base,
        &r["state"],
        Some("rufen Sie mich nächste Woche Montag vormittags an"),
    )
    .await;
    assert_eq!(r["outcome"], "call_back_requested", "{r}");
    assert_eq!(
        r["actions"][0],
        "would schedule a call-back am Montag, den 23. November um 8 Uhr"
    );
    assert_eq!(
        r["extracted"]["callback_at"],
        ms("2026-11-23T08:00:00+01:00")
    );

    // A flow with mistakes: each with its line; unknown templates, states and zones are named.
    let (status, e) = app
        .post("/api/v1/conversations/check", t, json!({ "definition": "{\n\"language\": \"de\",\n\"start\": \"x\",\n\"steps\": [{\"id\": \"a\", \"end\": \"interested\"}]\n}" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["line"] == 3 && d["message"].as_str().unwrap().contains("'x'")),
        "{e}"
    );
    let (status, ok) = app
        .post(
            "/api/v1/conversations/check",
            t,
            json!({ "definition": outdial_conversation::templates::ALL[0].2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    for (body, field) in [
        (json!({ "call_type": "haircut" }), "call_type"),
        (
            json!({ "call_type": "cold_call", "state": { "step": 3 } }),
            "state",
        ),
        (
            json!({ "call_type": "cold_call", "tz": "Mars/Olympus" }),
            "tz",
        ),
        (
            json!({ "call_type": "cold_call", "language": "fr" }),
            "language",
        ),
        (json!({}), "definition"),
    ] {
        let (status, e) = app.post("/api/v1/conversations/chat", t, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"][0]["field"], field, "{e}");
    }
    let (status, _) = app
        .post(
            "/api/v1/conversations/chat",
            t,
            json!({ "call_type": "cold_call", "calendar_id": 999 }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, templates) = app.get("/api/v1/conversations/templates", t).await;
    assert_eq!(templates.as_array().unwrap().len(), 8);
}
