//! Outdial's server: the REST API with authentication, campaigns, leads, imports and
//! do-not-call lists, calls through Twilio (or its simulator) and their webhooks; OpenAPI docs;
//! health and metrics; configuration and start-up.

pub mod auth;
pub mod clock;
pub mod config;
pub mod demo;
pub mod dialer;
pub mod error;
pub mod events;
pub mod expiring;
pub mod http;
pub mod startup;
pub mod state;
pub mod telephony;
pub mod transfer;
pub mod ui;

pub use config::Config;
pub use startup::Application;
