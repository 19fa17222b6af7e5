//! Calls end to end: the API places them through the real Twilio client, the simulator plays
//! them out against the signed webhooks, and the call log shows the result.

use crate::helpers::*;
use outdial_domain::Role;
use outdial_simulator::{OutcomeWeights, SimConfig, Simulator};
use outdial_twilio::signature::{Algorithm, sign};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const ACCOUNT: &str = SIM_ACCOUNT;
const TOKEN: &str = SIM_TOKEN;

pub(crate) fn only(outcome: &str) -> OutcomeWeights {
    let mut w = OutcomeWeights {
        human: 0,
        machine: 0,
        busy: 0,
        no_answer: 0,
        failed: 0,
    };
    match outcome {
        "human" => w.human = 1,
        "machine" => w.machine = 1,
        "busy" => w.busy = 1,
        "no_answer" => w.no_answer = 1,
        _ => w.failed = 1,
    }
    w
}

async fn app_with_sim(sim: SimConfig) -> (TestApp, Simulator) {
    app_with_simulator(sim, |c| c).await
}

/// Calls played 100 times faster than life. Faster, a loaded machine's few milliseconds of
/// webhook handling become simulated seconds, and a redirect to voicemail can land after the
/// machine's greeting is over.
pub(crate) fn fast(outcomes: OutcomeWeights, keypress: [u32; 3]) -> SimConfig {
    SimConfig {
        speed: 100.0,
        calls_per_second: 200.0,
        outcomes,
        keypress,
        ..SimConfig::default()
    }
}

async fn lead(app: &TestApp, token: &str, campaign: i64, phone: &str, first: &str) -> i64 {
    let (status, body) = app
        .post(
            &format!("/api/v1/campaigns/{campaign}/leads"),
            token,
            json!({ "phone": phone, "first_name": first }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// Polls a call until `done` says so (10 s at most).
async fn wait_for(app: &TestApp, token: &str, call: i64, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..500 {
        let (status, body) = app.get(&format!("/api/v1/calls/{call}"), token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if done(&body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("call {call} never got there");
}

fn kinds(call: &Value) -> Vec<String> {
    call["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["kind"].as_str().unwrap(),
                e["status"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test]
async fn a_person_presses_2_and_lands_on_the_do_not_call_list() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 1, 0])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let lead_id = lead(
        &app,
        &owner.token,
        campaign,
        "8134893222",
        "O'Brien & <Sons>",
    )
    .await;

    let (status, call) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({"call_type": "cold_call"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    assert_eq!(call["to"], "+18134893222");
    assert_eq!(call["from"], "+18134893200");
    let id = call["id"].as_i64().unwrap();
    let done = wait_for(&app, &owner.token, id, |c| {
        c["status"] == "completed" && c["disposition"] == "opted_out"
    })
    .await;
    assert_eq!(done["outcome"], "answered");
    assert!(done["call_sid"].as_str().unwrap().starts_with("CA"));
    assert!(done["answered_at"].is_i64() && done["ended_at"].is_i64());
    let k = kinds(&done);
    for expected in [
        "status:initiated",
        "status:ringing",
        "status:in-progress",
        "voice:in-progress",
        "gather:opted_out",
        "status:completed",
    ] {
        assert!(
            k.iter().any(|x| x == expected),
            "{expected} missing from {k:?}"
        );
    }
    // The transcript: what the person heard, in order, with the name as given (never as XML).
    let said: Vec<Value> = done["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "said")
        .map(|e| e["detail"].clone())
        .collect();
    assert_eq!(said.len(), 2, "the greeting, then the opt-out: {said:?}");
    assert_eq!(said[0]["lines"][0], "Hello O'Brien & <Sons>");
    // Nobody could be connected (no agents, no transfer number): key 1 is not offered.
    assert_eq!(
        said[0]["lines"][1], "Press 2 to be added to our do-not-call list.",
        "{said:?}"
    );
    // Silence goes to the gather URL too (actionOnEmptyResult): nothing follows the menu.
    assert_eq!(said[0]["unless_answered"], json!([]), "{said:?}");
    assert!(
        said[1]["lines"][0]
            .as_str()
            .unwrap()
            .contains("do-not-call list"),
        "{said:?}"
    );
    // On the list at once, and the lead is marked and done.
    let (status, check) = app.get("/api/v1/dnc/%2B18134893222", &owner.token).await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["listed"], true);
    assert_eq!(check["entry"]["source"], "ivr");
    let (_, lead) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(lead["do_not_call"], true);
    assert_eq!(lead["status"], "completed");
    assert_eq!(lead["attempts"], 1);
    // A do-not-call lead can never be called again.
    let (status, body) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn a_machine_gets_the_voicemail_after_the_beep_and_the_lead_waits_for_a_retry() {
    let (app, _sim) = app_with_sim(fast(only("machine"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let lead_id = lead(&app, &owner.token, campaign, "8134893223", "Ada").await;
    let (status, call) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    assert_eq!(done["outcome"], "voicemail");
    assert_eq!(done["answered_by"], "machine_end_beep");
    assert_eq!(done["disposition"], "voicemail_left");
    // Detection was synchronous: the voice webhook itself said who answered.
    assert!(
        !kinds(&done).iter().any(|k| k.starts_with("amd:")),
        "{done}"
    );
    assert_eq!(said(&done), ["Please call us back"]);
    let (_, lead) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(lead["status"], "retry");
    assert!(lead["next_attempt_at"].as_i64().unwrap() > START);
}

#[tokio::test]
async fn busy_calls_are_logged_and_exported_safely() {
    let (app, _sim) = app_with_sim(fast(only("busy"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let (status, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "(813) 489-3224", "campaign_id": campaign}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "busy"
    })
    .await;
    assert_eq!(done["outcome"], "busy");
    assert_eq!(done["call_type"], "single");

    let (status, page) = app
        .get("/api/v1/calls?outcome=busy&status=busy", &owner.token)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 1);
    let (_, none) = app
        .get("/api/v1/calls?outcome=answered", &owner.token)
        .await;
    assert_eq!(none["total"], 0);
    let (status, bad) = app.get("/api/v1/calls?outcome=great", &owner.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no_answer")
    );

    let csv = app
        .request(
            reqwest::Method::GET,
            "/api/v1/calls.csv",
            Some(&owner.token),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = csv.lines().nth(1).unwrap();
    // Numbers start with '+': neutralised so a spreadsheet shows them as text.
    assert!(
        row.contains(",'+18134893224,") && row.contains(",busy,"),
        "{row}"
    );

    // Another tenant sees none of it.
    let other = app.member("Others", Role::Owner).await;
    let (_, theirs) = app.get("/api/v1/calls", &other.token).await;
    assert_eq!(theirs["total"], 0);
    let (status, _) = app
        .get(&format!("/api/v1/calls/{}", call["id"]), &other.token)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_numbers_close_the_lead_and_keep_twilios_error() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    // Twilio's magic number that is always invalid.
    let lead_id = lead(&app, &owner.token, campaign, "+15005550001", "Nobody").await;
    // Its area code names no time zone: the lead is given one, or it is never called.
    let (status, body) = app
        .patch(
            &format!("/api/v1/leads/{lead_id}"),
            &owner.token,
            json!({"timezone": "America/New_York"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("21211"));
    let (_, lead) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(lead["status"], "invalid");
    let (_, calls) = app
        .get(&format!("/api/v1/calls?lead_id={lead_id}"), &owner.token)
        .await;
    let call = &calls["items"][0];
    assert_eq!(
        (
            call["status"].as_str(),
            call["outcome"].as_str(),
            call["error_code"].as_i64()
        ),
        (Some("failed"), Some("invalid"), Some(21211))
    );
    // Never retried: the lead is not callable.
    let (status, _) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// Posts a status callback for `call`, signed with `token` unless `signature` is given.
async fn status_callback(
    app: &TestApp,
    tenant: i64,
    call: i64,
    fields: &[(&str, &str)],
    token: &str,
    signature: Option<&str>,
) -> StatusCode {
    let url = format!("{}/twilio/status?tenant={tenant}&call={call}", app.base);
    let form: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let sig = signature
        .map(str::to_string)
        .unwrap_or_else(|| sign(token.as_bytes(), Algorithm::Sha1, &url, &form));
    app.client
        .post(&url)
        .header("X-Twilio-Signature", sig)
        .form(&form)
        .send()
        .await
        .unwrap()
        .status()
}

/// An app whose simulator rings calls out slowly, so a test's own callbacks come first and are
/// the ones that count; with an owner and a campaign.
async fn slow_ringing() -> (TestApp, Simulator, Member, i64) {
    let mut sim = fast(only("no_answer"), [0, 0, 1]);
    sim.speed = 0.001;
    let (app, sim) = app_with_sim(sim).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    (app, sim, owner, campaign)
}

#[tokio::test]
async fn callbacks_arriving_together_and_repeated_are_each_applied_once() {
    let (app, _sim, owner, campaign) = slow_ringing().await;
    let tenant = owner.tenant.0;
    let mut calls = Vec::new();
    for i in 0..6 {
        let lead_id = lead(
            &app,
            &owner.token,
            campaign,
            &format!("81348932{:02}", 30 + i),
            "Ann",
        )
        .await;
        let (status, call) = app
            .post(
                &format!("/api/v1/leads/{lead_id}/call"),
                &owner.token,
                json!({"call_type": "cold_call"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{call}");
        let sid = call["call_sid"].as_str().unwrap().to_string();
        calls.push((lead_id, call["id"].as_i64().unwrap(), sid));
    }
    // Every report of every call three times, all at once: the status queue gets batches
    // holding the same report more than once and a call's reports out of order.
    let app = std::sync::Arc::new(app);
    let mut sends = Vec::new();
    for (_, id, sid) in &calls {
        for (status, seq) in [
            ("initiated", "11"),
            ("ringing", "12"),
            ("in-progress", "13"),
            ("completed", "14"),
        ] {
            for _ in 0..3 {
                let (app, sid, id) = (app.clone(), sid.clone(), *id);
                sends.push(tokio::spawn(async move {
                    let f = [
                        ("CallSid", sid.as_str()),
                        ("AccountSid", ACCOUNT),
                        ("CallStatus", status),
                        ("SequenceNumber", seq),
                        ("CallDuration", "42"),
                    ];
                    status_callback(&app, tenant, id, &f, TOKEN, None).await
                }));
            }
        }
    }
    for send in sends {
        assert_eq!(send.await.unwrap(), StatusCode::NO_CONTENT);
    }
    for (lead_id, id, _) in &calls {
        let (_, call) = app.get(&format!("/api/v1/calls/{id}"), &owner.token).await;
        assert_eq!(call["status"], "completed", "{call}");
        assert_eq!(call["outcome"], "answered");
        assert_eq!(call["talk_seconds"], 42);
        let mut ours: Vec<_> = call["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["kind"] == "status" && (11..=14).contains(&e["sequence"].as_i64().unwrap_or(0))
            })
            .map(|e| e["sequence"].as_i64().unwrap())
            .collect();
        ours.sort();
        assert_eq!(ours, [11, 12, 13, 14], "each report stored once: {call}");
        let (_, lead) = app
            .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
            .await;
        assert_eq!(lead["status"], "completed", "{lead}");
        assert_eq!(lead["attempts"], 1, "the attempt is counted once: {lead}");
    }
}

#[tokio::test]
async fn forged_unsigned_and_unknown_webhooks_are_refused_and_change_nothing() {
    let (app, _sim, owner, campaign) = slow_ringing().await;
    let (_, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893225", "campaign_id": campaign}),
        )
        .await;
    let id = call["id"].as_i64().unwrap();
    let sid = call["call_sid"].as_str().unwrap().to_string();
    let completed = [
        ("CallSid", sid.as_str()),
        ("AccountSid", ACCOUNT),
        ("CallStatus", "completed"),
        ("SequenceNumber", "3"),
        ("CallDuration", "42"),
    ];

    assert_eq!(
        status_callback(&app, owner.tenant.0, id, &completed, "wrong-token", None).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status_callback(&app, owner.tenant.0, id, &completed, TOKEN, Some("")).await,
        StatusCode::FORBIDDEN
    );
    let unsigned = app
        .client
        .post(format!("{}/twilio/status?call={id}", app.base))
        .form(&completed)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    // Authentic but about a call this tenant does not have: nothing to change.
    assert_eq!(
        status_callback(&app, owner.tenant.0, 999_999, &completed, TOKEN, None).await,
        StatusCode::NOT_FOUND
    );
    // Another tenant's URL with this tenant's call: that tenant has no such call either.
    let other = app.member("Others", Role::Owner).await;
    assert_eq!(
        status_callback(&app, other.tenant.0, id, &completed, TOKEN, None).await,
        StatusCode::NOT_FOUND
    );
    // A URL that names no tenant cannot be checked.
    let no_tenant = app
        .client
        .post(format!("{}/twilio/status?call={id}", app.base))
        .header("X-Twilio-Signature", "anything")
        .form(&completed)
        .send()
        .await
        .unwrap();
    assert_eq!(no_tenant.status(), StatusCode::FORBIDDEN);
    // A valid signature for other fields does not cover changed ones.
    let url = format!(
        "{}/twilio/status?tenant={}&call={id}",
        app.base, owner.tenant.0
    );
    let mut tampered: Vec<(String, String)> = completed
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let good = sign(TOKEN.as_bytes(), Algorithm::Sha1, &url, &tampered);
    tampered[4].1 = "9999".into();
    let r = app
        .client
        .post(&url)
        .header("X-Twilio-Signature", good)
        .form(&tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The TwiML endpoints too.
    let r = app
        .client
        .post(format!(
            "{}/twilio/gather?tenant={}&call={id}",
            app.base, owner.tenant.0
        ))
        .form(&[("CallSid", sid.as_str()), ("Digits", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, dnc) = app.get("/api/v1/dnc/%2B18134893225", &owner.token).await;
    assert_eq!(dnc["listed"], false, "a forged press 2 lists nothing");
    // The agent-leg webhooks check the signature before reading their own query: a forged
    // request missing `leg` is refused as forged, not told what it lacks.
    for path in ["voice", "accept", "pass", "told", "status"] {
        let r = app
            .client
            .post(format!(
                "{}/twilio/agent/{path}?tenant={}&call={id}",
                app.base, owner.tenant.0
            ))
            .form(&[("CallSid", sid.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "/twilio/agent/{path}");
    }

    let (_, now) = app.get(&format!("/api/v1/calls/{id}"), &owner.token).await;
    assert_ne!(now["status"], "completed");
    assert!(!kinds(&now).iter().any(|k| k == "status:completed"));
}

#[tokio::test]
async fn repeated_and_reordered_callbacks_never_move_a_call_backwards() {
    let (app, _sim, owner, campaign) = slow_ringing().await;
    let (_, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893226", "campaign_id": campaign}),
        )
        .await;
    let id = call["id"].as_i64().unwrap();
    let tenant = owner.tenant.0;
    let sid = call["call_sid"].as_str().unwrap().to_string();
    let event = |status: &'static str, seq: &'static str| {
        vec![
            ("CallSid", sid.clone()),
            ("AccountSid", ACCOUNT.to_string()),
            ("CallStatus", status.to_string()),
            ("SequenceNumber", seq.to_string()),
            ("CallDuration", "42".to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            status_callback(app, tenant, id, &f, TOKEN, None).await
        }
    };
    // The end arrives first, then the answer, a late ringing, and repeats.
    assert_eq!(send(event("completed", "13")).await, StatusCode::NO_CONTENT);
    assert_eq!(
        send(event("in-progress", "12")).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(event("ringing", "11")).await, StatusCode::NO_CONTENT);
    assert_eq!(send(event("completed", "13")).await, StatusCode::NO_CONTENT);
    assert_eq!(send(event("ringing", "11")).await, StatusCode::NO_CONTENT);
    let (_, now) = app.get(&format!("/api/v1/calls/{id}"), &owner.token).await;
    assert_eq!(now["status"], "completed");
    assert_eq!(now["outcome"], "answered");
    assert_eq!(now["talk_seconds"], 42);
    let statuses: Vec<_> = kinds(&now)
        .into_iter()
        .filter(|k| {
            k.starts_with("status:")
                && ["status:completed", "status:in-progress", "status:ringing"]
                    .contains(&k.as_str())
        })
        .collect();
    assert_eq!(
        statuses,
        ["status:completed", "status:in-progress", "status:ringing"],
        "each stored once"
    );
    // A malformed callback is refused with a reason, and changes nothing.
    assert_eq!(send(event("exploded", "14")).await, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn twilio_credentials_are_validated_and_never_returned() {
    // The dialer is off: the running campaign's lead is called by hand, not raced for.
    let (app, _sim) = app_with_simulator(fast(only("human"), [0, 0, 1]), |c| {
        c.with("dialer.enabled", false).unwrap()
    })
    .await;
    let owner = app.member("Dialers", Role::Owner).await;
    let (status, current) = app.get("/api/v1/settings/twilio", &owner.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(current["source"], "server");
    assert_eq!(current["account_sid"], ACCOUNT);
    let (status, bad) = app
        .put(
            "/api/v1/settings/twilio",
            &owner.token,
            json!({"account_sid": "XX1", "auth_token": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["details"][0]["field"], "account_sid");
    let secret = "00112233445566778899aabbccddeeff";
    let (status, set) = app
        .put(
            "/api/v1/settings/twilio",
            &owner.token,
            json!({"account_sid": "ACfedcba9876543210fedcba9876543210", "auth_token": secret}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["source"], "tenant");
    assert!(!set.to_string().contains(secret));
    let (_, read) = app.get("/api/v1/settings/twilio", &owner.token).await;
    assert!(!read.to_string().contains(secret));
    // Agents may not see or change it.
    let agent = app.colleague(&owner, Role::Agent).await;
    let (status, _) = app.get("/api/v1/settings/twilio", &agent.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The simulator does not know this account: Twilio's authentication error, and a running
    // campaign pauses with a reason a person can act on.
    let campaign = app.campaign(&owner.token, "Spring").await;
    let lead_id = lead(&app, &owner.token, campaign, "8134893227", "Ada").await;
    let (status, body) = app
        .put(
            &format!("/api/v1/campaigns/{campaign}/status"),
            &owner.token,
            json!({"status": "running"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut live = crate::live::Stream::open(&app.base, &owner.token).await;
    live.expect("snapshot").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("20003"));
    let (_, c) = app
        .get(&format!("/api/v1/campaigns/{campaign}"), &owner.token)
        .await;
    assert_eq!(c["status"], "paused");
    // Pages watching the campaign and the call log hear both at once. (On PostgreSQL the
    // announcement of the start may arrive after the stream opened: skip it.)
    let paused = loop {
        let e = live.expect("campaign.status").await;
        if e["status"] != "running" {
            break e;
        }
    };
    assert_eq!(
        (paused["campaign_id"].as_i64(), paused["status"].as_str()),
        (Some(campaign), Some("paused"))
    );
    let failed = live.expect("call.status").await;
    assert_eq!(failed["calls"][0]["status"], "failed", "{failed}");
    assert!(c["status_reason"].as_str().unwrap().contains("credentials"));
    let (_, lead) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(
        lead["status"], "retry",
        "not the lead's fault: it is called again later"
    );
    assert_eq!(lead["attempts"], 0);

    let (status, _) = app.delete("/api/v1/settings/twilio", &owner.token).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, back) = app.get("/api/v1/settings/twilio", &owner.token).await;
    assert_eq!(back["source"], "server");
}

#[tokio::test]
async fn without_credentials_the_built_in_simulator_places_the_call() {
    let app = spawn_with(|c| {
        c.with("simulator.speed", 500.0)
            .and_then(|c| c.with("simulator.calls_per_second", 100.0))
            .unwrap()
    })
    .await;
    app.clock.advance(crate::dialer::NY_MORNING - START);
    let owner = app.member("Dialers", Role::Owner).await;
    let (_, current) = app.get("/api/v1/settings/twilio", &owner.token).await;
    assert_eq!(current["source"], "simulator");
    let campaign = app.campaign(&owner.token, "Spring").await;
    let (status, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893228", "campaign_id": campaign}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["outcome"].is_string()
    })
    .await;
    assert!(kinds(&done).iter().any(|k| k == "status:initiated"));
}

#[tokio::test]
async fn pressing_1_connects_to_the_transfer_number_or_promises_a_call_back() {
    let (app, _sim) = app_with_sim(fast(only("human"), [1, 0, 0])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let (_, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893229", "campaign_id": campaign}),
        )
        .await;
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    assert_eq!(done["disposition"], "transfer_unavailable");

    let (status, body) = app
        .patch(
            &format!("/api/v1/campaigns/{campaign}"),
            &owner.token,
            json!({"settings": {"script": {"transfer_number": "+18134893201"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893230", "campaign_id": campaign}),
        )
        .await;
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    assert_eq!(done["disposition"], "transferred");
    // The transferred leg talked: the call lasted at least the simulator's shortest talk.
    assert!(done["talk_seconds"].as_i64().unwrap() >= 20, "{done}");
    // The campaign's figures count the caller handed on to the number.
    let (_, progress) = app
        .get(
            &format!("/api/v1/campaigns/{campaign}/progress"),
            &owner.token,
        )
        .await;
    assert_eq!(
        (
            progress["transfers"]["handed"].as_i64(),
            progress["transfers"]["to_number"].as_i64()
        ),
        (Some(1), Some(1)),
        "{progress}"
    );
    assert_eq!(progress["abandon_percent"], 0.0);
}

#[tokio::test]
async fn calls_end_right_when_the_carrier_repeats_and_reorders_its_callbacks() {
    let mut sim = fast(only("human"), [0, 0, 1]);
    sim.duplicate_callbacks = 0.5;
    sim.reorder_callbacks = 0.5;
    sim.seed = 7;
    let (app, _sim) = app_with_sim(sim).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let (status, call) = app
            .post(
                "/api/v1/calls",
                &owner.token,
                json!({"to": format!("81348932{:02}", 40 + n), "campaign_id": campaign}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{call}");
        ids.push(call["id"].as_i64().unwrap());
    }
    for id in ids {
        // Held-back callbacks arrive up to 1.2 s late: wait until every one of the four is in.
        let done = wait_for(&app, &owner.token, id, |c| {
            c["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "status")
                .count()
                >= 4
        })
        .await;
        assert_eq!(done["status"], "completed", "{done}");
        assert_eq!(done["outcome"], "answered");
        let mut sequences: Vec<i64> = done["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "status")
            .map(|e| e["sequence"].as_i64().unwrap())
            .collect();
        sequences.sort_unstable();
        assert_eq!(sequences, [0, 1, 2, 3], "each status event stored once");
    }
}

#[tokio::test]
async fn a_recording_plays_through_outdial_whole_or_by_range_for_its_tenant_only() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let (status, body) = app
        .patch(
            &format!("/api/v1/campaigns/{campaign}"),
            &owner.token,
            json!({ "settings": { "recording": true } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893231", "campaign_id": campaign}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let id = call["id"].as_i64().unwrap();
    let done = wait_for(&app, &owner.token, id, |c| c["recording_sid"].is_string()).await;
    let seconds = done["recording_seconds"].as_i64().unwrap();
    assert!(seconds > 0, "{done}");

    let path = format!("/api/v1/calls/{id}/recording");
    let whole = app
        .request(Method::GET, &path, Some(&owner.token))
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "audio/mpeg");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let audio = whole.bytes().await.unwrap();
    assert_eq!(&audio[..2], &[0xFF, 0xFB], "an MP3 frame");
    // 32 kbit/s: 4,000 bytes a second, about the recording's length.
    let heard = audio.len() as f64 / 4_000.0;
    assert!(
        (heard - seconds as f64).abs() < 1.0,
        "{heard} s for {seconds} s"
    );

    // A player seeking asks for a range, and gets just that.
    let part = app
        .request(Method::GET, &path, Some(&owner.token))
        .header("range", "bytes=144-287")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 144-287/{}", audio.len())
    );
    assert_eq!(part.bytes().await.unwrap(), audio[144..288]);

    // Agents of the tenant may listen; nobody else may, and a call without one says so.
    let agent = app.colleague(&owner, Role::Agent).await;
    let (status, _) = app.get(&path, &agent.token).await;
    assert_eq!(status, StatusCode::OK);
    let stranger = app.member("Others", Role::Owner).await;
    let (status, body) = app.get(&path, &stranger.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app
        .request(Method::GET, &path, None)
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let unrecorded = app.campaign(&owner.token, "Unrecorded").await;
    let (_, plain) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "8134893232", "campaign_id": unrecorded}),
        )
        .await;
    let plain_id = plain["id"].as_i64().unwrap();
    wait_for(&app, &owner.token, plain_id, |c| c["outcome"].is_string()).await;
    let (status, body) = app
        .get(&format!("/api/v1/calls/{plain_id}/recording"), &owner.token)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(
        error_message(&body, "not_found").contains("recording"),
        "{body}"
    );
}

#[tokio::test]
async fn the_accounts_numbers_are_listed_for_managers_and_bad_credentials_say_so() {
    let (app, _sim) = app_with_sim(SimConfig {
        numbers: vec!["+18134893200".into(), "+15005550006".into()],
        ..fast(only("human"), [0, 0, 1])
    })
    .await;
    let owner = app.member("Dialers", Role::Owner).await;
    let (status, body) = app
        .get("/api/v1/settings/twilio/numbers", &owner.token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["source"], "server");
    let numbers: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["phone_number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["+15005550006", "+18134893200"]);
    assert_eq!(body["items"][0]["voice"], true);

    let agent = app.colleague(&owner, Role::Agent).await;
    let (status, _) = app
        .get("/api/v1/settings/twilio/numbers", &agent.token)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Credentials Twilio does not know: listing the numbers is how a person finds out.
    let (status, _) = app
        .put(
            "/api/v1/settings/twilio",
            &owner.token,
            json!({"account_sid": "ACfedcba9876543210fedcba9876543210", "auth_token": "00112233445566778899aabbccddeeff"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .get("/api/v1/settings/twilio/numbers", &owner.token)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = error_message(&body, "conflict");
    assert!(
        message.contains("20003") && message.contains("credentials"),
        "{message}"
    );
}

#[tokio::test]
async fn a_call_by_hand_outside_the_callees_hours_is_refused_with_the_next_allowed_moment() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    // Back to 06:06 in New York and Tampa (START): before their 08:00.
    app.clock.advance(START - crate::dialer::NY_MORNING);
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let lead_id = lead(&app, &owner.token, campaign, "8134893222", "Flo").await;
    let (_, before) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(before["derived_timezones"], json!(["America/New_York"]));
    // A lead's calls are the campaign's: its window (09:00–20:00 New York by default) opens
    // last. A single call to the number keeps only the callee's hours (Florida's 08:00).
    for (path, body, code, next) in [
        (
            format!("/api/v1/leads/{lead_id}/call"),
            json!({}),
            "outside_campaign_hours",
            "2026-11-18T14:00:00Z",
        ),
        (
            format!("/api/v1/leads/{lead_id}/call"),
            json!({"call_type": "appointment_booking"}),
            "outside_campaign_hours",
            "2026-11-18T14:00:00Z",
        ),
        (
            "/api/v1/calls".to_string(),
            json!({"to": "+18134893222", "campaign_id": campaign}),
            "outside_calling_hours",
            "2026-11-18T13:00:00Z",
        ),
    ] {
        let (status, refused) = app.post(&path, &owner.token, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert_eq!(refused["error"]["code"], code, "{refused}");
        assert_eq!(
            refused["error"]["details"]["next_allowed_at"], next,
            "{refused}"
        );
    }
    let (_, refused) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "+18134893222", "campaign_id": campaign}),
        )
        .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Florida rules"),
        "{refused}"
    );
    // Nothing was recorded and the lead is as it was.
    let (_, calls) = app.get("/api/v1/calls", &owner.token).await;
    assert_eq!(calls["total"], 0);
    let (_, after) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(
        (after["status"].clone(), after["attempts"].clone()),
        (json!("new"), json!(0))
    );
    // At 09:06 in New York both go through.
    app.clock.advance(3 * 3_600_000);
    let (status, call) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
}

/// Every line the call's webhooks had the called person hear, in order.
fn said(call: &Value) -> Vec<String> {
    call["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "said")
        .flat_map(|e| {
            e["detail"]["lines"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|l| l.as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[tokio::test]
async fn a_machine_under_enable_detection_gets_the_voicemail_or_a_hang_up_never_the_menu() {
    let (app, _sim) = app_with_sim(fast(only("machine"), [1, 0, 0])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    for (voicemail, disposition, answered_by) in [
        ("leave_message", "voicemail_left", "machine_end_beep"),
        ("hang_up", "machine_hung_up", "machine_start"),
    ] {
        let mut settings = ready_settings();
        settings["machine_detection"] = json!({"enabled": true, "mode": "enable"});
        settings["voicemail"] = json!({"action": voicemail});
        let (status, campaign) = app
            .post(
                "/api/v1/campaigns",
                &owner.token,
                json!({"name": format!("Machines {voicemail}"), "settings": settings}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        let (status, call) = app
            .post(
                "/api/v1/calls",
                &owner.token,
                json!({"to": "+18134893230", "campaign_id": campaign["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{call}");
        let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
            c["status"] == "completed"
        })
        .await;
        assert_eq!(done["disposition"], disposition, "{voicemail}: {done}");
        assert_eq!(done["answered_by"], answered_by, "{voicemail}: {done}");
        let lines = said(&done);
        assert!(
            lines.iter().all(|l| !l.contains("Press 1")),
            "a machine never hears the menu: {lines:?}"
        );
        if voicemail == "leave_message" {
            assert_eq!(
                lines,
                ["Please call us back"],
                "the voicemail, after the beep"
            );
        } else {
            assert!(lines.is_empty(), "nothing is said to it: {lines:?}");
        }
    }
}

#[tokio::test]
async fn a_person_who_presses_nothing_is_no_input_and_called_again_by_its_rule() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let mut settings = ready_settings();
    settings["retry"] = json!({"no_input": {"delay_minutes": 90, "max_attempts": 3}});
    let (_, campaign) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Quiet ones", "settings": settings}),
        )
        .await;
    let lead_id = lead(
        &app,
        &owner.token,
        campaign["id"].as_i64().unwrap(),
        "8134893240",
        "Sam",
    )
    .await;
    let (status, call) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    assert_eq!(done["outcome"], "answered");
    assert_eq!(done["disposition"], "no_input", "{done}");
    assert!(
        kinds(&done).contains(&"gather:no_input".to_string()),
        "the silence reached Outdial: {:?}",
        kinds(&done)
    );
    let (_, lead) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(lead["status"], "retry", "{lead}");
    assert_eq!(lead["attempts"], 1);
    assert_eq!(
        lead["next_attempt_at"].as_i64().unwrap(),
        crate::dialer::NY_MORNING + 90 * 60_000,
        "the no_input rule's 90 minutes (the test's clock stands still)"
    );
}

#[tokio::test]
async fn nobody_waits_in_silence_for_agents_who_are_not_there() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let mut settings = ready_settings();
    settings["pacing"] = json!({"mode": "progressive"});
    let (_, campaign) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Agents wanted", "settings": settings}),
        )
        .await;
    let id = campaign["id"].as_i64().unwrap();
    // It cannot start: every answered call would wait for an agent it does not have.
    let (status, refused) = app
        .put(
            &format!("/api/v1/campaigns/{id}/status"),
            &owner.token,
            json!({"status": "running"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["details"][0]["field"], "agent_groups");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("attach a group with agents"),
        "{refused}"
    );
    // Called by hand all the same: the person hears the fallback at once and the call ends.
    let lead_id = lead(&app, &owner.token, id, "8134893250", "Eve").await;
    let (status, call) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    assert_eq!(done["disposition"], "transfer_unavailable", "{done}");
    let lines = said(&done);
    assert!(
        lines.iter().any(|l| l.contains("We will call you back")),
        "{lines:?}"
    );
    assert!(
        done["talk_seconds"].as_i64().unwrap_or(0) < 20,
        "no long wait: {done}"
    );
    let (_, lead) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(lead["status"], "retry", "called back as promised: {lead}");
}

#[tokio::test]
async fn the_menu_and_the_words_are_the_campaigns_own_per_call_type_and_language() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 1, 0])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let settings = json!({
        "caller_ids": ["+18134893200"],
        "script": {
            "message": "Hallo {first_name}, hier ist das Studio Nord.",
            "voicemail_message": "Bitte rufen Sie uns zurück.",
            "language": "de-DE", "voice": "Polly.Vicki",
            "call_types": {"appointment_booking": {
                "message": "Hallo {first_name}, möchten Sie einen Termin? Drücken Sie die 9, wenn nicht."}}
        },
        "menu": {"keys": [{"key": "9", "action": "opt_out"}, {"key": "2", "action": "repeat"}],
                 "prompt": ""}
    });
    let (status, campaign) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Studio Nord", "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let id = campaign["id"].as_i64().unwrap();
    // "Call now" hears the campaign's message; the simulator presses 2: it is heard again.
    let first = lead(&app, &owner.token, id, "8134893260", "Anna").await;
    let (_, call) = app
        .post(
            &format!("/api/v1/leads/{first}/call"),
            &owner.token,
            json!({"call_type": "cold_call"}),
        )
        .await;
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    let lines = said(&done);
    assert_eq!(
        lines[..2],
        [
            "Hallo Anna, hier ist das Studio Nord.",
            "Hallo Anna, hier ist das Studio Nord."
        ],
        "the message alone (the prompt is left out), then again for key 2: {lines:?}"
    );
    // "Book appointment" hears the appointment call's own words.
    let second = lead(&app, &owner.token, id, "8134893261", "Ben").await;
    let (_, call) = app
        .post(
            &format!("/api/v1/leads/{second}/call"),
            &owner.token,
            json!({"call_type": "appointment_booking"}),
        )
        .await;
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    assert_eq!(
        said(&done)[0],
        "Hallo Ben, möchten Sie einen Termin? Drücken Sie die 9, wenn nicht."
    );
    // A message with a blank left in it is refused when saved, naming the field.
    let (status, refused) = app
        .patch(
            &format!("/api/v1/campaigns/{id}"),
            &owner.token,
            json!({"settings": {"script": {"message": "Hi {first_name}, this is … calling about …"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["error"]["details"][0]["field"],
        "settings.script.message"
    );
}

#[tokio::test]
async fn a_live_call_is_hung_up_and_a_ringing_one_canceled_from_outdial() {
    // Real-time-ish: 20 s of ringing and a long message at 10× speed.
    let (app, _sim) = app_with_sim(SimConfig {
        speed: 10.0,
        calls_per_second: 200.0,
        ring_seconds: [20, 20],
        outcomes: only("human"),
        keypress: [0, 0, 1],
        ..SimConfig::default()
    })
    .await;
    let owner = app.member("Dialers", Role::Owner).await;
    let mut settings = ready_settings();
    settings["script"]["message"] = json!("Hello. ".repeat(60));
    settings["machine_detection"] = json!({"enabled": false});
    let (_, campaign) = app
        .post(
            "/api/v1/campaigns",
            &owner.token,
            json!({"name": "Long", "settings": settings}),
        )
        .await;
    let place = |to: &'static str| {
        let app = &app;
        let token = owner.token.clone();
        let campaign = campaign["id"].clone();
        async move {
            let (status, call) = app
                .post(
                    "/api/v1/calls",
                    &token,
                    json!({"to": to, "campaign_id": campaign}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{call}");
            call["id"].as_i64().unwrap()
        }
    };
    // Ringing: canceled.
    let ringing = place("+18134893280").await;
    wait_for(&app, &owner.token, ringing, |c| c["status"] == "ringing").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/calls/{ringing}/hangup"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let done = wait_for(&app, &owner.token, ringing, |c| c["status"] == "canceled").await;
    assert_eq!(done["outcome"], "canceled");
    assert!(
        kinds(&done).contains(&"control:cancel".to_string()),
        "{:?}",
        kinds(&done)
    );
    // Answered: hung up long before the message is over.
    let live = place("+18134893281").await;
    wait_for(&app, &owner.token, live, |c| c["status"] == "in-progress").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/calls/{live}/hangup"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let done = wait_for(&app, &owner.token, live, |c| c["status"] == "completed").await;
    assert!(kinds(&done).contains(&"control:hang_up".to_string()));
    // The duration counts from the answer (not the 20 s of ringing): the 30 s message was cut.
    assert!(
        done["talk_seconds"].as_i64().unwrap() < 20,
        "the 30 s message was cut short: {done}"
    );
    // Over: refused, saying so; another tenant's call is not found.
    let (status, refused) = app
        .post(
            &format!("/api/v1/calls/{live}/hangup"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("over already")
    );
    let stranger = app.member("Elsewhere", Role::Owner).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/calls/{live}/hangup"),
            &stranger.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_extension_is_kept_and_dialed_once_the_call_is_answered() {
    let (app, sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Offices").await;
    let lead_id = lead(
        &app,
        &owner.token,
        campaign,
        "813-489-3290 ext. 12",
        "Reception",
    )
    .await;
    let (_, stored) = app
        .get(&format!("/api/v1/leads/{lead_id}"), &owner.token)
        .await;
    assert_eq!(
        (stored["phone"].as_str(), stored["extension"].as_str()),
        (Some("+18134893290"), Some("12"))
    );
    // From a list too.
    let (status, report) = app
        .import_csv(
            &owner.token,
            campaign,
            "first_name,phone\nDesk,(813) 489-3291 x7\n",
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let (_, page) = app
        .get(
            &format!("/api/v1/leads?campaign_id={campaign}&q=Desk"),
            &owner.token,
        )
        .await;
    assert_eq!(page["items"][0]["extension"], "7");
    let (status, call) = app
        .post(
            &format!("/api/v1/leads/{lead_id}/call"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    assert_eq!(call["extension"], "12");
    let done = wait_for(&app, &owner.token, call["id"].as_i64().unwrap(), |c| {
        c["status"] == "completed"
    })
    .await;
    // The digits went down the answered line before the message (not as SendDigits, which
    // would have switched machine detection off).
    let played = sim.played();
    assert_eq!(played[0].url, "digits:ww12", "{played:?}");
    assert_eq!(said(&done)[0], "Hello Reception");
}

#[tokio::test]
async fn a_person_erased_on_request_leaves_only_the_do_not_call_entry() {
    let (app, sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let other = app.campaign(&owner.token, "Autumn").await;
    for c in [campaign, other] {
        let (status, _) = app
            .patch(
                &format!("/api/v1/campaigns/{c}"),
                &owner.token,
                json!({ "settings": { "recording": true } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let erased = lead(&app, &owner.token, campaign, "8134893295", "Erika").await;
    let same_person = lead(&app, &owner.token, other, "8134893295", "Erika").await;
    let kept = lead(&app, &owner.token, campaign, "8134893296", "Karl").await;
    let mut call_ids = vec![];
    let mut recordings = vec![];
    for l in [erased, kept] {
        let (_, call) = app
            .post(&format!("/api/v1/leads/{l}/call"), &owner.token, json!({}))
            .await;
        let id = call["id"].as_i64().unwrap();
        // The recording's report may come before the call's last status: wait for both, and
        // for the lead to leave "dialing" (a lead being called cannot be deleted).
        let done = wait_for(&app, &owner.token, id, |c| {
            c["recording_sid"].is_string() && c["ended_at"].is_i64()
        })
        .await;
        for _ in 0..200 {
            let (_, lead) = app.get(&format!("/api/v1/leads/{l}"), &owner.token).await;
            if lead["status"] != "dialing" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        call_ids.push(id);
        recordings.push(done["recording_sid"].as_str().unwrap().to_string());
    }
    let at_carrier = |sid: String| {
        let url = format!(
            "{}/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}.mp3",
            sim.base_url()
        );
        async move {
            reqwest::Client::new()
                .get(url)
                .basic_auth(ACCOUNT, Some(TOKEN))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(at_carrier(recordings[0].clone()).await, StatusCode::OK);
    // A plain delete keeps the history.
    let (status, _) = app
        .delete(&format!("/api/v1/leads/{kept}"), &owner.token)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, history) = app
        .get(&format!("/api/v1/calls/{}", call_ids[1]), &owner.token)
        .await;
    assert_eq!(history["to"], "+18134893296");
    assert!(!history["events"].as_array().unwrap().is_empty());

    let (status, answer) = app
        .delete(&format!("/api/v1/leads/{erased}?erase=true"), &owner.token)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer,
        json!({"leads_deleted": 2, "calls_scrubbed": 1, "recordings_deleted": 1,
               "recordings_left": [], "on_do_not_call_list": true})
    );
    for l in [erased, same_person] {
        let (status, _) = app.get(&format!("/api/v1/leads/{l}"), &owner.token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (_, call) = app
        .get(&format!("/api/v1/calls/{}", call_ids[0]), &owner.token)
        .await;
    assert_eq!(call["to"], "[erased]");
    assert_eq!(
        call["events"],
        json!([]),
        "no transcript, no reports naming them"
    );
    assert_eq!(call["recording_sid"], Value::Null);
    assert_eq!(call["outcome"], "answered", "the figures keep the call");
    let raw = call.to_string();
    assert!(
        !raw.contains("8134893295") && !raw.contains("Erika"),
        "{raw}"
    );
    // The carrier no longer has the recording either (the other person's is untouched), and
    // the number is never called again.
    let (status, _) = app
        .get(
            &format!("/api/v1/calls/{}/recording", call_ids[0]),
            &owner.token,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        at_carrier(recordings[0].clone()).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(at_carrier(recordings[1].clone()).await, StatusCode::OK);
    let (_, listed) = app.get("/api/v1/dnc/%2B18134893295", &owner.token).await;
    assert!(listed.to_string().contains("GDPR"), "{listed}");
    let (status, refused) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "+18134893295", "campaign_id": campaign}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "do_not_call");
}

#[tokio::test]
async fn a_call_scheduled_for_later_is_screened_and_placed_at_its_moment_or_canceled() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let anna = lead(&app, &owner.token, campaign, "8134893300", "Anna").await;
    let ben = lead(&app, &owner.token, campaign, "8134893301", "Ben").await;
    let schedule = |lead: i64, at: &'static str| {
        let (app, token) = (&app, owner.token.clone());
        async move {
            app.post(
                &format!("/api/v1/leads/{lead}/call"),
                &token,
                json!({"call_type": "appointment_booking", "scheduled_for": at}),
            )
            .await
        }
    };
    // 10:00 in New York now; 21:30 there is outside the campaign's and the callee's hours.
    let (status, refused) = schedule(anna, "2026-11-20T02:30:00Z").await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "outside_campaign_hours");
    let (status, past) = schedule(anna, "2026-11-19T14:00:00Z").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{past}");
    assert_eq!(past["error"]["details"][0]["field"], "scheduled_for");

    let (status, first) = schedule(anna, "2026-11-19T17:00:00Z").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{first}");
    assert_eq!(first["status"], "scheduled");
    let (_, second) = schedule(ben, "2026-11-19T17:00:00Z").await;
    let (_, upcoming) = app
        .get(
            &format!("/api/v1/scheduled-calls?lead_id={anna}"),
            &owner.token,
        )
        .await;
    assert_eq!(upcoming.as_array().unwrap().len(), 1);
    assert_eq!(upcoming[0]["scheduled_for"], 1_795_107_600_000i64);
    // Ben's is canceled; nothing is placed before its moment.
    let (status, canceled) = app
        .post(
            &format!("/api/v1/scheduled-calls/{}/cancel", second["id"]),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{canceled}");
    assert_eq!(canceled["status"], "canceled");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (_, calls) = app.get("/api/v1/calls", &owner.token).await;
    assert_eq!(calls["total"], 0, "not before its moment");

    // 12:00 in New York: the dialer's next tick places Anna's, as an appointment call.
    app.clock.advance(2 * 3_600_000);
    let mut placed = Value::Null;
    for _ in 0..200 {
        let (_, all) = app
            .get(
                &format!("/api/v1/scheduled-calls?lead_id={anna}&upcoming=false"),
                &owner.token,
            )
            .await;
        if all[0]["status"] == "placed" {
            placed = all[0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let call = placed["call_id"].as_i64().expect("placed at its moment");
    let done = wait_for(&app, &owner.token, call, |c| c["status"] == "completed").await;
    assert_eq!(done["call_type"], "appointment_booking");
    assert_eq!(done["lead_id"], anna);
    let (status, late) = app
        .post(
            &format!("/api/v1/scheduled-calls/{}/cancel", first["id"]),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{late}");
    let (_, calls) = app.get("/api/v1/calls", &owner.token).await;
    assert_eq!(calls["total"], 1, "Ben's canceled call was never placed");

    // Screened again at its moment: Ben asked not to be called meanwhile.
    let (status, again) = schedule(ben, "2026-11-19T18:00:00Z").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    let (status, _) = app
        .post("/api/v1/dnc", &owner.token, json!({"phone": "8134893301"}))
        .await;
    assert!(status.is_success());
    app.clock.advance(3_600_000);
    let mut refused = Value::Null;
    for _ in 0..200 {
        let (_, all) = app
            .get(
                &format!("/api/v1/scheduled-calls?lead_id={ben}&upcoming=false"),
                &owner.token,
            )
            .await;
        if let Some(r) = all.as_array().unwrap().iter().find(|r| {
            r["id"] == again["id"] && r["status"] != "scheduled" && r["status"] != "placing"
        }) {
            refused = r.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(refused["status"], "refused", "{refused}");
    assert!(
        refused["reason"].as_str().unwrap().contains("do-not-call"),
        "{refused}"
    );
    let (_, calls) = app.get("/api/v1/calls", &owner.token).await;
    assert_eq!(calls["total"], 1, "never called");
}

#[tokio::test]
async fn a_calls_price_is_fetched_after_it_ends_when_the_carrier_has_it() {
    let (app, _sim) = app_with_sim(fast(only("human"), [0, 0, 1])).await;
    let owner = app.member("Dialers", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let (_, call) = app
        .post(
            "/api/v1/calls",
            &owner.token,
            json!({"to": "+18134893310", "campaign_id": campaign}),
        )
        .await;
    let id = call["id"].as_i64().unwrap();
    let done = wait_for(&app, &owner.token, id, |c| c["status"] == "completed").await;
    assert_eq!(
        done["price"],
        Value::Null,
        "Twilio has no price at the call's end"
    );
    // A minute later Outdial asks; the simulator, like Twilio, fills the price in only two
    // (simulated) minutes after the end, so the first look may find nothing and is repeated.
    let mut priced = Value::Null;
    for _ in 0..60 {
        app.clock.advance(2 * 60_000);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (_, c) = app.get(&format!("/api/v1/calls/{id}"), &owner.token).await;
        if !c["price"].is_null() {
            priced = c;
            break;
        }
    }
    assert_eq!(
        (priced["price"].as_str(), priced["price_unit"].as_str()),
        (Some("-0.01400"), Some("USD")),
        "one started minute at 0.014: {priced}"
    );
    let csv = app
        .request(Method::GET, "/api/v1/calls.csv", Some(&owner.token))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("-0.01400,USD"), "{csv}");
    // The campaign's and the day's figures count it, as a positive spend.
    let (_, progress) = app
        .get(
            &format!("/api/v1/campaigns/{campaign}/progress"),
            &owner.token,
        )
        .await;
    assert_eq!(
        progress["cost"],
        json!({"currency": "USD", "total": 0.014, "priced_calls": 1, "awaiting_price": 0,
               "per_call": 0.014, "per_person_reached": 0.014, "per_appointment": null}),
        "{progress}"
    );
    let (_, dashboard) = app
        .get("/api/v1/dashboard?tz=America/New_York", &owner.token)
        .await;
    assert_eq!(dashboard["today"]["spend"]["total"], 0.014, "{dashboard}");
    assert_eq!(dashboard["today"]["spend"]["currency"], "USD");
}
