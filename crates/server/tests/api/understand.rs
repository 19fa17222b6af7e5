//! `POST /api/v1/understand`: the intent and the day and time of a sentence, resolved in the
//! person's time zone at the moment given, or at the server's clock.

use crate::helpers::*;
use outdial_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_sentence_is_understood_in_its_language_and_the_persons_time_zone() {
    let app = spawn_app().await;
    let m = app.member("Studio", Role::Agent).await;
    let (status, got) = app
        .post(
            "/api/v1/understand",
            &m.token,
            json!({ "text": "übermorgen halb vier", "lang": "de", "tz": "Europe/Berlin", "now": "2026-03-10T09:00:00+01:00" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(
        got["datetime"],
        json!({ "kind": "instant", "date": "2026-03-12", "time": "15:30", "from": null, "to": null })
    );
    let (_, got) = app
        .post(
            "/api/v1/understand",
            &m.token,
            json!({ "text": "take me off your list", "lang": "en-US" }),
        )
        .await;
    assert_eq!(got["intent"], "opt_out");
    assert!(got["confidence"].as_f64().unwrap() > 0.7, "{got}");
    assert!(got["datetime"].is_null());
    // Without a moment, the server's clock (the test's: Wednesday 2026-11-18, 12:06 in Berlin).
    let (_, got) = app
        .post(
            "/api/v1/understand",
            &m.token,
            json!({ "text": "Donnerstag um 15 Uhr?", "lang": "de", "tz": "Europe/Berlin" }),
        )
        .await;
    assert_eq!(got["intent"], "yes");
    assert_eq!(got["datetime"]["date"], "2026-11-19");
    assert_eq!(got["datetime"]["time"], "15:00");
    // Any IANA zone, any offset: 23:30 on the 9th in Etc/GMT+2 is already the 10th in UTC.
    let (_, got) = app
        .post(
            "/api/v1/understand",
            &m.token,
            json!({ "text": "tomorrow morning", "lang": "en", "tz": "Etc/GMT+2", "now": "2026-03-10T01:30:00Z" }),
        )
        .await;
    assert_eq!(
        got["datetime"],
        json!({ "kind": "part_of_day", "date": "2026-03-10", "time": null, "from": "08:00", "to": "12:00" })
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let app = spawn_app().await;
    let m = app.member("Studio", Role::Agent).await;
    for (body, field) in [
        (json!({ "text": "ja", "lang": "fr" }), "lang"),
        (json!({ "text": "ja", "tz": "Mars/Olympus" }), "tz"),
        (json!({ "text": "ja", "now": "next tuesday" }), "now"),
        (json!({ "text": "x".repeat(1001) }), "text"),
    ] {
        let (status, got) = app.post("/api/v1/understand", &m.token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
        assert_eq!(got["error"]["details"][0]["field"], field, "{got}");
    }
    let (status, _) = app
        .post("/api/v1/understand", &m.token, json!({ "lang": "de" }))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the text is required"
    );
    let status = app
        .request(Method::POST, "/api/v1/understand", None)
        .json(&json!({ "text": "ja" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
