//! The screen one call passes whoever places it (`telephony::screen::check`): the rules the
//! dialer keeps, applied to a call placed by hand at a moment the test names.

use crate::harness::*;
use outdial_domain::PhoneNumber;
use outdial_domain::call::CallStatus;
use outdial_domain::campaign::CampaignStatus::*;
use outdial_domain::hours::LocalHours;
use outdial_engine::EngineError;
use outdial_engine::telephony::screen::{Screened, check};
use outdial_storage::leads::Lead;
use outdial_storage::{calls, campaigns};
use serde_json::json;

impl World {
    /// Screens a call to `to` (for `lead`, when given: then it is one of the campaign's calls).
    async fn screen(&self, to: &str, lead: Option<&Lead>, now: i64) -> Result<(), EngineError> {
        let mut tx = self.db.store.begin().await.unwrap();
        let campaign = campaigns::get_by_id(&mut tx, self.tenant, self.campaign)
            .await
            .unwrap();
        let to = PhoneNumber::from_trusted(to.into());
        check(
            &mut tx,
            &LocalHours::default(),
            &Screened {
                campaign: &campaign,
                lead,
                to: &to,
                in_campaign: lead.is_some(),
            },
            now,
        )
        .await
    }
}

/// The code and next allowed moment of a refusal.
fn refused(r: Result<(), EngineError>) -> (&'static str, Option<i64>) {
    match r {
        Err(EngineError::Refused {
            code,
            next_allowed_at,
            ..
        }) => (code, next_allowed_at),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// 2026-11-20T02:05Z: 21:05 on Thursday evening in Tampa and in New York.
const EVENING: i64 = NY_MORNING + 11 * HOUR + 5 * MINUTE;

#[tokio::test]
async fn a_hand_placed_call_outside_the_callees_hours_waits_for_their_morning() {
    let w = World::new(json!({}), 1000).await;
    // A paused campaign's script borrowed for a single call: only the callee's hours count,
    // and Florida's end at 20:00.
    w.set_status(Draft, Paused, NY_MORNING).await;
    let tomorrow_8am = NY_MORNING + 22 * HOUR; // 2026-11-20T13:00Z
    assert_eq!(
        refused(w.screen("+18134893222", None, EVENING).await),
        ("outside_calling_hours", Some(tomorrow_8am))
    );
    // In the morning the same call passes.
    w.screen("+18134893222", None, tomorrow_8am).await.unwrap();
    // A toll-free number names no zone: refused until someone gives the person one.
    assert_eq!(
        refused(w.screen("+18004893222", None, NY_MORNING).await),
        ("unknown_time_zone", None)
    );
    // The do-not-call list comes first.
    let mut conn = w.db.store.conn().await.unwrap();
    outdial_storage::dnc::add(
        &mut conn,
        w.tenant,
        &[PhoneNumber::from_trusted("+12124893222".into())],
        &outdial_storage::dnc::Origin {
            source: "api",
            reason: "asked",
            created_by: "test",
        },
        NY_MORNING,
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(
        refused(w.screen("+12124893222", None, NY_MORNING).await),
        ("do_not_call", None)
    );
}

#[tokio::test]
async fn a_lead_is_not_called_by_hand_past_its_campaigns_daily_limit() {
    let w = World::new(json!({ "daily_call_limit": 1 }), 1000).await;
    w.lead("+12124893201").await;
    let other = w.lead("+12124893202").await;
    w.set_status(Draft, Running, NY_MORNING).await;
    let placed = w.turn(NY_MORNING).await;
    assert_eq!(placed.len(), 1);
    w.ends(&placed[0], CallStatus::Completed, NY_MORNING + MINUTE)
        .await;
    let lead = w.lead_now(other).await;
    // The dialer says "daily limit reached"; "Call now" says the same, with tomorrow's
    // opening: 08:00 in New York, the window's start.
    assert_eq!(
        refused(
            w.screen("+12124893202", Some(&lead), NY_MORNING + HOUR)
                .await
        ),
        ("daily_limit_reached", Some(NY_MORNING + 22 * HOUR))
    );
    // A single call to the same number is not one of the campaign's calls.
    w.screen("+12124893202", None, NY_MORNING + HOUR)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_call_the_carrier_never_made_does_not_count_toward_the_24_hours() {
    let w = World::new(
        json!({ "max_attempts_per_24h": 2,
                "retry": { "busy": { "delay_minutes": 30, "max_attempts": 9 } } }),
        1000,
    )
    .await;
    let id = w.lead("+12124893201").await;
    w.set_status(Draft, Running, NY_MORNING).await;
    let mut now = NY_MORNING;
    let mut made = vec![];
    for _ in 0..2 {
        let c = w.turn(now).await.pop().expect("a call");
        w.ends(&c, CallStatus::Busy, now + MINUTE).await;
        made.push(c);
        now += 31 * MINUTE;
    }
    let lead = w.lead_now(id).await;
    assert_eq!(
        refused(w.screen("+12124893201", Some(&lead), now).await).0,
        "attempts_per_24h"
    );
    // Reconciliation found that the second never reached the carrier (Outdial was killed).
    let mut conn = w.db.store.conn().await.unwrap();
    calls::mark_never_placed(&mut conn, made[1].id)
        .await
        .unwrap();
    drop(conn);
    w.screen("+12124893201", Some(&lead), now).await.unwrap();
    // The dialer's own screen agrees: the lead is called again.
    assert_eq!(w.turn(now).await.len(), 1);
}
