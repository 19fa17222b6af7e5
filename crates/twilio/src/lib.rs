//! Twilio Programmable Voice for Outdial: the carrier interface and its REST implementation,
//! webhook signatures, webhook form fields, and a typed TwiML builder.

pub mod carrier;
mod client;
mod form;
pub mod signature;
pub mod twiml;
pub mod webhook;

pub use carrier::{
    CallInfo, CallUpdate, Carrier, CarrierError, Credentials, Detection, ErrorKind, MediaStream,
    NewCall, OwnedNumber, RecordingMedia, is_recording_sid,
};
pub use client::{Backoff, DEFAULT_BASE_URL, TwilioClient};
pub use form::{create_call_form, update_call_form};
