use crate::helpers::*;
use outdial_domain::call::{CallStatus, Outcome};
use outdial_domain::lead::{AfterCall, LeadStatus};
use outdial_domain::{LeadId, PhoneNumber};
use outdial_storage::calls::{self, CallFilter, NewCall};
use outdial_storage::carrier_accounts::{self, CarrierAccount};
use outdial_storage::{StorageError, leads};
use serde_json::json;

/// Records a call from the tenant's number to `to`.
async fn new_call(
    conn: &mut outdial_storage::Conn,
    tenant: outdial_domain::TenantId,
    to: &str,
    now: i64,
) -> outdial_storage::Result<calls::Call> {
    let (from, to) = (
        PhoneNumber::parse_e164("+18134893200").unwrap(),
        PhoneNumber::parse_e164(to).unwrap(),
    );
    let call = NewCall {
        campaign: None,
        lead: None,
        call_type: "single",
        from: &from,
        to: &to,
        extension: None,
    };
    calls::create(conn, tenant, &call, now).await
}

#[tokio::test]
async fn repeated_events_are_stored_once_and_calls_are_scoped_to_their_tenant() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    let call = new_call(&mut conn, w.a, "+18134893222", NOW).await.unwrap();
    assert_eq!(call.status, CallStatus::Queued);
    let detail = json!({"CallStatus": "ringing"});
    assert!(
        calls::add_event(
            &mut conn,
            call.id,
            "status",
            Some("ringing"),
            Some(1),
            &detail,
            NOW
        )
        .await
        .unwrap()
    );
    assert!(
        !calls::add_event(
            &mut conn,
            call.id,
            "status",
            Some("ringing"),
            Some(1),
            &detail,
            NOW + 5
        )
        .await
        .unwrap()
    );
    // Events without a sequence (voice requests, gathers) are all kept.
    assert!(
        calls::add_event(
            &mut conn,
            call.id,
            "gather",
            None,
            None,
            &json!({"Digits": "1"}),
            NOW
        )
        .await
        .unwrap()
    );
    assert!(
        calls::add_event(
            &mut conn,
            call.id,
            "gather",
            None,
            None,
            &json!({"Digits": "1"}),
            NOW
        )
        .await
        .unwrap()
    );
    let events = calls::events(&mut conn, call.id).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].detail, detail);

    let mut tx = w.db.store.begin().await.unwrap();
    let mut locked = calls::lock(&mut tx, w.a, call.id).await.unwrap();
    locked.call_sid = Some(outdial_domain::call::CallSid::parse("CA1").unwrap());
    locked.status = CallStatus::Completed;
    locked.outcome = Some(Outcome::Answered);
    locked.ringing_at = Some(NOW + 1_000);
    locked.answered_at = Some(NOW + 6_000);
    locked.ended_at = Some(NOW + 40_000);
    locked.talk_seconds = Some(34);
    let saved = calls::save(&mut tx, &locked, NOW + 40_000).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.ring_seconds, Some(5));
    assert_eq!(saved.outcome, Some(Outcome::Answered));

    // The other tenant sees nothing.
    assert!(matches!(
        calls::get_by_id(&mut conn, w.b, call.id).await,
        Err(StorageError::NotFound)
    ));
    let (none, total) = calls::list(
        &mut conn,
        w.b,
        &CallFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(none.is_empty() && total == 0);

    // A carrier id belongs to one call.
    let other = new_call(&mut conn, w.a, "+18134893223", NOW).await.unwrap();
    let mut dup = other.clone();
    dup.call_sid = Some(outdial_domain::call::CallSid::parse("CA1").unwrap());
    assert!(matches!(
        calls::save(&mut conn, &dup, NOW).await,
        Err(StorageError::Conflict(_))
    ));
}

#[tokio::test]
async fn call_lists_filter_and_page_newest_first() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    for i in 0..5 {
        let mut c = new_call(&mut conn, w.a, &format!("+1813489322{i}"), NOW + i * 1000)
            .await
            .unwrap();
        if i % 2 == 0 {
            c.status = CallStatus::Busy;
            c.outcome = Some(Outcome::Busy);
            calls::save(&mut conn, &c, NOW).await.unwrap();
        }
    }
    let (page, total) = calls::list(
        &mut conn,
        w.a,
        &CallFilter {
            limit: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total, 5);
    assert_eq!(
        page.iter().map(|c| c.to.as_str()).collect::<Vec<_>>(),
        ["+18134893224", "+18134893223"]
    );
    let (next, _) = calls::list(
        &mut conn,
        w.a,
        &CallFilter {
            limit: 2,
            before: Some(page[1].id.0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(next[0].to, "+18134893222");
    let (busy, total) = calls::list(
        &mut conn,
        w.a,
        &CallFilter {
            limit: 10,
            outcome: Some(Outcome::Busy),
            from: Some(NOW + 1000),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total, 2);
    assert!(busy.iter().all(|c| c.status == CallStatus::Busy));
}

#[tokio::test]
async fn carrier_accounts_are_replaced_and_never_printed() {
    let w = world().await;
    let mut conn = w.db.store.conn().await.unwrap();
    assert_eq!(
        carrier_accounts::get_for(&mut conn, w.a).await.unwrap(),
        None
    );
    let mut account = CarrierAccount {
        account_sid: "AC1".into(),
        auth_token: "token-one".into(),
        webhook_key: None,
        updated_at: NOW,
    };
    carrier_accounts::put(&mut conn, w.a, &account)
        .await
        .unwrap();
    account.auth_token = "token-two".into();
    account.webhook_key = Some("shared".into());
    carrier_accounts::put(&mut conn, w.a, &account)
        .await
        .unwrap();
    let got = carrier_accounts::get_for(&mut conn, w.a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, account);
    assert!(!format!("{got:?}").contains("token-two") && !format!("{got:?}").contains("shared"));
    assert_eq!(
        carrier_accounts::get_for(&mut conn, w.b).await.unwrap(),
        None
    );
    assert!(carrier_accounts::delete(&mut conn, w.a).await.unwrap());
}

#[tokio::test]
async fn batches_of_reports_are_read_and_written_set_wise() {
    let w = world().await;
    let spring = campaign(&w, w.a, "Spring").await;
    let mut tx = w.db.store.begin().await.unwrap();
    let ada = leads::create(&mut tx, w.a, spring.id, &lead("8134893222"), NOW)
        .await
        .unwrap();
    let bob = leads::create(&mut tx, w.a, spring.id, &lead("8134893223"), NOW)
        .await
        .unwrap();
    leads::claim_for_call(&mut tx, w.a, ada.id, NOW)
        .await
        .unwrap()
        .unwrap();
    let one = new_call(&mut tx, w.a, "+18134893222", NOW).await.unwrap();
    let two = new_call(&mut tx, w.b, "+18134893223", NOW).await.unwrap();
    assert!(
        calls::add_event(
            &mut tx,
            one.id,
            "status",
            Some("initiated"),
            Some(0),
            &json!({}),
            NOW
        )
        .await
        .unwrap()
    );

    // Missing ids are left out; rows come in id order.
    let locked = calls::lock_many(&mut tx, &[two.id, outdial_domain::CallId(999_999), one.id])
        .await
        .unwrap();
    assert_eq!(
        locked.iter().map(|c| c.id).collect::<Vec<_>>(),
        [one.id, two.id]
    );
    let known = calls::sequences(&mut tx, "status", &[one.id, two.id])
        .await
        .unwrap();
    assert_eq!(known, [(one.id, 0)].into_iter().collect());

    // A repeat of a stored event and a repeat inside the batch are each stored once; text
    // that looks like SQL or JSON is stored as it came.
    let event = |call: outdial_domain::CallId, seq: i64, detail: &str| calls::NewEvent {
        call_id: call,
        kind: "status".into(),
        status: Some("ringing".into()),
        sequence: Some(seq),
        detail: json!({"Note": detail}).to_string(),
        received_at: NOW + seq,
    };
    let odd = r#"O'Brien "Ltd" \ ]}' ; DROP TABLE calls; --"#;
    calls::add_events(
        &mut tx,
        &[
            event(one.id, 0, "repeat"),
            event(one.id, 1, odd),
            event(one.id, 1, "again"),
            event(two.id, 1, "other tenant"),
        ],
    )
    .await
    .unwrap();
    let timeline = calls::events(&mut tx, one.id).await.unwrap();
    assert_eq!(
        timeline.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [Some(0), Some(1)]
    );
    assert_eq!(timeline[1].detail["Note"], odd);
    assert_eq!(calls::events(&mut tx, two.id).await.unwrap().len(), 1);

    // Changed calls are written back with every field, NULLs included.
    let mut first = locked[0].clone();
    first.status = CallStatus::Completed;
    first.outcome = Some(Outcome::Answered);
    first.error_message = Some(odd.into());
    first.talk_seconds = Some(42);
    first.call_sid = Some(outdial_domain::call::CallSid::parse("CA01").unwrap());
    first.updated_at = NOW + 5;
    let mut second = locked[1].clone();
    second.status = CallStatus::Ringing;
    second.ringing_at = Some(NOW + 1);
    second.updated_at = NOW + 6;
    calls::save_many(&mut tx, &[first.clone(), second.clone()])
        .await
        .unwrap();
    let stored = calls::get_by_id(&mut tx, w.a, one.id).await.unwrap();
    assert_eq!(stored.status, CallStatus::Completed);
    assert_eq!(stored.error_message.as_deref(), Some(odd));
    assert_eq!(stored.talk_seconds, Some(42));
    assert_eq!(stored.updated_at, NOW + 5);
    assert_eq!(stored.answered_at, None);
    let stored = calls::get_by_id(&mut tx, w.b, two.id).await.unwrap();
    assert_eq!(stored.ringing_at, Some(NOW + 1));
    tx.commit().await.unwrap();
    // Two calls cannot take the same carrier id (the transaction is then spoilt, as with any
    // failed statement on PostgreSQL).
    second.call_sid = Some(outdial_domain::call::CallSid::parse("CA01").unwrap());
    let mut tx = w.db.store.begin().await.unwrap();
    assert!(matches!(
        calls::save_many(&mut tx, &[second]).await,
        Err(StorageError::Conflict(_))
    ));
    drop(tx);

    // Leads: read many at once, and only a lead being dialed takes an attempt's end.
    let mut tx = w.db.store.begin().await.unwrap();
    let found = leads::get_many(&mut tx, &[ada.id, bob.id, LeadId(999_999)])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    let after = AfterCall {
        status: LeadStatus::Retry,
        attempts: 1,
        next_attempt_at: Some(NOW + 3_600_000),
    };
    leads::finish_attempts(&mut tx, &[(ada.id, after), (bob.id, after)], NOW + 9)
        .await
        .unwrap();
    let ada = leads::get_by_id(&mut tx, w.a, ada.id).await.unwrap();
    assert_eq!(ada.status, LeadStatus::Retry);
    assert_eq!(ada.attempts, 1);
    assert_eq!(ada.next_attempt_at, Some(NOW + 3_600_000));
    let bob = leads::get_by_id(&mut tx, w.a, bob.id).await.unwrap();
    assert_eq!(bob.status, LeadStatus::New, "not being dialed: untouched");
    assert_eq!(bob.attempts, 0);
}
