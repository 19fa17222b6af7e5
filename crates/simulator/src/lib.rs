//! A Twilio stand-in for trying and testing Outdial with no Twilio account. It serves Twilio's
//! call REST API (create, update, fetch) on loopback, so Outdial's real Twilio client talks to
//! it; queues calls over its calls-per-second limit; and plays each call out over real HTTP
//! against the call's webhooks, signed with the account's token: status events, the voice URL,
//! asynchronous answering-machine detection, `<Gather>` keypresses, `<Dial>` legs, recordings
//! (served as audio), and the account's phone numbers.

mod api;
mod conference;
mod config;
mod player;
mod recordings;
mod rest;
mod twiml;
mod webhook;

pub use config::{AgentAct, AgentSim, OutcomeWeights, PersonaWeights, SimConfig};

use outdial_twilio::Credentials;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// A running simulator.
#[derive(Clone)]
pub struct Simulator {
    base_url: String,
    account: Credentials,
    shared: Arc<Shared>,
}

/// What the REST API and the call players share.
/// A change requested through the REST API while the call plays.
#[derive(Debug, Clone)]
pub(crate) enum Control {
    Hangup,
    Redirect(String),
    /// The conference this call waits in has started.
    RoomStarted,
    /// The conference this call is in has ended.
    RoomEnded,
}

pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) account: Credentials,
    pub(crate) calls: Mutex<HashMap<String, CallState>>,
    pub(crate) started: Mutex<u64>,
    /// Makes this instance's call ids its own: Twilio never hands out one twice, and a
    /// restarted simulator with the same seed must not either.
    pub(crate) sid_prefix: u64,
    pub(crate) queue: mpsc::UnboundedSender<String>,
    pub(crate) http: reqwest::Client,
    /// Numbers played as agents' phones.
    pub(crate) agent_numbers: Mutex<std::collections::HashSet<String>>,
    /// Conferences in progress, by name.
    pub(crate) rooms: Mutex<HashMap<String, conference::Room>>,
    /// Recordings made, by id: their length in seconds.
    pub(crate) recordings: Mutex<HashMap<String, u64>>,
    /// Every `<Play>` fetched: the URL, the HTTP status and the bytes received.
    pub(crate) played: Mutex<Vec<Played>>,
}

/// One `<Play>` the simulator fetched, as Twilio fetches the file before playing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Played {
    /// The file's URL.
    pub url: String,
    /// The HTTP status it answered (0: unreachable).
    pub status: u16,
    /// Bytes received.
    pub bytes: usize,
    /// Its `Content-Type`.
    pub content_type: String,
}

/// A simulated call as the REST API reports it.
#[derive(Debug, Clone)]
pub(crate) struct CallState {
    pub(crate) sid: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) status: &'static str,
    pub(crate) duration: Option<u64>,
    /// When it ended (real time): its price appears `price_delay_seconds` later.
    pub(crate) ended: Option<std::time::Instant>,
    pub(crate) answered_by: Option<&'static str>,
    pub(crate) index: u64,
    pub(crate) control: Option<mpsc::UnboundedSender<Control>>,
}

impl CallState {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Simulator {
    /// Starts a simulator listening on `bind` (port 0 picks a free one) that accepts requests
    /// for `account` only.
    pub async fn start(
        config: SimConfig,
        bind: SocketAddr,
        account: Credentials,
    ) -> std::io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let (queue, queued) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            config: config.clone(),
            account: account.clone(),
            calls: Mutex::new(HashMap::new()),
            started: Mutex::new(0),
            sid_prefix: rand::random(),
            agent_numbers: Mutex::new(config.agents.numbers.iter().cloned().collect()),
            rooms: Mutex::new(HashMap::new()),
            recordings: Mutex::new(HashMap::new()),
            played: Mutex::new(Vec::new()),
            queue,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .map_err(std::io::Error::other)?,
        });
        tokio::spawn(player::dispatch(shared.clone(), queued));
        let app = api::router(shared.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "the Twilio simulator stopped");
            }
        });
        tracing::info!(%addr, "Twilio simulator listening");
        Ok(Simulator {
            base_url: format!("http://{addr}"),
            account,
            shared,
        })
    }

    /// The base URL to point a Twilio client at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Plays calls to `number` as an agent's phone from now on.
    pub fn add_agent_number(&self, number: &str) {
        self.shared
            .agent_numbers
            .lock()
            .expect("agents lock")
            .insert(number.to_string());
    }

    /// Every `<Play>` fetched so far, in order.
    pub fn played(&self) -> Vec<Played> {
        self.shared.played.lock().expect("played lock").clone()
    }

    /// The account it accepts.
    pub fn account(&self) -> &Credentials {
        &self.account
    }
}
