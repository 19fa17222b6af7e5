//! Booking, moving and changing appointments. Each function works in the caller's transaction
//! (the caller commits): a booking that finds its slot full leaves nothing behind once the
//! transaction is dropped, and a move takes its new place before it gives up the old one.

use super::places::{self, Taker};
use super::{Appointment, HistoryEntry, get_one, record};
use crate::row::get;
use crate::transition::status_in;
use crate::{Conn, Result, StorageError};
use outdial_domain::calendar::AppointmentStatus;
use outdial_domain::{CallId, LeadId, TenantId};

/// What to book.
pub struct NewAppointment<'a> {
    /// The calendar.
    pub calendar: i64,
    /// Its slots' capacity.
    pub capacity: u32,
    /// Starts, epoch ms (a slot of the calendar: the caller checked it).
    pub starts_at: i64,
    /// Ends, epoch ms.
    pub ends_at: i64,
    /// The lead, if any.
    pub lead: Option<LeadId>,
    /// The call that books it, if one does.
    pub call: Option<CallId>,
    /// Who is coming.
    pub name: &'a str,
    /// Their number.
    pub phone: Option<&'a str>,
    /// Notes.
    pub note: &'a str,
    /// Who books (an email, `api-key:<id>`, `call`).
    pub by: &'a str,
    /// A hold the person was offered: its place is used while it lives; otherwise any free
    /// place is taken.
    pub hold: Option<&'a str>,
}

/// How a booking or a move went.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done.
    Done(Box<Appointment>),
    /// Every place of the slot is taken (by appointments or live holds).
    Full,
}

/// Books an appointment.
pub async fn book(
    conn: &mut Conn,
    tenant: TenantId,
    new: &NewAppointment<'_>,
    now: i64,
) -> Result<Outcome> {
    let held = match new.hold {
        Some(token) => {
            places::live_hold(&mut *conn, tenant, new.calendar, token, new.starts_at, now).await?
        }
        None => None,
    };
    let place = match held {
        Some(place) => Some(place),
        None => {
            let taker = Taker {
                tenant,
                calendar: new.calendar,
                start: new.starts_at,
                capacity: new.capacity,
                lead: new.lead,
                by: new.by,
                hold: None,
            };
            places::take(&mut *conn, &taker, now).await?
        }
    };
    let Some(place) = place else {
        return Ok(Outcome::Full);
    };
    let row = sqlx::query(
        "INSERT INTO appointments (tenant_id, calendar_id, lead_id, call_id, starts_at, ends_at, status, name, phone, note, \
         sequence, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $12, $7, $8, $9, 0, $10, $11, $11) RETURNING id",
    )
    .bind(tenant.0)
    .bind(new.calendar)
    .bind(new.lead.map(|l| l.0))
    .bind(new.call.map(|c| c.0))
    .bind(new.starts_at)
    .bind(new.ends_at)
    .bind(new.name)
    .bind(new.phone)
    .bind(new.note)
    .bind(new.by)
    .bind(now)
    .bind(AppointmentStatus::Booked.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = get(&row, "id")?;
    places::settle(&mut *conn, place, id).await?;
    record(
        &mut *conn,
        id,
        &HistoryEntry {
            at: now,
            kind: "booked".into(),
            by: new.by.into(),
            from_start: None,
            to_start: Some(new.starts_at),
            note: new.note.into(),
        },
    )
    .await?;
    Ok(Outcome::Done(Box::new(get_one(conn, tenant, id).await?)))
}

/// Moves an open appointment to another slot of its calendar: the new place is taken first,
/// then the old one freed, in one transaction; `Full` leaves it where it was. A moved
/// appointment is `booked` again (the person has not confirmed the new time).
#[allow(clippy::too_many_arguments)]
pub async fn reschedule(
    conn: &mut Conn,
    tenant: TenantId,
    id: i64,
    capacity: u32,
    to: (i64, i64),
    by: &str,
    note: &str,
    now: i64,
) -> Result<Outcome> {
    let current = get_one(&mut *conn, tenant, id).await?;
    if !current.status.is_open() {
        return Err(StorageError::Conflict(format!(
            "an appointment that is {} cannot be moved",
            current.status.as_str().replace('_', "-")
        )));
    }
    if current.starts_at == to.0 {
        return Err(StorageError::Conflict(
            "the appointment is at that time already".into(),
        ));
    }
    let taker = Taker {
        tenant,
        calendar: current.calendar_id,
        start: to.0,
        capacity,
        lead: current.lead_id,
        by,
        hold: None,
    };
    let Some(place) = places::take(&mut *conn, &taker, now).await? else {
        return Ok(Outcome::Full);
    };
    places::free(&mut *conn, id).await?;
    places::settle(&mut *conn, place, id).await?;
    let moved = AppointmentStatus::MOVE;
    let sql = format!(
        "UPDATE appointments SET starts_at = $3, ends_at = $4, status = $6, sequence = sequence + 1, \
         updated_at = $5 WHERE tenant_id = $1 AND id = $2 AND {}",
        status_in("status", &moved)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .bind(to.0)
        .bind(to.1)
        .bind(now)
        .bind(moved.to_name())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Conflict(
            "the appointment changed meanwhile: load it again".into(),
        ));
    }
    record(
        &mut *conn,
        id,
        &HistoryEntry {
            at: now,
            kind: "rescheduled".into(),
            by: by.into(),
            from_start: Some(current.starts_at),
            to_start: Some(to.0),
            note: note.into(),
        },
    )
    .await?;
    Ok(Outcome::Done(Box::new(get_one(conn, tenant, id).await?)))
}

/// Moves an appointment to `to` (confirmed, cancelled, no-show, completed) when the rules
/// allow it; a cancelled one frees its place. `Conflict` says why not.
pub async fn set_status(
    conn: &mut Conn,
    tenant: TenantId,
    id: i64,
    to: AppointmentStatus,
    by: &str,
    note: &str,
    now: i64,
) -> Result<Appointment> {
    let current = get_one(&mut *conn, tenant, id).await?;
    current
        .status
        .change_to(to)
        .map_err(|e| StorageError::Conflict(e.to_string()))?;
    // Only from the status read: a concurrent change makes this one a conflict, not a
    // second move.
    let done = sqlx::query(
        "UPDATE appointments SET status = $3, sequence = sequence + 1, updated_at = $4 \
         WHERE tenant_id = $1 AND id = $2 AND status = $5",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(to.as_str())
    .bind(now)
    .bind(current.status.as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Conflict(
            "the appointment changed meanwhile: load it again".into(),
        ));
    }
    if to == AppointmentStatus::Cancelled {
        places::free(&mut *conn, id).await?;
    }
    record(
        &mut *conn,
        id,
        &HistoryEntry {
            at: now,
            kind: to.as_str().into(),
            by: by.into(),
            from_start: None,
            to_start: None,
            note: note.into(),
        },
    )
    .await?;
    get_one(conn, tenant, id).await
}

/// Adds a note to the history (a reminder call's answer, a remark) without changing it.
pub async fn note(
    conn: &mut Conn,
    tenant: TenantId,
    id: i64,
    kind: &str,
    by: &str,
    note: &str,
    now: i64,
) -> Result<()> {
    get_one(&mut *conn, tenant, id).await?;
    record(
        conn,
        id,
        &HistoryEntry {
            at: now,
            kind: kind.into(),
            by: by.into(),
            from_start: None,
            to_start: None,
            note: note.into(),
        },
    )
    .await
}
