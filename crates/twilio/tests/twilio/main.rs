//! The Twilio crate against Twilio's own signature vectors, an XML parser, and a Twilio API
//! faked as a real HTTP server on loopback.

mod client;
mod prism;
mod signature;
mod twiml;
