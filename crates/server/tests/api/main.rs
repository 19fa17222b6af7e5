//! The API, end to end: the real application on a random port, a fresh database per test
//! (SQLite, or PostgreSQL when `OUTDIAL_TEST_POSTGRES_URL` is set), a clock the test moves.

mod agent_calls;
mod agents;
mod audio;
mod auth;
mod calendars;
mod call_backs;
mod calls;
mod campaigns;
mod conversations;
mod dialer;
mod dialogflow;
mod dnc;
mod helpers;
mod imports;
mod input;
mod leads;
mod live;
mod operations;
mod reminders;
mod talks;
mod tenancy;
mod transfers;
mod ui;
mod understand;
mod users;
