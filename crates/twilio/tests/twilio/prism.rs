//! The client's requests checked against Twilio's own OpenAPI description: Prism serves
//! `twilio_api_v2010.json` as a validating mock and answers 422 to any request the real API
//! would refuse for its shape. Prism is installed from `tools/prism` (npm) when missing.
//!
//! One adaptation: Twilio takes list values as repeated keys (`StatusCallbackEvent=initiated&
//! StatusCallbackEvent=ringing`), which Prism's form decoder does not read as an array (it wants
//! `StatusCallbackEvent[]=…`). A loopback relay between the client and Prism renames the list
//! fields so; every other byte reaches Prism as the client sent it.

use outdial_twilio::{Backoff, CallUpdate, Carrier, Credentials, Detection, NewCall, TwilioClient};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Twilio's OpenAPI description (MIT, from twilio/twilio-oai; see `tools/prism/`).
fn spec() -> PathBuf {
    root().join("tools/prism/twilio_api_v2010.json")
}

fn prism_binary() -> PathBuf {
    let dir = root().join("tools/prism");
    let bin = dir.join("node_modules/.bin/prism");
    if !bin.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed to install Prism (tools/prism): install Node.js and npm");
        assert!(status.success(), "npm ci in tools/prism failed");
    }
    bin
}

/// A running Prism; stopped when dropped.
struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_prism() -> Prism {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(prism_binary())
        .args(["mock", "--host", "127.0.0.1", "-p", &port.to_string()])
        .arg(spec())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Prism starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("Prism is listening") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("Prism listening within 120 s");
    Prism { child, port }
}

#[tokio::test]
async fn prism_accepts_every_request_the_client_sends() {
    let started = Instant::now();
    let prism = tokio::task::spawn_blocking(start_prism).await.unwrap();
    eprintln!("Prism ready in {:.1} s", started.elapsed().as_secs_f64());
    let client = TwilioClient::new(&start_relay(prism.port).await).with_backoff(Backoff {
        attempts: 1,
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(1),
    });
    let creds = Credentials {
        account_sid: "AC0123456789abcdef0123456789abcdef".into(),
        auth_token: "0123456789abcdef0123456789abcdef".into(),
    };
    let full = NewCall {
        to: "+18134893222".into(),
        from: "+18134893200".into(),
        url: "https://outdial.example/twilio/voice?call=1".into(),
        status_callback: "https://outdial.example/twilio/status?call=1".into(),
        timeout_seconds: 25,
        time_limit_seconds: Some(14_400),
        machine_detection: Some(Detection {
            detect_message_end: true,
            timeout_seconds: 30,
            callback: Some("https://outdial.example/twilio/amd?call=1".into()),
        }),
        recording_callback: Some("https://outdial.example/twilio/recording?call=1".into()),
    };
    let minimal = NewCall {
        machine_detection: None,
        recording_callback: None,
        time_limit_seconds: None,
        ..full.clone()
    };
    for call in [&full, &minimal] {
        let created = client.create_call(&creds, call).await;
        assert!(
            created.is_ok(),
            "create refused by Twilio's spec: {created:?}"
        );
    }
    let sid = &outdial_domain::call::CallSid::parse("CA0123456789abcdef0123456789abcdef").unwrap();
    for update in [
        CallUpdate::Hangup,
        CallUpdate::Redirect("https://outdial.example/twilio/voicemail?call=1".into()),
    ] {
        let updated = client.update_call(&creds, sid, &update).await;
        assert!(
            updated.is_ok(),
            "{update:?} refused by Twilio's spec: {updated:?}"
        );
    }
    let fetched = client.fetch_call(&creds, sid).await;
    assert!(
        fetched.is_ok(),
        "fetch refused by Twilio's spec: {fetched:?}"
    );

    let numbers = client.list_numbers(&creds).await;
    assert!(
        numbers.is_ok(),
        "number list refused by Twilio's spec: {numbers:?}"
    );

    // The check is real: a request the spec forbids is refused.
    let raw = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/2010-04-01/Accounts/{}/Calls.json",
            prism.port, creds.account_sid
        ))
        .basic_auth(&creds.account_sid, Some(&creds.auth_token))
        .form(&[
            ("From", "+18134893200"),
            ("Url", "https://o.example/v"),
            ("Timeout", "soon"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 422, "Prism validates requests");
}

/// Forwards requests to Prism with list fields written as Prism reads them; returns its base URL.
async fn start_relay(prism_port: u16) -> String {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, Uri};
    use axum::response::IntoResponse;
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| async move {
            // The list fields of Twilio's call resources.
            const LISTS: [&str; 2] = ["StatusCallbackEvent", "RecordingStatusCallbackEvent"];
            let body: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form_urlencoded::parse(&body).map(|(k, v)| {
                    let key = if LISTS.contains(&k.as_ref()) {
                        format!("{k}[]")
                    } else {
                        k.into_owned()
                    };
                    (key, v.into_owned())
                }))
                .finish()
                .replace("%5B%5D=", "[]=");
            let mut forward = reqwest::Client::new().request(
                reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
                format!("http://127.0.0.1:{prism_port}{uri}"),
            );
            for name in ["authorization", "content-type"] {
                if let Some(v) = headers.get(name) {
                    forward = forward.header(name, v.to_str().unwrap());
                }
            }
            if method == Method::POST {
                forward = forward.body(body);
            }
            let answer = forward.send().await.unwrap();
            let status = answer.status().as_u16();
            let text = answer.text().await.unwrap();
            (
                axum::http::StatusCode::from_u16(status).unwrap(),
                [("content-type", "application/json")],
                text,
            )
                .into_response()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}
