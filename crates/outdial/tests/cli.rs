//! The `outdial` binary as a newcomer uses it: serve with a printed demo login, admin commands,
//! file import with a report. Runs the built binary against a temporary SQLite file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn outdial(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_outdial"));
    cmd.current_dir(dir)
        .env_remove("OUTDIAL_TEST_POSTGRES_URL")
        .env("RUST_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn serve_prints_a_demo_login_that_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = outdial(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        // The built-in simulator plays calls 200 times faster than life.
        .env("OUTDIAL_SIMULATOR__SPEED", "200")
        // 11:00 on a Wednesday in New York (the demo's numbers): a call by hand passes the
        // calling hours whatever the hour the test runs at.
        .env("OUTDIAL_CLOCK__START", "2026-11-18T11:00:00-05:00")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut email, mut password, mut base) = (String::new(), String::new(), String::new());
    let mut agent_login = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        agent_login |= line.contains("Agent login: agent@demo.outdial.local");
        if let Some(v) = line.trim().strip_prefix("email:") {
            email = v.trim().into();
        } else if let Some(v) = line.trim().strip_prefix("password:") {
            password = v.trim().into();
        } else if let Some(rest) = line.split("listening on ").nth(1) {
            base = rest.split_whitespace().next().unwrap().into();
            break;
        }
    }
    assert!(
        !password.is_empty() && base.starts_with("http://127.0.0.1:"),
        "email {email}, base {base}"
    );
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("the printed login works");
    let leads: serde_json::Value = client
        .get(format!("{base}/api/v1/leads"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        leads["total"], 30,
        "the sample campaign, the agent campaign and the studio's booking campaign have their demo leads"
    );
    // The printed agent login works with the same password, and is a registered agent.
    assert!(agent_login, "the agent login is printed");
    let agent: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "agent@demo.outdial.local", "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me: serde_json::Value = client
        .get(format!("{base}/api/v1/agents/me"))
        .bearer_auth(agent["token"].as_str().expect("the agent login works"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["status"], "offline", "{me}");

    // With no Twilio credentials, calling a demo lead goes through the simulator to its end.
    let lead = leads["items"][0]["id"].as_i64().unwrap();
    let call: serde_json::Value = client
        .post(format!("{base}/api/v1/leads/{lead}/call"))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = call["id"].as_i64().unwrap_or_else(|| panic!("{call}"));
    let mut last = serde_json::Value::Null;
    for _ in 0..300 {
        last = client
            .get(format!("{base}/api/v1/calls/{id}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if last["outcome"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(last["outcome"].is_string(), "the call ended: {last}");
    let statuses: Vec<&str> = last["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "status")
        .filter_map(|e| e["status"].as_str())
        .collect();
    assert!(
        statuses.starts_with(&["initiated", "ringing"]),
        "{statuses:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    // A second start on the same database does not create another demo tenant.
    let mut again = outdial(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first = BufReader::new(again.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .find(|l| !l.trim().is_empty())
        .unwrap();
    assert!(first.contains("listening on"), "{first}");
    again.kill().unwrap();
    again.wait().unwrap();
    std::thread::sleep(Duration::from_millis(50));
}

#[test]
fn admin_commands_and_a_file_import_work_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(outdial(dir.path()).args([
        "--database-url",
        "cli.db",
        "tenant",
        "create",
        "--name",
        "Acme",
        "--owner-email",
        "owner@acme.test",
    ]));
    assert!(ok, "{err}");
    assert!(
        out.contains("tenant Acme created (id 1)") && out.contains("owner password: "),
        "{out}"
    );
    let (ok, _, err) = run(outdial(dir.path()).args([
        "--database-url",
        "cli.db",
        "user",
        "create",
        "--tenant",
        "1",
        "--email",
        "agent@acme.test",
        "--role",
        "agent",
        "--password",
        "short",
    ]));
    assert!(!ok && err.contains("at least 10 characters"), "{err}");
    let (ok, _, err) = run(outdial(dir.path()).args([
        "--database-url",
        "cli.db",
        "user",
        "create",
        "--tenant",
        "1",
        "--email",
        "boss@acme.test",
        "--role",
        "king",
    ]));
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, out, _) = run(outdial(dir.path()).args(["--database-url", "cli.db", "migrate"]));
    assert!(ok && out.contains("up to date"), "{out}");
}

#[tokio::test]
async fn import_reports_rejected_rows_and_refuses_bad_files() {
    use outdial_domain::campaign::{CampaignType, ValidSettings};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let store = outdial_storage::Store::connect(&url, 2).await.unwrap();
    store.migrate().await.unwrap();
    let mut conn = store.conn().await.unwrap();
    let tenant = outdial_storage::tenants::create(&mut conn, "Acme", 0)
        .await
        .unwrap();
    let campaign = outdial_storage::campaigns::create(
        &mut conn,
        tenant.id,
        "Spring",
        CampaignType::General,
        &ValidSettings::default(),
        0,
    )
    .await
    .unwrap();
    drop(conn);
    let db = ["--database-url", url.as_str()];
    let id = campaign.id.to_string();

    std::fs::write(
        dir.path().join("leads.csv"),
        "name,phone\nAnn Lee,8134893222\nBad,12ab\nDup,813-489-3222\n",
    )
    .unwrap();
    let (ok, out, err) = run(outdial(dir.path()).args(db).args([
        "import",
        "leads.csv",
        "--campaign",
        &id,
        "--report",
        "report.json",
    ]));
    assert!(ok, "{err}");
    assert!(
        out.contains("3 rows read, 1 imported, 2 rejected (1 duplicates)"),
        "{out}"
    );
    assert!(
        out.contains("line 3: '12ab' is not a phone number") && out.contains("line 4:"),
        "{out}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["rejected_rows"].as_array().unwrap().len(), 2);

    std::fs::write(dir.path().join("bad.csv"), "name,email\nA,a@b.test\n").unwrap();
    let (ok, _, err) =
        run(outdial(dir.path())
            .args(db)
            .args(["import", "bad.csv", "--campaign", &id]));
    assert!(
        !ok && err.contains("nothing was imported") && err.contains("no phone column"),
        "{err}"
    );
    let (ok, _, err) =
        run(outdial(dir.path())
            .args(db)
            .args(["import", "missing.csv", "--campaign", &id]));
    assert!(!ok && err.contains("missing.csv"), "{err}");
    let (ok, _, err) =
        run(outdial(dir.path())
            .args(db)
            .args(["import", "leads.csv", "--campaign", "99"]));
    assert!(!ok && err.contains("no campaign with id 99"), "{err}");
    let mut conn = store.conn().await.unwrap();
    assert_eq!(
        outdial_storage::leads::count_in_campaign(&mut conn, campaign.id)
            .await
            .unwrap(),
        1
    );
}

#[test]
fn config_commands_show_settings_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, _) = run(outdial(dir.path()).args(["config", "example"]));
    assert!(ok && out.contains("[database]") && out.contains("OUTDIAL_DATABASE__URL"));
    let (ok, out, _) = run(outdial(dir.path())
        .env("OUTDIAL_DATABASE__URL", "postgres://app:hunter2@db/outdial")
        .env("OUTDIAL_SERVR__BIND", "x")
        .args(["config", "check"]));
    assert!(ok, "{out}");
    assert!(
        out.contains("postgres://app:***@db/outdial") && !out.contains("hunter2"),
        "{out}"
    );
    assert!(
        out.contains("warning: ignoring OUTDIAL_SERVR__BIND"),
        "{out}"
    );
}

#[tokio::test]
async fn the_simulator_runs_alone_and_checks_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = outdial(dir.path())
        .args([
            "twilio-sim",
            "--port",
            "0",
            "--account-sid",
            "AC0123456789abcdef0123456789abcdef",
        ])
        .env("OUTDIAL_SIM_AUTH_TOKEN", "0123456789abcdef0123456789abcdef")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map(|l| l.unwrap())
        .find_map(|l| {
            l.split("listening on ")
                .nth(1)
                .map(|u| u.trim().to_string())
        })
        .unwrap();
    // Keep reading what it prints: a closed pipe would kill it at its next line (SIGPIPE).
    std::thread::spawn(move || lines.for_each(drop));
    let calls = format!("{url}/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls.json");
    let form = [
        ("To", "+18134893222"),
        ("From", "+15005550006"),
        ("Url", "http://127.0.0.1:9/voice"),
    ];
    let client = reqwest::Client::new();
    let ok = client
        .post(&calls)
        .basic_auth(
            "AC0123456789abcdef0123456789abcdef",
            Some("0123456789abcdef0123456789abcdef"),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 201);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["status"], "queued");
    let refused = client
        .post(&calls)
        .basic_auth("AC0123456789abcdef0123456789abcdef", Some("wrong"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let error: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(error["code"], 20003);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn understand_reads_the_intent_and_the_day_and_time_of_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(outdial(dir.path()).args([
        "understand",
        "--lang",
        "de",
        "--tz",
        "Europe/Berlin",
        "--now",
        "2026-03-10T09:00:00+01:00",
        "übermorgen halb vier",
    ]));
    assert!(ok, "{err}");
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got["datetime"]["kind"], "instant");
    assert_eq!(got["datetime"]["date"], "2026-03-12");
    assert_eq!(got["datetime"]["time"], "15:30");
    // English, another zone and offset: 10:00 in Chicago is 11:00 New York time.
    let (ok, out, err) = run(outdial(dir.path()).args([
        "understand",
        "--lang",
        "en",
        "--tz",
        "America/Chicago",
        "--now",
        "2026-03-10T11:00:00-04:00",
        "tomorrow at 3 pm",
    ]));
    assert!(ok, "{err}");
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got["datetime"]["date"], "2026-03-11");
    assert_eq!(got["datetime"]["time"], "15:00");
    // A zone that does not exist is named, and nothing is printed as an answer.
    let (ok, out, err) =
        run(outdial(dir.path()).args(["understand", "--tz", "Mars/Olympus", "ja"]));
    assert!(!ok);
    assert!(out.is_empty());
    assert!(
        err.contains("tz: 'Mars/Olympus' is not a time zone"),
        "{err}"
    );
}
