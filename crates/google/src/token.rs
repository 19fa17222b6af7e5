//! A service account's access tokens: a JWT (RS256, signed with the account's key) naming the
//! account, the scope, the token endpoint and an hour's lifetime, exchanged at the endpoint for
//! a bearer token, which is kept and reused until a minute before it lapses.

use crate::{GoogleError, ServiceAccount};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a signed request for a token is valid, seconds (Google's most).
const LIFETIME: i64 = 3600;
/// A token is got anew this long before it lapses, seconds.
const MARGIN: i64 = 60;

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct Granted {
    access_token: String,
    expires_in: Option<i64>,
}

struct Held {
    token: String,
    until: i64,
}

/// The access tokens got so far, by account and scope.
#[derive(Default)]
pub struct Tokens {
    held: Mutex<HashMap<String, Held>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.held.lock().map(|h| h.len()).unwrap_or(0);
        f.debug_struct("Tokens").field("held", &n).finish()
    }
}

impl Tokens {
    /// No tokens yet.
    pub fn new() -> Tokens {
        Tokens::default()
    }

    /// A bearer token of `account` for `scope` at `now` (epoch seconds): the one held, or a new
    /// one from the account's token endpoint over `http`.
    pub async fn get(
        &self,
        http: &reqwest::Client,
        account: &ServiceAccount,
        scope: &str,
        now: i64,
    ) -> Result<String, GoogleError> {
        let key = format!(
            "{}\n{}\n{}\n{}",
            account.client_email, account.private_key_id, account.token_uri, scope
        );
        if let Some(h) = self.lock().get(&key).filter(|h| h.until - MARGIN > now) {
            return Ok(h.token.clone());
        }
        let (token, until) = exchange(http, account, scope, now).await?;
        let mut held = self.lock();
        held.retain(|_, h| h.until - MARGIN > now);
        held.insert(
            key,
            Held {
                token: token.clone(),
                until,
            },
        );
        Ok(token)
    }

    /// Forgets the tokens of `account` (its key was replaced or refused).
    pub fn forget(&self, account: &ServiceAccount) {
        let prefix = format!("{}\n", account.client_email);
        self.lock().retain(|k, _| !k.starts_with(&prefix));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The signed assertion for `account` and `scope` at `now`.
pub(crate) fn assertion(
    account: &ServiceAccount,
    scope: &str,
    now: i64,
) -> Result<String, GoogleError> {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(account.private_key_id.clone()).filter(|k| !k.is_empty());
    let claims = Claims {
        iss: &account.client_email,
        scope,
        aud: &account.token_uri,
        iat: now,
        exp: now + LIFETIME,
    };
    jsonwebtoken::encode(&header, &claims, &account.signing_key()?)
        .map_err(|e| GoogleError::BadKey(format!("it could not sign: {e}")))
}

/// One exchange at the token endpoint: the token and when it lapses (epoch seconds).
async fn exchange(
    http: &reqwest::Client,
    account: &ServiceAccount,
    scope: &str,
    now: i64,
) -> Result<(String, i64), GoogleError> {
    let jwt = assertion(account, scope, now)?;
    let response = http
        .post(&account.token_uri)
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", jwt.as_str()),
        ])
        .send()
        .await
        .map_err(|e| GoogleError::transport(&e))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| GoogleError::transport(&e))?;
    if !status.is_success() {
        return Err(GoogleError::TokenRefused {
            status: status.as_u16(),
            message: GoogleError::message_of(&body),
        });
    }
    let granted: Granted = serde_json::from_str(&body)
        .map_err(|e| GoogleError::BadAnswer(format!("no access token in the answer ({e})")))?;
    if granted.access_token.is_empty() {
        return Err(GoogleError::BadAnswer("an empty access token".into()));
    }
    let lasts = granted
        .expires_in
        .unwrap_or(LIFETIME)
        .clamp(MARGIN + 1, LIFETIME);
    Ok((granted.access_token, now + lasts))
}
