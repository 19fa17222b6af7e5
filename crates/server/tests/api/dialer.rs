//! The dialer end to end: running campaigns call their leads by themselves through the real
//! Twilio client and a simulator this test starts, on a clock the test moves. Calling hours,
//! do-not-call, retries, caps, completion, restarts and reconciliation.

use crate::helpers::*;
use outdial_domain::Role;
use outdial_server::Application;
use outdial_simulator::{OutcomeWeights, SimConfig, Simulator};
use outdial_twilio::{Carrier, Credentials, NewCall, TwilioClient};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

pub(crate) const ACCOUNT: &str = "AC00112233445566778899aabbccddeeff";
pub(crate) const TOKEN: &str = "ffeeddccbbaa99887766554433221100";

/// 15:00 UTC on Thursday 19 November 2026: 10:00 in New York, 07:00 in Los Angeles.
pub(crate) const NY_MORNING: i64 = 1_795_100_400_000;
pub(crate) const HOUR: i64 = 3_600_000;
pub(crate) const MINUTE: i64 = 60_000;

pub(crate) fn creds() -> Credentials {
    Credentials {
        account_sid: ACCOUNT.into(),
        auth_token: TOKEN.into(),
    }
}

pub(crate) fn outcomes(human: u32, busy: u32) -> OutcomeWeights {
    OutcomeWeights {
        human,
        machine: 0,
        busy,
        no_answer: 0,
        failed: 0,
    }
}

pub(crate) fn sim_config(outcomes: OutcomeWeights) -> SimConfig {
    SimConfig {
        speed: 400.0,
        calls_per_second: 500.0,
        outcomes,
        keypress: [0, 0, 1],
        ..SimConfig::default()
    }
}

/// Config for an app dialing through `sim_url` with a fast tick.
pub(crate) fn dialing(
    sim_url: String,
) -> impl FnOnce(outdial_server::Config) -> outdial_server::Config {
    move |c| {
        c.with("twilio.account_sid", ACCOUNT)
            .and_then(|c| c.with("twilio.auth_token", TOKEN))
            .and_then(|c| c.with("twilio.api_base_url", sim_url))
            .and_then(|c| c.with("dialer.tick_ms", 20))
            .and_then(|c| c.with("dialer.calls_per_second", 1000))
            .and_then(|c| c.with("dialer.reconcile_after_seconds", 60))
            .unwrap()
    }
}

/// A simulator on loopback with this test's account.
pub(crate) async fn simulator(sim: SimConfig) -> Simulator {
    Simulator::start(sim, ([127, 0, 0, 1], 0).into(), creds())
        .await
        .unwrap()
}

/// A call to `to` from the campaigns' caller ID, reporting to `voice` and `status`.
fn new_call(to: &str, voice: String, status: String) -> NewCall {
    NewCall {
        to: to.into(),
        from: "+18134893200".into(),
        url: voice,
        status_callback: status,
        timeout_seconds: 25,
        time_limit_seconds: None,
        machine_detection: None,
        recording_callback: None,
    }
}

pub(crate) async fn start(sim: SimConfig) -> (TestApp, Simulator, Member) {
    let simulator = simulator(sim).await;
    let app = spawn_with(dialing(simulator.base_url().to_string())).await;
    app.clock.advance(NY_MORNING - START);
    let owner = app.member("Dialers", Role::Owner).await;
    (app, simulator, owner)
}

/// A campaign calling every day 08:00–21:00 New York time, unattended, with `extra` settings.
pub(crate) async fn campaign(app: &TestApp, token: &str, extra: Value) -> i64 {
    let mut settings = json!({
        "caller_ids": ["+18134893200"],
        "script": { "message": "Hello {first_name}", "voicemail_message": "Call us back" },
        "timezone": "America/New_York",
        "calling_window": { "start": "08:00", "end": "21:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
        "pacing": { "mode": "unattended" },
        "max_concurrent_calls": 5,
    });
    for (k, v) in extra.as_object().unwrap() {
        settings[k] = v.clone();
    }
    let (status, body) = app
        .post(
            "/api/v1/campaigns",
            token,
            json!({ "name": "Autumn", "settings": settings }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

pub(crate) async fn add_lead(app: &TestApp, token: &str, campaign: i64, phone: &str) -> i64 {
    let (status, body) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            token,
            json!({ "phone": phone, "first_name": "Pat" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

pub(crate) async fn set_status(app: &TestApp, token: &str, campaign: i64, status: &str) {
    let (code, body) = app
        .put(
            &format!("/api/v1/campaigns/{campaign}/status"),
            token,
            json!({ "status": status }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
}

pub(crate) async fn progress(app: &TestApp, token: &str, campaign: i64) -> Value {
    let (status, body) = app
        .get(&format!("/api/v1/campaigns/{campaign}/progress"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Polls the campaign's progress until `done` holds (15 s at most).
pub(crate) async fn wait_for(
    app: &TestApp,
    token: &str,
    campaign: i64,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..300 {
        let p = progress(app, token, campaign).await;
        if done(&p) {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "timed out waiting for {what}: {}",
        progress(app, token, campaign).await
    );
}

pub(crate) async fn lead(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/leads/{id}"), token).await.1
}

/// Calls placed to `phone`, whatever the tenant, straight from the database.
async fn calls_to(app: &TestApp, phone: &str) -> i64 {
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM calls WHERE to_number = $1")
        .bind(phone)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    row.0
}

fn ms(v: &Value) -> i64 {
    v.as_str()
        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_millisecond())
        .unwrap_or_else(|| panic!("not a timestamp: {v}"))
}

#[tokio::test]
async fn a_campaign_calls_within_each_callees_hours_skips_do_not_call_and_completes() {
    let (app, _sim, owner) = start(sim_config(outcomes(1, 0))).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({})).await;
    let new_york = add_lead(&app, t, id, "+12124893222").await;
    let florida = add_lead(&app, t, id, "+18134893227").await;
    let los_angeles = add_lead(&app, t, id, "+12134893222").await;
    let listed = add_lead(&app, t, id, "+12124893229").await;
    // Listed behind the lead's back (as another instance or an import could): the check at
    // dialing time still catches it.
    sqlx::query(
        "INSERT INTO dnc_numbers (tenant_id, phone, source, reason, created_by, created_at) VALUES ($1, $2, 'api', 'asked', 'test', 0)",
    )
    .bind(owner.tenant.0)
    .bind("+12124893229")
    .execute(app.store.pool())
    .await
    .unwrap();

    set_status(&app, t, id, "running").await;
    let p = wait_for(&app, t, id, "the east coast called", |p| {
        p["leads"]["completed"] == 2
    })
    .await;
    assert_eq!(p["is_running"], true);
    assert_eq!(p["total_leads"], 4);
    let la = lead(&app, t, los_angeles).await;
    assert_eq!(la["status"], "new", "07:00 in Los Angeles: not yet");
    let eight_in_la = NY_MORNING + HOUR;
    assert_eq!(
        la["next_attempt_at"], eight_in_la,
        "rescheduled, not dropped"
    );
    let p = wait_for(&app, t, id, "the reason to wait", |p| {
        p["waiting_reason"].is_string()
    })
    .await;
    assert!(
        p["waiting_reason"]
            .as_str()
            .unwrap()
            .contains("America/Los_Angeles"),
        "{p}"
    );
    assert_eq!(ms(&p["next_call_at"]), eight_in_la);
    assert_eq!(p["remaining"], 1);
    let dnc = lead(&app, t, listed).await;
    assert_eq!(dnc["do_not_call"], true);
    assert_eq!(calls_to(&app, "+12124893229").await, 0);

    app.clock.advance(HOUR);
    let p = wait_for(&app, t, id, "completion", |p| p["status"] == "completed").await;
    assert_eq!(p["is_running"], false);
    assert_eq!(p["calls_made"], 3);
    assert_eq!(p["in_flight"], 0);
    assert_eq!(p["remaining"], 0);
    assert_eq!(p["outcomes"]["answered"], 3);
    assert!(p["status_reason"].as_str().unwrap().contains("every lead"));
    for (lead_id, phone) in [
        (new_york, "+12124893222"),
        (florida, "+18134893227"),
        (los_angeles, "+12134893222"),
    ] {
        assert_eq!(lead(&app, t, lead_id).await["attempts"], 1);
        assert_eq!(calls_to(&app, phone).await, 1, "{phone} called once");
    }
    assert_eq!(calls_to(&app, "+12124893229").await, 0);
}

#[tokio::test]
async fn calls_per_second_hold_and_a_scheduled_campaign_starts_by_itself() {
    let simulator = simulator(sim_config(outcomes(1, 0))).await;
    let url = simulator.base_url().to_string();
    let app =
        spawn_with(move |c| dialing(url)(c).with("dialer.calls_per_second", 2).unwrap()).await;
    app.clock.advance(NY_MORNING - START);
    let owner = app.member("Dialers", Role::Owner).await;
    let t = &owner.token;
    let start_at = jiff::Timestamp::from_millisecond(NY_MORNING + HOUR).unwrap();
    let id = campaign(
        &app,
        t,
        json!({ "scheduled_start_at": start_at.to_string() }),
    )
    .await;
    for n in 0..5 {
        add_lead(&app, t, id, &format!("+1212489320{n}")).await;
    }
    set_status(&app, t, id, "scheduled").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(progress(&app, t, id).await["status"], "scheduled");

    app.clock.advance(HOUR);
    // The clock stands still: two calls in this second, then the rate holds them back.
    let p = wait_for(&app, t, id, "the first two calls", |p| p["calls_made"] == 2).await;
    assert_eq!(p["status"], "running");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let p = progress(&app, t, id).await;
    assert_eq!(p["calls_made"], 2, "{p}");
    assert_eq!(p["waiting_reason"], "calls-per-second limit");
    app.clock.advance(1000);
    wait_for(&app, t, id, "the next second's calls", |p| {
        p["calls_made"] == 4
    })
    .await;
}

// The rules of turns and carrier reports (caps, the daily limit, retry delays, paused
// campaigns, why a campaign waits) are proved step by step in `crates/engine/tests/engine`;
// the tests here run the whole path through HTTP, the dialer's loop and the simulator.

#[tokio::test]
async fn recycling_takes_finished_leads_only_and_a_resumed_campaign_calls_them() {
    // Always busy, one attempt: the lead ends exhausted.
    let (app, _sim, owner) = start(sim_config(outcomes(0, 1))).await;
    let t = &owner.token;
    let retry = json!({
        "busy": { "delay_minutes": 10, "max_attempts": 1 },
        "no_answer": { "delay_minutes": 60, "max_attempts": 3 },
        "voicemail": { "delay_minutes": 60, "max_attempts": 3 },
        "failed": { "delay_minutes": 60, "max_attempts": 3 },
    });
    let id = campaign(&app, t, json!({ "retry": retry })).await;
    add_lead(&app, t, id, "+12124893222").await;
    set_status(&app, t, id, "running").await;
    wait_for(&app, t, id, "completion", |p| p["status"] == "completed").await;
    let (status, body) = app
        .post(&format!("/api/v1/campaigns/{id}/recycle"), t, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recycled"], 1);
    let (status, body) = app
        .post(
            &format!("/api/v1/campaigns/{id}/recycle"),
            t,
            json!({"statuses": ["invalid"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    set_status(&app, t, id, "running").await;
    wait_for(&app, t, id, "the recycled call", |p| p["calls_made"] == 2).await;
    assert_eq!(calls_to(&app, "+12124893222").await, 2);
}

/// What a crash leaves behind, written straight to the database: a lead claimed with its call
/// recorded but never handed to the carrier (or handed over without the answer being kept).
async fn crashed_claim(app: &TestApp, tenant: i64, campaign: i64, lead: i64, phone: &str) -> i64 {
    let at = NY_MORNING - 10 * MINUTE;
    sqlx::query("UPDATE leads SET status = 'dialing', updated_at = $1 WHERE id = $2")
        .bind(at)
        .bind(lead)
        .execute(app.store.pool())
        .await
        .unwrap();
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO calls (tenant_id, campaign_id, lead_id, call_type, from_number, to_number, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 'campaign', '+18134893200', $4, 'queued', $5, $5) RETURNING id",
    )
    .bind(tenant)
    .bind(campaign)
    .bind(lead)
    .bind(phone)
    .bind(at)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    row.0
}

#[tokio::test]
async fn after_a_crash_calls_are_reconciled_with_the_carrier_never_blindly_redialed() {
    let (app, sim, owner) = start(sim_config(outcomes(1, 0))).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({})).await;
    let lost = add_lead(&app, t, id, "+12124893222").await;
    let made = add_lead(&app, t, id, "+12124893223").await;
    let lost_call = crashed_claim(&app, owner.tenant.0, id, lost, "+12124893222").await;
    let made_call = crashed_claim(&app, owner.tenant.0, id, made, "+12124893223").await;
    // The second one did reach the carrier before the crash; its answer was lost.
    let client = TwilioClient::new(sim.base_url());
    client
        .create_call(
            &creds(),
            &new_call(
                "+12124893223",
                format!(
                    "{}/twilio/voice?tenant={}&call={made_call}",
                    app.base, owner.tenant.0
                ),
                format!(
                    "{}/twilio/status?tenant={}&call={made_call}",
                    app.base, owner.tenant.0
                ),
            ),
        )
        .await
        .unwrap();

    set_status(&app, t, id, "running").await;
    let p = wait_for(&app, t, id, "reconciliation", |p| {
        p["status"] == "completed"
    })
    .await;
    assert_eq!(
        p["calls_made"], 3,
        "two from before the crash, one new: {p}"
    );
    // The call the carrier never made ended as never placed; its lead was called afresh, once.
    let (_, call) = app.get(&format!("/api/v1/calls/{lost_call}"), t).await;
    assert_eq!(call["status"], "failed", "{call}");
    assert!(
        call["error_message"]
            .as_str()
            .unwrap()
            .contains("never reached")
    );
    assert_eq!(calls_to(&app, "+12124893222").await, 2);
    assert_eq!(lead(&app, t, lost).await["attempts"], 1);
    // The call the carrier made was found and adopted: that lead was not dialed again.
    let (_, call) = app.get(&format!("/api/v1/calls/{made_call}"), t).await;
    assert_eq!(call["status"], "completed", "{call}");
    assert!(call["call_sid"].as_str().unwrap().starts_with("CA"));
    assert_eq!(calls_to(&app, "+12124893223").await, 1);
    assert_eq!(lead(&app, t, made).await["attempts"], 1);
}

#[tokio::test]
async fn a_second_server_on_one_sqlite_file_is_refused_and_postgres_instances_share_the_work() {
    let simulator = simulator(sim_config(outcomes(1, 0))).await;
    let url = simulator.base_url().to_string();
    let app = spawn_with(dialing(url.clone())).await;
    let second = build(&app.db_url, app.clock.clone(), dialing(url)).await;
    if app.store.backend() == outdial_storage::Backend::Sqlite {
        let err = second
            .err()
            .expect("a second server is refused")
            .to_string();
        assert!(err.contains("another Outdial server"), "{err}");
        assert!(err.contains("PostgreSQL"), "{err}");
        return;
    }
    let second: Application = second.expect("a second instance on PostgreSQL starts");
    tokio::spawn(second.run_until_stopped(std::future::pending()));
    app.clock.advance(NY_MORNING - START);
    let owner = app.member("Dialers", Role::Owner).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({ "max_concurrent_calls": 6 })).await;
    let phones: Vec<String> = (0..40).map(|n| format!("+121248932{n:02}")).collect();
    for p in &phones {
        add_lead(&app, t, id, p).await;
    }
    set_status(&app, t, id, "running").await;
    let mut most = 0;
    for _ in 0..600 {
        let p = progress(&app, t, id).await;
        most = most.max(p["in_flight"].as_i64().unwrap());
        if p["status"] == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        most <= 6,
        "the cap holds across both instances: {most} at once"
    );
    let p = wait_for(&app, t, id, "completion", |p| p["status"] == "completed").await;
    assert_eq!(p["calls_made"], 40, "{p}");
    let doubles: Vec<(String, i64)> = sqlx::query_as(
        "SELECT to_number, COUNT(*) FROM calls GROUP BY to_number HAVING COUNT(*) > 1",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert!(doubles.is_empty(), "dialed twice: {doubles:?}");
}

#[tokio::test]
async fn a_restarted_simulator_never_hands_out_a_call_id_twice() {
    // Found when killing a demo server mid-campaign: the restarted simulator, same seed, gave
    // its first call the id of the previous run's first call, and Outdial (rightly) refused
    // the second call with a carrier id it already had.
    let mut sids = Vec::new();
    for _ in 0..2 {
        let sim = simulator(sim_config(outcomes(1, 0))).await;
        let call = TwilioClient::new(sim.base_url())
            .create_call(
                &creds(),
                &new_call(
                    "+12124893222",
                    "http://127.0.0.1:9/voice".into(),
                    "http://127.0.0.1:9/status".into(),
                ),
            )
            .await
            .unwrap();
        sids.push(call.sid);
    }
    assert_ne!(sids[0], sids[1]);
}

#[tokio::test]
async fn shutting_down_stops_dialing_but_serves_the_calls_in_flight() {
    // Calls ring 3–12 simulated seconds at speed 4: about a second or two each.
    let mut sim = sim_config(outcomes(1, 0));
    sim.speed = 4.0;
    let simulator = simulator(sim).await;
    let db = outdial_storage::testing::fresh_db().await;
    let clock = outdial_engine::clock::ManualClock::new(NY_MORNING);
    let app = build(&db.url, clock, dialing(simulator.base_url().to_string()))
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let mut conn = db.store.conn().await.unwrap();
    let tenant = outdial_storage::tenants::create(&mut conn, "Drain", START)
        .await
        .unwrap();
    drop(conn);
    let owner = crate::helpers::login_owner(&base, &db.store, tenant.id).await;
    let client = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, body: Value| {
        client
            .request(method, format!("{base}{path}"))
            .bearer_auth(&owner)
            .json(&body)
    };
    let mut settings = json!({
        "caller_ids": ["+18134893200"],
        "script": { "message": "Hello", "voicemail_message": "Call us back" },
        "calling_window": { "start": "08:00", "end": "21:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
        "pacing": { "mode": "unattended" },
        "max_concurrent_calls": 2,
    });
    settings["timezone"] = json!("America/New_York");
    let (_, c) = read(
        call(
            reqwest::Method::POST,
            "/api/v1/campaigns",
            json!({"name": "Drain", "settings": settings}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let id = c["id"].as_i64().unwrap();
    for n in 0..10 {
        let phone = format!("+1212489320{n}");
        let (status, _) = read(
            call(
                reqwest::Method::POST,
                &format!("/api/v1/campaigns/{id}/leads"),
                json!({"phone": phone}),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, _) = read(
        call(
            reqwest::Method::PUT,
            &format!("/api/v1/campaigns/{id}/status"),
            json!({"status": "running"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let open = || async {
        let row: (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN ended_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) FROM calls",
        )
        .fetch_one(db.store.pool())
        .await
        .unwrap();
        row
    };
    // Wait for two calls in flight, then shut down.
    for _ in 0..200 {
        if open().await.1 == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (made, in_flight) = open().await;
    assert_eq!(in_flight, 2);
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the server stops once its calls ended")
        .unwrap()
        .unwrap();
    let (after, still_open) = open().await;
    assert_eq!(after, made, "no call placed after the shutdown began");
    assert_eq!(
        still_open, 0,
        "the calls in flight were followed to their end"
    );
}

/// The rule written out independently of the gate: every zone the number may be in (and the
/// lead's own) is within 08:00–21:00 local time (20:00 for Florida's 813 and Oklahoma's 405),
/// and New York time is within the campaign's 09:00–20:00 on a weekday.
fn lawful(phone: &str, lead_zone: Option<&str>, at_ms: i64) -> bool {
    use jiff::tz::TimeZone;
    use outdial_domain::hours::{NumberZones, number_zones};
    let now = jiff::Timestamp::from_millisecond(at_ms).unwrap();
    let mut zones = match number_zones(&outdial_domain::PhoneNumber::parse_e164(phone).unwrap()) {
        NumberZones::Known(z) => z,
        NumberZones::Unknown => Vec::new(),
    };
    zones.extend(lead_zone.map(|z| TimeZone::get(z).unwrap()));
    let end = if phone.starts_with("+1813") || phone.starts_with("+1405") {
        20
    } else {
        21
    };
    let campaign = now.to_zoned(TimeZone::get("America/New_York").unwrap());
    !zones.is_empty()
        && campaign.weekday().to_monday_one_offset() <= 5
        && (9..20).contains(&campaign.hour())
        && zones
            .iter()
            .all(|z| (8..end).contains(&now.to_zoned(z.clone()).hour()))
}

#[tokio::test]
async fn at_random_instants_the_dialer_takes_only_leads_it_may_call() {
    use rand::{Rng, SeedableRng};
    // No carrier here: the dialer's turn is taken directly, and what it claims is checked.
    let app = spawn_with(|c| c.with("dialer.enabled", false).unwrap()).await;
    let owner = app.member("Hours", Role::Owner).await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "calling_window": { "start": "09:00", "end": "20:00",
            "days": ["mon", "tue", "wed", "thu", "fri"] }, "max_concurrent_calls": 100 }),
    )
    .await;
    // New York, Florida, Los Angeles, Arizona, two-zone Idaho, Oklahoma, Indiana, Hawaii,
    // toll-free with and without the lead's zone; some on the do-not-call list.
    let areas = [
        "212", "813", "213", "602", "208", "405", "317", "808", "800",
    ];
    let mut numbers = Vec::new();
    for (i, area) in areas.iter().enumerate() {
        for n in 0..3 {
            let phone = format!("+1{area}48932{i}{n}");
            let zone = (*area == "800" && n > 0).then_some("America/Denver");
            let (status, body) = app
                .post(
                    &format!("/api/v1/campaigns/{id}/leads"),
                    t,
                    json!({ "phone": phone, "timezone": zone }),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            numbers.push((phone, zone));
        }
    }
    let listed: Vec<&str> = numbers.iter().step_by(4).map(|(p, _)| p.as_str()).collect();
    for phone in &listed {
        sqlx::query(
            "INSERT INTO dnc_numbers (tenant_id, phone, source, reason, created_by, created_at) VALUES ($1, $2, 'api', 'asked', 'test', 0)",
        )
        .bind(owner.tenant.0)
        .bind(*phone)
        .execute(app.store.pool())
        .await
        .unwrap();
    }
    set_status(&app, t, id, "running").await;
    let rules = outdial_engine::dialer::turn::Rules {
        local: outdial_domain::hours::LocalHours::default(),
        calls_per_second: 1000,
        history: Default::default(),
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let (mut dialed, mut held) = (0, 0);
    // 2026–2027: four clock changes.
    for _ in 0..150 {
        let at = rng.random_range(1_767_225_600_000i64..1_830_297_600_000);
        sqlx::query(
            "UPDATE leads SET status = 'new', do_not_call = 0, next_attempt_at = 0, attempts = 0",
        )
        .execute(app.store.pool())
        .await
        .unwrap();
        sqlx::query("DELETE FROM calls")
            .execute(app.store.pool())
            .await
            .unwrap();
        let placed = outdial_engine::dialer::turn::take(
            &app.store,
            &rules,
            outdial_domain::CampaignId(id),
            at,
        )
        .await
        .unwrap()
        .expect("the campaign is running");
        for (call, lead) in &placed.calls {
            assert_eq!(call.to, lead.phone);
            assert!(
                !listed.contains(&lead.phone.as_str()),
                "{} is on the do-not-call list",
                lead.phone
            );
            assert!(
                lawful(lead.phone.as_str(), lead.timezone.as_deref(), at),
                "{} ({:?}) dialed at {}",
                lead.phone,
                lead.timezone,
                jiff::Timestamp::from_millisecond(at).unwrap()
            );
        }
        // Every lawful lead not on the list was dialed; every other one waits for later.
        let lawful_now = numbers
            .iter()
            .filter(|(p, z)| !listed.contains(&p.as_str()) && lawful(p, *z, at))
            .count();
        assert_eq!(placed.calls.len(), lawful_now);
        let waiting: Vec<(i64,)> = sqlx::query_as(
            "SELECT next_attempt_at FROM leads WHERE status = 'new' AND do_not_call = 0",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert!(
            waiting.iter().all(|(next,)| *next > at),
            "held leads are rescheduled, never dropped"
        );
        dialed += placed.calls.len();
        held += waiting.len();
    }
    assert!(
        dialed > 100 && held > 100,
        "both sides exercised: {dialed} dialed, {held} held"
    );
}

#[tokio::test]
async fn progressive_dials_for_the_campaigns_free_agents_and_stops_when_they_log_off() {
    agents_drive(json!({ "mode": "progressive" })).await;
}

/// Predictive without history (no transfers yet) starts as progressive: it never dials more
/// than one call per free agent.
#[tokio::test]
async fn predictive_starts_cold_at_one_call_per_free_agent() {
    agents_drive(json!({ "mode": "predictive" })).await;
}

async fn agents_drive(pacing: Value) {
    // Calls ring 3–12 simulated seconds at speed 4: one to three real seconds.
    let mut sim = sim_config(outcomes(0, 0));
    sim.outcomes.no_answer = 1;
    sim.speed = 4.0;
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({ "pacing": pacing })).await;
    for n in 0..10 {
        add_lead(&app, t, id, &format!("+1212489320{n}")).await;
    }
    let (_, group) = app
        .post("/api/v1/agent-groups", t, json!({ "name": "Team" }))
        .await;
    let gid = group["id"].as_i64().unwrap();
    let mut agents = Vec::new();
    for n in 0..3 {
        let (a, uid) = registered_agent(&app, &owner, &format!("81348932{n}0")).await;
        agents.push((a, uid));
    }
    let ids: Vec<i64> = agents.iter().map(|(_, u)| *u).collect();
    app.put(
        &format!("/api/v1/agent-groups/{gid}/members"),
        t,
        json!({ "user_ids": ids }),
    )
    .await;
    app.put(
        &format!("/api/v1/campaigns/{id}/agent-groups"),
        t,
        json!({ "group_ids": [gid] }),
    )
    .await;
    set_status(&app, t, id, "running").await;
    // Nobody logged in: it waits.
    let p = wait_for(&app, t, id, "no agent", |p| {
        p["waiting_reason"] == "no agent signed in"
    })
    .await;
    assert_eq!(p["calls_made"], 0);

    // Two of the three log in: two calls ring at a time, never more.
    for (a, _) in &agents[..2] {
        app.put(
            "/api/v1/agents/me/status",
            &a.token,
            json!({ "status": "available" }),
        )
        .await;
    }
    let mut most = 0;
    for _ in 0..120 {
        let p = progress(&app, t, id).await;
        most = most.max(p["in_flight"].as_i64().unwrap());
        if p["calls_made"].as_i64().unwrap() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(most, 2, "one call per free agent");

    // They log off: dialing stops at once (calls in flight end on their own).
    for (a, _) in &agents[..2] {
        app.put(
            "/api/v1/agents/me/status",
            &a.token,
            json!({ "status": "offline" }),
        )
        .await;
    }
    let p = wait_for(&app, t, id, "the calls to end", |p| p["in_flight"] == 0).await;
    let made = p["calls_made"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let p = progress(&app, t, id).await;
    assert_eq!(p["calls_made"], made, "{p}");
    assert_eq!(p["waiting_reason"], "no agent signed in");
}

#[tokio::test]
async fn a_campaign_started_before_its_list_waits_for_leads() {
    let (app, _sim, owner) = start(sim_config(outcomes(1, 0))).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({})).await;
    set_status(&app, t, id, "running").await;
    let p = wait_for(&app, t, id, "the reason", |p| {
        p["waiting_reason"].is_string()
    })
    .await;
    assert_eq!(p["status"], "running", "not completed: it never had a lead");
    assert!(
        p["waiting_reason"]
            .as_str()
            .unwrap()
            .contains("no leads yet")
    );
    add_lead(&app, t, id, "+12124893222").await;
    wait_for(&app, t, id, "completion", |p| p["status"] == "completed").await;
}

#[tokio::test]
async fn the_event_stream_announces_calls_and_progress_as_the_dialer_works() {
    let (app, _sim, owner) = start(sim_config(outcomes(1, 0))).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({})).await;
    add_lead(&app, t, id, "+12124893222").await;
    let mut stream = crate::live::Stream::open(&app.base, t).await;
    stream.expect("snapshot").await;
    set_status(&app, t, id, "running").await;
    let progress = stream.expect("campaign.progress").await;
    assert_eq!(progress["campaign_id"], id);
    let mut seen = Vec::new();
    while !seen.contains(&"completed".to_string()) {
        let calls = stream.expect("call.status").await;
        for c in calls["calls"].as_array().unwrap() {
            seen.push(c["status"].as_str().unwrap().to_string());
        }
    }
    let done = stream.expect("campaign.status").await;
    assert_eq!(
        (done["campaign_id"].as_i64(), done["status"].as_str()),
        (Some(id), Some("completed"))
    );
}
