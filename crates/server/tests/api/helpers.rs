use outdial_domain::{Role, TenantId};
use outdial_engine::clock::ManualClock;
use outdial_server::auth::passwords;
use outdial_server::{Application, Config};
use outdial_storage::testing::{TestDb, fresh_db};
use outdial_storage::users::NewUser;
use outdial_storage::{Store, tenants, users};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

pub const START: i64 = 1_795_000_000_000;
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub store: Store,
    /// The database URL, for a second instance on the same database.
    pub db_url: String,
    _db: TestDb,
}

pub struct Member {
    pub tenant: TenantId,
    pub email: String,
    pub token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|c| c).await
}

/// With `OUTDIAL_TEST_LOG` set (a filter such as `outdial_server=debug`), the servers' logs
/// go to the test's output: how a failing test that races is read after the fact.
fn log_if_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("OUTDIAL_TEST_LOG") {
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .init();
        }
    });
}

pub async fn spawn_with(adjust: impl FnOnce(Config) -> Config) -> TestApp {
    log_if_asked();
    let db = fresh_db().await;
    let clock = ManualClock::new(START);
    let app = build(&db.url, clock.clone(), adjust)
        .await
        .expect("application builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.store.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        base,
        client: reqwest::Client::new(),
        clock,
        store,
        db_url: db.url.clone(),
        _db: db,
    }
}

/// Builds (not yet serving) an application on the database at `url` with `clock`.
pub async fn build(
    url: &str,
    clock: ManualClock,
    adjust: impl FnOnce(Config) -> Config,
) -> anyhow::Result<Application> {
    let config = Config::default()
        .with("database.url", url)
        .and_then(|c| c.with("server.bind", "127.0.0.1:0"))
        .and_then(|c| c.with("demo.seed", false))
        .unwrap();
    Application::build_with_clock(adjust(config), Arc::new(clock)).await
}

impl TestApp {
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self
            .client
            .request(method, format!("{}{}", self.base, path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self.request(method, path, Some(token));
        if let Some(b) = body {
            r = r.json(&b);
        }
        read(r.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, token, Some(body)).await
    }
    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, token, Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, token, None).await
    }

    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        read(
            self.request(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({ "email": email, "password": password }))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// A new tenant with one user of `role`, logged in.
    pub async fn member(&self, org: &str, role: Role) -> Member {
        let mut conn = self.store.conn().await.unwrap();
        let tenant = tenants::create(&mut conn, org, START).await.unwrap();
        let email = format!(
            "{}@{}.test",
            role.as_str(),
            org.to_lowercase().replace(' ', "-")
        );
        let hash = passwords::hash(PASSWORD.into()).await.unwrap();
        users::create(
            &mut conn,
            tenant.id,
            NewUser {
                email: &email,
                name: "Test",
                role,
                password_hash: &hash,
            },
            START,
        )
        .await
        .unwrap();
        let token = self.login(&email, PASSWORD).await.1["token"]
            .as_str()
            .unwrap()
            .to_string();
        Member {
            tenant: tenant.id,
            email,
            token,
        }
    }

    /// Another user in the same tenant as `of`, logged in.
    pub async fn colleague(&self, of: &Member, role: Role) -> Member {
        let email = format!("{}-{}@colleague.test", role.as_str(), rand_suffix());
        let (status, _) = self
            .post(
                "/api/v1/users",
                &of.token,
                json!({ "email": email, "name": "Colleague", "role": role, "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let token = self.login(&email, PASSWORD).await.1["token"]
            .as_str()
            .unwrap()
            .to_string();
        Member {
            tenant: of.tenant,
            email,
            token,
        }
    }

    /// A ready-to-run campaign's id.
    pub async fn campaign(&self, token: &str, name: &str) -> i64 {
        let (status, body) = self
            .post(
                "/api/v1/campaigns",
                token,
                json!({ "name": name, "type": "sales_outreach", "settings": ready_settings() }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// Uploads CSV text as a raw `text/csv` body.
    pub async fn import_csv(&self, token: &str, campaign: i64, csv: &str) -> (StatusCode, Value) {
        let r = self
            .request(
                Method::POST,
                &format!("/api/v1/campaigns/{campaign}/imports"),
                Some(token),
            )
            .header("content-type", "text/csv")
            .body(csv.to_string());
        read(r.send().await.unwrap()).await
    }
}

pub fn ready_settings() -> Value {
    json!({
        "caller_ids": ["+18134893200"],
        "script": { "message": "Hello {first_name}", "voicemail_message": "Please call us back" }
    })
}

pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed).to_string()
}

/// Asserts the documented error shape and returns the message.
pub fn error_message(body: &Value, code: &str) -> String {
    assert_eq!(body["error"]["code"], code, "{body}");
    body["error"]["message"].as_str().unwrap().to_string()
}

/// Creates an owner in `tenant` and logs in on the server at `base`; returns the token.
pub async fn login_owner(base: &str, store: &Store, tenant: TenantId) -> String {
    let hash = passwords::hash(PASSWORD.into()).await.unwrap();
    let email = format!("owner-{}@drain.test", rand_suffix());
    users::create(
        &mut store.conn().await.unwrap(),
        tenant,
        NewUser {
            email: &email,
            name: "Owner",
            role: Role::Owner,
            password_hash: &hash,
        },
        START,
    )
    .await
    .unwrap();
    let (_, body) = read(
        reqwest::Client::new()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    body["token"].as_str().unwrap().to_string()
}

/// A user's id, read from `/api/v1/me`.
pub async fn user_id(app: &TestApp, m: &Member) -> i64 {
    app.get("/api/v1/me", &m.token).await.1["user"]["id"]
        .as_i64()
        .unwrap()
}

/// A new agent-role colleague of `of`, registered as an agent calling on `phone` (still
/// offline); with their user id.
pub async fn registered_agent(app: &TestApp, of: &Member, phone: &str) -> (Member, i64) {
    let a = app.colleague(of, Role::Agent).await;
    let id = user_id(app, &a).await;
    let (code, body) = app
        .put(
            &format!("/api/v1/agents/{id}"),
            &a.token,
            json!({ "phone": phone }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    (a, id)
}

/// The account of a simulator a test starts itself, so it knows the token and can sign (or
/// forge) webhooks.
pub const SIM_ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
/// That account's token.
pub const SIM_TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// An app whose server-wide Twilio account is a simulator this test started, with more
/// configuration from `adjust`. Its clock stands at 10:00 in New York on a Thursday: calls
/// placed by hand pass the callee's hours.
pub async fn app_with_simulator(
    sim: outdial_simulator::SimConfig,
    adjust: impl FnOnce(Config) -> Config,
) -> (TestApp, outdial_simulator::Simulator) {
    let creds = outdial_twilio::Credentials {
        account_sid: SIM_ACCOUNT.into(),
        auth_token: SIM_TOKEN.into(),
    };
    let simulator = outdial_simulator::Simulator::start(sim, ([127, 0, 0, 1], 0).into(), creds)
        .await
        .unwrap();
    let base = simulator.base_url().to_string();
    let app = spawn_with(move |c| {
        c.with("twilio.account_sid", SIM_ACCOUNT)
            .and_then(|c| c.with("twilio.auth_token", SIM_TOKEN))
            .and_then(|c| c.with("twilio.api_base_url", base))
            .map(adjust)
            .unwrap()
    })
    .await;
    app.clock.advance(crate::dialer::NY_MORNING - START);
    (app, simulator)
}
