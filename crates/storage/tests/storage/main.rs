//! Storage behaviour, run against SQLite by default and against PostgreSQL when
//! `OUTDIAL_TEST_POSTGRES_URL` is set. Every test gets its own fresh database.

mod appointments;
mod calls;
mod campaigns;
mod conversations;
mod dialing;
mod dnc;
mod helpers;
mod imports;
mod leads;
mod moves;
mod sqlite;
mod users;
