//! Twilio's REST API (2010-04-01) over HTTP: create, update and fetch calls; list the account's
//! numbers; fetch recordings.

use crate::carrier::{
    CallInfo, CallUpdate, Carrier, CarrierError, CarrierFuture, Credentials, ErrorKind, NewCall,
    OwnedNumber, RecordingMedia, is_recording_sid,
};
use crate::form::{create_call_form, update_call_form};
use outdial_domain::call::{AnsweredBy, CallSid, CallStatus};
use serde::Deserialize;
use std::time::Duration;

/// Twilio's API host. Regions and edges use others (`api.dublin.ie1.twilio.com`).
pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";

/// How requests that failed for a passing reason are retried.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// Wait before the second try; doubled each time after, capped at `max_delay`.
    pub first_delay: Duration,
    /// Longest wait between tries (also caps a `Retry-After`).
    pub max_delay: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            attempts: 4,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
        }
    }
}

/// The Twilio REST client.
#[derive(Debug, Clone)]
pub struct TwilioClient {
    http: reqwest::Client,
    base_url: String,
    backoff: Backoff,
}

/// Which requests may be sent again after a server error. A call creation that got a 500 may
/// have created the call: sending it again could ring the person twice, so only answers that
/// say nothing was done (429, 503) are retried for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    OnlyIfNotProcessed,
    Safe,
}

impl TwilioClient {
    /// A client for the API at `base_url` (no trailing slash needed).
    pub fn new(base_url: &str) -> TwilioClient {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("outdial/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend is compiled in");
        TwilioClient {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            backoff: Backoff::default(),
        }
    }

    /// The same client with another retry schedule (tests use short waits).
    pub fn with_backoff(mut self, backoff: Backoff) -> TwilioClient {
        self.backoff = backoff;
        self
    }

    /// The API base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn calls_url(&self, creds: &Credentials) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Calls.json",
            self.base_url, creds.account_sid
        )
    }

    fn call_url(&self, creds: &Credentials, sid: &str) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Calls/{sid}.json",
            self.base_url, creds.account_sid
        )
    }

    /// Sends a request built by `build` until it succeeds, fails for good, or runs out of tries.
    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        creds: &Credentials,
        replay: Replay,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, CarrierError> {
        let mut delay = self.backoff.first_delay;
        let mut attempt = 1;
        loop {
            let result = build()
                .basic_auth(&creds.account_sid, Some(&creds.auth_token))
                .send()
                .await;
            let (error, retry_after) = match result {
                Ok(resp) if resp.status().is_success() => {
                    return resp.json().await.map_err(|e| CarrierError {
                        kind: ErrorKind::Unavailable,
                        http_status: None,
                        code: None,
                        message: format!("Twilio's answer could not be read: {e}"),
                    });
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let text = resp.text().await.unwrap_or_default();
                    (error_from(status, &text), retry_after)
                }
                Err(e) => {
                    // Nothing reached Twilio if the connection never opened.
                    let not_sent = e.is_connect();
                    let error = CarrierError {
                        kind: ErrorKind::Unavailable,
                        http_status: None,
                        code: None,
                        message: format!("Twilio could not be reached: {e}"),
                    };
                    if !not_sent && replay == Replay::OnlyIfNotProcessed {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            let retryable = match error.kind {
                ErrorKind::RateLimited => true,
                ErrorKind::Unavailable => {
                    replay == Replay::Safe
                        || error.http_status.is_none()
                        || error.http_status == Some(503)
                }
                _ => false,
            };
            if !retryable || attempt >= self.backoff.attempts {
                return Err(error);
            }
            let wait = retry_after.unwrap_or(delay).min(self.backoff.max_delay);
            tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, error = %error, "Twilio request failed; retrying");
            tokio::time::sleep(wait).await;
            delay = (delay * 2).min(self.backoff.max_delay);
            attempt += 1;
        }
    }
}

impl Carrier for TwilioClient {
    fn create_call<'a>(
        &'a self,
        creds: &'a Credentials,
        call: &'a NewCall,
    ) -> CarrierFuture<'a, CallInfo> {
        Box::pin(async move {
            let url = self.calls_url(creds);
            let form = create_call_form(call);
            self.send::<CallResource>(creds, Replay::OnlyIfNotProcessed, || {
                self.http.post(&url).form(&form)
            })
            .await?
            .into_info()
        })
    }

    fn update_call<'a>(
        &'a self,
        creds: &'a Credentials,
        sid: &'a CallSid,
        update: &'a CallUpdate,
    ) -> CarrierFuture<'a, CallInfo> {
        Box::pin(async move {
            let url = self.call_url(creds, sid.as_str());
            let form = update_call_form(update);
            self.send::<CallResource>(creds, Replay::Safe, || self.http.post(&url).form(&form))
                .await?
                .into_info()
        })
    }

    fn fetch_call<'a>(
        &'a self,
        creds: &'a Credentials,
        sid: &'a CallSid,
    ) -> CarrierFuture<'a, CallInfo> {
        Box::pin(async move {
            let url = self.call_url(creds, sid.as_str());
            self.send::<CallResource>(creds, Replay::Safe, || self.http.get(&url))
                .await?
                .into_info()
        })
    }

    fn find_calls<'a>(
        &'a self,
        creds: &'a Credentials,
        to: &'a str,
        from: &'a str,
    ) -> CarrierFuture<'a, Vec<CallInfo>> {
        Box::pin(async move {
            let url = self.calls_url(creds);
            let query = [("To", to), ("From", from), ("PageSize", "50")];
            let page: CallPage = self
                .send(creds, Replay::Safe, || self.http.get(&url).query(&query))
                .await?;
            page.calls
                .into_iter()
                .map(CallResource::into_info)
                .collect()
        })
    }

    fn list_numbers<'a>(&'a self, creds: &'a Credentials) -> CarrierFuture<'a, Vec<OwnedNumber>> {
        Box::pin(async move {
            let mut url = format!(
                "{}/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json?PageSize=1000",
                self.base_url, creds.account_sid
            );
            let mut numbers = Vec::new();
            // 20 pages of 1,000 is more numbers than any account dialing from this has.
            for _ in 0..20 {
                let page: NumberPage = self
                    .send(creds, Replay::Safe, || self.http.get(&url))
                    .await?;
                numbers.extend(page.incoming_phone_numbers.into_iter().filter_map(|n| {
                    Some(OwnedNumber {
                        phone_number: n.phone_number?,
                        friendly_name: n.friendly_name.unwrap_or_default(),
                        voice: n.capabilities.and_then(|c| c.voice).unwrap_or(true),
                    })
                }));
                match page.next_page_uri {
                    Some(next) if next.starts_with('/') => url = format!("{}{next}", self.base_url),
                    _ => break,
                }
            }
            Ok(numbers)
        })
    }

    fn delete_recording<'a>(
        &'a self,
        creds: &'a Credentials,
        recording_sid: &'a str,
    ) -> CarrierFuture<'a, ()> {
        Box::pin(async move {
            if !is_recording_sid(recording_sid) {
                return Err(CarrierError {
                    kind: ErrorKind::NotFound,
                    http_status: None,
                    code: None,
                    message: format!("'{recording_sid}' is not a recording id"),
                });
            }
            let url = format!(
                "{}/2010-04-01/Accounts/{}/Recordings/{recording_sid}.json",
                self.base_url, creds.account_sid
            );
            let resp = self
                .http
                .delete(&url)
                .basic_auth(&creds.account_sid, Some(&creds.auth_token))
                .send()
                .await
                .map_err(|e| CarrierError {
                    kind: ErrorKind::Unavailable,
                    http_status: None,
                    code: None,
                    message: format!("Twilio could not be reached: {e}"),
                })?;
            let status = resp.status().as_u16();
            if resp.status().is_success() {
                return Ok(());
            }
            let text = resp.text().await.unwrap_or_default();
            Err(error_from(status, &text))
        })
    }

    fn fetch_recording<'a>(
        &'a self,
        creds: &'a Credentials,
        recording_sid: &'a str,
        range: Option<&'a str>,
    ) -> CarrierFuture<'a, RecordingMedia> {
        Box::pin(async move {
            if !is_recording_sid(recording_sid) {
                return Err(CarrierError {
                    kind: ErrorKind::NotFound,
                    http_status: None,
                    code: None,
                    message: format!("'{recording_sid}' is not a recording id"),
                });
            }
            let url = format!(
                "{}/2010-04-01/Accounts/{}/Recordings/{recording_sid}.mp3",
                self.base_url, creds.account_sid
            );
            let mut request = self
                .http
                .get(&url)
                .basic_auth(&creds.account_sid, Some(&creds.auth_token));
            if let Some(range) = range {
                request = request.header(reqwest::header::RANGE, range);
            }
            let resp = request.send().await.map_err(|e| CarrierError {
                kind: ErrorKind::Unavailable,
                http_status: None,
                code: None,
                message: format!("Twilio could not be reached: {e}"),
            })?;
            let status = resp.status().as_u16();
            if !resp.status().is_success() {
                let text = resp.text().await.unwrap_or_default();
                return Err(error_from(status, &text));
            }
            let header = |name: reqwest::header::HeaderName| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type =
                header(reqwest::header::CONTENT_TYPE).unwrap_or_else(|| "audio/mpeg".into());
            let content_range = header(reqwest::header::CONTENT_RANGE);
            let content_length = resp.content_length();
            let body = futures_util::stream::unfold(Some(resp), |resp| async move {
                let mut resp = resp?;
                match resp.chunk().await {
                    Ok(Some(bytes)) => Some((Ok(bytes), Some(resp))),
                    Ok(None) => None,
                    Err(e) => Some((
                        Err(CarrierError {
                            kind: ErrorKind::Unavailable,
                            http_status: None,
                            code: None,
                            message: format!("the recording stopped arriving: {e}"),
                        }),
                        None,
                    )),
                }
            });
            Ok(RecordingMedia {
                status,
                content_type,
                content_length,
                content_range,
                body: Box::pin(body),
            })
        })
    }
}

/// A page of the account's phone numbers.
#[derive(Debug, Deserialize)]
struct NumberPage {
    #[serde(default)]
    incoming_phone_numbers: Vec<NumberResource>,
    #[serde(default)]
    next_page_uri: Option<String>,
}

/// A phone number as Twilio returns it (the fields Outdial reads).
#[derive(Debug, Deserialize)]
struct NumberResource {
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    friendly_name: Option<String>,
    #[serde(default)]
    capabilities: Option<Capabilities>,
}

#[derive(Debug, Deserialize)]
struct Capabilities {
    #[serde(default)]
    voice: Option<bool>,
}

/// A page of Twilio's call list.
#[derive(Debug, Deserialize)]
struct CallPage {
    calls: Vec<CallResource>,
}

/// A call resource as Twilio returns it (the fields Outdial reads).
#[derive(Debug, Deserialize)]
struct CallResource {
    sid: String,
    status: String,
    #[serde(default)]
    duration: Option<serde_json::Value>,
    #[serde(default)]
    price: Option<serde_json::Value>,
    #[serde(default)]
    price_unit: Option<String>,
    #[serde(default)]
    answered_by: Option<String>,
}

impl CallResource {
    fn into_info(self) -> Result<CallInfo, CarrierError> {
        let status = CallStatus::parse(&self.status).ok_or_else(|| CarrierError {
            kind: ErrorKind::Unavailable,
            http_status: None,
            code: None,
            message: format!(
                "Twilio answered with an unknown call status '{}'",
                self.status
            ),
        })?;
        // Twilio sends numbers as strings, or null.
        let text = |v: Option<serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let sid = CallSid::parse(&self.sid).map_err(|e| CarrierError {
            kind: ErrorKind::Unavailable,
            http_status: None,
            code: None,
            message: format!("Twilio answered with {e}"),
        })?;
        Ok(CallInfo {
            sid,
            status,
            duration_seconds: text(self.duration).and_then(|d| d.parse().ok()),
            price: text(self.price),
            price_unit: self.price_unit,
            answered_by: self.answered_by.as_deref().and_then(AnsweredBy::parse),
        })
    }
}

/// Twilio's error body.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

/// Classifies an error answer, keeping Twilio's code and message.
fn error_from(status: u16, body: &str) -> CarrierError {
    let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
    let code = parsed.as_ref().and_then(|b| b.code);
    let message = parsed.and_then(|b| b.message).unwrap_or_else(|| {
        let body: String = body.trim().chars().take(300).collect();
        if body.is_empty() {
            format!("Twilio answered HTTP {status}")
        } else {
            format!("Twilio answered HTTP {status}: {body}")
        }
    });
    let kind = match (status, code) {
        (_, Some(21211)) => ErrorKind::InvalidNumber,
        (401, _) | (_, Some(20003)) => ErrorKind::Authentication,
        (429, _) | (_, Some(20429)) => ErrorKind::RateLimited,
        (404, _) => ErrorKind::NotFound,
        (500..=599, _) => ErrorKind::Unavailable,
        _ => ErrorKind::Rejected,
    };
    CarrierError {
        kind,
        http_status: Some(status),
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_twilios_code_and_say_what_to_do() {
        let e = error_from(
            400,
            r#"{"code":21211,"message":"The 'To' number +1555 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"#,
        );
        assert_eq!(e.kind, ErrorKind::InvalidNumber);
        assert_eq!(e.code, Some(21211));
        assert!(e.to_string().contains("Twilio error 21211"));
        assert_eq!(
            error_from(401, r#"{"code":20003,"message":"Authenticate"}"#).kind,
            ErrorKind::Authentication
        );
        assert_eq!(error_from(429, "").kind, ErrorKind::RateLimited);
        assert_eq!(
            error_from(400, r#"{"code":20429,"message":"Too Many Requests"}"#).kind,
            ErrorKind::RateLimited
        );
        assert_eq!(error_from(502, "<html>").kind, ErrorKind::Unavailable);
        assert_eq!(
            error_from(400, r#"{"code":21215,"message":"Geo permission"}"#).kind,
            ErrorKind::Rejected
        );
    }
}
