use crate::helpers::*;
use outdial_domain::PhoneNumber;
use outdial_storage::StorageError;
use outdial_storage::calls::{self, NewCall};
use outdial_storage::conversations::turns::{self, NewTurn, Speaker};
use outdial_storage::conversations::{self, Progress};
use serde_json::json;

fn turn(speaker: Speaker, text: &str, confidence: Option<f64>) -> NewTurn {
    NewTurn {
        speaker,
        text: text.into(),
        confidence,
        data: None,
    }
}

#[tokio::test]
async fn a_conversation_keeps_its_turns_in_order_and_ends_once() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let (from, to) = (
        PhoneNumber::parse_e164("+18134893200").unwrap(),
        PhoneNumber::parse_e164("+18134893201").unwrap(),
    );
    let call = calls::create(
        &mut conn,
        w.a,
        &NewCall {
            campaign: None,
            lead: None,
            call_type: "single",
            from: &from,
            to: &to,
            extension: None,
        },
        NOW,
    )
    .await
    .unwrap();
    let state = json!({ "step": "ask" });
    let nothing = json!({});
    let running = Progress {
        state: &state,
        extracted: &nothing,
        outcome: None,
        callback_at: None,
        tokens: 5,
    };
    conversations::save(&mut conn, w.a, call.id, "flow", &running, NOW)
        .await
        .unwrap();
    // Turns with and without a confidence, in any order: each is stored as it came (PostgreSQL
    // takes a confidence after a turn without one).
    turns::add(
        &mut conn,
        call.id,
        &[
            turn(Speaker::Agent, "Guten Tag!", None),
            turn(Speaker::Person, "Donnerstag um 15 Uhr", Some(0.91)),
            turn(Speaker::Tool, "offered", None),
            turn(Speaker::Person, "ja", Some(0.5)),
        ],
        NOW + 1,
    )
    .await
    .unwrap();
    let stored = turns::list(&mut conn, w.a, call.id).await.unwrap();
    let seen: Vec<(&str, Option<f64>)> = stored
        .iter()
        .map(|t| (t.text.as_str(), t.confidence))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("Guten Tag!", None),
            ("Donnerstag um 15 Uhr", Some(0.91)),
            ("offered", None),
            ("ja", Some(0.5)),
        ]
    );
    // Another tenant sees none of it.
    assert!(
        turns::list(&mut conn, w.b, call.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        conversations::get_for_call(&mut conn, w.b, call.id)
            .await
            .unwrap()
            .is_none()
    );

    let learned = json!({ "intent": "yes", "booked_at": NOW + 86_400_000 });
    let ended = Progress {
        state: &state,
        extracted: &learned,
        outcome: Some("appointment_booked"),
        callback_at: Some(NOW + 3_600_000),
        tokens: 7,
    };
    conversations::save(&mut conn, w.a, call.id, "flow", &ended, NOW + 2)
        .await
        .unwrap();
    let got = conversations::get_for_call(&mut conn, w.a, call.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.outcome.as_deref(), Some("appointment_booked"));
    assert_eq!(got.tokens, 12, "tokens add up over the turns");
    assert_eq!(got.extracted, learned);
    assert_eq!(
        conversations::callbacks_of(&mut conn, &[call.id])
            .await
            .unwrap(),
        vec![(call.id, NOW + 3_600_000)]
    );
    // Ended: a late webhook's turn changes nothing.
    let late = conversations::save(&mut conn, w.a, call.id, "flow", &running, NOW + 3).await;
    assert!(matches!(late, Err(StorageError::Conflict(_))), "{late:?}");
    let counts = conversations::outcome_counts(&mut conn, w.a, None, NOW, NOW + 10)
        .await
        .unwrap();
    assert_eq!(counts, vec![("appointment_booked".to_string(), 1)]);
    assert!(
        conversations::outcome_counts(&mut conn, w.b, None, NOW, NOW + 10)
            .await
            .unwrap()
            .is_empty()
    );
}
