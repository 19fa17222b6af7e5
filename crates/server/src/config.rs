//! Configuration: defaults, then an optional TOML file, then `OUTDIAL_SECTION__KEY` environment
//! variables, then command-line flags (applied by the binary). Secrets are wrapped in [`Secret`].

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;

pub use outdial_engine::config::{DialerConfig, Secret, TwilioConfig};

/// Everything Outdial reads at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// HTTP listener.
    pub server: ServerConfig,
    /// Database connection.
    pub database: DatabaseConfig,
    /// Logins, sessions and sign-up.
    pub auth: AuthConfig,
    /// Lead-list uploads.
    pub import: ImportConfig,
    /// Recordings campaigns play.
    pub audio: AudioConfig,
    /// Conversations a language model leads.
    pub conversation: ConversationConfig,
    /// Logging.
    pub log: LogConfig,
    /// The demo tenant created on first start.
    pub demo: DemoConfig,
    /// The server-wide Twilio account, used by tenants that set none.
    pub twilio: TwilioConfig,
    /// The built-in Twilio stand-in, used when no Twilio credentials are set anywhere.
    pub simulator: outdial_simulator::SimConfig,
    /// The dialer that runs campaigns by itself.
    pub dialer: DialerConfig,
    /// Where Outdial's time starts (demos and end-to-end tests).
    pub clock: ClockConfig,
}

/// Outdial's clock. By default it is the system's; a demo or an end-to-end test can start it at
/// a chosen moment instead, so that calling hours, retry times and "today" are the same whatever
/// the hour it runs at.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ClockConfig {
    /// The moment Outdial's clock starts at, as RFC 3339 with an offset
    /// (`2026-11-17T02:00:00+01:00`) or with a zone (`2026-11-17T02:00[Europe/Berlin]`). From
    /// there it runs at real speed, or as fast as the simulator's `speed`. Unset: the system clock.
    pub start: Option<String>,
}

impl ClockConfig {
    /// The start as milliseconds since the epoch, when one is set.
    pub fn start_ms(&self) -> Result<Option<i64>, String> {
        let Some(text) = self
            .start
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Ok(None);
        };
        if let Ok(ts) = text.parse::<jiff::Timestamp>() {
            return Ok(Some(ts.as_millisecond()));
        }
        text.parse::<jiff::Zoned>()
            .map(|z| Some(z.timestamp().as_millisecond()))
            .map_err(|_| {
                format!(
                    "clock.start must be a moment such as 2026-11-17T02:00:00+01:00 or \
                     2026-11-17T02:00[Europe/Berlin], not '{text}'"
                )
            })
    }
}

/// HTTP listener settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// The URL people and Twilio reach this server at (behind a proxy, the proxy's URL).
    pub public_base_url: Option<String>,
    /// Trust `X-Forwarded-For` for the client address (only behind a proxy you run).
    pub trust_forwarded_for: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: ([127, 0, 0, 1], 3000).into(),
            public_base_url: None,
            trust_forwarded_for: false,
        }
    }
}

/// Database settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://outdial.db` (default, a file next to where Outdial runs), a bare file path, or
    /// `postgres://user:password@host/db`.
    pub url: Secret<String>,
    /// Pool size.
    pub max_connections: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: Secret::new("sqlite://outdial.db".into()),
            max_connections: 10,
        }
    }
}

/// Login and session settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Let anyone create a tenant through `POST /api/v1/auth/signup`.
    pub open_signup: bool,
    /// How long a login lasts.
    pub session_ttl_hours: u32,
    /// Failed logins allowed per email (and 4× that per client address) within the window.
    pub login_max_failures: u32,
    /// The window, and how long a locked-out login waits.
    pub login_window_seconds: u32,
    /// How often an open agent console or event stream checks that its login still stands:
    /// a sign-out, an expired session, a disabled user or a revoked key ends it within this
    /// time (a console command checks at once).
    pub stream_recheck_seconds: u32,
    /// Sessions a user may hold at once; a new login ends the oldest beyond it.
    pub max_sessions_per_user: u32,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            open_signup: false,
            session_ttl_hours: 168,
            login_max_failures: 5,
            login_window_seconds: 900,
            stream_recheck_seconds: 30,
            max_sessions_per_user: 20,
        }
    }
}

/// Lead-list import settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportConfig {
    /// Largest accepted file, in megabytes.
    pub max_file_mb: u64,
    /// Rejected rows listed in the import's answer (all are stored and downloadable).
    pub inline_rejections: usize,
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig {
            max_file_mb: 512,
            inline_rejections: 1000,
        }
    }
}

/// Recordings campaigns play instead of a spoken message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AudioConfig {
    /// Largest accepted recording, uploaded or fetched, in megabytes.
    pub max_file_mb: u64,
    /// Seconds a recording given by address may take to fetch.
    pub fetch_timeout_seconds: u64,
    /// Fetch recordings from loopback and private addresses (and over plain HTTP there): for
    /// a recording on the same network in a trusted setup. Off, such addresses are refused.
    pub allow_private_networks: bool,
}

impl Default for AudioConfig {
    fn default() -> Self {
        AudioConfig {
            max_file_mb: 10,
            fetch_timeout_seconds: 15,
            allow_private_networks: false,
        }
    }
}

/// Conversations a language model leads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConversationConfig {
    /// Reach language models on loopback and private addresses (and over plain HTTP there):
    /// a local Ollama or vLLM. Off, such addresses are refused.
    pub allow_private_networks: bool,
    /// Seconds one model answer may take.
    pub model_timeout_seconds: u64,
    /// Seconds one turn of a call may take in all (model answers and tools); the carrier waits
    /// 15 for an answer, so keep it under 14.
    pub turn_budget_seconds: u64,
    /// Dialogflow CX's address; empty: the agent's own region's Google address
    /// (`https://REGION-dialogflow.googleapis.com`). Set it only for a stand-in.
    pub dialogflow_endpoint: String,
}

impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig {
            allow_private_networks: false,
            model_timeout_seconds: 8,
            turn_budget_seconds: 11,
            dialogflow_endpoint: String::new(),
        }
    }
}

/// Logging settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter, e.g. `info` or `outdial_server=debug,info`.
    pub level: String,
    /// `text` for people, `json` for log collectors.
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
            format: LogFormat::Text,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// First-start demo data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemoConfig {
    /// On a database with no tenants, create a demo tenant, an owner login (printed once) and a
    /// sample campaign whose leads have fictional 555-01xx numbers.
    pub seed: bool,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig { seed: true }
    }
}

/// Environment variables starting with `OUTDIAL_` that are not configuration keys.
const NON_CONFIG_VARS: &[&str] = &["OUTDIAL_CONFIG", "OUTDIAL_TEST_POSTGRES_URL"];

/// A commented example configuration file.
pub const EXAMPLE_TOML: &str = include_str!("../outdial.example.toml");

impl Config {
    /// Layers defaults, the TOML file (if given), and `OUTDIAL_*` variables from `env`.
    /// Returns the configuration and warnings about `OUTDIAL_*` variables that match no key.
    pub fn load(
        file: Option<&Path>,
        env: &[(String, String)],
    ) -> Result<(Config, Vec<String>), String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(format!("config file {} does not exist", path.display()));
            }
            figment = figment.merge(Toml::file(path));
        }
        let ours: Vec<(String, String)> = env
            .iter()
            .filter(|(k, _)| k.starts_with("OUTDIAL_") && !NON_CONFIG_VARS.contains(&k.as_str()))
            .cloned()
            .collect();
        let known = known_keys();
        let warnings = ours
            .iter()
            .filter(|(k, _)| {
                !known.contains(&k["OUTDIAL_".len()..].to_lowercase().replace("__", "."))
            })
            .map(|(k, _)| {
                format!(
                    "ignoring {k}: not a configuration key (known: {})",
                    known
                        .iter()
                        .map(|k| format!("OUTDIAL_{}", k.to_uppercase().replace('.', "__")))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        for (key, value) in &ours {
            let path = key["OUTDIAL_".len()..].to_lowercase().replace("__", ".");
            if known.contains(&path) {
                let parsed: figment::value::Value = value
                    .parse()
                    .unwrap_or_else(|e: std::convert::Infallible| match e {});
                figment = figment.merge(Serialized::global(&path, parsed));
            }
        }
        let config: Config = figment
            .extract()
            .map_err(|e| format!("invalid configuration: {e}"))?;
        Ok((config, warnings))
    }

    /// Applies a setting by its dotted key (used for command-line flags).
    pub fn with(self, key: &str, value: impl Serialize) -> Result<Config, String> {
        Figment::from(Serialized::defaults(self))
            .merge(Serialized::global(key, value))
            .extract()
            .map_err(|e| format!("invalid value for {key}: {e}"))
    }
}

/// Every leaf key of the configuration, dotted (`database.url`).
fn known_keys() -> Vec<String> {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    let mut out = Vec::new();
    walk(
        "",
        &serde_json::to_value(Config::default()).unwrap_or_default(),
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn environment_beats_the_file_and_the_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outdial.toml");
        std::fs::write(
            &path,
            "[server]\nbind = \"0.0.0.0:8080\"\n[auth]\nopen_signup = true\n",
        )
        .unwrap();
        let (config, warnings) = Config::load(
            Some(&path),
            &env(&[
                ("OUTDIAL_SERVER__BIND", "127.0.0.1:9000"),
                ("HOME", "/root"),
            ]),
        )
        .unwrap();
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:9000");
        assert!(config.auth.open_signup);
        assert_eq!(config.database.max_connections, 10);
        assert!(warnings.is_empty());
    }

    #[test]
    fn unknown_outdial_variables_are_warned_about() {
        let (_, warnings) = Config::load(
            None,
            &env(&[("OUTDIAL_DATABSE__URL", "x"), ("OUTDIAL_CONFIG", "y")]),
        )
        .unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("OUTDIAL_DATABSE__URL"));
        assert!(warnings[0].contains("OUTDIAL_DATABASE__URL"));
    }

    #[test]
    fn secrets_never_print() {
        let config = Config::default()
            .with("database.url", "postgres://u:hunter2@h/db")
            .unwrap();
        assert_eq!(config.database.url.expose(), "postgres://u:hunter2@h/db");
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn bad_values_and_unknown_file_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outdial.toml");
        std::fs::write(&path, "[server]\nbnd = \"x\"\n").unwrap();
        assert!(Config::load(Some(&path), &[]).unwrap_err().contains("bnd"));
        assert!(Config::load(None, &env(&[("OUTDIAL_SERVER__BIND", "nonsense")])).is_err());
        assert!(Config::load(Some(Path::new("/nope.toml")), &[]).is_err());
    }

    #[test]
    fn the_example_file_parses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("example.toml");
        std::fs::write(&path, EXAMPLE_TOML).unwrap();
        Config::load(Some(&path), &[]).unwrap();
    }
}
