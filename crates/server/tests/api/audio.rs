//! Recordings a campaign plays: uploaded and checked, played through an expiring link the
//! carrier (the simulator) fetches, and given by address within the outbound limits.

use crate::helpers::*;
use outdial_domain::Role;
use outdial_simulator::{OutcomeWeights, SimConfig, Simulator};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An MP3 as far as anyone checks: an ID3 tag, then frames.
fn mp3(len: usize) -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    bytes.resize(len, 0x55);
    bytes
}

async fn app_with(sim: SimConfig, allow_private: bool) -> (TestApp, Simulator) {
    app_with_simulator(sim, move |c| {
        c.with("audio.allow_private_networks", allow_private)
            .and_then(|c| c.with("audio.max_file_mb", 1))
            .unwrap()
    })
    .await
}

fn people_only() -> SimConfig {
    SimConfig {
        speed: 100.0,
        calls_per_second: 200.0,
        outcomes: OutcomeWeights {
            human: 1,
            machine: 0,
            busy: 0,
            no_answer: 0,
            failed: 0,
        },
        keypress: [0, 0, 1],
        ..SimConfig::default()
    }
}

async fn upload(
    app: &TestApp,
    token: &str,
    body: Vec<u8>,
    content_type: &str,
) -> (StatusCode, Value) {
    read(
        app.request(Method::POST, "/api/v1/audio?name=welcome.mp3", Some(token))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn wait_done(app: &TestApp, token: &str, call: i64) -> Value {
    for _ in 0..500 {
        let (_, c) = app.get(&format!("/api/v1/calls/{call}"), token).await;
        if c["status"] == "completed" {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("call {call} did not end");
}

#[tokio::test]
async fn a_campaign_plays_an_uploaded_recording_through_an_expiring_link() {
    let (app, sim) = app_with(people_only(), false).await;
    let owner = app.member("Studio", Role::Owner).await;
    // Not audio, too large: refused, nothing kept.
    let (status, refused) = upload(
        &app,
        &owner.token,
        b"first_name,phone\n".to_vec(),
        "audio/mpeg",
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{refused}");
    let (status, _) = upload(&app, &owner.token, mp3(1_200_000), "audio/mpeg").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, none) = app.get("/api/v1/audio", &owner.token).await;
    assert_eq!(none, json!([]));

    let (status, file) = upload(&app, &owner.token, mp3(40_000), "audio/mpeg").await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(
        (
            file["content_type"].as_str(),
            file["size_bytes"].as_i64(),
            file["name"].as_str()
        ),
        (Some("audio/mpeg"), Some(40_000), Some("welcome.mp3"))
    );
    let id = file["id"].as_i64().unwrap();
    // Another tenant cannot name it.
    let other = app.member("Elsewhere", Role::Owner).await;
    let (status, refused) = app
        .post(
            "/api/v1/campaigns",
            &other.token,
            json!({"name": "Theirs", "settings": {"script": {"message_audio": {"upload": id}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["error"]["details"][0]["field"],
        "settings.script.message_audio"
    );

    let mut settings = ready_settings();
    settings["script"]["message_audio"] = json!({"upload": id});
    let (status, campaign) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Recorded", "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let (status, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "+18134893270", "campaign_id": campaign["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let done = wait_done(&app, &owner.token, call["id"].as_i64().unwrap()).await;
    let said: Vec<&str> = done["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "said")
        .flat_map(|e| {
            e["detail"]["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
        })
        .collect();
    assert_eq!(said[0], "[recording]", "{said:?}");
    // The carrier fetched the file itself, whole, from Outdial.
    let played = sim.played();
    assert_eq!(played.len(), 1, "{played:?}");
    assert_eq!(
        (
            played[0].status,
            played[0].bytes,
            played[0].content_type.as_str()
        ),
        (200, 40_000, "audio/mpeg")
    );
    let link = played[0].url.clone();
    assert!(
        link.starts_with(&format!("{}/media/audio/", app.base)),
        "{link}"
    );
    assert!(
        link.rsplit('/').next().unwrap().len() >= 40,
        "unguessable: {link}"
    );
    // Without the link nothing is served, and the link expires.
    let client = reqwest::Client::new();
    let guess = client
        .get(format!("{}/media/audio/0000", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(guess.status(), StatusCode::NOT_FOUND);
    app.clock.advance(3 * 3_600_000);
    let late = client.get(&link).send().await.unwrap();
    assert_eq!(late.status(), StatusCode::NOT_FOUND, "expired");
    // The web app can listen to it.
    let r = app
        .request(
            Method::GET,
            &format!("/api/v1/audio/{id}/file"),
            Some(&owner.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().len(), 40_000);
}

/// A one-shot HTTP server on loopback answering every request with `body`.
async fn file_server(body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: audio/mpeg\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}/greeting.mp3")
}

#[tokio::test]
async fn a_recording_given_by_address_is_fetched_within_the_outbound_limits() {
    let url = file_server(mp3(20_000)).await;
    // By default a loopback address is refused, and plain HTTP too.
    let (app, _sim) = app_with(people_only(), false).await;
    let owner = app.member("Studio", Role::Owner).await;
    let mut settings = ready_settings();
    settings["script"]["voicemail_audio"] = json!({"url": url});
    let (status, refused) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Fetched", "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["error"]["details"][0]["field"],
        "settings.script.voicemail_audio"
    );
    assert!(
        refused["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("loopback or private"),
        "{refused}"
    );
    let (_, campaigns) = app.get("/api/v1/campaigns", &owner.token).await;
    assert_eq!(campaigns.as_array().map(Vec::len), Some(0), "nothing saved");

    // Allowed by configuration: fetched once and kept; not an MP3: refused by what it holds.
    let (app, sim) = app_with(people_only(), true).await;
    let owner = app.member("Studio", Role::Owner).await;
    let mut settings = ready_settings();
    settings["script"]["message_audio"] = json!({"url": url});
    let (status, campaign) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Fetched", "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let (status, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "+18134893271", "campaign_id": campaign["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    wait_done(&app, &owner.token, call["id"].as_i64().unwrap()).await;
    let played = sim.played();
    assert_eq!(
        (played[0].status, played[0].bytes),
        (200, 20_000),
        "{played:?}"
    );
    assert!(
        played[0].url.starts_with(&app.base),
        "served by Outdial, not the address"
    );
    let html = file_server(b"<html>not audio</html>".to_vec()).await;
    let mut settings = ready_settings();
    settings["script"]["message_audio"] = json!({"url": html});
    let (status, refused) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Bad", "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("MP3 or WAV")
    );
}
