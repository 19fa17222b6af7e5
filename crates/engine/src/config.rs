//! The engine's settings, read by the server's configuration (`[twilio]` and `[dialer]` in
//! `outdial.toml`, `OUTDIAL_TWILIO__*` and `OUTDIAL_DIALER__*`) and handed to the engine.

use serde::{Deserialize, Serialize};

/// A value that must never be logged or returned: `Debug` prints `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Secret(value)
    }
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The server-wide Twilio account. Leave both credentials unset to use the simulator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TwilioConfig {
    /// Account SID (`AC…`).
    pub account_sid: Option<String>,
    /// Auth Token: authenticates API calls and signs webhooks.
    pub auth_token: Secret<Option<String>>,
    /// Webhook shared key, for accounts that sign webhooks with HMAC-SHA256.
    pub webhook_key: Secret<Option<String>>,
    /// Twilio's API host: change it for a region or edge.
    pub api_base_url: String,
}

impl Default for TwilioConfig {
    fn default() -> Self {
        TwilioConfig {
            account_sid: None,
            auth_token: Secret::new(None),
            webhook_key: Secret::new(None),
            api_base_url: outdial_twilio::DEFAULT_BASE_URL.to_string(),
        }
    }
}

/// The dialer: how often it looks at running campaigns, the carrier's rate, and when it stops
/// trusting that callbacks will come.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DialerConfig {
    /// Run campaigns. Off, running campaigns wait (calls placed by hand still work).
    pub enabled: bool,
    /// Milliseconds between two looks at the running campaigns.
    pub tick_ms: u64,
    /// Calls a tenant may start per second (Twilio's default account rate is 1). Holds across
    /// every instance sharing a PostgreSQL database.
    pub calls_per_second: u32,
    /// Seconds without news of a call in flight before the carrier is asked about it (a lost
    /// callback, or a crash between creating the call and recording it).
    pub reconcile_after_seconds: u32,
    /// On shutdown, seconds to keep serving webhooks for the calls in flight after the dialer
    /// stopped placing calls (calls still going after that are reconciled at the next start).
    pub drain_seconds: u32,
    /// A JSON file with the called person's local calling hours, replacing the built-in rules
    /// (08:00–21:00, Florida and Oklahoma 08:00–20:00). Its form is that of
    /// `crates/domain/data/local_hours.json`.
    pub local_hours_file: Option<std::path::PathBuf>,
}

impl Default for DialerConfig {
    fn default() -> Self {
        DialerConfig {
            enabled: true,
            tick_ms: 250,
            calls_per_second: 1,
            reconcile_after_seconds: 300,
            drain_seconds: 30,
            local_hours_file: None,
        }
    }
}

impl DialerConfig {
    /// What is wrong with these settings, if anything.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(10..=60_000).contains(&self.tick_ms) {
            out.push(format!(
                "dialer.tick_ms must be between 10 and 60000, not {}",
                self.tick_ms
            ));
        }
        if !(1..=1000).contains(&self.calls_per_second) {
            out.push(format!(
                "dialer.calls_per_second must be between 1 and 1000, not {}",
                self.calls_per_second
            ));
        }
        if self.reconcile_after_seconds < 60 {
            out.push(format!(
                "dialer.reconcile_after_seconds must be at least 60 (a call may ring that long), not {}",
                self.reconcile_after_seconds
            ));
        }
        out
    }
}
