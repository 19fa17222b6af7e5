//! Building and running the application: testable with a port-0 listener and a chosen clock.

use crate::auth::LoginLimiter;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::demo::{self, DemoLogin};
use crate::http;
use crate::state::AppState;
use crate::telephony::Telephony;
use anyhow::Context;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
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
    /// Builds with the system clock.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Connects and migrates the database, seeds the demo on first start, binds the listener.
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let url = config.database.url.expose().clone();
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
        let simulator = if Telephony::has_server_account(&config) {
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
        let telephony = Arc::new(Telephony::new(&config, simulator.as_ref(), public_base_url));
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
            telephony,
            status_queue: crate::telephony::events::StatusQueue::start(store.clone())
                .context("while starting the status queue")?,
        };
        Ok(Application {
            listener,
            router: http::router(state),
            store,
            demo,
            simulator,
        })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
            .context("while serving HTTP")?;
        self.store.close().await;
        Ok(())
    }
}
