//! The carrier interface: what Outdial asks of a telephone network (place a call, change or end
//! it, look it up) and the errors it acts on. [`crate::TwilioClient`] implements it over Twilio's
//! REST API; the simulator serves the same API, so there is one implementation.

use outdial_domain::call::{AnsweredBy, CallSid, CallStatus};
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so carriers can be used as trait objects.
pub type CarrierFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CarrierError>> + Send + 'a>>;

/// Account credentials. `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The account SID (`AC…`).
    pub account_sid: String,
    /// The Auth Token: authenticates REST calls and signs webhooks.
    pub auth_token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .finish()
    }
}

/// A call to place.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCall {
    /// The callee, E.164.
    pub to: String,
    /// Caller ID, E.164, a number of the account.
    pub from: String,
    /// The voice webhook fetched when the call is answered.
    pub url: String,
    /// Where status events (initiated, ringing, answered, completed) are posted.
    pub status_callback: String,
    /// Seconds to ring (at least 15).
    pub timeout_seconds: u32,
    /// Longest the call may last, in seconds.
    pub time_limit_seconds: Option<u32>,
    /// Answering-machine detection, reported asynchronously to the given URL.
    pub machine_detection: Option<Detection>,
    /// Record the call, with recording events posted to this URL.
    pub recording_callback: Option<String>,
}

/// Asynchronous answering-machine detection for a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Wait for the end of a machine's greeting (needed to leave a voicemail).
    pub detect_message_end: bool,
    /// Seconds detection may take.
    pub timeout_seconds: u32,
    /// Where the result is posted while the call goes on (asynchronous detection); `None`
    /// for synchronous detection: the carrier requests the voice URL only once it knows,
    /// with `AnsweredBy`, so the first thing a machine hears can be chosen for a machine.
    pub callback: Option<String>,
}

/// A call as the carrier knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallInfo {
    /// The carrier's id (`CA…`).
    pub sid: CallSid,
    /// Its status.
    pub status: CallStatus,
    /// Talk seconds, once ended.
    pub duration_seconds: Option<i64>,
    /// What it cost (negative, Twilio's sign), once known.
    pub price: Option<String>,
    /// The price's currency.
    pub price_unit: Option<String>,
    /// Who answered, if detected.
    pub answered_by: Option<AnsweredBy>,
}

/// A phone number the account owns: what campaigns may call from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedNumber {
    /// The number, E.164.
    pub phone_number: String,
    /// The name given to it in the carrier's console.
    pub friendly_name: String,
    /// Whether it can make voice calls.
    pub voice: bool,
}

/// A recording's audio, as it arrives from the carrier.
pub struct RecordingMedia {
    /// 200, or 206 for the part a `Range` asked for.
    pub status: u16,
    /// `audio/mpeg`, `audio/x-wav`…
    pub content_type: String,
    /// Bytes in the body, when the carrier said.
    pub content_length: Option<u64>,
    /// The part sent, for a 206 (`bytes 0-99/1000`).
    pub content_range: Option<String>,
    /// The bytes, as they arrive.
    pub body: MediaStream,
}

/// The audio bytes of a recording, as they arrive.
pub type MediaStream =
    Pin<Box<dyn futures_util::Stream<Item = Result<bytes::Bytes, CarrierError>> + Send>>;

impl std::fmt::Debug for RecordingMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingMedia")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// Whether `sid` is a recording id: `RE` and 32 hexadecimal characters. Checked before it is
/// put into a URL.
pub fn is_recording_sid(sid: &str) -> bool {
    sid.len() == 34 && sid.starts_with("RE") && sid[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A change to a call in progress.
#[derive(Debug, Clone, PartialEq)]
pub enum CallUpdate {
    /// Hang up (or cancel, if not yet answered).
    Hangup,
    /// Cancel a call still queued or ringing (`Status=canceled`); no effect once answered.
    Cancel,
    /// Fetch new instructions from this URL.
    Redirect(String),
}

/// What went wrong talking to the carrier. Keeps the carrier's own code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct CarrierError {
    /// What kind of failure, which says what to do about it.
    pub kind: ErrorKind,
    /// HTTP status, when there was an answer.
    pub http_status: Option<u16>,
    /// The carrier's error code (Twilio's `code`, e.g. 21211).
    pub code: Option<i64>,
    /// The carrier's message, or what failed.
    pub message: String,
}

/// Kinds of carrier failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The number cannot be called (Twilio 21211): mark the lead invalid, never retry.
    InvalidNumber,
    /// The credentials were refused (HTTP 401, Twilio 20003): pause the campaign until fixed.
    Authentication,
    /// Too many requests, still after retries: try later.
    RateLimited,
    /// The carrier failed or could not be reached, still after retries: try later. For a
    /// call creation, the call may or may not exist.
    Unavailable,
    /// Any other refusal (bad caller ID, geographic permissions…): the message says why.
    Rejected,
    /// No call with that id.
    NotFound,
}

impl CarrierError {
    fn describe(&self) -> String {
        match self.code {
            Some(code) => format!("Twilio error {code}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// Whether trying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, ErrorKind::RateLimited | ErrorKind::Unavailable)
    }
}

/// A telephone network.
pub trait Carrier: Send + Sync {
    /// Places a call; answers once the carrier accepted it (it may be queued).
    fn create_call<'a>(
        &'a self,
        creds: &'a Credentials,
        call: &'a NewCall,
    ) -> CarrierFuture<'a, CallInfo>;

    /// Changes a call in progress.
    fn update_call<'a>(
        &'a self,
        creds: &'a Credentials,
        sid: &'a CallSid,
        update: &'a CallUpdate,
    ) -> CarrierFuture<'a, CallInfo>;

    /// Reads a call.
    fn fetch_call<'a>(
        &'a self,
        creds: &'a Credentials,
        sid: &'a CallSid,
    ) -> CarrierFuture<'a, CallInfo>;

    /// The most recent calls (up to 50, newest first) from `from` to `to`: how a call created
    /// at the carrier but never recorded (a crash, a lost answer) is found again.
    fn find_calls<'a>(
        &'a self,
        creds: &'a Credentials,
        to: &'a str,
        from: &'a str,
    ) -> CarrierFuture<'a, Vec<CallInfo>>;

    /// The account's phone numbers, every page.
    fn list_numbers<'a>(&'a self, creds: &'a Credentials) -> CarrierFuture<'a, Vec<OwnedNumber>>;

    /// A recording's audio as MP3, or the part `range` (an HTTP `Range` value) asks for.
    fn fetch_recording<'a>(
        &'a self,
        creds: &'a Credentials,
        recording_sid: &'a str,
        range: Option<&'a str>,
    ) -> CarrierFuture<'a, RecordingMedia>;

    /// Deletes a recording for good (`NotFound` when the carrier no longer has it).
    fn delete_recording<'a>(
        &'a self,
        creds: &'a Credentials,
        recording_sid: &'a str,
    ) -> CarrierFuture<'a, ()>;
}
