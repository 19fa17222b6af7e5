//! The engine's rules, driven step by step: a dialer turn (`turn::take`), a carrier report
//! (`apply_status`), on a fresh database (SQLite, or PostgreSQL when
//! `OUTDIAL_TEST_POSTGRES_URL` is set) and at moments the test names. No HTTP, no carrier, no
//! sleeps: what did not happen is proved by a turn that placed nothing.

mod harness;
mod reports;
mod screen;
mod turns;
