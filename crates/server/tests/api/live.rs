//! The live event stream: a snapshot on connecting, then the tenant's changes as they happen,
//! never another tenant's; on PostgreSQL, changes made through one instance reach clients of
//! another.

use crate::helpers::*;
use outdial_domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// An open event stream.
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    pub async fn open(base: &str, token: &str) -> Stream {
        let response = reqwest::Client::new()
            .get(format!("{base}/api/v1/events"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (kind, data) within `wait`, skipping keep-alive comments.
    async fn next(&mut self, wait: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut kind = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(k) = line.strip_prefix("event:") {
                        kind = k.trim().to_string();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim());
                    }
                }
                if kind.is_empty() {
                    continue;
                }
                return Some((kind, serde_json::from_str(&data).unwrap()));
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .unwrap()?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event of `kind` within 5 s, skipping others.
    pub async fn expect(&mut self, kind: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while let Some((k, data)) = self
            .next(deadline.saturating_duration_since(tokio::time::Instant::now()))
            .await
        {
            if k == kind {
                return data;
            }
        }
        panic!("no {kind} event");
    }
}

#[tokio::test]
async fn a_client_gets_the_state_then_its_tenants_changes_only() {
    let app = spawn_app().await;
    let admin = app.member("Live", Role::Admin).await;
    let (anna, anna_id) = registered_agent(&app, &admin, "8134893260").await;
    let campaign = app.campaign(&admin.token, "Spring").await;
    let other = app.member("Other", Role::Owner).await;

    let mut ours = Stream::open(&app.base, &admin.token).await;
    let mut theirs = Stream::open(&app.base, &other.token).await;
    let snapshot = ours.expect("snapshot").await;
    assert_eq!(snapshot["agents"][0]["user_id"], anna_id);
    assert_eq!(snapshot["agents"][0]["status"], "offline");
    assert_eq!(snapshot["campaigns"][0]["id"], campaign);
    let their_snapshot = theirs.expect("snapshot").await;
    assert_eq!(their_snapshot["agents"], json!([]));

    app.put(
        "/api/v1/agents/me/status",
        &anna.token,
        json!({ "status": "available" }),
    )
    .await;
    let event = ours.expect("agent.status").await;
    assert_eq!(
        (event["user_id"].as_i64(), event["status"].as_str()),
        (Some(anna_id), Some("available"))
    );
    app.put(
        &format!("/api/v1/campaigns/{campaign}/status"),
        &admin.token,
        json!({ "status": "running" }),
    )
    .await;
    let event = ours.expect("campaign.status").await;
    assert_eq!(event["campaign_id"], campaign);
    assert_eq!(event["status"], "running");
    assert!(
        theirs.next(Duration::from_millis(400)).await.is_none(),
        "another tenant hears nothing"
    );

    // Reconnecting gives the state as it is now, not a gap.
    drop(ours);
    let mut again = Stream::open(&app.base, &admin.token).await;
    let snapshot = again.expect("snapshot").await;
    assert_eq!(snapshot["agents"][0]["status"], "available");
    assert_eq!(snapshot["campaigns"][0]["status"], "running");

    // Without a login: refused.
    let (code, _) = read(
        reqwest::Client::new()
            .get(format!("{}/api/v1/events", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn on_postgresql_every_instance_delivers_the_same_events() {
    let app = spawn_app().await;
    if app.store.backend() != outdial_storage::Backend::Postgres {
        return; // SQLite is one process: see the dialer tests for the refused second server.
    }
    let second = build(&app.db_url, app.clock.clone(), |c| c).await.unwrap();
    let second_base = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped(std::future::pending()));
    let admin = app.member("Live", Role::Admin).await;
    let (anna, anna_id) = registered_agent(&app, &admin, "8134893260").await;
    let mut on_first = Stream::open(&app.base, &admin.token).await;
    let mut on_second = Stream::open(&second_base, &admin.token).await;
    on_first.expect("snapshot").await;
    on_second.expect("snapshot").await;
    // Give both listeners time to be listening.
    tokio::time::sleep(Duration::from_millis(300)).await;

    app.put(
        "/api/v1/agents/me/status",
        &anna.token,
        json!({ "status": "available" }),
    )
    .await;
    for stream in [&mut on_first, &mut on_second] {
        let event = stream.expect("agent.status").await;
        assert_eq!(event["user_id"], anna_id);
        assert_eq!(event["status"], "available");
    }
}

#[tokio::test]
async fn a_stream_whose_login_ends_is_closed_and_not_reopened() {
    let app = spawn_with(|mut c| {
        c.auth.stream_recheck_seconds = 1;
        c
    })
    .await;
    let admin = app.member("Stream ends", Role::Admin).await;
    let mut stream = Stream::open(&app.base, &admin.token).await;
    stream.expect("snapshot").await;
    let (code, _) = app
        .post("/api/v1/auth/logout", &admin.token, json!({}))
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    // The stream ends (not merely falls quiet) within the check period.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.response.chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream of a signed-out login ends");
    let (code, _) = read(
        reqwest::Client::new()
            .get(format!("{}/api/v1/events", app.base))
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED, "and is not opened again");
}
