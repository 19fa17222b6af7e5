//! Limits login attempts per email and per client address within a window. Each attempt is
//! reserved in the database before its password is checked (see
//! [`outdial_storage::login_limits`]), so guesses sent at once, or spread over instances sharing
//! the database, are counted one by one: no more than the limit are ever checked per window.

use crate::error::AppError;
use outdial_storage::{Conn, login_limits};

/// The limits: attempts per email (4× that per address) within a window.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    max_per_email: i64,
    max_per_address: i64,
    window_ms: i64,
}

/// A reserved attempt: counts as a failure unless [`LoginLimiter::succeeded`] gives it back.
#[must_use = "a reserved attempt counts as a failure unless given back on success"]
pub struct Attempt {
    keys: [String; 2],
}

impl LoginLimiter {
    /// `max_failures` per email (4× per address) within `window_secs`.
    pub fn new(max_failures: u32, window_secs: u32) -> Self {
        let max = i64::from(max_failures.max(1));
        LoginLimiter {
            max_per_email: max,
            max_per_address: max * 4,
            window_ms: i64::from(window_secs) * 1000,
        }
    }

    fn keys(email: &str, address: &str) -> [String; 2] {
        [
            format!("email:{}", email.trim().to_lowercase()),
            format!("addr:{address}"),
        ]
    }

    /// Reserves an attempt for this email and address, or answers 429 with the seconds until
    /// the window ends when either is at its limit (a refused attempt is not counted).
    pub async fn reserve(
        &self,
        conn: &mut Conn,
        email: &str,
        address: &str,
        now: i64,
    ) -> Result<Attempt, AppError> {
        let keys = Self::keys(email, address);
        let mut wait = 0i64;
        for (key, max) in keys.iter().zip([self.max_per_email, self.max_per_address]) {
            let r = login_limits::reserve(conn, key, now, self.window_ms).await?;
            if r.attempts > max {
                wait = wait.max(r.window_started_at + self.window_ms - now);
            }
        }
        if wait > 0 {
            for key in &keys {
                login_limits::release(conn, key).await?;
            }
            return Err(AppError::TooManyRequests {
                retry_after_secs: ((wait + 999) / 1000) as u64,
            });
        }
        Ok(Attempt { keys })
    }

    /// The attempt's password was right: it gives its place back, and windows that ended are
    /// forgotten.
    pub async fn succeeded(
        &self,
        conn: &mut Conn,
        attempt: Attempt,
        now: i64,
    ) -> Result<(), AppError> {
        for key in &attempt.keys {
            login_limits::release(conn, key).await?;
        }
        login_limits::purge(conn, now - self.window_ms).await?;
        Ok(())
    }
}
