//! Login attempts per key (an email, a client address) within a window, counted in the
//! database so that every instance sharing it limits together. An attempt is reserved before
//! its password is checked, in one statement, so guesses sent at once cannot all pass.

use crate::row::get;
use crate::{Conn, Result};

/// What a reservation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// Attempts in the current window, this one included.
    pub attempts: i64,
    /// When the current window started, epoch ms.
    pub window_started_at: i64,
}

/// Counts one more attempt for `key` (a new window once the last one is `window_ms` old) and
/// answers the count with this attempt in it. Atomic on both backends: the upsert locks the
/// key's row for its statement.
pub async fn reserve(conn: &mut Conn, key: &str, now: i64, window_ms: i64) -> Result<Reservation> {
    let row = sqlx::query(
        "INSERT INTO login_limits (key, attempts, window_started_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN login_limits.window_started_at <= $3 THEN 1 ELSE login_limits.attempts + 1 END, \
           window_started_at = CASE WHEN login_limits.window_started_at <= $3 THEN $2 ELSE login_limits.window_started_at END \
         RETURNING attempts, window_started_at",
    )
    .bind(key)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(conn)
    .await?;
    Ok(Reservation {
        attempts: get::<i64>(&row, "attempts")?,
        window_started_at: get(&row, "window_started_at")?,
    })
}

/// Gives back one reserved attempt of `key` (a login that succeeded, or one refused before
/// its password was checked).
pub async fn release(conn: &mut Conn, key: &str) -> Result<()> {
    sqlx::query("UPDATE login_limits SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets windows that ended before `before` (keeps the table small).
pub async fn purge(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM login_limits WHERE window_started_at <= $1")
            .bind(before)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
