//! Conversations on real calls: a German appointment-booking campaign whose simulated people
//! answer by speech. The flow understands them, books the slot (or schedules the call-back
//! they asked for, or takes them off the list), and every turn is stored with the call.

use crate::calls::{fast, only};
use crate::dialer::start;
use crate::helpers::*;
use outdial_simulator::PersonaWeights;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

fn persona(f: impl FnOnce(&mut PersonaWeights)) -> PersonaWeights {
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

/// A studio in Berlin: a calendar open Monday to Friday, 09:00–17:00, and a German campaign
/// that talks (the appointment-booking template) and books in it. Returns (campaign, lead).
async fn studio(app: &TestApp, token: &str, phone: &str) -> (i64, i64, i64) {
    let (status, cal) = app
        .post(
            "/api/v1/calendars",
            token,
            json!({ "name": "Studio Mitte", "settings": { "time_zone": "Europe/Berlin", "notice_minutes": 0 } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cal}");
    let calendar = cal["id"].as_i64().unwrap();
    let (status, c) = app
        .post(
            "/api/v1/campaigns",
            token,
            json!({ "name": "Probetraining", "type": "sales_outreach", "settings": {
                "caller_ids": ["+18134893200"],
                "timezone": "Europe/Berlin",
                "default_country": "DE",
                "calling_window": { "start": "08:00", "end": "21:00", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
                "script": { "language": "de-DE", "voice": "Polly.Vicki" },
                "conversation": { "mode": "flow", "calendar_id": calendar },
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let campaign = c["id"].as_i64().unwrap();
    let (status, lead) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            token,
            json!({ "phone": phone, "first_name": "Jana", "last_name": "Weber" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{lead}");
    (campaign, lead["id"].as_i64().unwrap(), calendar)
}

/// Calls the lead with the assistant and waits until the call has ended with a disposition.
async fn assistant_call(app: &TestApp, token: &str, lead: i64) -> Value {
    let (status, placed) = app
        .post(
            &format!("/api/v1/leads/{lead}/call"),
            token,
            json!({ "call_type": "assistant" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    let id = placed["id"].as_i64().unwrap();
    for _ in 0..400 {
        let (_, c) = app.get(&format!("/api/v1/calls/{id}"), token).await;
        if c["status"] == "completed" && !c["disposition"].is_null() {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the call did not end: {}",
        app.get(&format!("/api/v1/calls/{id}"), token).await.1
    );
}

fn said_by(call: &Value, speaker: &str) -> Vec<String> {
    call["turns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["speaker"] == speaker)
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn donnerstag_um_15_uhr_is_understood_and_booked_with_the_transcript() {
    let mut sim = fast(only("human"), [0, 0, 0]);
    sim.personas = persona(|p| p.interested = 1);
    // Thursday 19 November, 16:00 in Berlin.
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let (campaign, lead, calendar) = studio(&app, t, "+4915112345678").await;
    let call = assistant_call(&app, t, lead).await;
    assert_eq!(call["disposition"], "appointment_booked", "{call}");

    // The person's words as recognised, with the recogniser's confidence.
    let person = said_by(&call, "person");
    assert_eq!(
        person,
        ["Donnerstag um 15 Uhr", "ja das passt perfekt"],
        "{call}"
    );
    let first = call["turns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["speaker"] == "person")
        .unwrap();
    assert_eq!(first["confidence"], 0.91);
    let agent = said_by(&call, "agent");
    assert!(
        agent[0].starts_with("Guten Tag Jana, hier ist Probetraining."),
        "{agent:?}"
    );
    assert!(
        agent[0].ends_with("Wann hätten Sie denn Zeit?"),
        "{agent:?}"
    );
    // 15:00 today has passed (it is 16:00): next Thursday, the 26th.
    assert!(
        agent[1].contains("Donnerstag, den 26. November um 15 Uhr"),
        "{agent:?}"
    );
    assert!(agent[2].starts_with("Ausgezeichnet!"), "{agent:?}");
    let tools = said_by(&call, "tool");
    assert!(tools.iter().any(|t| t.contains("booked")), "{tools:?}");

    // The appointment is on the calendar for the lead, made by this call.
    let conversation = &call["conversation"];
    assert_eq!(conversation["outcome"], "appointment_booked");
    assert_eq!(conversation["mode"], "flow");
    let booked_at = conversation["extracted"]["booked_at"].as_i64().unwrap();
    assert_eq!(
        booked_at, 1_795_701_600_000,
        "Thursday 26 November, 15:00 in Berlin"
    );
    assert_eq!(conversation["extracted"]["confirmed"], true);
    assert_eq!(conversation["extracted"]["intent"], "yes");
    let (_, list) = app
        .get(
            &format!("/api/v1/appointments?calendar_id={calendar}&from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z"),
            t,
        )
        .await;
    let items = list
        .as_array()
        .or(list["items"].as_array())
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["lead_id"], lead);
    assert_eq!(items[0]["call_id"], call["id"]);
    assert_eq!(items[0]["name"], "Jana Weber");

    // The campaign's statistics and today's dashboard count it.
    let (_, p) = app
        .get(&format!("/api/v1/campaigns/{campaign}/progress"), t)
        .await;
    assert_eq!(p["conversations"]["appointment_booked"], 1, "{p}");
    let (_, d) = app.get("/api/v1/dashboard?tz=Europe/Berlin", t).await;
    assert_eq!(d["conversations"]["appointment_booked"], 1, "{d}");
    assert_eq!(d["today"]["appointments"], 1, "{d}");

    // The call log finds it by its outcome, and not by another.
    let (_, found) = app
        .get(
            &format!("/api/v1/calls?campaign_id={campaign}&disposition=appointment_booked"),
            t,
        )
        .await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, none) = app
        .get(
            &format!("/api/v1/calls?campaign_id={campaign}&disposition=not_interested"),
            t,
        )
        .await;
    assert_eq!(none["total"], 0, "{none}");
    let (status, bad) = app.get("/api/v1/calls?disposition=booked", t).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("appointment_booked"),
        "{bad}"
    );
}

#[tokio::test]
async fn naechste_woche_montag_vormittags_becomes_the_leads_next_attempt() {
    let mut sim = fast(only("human"), [0, 0, 0]);
    sim.personas = persona(|p| p.another_time = 1);
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let (_, lead, _) = studio(&app, t, "+4915112345679").await;
    let call = assistant_call(&app, t, lead).await;
    assert_eq!(call["disposition"], "call_back_requested", "{call}");
    assert_eq!(
        said_by(&call, "person"),
        ["rufen Sie mich nächste Woche Montag vormittags an"]
    );
    // Monday 23 November, 08:00 in Berlin: the morning begins at eight.
    let monday_eight = 1_795_417_200_000_i64;
    assert_eq!(call["conversation"]["callback_at"], monday_eight, "{call}");
    let agent = said_by(&call, "agent");
    assert!(
        agent
            .last()
            .unwrap()
            .contains("am Montag, den 23. November um 8 Uhr"),
        "{agent:?}"
    );
    let mut l = Value::Null;
    for _ in 0..100 {
        l = app.get(&format!("/api/v1/leads/{lead}"), t).await.1;
        if l["status"] == "retry" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(l["status"], "retry", "{l}");
    assert_eq!(l["next_attempt_at"], monday_eight, "{l}");
}

#[tokio::test]
async fn a_person_who_opts_out_is_on_the_list_before_the_call_ends_and_silence_ends_politely() {
    let mut sim = fast(only("human"), [0, 0, 0]);
    sim.personas = persona(|p| p.opts_out = 1);
    let (app, sim, owner) = start(sim).await;
    let t = &owner.token;
    let (_, lead, _) = studio(&app, t, "+4915112345670").await;
    let call = assistant_call(&app, t, lead).await;
    assert_eq!(call["disposition"], "opted_out", "{call}");
    let (_, dnc) = app.get("/api/v1/dnc?q=4915112345670", t).await;
    let listed = dnc["items"].as_array().or(dnc.as_array()).unwrap().clone();
    assert_eq!(listed.len(), 1, "{dnc}");
    assert_eq!(listed[0]["source"], "conversation");
    // Called again, the number is refused.
    let (status, _) = app
        .post(
            &format!("/api/v1/leads/{lead}/call"),
            t,
            json!({ "call_type": "assistant" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    drop(sim);

    // Somebody silent hears the question again once, then a goodbye: no input.
    let mut quiet = fast(only("human"), [0, 0, 0]);
    quiet.personas = persona(|p| p.silent = 1);
    let (app, _sim, owner) = start(quiet).await;
    let t = &owner.token;
    let (_, lead, _) = studio(&app, t, "+4915112345671").await;
    let call = assistant_call(&app, t, lead).await;
    assert_eq!(call["disposition"], "no_input", "{call}");
    assert_eq!(said_by(&call, "person"), ["", ""], "two silences: {call}");
    let agent = said_by(&call, "agent");
    assert!(agent[1].starts_with("Entschuldigung"), "{agent:?}");
    assert_eq!(call["conversation"]["outcome"], "no_input");
}

#[tokio::test]
async fn the_demo_studio_campaign_books_trial_sessions_once_started() {
    let mut sim = fast(only("human"), [0, 0, 0]);
    sim.personas = persona(|p| p.interested = 1);
    let simulator = crate::dialer::simulator(sim).await;
    let url = simulator.base_url().to_string();
    let app = spawn_with(crate::dialer::dialing(url)).await;
    // Thursday 19 November, 16:00 in Berlin: within the studio's calling hours.
    app.clock.advance(crate::dialer::NY_MORNING - START);
    let demo = outdial_server::demo::seed_if_empty(&app.store, crate::dialer::NY_MORNING)
        .await
        .unwrap()
        .unwrap();
    let (_, login) = app.login(&demo.email, &demo.password).await;
    let t = login["token"].as_str().unwrap();
    let (_, calendars) = app.get("/api/v1/calendars", t).await;
    assert_eq!(calendars[0]["name"], "Studio Mitte", "{calendars}");
    assert_eq!(calendars[0]["settings"]["holidays"], "DE-BE");
    let (_, campaigns) = app.get("/api/v1/campaigns", t).await;
    let studio = campaigns
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Demo: Probetraining buchen")
        .unwrap()
        .clone();
    assert_eq!(studio["status"], "draft");
    assert_eq!(studio["settings"]["conversation"]["mode"], "flow");
    assert_eq!(
        studio["settings"]["conversation"]["calendar_id"],
        calendars[0]["id"]
    );
    let id = studio["id"].as_i64().unwrap();
    crate::dialer::set_status(&app, t, id, "running").await;
    // Each of the six people says "Donnerstag um 15 Uhr", is offered the nearest free slot
    // and takes it: six appointments, one per slot (a place per slot).
    let mut booked = Value::Null;
    for _ in 0..600 {
        let (_, p) = app
            .get(&format!("/api/v1/campaigns/{id}/progress"), t)
            .await;
        booked = p["conversations"]["appointment_booked"].clone();
        if booked == 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(booked, 6);
    let (_, list) = app
        .get(
            &format!("/api/v1/appointments?calendar_id={}&from=2026-11-19T00:00:00Z&to=2026-12-31T00:00:00Z", calendars[0]["id"]),
            t,
        )
        .await;
    let items = list
        .as_array()
        .or(list["items"].as_array())
        .unwrap()
        .clone();
    assert_eq!(items.len(), 6, "{list}");
    let mut starts: Vec<i64> = items
        .iter()
        .map(|a| a["starts_at"].as_i64().unwrap())
        .collect();
    starts.sort();
    starts.dedup();
    assert_eq!(starts.len(), 6, "no slot is given twice: {list}");
    assert!(
        starts.contains(&1_795_701_600_000),
        "the first asker gets Thursday 15:00: {list}"
    );
}
