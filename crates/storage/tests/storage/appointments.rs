use crate::helpers::*;
use outdial_domain::TenantId;
use outdial_domain::calendar::{AppointmentStatus, CalendarSettings};
use outdial_storage::appointments::change::{self, NewAppointment, Outcome};
use outdial_storage::appointments::{self, Filter, places, reminders};
use outdial_storage::{StorageError, Store, calendars, leads};

const SLOT: i64 = NOW + 86_400_000;
const MINUTES_30: i64 = 30 * 60_000;

async fn calendar(store: &Store, tenant: TenantId, name: &str) -> i64 {
    let mut conn = store.conn().await.unwrap();
    calendars::create(
        &mut conn,
        tenant,
        name,
        &CalendarSettings::default(),
        &format!("hash-{name}-{}", tenant.0),
        NOW,
    )
    .await
    .unwrap()
    .id
}

fn new<'a>(calendar: i64, capacity: u32, start: i64, name: &'a str) -> NewAppointment<'a> {
    NewAppointment {
        calendar,
        capacity,
        starts_at: start,
        ends_at: start + MINUTES_30,
        lead: None,
        call: None,
        name,
        phone: Some("+14155550100"),
        note: "",
        by: "test",
        hold: None,
    }
}

/// Books in a transaction of its own, committed when it succeeds.
async fn book(store: &Store, tenant: TenantId, new: &NewAppointment<'_>, now: i64) -> Outcome {
    let mut tx = store.begin().await.unwrap();
    let outcome = change::book(&mut tx, tenant, new, now).await.unwrap();
    if matches!(outcome, Outcome::Done(_)) {
        tx.commit().await.unwrap();
    }
    outcome
}

fn booked(outcome: Outcome) -> appointments::Appointment {
    match outcome {
        Outcome::Done(a) => *a,
        Outcome::Full => panic!("the slot was full"),
    }
}

#[tokio::test]
async fn concurrent_bookings_take_exactly_the_capacity_of_a_slot() {
    let w = world().await;
    let cal = calendar(&w.db.store, w.a, "Chairs").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..24 {
        let store = w.db.store.clone();
        let tenant = w.a;
        tasks.spawn(async move {
            let name = format!("person {i}");
            matches!(
                book(&store, tenant, &new(cal, 3, SLOT, &name), NOW).await,
                Outcome::Done(_)
            )
        });
    }
    let mut won = 0;
    while let Some(ok) = tasks.join_next().await {
        won += usize::from(ok.unwrap());
    }
    assert_eq!(won, 3, "exactly the slot's capacity is booked");
    let mut conn = w.db.store.conn().await.unwrap();
    assert_eq!(
        places::taken_at(&mut conn, cal, SLOT, NOW).await.unwrap(),
        3
    );
    let all = appointments::list(&mut conn, w.a, &Filter::default(), 100)
        .await
        .unwrap();
    assert_eq!(
        all.len(),
        3,
        "a refused booking leaves no appointment behind"
    );
}

#[tokio::test]
async fn a_hold_counts_as_taken_until_it_is_used_released_or_expires() {
    let w = world().await;
    let cal = calendar(&w.db.store, w.a, "Room").await;
    let mut conn = w.db.store.conn().await.unwrap();
    let hold = |token: &'static str, expires: i64| places::Taker {
        tenant: w.a,
        calendar: cal,
        start: SLOT,
        capacity: 1,
        lead: None,
        by: "test",
        hold: Some((token, expires)),
    };
    assert!(
        places::take(&mut conn, &hold("h1", NOW + 300_000), NOW)
            .await
            .unwrap()
            .is_some()
    );
    // Another person cannot have the held place, nor hold it.
    assert_eq!(
        book(&w.db.store, w.a, &new(cal, 1, SLOT, "Other"), NOW).await,
        Outcome::Full
    );
    assert!(
        places::take(&mut conn, &hold("h2", NOW + 300_000), NOW)
            .await
            .unwrap()
            .is_none()
    );
    // The holder books with it.
    let mut mine = new(cal, 1, SLOT, "Holder");
    mine.hold = Some("h1");
    let a = booked(book(&w.db.store, w.a, &mine, NOW + 1000).await);
    assert_eq!(a.status, AppointmentStatus::Booked);
    assert!(
        !places::release(&mut conn, w.a, "h1").await.unwrap(),
        "a used hold is gone"
    );

    // A hold on another slot expires: then anybody can take the place.
    let later = SLOT + MINUTES_30;
    let mut h3 = hold("h3", NOW + 60_000);
    h3.start = later;
    assert!(places::take(&mut conn, &h3, NOW).await.unwrap().is_some());
    assert_eq!(
        book(&w.db.store, w.a, &new(cal, 1, later, "Early"), NOW + 59_000).await,
        Outcome::Full
    );
    booked(book(&w.db.store, w.a, &new(cal, 1, later, "After"), NOW + 60_000).await);
    // The expired hold's token no longer books anything.
    let mut stale = new(cal, 1, later, "Stale");
    stale.hold = Some("h3");
    assert_eq!(
        book(&w.db.store, w.a, &stale, NOW + 61_000).await,
        Outcome::Full
    );

    // A released hold frees the place at once.
    let third = later + MINUTES_30;
    let mut h4 = hold("h4", NOW + 300_000);
    h4.start = third;
    assert!(places::take(&mut conn, &h4, NOW).await.unwrap().is_some());
    assert!(places::release(&mut conn, w.a, "h4").await.unwrap());
    assert!(
        !places::release(&mut conn, w.b, "h4").await.unwrap(),
        "another tenant's token does nothing"
    );
    booked(book(&w.db.store, w.a, &new(cal, 1, third, "Freed"), NOW).await);
}

#[tokio::test]
async fn lapsed_holds_are_swept_and_nothing_else() {
    let w = world().await;
    let cal = calendar(&w.db.store, w.a, "Sweep").await;
    let mut conn = w.db.store.conn().await.unwrap();
    let hold = places::Taker {
        tenant: w.a,
        calendar: cal,
        start: SLOT,
        capacity: 2,
        lead: None,
        by: "test",
        hold: Some(("lapsing", NOW + 1_000)),
    };
    assert!(places::take(&mut conn, &hold, NOW).await.unwrap().is_some());
    booked(book(&w.db.store, w.a, &new(cal, 2, SLOT, "Stays"), NOW).await);
    assert_eq!(
        places::sweep(&mut conn, NOW).await.unwrap(),
        0,
        "a live hold stays"
    );
    assert_eq!(places::sweep(&mut conn, NOW + 2_000).await.unwrap(), 1);
    assert_eq!(
        places::taken_at(&mut conn, cal, SLOT, NOW).await.unwrap(),
        1,
        "the appointment's place stays"
    );
}

#[tokio::test]
async fn a_move_takes_the_new_place_before_it_frees_the_old_and_every_change_is_kept() {
    let w = world().await;
    let cal = calendar(&w.db.store, w.a, "Desk").await;
    let first = booked(book(&w.db.store, w.a, &new(cal, 1, SLOT, "Ann"), NOW).await);
    let other = SLOT + MINUTES_30;
    booked(book(&w.db.store, w.a, &new(cal, 1, other, "Bob"), NOW).await);

    // Moving onto a full slot changes nothing.
    let mut tx = w.db.store.begin().await.unwrap();
    let full = change::reschedule(
        &mut tx,
        w.a,
        first.id,
        1,
        (other, other + MINUTES_30),
        "test",
        "",
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(full, Outcome::Full);
    drop(tx);
    let mut conn = w.db.store.conn().await.unwrap();
    assert_eq!(
        appointments::get_one(&mut conn, w.a, first.id)
            .await
            .unwrap()
            .starts_at,
        SLOT
    );

    // Moving to a free slot frees the old one.
    let free = SLOT + 2 * MINUTES_30;
    let mut tx = w.db.store.begin().await.unwrap();
    let moved = change::reschedule(
        &mut tx,
        w.a,
        first.id,
        1,
        (free, free + MINUTES_30),
        "ann@x",
        "asked",
        NOW + 1,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let Outcome::Done(moved) = moved else {
        panic!("not moved")
    };
    assert_eq!((moved.starts_at, moved.sequence), (free, 1));
    assert_eq!(
        places::taken_at(&mut conn, cal, SLOT, NOW).await.unwrap(),
        0
    );
    booked(book(&w.db.store, w.a, &new(cal, 1, SLOT, "Cid"), NOW).await);

    // Confirm, then cancel: the place is free again; a cancelled one cannot be confirmed.
    let c = change::set_status(
        &mut conn,
        w.a,
        first.id,
        AppointmentStatus::Confirmed,
        "t",
        "",
        NOW + 2,
    )
    .await
    .unwrap();
    assert_eq!((c.status, c.sequence), (AppointmentStatus::Confirmed, 2));
    change::set_status(
        &mut conn,
        w.a,
        first.id,
        AppointmentStatus::Cancelled,
        "t",
        "ill",
        NOW + 3,
    )
    .await
    .unwrap();
    assert_eq!(
        places::taken_at(&mut conn, cal, free, NOW).await.unwrap(),
        0
    );
    let again = change::set_status(
        &mut conn,
        w.a,
        first.id,
        AppointmentStatus::Confirmed,
        "t",
        "",
        NOW + 4,
    )
    .await;
    assert!(matches!(again, Err(StorageError::Conflict(m)) if m.contains("cancelled")));

    let history = appointments::history(&mut conn, w.a, first.id)
        .await
        .unwrap();
    let kinds: Vec<&str> = history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(kinds, ["booked", "rescheduled", "confirmed", "cancelled"]);
    assert_eq!(
        (history[1].from_start, history[1].to_start),
        (Some(SLOT), Some(free))
    );
    assert_eq!(history[3].note, "ill");

    // Another tenant sees none of it.
    assert!(matches!(
        appointments::get_one(&mut conn, w.b, first.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(
        appointments::history(&mut conn, w.b, first.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        appointments::list(&mut conn, w.b, &Filter::default(), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_reminder_campaign_gets_one_lead_per_upcoming_appointment() {
    let w = world().await;
    let cal = calendar(&w.db.store, w.a, "Studio").await;
    let reminders_campaign = campaign(&w, w.a, "Reminders").await;
    let tomorrow = booked(book(&w.db.store, w.a, &new(cal, 1, SLOT, "Tomorrow Person"), NOW).await);
    let mut far = new(cal, 1, SLOT + 3 * 86_400_000, "Far");
    far.phone = Some("+14155550199");
    booked(book(&w.db.store, w.a, &far, NOW).await);
    let mut conn = w.db.store.conn().await.unwrap();
    let window = (NOW, NOW + 2 * 86_400_000);
    let due = reminders::due(&mut conn, w.a, reminders_campaign.id, None, window)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].appointment, due[0].calendar_name.as_str()),
        (tomorrow.id, "Studio")
    );
    let fields = r#"{"appointment_time":"9 AM"}"#;
    assert!(
        reminders::enroll(&mut conn, w.a, reminders_campaign.id, &due[0], fields, NOW)
            .await
            .unwrap()
    );
    let again = reminders::due(&mut conn, w.a, reminders_campaign.id, None, window)
        .await
        .unwrap();
    assert!(again.is_empty(), "an appointment becomes a lead once");
    let filter = leads::LeadFilter {
        campaign: Some(reminders_campaign.id),
        status: None,
        do_not_call: None,
        search: None,
        after: None,
        newest_first: false,
        limit: 10,
    };
    let (made, _) = leads::list(&mut conn, w.a, &filter).await.unwrap();
    assert_eq!(made.len(), 1);
    let lead = &made[0];
    assert_eq!(lead.appointment_id, Some(tomorrow.id));
    assert_eq!(lead.first_name, "Tomorrow Person");
    assert_eq!(lead.custom_fields["appointment_time"], "9 AM");
    // Cancelled appointments are not reminded of.
    change::set_status(
        &mut conn,
        w.a,
        tomorrow.id,
        AppointmentStatus::Cancelled,
        "t",
        "",
        NOW,
    )
    .await
    .unwrap();
    let other = campaign(&w, w.a, "Other reminders").await;
    assert!(
        reminders::due(&mut conn, w.a, other.id, None, window)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_calendar_with_appointments_to_come_cannot_be_deleted() {
    let w = world().await;
    let cal = calendar(&w.db.store, w.a, "Busy").await;
    let a = booked(book(&w.db.store, w.a, &new(cal, 1, SLOT, "Ann"), NOW).await);
    let mut conn = w.db.store.conn().await.unwrap();
    assert!(matches!(
        calendars::delete(&mut conn, w.a, cal, NOW).await,
        Err(StorageError::Conflict(_))
    ));
    assert!(matches!(
        calendars::delete(&mut conn, w.b, cal, NOW).await,
        Err(StorageError::NotFound) | Err(StorageError::Conflict(_))
    ));
    change::set_status(
        &mut conn,
        w.a,
        a.id,
        AppointmentStatus::Cancelled,
        "t",
        "",
        NOW,
    )
    .await
    .unwrap();
    calendars::delete(&mut conn, w.a, cal, NOW).await.unwrap();
    assert!(matches!(
        calendars::get_one(&mut conn, w.a, cal).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        calendars::create(
            &mut conn,
            w.a,
            "Same",
            &CalendarSettings::default(),
            "h1",
            NOW
        )
        .await
        .and(
            calendars::create(
                &mut conn,
                w.a,
                "Same",
                &CalendarSettings::default(),
                "h2",
                NOW
            )
            .await
        ),
        Err(StorageError::Conflict(_))
    ));
}
