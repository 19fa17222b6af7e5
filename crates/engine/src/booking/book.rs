//! Holding, booking, moving and changing appointments by their calendar's rules. A slot that is
//! full is refused with the next free slots, so the person can be offered another at once.

use super::at;
use super::availability::{FreeSlot, next_free, not_found};
use crate::EngineError;
use outdial_domain::calendar::{AppointmentStatus, NotBookable, Slot};
use outdial_domain::{CallId, LeadId, TenantId};
use outdial_storage::appointments::change::{self, NewAppointment, Outcome};
use outdial_storage::appointments::{self, Appointment, places};
use outdial_storage::calendars::{self, Calendar};
use outdial_storage::{Conn, Store, leads};
use rand::RngCore;
use serde::Serialize;

/// Longest a slot can be held, in minutes.
pub const MAX_HOLD_MINUTES: u32 = 30;

/// A slot kept for a person while they decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hold {
    /// The secret that books with it or releases it (`hold_…`).
    pub token: String,
    /// The calendar.
    pub calendar_id: i64,
    /// The slot's start, epoch ms.
    pub starts_at: i64,
    /// The slot's end, epoch ms.
    pub ends_at: i64,
    /// When the hold lapses and the place is free for others, epoch ms.
    pub expires_at: i64,
}

/// What to book.
#[derive(Debug, Clone, Default)]
pub struct Booking {
    /// The calendar.
    pub calendar: i64,
    /// The slot's start, epoch ms.
    pub starts_at: i64,
    /// The lead, if any: its name and number fill in what is not given.
    pub lead: Option<LeadId>,
    /// The call that books it, if one does.
    pub call: Option<CallId>,
    /// Who is coming (else the lead's name).
    pub name: Option<String>,
    /// Their number, E.164 (else the lead's).
    pub phone: Option<String>,
    /// Notes.
    pub note: String,
    /// A hold the person was offered.
    pub hold: Option<String>,
}

/// The slot starting at `start`, or why it cannot be booked (`starts_at` is named). A live
/// hold keeps its slot bookable past the minimum notice.
fn slot(calendar: &Calendar, start: i64, now: i64, held: bool) -> Result<Slot, EngineError> {
    match calendar.settings.bookable(at(start), at(now)) {
        Ok(slot) => Ok(slot),
        Err(NotBookable::TooSoon(_)) if held && start > now => {
            let end = at(start)
                + jiff::SignedDuration::from_mins(i64::from(calendar.settings.slot_minutes));
            Ok(Slot {
                start: at(start),
                end,
            })
        }
        Err(why) => Err(EngineError::invalid("starts_at", why.to_string())),
    }
}

async fn full(conn: &mut Conn, calendar: &Calendar, start: i64, now: i64) -> EngineError {
    let next = next_free(conn, calendar, start, now, 3)
        .await
        .unwrap_or_default();
    slot_taken(calendar, start, next)
}

fn slot_taken(calendar: &Calendar, start: i64, next: Vec<FreeSlot>) -> EngineError {
    let when = at(start)
        .to_zoned(calendar.settings.zone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    EngineError::SlotTaken {
        message: if next.is_empty() {
            format!(
                "{when} in {} is taken, and no later slot is free",
                calendar.name
            )
        } else {
            format!(
                "{when} in {} is taken; the next free slots are offered in details.next_free",
                calendar.name
            )
        },
        next_free: next,
    }
}

async fn calendar(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Calendar, EngineError> {
    calendars::get_one(conn, tenant, id)
        .await
        .map_err(not_found)
}

/// Holds a place of a slot for `minutes` (1 to [`MAX_HOLD_MINUTES`]).
#[allow(clippy::too_many_arguments)]
pub async fn hold(
    store: &Store,
    tenant: TenantId,
    calendar_id: i64,
    starts_at: i64,
    lead: Option<LeadId>,
    minutes: u32,
    by: &str,
    now: i64,
) -> Result<Hold, EngineError> {
    if !(1..=MAX_HOLD_MINUTES).contains(&minutes) {
        return Err(EngineError::invalid(
            "minutes",
            format!("must be from 1 to {MAX_HOLD_MINUTES}"),
        ));
    }
    let mut tx = store.begin().await?;
    let cal = calendar(&mut tx, tenant, calendar_id).await?;
    let slot = slot(&cal, starts_at, now, false)?;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!(
        "hold_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let expires_at = now + i64::from(minutes) * 60_000;
    let taker = places::Taker {
        tenant,
        calendar: cal.id,
        start: starts_at,
        capacity: cal.settings.capacity,
        lead,
        by,
        hold: Some((&token, expires_at)),
    };
    if places::take(&mut tx, &taker, now).await?.is_none() {
        drop(tx);
        let mut conn = store.conn().await?;
        return Err(full(&mut conn, &cal, starts_at, now).await);
    }
    tx.commit().await?;
    Ok(Hold {
        token,
        calendar_id: cal.id,
        starts_at,
        ends_at: slot.end.as_millisecond(),
        expires_at,
    })
}

/// Releases a hold; `NotFound` when there is none live of that token.
pub async fn release(store: &Store, tenant: TenantId, token: &str) -> Result<(), EngineError> {
    let mut conn = store.conn().await?;
    if places::release(&mut conn, tenant, token).await? {
        Ok(())
    } else {
        Err(EngineError::NotFound("hold"))
    }
}

/// Books an appointment by the calendar's rules.
pub async fn book(
    store: &Store,
    tenant: TenantId,
    booking: &Booking,
    by: &str,
    now: i64,
) -> Result<Appointment, EngineError> {
    let mut tx = store.begin().await?;
    let cal = calendar(&mut tx, tenant, booking.calendar).await?;
    let held = match &booking.hold {
        Some(token) => places::live_hold(&mut tx, tenant, cal.id, token, booking.starts_at, now)
            .await?
            .is_some(),
        None => false,
    };
    let slot = slot(&cal, booking.starts_at, now, held)?;
    let lead = match booking.lead {
        Some(id) => Some(
            leads::get_by_id(&mut tx, tenant, id)
                .await
                .map_err(|e| match e {
                    outdial_storage::StorageError::NotFound => EngineError::invalid(
                        "lead_id",
                        format!("there is no lead {id} in your organisation"),
                    ),
                    other => other.into(),
                })?,
        ),
        None => None,
    };
    let name = booking
        .name
        .clone()
        .or_else(|| {
            lead.as_ref()
                .and_then(|l| leads::full_name(&l.first_name, &l.last_name))
        })
        .or_else(|| lead.as_ref().map(|l| l.phone.as_str().to_string()))
        .ok_or_else(|| EngineError::invalid("name", "say who is coming, or book for a lead"))?;
    let phone = booking
        .phone
        .clone()
        .or_else(|| lead.as_ref().map(|l| l.phone.as_str().to_string()));
    let new = NewAppointment {
        calendar: cal.id,
        capacity: cal.settings.capacity,
        starts_at: booking.starts_at,
        ends_at: slot.end.as_millisecond(),
        lead: booking.lead,
        call: booking.call,
        name: &name,
        phone: phone.as_deref(),
        note: &booking.note,
        by,
        hold: booking.hold.as_deref(),
    };
    match change::book(&mut tx, tenant, &new, now).await? {
        Outcome::Done(appointment) => {
            tx.commit().await?;
            tracing::info!(tenant_id = %tenant, appointment_id = appointment.id, calendar_id = cal.id, %by, "appointment booked");
            metrics::counter!("outdial_appointments_booked_total").increment(1);
            Ok(*appointment)
        }
        Outcome::Full => {
            drop(tx);
            metrics::counter!("outdial_appointments_refused_total").increment(1);
            let mut conn = store.conn().await?;
            Err(full(&mut conn, &cal, booking.starts_at, now).await)
        }
    }
}

/// Moves an appointment to the slot starting at `starts_at` of its calendar.
pub async fn reschedule(
    store: &Store,
    tenant: TenantId,
    id: i64,
    starts_at: i64,
    by: &str,
    note: &str,
    now: i64,
) -> Result<Appointment, EngineError> {
    let mut tx = store.begin().await?;
    let current = appointments::get_one(&mut tx, tenant, id)
        .await
        .map_err(|e| match e {
            outdial_storage::StorageError::NotFound => EngineError::NotFound("appointment"),
            other => other.into(),
        })?;
    let cal = calendar(&mut tx, tenant, current.calendar_id).await?;
    let slot = slot(&cal, starts_at, now, false)?;
    let to = (starts_at, slot.end.as_millisecond());
    match change::reschedule(
        &mut tx,
        tenant,
        id,
        cal.settings.capacity,
        to,
        by,
        note,
        now,
    )
    .await?
    {
        Outcome::Done(appointment) => {
            tx.commit().await?;
            tracing::info!(tenant_id = %tenant, appointment_id = id, %by, "appointment moved");
            Ok(*appointment)
        }
        Outcome::Full => {
            drop(tx);
            let mut conn = store.conn().await?;
            Err(full(&mut conn, &cal, starts_at, now).await)
        }
    }
}

/// Confirms, cancels or closes (no-show, completed) an appointment.
pub async fn set_status(
    store: &Store,
    tenant: TenantId,
    id: i64,
    to: AppointmentStatus,
    by: &str,
    note: &str,
    now: i64,
) -> Result<Appointment, EngineError> {
    let mut tx = store.begin().await?;
    let appointment = change::set_status(&mut tx, tenant, id, to, by, note, now)
        .await
        .map_err(|e| match e {
            outdial_storage::StorageError::NotFound => EngineError::NotFound("appointment"),
            other => other.into(),
        })?;
    tx.commit().await?;
    tracing::info!(tenant_id = %tenant, appointment_id = id, status = to.as_str(), %by, "appointment changed");
    Ok(appointment)
}
