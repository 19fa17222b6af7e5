//! What every handler can reach.

use crate::auth::LoginLimiter;
use crate::config::Config;
use metrics_exporter_prometheus::PrometheusHandle;
use outdial_engine::clock::Clock;
use outdial_storage::Store;
use std::sync::Arc;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The configuration in force.
    pub config: Arc<Config>,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Failed-login bookkeeping.
    pub limiter: Arc<LoginLimiter>,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// Carrier accounts and webhook URLs.
    pub telephony: Arc<outdial_engine::telephony::Telephony>,
    /// Applies status callbacks, many to a transaction.
    pub status_queue: outdial_engine::telephony::queue::StatusQueue,
    /// Live events for dashboards and consoles.
    pub events: outdial_engine::events::EventBus,
    /// The called person's local calling hours, which every call placed by hand passes too.
    pub local_hours: Arc<outdial_domain::hours::LocalHours>,
    /// Hands answered calls to agents.
    pub transfers: outdial_engine::transfer::Transfers,
    /// Google access tokens (Dialogflow CX), kept until they lapse.
    pub google_tokens: Arc<outdial_google::Tokens>,
    /// The dashboards' 30-day answer rates, read again every few minutes.
    pub dashboard_cache:
        Arc<crate::expiring::Expiring<(i64, i64), Vec<outdial_storage::reports::HourCount>>>,
}
