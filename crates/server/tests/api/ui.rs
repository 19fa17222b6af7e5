//! The web application's server side: its files served from the binary, the browser session
//! in an HttpOnly cookie held to Outdial's own pages, and the dashboard's figures. (The pages
//! themselves are driven in a real browser by `e2e/run.mjs`.)

use crate::helpers::*;
use outdial_domain::call::{CallStatus, Outcome};
use outdial_domain::{CampaignId, Role};
use outdial_storage::calls::{self, NewCall};
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every file the application's modules import, found in its own sources.
fn imports_of(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        for quote in ['\'', '`'] {
            for marker in [" from ", "import("] {
                if let Some(at) = line.find(&format!("{marker}{quote}")) {
                    let rest = &line[at + marker.len() + 1..];
                    if let Some(end) = rest.find(quote) {
                        found.push(rest[..end].to_string());
                    }
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn the_web_application_and_every_file_it_loads_are_served_from_the_binary_under_a_strict_policy()
 {
    let app = spawn_app().await;
    let page = app.request(Method::GET, "/", None).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let policy = page.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("default-src 'self'") && policy.contains("script-src 'self'"),
        "{policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains("/ui/assets/app.js") && html.contains("/ui/assets/app.css"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from elsewhere"
    );

    // Walk the modules from app.js: every import and every page the router loads is served.
    let app_js = app
        .request(Method::GET, "/ui/assets/app.js", None)
        .send()
        .await
        .unwrap();
    assert!(
        app_js.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let source = app_js.text().await.unwrap();
    let mut todo: Vec<String> = imports_of(&source)
        .into_iter()
        .map(|p| p.trim_start_matches("./").to_string())
        .filter(|p| !p.contains("${"))
        .collect();
    // The router's pages, named in its table.
    for line in source.lines().filter(|l| l.trim_start().starts_with("[/^")) {
        let module = line.split('\'').nth(1).unwrap();
        todo.push(format!("pages/{module}.js"));
    }
    let mut seen = std::collections::HashSet::new();
    while let Some(file) = todo.pop() {
        if !seen.insert(file.clone()) {
            continue;
        }
        let r = app
            .request(Method::GET, &format!("/ui/assets/{file}"), None)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        let dir = file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        for import in imports_of(&r.text().await.unwrap()) {
            let joined = match (dir, import.strip_prefix("../")) {
                (_, Some(up)) => up.to_string(),
                ("", None) => import.trim_start_matches("./").to_string(),
                (d, None) => format!("{d}/{}", import.trim_start_matches("./")),
            };
            todo.push(joined);
        }
    }
    assert!(seen.len() >= 18, "every page and module: {seen:?}");
    let missing = app
        .request(Method::GET, "/ui/assets/../../Cargo.toml", None)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Signs in through the web UI's endpoint: the cookie header to send back, and the answer.
async fn browser_sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
) -> (StatusCode, String, Value) {
    let r = app
        .request(Method::POST, "/ui/session", None)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get(SET_COOKIE)
        .map(|c| c.to_str().unwrap().to_string())
        .unwrap_or_default();
    let (status, body) = read(r).await;
    (status, cookie, body)
}

#[tokio::test]
async fn a_browser_session_lives_in_an_http_only_cookie_and_its_changes_need_the_csrf_token() {
    let app = spawn_app().await;
    let owner = app.member("Cookies", Role::Owner).await;
    let (status, cookie, _) = browser_sign_in(&app, &owner.email, "wrong password!").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_empty(), "no cookie for a failed sign-in");

    let (status, set_cookie, page) = browser_sign_in(&app, &owner.email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for part in [
        "outdial_session=ods_",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    assert!(
        page.get("token").is_none(),
        "the token stays in the cookie: {page}"
    );
    assert!(!page.to_string().contains("ods_"), "{page}");
    let csrf = page["csrf"].as_str().unwrap().to_string();
    assert_eq!(page["role"], "owner");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let send = |method: Method, path: &str| {
        app.request(method, path, None)
            .header(COOKIE, cookie.clone())
    };

    // Reading works with the cookie alone; so does asking who is signed in.
    let r = send(Method::GET, "/api/v1/campaigns").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, again) = read(send(Method::GET, "/ui/session").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["csrf"], csrf.as_str());

    // A change without the token, or with another, is refused and changes nothing.
    let body = json!({"name": "Forged", "settings": ready_settings()});
    let (status, err) = read(
        send(Method::POST, "/api/v1/campaigns")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error_message(&err, "forbidden").contains("X-CSRF-Token"),
        "{err}"
    );
    let r = send(Method::POST, "/api/v1/campaigns")
        .header("x-csrf-token", "0".repeat(64))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/campaigns", &owner.token).await;
    assert_eq!(list.as_array().unwrap().len(), 0);

    // Another site's page is refused even for reading; Outdial's own origin is fine.
    let r = send(Method::GET, "/api/v1/campaigns")
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let own = app.base.clone();
    let (status, created) = read(
        send(Method::POST, "/api/v1/campaigns")
            .header(ORIGIN, own)
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    // Signing out needs the token too, ends the session and removes the cookie.
    let r = send(Method::DELETE, "/ui/session").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(Method::DELETE, "/ui/session")
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        r.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let r = send(Method::GET, "/api/v1/campaigns").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The bearer token of the API's own login is untouched by all this.
    let (status, _) = app.get("/api/v1/campaigns", &owner.token).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_agent_signed_in_in_the_browser_learns_their_agent_record() {
    let app = spawn_app().await;
    let owner = app.member("Floor", Role::Owner).await;
    let (agent, _) = registered_agent(&app, &owner, "+18134893288").await;
    let (status, _, page) = browser_sign_in(&app, &agent.email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["role"], "agent");
    assert_eq!(page["agent"]["phone"], "+18134893288");
    let (_, _, owner_page) = browser_sign_in(&app, &owner.email, PASSWORD).await;
    assert!(owner_page["agent"].is_null());
}

/// Stores a call of `tenant` placed at `at` that ended with `outcome` after `talk` seconds
/// (`None`: still ringing).
async fn call_at(
    app: &TestApp,
    tenant: outdial_domain::TenantId,
    campaign: i64,
    at: i64,
    outcome: Option<Outcome>,
    talk: i64,
) {
    let mut conn = app.store.conn().await.unwrap();
    let mut call = calls::create(
        &mut conn,
        tenant,
        &NewCall {
            campaign: Some(CampaignId(campaign)),
            lead: None,
            call_type: "campaign",
            from: &outdial_domain::PhoneNumber::parse_e164("+18134893200").unwrap(),
            to: &outdial_domain::PhoneNumber::parse_e164("+18134893222").unwrap(),
            extension: None,
        },
        at,
    )
    .await
    .unwrap();
    match outcome {
        Some(outcome) => {
            call.status = if outcome == Outcome::Busy {
                CallStatus::Busy
            } else {
                CallStatus::Completed
            };
            call.outcome = Some(outcome);
            call.ended_at = Some(at + 60_000);
            call.talk_seconds = Some(talk);
        }
        None => call.status = CallStatus::Ringing,
    }
    calls::save(&mut conn, &call, at + 60_000).await.unwrap();
}

#[tokio::test]
async fn the_dashboard_counts_the_viewers_day_in_their_time_zone_and_only_their_tenants_calls() {
    let app = spawn_app().await;
    let owner = app.member("Dash", Role::Owner).await;
    let campaign = app.campaign(&owner.token, "Spring").await;
    let other = app.member("Elsewhere", Role::Owner).await;
    let theirs = app.campaign(&other.token, "Theirs").await;
    const HOUR: i64 = 3_600_000;
    // START is 11:06 UTC, 06:06 in New York: 7 hours earlier is yesterday there, today in UTC.
    call_at(
        &app,
        owner.tenant,
        campaign,
        START - 7 * HOUR,
        Some(Outcome::Answered),
        30,
    )
    .await;
    call_at(
        &app,
        owner.tenant,
        campaign,
        START - HOUR,
        Some(Outcome::Answered),
        45,
    )
    .await;
    call_at(
        &app,
        owner.tenant,
        campaign,
        START - HOUR,
        Some(Outcome::Voicemail),
        20,
    )
    .await;
    call_at(
        &app,
        owner.tenant,
        campaign,
        START - HOUR,
        Some(Outcome::Busy),
        0,
    )
    .await;
    call_at(&app, owner.tenant, campaign, START, None, 0).await;
    call_at(
        &app,
        other.tenant,
        theirs,
        START,
        Some(Outcome::Answered),
        99,
    )
    .await;

    // Every call cost a cent: today's four of this tenant count, yesterday's and the other
    // tenant's do not.
    sqlx::query("UPDATE calls SET price = '-0.01000', price_unit = 'USD'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, d) = app
        .get("/api/v1/dashboard?tz=America/New_York", &owner.token)
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        d["today"],
        json!({"calls": 4, "finished": 3, "reached": 1, "voicemails": 1, "appointments": 0,
               "contact_rate": 33.3, "appointment_rate": 0.0, "talk_seconds": 65,
               "spend": {"currency": "USD", "total": 0.04, "priced_calls": 4, "awaiting_price": 0}})
    );
    assert_eq!(
        d["day_start"],
        START - 6 * HOUR - 6 * 60_000 - 40_000,
        "05:00 UTC"
    );
    assert_eq!(d["calls_per_hour"][5], 3);
    assert_eq!(d["calls_per_hour"][6], 1);
    assert_eq!(
        d["outcomes"],
        json!({"answered": 1, "busy": 1, "voicemail": 1})
    );
    assert_eq!(d["live"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["live"][0]["status"], "ringing");
    // Over 30 days the early call counts at 23:00 New York time.
    assert_eq!(d["answer_rate_by_hour"][23]["rate"], 100.0);
    assert_eq!(d["answer_rate_by_hour"][5]["calls"], 3);
    // A call answered just now is in the chart at once, though the 30 days are cached.
    call_at(
        &app,
        owner.tenant,
        campaign,
        START,
        Some(Outcome::Answered),
        10,
    )
    .await;
    let (_, fresh) = app
        .get("/api/v1/dashboard?tz=America/New_York", &owner.token)
        .await;
    assert_eq!(
        d["answer_rate_by_hour"][6]["calls"], 0,
        "only an open call at 06:00 before"
    );
    assert_eq!(
        (
            fresh["answer_rate_by_hour"][6]["calls"].as_i64(),
            fresh["answer_rate_by_hour"][6]["answered"].as_i64()
        ),
        (Some(1), Some(1)),
        "{fresh}"
    );

    let (_, utc) = app.get("/api/v1/dashboard", &owner.token).await;
    assert_eq!(utc["timezone"], "UTC");
    assert_eq!(utc["today"]["calls"], 6, "with the call just answered");
    assert_eq!(utc["calls_per_hour"][4], 1);

    let (status, err) = app
        .get("/api/v1/dashboard?tz=Mars/Olympus", &owner.token)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error_message(&err, "validation_failed").contains("IANA"),
        "{err}"
    );

    let (_, one) = app
        .get(
            &format!("/api/v1/dashboard?campaign_id={theirs}"),
            &owner.token,
        )
        .await;
    assert_eq!(
        one["today"]["calls"], 0,
        "another tenant's campaign shows nothing"
    );
}

#[tokio::test]
async fn a_new_campaign_form_starts_from_the_servers_defaults() {
    let app = spawn_app().await;
    let owner = app.member("Forms", Role::Agent).await;
    let (status, d) = app.get("/api/v1/campaigns/defaults", &owner.token).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["pacing"]["mode"], "fixed_interval");
    assert_eq!(d["transfer"]["agent_ring_seconds"], 15);
    assert!(d["calling_window"]["days"].as_array().unwrap().len() >= 5);
}

#[tokio::test]
async fn the_campaign_list_carries_each_campaigns_lead_counts_for_its_progress_bars() {
    let app = spawn_app().await;
    let owner = app.member("Lists", Role::Manager).await;
    let spring = app.campaign(&owner.token, "Spring").await;
    let empty = app.campaign(&owner.token, "Empty").await;
    let other = app.member("Others", Role::Manager).await;
    let theirs = app.campaign(&other.token, "Theirs").await;
    let (status, body) = app
        .import_csv(
            &owner.token,
            spring,
            "phone\n8134893201\n8134893202\n8134893203\n",
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.import_csv(&other.token, theirs, "phone\n8134893209\n")
        .await;
    let (status, list) = app.get("/api/v1/campaigns", &owner.token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let by_id = |id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_id(spring)["leads"]["total"], 3);
    assert_eq!(by_id(spring)["leads"]["by_status"]["new"], 3);
    assert_eq!(by_id(empty)["leads"]["total"], 0);
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "only this tenant's campaigns"
    );
}
