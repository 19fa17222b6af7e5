//! Warm transfer end to end: the dialer calls leads through the real Twilio client and a
//! simulator that plays the callers and the agents' phones (answer, whisper, key, talk). The
//! server's clock is the test's, so deadlines (the 2-second rule) pass only when the test says.

use crate::dialer::{
    NY_MORNING, add_lead, campaign, lead, outcomes, progress, set_status, sim_config, start,
};
use crate::helpers::*;
use futures_util::{SinkExt, StreamExt};
use outdial_simulator::{AgentAct, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const DAY: i64 = 86_400_000;

/// Callers always answer, and agents' phones are the numbers given, acting as told.
fn with_agents(agents: &[(&str, AgentAct)]) -> SimConfig {
    let mut sim = sim_config(outcomes(1, 0));
    sim.speed = 20.0;
    sim.agents.numbers = agents.iter().map(|(p, _)| p.to_string()).collect();
    sim.agents.overrides = agents.iter().map(|(p, a)| (p.to_string(), *a)).collect();
    sim.agents.talk_seconds = [2, 2];
    sim.agents.accept_seconds = [0.2, 0.2];
    sim.hold_patience_seconds = [600, 600];
    sim
}

/// Registers an agent per phone, in one group assigned to `campaign`.
async fn team(app: &TestApp, owner: &Member, campaign: i64, phones: &[&str]) -> Vec<(Member, i64)> {
    let t = &owner.token;
    let (_, group) = app
        .post(
            "/api/v1/agent-groups",
            t,
            json!({ "name": format!("Team {campaign}") }),
        )
        .await;
    let gid = group["id"].as_i64().unwrap();
    let mut agents = Vec::new();
    for phone in phones {
        agents.push(registered_agent(app, owner, phone).await);
    }
    let ids: Vec<i64> = agents.iter().map(|(_, u)| *u).collect();
    let (code, _) = app
        .put(
            &format!("/api/v1/agent-groups/{gid}/members"),
            t,
            json!({ "user_ids": ids }),
        )
        .await;
    assert!(code.is_success());
    let (code, _) = app
        .put(
            &format!("/api/v1/campaigns/{campaign}/agent-groups"),
            t,
            json!({ "group_ids": [gid] }),
        )
        .await;
    assert!(code.is_success());
    agents
}

async fn set_agent(app: &TestApp, agent: &Member, status: &str) {
    let (code, body) = app
        .put(
            "/api/v1/agents/me/status",
            &agent.token,
            json!({ "status": status }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
}

async fn agent_status(app: &TestApp, agent: &Member) -> String {
    app.get("/api/v1/agents/me", &agent.token).await.1["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Polls `probe` until it gives a value (15 s at most).
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..300 {
        if let Some(v) = probe().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The campaign's calls, oldest first.
async fn calls_of(app: &TestApp, token: &str, campaign: i64) -> Vec<Value> {
    let (_, body) = app
        .get(
            &format!("/api/v1/calls?campaign_id={campaign}&limit=100"),
            token,
        )
        .await;
    let mut calls = body["items"].as_array().cloned().unwrap_or_default();
    calls.sort_by_key(|c| c["id"].as_i64());
    calls
}

async fn transfer(app: &TestApp, token: &str, call: i64) -> Option<Value> {
    let (code, body) = app
        .get(&format!("/api/v1/calls/{call}/transfer"), token)
        .await;
    (code == StatusCode::OK).then_some(body)
}

/// Waits for the first call's transfer to satisfy `done`.
async fn first_transfer(
    app: &TestApp,
    token: &str,
    campaign: i64,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    eventually(what, || async {
        let call = calls_of(app, token, campaign).await.first()?["id"].as_i64()?;
        transfer(app, token, call).await.filter(|t| done(t))
    })
    .await
}

/// The transfer has ended and so has every agent's leg (the two end one after the other).
fn settled(t: &Value) -> bool {
    t["status"] == "ended"
        && t["legs"].as_array().is_some_and(|legs| {
            legs.iter().all(|l| {
                !["ringing", "whisper", "connected"].contains(&l["status"].as_str().unwrap_or(""))
            })
        })
}

fn leg_statuses(t: &Value) -> Vec<String> {
    t["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_answered_call_is_bridged_to_the_agent_who_accepts_and_the_disposition_schedules_the_call_back()
 {
    let (app, _sim, owner) = start(with_agents(&[("+18134893210", AgentAct::Accept)])).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({ "pacing": { "mode": "progressive" } })).await;
    let lead_id = add_lead(&app, t, id, "+12124893201").await;
    let agents = team(&app, &owner, id, &["+18134893210"]).await;
    let (agent, agent_id) = &agents[0];
    set_status(&app, t, id, "running").await;
    set_agent(&app, agent, "available").await;

    let done = first_transfer(&app, t, id, "the conversation to end", settled).await;
    assert_eq!(done["outcome"], "completed", "{done}");
    assert_eq!(done["agent_user_id"], *agent_id);
    assert!(done["connected_at"].is_i64());
    assert_eq!(leg_statuses(&done), ["ended"]);
    let call_id = done["call_id"].as_i64().unwrap();

    // The call's timeline holds the handover and the conference's own events.
    let (_, call) = eventually("the caller's call to end", || async {
        let (code, c) = app.get(&format!("/api/v1/calls/{call_id}"), t).await;
        (code == StatusCode::OK && c["status"] == "completed").then_some((code, c))
    })
    .await;
    assert_eq!(call["disposition"], "transferred", "{call}");
    // The caller's time on hold and with the agent (2 s of talk) is talk time: a conference
    // ended by the agent counts up to its end.
    assert!(call["talk_seconds"].as_i64().unwrap() >= 2, "{call}");
    let timeline: Vec<(String, String)> = call["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // The transcript holds what the caller heard (here, hold music: nothing), never the
    // whisper the agent heard, though the agent's webhooks name the caller's call.
    let said: Vec<String> = call["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "said")
        .flat_map(|e| e["detail"]["lines"].as_array().cloned().unwrap_or_default())
        .map(|l| l.as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        said.iter().all(|l| !l.contains("Press any key")),
        "{said:?}"
    );
    for step in ["waiting", "offered", "whisper", "connected"] {
        assert!(
            timeline.contains(&("transfer".into(), step.into())),
            "{step}: {timeline:?}"
        );
    }
    for step in ["participant-join", "conference-start", "conference-end"] {
        let seen = eventually(step, || async {
            let (_, c) = app.get(&format!("/api/v1/calls/{call_id}"), t).await;
            c["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "conference" && e["status"] == step)
                .then_some(())
        })
        .await;
        let () = seen;
    }

    // The agent wraps up (the test's clock stands still, so it does not run out).
    eventually("wrap-up", || async {
        (agent_status(&app, agent).await == "wrap_up").then_some(())
    })
    .await;

    // Bad dispositions are refused and change nothing.
    let path = format!("/api/v1/calls/{call_id}/disposition");
    let (code, body) = app
        .post(&path, &agent.token, json!({ "disposition": "call_back" }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("callback_at")
    );
    let (code, _) = app
        .post(&path, &agent.token, json!({ "disposition": "maybe" }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (stranger, _) = registered_agent(&app, &owner, "+18134893299").await;
    let (code, _) = app
        .post(
            &path,
            &stranger.token,
            json!({ "disposition": "interested" }),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "another agent's call");
    assert_eq!(agent_status(&app, agent).await, "wrap_up");

    // "Call back tomorrow": the lead waits until then, for the same agent.
    let back = NY_MORNING + DAY;
    let at = jiff::Timestamp::from_millisecond(back).unwrap().to_string();
    let (code, body) = app
        .post(
            &path,
            &agent.token,
            json!({ "disposition": "call_back", "callback_at": at, "notes": "after 10, ask for Anna" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["disposition"], "call_back");
    assert_eq!(
        agent_status(&app, agent).await,
        "available",
        "disposing ends wrap-up"
    );
    let l = eventually("the call back to be scheduled", || async {
        let l = lead(&app, t, lead_id).await;
        (l["status"] == "retry").then_some(l)
    })
    .await;
    assert_eq!(l["next_attempt_at"], back, "{l}");
    let row: (Option<i64>,) = sqlx::query_as("SELECT preferred_agent_id FROM leads WHERE id = $1")
        .bind(lead_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(row.0, Some(*agent_id));

    // Corrected to "do not call": the number joins the do-not-call list.
    let (code, _) = app
        .post(&path, &agent.token, json!({ "disposition": "do_not_call" }))
        .await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = app.get("/api/v1/dnc/+12124893201", t).await;
    assert_eq!(code, StatusCode::OK, "the number is on the list");
    let p = progress(&app, t, id).await;
    assert_eq!(p["transfers"]["connected"], 1, "{p}");
    assert_eq!(p["abandon_percent"], 0.0);
}

#[tokio::test]
async fn agents_who_miss_or_let_the_whisper_pass_are_skipped_and_the_next_one_takes_the_call() {
    let phones = ["+18134893211", "+18134893212", "+18134893213"];
    let (app, _sim, owner) = start(with_agents(&[
        (phones[0], AgentAct::NoAnswer),
        (phones[1], AgentAct::Pass),
        (phones[2], AgentAct::Accept),
    ]))
    .await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "pacing": { "mode": "progressive" }, "transfer": { "agent_ring_seconds": 5, "accept_seconds": 2 } }),
    )
    .await;
    add_lead(&app, t, id, "+12124893202").await;
    let agents = team(&app, &owner, id, &phones).await;
    // Longest idle first: the order they became available.
    for (a, _) in &agents {
        set_agent(&app, a, "available").await;
        app.clock.advance(1_000);
    }
    set_status(&app, t, id, "running").await;

    let done = first_transfer(&app, t, id, "the third agent to take the call", settled).await;
    assert_eq!(
        leg_statuses(&done),
        ["missed", "declined", "ended"],
        "{done}"
    );
    assert_eq!(done["outcome"], "completed");
    assert_eq!(done["agent_user_id"], agents[2].1);
    let legs = done["legs"].as_array().unwrap();
    for (leg, (_, uid)) in legs.iter().zip(&agents) {
        assert_eq!(leg["user_id"], *uid, "tried in idle order");
    }
    // Missing a call pauses the agent (probably away); passing does not.
    assert_eq!(agent_status(&app, &agents[0].0).await, "paused");
    assert_eq!(agent_status(&app, &agents[1].0).await, "available");
}

#[tokio::test]
async fn a_caller_who_hangs_up_during_the_whisper_ends_the_offer_and_the_agent_is_told() {
    let mut sim = with_agents(&[("+18134893214", AgentAct::Accept)]);
    // The agent answers 0.3 s after being called and hears the whisper for 30 s without
    // pressing; the caller gives up 8 s into the hold. Detection (2.5 s) and the agent's
    // answer are over long before that: at 10× the whisper has about half a real second to
    // start, even on a loaded machine (3 s at 20× left 25 ms, and CI once missed it).
    sim.speed = 10.0;
    sim.agents.answer_seconds = [0.3, 0.3];
    sim.agents.accept_seconds = [30.0, 30.0];
    sim.hold_patience_seconds = [8, 8];
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "pacing": { "mode": "progressive" }, "transfer": { "accept_seconds": 30 } }),
    )
    .await;
    let lead_id = add_lead(&app, t, id, "+12124893203").await;
    let agents = team(&app, &owner, id, &["+18134893214"]).await;
    set_status(&app, t, id, "running").await;
    set_agent(&app, &agents[0].0, "available").await;

    let done = first_transfer(&app, t, id, "the caller to leave", settled).await;
    assert_eq!(done["outcome"], "caller_hung_up", "{done}");
    assert!(done["connected_at"].is_null());
    assert_eq!(leg_statuses(&done), ["canceled"]);
    assert_eq!(agent_status(&app, &agents[0].0).await, "available");
    // The agent's phone heard why and hung up: its leg has ended.
    let call_id = done["call_id"].as_i64().unwrap();
    let (_, c) = app.get(&format!("/api/v1/calls/{call_id}"), t).await;
    assert!(
        c["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "transfer" && e["status"] == "canceled"),
        "{c}"
    );
    eventually("the lead to be finished", || async {
        (lead(&app, t, lead_id).await["status"] != "dialing").then_some(())
    })
    .await;
}

#[tokio::test]
async fn with_no_agent_within_two_seconds_the_safe_harbour_message_plays_and_counts_as_abandoned() {
    let mut sim = with_agents(&[("+18134893215", AgentAct::Accept)]);
    // The agent is slow to accept: nobody is connected within 2 s.
    sim.agents.accept_seconds = [60.0, 60.0];
    sim.hold_patience_seconds = [600, 600];
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "pacing": { "mode": "power", "ratio": 2.0 },
                "transfer": { "seller_name": "Acme Homes", "accept_seconds": 30 } }),
    )
    .await;
    let leads = [
        add_lead(&app, t, id, "+12124893204").await,
        add_lead(&app, t, id, "+12124893205").await,
    ];
    let agents = team(&app, &owner, id, &["+18134893215"]).await;
    set_status(&app, t, id, "running").await;
    set_agent(&app, &agents[0].0, "available").await;

    // Two people on hold, detection done (their 2 s run from the end of the greeting): one
    // offered to the only agent, one with nobody free.
    eventually("both people on hold", || async {
        let calls = calls_of(&app, t, id).await;
        let mut waiting = 0;
        for c in &calls {
            if let Some(tr) = transfer(&app, t, c["id"].as_i64()?).await
                && tr["status"] == "waiting"
                && tr["deadline_kind"] == "safe_harbour"
            {
                waiting += 1;
            }
        }
        (waiting == 2).then_some(())
    })
    .await;
    let p = progress(&app, t, id).await;
    assert_eq!(p["transfers"]["abandoned"], 0, "not before 2 s: {p}");

    app.clock.advance(2_100);
    let p = eventually("both abandoned", || async {
        let p = progress(&app, t, id).await;
        (p["transfers"]["abandoned"] == 2).then_some(p)
    })
    .await;
    assert_eq!(p["abandon_percent"], 100.0, "{p}");
    for c in calls_of(&app, t, id).await {
        let call_id = c["id"].as_i64().unwrap();
        let (_, detail) = eventually("the message to play and the call to end", || async {
            let (code, d) = app.get(&format!("/api/v1/calls/{call_id}"), t).await;
            (d["status"] == "completed").then_some((code, d))
        })
        .await;
        assert_eq!(detail["disposition"], "abandoned", "{detail}");
    }
    // The agent was told and is free; each lead is called back later, attempt counted.
    assert_eq!(agent_status(&app, &agents[0].0).await, "available");
    for l in leads {
        let l = eventually("the lead to be rescheduled", || async {
            let l = lead(&app, t, l).await;
            (l["status"] == "retry").then_some(l)
        })
        .await;
        assert_eq!(l["attempts"], 1, "{l}");
    }
}

#[tokio::test]
async fn press_1_goes_to_the_campaigns_agents_when_it_has_them_else_to_its_number() {
    let mut sim = with_agents(&[("+18134893216", AgentAct::Accept)]);
    sim.keypress = [1, 0, 0];
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let settings = json!({ "pacing": { "mode": "unattended" },
        "script": { "message": "Hello", "voicemail_message": "Call us", "transfer_number": "+18134893299" } });
    let with_team = campaign(&app, t, settings.clone()).await;
    let alone = campaign(&app, t, settings).await;
    add_lead(&app, t, with_team, "+12124893206").await;
    add_lead(&app, t, alone, "+12124893207").await;
    let agents = team(&app, &owner, with_team, &["+18134893216"]).await;
    set_agent(&app, &agents[0].0, "available").await;
    set_status(&app, t, with_team, "running").await;
    set_status(&app, t, alone, "running").await;

    let done = first_transfer(&app, t, with_team, "the agent to take the call", |t| {
        t["status"] == "ended"
    })
    .await;
    assert_eq!(done["outcome"], "completed", "{done}");
    assert_eq!(
        done["deadline_kind"], "max_wait",
        "press 1 is not held to 2 s"
    );
    let call = eventually("the other campaign's call to end", || async {
        let calls = calls_of(&app, t, alone).await;
        calls
            .first()
            .filter(|c| c["disposition"] == "transferred")
            .cloned()
    })
    .await;
    let id = call["id"].as_i64().unwrap();
    assert!(
        transfer(&app, t, id).await.is_none(),
        "no agents: its transfer number"
    );
}

/// Opens the agent console as `token`, through the browser's way (subprotocols) or a header.
async fn console(
    base: &str,
    token: &str,
    browser: bool,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!(
        "{}/api/v1/agents/me/console",
        base.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    if browser {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            format!("outdial.bearer, {token}").parse().unwrap(),
        );
    } else {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    let (ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    if browser {
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "outdial.bearer"
        );
    }
    ws
}

type Console =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next frame satisfying `wanted` (10 s at most).
async fn next(ws: &mut Console, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("a frame within 10 s")
            .expect("the socket is open")
            .unwrap();
        if let Message::Text(text) = frame {
            let v: Value = serde_json::from_str(&text).unwrap();
            if wanted(&v) {
                return v;
            }
        }
    }
}

async fn command(ws: &mut Console, cmd: Value) -> Value {
    ws.send(Message::Text(cmd.to_string().into()))
        .await
        .unwrap();
    next(ws, |v| v["type"] == "ok" || v["type"] == "error").await
}

fn event(kind: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["type"] == "event" && v["kind"] == kind
}

#[tokio::test]
async fn the_console_gets_its_state_then_offers_live_and_accepts_declines_and_disposes() {
    // The agent's phone answers and waits: the console accepts.
    let mut sim = with_agents(&[("+18134893217", AgentAct::Pass)]);
    sim.agents.talk_seconds = [60, 60];
    // The whisper waits 30 s for a key: at a fifth of the usual speed that is 7.5 s of real
    // time for the test to ask for the state and accept, even on a loaded CI machine.
    sim.speed = 4.0;
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "pacing": { "mode": "progressive" }, "transfer": { "accept_seconds": 30 } }),
    )
    .await;
    add_lead(&app, t, id, "+12124893208").await;
    let agents = team(&app, &owner, id, &["+18134893217"]).await;
    let (agent, agent_id) = &agents[0];
    set_status(&app, t, id, "running").await;

    // Without a token: refused.
    let url = format!(
        "{}/api/v1/agents/me/console",
        app.base.replace("http://", "ws://")
    );
    assert!(tokio_tungstenite::connect_async(url).await.is_err());

    let mut ws = console(&app.base, &agent.token, true).await;
    let snap = next(&mut ws, |v| v["type"] == "snapshot").await;
    assert_eq!(snap["agent"]["status"], "offline");
    assert!(snap["offer"].is_null() && snap["call"].is_null());

    let bad = command(&mut ws, json!({ "type": "dance" })).await;
    assert_eq!(bad["type"], "error");
    let early = command(&mut ws, json!({ "type": "accept" })).await;
    assert_eq!(early["type"], "error", "nothing offered yet");
    let ok = command(&mut ws, json!({ "type": "status", "status": "available" })).await;
    assert_eq!(ok["type"], "ok", "{ok}");

    let offer = next(&mut ws, event("transfer.offer")).await;
    assert_eq!(offer["data"]["agent_user_id"], *agent_id);
    let call_id = offer["data"]["call_id"].as_i64().unwrap();
    next(&mut ws, event("transfer.whisper")).await;
    // While the only agent is being offered the caller, the campaign says so (it used to say
    // "no agent free", as if nobody were there).
    crate::dialer::wait_for(&app, t, id, "the offer as the waiting reason", |p| {
        p["waiting_reason"] == "an agent is being offered a call"
    })
    .await;
    // Asked for, the state comes again: the offer with its lead (what the web console draws).
    ws.send(Message::Text(
        json!({ "type": "snapshot" }).to_string().into(),
    ))
    .await
    .unwrap();
    let snap = next(&mut ws, |v| v["type"] == "snapshot").await;
    assert_eq!(snap["offer"]["transfer"]["call_id"], call_id, "{snap}");
    assert!(snap["offer"]["transfer"]["lead_id"].is_i64(), "{snap}");
    let ok = command(&mut ws, json!({ "type": "accept" })).await;
    assert_eq!(ok["type"], "ok", "{ok}");
    next(&mut ws, event("transfer.connected")).await;

    // Reconnecting mid-call gives the state, not a gap: the call is there.
    drop(ws);
    let mut ws = console(&app.base, &agent.token, false).await;
    let snap = next(&mut ws, |v| v["type"] == "snapshot").await;
    assert_eq!(snap["agent"]["status"], "on_call", "{snap}");
    assert_eq!(snap["call"]["call_id"], call_id);

    // Disposing from the console while still talking is recorded; the status follows the call.
    let ok = command(
        &mut ws,
        json!({ "type": "disposition", "call_id": call_id, "disposition": "interested", "notes": "wants a quote" }),
    )
    .await;
    assert_eq!(ok["type"], "ok", "{ok}");
    assert_eq!(ok["transfer"]["disposition"], "interested");
    let (_, tr) = app
        .get(&format!("/api/v1/calls/{call_id}/transfer"), t)
        .await;
    assert_eq!(tr["notes"], "wants a quote");
}

#[tokio::test]
async fn declining_in_the_console_hangs_up_the_agents_phone_and_offers_the_next_agent() {
    let phones = ["+18134893218", "+18134893219"];
    let mut sim = with_agents(&[(phones[0], AgentAct::Pass), (phones[1], AgentAct::Accept)]);
    sim.agents.talk_seconds = [2, 2];
    // Slow enough that the first agent's whisper cannot time out before the console declines.
    sim.speed = 4.0;
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "pacing": { "mode": "progressive" }, "transfer": { "accept_seconds": 30 } }),
    )
    .await;
    add_lead(&app, t, id, "+12124893209").await;
    let agents = team(&app, &owner, id, &phones).await;
    let mut ws = console(&app.base, &agents[0].0.token, false).await;
    next(&mut ws, |v| v["type"] == "snapshot").await;
    command(&mut ws, json!({ "type": "status", "status": "available" })).await;
    app.clock.advance(1_000);
    set_agent(&app, &agents[1].0, "available").await;
    set_status(&app, t, id, "running").await;

    next(&mut ws, event("transfer.offer")).await;
    next(&mut ws, event("transfer.whisper")).await;
    let ok = command(&mut ws, json!({ "type": "decline" })).await;
    assert_eq!(ok["type"], "ok", "{ok}");
    let done = first_transfer(&app, t, id, "the second agent to take it", settled).await;
    assert_eq!(leg_statuses(&done), ["declined", "ended"], "{done}");
    assert_eq!(done["agent_user_id"], agents[1].1);
}

#[tokio::test]
async fn consoles_on_two_postgres_instances_hear_the_same_agent() {
    let Ok(url) = std::env::var("OUTDIAL_TEST_POSTGRES_URL") else {
        return;
    };
    let _ = url;
    let app = spawn_app().await;
    let owner = app.member("Consoles", outdial_domain::Role::Owner).await;
    let (agent, _) = registered_agent(&app, &owner, "+18134893220").await;
    let second = build(&app.db_url, app.clock.clone(), |c| c).await.unwrap();
    let other = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped(std::future::pending()));
    let mut here = console(&app.base, &agent.token, false).await;
    let mut there = console(&other, &agent.token, false).await;
    next(&mut here, |v| v["type"] == "snapshot").await;
    next(&mut there, |v| v["type"] == "snapshot").await;
    set_agent(&app, &agent, "available").await;
    for ws in [&mut here, &mut there] {
        let e = next(ws, event("agent.status")).await;
        assert_eq!(e["data"]["status"], "available");
    }
}

#[tokio::test]
async fn a_detection_verdict_that_overtakes_the_calls_first_twiml_still_calls_an_agent() {
    // Detection reports the person at once: its request races the one fetching the call's
    // TwiML, which puts the caller on hold. Whichever lands second must start the offer (the
    // test's clock stands still, so the detection deadline never rescues a lost verdict).
    let phones = [
        "+18134893222",
        "+18134893223",
        "+18134893224",
        "+18134893225",
    ];
    let agents_sim: Vec<(&str, AgentAct)> = phones.iter().map(|p| (*p, AgentAct::Accept)).collect();
    let mut sim = with_agents(&agents_sim);
    sim.person_detection_seconds = 0.0;
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(
        &app,
        t,
        json!({ "pacing": { "mode": "progressive" }, "wrap_up_seconds": 0 }),
    )
    .await;
    for n in 0..4 {
        add_lead(&app, t, id, &format!("+1212489321{n}")).await;
    }
    let agents = team(&app, &owner, id, &phones).await;
    for (a, _) in &agents {
        set_agent(&app, a, "available").await;
    }
    set_status(&app, t, id, "running").await;

    let ended = eventually("four calls bridged to agents", || async {
        let calls = calls_of(&app, t, id).await;
        let mut ended = Vec::new();
        for c in &calls {
            let tr = transfer(&app, t, c["id"].as_i64()?).await?;
            if settled(&tr) {
                ended.push(tr);
            }
        }
        (ended.len() == 4).then_some(ended)
    })
    .await;
    for tr in ended {
        assert_eq!(tr["outcome"], "completed", "{tr}");
        assert_eq!(leg_statuses(&tr), ["ended"], "{tr}");
    }
}

#[tokio::test]
async fn an_answering_machine_put_on_hold_never_reaches_an_agent() {
    let mut sim = with_agents(&[("+18134893221", AgentAct::Accept)]);
    sim.outcomes = outdial_simulator::OutcomeWeights {
        human: 0,
        machine: 1,
        busy: 0,
        no_answer: 0,
        failed: 0,
    };
    let (app, _sim, owner) = start(sim).await;
    let t = &owner.token;
    let id = campaign(&app, t, json!({ "pacing": { "mode": "progressive" } })).await;
    add_lead(&app, t, id, "+12124893210").await;
    let agents = team(&app, &owner, id, &["+18134893221"]).await;
    set_status(&app, t, id, "running").await;
    set_agent(&app, &agents[0].0, "available").await;
    let done = first_transfer(&app, t, id, "detection to find the machine", settled).await;
    assert_eq!(done["outcome"], "machine", "{done}");
    assert!(
        leg_statuses(&done).is_empty(),
        "no agent was called: {done}"
    );
    assert_eq!(agent_status(&app, &agents[0].0).await, "available");
}

/// The frame after a refused command: the close, with the code the page reads as "signed out".
async fn closed_as_signed_out(ws: &mut Console) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("the console closes within 10 s")
        {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(u16::from(frame.code), 4401, "{frame:?}");
                return;
            }
            Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a close frame with 4401, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_console_whose_login_ends_refuses_commands_and_closes() {
    let app = spawn_with(|mut c| {
        c.auth.stream_recheck_seconds = 1;
        c
    })
    .await;
    let admin = app
        .member("Console ends", outdial_domain::Role::Admin)
        .await;
    let (anna, anna_id) = registered_agent(&app, &admin, "8134893262").await;

    // Signed out elsewhere: the next command is refused, changes nothing, and the console closes.
    let mut ws = console(&app.base, &anna.token, true).await;
    next(&mut ws, |v| v["type"] == "snapshot").await;
    let (code, _) = app
        .post("/api/v1/auth/logout", &anna.token, json!({}))
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let answer = command(&mut ws, json!({ "type": "status", "status": "available" })).await;
    assert_eq!(
        (answer["type"].as_str(), answer["request"].as_str()),
        (Some("error"), Some("session")),
        "{answer}"
    );
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("sign in again")
    );
    closed_as_signed_out(&mut ws).await;
    let (_, agents) = app.get("/api/v1/agents", &admin.token).await;
    let listed = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user_id"] == anna_id)
        .unwrap();
    assert_eq!(
        listed["status"], "offline",
        "the refused command changed nothing"
    );

    // A session that expires while the console is open and quiet: closed by the periodic check.
    let (_, login) = app.login(&anna.email, PASSWORD).await;
    let token = login["token"].as_str().unwrap();
    let mut ws = console(&app.base, token, false).await;
    next(&mut ws, |v| v["type"] == "snapshot").await;
    app.clock.advance(169 * 3_600_000);
    let told = next(&mut ws, |v| v["type"] == "error").await;
    assert_eq!(told["request"], "session", "{told}");
    closed_as_signed_out(&mut ws).await;
    assert!(
        tokio_tungstenite::connect_async(
            format!(
                "{}/api/v1/agents/me/console",
                app.base.replace("http://", "ws://")
            )
            .into_client_request()
            .map(|mut r| {
                r.headers_mut()
                    .insert("authorization", format!("Bearer {token}").parse().unwrap());
                r
            })
            .unwrap()
        )
        .await
        .is_err(),
        "the expired session cannot open it again"
    );
}
