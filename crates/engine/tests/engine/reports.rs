//! Carrier reports applied to calls: in any order and any number of repeats, a call's status
//! only moves forward, each report is stored once, and its lead is finished once.

use crate::harness::*;
use outdial_domain::call::CallStatus::{self, *};
use outdial_domain::campaign::CampaignStatus;
use outdial_domain::lead::LeadStatus;
use outdial_engine::telephony::events::Applied;
use outdial_storage::calls;
use serde_json::json;

/// Every order of the four reports of an answered call.
fn orders() -> Vec<Vec<(CallStatus, i64)>> {
    let reports = [(Ringing, 0), (InProgress, 1), (Completed, 2), (Ringing, 3)];
    let mut out = Vec::new();
    let mut idx = [0, 1, 2, 3];
    // Heap's algorithm, iteratively.
    let mut c = [0usize; 4];
    out.push(idx.iter().map(|&i| reports[i]).collect());
    let mut i = 0;
    while i < 4 {
        if c[i] < i {
            if i % 2 == 0 {
                idx.swap(0, i);
            } else {
                idx.swap(c[i], i);
            }
            out.push(idx.iter().map(|&i| reports[i]).collect());
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    out
}

#[tokio::test]
async fn calls_end_right_whatever_order_and_repeats_the_carrier_sends() {
    let orders = orders();
    assert_eq!(orders.len(), 24);
    let w = World::new(json!({ "max_concurrent_calls": 50 }), 1000).await;
    for n in 0..orders.len() {
        w.lead(&format!("+121248932{n:02}")).await;
    }
    w.set_status(CampaignStatus::Draft, CampaignStatus::Running, NY_MORNING)
        .await;
    let placed = w.turn(NY_MORNING).await;
    assert_eq!(placed.len(), orders.len());
    for (call, order) in placed.iter().zip(&orders) {
        let mut now = NY_MORNING;
        for &(status, seq) in order {
            now += 100;
            w.report(call, status, seq, now).await;
            // Every report is repeated: the repeat changes nothing.
            assert_eq!(
                w.report(call, status, seq, now + 1).await,
                Applied::Duplicate
            );
        }
        let mut conn = w.db.store.conn().await.unwrap();
        let stored = calls::get_by_id(&mut conn, w.tenant, call.id)
            .await
            .unwrap();
        assert_eq!(stored.status, Completed, "{order:?}");
        assert_eq!(
            stored.outcome.map(|o| o.as_str()),
            Some("answered"),
            "{order:?}"
        );
        let mut sequences: Vec<i64> = calls::events(&mut conn, call.id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.kind == "status")
            .filter_map(|e| e.sequence)
            .collect();
        sequences.sort_unstable();
        assert_eq!(sequences, [0, 1, 2, 3], "each status event stored once");
        let lead = w.lead_now(call.lead_id.unwrap()).await;
        assert_eq!(
            (lead.status, lead.attempts),
            (LeadStatus::Completed, 1),
            "{order:?}"
        );
    }
}

#[tokio::test]
async fn a_report_for_another_tenants_call_changes_nothing() {
    let w = World::new(json!({}), 1000).await;
    w.lead("+12124893260").await;
    w.set_status(CampaignStatus::Draft, CampaignStatus::Running, NY_MORNING)
        .await;
    let call = w.turn(NY_MORNING).await.remove(0);
    let mut conn = w.db.store.conn().await.unwrap();
    let other = outdial_storage::tenants::create(&mut conn, "Others", NY_MORNING)
        .await
        .unwrap()
        .id;
    drop(conn);
    let event = outdial_twilio::webhook::CallEvent {
        call_sid: outdial_domain::call::CallSid::parse("CA00000000000000000000000000000001")
            .unwrap(),
        account_sid: "AC00112233445566778899aabbccddeeff".into(),
        status: Completed,
        sequence: Some(0),
        duration_seconds: Some(3),
        answered_by: None,
        error_code: None,
        error_message: None,
        sip_response_code: None,
    };
    // Signed for another tenant's account: refused as about a call that does not exist.
    let refused = outdial_engine::telephony::events::apply_status(
        &w.db.store,
        other,
        call.id,
        "status",
        &event,
        &[],
        NY_MORNING,
    )
    .await;
    assert!(matches!(
        refused,
        Err(outdial_engine::EngineError::NotFound("call"))
    ));
    let mut conn = w.db.store.conn().await.unwrap();
    let stored = calls::get_by_id(&mut conn, w.tenant, call.id)
        .await
        .unwrap();
    assert_eq!(stored.status, CallStatus::Queued);
}

#[tokio::test]
async fn a_batch_applies_each_report_and_answers_for_each_even_a_missing_call() {
    use outdial_engine::telephony::events::{Report, apply_batch};
    let w = World::new(json!({}), 1000).await;
    for n in 0..2 {
        w.lead(&format!("+1212489327{n}")).await;
    }
    w.set_status(CampaignStatus::Draft, CampaignStatus::Running, NY_MORNING)
        .await;
    let placed = w.turn(NY_MORNING).await;
    let event = |call: i64, status, seq| outdial_twilio::webhook::CallEvent {
        call_sid: outdial_domain::call::CallSid::parse(&format!("CA{call:032x}")).unwrap(),
        account_sid: "AC00112233445566778899aabbccddeeff".into(),
        status,
        sequence: Some(seq),
        duration_seconds: None,
        answered_by: None,
        error_code: None,
        error_message: None,
        sip_response_code: None,
    };
    let (a, b) = (placed[0].id, placed[1].id);
    let missing = outdial_domain::CallId(b.0 + 1000);
    // Sorted by call, as the queue hands them over; b's report comes twice.
    let mut reports = [
        Report::new(w.tenant, a, event(a.0, Ringing, 0), vec![], NY_MORNING),
        Report::new(w.tenant, b, event(b.0, Ringing, 0), vec![], NY_MORNING),
        Report::new(w.tenant, b, event(b.0, Ringing, 0), vec![], NY_MORNING),
        Report::new(
            w.tenant,
            missing,
            event(missing.0, Ringing, 0),
            vec![],
            NY_MORNING,
        ),
    ];
    reports.sort_by_key(|r| r.call_id());
    let refs: Vec<&Report> = reports.iter().collect();
    let results = apply_batch(&w.db.store, None, "status", &refs)
        .await
        .unwrap();
    let applied: Vec<Option<Applied>> = results.into_iter().map(Result::ok).collect();
    assert_eq!(
        applied,
        [
            Some(Applied::Advanced),
            Some(Applied::Advanced),
            Some(Applied::Duplicate),
            None
        ]
    );
    let mut conn = w.db.store.conn().await.unwrap();
    for id in [a, b] {
        let call = calls::get_by_id(&mut conn, w.tenant, id).await.unwrap();
        assert_eq!(call.status, Ringing);
    }
}
