//! Simulated people answer speech questions: a call to a loopback webhook that asks "when?" in
//! German gets the persona's words back as Twilio sends them (`SpeechResult`, `Confidence`).

use axum::extract::State;
use axum::routing::post;
use axum::{Form, Router};
use outdial_simulator::{OutcomeWeights, PersonaWeights, SimConfig, Simulator};
use outdial_twilio::{Carrier, Credentials, NewCall, TwilioClient};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Heard = Arc<Mutex<Vec<HashMap<String, String>>>>;

fn creds() -> Credentials {
    Credentials {
        account_sid: "AC00112233445566778899aabbccddeeff".into(),
        auth_token: "ffeeddccbbaa99887766554433221100".into(),
    }
}

/// A webhook that asks one speech question and records the answer.
async fn webhook() -> (String, Heard) {
    let heard: Heard = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ask = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="speech dtmf" language="de-DE" timeout="3" actionOnEmptyResult="true" action="{base}/answer"><Say language="de-DE">Wann hätten Sie denn Zeit?</Say></Gather></Response>"#
    );
    let app = Router::new()
        .route("/voice", post(move || async move { ask }))
        .route(
            "/answer",
            post(
                |State(h): State<Heard>, Form(f): Form<HashMap<String, String>>| async move {
                    h.lock().unwrap().push(f);
                    r#"<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>"#
                },
            ),
        )
        .route("/status", post(|| async { "" }))
        .with_state(heard.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, heard)
}

async fn answer_of(personas: PersonaWeights) -> HashMap<String, String> {
    let (base, heard) = webhook().await;
    let config = SimConfig {
        speed: 200.0,
        calls_per_second: 100.0,
        outcomes: OutcomeWeights {
            human: 1,
            machine: 0,
            busy: 0,
            no_answer: 0,
            failed: 0,
        },
        ring_seconds: [1, 1],
        personas,
        ..SimConfig::default()
    };
    let sim = Simulator::start(config, ([127, 0, 0, 1], 0).into(), creds())
        .await
        .unwrap();
    let call = NewCall {
        to: "+493012345678".into(),
        from: "+15005550006".into(),
        url: format!("{base}/voice"),
        status_callback: format!("{base}/status"),
        timeout_seconds: 25,
        time_limit_seconds: None,
        machine_detection: None,
        recording_callback: None,
    };
    TwilioClient::new(sim.base_url())
        .create_call(&creds(), &call)
        .await
        .unwrap();
    for _ in 0..200 {
        if let Some(f) = heard.lock().unwrap().first() {
            return f.clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the simulated person never answered");
}

fn only(f: impl FnOnce(&mut PersonaWeights)) -> PersonaWeights {
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

#[tokio::test]
async fn a_simulated_person_answers_a_speech_question_in_its_language() {
    let interested = answer_of(only(|w| w.interested = 1)).await;
    assert_eq!(
        interested.get("SpeechResult").map(String::as_str),
        Some("Donnerstag um 15 Uhr")
    );
    assert_eq!(
        interested.get("Confidence").map(String::as_str),
        Some("0.91")
    );
    let later = answer_of(only(|w| w.another_time = 1)).await;
    assert_eq!(
        later.get("SpeechResult").map(String::as_str),
        Some("rufen Sie mich nächste Woche Montag vormittags an")
    );
    // Silence still reaches the action (actionOnEmptyResult), with no words.
    let silent = answer_of(only(|w| w.silent = 1)).await;
    assert!(!silent.contains_key("SpeechResult"), "{silent:?}");
    assert!(silent.contains_key("CallSid"));
}
