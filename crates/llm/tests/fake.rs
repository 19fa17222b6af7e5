//! The client against a fake OpenAI-compatible server on loopback that speaks the real
//! protocol: tool calls, text, streamed answers split mid-event, refused keys, rate limits,
//! errors, answers that are not completions, and answers too slow to wait for.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use outdial_llm::{ChatRequest, Client, LlmError, Message, Provider, Tool};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "sk-test-secret-123";

/// What the fake answers next, and what it was sent.
#[derive(Clone, Default)]
struct Fake {
    mode: Arc<Mutex<String>>,
    seen: Arc<Mutex<Vec<Value>>>,
}

async fn completions(State(f): State<Fake>, headers: HeaderMap, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap();
    f.seen.lock().unwrap().push(body.clone());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}"))
    {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"error":{"message":"Incorrect API key provided"}}"#,
        )
            .into_response();
    }
    let mode = f.mode.lock().unwrap().clone();
    match mode.as_str() {
        "tool" => axum::Json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
            "choices": [{ "index": 0, "finish_reason": "tool_calls", "message": { "role": "assistant", "content": null,
                "tool_calls": [{ "id": "call_1", "type": "function", "function": { "name": "check_availability", "arguments": "{\"when\":\"Donnerstag um 15 Uhr\"}" } }] } }],
            "usage": { "prompt_tokens": 120, "completion_tokens": 18, "total_tokens": 138 }
        }))
        .into_response(),
        "text" => axum::Json(json!({
            "choices": [{ "index": 0, "finish_reason": "stop", "message": { "role": "assistant", "content": "Gerne! Wann hätten Sie Zeit?" } }]
        }))
        .into_response(),
        "stream" => {
            // Events split at awkward places: inside a line, inside a JSON string.
            let events = concat!(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Don\"}}]}\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"nerstag passt.\"}}]}\n\n",
                ": keep-alive\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"book_app\",\"arguments\":\"\"}}]}}]}\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"ointment\",\"arguments\":\"{\\\"slot\\\":\"}}]}}]}\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"s1\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":9}}\n\n",
                "data: [DONE]\n\n",
            );
            let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
                events.as_bytes().chunks(37).map(|c| Ok(c.to_vec())).collect();
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(futures_util::stream::iter(pieces)))
                .unwrap()
        }
        "cut" => Response::builder()
            .header("content-type", "text/event-stream")
            .body(Body::from("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"}}]}\n\n"))
            .unwrap(),
        "limited" => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "7")], r#"{"error":{"message":"Rate limit reached"}}"#).into_response(),
        "broken" => (StatusCode::INTERNAL_SERVER_ERROR, r#"{"error":{"message":"The server had an error"}}"#).into_response(),
        "garbage" => (StatusCode::OK, "<html>hello</html>").into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            axum::Json(json!({})).into_response()
        }
        other => panic!("unknown mode {other}"),
    }
}

async fn fake() -> (String, Fake) {
    let fake = Fake::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

fn client(base: &str, key: &str) -> Client {
    Client::new(
        reqwest::Client::new(),
        Provider {
            base_url: base.into(),
            model: "gpt-test".into(),
            api_key: Some(key.into()),
            timeout: Duration::from_secs(1),
        },
    )
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::system("Du buchst Termine."),
            Message::user("Donnerstag um 15 Uhr?"),
        ],
        tools: vec![Tool {
            name: "check_availability".into(),
            description: "Free slots near a time the person named".into(),
            parameters: json!({ "type": "object", "properties": { "when": { "type": "string" } }, "required": ["when"] }),
        }],
        max_tokens: Some(200),
        temperature: Some(0.2),
    }
}

#[tokio::test]
async fn tool_calls_and_text_come_back_and_the_request_is_what_the_api_expects() {
    let (base, fake) = fake().await;
    *fake.mode.lock().unwrap() = "tool".into();
    let c = client(&base, KEY);
    let reply = c.complete(&request()).await.unwrap();
    assert_eq!(reply.tool_calls.len(), 1);
    assert_eq!(reply.tool_calls[0].name, "check_availability");
    assert_eq!(
        reply.tool_calls[0].arguments,
        r#"{"when":"Donnerstag um 15 Uhr"}"#
    );
    assert_eq!(reply.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(
        reply.usage.map(|u| (u.prompt_tokens, u.completion_tokens)),
        Some((120, 18))
    );
    let sent = fake.seen.lock().unwrap()[0].clone();
    assert_eq!(sent["model"], "gpt-test");
    assert_eq!(sent["stream"], false);
    assert_eq!(
        sent["messages"][0],
        json!({ "role": "system", "content": "Du buchst Termine." })
    );
    assert_eq!(sent["tools"][0]["type"], "function");
    assert_eq!(sent["tools"][0]["function"]["name"], "check_availability");
    assert_eq!(sent["max_tokens"], 200);

    // The tool's result goes back with the call it answers.
    *fake.mode.lock().unwrap() = "text".into();
    let mut next = request();
    next.messages.push(Message::assistant(&reply));
    next.messages.push(Message::tool(
        "call_1",
        r#"{"free":["2026-11-19T15:00:00+01:00"]}"#,
    ));
    let answer = c.complete(&next).await.unwrap();
    assert_eq!(
        answer.content.as_deref(),
        Some("Gerne! Wann hätten Sie Zeit?")
    );
    let sent = fake.seen.lock().unwrap()[1].clone();
    assert_eq!(sent["messages"][2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(
        sent["messages"][3],
        json!({ "role": "tool", "content": "{\"free\":[\"2026-11-19T15:00:00+01:00\"]}", "tool_call_id": "call_1" })
    );
}

#[tokio::test]
async fn a_streamed_answer_is_assembled_from_its_pieces() {
    let (base, fake) = fake().await;
    *fake.mode.lock().unwrap() = "stream".into();
    let reply = client(&base, KEY)
        .complete_streaming(&request())
        .await
        .unwrap();
    assert_eq!(reply.content.as_deref(), Some("Donnerstag passt."));
    assert_eq!(reply.tool_calls.len(), 1);
    assert_eq!(reply.tool_calls[0].id, "call_9");
    assert_eq!(reply.tool_calls[0].name, "book_appointment");
    assert_eq!(reply.tool_calls[0].arguments, r#"{"slot":"s1"}"#);
    assert_eq!(reply.usage.map(|u| u.completion_tokens), Some(9));
    assert_eq!(fake.seen.lock().unwrap()[0]["stream"], true);
    // A stream that stops before its end is an error, not half an answer.
    *fake.mode.lock().unwrap() = "cut".into();
    let e = client(&base, KEY)
        .complete_streaming(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(e, LlmError::BadAnswer(ref m) if m.contains("ended before")),
        "{e:?}"
    );
}

#[tokio::test]
async fn failures_say_what_to_do_and_never_show_the_key() {
    let (base, fake) = fake().await;
    *fake.mode.lock().unwrap() = "text".into();
    let wrong = client(&base, "sk-wrong-key")
        .complete(&request())
        .await
        .unwrap_err();
    assert_eq!(wrong, LlmError::Unauthorized);
    for (mode, expected) in [
        ("limited", LlmError::RateLimited(7)),
        (
            "broken",
            LlmError::Failed {
                status: 500,
                message: "The server had an error".into(),
            },
        ),
        ("slow", LlmError::Timeout(1)),
    ] {
        *fake.mode.lock().unwrap() = mode.into();
        assert_eq!(
            client(&base, KEY).complete(&request()).await.unwrap_err(),
            expected,
            "{mode}"
        );
    }
    *fake.mode.lock().unwrap() = "garbage".into();
    let e = client(&base, KEY).complete(&request()).await.unwrap_err();
    assert!(matches!(e, LlmError::BadAnswer(_)), "{e:?}");
    // Nobody listening: unreachable, and neither the error nor the client shows the key.
    let gone = client("http://127.0.0.1:9/v1", KEY)
        .complete(&request())
        .await
        .unwrap_err();
    assert!(matches!(gone, LlmError::Unreachable(_)), "{gone:?}");
    assert!(!gone.to_string().contains(KEY));
    assert!(!format!("{:?}", client(&base, KEY)).contains(KEY));
}
