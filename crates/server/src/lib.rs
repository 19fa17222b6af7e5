//! Outdial's HTTP layer and start-up: the REST API with authentication, campaigns, leads,
//! imports and do-not-call lists; the carrier's webhooks; WebSockets for live pages and the
//! agent console; the web UI; OpenAPI docs; health and metrics; configuration. Handlers parse,
//! call the engine (`outdial-engine`: dialer, telephony, transfers, events) or storage, and
//! answer.

pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod expiring;
pub mod http;
pub mod outbound;
pub mod startup;
pub mod state;
pub mod ui;

pub use config::Config;
pub use startup::Application;
