//! The dialer's queries: which leads are due and in what order, claims no two workers share,
//! holds that keep their reason, and counts the caps are checked against.

use crate::helpers::*;
use outdial_domain::lead::Priority;
use outdial_domain::{LeadId, PhoneNumber};
use outdial_storage::calls::{self, NewCall};
use outdial_storage::{Backend, dialing, leads};

async fn seed(w: &World, phones: &[(&str, Priority)]) -> (outdial_domain::CampaignId, Vec<LeadId>) {
    let c = campaign(w, w.a, "Due").await;
    let mut conn = w.db.store.conn().await.unwrap();
    let mut ids = Vec::new();
    for (i, (phone, priority)) in phones.iter().enumerate() {
        let mut l = lead(phone);
        l.priority = *priority;
        ids.push(
            leads::create(&mut conn, w.a, c.id, &l, NOW + i as i64)
                .await
                .unwrap()
                .id,
        );
    }
    (c.id, ids)
}

#[tokio::test]
async fn due_leads_come_most_urgent_first_then_longest_due_and_never_when_held() {
    let w = world().await;
    let (c, ids) = seed(
        &w,
        &[
            ("8134893201", Priority::Normal),
            ("8134893202", Priority::Urgent),
            ("8134893203", Priority::Normal),
            ("8134893204", Priority::Low),
        ],
    )
    .await;
    let mut conn = w.db.store.conn().await.unwrap();
    let due = dialing::due_leads(&mut conn, c, NOW + 10, 10)
        .await
        .unwrap();
    let order: Vec<LeadId> = due.iter().map(|l| l.id).collect();
    assert_eq!(order, vec![ids[1], ids[0], ids[2], ids[3]]);
    // Not yet due at their creation minus one.
    assert!(
        dialing::due_leads(&mut conn, c, NOW - 1, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The limit spans priorities.
    assert_eq!(
        dialing::due_leads(&mut conn, c, NOW + 10, 2)
            .await
            .unwrap()
            .len(),
        2
    );

    // Held: out of the due set, with its reason, until its moment.
    leads::reschedule(
        &mut conn,
        &[(
            ids[1],
            NOW + 1000,
            "outside the called person's hours (America/New_York)".into(),
        )],
        NOW,
    )
    .await
    .unwrap();
    let due = dialing::due_leads(&mut conn, c, NOW + 10, 10)
        .await
        .unwrap();
    assert!(!due.iter().any(|l| l.id == ids[1]));
    assert_eq!(
        dialing::next_due(&mut conn, c)
            .await
            .unwrap()
            .map(|n| (n.at, n.why)),
        Some((NOW, None)),
        "the earliest due lead, which nothing holds"
    );
    // Do-not-call and claimed leads are never due.
    leads::mark_do_not_call(&mut conn, &[ids[0]], NOW)
        .await
        .unwrap();
    let claimed = leads::claim(&mut conn, &[ids[2], ids[2]], NOW)
        .await
        .unwrap();
    assert_eq!(claimed, vec![ids[2]]);
    assert!(
        leads::claim(&mut conn, &[ids[2]], NOW)
            .await
            .unwrap()
            .is_empty(),
        "claimed once"
    );
    let due = dialing::due_leads(&mut conn, c, NOW + 10, 10)
        .await
        .unwrap();
    assert_eq!(due.iter().map(|l| l.id).collect::<Vec<_>>(), vec![ids[3]]);
    leads::exhaust(&mut conn, &[ids[3]], NOW).await.unwrap();
    assert_eq!(
        dialing::next_due(&mut conn, c)
            .await
            .unwrap()
            .map(|n| (n.at, n.why)),
        Some((
            NOW + 1000,
            Some("outside the called person's hours (America/New_York)".into())
        ))
    );
    assert!(dialing::has_dialing(&mut conn, c).await.unwrap());
    assert_eq!(dialing::callable_count(&mut conn, c).await.unwrap(), 2);
}

#[tokio::test]
async fn two_workers_never_take_the_same_lead() {
    let w = world().await;
    let phones: Vec<String> = (0..20).map(|n| format!("81348932{n:02}")).collect();
    let rows: Vec<(&str, Priority)> = phones
        .iter()
        .map(|p| (p.as_str(), Priority::Normal))
        .collect();
    let (c, _) = seed(&w, &rows).await;
    let mut first = w.db.store.begin().await.unwrap();
    let a = dialing::due_leads(&mut first, c, NOW + 100, 8)
        .await
        .unwrap();
    assert_eq!(a.len(), 8);
    if w.db.store.backend() == Backend::Postgres {
        // While the first transaction holds its rows, a second one skips them.
        let mut second = w.db.store.begin().await.unwrap();
        let b = dialing::due_leads(&mut second, c, NOW + 100, 8)
            .await
            .unwrap();
        assert_eq!(b.len(), 8);
        assert!(
            b.iter().all(|l| !a.iter().any(|x| x.id == l.id)),
            "disjoint"
        );
        second.commit().await.unwrap();
    }
    let ids: Vec<LeadId> = a.iter().map(|l| l.id).collect();
    leads::claim(&mut first, &ids, NOW + 100).await.unwrap();
    first.commit().await.unwrap();
    let mut conn = w.db.store.conn().await.unwrap();
    let rest = dialing::due_leads(&mut conn, c, NOW + 100, 50)
        .await
        .unwrap();
    assert_eq!(rest.len(), 12);
}

#[tokio::test]
async fn call_counts_see_flight_the_day_and_the_last_second() {
    let w = world().await;
    let (c, ids) = seed(
        &w,
        &[
            ("8134893201", Priority::Normal),
            ("8134893202", Priority::Normal),
        ],
    )
    .await;
    let mut conn = w.db.store.conn().await.unwrap();
    for (i, at) in [NOW - 90_000_000, NOW - 5_000, NOW - 500]
        .into_iter()
        .enumerate()
    {
        calls::create(
            &mut conn,
            w.a,
            &NewCall {
                campaign: Some(c),
                lead: Some(ids[i % 2]),
                call_type: "campaign",
                from: &PhoneNumber::parse_e164("+18134893200").unwrap(),
                to: &PhoneNumber::parse_e164("+18134893201").unwrap(),
                extension: None,
            },
            at,
        )
        .await
        .unwrap();
    }
    let counts = dialing::call_counts(&mut conn, c, Some(NOW - 10_000), NOW)
        .await
        .unwrap();
    assert_eq!(counts.in_flight, 3);
    assert_eq!(counts.ringing, 3);
    assert_eq!(counts.placed_since, 2);
    assert_eq!(counts.placed_last_second, 1);
    assert_eq!(counts.last_call_at, Some(NOW - 500));
    assert_eq!(
        dialing::tenant_calls_since(&mut conn, w.a, NOW - 999)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        dialing::tenant_calls_since(&mut conn, w.b, NOW - 999)
            .await
            .unwrap(),
        0
    );
    // Only calls the carrier accepted count towards the attempts of the last 24 hours.
    let recent = dialing::calls_since(&mut conn, &ids, NOW - 86_400_000)
        .await
        .unwrap();
    assert!(recent.is_empty());
    // Quiet calls are found oldest first, and touching one puts it back in line.
    let quiet = dialing::quiet_calls(&mut conn, NOW - 1_000, 10)
        .await
        .unwrap();
    assert_eq!(quiet.len(), 2);
    calls::touch_calls(&mut conn, &[quiet[0].id], NOW)
        .await
        .unwrap();
    assert_eq!(
        dialing::quiet_calls(&mut conn, NOW - 1_000, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}
