//! What calls cost: Twilio fills a call's price in some time after it ends, so ended calls
//! without one are asked about again, with growing pauses, until it is there or the tries are
//! spent. The state lives in the call's row, so a restart goes on where it stopped.

use super::{COLUMNS, Call, from_row};
use crate::{Conn, Result};
use outdial_domain::CallId;

/// Ended calls whose price is still unknown and whose next look is due at `now`: at most
/// `limit`, each tried fewer than `max_attempts` times, first looked at `first_after_ms`
/// after it ended; each with the looks made so far.
pub async fn due(
    conn: &mut Conn,
    now: i64,
    first_after_ms: i64,
    max_attempts: i64,
    limit: i64,
) -> Result<Vec<(Call, i64)>> {
    let sql = format!(
        "SELECT {COLUMNS}, price_attempts FROM calls WHERE price IS NULL AND ended_at IS NOT NULL \
         AND call_sid IS NOT NULL AND never_placed = 0 AND price_attempts < $1 \
         AND COALESCE(price_next_at, ended_at + $2) <= $3 ORDER BY ended_at LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(max_attempts)
        .bind(first_after_ms)
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((from_row(r)?, crate::row::get(r, "price_attempts")?)))
        .collect()
}

/// Records a call's price (Twilio's sign: negative is a charge) and its currency.
pub async fn record(conn: &mut Conn, id: CallId, price: &str, unit: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE calls SET price = $1, price_unit = $2, price_attempts = price_attempts + 1, \
         price_next_at = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(price)
    .bind(unit)
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a look that found no price yet; the next is due at `next_at`.
pub async fn not_yet(conn: &mut Conn, id: CallId, next_at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE calls SET price_attempts = price_attempts + 1, price_next_at = $1 WHERE id = $2",
    )
    .bind(next_at)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}
