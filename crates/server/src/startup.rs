//! Building and running the application: testable with a port-0 listener and a chosen clock.

use crate::auth::LoginLimiter;
use crate::config::Config;
use crate::demo::{self, DemoLogin};
use crate::http;
use crate::state::AppState;
use anyhow::Context;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use outdial_engine::clock::{Clock, ScaledClock, SystemClock};
use outdial_engine::telephony::{SimulatorLink, Telephony};
use outdial_simulator::Simulator;
use outdial_storage::{Store, redact_url};
use outdial_twilio::Credentials;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use tokio::net::TcpListener;

/// A built application: database migrated, listener bound, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// The store, for callers that need it (tests, the CLI).
    pub store: Store,
    /// Set when this start created the demo tenant.
    pub demo: Option<DemoLogin>,
    /// The built-in Twilio simulator, when no Twilio account is configured.
    pub simulator: Option<Simulator>,
    /// The dialer, started with the server when enabled.
    dialer: Option<outdial_engine::dialer::Context>,
    /// Holds the SQLite database for this process (see [`single_writer`]).
    _sqlite_lock: Option<std::fs::File>,
}

/// A fresh random account for the in-process simulator: nothing outside this process knows it.
fn simulator_account() -> Credentials {
    use rand::Rng;
    let mut rng = rand::rng();
    Credentials {
        account_sid: format!("AC{:032x}", rng.random::<u128>()),
        auth_token: format!("{:032x}", rng.random::<u128>()),
    }
}

/// The process-wide Prometheus recorder (installed once, shared by every application).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
            }
            handle
        })
        .clone()
}

impl Application {
    /// Builds with the system clock, sped up as much as the simulator's calls when the
    /// simulator runs with time acceleration (resuming from the latest moment recorded, so a
    /// restart never sets the clock back).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let simulated = !Telephony::has_server_account(&config.twilio);
        let speed = if simulated {
            config.simulator.speed
        } else {
            1.0
        };
        let pinned = config.clock.start_ms().map_err(anyhow::Error::msg)?;
        let clock: Arc<dyn Clock> = if let Some(start) = pinned {
            tracing::info!(
                start,
                speed,
                "Outdial's clock starts at the configured moment"
            );
            Arc::new(ScaledClock::starting_at(start, speed))
        } else if speed != 1.0 {
            let url = config.database.url.expose().clone();
            let latest = match Store::connect(&url, 1).await {
                Ok(store) => {
                    let latest = match store.conn().await {
                        Ok(mut c) => outdial_storage::dialing::latest_activity(&mut c)
                            .await
                            .ok()
                            .flatten(),
                        Err(_) => None,
                    };
                    store.close().await;
                    latest
                }
                Err(_) => None,
            };
            let origin = latest.unwrap_or(0).max(SystemClock.now_ms());
            tracing::info!(
                speed,
                "simulator time acceleration: Outdial's clock runs as fast"
            );
            Arc::new(ScaledClock::starting_at(origin, speed))
        } else {
            Arc::new(SystemClock)
        };
        Self::build_with_clock(config, clock).await
    }

    /// Connects and migrates the database, seeds the demo on first start, binds the listener.
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let url = config.database.url.expose().clone();
        let problems = config.dialer.problems();
        if !problems.is_empty() {
            anyhow::bail!("invalid dialer settings: {}", problems.join("; "));
        }
        if !(1..=3600).contains(&config.auth.stream_recheck_seconds) {
            anyhow::bail!(
                "auth.stream_recheck_seconds must be between 1 and 3600, not {}",
                config.auth.stream_recheck_seconds
            );
        }
        let local_hours =
            outdial_engine::dialer::local_hours(config.dialer.local_hours_file.as_deref())?;
        let sqlite_lock = single_writer(&url)?;
        let store = Store::connect(&url, config.database.max_connections)
            .await
            .with_context(|| format!("while connecting to {}", redact_url(&url)))?;
        let applied = store
            .migrate()
            .await
            .context("while migrating the database")?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "database migrated");
        }
        let demo = if config.demo.seed {
            demo::seed_if_empty(&store, clock.now_ms())
                .await
                .context("while creating the demo tenant")?
        } else {
            None
        };
        let listener = TcpListener::bind(config.server.bind)
            .await
            .with_context(|| format!("while binding {}", config.server.bind))?;
        let local = listener.local_addr()?;
        let public_base_url = config.server.public_base_url.clone().unwrap_or_else(|| {
            let host = if local.ip().is_unspecified() {
                "127.0.0.1".to_string()
            } else {
                local.ip().to_string()
            };
            format!("http://{host}:{}", local.port())
        });
        let simulator = if Telephony::has_server_account(&config.twilio) {
            None
        } else {
            let problems = config.simulator.problems();
            if !problems.is_empty() {
                anyhow::bail!("invalid simulator settings: {}", problems.join("; "));
            }
            let sim = Simulator::start(
                config.simulator.clone(),
                ([127, 0, 0, 1], 0).into(),
                simulator_account(),
            )
            .await
            .context("while starting the Twilio simulator")?;
            tracing::info!(url = %sim.base_url(), "no Twilio credentials configured: calls go to the built-in simulator");
            Some(sim)
        };
        let telephony = Arc::new(Telephony::new(
            &config.twilio,
            simulator.as_ref().map(|sim| {
                let told = sim.clone();
                SimulatorLink {
                    base_url: sim.base_url().to_string(),
                    account: sim.account().clone(),
                    agent_phones: Arc::new(move |phone: &str| told.add_agent_number(phone)),
                }
            }),
            public_base_url,
        ));
        let events = outdial_engine::events::EventBus::start(store.clone(), &url);
        let transfers = outdial_engine::transfer::Transfers::new(
            store.clone(),
            telephony.clone(),
            clock.clone(),
            events.clone(),
        );
        transfers.start_sweeper(std::time::Duration::from_millis(config.dialer.tick_ms));
        let dialer = config
            .dialer
            .enabled
            .then(|| outdial_engine::dialer::Context {
                events: events.clone(),
                store: store.clone(),
                telephony: telephony.clone(),
                clock: clock.clone(),
                config: config.dialer.clone(),
                rules: Arc::new(outdial_engine::dialer::turn::Rules {
                    local: local_hours.clone(),
                    calls_per_second: config.dialer.calls_per_second,
                    history: Default::default(),
                }),
            });
        let auth = &config.auth;
        let state = AppState {
            store: store.clone(),
            limiter: Arc::new(LoginLimiter::new(
                auth.login_max_failures,
                auth.login_window_seconds,
            )),
            config: Arc::new(config),
            clock,
            metrics: metrics_handle(),
            google_tokens: Arc::new(outdial_google::Tokens::new()),
            dashboard_cache: Arc::new(crate::expiring::Expiring::new(
                crate::http::dashboard::MONTH_TTL_MS,
            )),
            telephony,
            status_queue: outdial_engine::telephony::queue::StatusQueue::start(
                store.clone(),
                events.clone(),
            )
            .context("while starting the status queue")?,
            events,
            transfers,
            local_hours: Arc::new(local_hours),
        };
        Ok(Application {
            listener,
            router: http::router(state),
            store,
            demo,
            simulator,
            dialer,
            _sqlite_lock: sqlite_lock,
        })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves (and dials, when the dialer is enabled) until `shutdown` completes. Then it
    /// stops placing calls, keeps serving webhooks while calls are in flight (at most
    /// `dialer.drain_seconds`), and finishes in-flight requests.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let dialer = self.dialer.map(|ctx| {
            let drain = std::time::Duration::from_secs(u64::from(ctx.config.drain_seconds));
            (outdial_engine::dialer::Dialer::start(ctx), drain)
        });
        let store = self.store.clone();
        let stopping = async move {
            shutdown.await;
            if let Some((dialer, drain)) = dialer {
                tracing::info!(
                    "shutting down: no new calls; serving webhooks for the calls in flight"
                );
                dialer.stop().await;
                drain_calls(&store, drain).await;
            }
        };
        axum::serve(self.listener, service)
            .with_graceful_shutdown(stopping)
            .await
            .context("while serving HTTP")?;
        self.store.close().await;
        Ok(())
    }
}

/// Waits until no call is in flight, or `limit` passed.
async fn drain_calls(store: &Store, limit: std::time::Duration) {
    let until = std::time::Instant::now() + limit;
    loop {
        let open = match store.conn().await {
            Ok(mut c) => outdial_storage::dialing::open_calls(&mut c)
                .await
                .unwrap_or(0),
            Err(_) => 0,
        };
        if open == 0 {
            return;
        }
        if std::time::Instant::now() >= until {
            tracing::warn!(
                calls = open,
                "calls still in flight at shutdown; they are reconciled with the carrier at the next start"
            );
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// SQLite has one writer: a second `outdial serve` on the same file would fight the first over
/// it, and caps counted by each would not hold. The first process holds an exclusive lock on
/// `<file>.lock` for its life; a second one stops at start-up with a clear message. `None` for
/// PostgreSQL and in-memory databases.
pub fn single_writer(url: &str) -> anyhow::Result<Option<std::fs::File>> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Ok(None);
    }
    let path = url
        .strip_prefix("sqlite:")
        .unwrap_or(url)
        .trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        return Ok(None);
    }
    let lock_path = format!("{path}.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("while opening {lock_path}"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another Outdial server is already using the SQLite database {path} (it holds {lock_path}). \
             SQLite allows one server process: stop the other one, or use PostgreSQL \
             (database.url = \"postgres://…\") to run several instances"
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("while locking {lock_path}"))
        }
    }
}
