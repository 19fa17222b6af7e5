//! Calendars and appointments: rules checked field by field, free slots by business hours and
//! holidays, the nearest slots to what a person said, atomic booking with holds, moves, status
//! changes with their history, iCalendar files and the secret feed, and tenancy.

use crate::helpers::*;
use outdial_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Milliseconds of an RFC 3339 time.
fn ms(t: &str) -> i64 {
    t.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// A Berlin calendar closed on Saxony's holidays (the test clock starts on Wednesday
/// 18 November 2026, Buß- und Bettag in Saxony, at 12:06 in Berlin).
async fn saxon_calendar(app: &TestApp, token: &str, name: &str) -> Value {
    let (status, cal) = app
        .post(
            "/api/v1/calendars",
            token,
            json!({ "name": name, "settings": { "time_zone": "Europe/Berlin", "holidays": "DE-SN" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cal}");
    cal
}

async fn text(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, String, String) {
    let r = app.request(Method::GET, path, token).send().await.unwrap();
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

#[tokio::test]
async fn calendar_rules_are_checked_field_by_field() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let (status, body) = app
        .post(
            "/api/v1/calendars",
            &owner.token,
            json!({ "name": "Room", "settings": {
                "time_zone": "Europe/Bärlin",
                "holidays": "DE-XX",
                "capacity": 0,
                "hours": { "mon": [{ "start": "09:00", "end": "12:00" }, { "start": "11:00", "end": "13:00" }],
                           "tue": [{ "start": "17:00", "end": "09:00" }] }
            } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    for f in [
        "settings.time_zone",
        "settings.holidays",
        "settings.capacity",
        "settings.hours.mon[1]",
        "settings.hours.tue[0]",
    ] {
        assert!(fields.contains(&f), "{f} missing in {body}");
    }
    let (status, body) = app
        .post(
            "/api/v1/calendars",
            &owner.token,
            json!({ "name": "Room", "settings": { "slot_minutes": "thirty" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"][0]["field"],
        "settings.slot_minutes"
    );
    let (status, body) = app
        .post("/api/v1/calendars", &owner.token, json!({ "name": "  " }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Nothing was made; a good one is made once; agents may not make calendars.
    let (_, list) = app.get("/api/v1/calendars", &owner.token).await;
    assert_eq!(list, json!([]));
    saxon_calendar(&app, &owner.token, "Room").await;
    let (status, _) = app
        .post("/api/v1/calendars", &owner.token, json!({ "name": "Room" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let agent = app.colleague(&owner, Role::Agent).await;
    let (status, _) = app
        .post("/api/v1/calendars", &agent.token, json!({ "name": "Mine" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, regions) = app.get("/api/v1/holiday-regions", &agent.token).await;
    assert!(
        regions
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "DE-BY")
    );
}

#[tokio::test]
async fn free_slots_follow_business_hours_and_holidays_and_a_taken_slot_is_refused_with_the_next() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let cal = saxon_calendar(&app, t, "Probetraining").await;
    let id = cal["id"].as_i64().unwrap();
    let campaign = app.campaign(t, "Leads").await;
    let (_, lead) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            t,
            json!({ "phone": "+49 30 1234567", "first_name": "Jürgen", "last_name": "Weiß" }),
        )
        .await;
    let lead_id = lead["id"].as_i64().unwrap();

    // Wednesday is a holiday in Saxony; Thursday and Friday have 14 half-hour slots each.
    let (status, free) = app
        .get(
            &format!("/api/v1/calendars/{id}/availability?to=2026-11-21T00:00:00%2B01:00"),
            t,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{free}");
    assert_eq!(free["time_zone"], "Europe/Berlin");
    let slots = free["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 28, "{free}");
    assert_eq!(slots[0]["starts_at"], ms("2026-11-19T09:00:00+01:00"));
    let (_, holidays) = app
        .get(&format!("/api/v1/calendars/{id}/holidays?year=2026"), t)
        .await;
    assert!(
        holidays
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["date"] == "2026-11-18" && h["name"] == "Buß- und Bettag")
    );

    // Booked for the lead: its name and number fill in.
    let book = |start: &str| json!({ "calendar_id": id, "starts_at": start, "lead_id": lead_id });
    let (status, a) = app
        .post("/api/v1/appointments", t, book("2026-11-19T09:00:00+01:00"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(a["name"], "Jürgen Weiß");
    assert_eq!(a["phone"], "+49301234567");
    assert_eq!(a["status"], "booked");
    assert_eq!(a["ends_at"], ms("2026-11-19T09:30:00+01:00"));

    // The same slot again: refused, with the next free slots.
    let (status, e) = app
        .post("/api/v1/appointments", t, book("2026-11-19T09:00:00+01:00"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "slot_taken");
    assert_eq!(
        e["error"]["details"]["next_free"][0]["starts_at"],
        ms("2026-11-19T09:30:00+01:00")
    );
    // Off the grid, on the holiday, too soon, too far, an unknown lead: 422 naming the field.
    for (start, says) in [
        ("2026-11-19T09:10:00+01:00", "no slot starts at that time"),
        ("2026-11-18T15:00:00+01:00", "Buß- und Bettag"),
        ("2026-11-27T13:00:00+01:00", ""),
        ("2027-03-01T09:00:00+01:00", "too far ahead"),
        ("yesterday", "RFC 3339"),
    ] {
        let (status, e) = app.post("/api/v1/appointments", t, book(start)).await;
        if says.is_empty() {
            assert_eq!(status, StatusCode::CREATED, "{start}: {e}");
            continue;
        }
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{start}: {e}");
        assert_eq!(e["error"]["details"][0]["field"], "starts_at");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(says),
            "{start}: {e}"
        );
    }
    let (status, e) = app
        .post("/api/v1/appointments", t, json!({ "calendar_id": id, "starts_at": "2026-11-19T10:30:00+01:00", "lead_id": 999_999 }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": "2026-11-19T10:30:00+01:00" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nobody named: {e}"
    );

    // A taken slot is no longer offered.
    let (_, free) = app
        .get(&format!("/api/v1/calendars/{id}/availability?from=2026-11-19T00:00:00Z&to=2026-11-20T00:00:00Z"), t)
        .await;
    assert_eq!(free["slots"].as_array().unwrap().len(), 13);
}

#[tokio::test]
async fn concurrent_bookings_of_the_last_place_succeed_exactly_once() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let cal = saxon_calendar(&app, &owner.token, "Chair").await;
    let id = cal["id"].as_i64().unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (client, base, token) = (app.client.clone(), app.base.clone(), owner.token.clone());
        tasks.spawn(async move {
            let r = client
                .post(format!("{base}/api/v1/appointments"))
                .bearer_auth(token)
                .json(&json!({ "calendar_id": id, "starts_at": "2026-11-19T13:00:00+01:00", "name": format!("Person {i}") }))
                .send()
                .await
                .unwrap();
            r.status()
        });
    }
    let mut statuses = Vec::new();
    while let Some(s) = tasks.join_next().await {
        statuses.push(s.unwrap());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_hold_keeps_a_slot_for_the_person_who_was_offered_it() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let id = saxon_calendar(&app, t, "Room").await["id"]
        .as_i64()
        .unwrap();
    let slot = "2026-11-19T10:00:00+01:00";
    let (status, hold) = app
        .post(
            &format!("/api/v1/calendars/{id}/holds"),
            t,
            json!({ "starts_at": slot, "minutes": 5 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hold}");
    assert_eq!(hold["expires_at"], START + 5 * 60_000);
    let token = hold["token"].as_str().unwrap().to_string();
    // Taken for everybody else, and no longer offered.
    let (status, e) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": slot, "name": "Other" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    let (_, free) = app
        .get(&format!("/api/v1/calendars/{id}/availability?from=2026-11-19T09:00:00Z&to=2026-11-19T09:30:00Z"), t)
        .await;
    assert_eq!(free["slots"], json!([]));
    // The person says yes: booked with the hold.
    let (status, a) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": slot, "name": "Holder", "hold": token }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let (status, _) = app.delete(&format!("/api/v1/holds/{token}"), t).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a used hold cannot be released"
    );

    // A hold that lapses frees the slot; one released frees it at once.
    let (_, h2) = app
        .post(
            &format!("/api/v1/calendars/{id}/holds"),
            t,
            json!({ "starts_at": "2026-11-19T10:30:00+01:00", "minutes": 1 }),
        )
        .await;
    app.clock.advance(61_000);
    let (status, _) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": "2026-11-19T10:30:00+01:00", "name": "Later" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the lapsed hold {h2} no longer keeps it"
    );
    let (_, h3) = app
        .post(
            &format!("/api/v1/calendars/{id}/holds"),
            t,
            json!({ "starts_at": "2026-11-19T11:00:00+01:00" }),
        )
        .await;
    let (status, _) = app
        .delete(
            &format!("/api/v1/holds/{}", h3["token"].as_str().unwrap()),
            t,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": "2026-11-19T11:00:00+01:00", "name": "Freed" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for minutes in [0, 31] {
        let (status, _) = app
            .post(
                &format!("/api/v1/calendars/{id}/holds"),
                t,
                json!({ "starts_at": "2026-11-19T11:30:00+01:00", "minutes": minutes }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn the_nearest_slots_to_what_a_person_said() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let id = saxon_calendar(&app, t, "Room").await["id"]
        .as_i64()
        .unwrap();
    let (status, near) = app
        .post(
            &format!("/api/v1/calendars/{id}/nearest"),
            t,
            json!({ "text": "Donnerstag Nachmittag", "lang": "de" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{near}");
    let wanted = near["wanted"].as_array().unwrap();
    assert!(!wanted.is_empty(), "{near}");
    for s in wanted {
        let start = s["starts_at"].as_i64().unwrap();
        assert!(
            start >= ms("2026-11-19T12:00:00+01:00") && start < ms("2026-11-19T18:00:00+01:00"),
            "{s}"
        );
    }
    // Saturday has no slots: the nearest before (Friday) and after (Monday).
    let (status, near) = app
        .post(
            &format!("/api/v1/calendars/{id}/nearest"),
            t,
            json!({ "text": "saturday at 10", "count": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{near}");
    assert_eq!(near["wanted"], json!([]));
    assert_eq!(
        near["before"][0]["starts_at"],
        ms("2026-11-20T16:30:00+01:00")
    );
    assert_eq!(
        near["after"][0]["starts_at"],
        ms("2026-11-23T09:00:00+01:00")
    );
    assert_eq!(near["after"].as_array().unwrap().len(), 2);
    let (status, e) = app
        .post(
            &format!("/api/v1/calendars/{id}/nearest"),
            t,
            json!({ "text": "whenever", "lang": "en" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, _) = app
        .post(&format!("/api/v1/calendars/{id}/nearest"), t, json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn moves_and_status_changes_are_kept_and_reach_calendar_apps_through_the_feed() {
    let app = spawn_app().await;
    let owner = app.member("Studio", Role::Owner).await;
    let t = &owner.token;
    let cal = saxon_calendar(&app, t, "Probetraining").await;
    let id = cal["id"].as_i64().unwrap();
    let feed_url = cal["feed_url"].as_str().unwrap().to_string();
    let feed_path = &feed_url[feed_url.find("/api/v1/").unwrap()..];
    let (status, a) = app
        .post("/api/v1/appointments", t, json!({ "calendar_id": id, "starts_at": "2026-11-19T09:00:00+01:00", "name": "Ann", "phone": "+4930999000", "note": "first visit" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_i64().unwrap();
    // Another booking holds 11:00, so a move onto it is refused and changes nothing.
    app.post(
        "/api/v1/appointments",
        t,
        json!({ "calendar_id": id, "starts_at": "2026-11-19T11:00:00+01:00", "name": "Bob" }),
    )
    .await;
    let (status, e) = app
        .post(
            &format!("/api/v1/appointments/{aid}/reschedule"),
            t,
            json!({ "starts_at": "2026-11-19T11:00:00+01:00" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    let (status, moved) = app
        .post(
            &format!("/api/v1/appointments/{aid}/reschedule"),
            t,
            json!({ "starts_at": "2026-11-19T10:00:00+01:00", "note": "asked" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        (
            moved["starts_at"].as_i64().unwrap(),
            moved["sequence"].as_i64().unwrap()
        ),
        (ms("2026-11-19T10:00:00+01:00"), 1)
    );
    let (_, confirmed) = app
        .post(
            &format!("/api/v1/appointments/{aid}/status"),
            t,
            json!({ "status": "confirmed" }),
        )
        .await;
    assert_eq!(confirmed["status"], "confirmed");
    // The old slot is free again.
    let (status, _) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": "2026-11-19T09:00:00+01:00", "name": "Cid" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // The file for one appointment, and the feed: UTC times, stable UID, SEQUENCE.
    let (status, kind, ics) = text(&app, &format!("/api/v1/appointments/{aid}/ics"), Some(t)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/calendar"), "{kind}");
    assert!(ics.contains("\r\nDTSTART:20261119T090000Z\r\n"), "{ics}");
    assert!(ics.contains("\r\nSEQUENCE:2\r\n"), "{ics}");
    assert!(ics.contains("\r\nSUMMARY:Ann\r\n"), "{ics}");
    let uid = ics
        .lines()
        .find(|l| l.starts_with("UID:"))
        .unwrap()
        .to_string();
    let (status, kind, feed) = text(&app, feed_path, None).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert!(kind.starts_with("text/calendar"));
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 3, "{feed}");
    assert!(feed.contains(&uid));
    assert!(feed.contains("X-WR-CALNAME:Probetraining"));

    // Cancelled: the feed says so with a higher SEQUENCE, under the same UID.
    let (status, c) = app
        .post(
            &format!("/api/v1/appointments/{aid}/status"),
            t,
            json!({ "status": "cancelled", "note": "ill" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let (_, _, feed) = text(&app, feed_path, None).await;
    let event = feed
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&uid))
        .unwrap();
    assert!(
        event.contains("STATUS:CANCELLED") && event.contains("SEQUENCE:3"),
        "{event}"
    );
    let (status, e) = app
        .post(
            &format!("/api/v1/appointments/{aid}/status"),
            t,
            json!({ "status": "confirmed" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    let (status, e) = app
        .post(
            &format!("/api/v1/appointments/{aid}/status"),
            t,
            json!({ "status": "maybe" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // The history tells it all.
    let (_, detail) = app.get(&format!("/api/v1/appointments/{aid}"), t).await;
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["booked", "rescheduled", "confirmed", "cancelled"],
        "{detail}"
    );
    assert_eq!(detail["time_zone"], "Europe/Berlin");

    // A new feed address replaces the old; a wrong one finds nothing.
    let (status, renewed) = app
        .post(&format!("/api/v1/calendars/{id}/feed"), t, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(renewed["feed_url"], cal["feed_url"]);
    assert_eq!(text(&app, feed_path, None).await.0, StatusCode::NOT_FOUND);
    let new_url = renewed["feed_url"].as_str().unwrap();
    assert_eq!(
        text(&app, &new_url[new_url.find("/api/v1/").unwrap()..], None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        text(&app, "/api/v1/calendar-feeds/odf_guess", None).await.0,
        StatusCode::NOT_FOUND
    );
    // The calendar itself never shows the secret.
    let (_, read) = app.get(&format!("/api/v1/calendars/{id}"), t).await;
    assert!(
        read.get("feed_url").is_none() && read["has_feed"] == true,
        "{read}"
    );
}

#[tokio::test]
async fn another_organisation_sees_and_books_nothing_of_yours() {
    let app = spawn_app().await;
    let mine = app.member("Studio", Role::Owner).await;
    let theirs = app.member("Other", Role::Owner).await;
    let id = saxon_calendar(&app, &mine.token, "Room").await["id"]
        .as_i64()
        .unwrap();
    let (_, a) = app
        .post(
            "/api/v1/appointments",
            &mine.token,
            json!({ "calendar_id": id, "starts_at": "2026-11-19T09:00:00+01:00", "name": "Ann" }),
        )
        .await;
    let aid = a["id"].as_i64().unwrap();
    let t = &theirs.token;
    for path in [
        format!("/api/v1/calendars/{id}"),
        format!("/api/v1/appointments/{aid}"),
        format!("/api/v1/appointments/{aid}/ics"),
        format!("/api/v1/calendars/{id}/availability"),
    ] {
        assert_eq!(app.get(&path, t).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = app
        .post(
            "/api/v1/appointments",
            t,
            json!({ "calendar_id": id, "starts_at": "2026-11-19T09:30:00+01:00", "name": "Eve" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post(
            &format!("/api/v1/appointments/{aid}/status"),
            t,
            json!({ "status": "cancelled" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app.get("/api/v1/appointments", t).await;
    assert_eq!(list, json!([]));
    // A calendar with appointments to come is not deleted.
    let (status, _) = app
        .delete(&format!("/api/v1/calendars/{id}"), &mine.token)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
