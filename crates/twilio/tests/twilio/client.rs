use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use outdial_domain::call::CallStatus;
use outdial_twilio::{
    Backoff, CallUpdate, Carrier, Credentials, Detection, ErrorKind, NewCall, TwilioClient,
};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request the fake Twilio received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
    form: Vec<(String, String)>,
}

/// A fake Twilio: answers each request with the next scripted answer (then 201/200 with a call).
#[derive(Clone, Default)]
struct Fake {
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Mutex<VecDeque<(u16, String)>>>,
}

/// A call id as the carrier writes it.
fn sid(s: &str) -> outdial_domain::call::CallSid {
    outdial_domain::call::CallSid::parse(s).unwrap()
}

const CALL: &str = r#"{"sid":"CA0123","status":"queued","duration":null,"price":null,"price_unit":"USD","answered_by":null}"#;

async fn answer(fake: &Fake, seen: Seen) -> axum::response::Response {
    fake.seen.lock().unwrap().push(seen);
    let next = fake.script.lock().unwrap().pop_front();
    let (status, body) = next.unwrap_or((201, CALL.to_string()));
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    (StatusCode::from_u16(status).unwrap(), headers, body).into_response()
}

fn read_form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn start(fake: Fake) -> String {
    let app =
        Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Calls.json",
                post(
                    |State(f): State<Fake>,
                     Path(account): Path<String>,
                     h: HeaderMap,
                     body: String| async move {
                        answer(
                            &f,
                            Seen {
                                method: "POST".into(),
                                path: format!("/{account}/Calls.json"),
                                authorization: auth(&h),
                                form: read_form(&body),
                            },
                        )
                        .await
                    },
                ),
            )
            .route(
                "/2010-04-01/Accounts/{account}/Calls/{sid}",
                post(
                    |State(f): State<Fake>,
                     Path((account, sid)): Path<(String, String)>,
                     h: HeaderMap,
                     body: String| async move {
                        answer(
                            &f,
                            Seen {
                                method: "POST".into(),
                                path: format!("/{account}/Calls/{sid}"),
                                authorization: auth(&h),
                                form: read_form(&body),
                            },
                        )
                        .await
                    },
                )
                .get(
                    |State(f): State<Fake>,
                     Path((account, sid)): Path<(String, String)>,
                     h: HeaderMap| async move {
                        answer(
                            &f,
                            Seen {
                                method: "GET".into(),
                                path: format!("/{account}/Calls/{sid}"),
                                authorization: auth(&h),
                                form: vec![],
                            },
                        )
                        .await
                    },
                ),
            )
            .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn auth(h: &HeaderMap) -> String {
    h.get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn creds() -> Credentials {
    Credentials {
        account_sid: "AC0000000000000000000000000000000a".into(),
        auth_token: "secret-token".into(),
    }
}

fn client(base: &str) -> TwilioClient {
    TwilioClient::new(base).with_backoff(Backoff {
        attempts: 3,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    })
}

fn new_call() -> NewCall {
    NewCall {
        to: "+18134893222".into(),
        from: "+18134893200".into(),
        url: "https://o.example/twilio/voice?call=7".into(),
        status_callback: "https://o.example/twilio/status?call=7".into(),
        timeout_seconds: 25,
        time_limit_seconds: Some(1800),
        machine_detection: Some(Detection {
            detect_message_end: true,
            timeout_seconds: 30,
            callback: Some("https://o.example/twilio/amd?call=7".into()),
        }),
        recording_callback: Some("https://o.example/twilio/recording?call=7".into()),
    }
}

#[tokio::test]
async fn a_call_is_created_with_basic_auth_and_every_field() {
    let fake = Fake::default();
    let base = start(fake.clone()).await;
    let info = client(&base)
        .create_call(&creds(), &new_call())
        .await
        .unwrap();
    assert_eq!(info.sid, "CA0123");
    assert_eq!(info.status, CallStatus::Queued);
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.path, "/AC0000000000000000000000000000000a/Calls.json");
    use base64::Engine;
    let expected = base64::engine::general_purpose::STANDARD
        .encode("AC0000000000000000000000000000000a:secret-token");
    assert_eq!(s.authorization, format!("Basic {expected}"));
    let get = |k: &str| {
        s.form
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(get("To"), ["+18134893222"]);
    assert_eq!(get("From"), ["+18134893200"]);
    assert_eq!(get("Url"), ["https://o.example/twilio/voice?call=7"]);
    assert_eq!(
        get("StatusCallbackEvent"),
        ["initiated", "ringing", "answered", "completed"]
    );
    assert_eq!(get("MachineDetection"), ["DetectMessageEnd"]);
    assert_eq!(get("AsyncAmd"), ["true"]);
    assert_eq!(get("Record"), ["true"]);
    assert_eq!(get("TimeLimit"), ["1800"]);
}

#[tokio::test]
async fn rate_limits_are_retried_with_backoff_then_succeed() {
    let fake = Fake::default();
    fake.script.lock().unwrap().extend([
        (
            429,
            r#"{"code":20429,"message":"Too Many Requests"}"#.to_string(),
        ),
        (503, "unavailable".to_string()),
    ]);
    let base = start(fake.clone()).await;
    let info = client(&base)
        .create_call(&creds(), &new_call())
        .await
        .unwrap();
    assert_eq!(info.sid, "CA0123");
    assert_eq!(fake.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_creation_that_may_have_happened_is_not_sent_twice() {
    let fake = Fake::default();
    fake.script.lock().unwrap().push_back((
        500,
        r#"{"code":20500,"message":"Internal Server Error"}"#.into(),
    ));
    let base = start(fake.clone()).await;
    let err = client(&base)
        .create_call(&creds(), &new_call())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert_eq!(err.code, Some(20500));
    assert_eq!(fake.seen.lock().unwrap().len(), 1, "no second call placed");
}

#[tokio::test]
async fn fetches_are_retried_on_server_errors_and_give_up_after_the_last_try() {
    let fake = Fake::default();
    fake.script.lock().unwrap().extend([
        (500, String::new()),
        (502, String::new()),
        (
            200,
            r#"{"sid":"CA9","status":"completed","duration":"42","price":"-0.01300","price_unit":"USD","answered_by":"human"}"#.into(),
        ),
    ]);
    let base = start(fake.clone()).await;
    let c = client(&base);
    let info = c.fetch_call(&creds(), &sid("CA9")).await.unwrap();
    assert_eq!(info.status, CallStatus::Completed);
    assert_eq!(info.duration_seconds, Some(42));
    assert_eq!(info.price.as_deref(), Some("-0.01300"));
    assert_eq!(fake.seen.lock().unwrap()[2].method, "GET");

    fake.script.lock().unwrap().extend([
        (500, String::new()),
        (500, String::new()),
        (500, String::new()),
    ]);
    let err = c.fetch_call(&creds(), &sid("CA9")).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.is_transient());
    assert_eq!(fake.seen.lock().unwrap().len(), 6);
}

#[tokio::test]
async fn invalid_numbers_and_bad_credentials_are_not_retried() {
    let fake = Fake::default();
    fake.script.lock().unwrap().extend([
        (400, r#"{"code":21211,"message":"The 'To' number 12345 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"#.to_string()),
        (401, r#"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#.to_string()),
    ]);
    let base = start(fake.clone()).await;
    let c = client(&base);
    let err = c.create_call(&creds(), &new_call()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidNumber);
    assert!(
        err.to_string().contains("21211") && err.to_string().contains("not a valid phone number")
    );
    let err = c.create_call(&creds(), &new_call()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Authentication);
    assert!(!err.is_transient());
    assert_eq!(fake.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn hangups_and_redirects_post_the_right_fields() {
    let fake = Fake::default();
    let base = start(fake.clone()).await;
    let c = client(&base);
    c.update_call(&creds(), &sid("CA5"), &CallUpdate::Hangup)
        .await
        .unwrap();
    c.update_call(
        &creds(),
        &sid("CA5"),
        &CallUpdate::Redirect("https://o.example/next".into()),
    )
    .await
    .unwrap();
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(
        seen[0].path,
        "/AC0000000000000000000000000000000a/Calls/CA5.json"
    );
    assert_eq!(
        seen[0].form,
        vec![("Status".to_string(), "completed".to_string())]
    );
    assert!(
        seen[1]
            .form
            .contains(&("Url".to_string(), "https://o.example/next".to_string()))
    );
}

#[tokio::test]
async fn an_unreachable_api_is_a_transient_error_not_a_hang() {
    let c = client("http://127.0.0.1:9");
    let err = c.create_call(&creds(), &new_call()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(format!("{:?}", creds()).contains("[redacted]"));
    assert!(!format!("{:?}", creds()).contains("secret-token"));
}

/// A fake Twilio with two pages of numbers and one recording (served whole or by `Range`).
async fn start_media() -> (String, Arc<Mutex<Vec<Seen>>>) {
    use axum::extract::RawQuery;
    use axum::routing::get;
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let audio: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json",
            get(
                |State(seen): State<Arc<Mutex<Vec<Seen>>>>,
                 Path(account): Path<String>,
                 RawQuery(query): RawQuery,
                 h: HeaderMap| async move {
                    let query = query.unwrap_or_default();
                    seen.lock().unwrap().push(Seen {
                        method: "GET".into(),
                        path: format!("/{account}/IncomingPhoneNumbers.json?{query}"),
                        authorization: auth(&h),
                        form: vec![],
                    });
                    let body = if query.contains("Page=1") {
                        serde_json::json!({
                            "incoming_phone_numbers": [
                                {"phone_number": "+18134893202", "friendly_name": "Fax", "capabilities": {"voice": false}}
                            ],
                            "next_page_uri": null
                        })
                    } else {
                        serde_json::json!({
                            "incoming_phone_numbers": [
                                {"phone_number": "+18134893200", "friendly_name": "Tampa office", "capabilities": {"voice": true, "sms": true}},
                                {"phone_number": "+18134893201", "friendly_name": null}
                            ],
                            "next_page_uri": format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json?PageSize=1000&Page=1&PageToken=PT1")
                        })
                    };
                    axum::Json(body)
                },
            ),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Recordings/{file}",
            get(
                move |State(seen): State<Arc<Mutex<Vec<Seen>>>>,
                      Path((account, file)): Path<(String, String)>,
                      h: HeaderMap| {
                    let audio = audio.clone();
                    async move {
                        seen.lock().unwrap().push(Seen {
                            method: "GET".into(),
                            path: format!("/{account}/Recordings/{file}"),
                            authorization: auth(&h),
                            form: vec![("Range".into(), h.get("range").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default())],
                        });
                        if file != "RE0123456789abcdef0123456789abcdef.mp3" {
                            let body = r#"{"code":20404,"message":"The requested resource was not found","status":404}"#;
                            return (StatusCode::NOT_FOUND, [("content-type", "application/json")], body.to_string().into_bytes()).into_response();
                        }
                        if h.get("range").is_some_and(|r| r == "bytes=10-19") {
                            return (
                                StatusCode::PARTIAL_CONTENT,
                                [("content-type", "audio/mpeg"), ("content-range", "bytes 10-19/1000")],
                                audio[10..20].to_vec(),
                            )
                                .into_response();
                        }
                        ([("content-type", "audio/mpeg")], audio).into_response()
                    }
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

async fn collect(mut media: outdial_twilio::RecordingMedia) -> Vec<u8> {
    use futures_util::StreamExt;
    let mut out = Vec::new();
    while let Some(chunk) = media.body.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

#[tokio::test]
async fn the_accounts_numbers_are_read_page_after_page() {
    let (base, seen) = start_media().await;
    let numbers = client(&base).list_numbers(&creds()).await.unwrap();
    let listed: Vec<(&str, &str, bool)> = numbers
        .iter()
        .map(|n| (n.phone_number.as_str(), n.friendly_name.as_str(), n.voice))
        .collect();
    assert_eq!(
        listed,
        [
            ("+18134893200", "Tampa office", true),
            ("+18134893201", "", true),
            ("+18134893202", "Fax", false),
        ]
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "two pages");
    assert!(seen[1].path.contains("PageToken=PT1"), "{:?}", seen[1]);
    assert!(seen.iter().all(|s| s.authorization.starts_with("Basic ")));
}

#[tokio::test]
async fn a_recording_arrives_whole_or_by_range_and_bad_ids_never_leave() {
    let (base, seen) = start_media().await;
    let twilio = client(&base);
    let sid = "RE0123456789abcdef0123456789abcdef";
    let whole = twilio.fetch_recording(&creds(), sid, None).await.unwrap();
    assert_eq!(
        (whole.status, whole.content_type.as_str()),
        (200, "audio/mpeg")
    );
    assert_eq!(whole.content_length, Some(1000));
    let bytes = collect(whole).await;
    assert_eq!(bytes.len(), 1000);
    assert_eq!(bytes[257], 1);

    let part = twilio
        .fetch_recording(&creds(), sid, Some("bytes=10-19"))
        .await
        .unwrap();
    assert_eq!(part.status, 206);
    assert_eq!(part.content_range.as_deref(), Some("bytes 10-19/1000"));
    assert_eq!(collect(part).await, (10..20u8).collect::<Vec<_>>());

    let gone = twilio
        .fetch_recording(&creds(), "RE00000000000000000000000000000000", None)
        .await
        .unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound, "{gone}");
    let before = seen.lock().unwrap().len();
    for bad in [
        "../Calls",
        "RE0123/../../x",
        "CA0123456789abcdef0123456789abcdef",
    ] {
        let e = twilio
            .fetch_recording(&creds(), bad, None)
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{bad}");
    }
    assert_eq!(seen.lock().unwrap().len(), before, "bad ids are never sent");
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[1].form,
        [("Range".to_string(), "bytes=10-19".to_string())]
    );
    assert!(seen[0].authorization.starts_with("Basic "));
}
