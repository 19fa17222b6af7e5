//! Calls through the carrier: which account a tenant's calls use, placing calls, following
//! them through their webhooks, and the voice flows callers hear.

pub mod answer;
pub mod control;
pub mod converse;
pub mod events;
pub mod flows;
pub mod media;
pub mod place;
pub mod prices;
pub mod queue;
pub mod scheduled;
pub mod screen;

use crate::config::TwilioConfig;
use crate::error::EngineError;
use outdial_domain::CallId;
use outdial_domain::TenantId;
use outdial_storage::{Conn, Store, carrier_accounts};
use outdial_twilio::signature::Algorithm;
use outdial_twilio::{Carrier, Credentials, TwilioClient};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a looked-up account is reused.
pub const ACCOUNT_CACHE_TTL: Duration = Duration::from_secs(10);

/// Where a tenant's account comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountSource {
    /// The tenant's own credentials.
    Tenant,
    /// The server's configured account.
    Server,
    /// The built-in simulator.
    Simulator,
}

/// The account a tenant's calls go through, with what its webhooks are checked against.
#[derive(Clone)]
pub struct Account {
    /// The carrier client.
    pub carrier: Arc<dyn Carrier>,
    /// Credentials for REST calls; the token also signs webhooks.
    pub creds: Credentials,
    /// The HMAC-SHA256 shared key, if the account signs webhooks with one.
    pub webhook_key: Option<String>,
    /// Where this account comes from.
    pub source: AccountSource,
}

impl Account {
    /// The key for a webhook signed with `algorithm`; `None` when this account has none.
    pub fn signing_key(&self, algorithm: Algorithm) -> Option<&[u8]> {
        match algorithm {
            Algorithm::Sha1 => Some(self.creds.auth_token.as_bytes()),
            Algorithm::Sha256 => self.webhook_key.as_deref().map(str::as_bytes),
        }
    }
}

/// The telephony set-up of this server.
pub struct Telephony {
    /// Accounts recently looked up, so a webhook's signature is checked without a query. An
    /// entry lives [`ACCOUNT_CACHE_TTL`]; this instance forgets it at once when the tenant
    /// changes its credentials, other instances within the TTL.
    cache: Mutex<HashMap<TenantId, (Instant, Account)>>,
    twilio: Arc<TwilioClient>,
    server: Option<(Credentials, Option<String>)>,
    simulator: Option<(Arc<TwilioClient>, Credentials)>,
    /// The built-in simulator, told which numbers are agents' phones so it plays them as agents.
    agent_phones: Option<AgentPhones>,
    public_base_url: String,
}

/// Tells the simulator that a number is an agent's phone.
pub type AgentPhones = Arc<dyn Fn(&str) + Send + Sync>;

/// The simulator running in this process, as the engine reaches it: through its REST API like
/// any carrier, plus one hint no carrier needs (which numbers are agents' phones, so it answers
/// them as an agent would). Keeps the engine free of the simulator's HTTP server.
#[derive(Clone)]
pub struct SimulatorLink {
    /// Where its Twilio-compatible REST API listens.
    pub base_url: String,
    /// The account it accepts.
    pub account: Credentials,
    /// Tells it a number is an agent's phone.
    pub agent_phones: AgentPhones,
}

impl Telephony {
    /// Set up from the configuration. `simulator` is the running simulator, started when the
    /// configuration holds no Twilio credentials. `public_base_url` is where the carrier reaches
    /// this server's webhooks.
    pub fn new(
        twilio: &TwilioConfig,
        simulator: Option<SimulatorLink>,
        public_base_url: String,
    ) -> Telephony {
        let server = match (
            twilio.account_sid.clone(),
            twilio.auth_token.expose().clone(),
        ) {
            (Some(account_sid), Some(auth_token)) => Some((
                Credentials {
                    account_sid,
                    auth_token,
                },
                twilio.webhook_key.expose().clone(),
            )),
            _ => None,
        };
        Telephony {
            cache: Mutex::new(HashMap::new()),
            twilio: Arc::new(TwilioClient::new(&twilio.api_base_url)),
            server,
            agent_phones: simulator.as_ref().map(|s| s.agent_phones.clone()),
            simulator: simulator.map(|s| (Arc::new(TwilioClient::new(&s.base_url)), s.account)),
            public_base_url: public_base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Whether the configuration names a Twilio account (if not, the simulator runs).
    pub fn has_server_account(twilio: &TwilioConfig) -> bool {
        twilio.account_sid.is_some() && twilio.auth_token.expose().is_some()
    }

    /// The account `tenant`'s calls use: its own, else the server's, else the simulator.
    pub async fn account_for(
        &self,
        store: &Store,
        tenant: TenantId,
    ) -> Result<Account, EngineError> {
        if let Some((at, account)) = self.cache.lock().expect("cache lock").get(&tenant)
            && at.elapsed() < ACCOUNT_CACHE_TTL
        {
            return Ok(account.clone());
        }
        let account = self.look_up(&mut *store.conn().await?, tenant).await?;
        self.cache
            .lock()
            .expect("cache lock")
            .insert(tenant, (Instant::now(), account.clone()));
        Ok(account)
    }

    /// Drops a tenant's cached account (after its credentials changed).
    pub fn forget(&self, tenant: TenantId) {
        self.cache.lock().expect("cache lock").remove(&tenant);
    }

    async fn look_up(&self, conn: &mut Conn, tenant: TenantId) -> Result<Account, EngineError> {
        if let Some(a) = carrier_accounts::get_for(conn, tenant).await? {
            return Ok(Account {
                carrier: self.twilio.clone(),
                creds: Credentials {
                    account_sid: a.account_sid,
                    auth_token: a.auth_token,
                },
                webhook_key: a.webhook_key,
                source: AccountSource::Tenant,
            });
        }
        if let Some((creds, key)) = &self.server {
            return Ok(Account {
                carrier: self.twilio.clone(),
                creds: creds.clone(),
                webhook_key: key.clone(),
                source: AccountSource::Server,
            });
        }
        if let Some((client, creds)) = &self.simulator {
            return Ok(Account {
                carrier: client.clone(),
                creds: creds.clone(),
                webhook_key: None,
                source: AccountSource::Simulator,
            });
        }
        Err(EngineError::Conflict(
            "no Twilio account is set: add one with PUT /api/v1/settings/twilio".into(),
        ))
    }

    /// The public URL of a webhook for a call. It names the tenant, so the signature can be
    /// checked before anything is read; Twilio signs the URL, so the tenant cannot be swapped.
    pub fn webhook_url(&self, hook: &str, tenant: TenantId, call: CallId) -> String {
        format!(
            "{}/twilio/{hook}?tenant={tenant}&call={call}",
            self.public_base_url
        )
    }

    /// Before an agent is called through `account`: the built-in simulator learns the number
    /// is an agent's phone (answers, listens to the whisper, presses a key). Real accounts need
    /// nothing.
    pub fn expect_agent(&self, account: &Account, phone: &str) {
        if account.source == AccountSource::Simulator
            && let Some(tell) = &self.agent_phones
        {
            tell(phone);
        }
    }

    /// The public base URL, as the carrier signs it.
    pub fn public_base_url(&self) -> &str {
        &self.public_base_url
    }
}
