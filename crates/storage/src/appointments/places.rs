//! The places of a calendar's slots. A slot of capacity N has places 0…N−1; taking one inserts
//! the row `(calendar, start, place)`, unique in the database, so two bookings — in one process
//! or on several instances sharing PostgreSQL — can never take the same place: the second
//! insert meets the first's row (on PostgreSQL it waits for the first transaction to end) and
//! tries the next place. There is no read-then-insert to race.
//!
//! A hold is a place with an expiry and a secret token. It counts as taken until it expires;
//! an expired hold is taken over by the same upsert that takes a free place, so nothing has to
//! sweep them first.

use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::{LeadId, TenantId};

/// Who takes a place, and until when (`None`: for good, for an appointment).
pub struct Taker<'a> {
    /// The tenant.
    pub tenant: TenantId,
    /// The calendar.
    pub calendar: i64,
    /// The slot's start, epoch ms.
    pub start: i64,
    /// The slot's capacity.
    pub capacity: u32,
    /// The lead it is for, if any.
    pub lead: Option<LeadId>,
    /// Who (for the record).
    pub by: &'a str,
    /// A hold: its token and when it expires.
    pub hold: Option<(&'a str, i64)>,
}

/// Places of the slot taken at `now` (appointments and unexpired holds).
pub async fn taken_at(conn: &mut Conn, calendar: i64, start: i64, now: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM calendar_places WHERE calendar_id = $1 AND starts_at = $2 \
         AND (expires_at IS NULL OR expires_at > $3)",
    )
    .bind(calendar)
    .bind(start)
    .bind(now)
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}

/// Takes a free place of the slot; its row id, or `None` when every place is taken. Run it in
/// the transaction that books, so a failed booking gives the place back.
pub async fn take(conn: &mut Conn, who: &Taker<'_>, now: i64) -> Result<Option<i64>> {
    // A quick refusal when the slot is full (it also keeps a lowered capacity: places beyond
    // it that are still taken count).
    if taken_at(&mut *conn, who.calendar, who.start, now).await? >= i64::from(who.capacity) {
        return Ok(None);
    }
    let (token, expires) = match who.hold {
        Some((token, expires)) => (Some(token), Some(expires)),
        None => (None, None),
    };
    for place in 0..i64::from(who.capacity) {
        let row = sqlx::query(
            "INSERT INTO calendar_places (tenant_id, calendar_id, starts_at, place, hold_token, expires_at, lead_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (calendar_id, starts_at, place) DO UPDATE SET \
               hold_token = excluded.hold_token, expires_at = excluded.expires_at, lead_id = excluded.lead_id, \
               created_by = excluded.created_by, created_at = excluded.created_at, appointment_id = NULL \
             WHERE calendar_places.appointment_id IS NULL AND calendar_places.expires_at IS NOT NULL \
               AND calendar_places.expires_at <= $9 \
             RETURNING id",
        )
        .bind(who.tenant.0)
        .bind(who.calendar)
        .bind(who.start)
        .bind(place)
        .bind(token)
        .bind(expires)
        .bind(who.lead.map(|l| l.0))
        .bind(who.by)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            return Ok(Some(get(&row, "id")?));
        }
    }
    Ok(None)
}

/// A live hold: the place it keeps, or `None` when the token is unknown, released, used or
/// expired, or names another slot.
pub async fn live_hold(
    conn: &mut Conn,
    tenant: TenantId,
    calendar: i64,
    token: &str,
    start: i64,
    now: i64,
) -> Result<Option<i64>> {
    let row = sqlx::query(
        "SELECT id FROM calendar_places WHERE tenant_id = $1 AND calendar_id = $2 AND hold_token = $3 \
         AND starts_at = $4 AND appointment_id IS NULL AND expires_at > $5",
    )
    .bind(tenant.0)
    .bind(calendar)
    .bind(token)
    .bind(start)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.map(|r| get(&r, "id")).transpose()
}

/// Gives a place to an appointment for good (a hold stops expiring).
pub async fn settle(conn: &mut Conn, place: i64, appointment: i64) -> Result<()> {
    sqlx::query(
        "UPDATE calendar_places SET appointment_id = $2, hold_token = NULL, expires_at = NULL WHERE id = $1",
    )
    .bind(place)
    .bind(appointment)
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees an appointment's place.
pub async fn free(conn: &mut Conn, appointment: i64) -> Result<()> {
    sqlx::query("DELETE FROM calendar_places WHERE appointment_id = $1")
        .bind(appointment)
        .execute(conn)
        .await?;
    Ok(())
}

/// Releases a hold; whether there was one to release.
pub async fn release(conn: &mut Conn, tenant: TenantId, token: &str) -> Result<bool> {
    let done = sqlx::query(
        "DELETE FROM calendar_places WHERE tenant_id = $1 AND hold_token = $2 AND appointment_id IS NULL",
    )
    .bind(tenant.0)
    .bind(token)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Taken places per slot start in `[from, to)` at `now`, for availability.
pub async fn taken(
    conn: &mut Conn,
    calendar: i64,
    from: i64,
    to: i64,
    now: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT starts_at, COUNT(*) AS n FROM calendar_places WHERE calendar_id = $1 \
         AND starts_at >= $2 AND starts_at < $3 AND (expires_at IS NULL OR expires_at > $4) \
         GROUP BY starts_at ORDER BY starts_at",
    )
    .bind(calendar)
    .bind(from)
    .bind(to)
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "starts_at")?, get(r, "n")?)))
        .collect()
}

/// Deletes holds that expired before `before` (their rows would be taken over anyway; this
/// keeps the table small).
pub async fn sweep(conn: &mut Conn, before: i64) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM calendar_places WHERE appointment_id IS NULL AND expires_at IS NOT NULL AND expires_at < $1",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
