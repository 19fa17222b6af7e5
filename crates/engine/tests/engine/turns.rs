//! The dialer's turn: caps, retries, paused campaigns and the reasons it gives for waiting,
//! each proved by the turns themselves at chosen moments.

use crate::harness::*;
use outdial_domain::call::CallStatus;
use outdial_domain::campaign::CampaignStatus::{self, *};
use outdial_domain::lead::LeadStatus;
use outdial_storage::leads;
use serde_json::json;

#[tokio::test]
async fn concurrency_and_the_daily_limit_hold() {
    let w = World::new(
        json!({ "max_concurrent_calls": 2, "daily_call_limit": 5 }),
        1000,
    )
    .await;
    for n in 0..8 {
        w.lead(&format!("+1212489320{n}")).await;
    }
    w.set_status(Draft, Running, NY_MORNING).await;
    let mut now = NY_MORNING;
    let mut made = 0;
    // Each round: a turn, a second turn that must place nothing more, then the calls end.
    while made < 5 {
        let calls = w.turn(now).await;
        assert!(
            !calls.is_empty() && calls.len() <= 2,
            "never more than two calls at once"
        );
        assert!(
            w.turn(now + 1).await.is_empty(),
            "two in flight: nothing more"
        );
        made += calls.len();
        if made < 5 {
            let (_, why, _) = w.campaign().await;
            assert_eq!(why.as_deref(), Some("maximum concurrent calls in flight"));
        }
        for c in &calls {
            w.ends(c, CallStatus::Completed, now + 5_000).await;
        }
        now += 10_000;
    }
    assert_eq!(made, 5);
    assert!(w.turn(now).await.is_empty());
    let (_, why, next) = w.campaign().await;
    assert_eq!(why.as_deref(), Some("daily limit reached"));
    // Tomorrow's window opens at 08:00 in New York: said, not left empty.
    assert_eq!(next, Some(NY_MORNING + 22 * HOUR), "2026-11-20T13:00Z");
    assert!(w.turn(now + MINUTE).await.is_empty());
    assert_eq!(w.calls("answered").await.0, 5);

    // The next day (past midnight in New York) lifts it.
    now += 24 * HOUR;
    for _ in 0..3 {
        for c in w.turn(now).await {
            w.ends(&c, CallStatus::Completed, now + 5_000).await;
        }
        now += 10_000;
    }
    w.turn(now).await;
    assert_eq!(w.campaign().await.0, Completed);
    assert_eq!(w.calls("answered").await.0, 8);
}

#[tokio::test]
async fn busy_numbers_are_retried_after_their_delay_until_their_attempts_run_out() {
    let retry = json!({
        "busy": { "delay_minutes": 10, "max_attempts": 2 },
        "no_answer": { "delay_minutes": 60, "max_attempts": 3 },
        "voicemail": { "delay_minutes": 60, "max_attempts": 3 },
        "failed": { "delay_minutes": 60, "max_attempts": 3 },
    });
    let w = World::new(json!({ "retry": retry }), 1000).await;
    let busy = w.lead("+12124893222").await;
    w.set_status(Draft, Running, NY_MORNING).await;
    let first = w.turn(NY_MORNING).await;
    assert_eq!(first.len(), 1);
    w.ends(&first[0], CallStatus::Busy, NY_MORNING).await;
    let l = w.lead_now(busy).await;
    assert_eq!((l.status, l.attempts), (LeadStatus::Retry, 1));
    assert_eq!(l.next_attempt_at, Some(NY_MORNING + 10 * MINUTE));

    assert!(
        w.turn(NY_MORNING + 9 * MINUTE).await.is_empty(),
        "not before its delay"
    );
    let (_, _, next) = w.campaign().await;
    assert_eq!(next, Some(NY_MORNING + 10 * MINUTE));

    let second = w.turn(NY_MORNING + 10 * MINUTE).await;
    assert_eq!(second.len(), 1);
    w.ends(&second[0], CallStatus::Busy, NY_MORNING + 10 * MINUTE)
        .await;
    w.turn(NY_MORNING + 11 * MINUTE).await;
    assert_eq!(w.campaign().await.0, Completed);
    assert_eq!(w.calls("busy").await, (2, 2));
    let l = w.lead_now(busy).await;
    assert_eq!((l.status, l.attempts), (LeadStatus::Exhausted, 2));

    // Recycling the worked list calls it again once resumed.
    let t = LeadStatus::recycle(&[LeadStatus::Exhausted, LeadStatus::Completed]).unwrap();
    let mut conn = w.db.store.conn().await.unwrap();
    let recycled = leads::recycle(
        &mut conn,
        w.tenant,
        w.campaign,
        &t,
        NY_MORNING + 12 * MINUTE,
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(recycled, 1);
    w.set_status(Completed, Running, NY_MORNING + 12 * MINUTE)
        .await;
    assert_eq!(w.turn(NY_MORNING + 12 * MINUTE).await.len(), 1);
    assert_eq!(w.calls("busy").await.0, 3);
}

#[tokio::test]
async fn a_campaign_that_may_call_but_has_no_lead_due_says_why_not_blames_the_rate() {
    // One call a second while an unattended campaign wants five: the rate is not why it waits
    // when its only lead is outside calling hours. 06:00 in New York: two hours before the
    // earliest lawful call.
    let w = World::new(json!({}), 1).await;
    w.lead("+12124893250").await;
    let six = NY_MORNING - 4 * HOUR;
    w.set_status(Draft, Running, six).await;
    assert!(w.turn(six).await.is_empty());
    let (_, why, next) = w.campaign().await;
    let why = why.unwrap();
    assert!(why.starts_with("outside"), "{why}");
    assert_eq!(next, Some(NY_MORNING - 2 * HOUR));
    assert_eq!(w.calls("answered").await.0, 0);
}

#[tokio::test]
async fn paused_and_stopped_campaigns_place_no_calls() {
    let w = World::new(json!({}), 1000).await;
    w.lead("+12124893222").await;
    w.set_status(Draft, Running, NY_MORNING).await;
    w.set_status(Running, Paused, NY_MORNING).await;
    assert!(
        w.turn(NY_MORNING).await.is_empty(),
        "a paused campaign takes no turn"
    );
    let second = w.lead("+12124893223").await;
    assert!(w.turn(NY_MORNING + MINUTE).await.is_empty());
    assert_eq!(w.calls("answered").await.0, 0);

    w.set_status(Paused, Running, NY_MORNING + MINUTE).await;
    let calls = w.turn(NY_MORNING + MINUTE).await;
    assert_eq!(calls.len(), 2);
    for c in &calls {
        w.ends(c, CallStatus::Completed, NY_MORNING + 2 * MINUTE)
            .await;
    }
    w.turn(NY_MORNING + 3 * MINUTE).await;
    assert_eq!(w.campaign().await.0, Completed);
    assert_eq!(
        w.lead_now(second).await.attempts,
        1,
        "the lead added while paused was called once"
    );

    // A stopped campaign never calls again, whatever is added.
    w.set_status(Completed, Running, NY_MORNING + 4 * MINUTE)
        .await;
    w.set_status(Running, Stopped, NY_MORNING + 4 * MINUTE)
        .await;
    w.lead("+12124893224").await;
    assert!(w.turn(NY_MORNING + 5 * MINUTE).await.is_empty());
    assert_eq!(w.campaign().await.0, CampaignStatus::Stopped);
}

#[tokio::test]
async fn the_waiting_reason_and_the_next_call_time_are_true_when_read() {
    let w = World::new(
        json!({ "retry": { "busy": { "delay_minutes": 60, "max_attempts": 5 } } }),
        1,
    )
    .await;
    let lead = w.lead("+12124893201").await;
    w.set_status(Draft, Running, NY_MORNING).await;
    let call = w.turn(NY_MORNING).await.pop().expect("a call");
    w.ends(&call, CallStatus::Busy, NY_MORNING + 200).await;
    // Half a second later the calls-per-second cap would hold a call back, but no lead is due:
    // that is the reason, with the retry's time.
    assert!(w.turn(NY_MORNING + 500).await.is_empty());
    let (_, why, next) = w.campaign().await;
    assert_eq!(why.as_deref(), Some("no lead is due yet (retry delays)"));
    assert_eq!(next, Some(NY_MORNING + 200 + HOUR));

    // A busy line at 20:30 in New York: the retry falls due at 21:30, after the window (and
    // the callee's hours) closed. The next call is at 08:00, and the reason says why.
    let evening = NY_MORNING + 10 * HOUR + 30 * MINUTE;
    let mut conn = w.db.store.conn().await.unwrap();
    outdial_storage::leads::reschedule(&mut conn, &[(lead, evening, "test".into())], evening)
        .await
        .unwrap();
    drop(conn);
    let call = w.turn(evening).await.pop().expect("called at 20:30");
    w.ends(&call, CallStatus::Busy, evening + 1000).await;
    assert!(w.turn(evening + 5 * MINUTE).await.is_empty());
    let (_, why, next) = w.campaign().await;
    assert_eq!(next, Some(NY_MORNING + 22 * HOUR), "08:00 the next morning");
    assert!(
        why.as_deref()
            .unwrap()
            .starts_with("no lead is due yet (retry delays), then outside"),
        "{why:?}"
    );
}
