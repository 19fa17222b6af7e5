//! Free slots: the calendar's slots (from its rules) less the places taken (appointments and
//! live holds), within what can be booked now (minimum notice to horizon).

use super::at;
use crate::EngineError;
use outdial_domain::TenantId;
use outdial_domain::calendar::{Slot, Wanted};
use outdial_storage::appointments::places;
use outdial_storage::calendars::{self, Calendar};
use outdial_storage::{Conn, Store};
use serde::Serialize;
use std::collections::HashMap;

/// A slot with places left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeSlot {
    /// Starts, epoch ms.
    pub starts_at: i64,
    /// Ends, epoch ms.
    pub ends_at: i64,
    /// Places left.
    pub free: u32,
    /// Places in all.
    pub capacity: u32,
}

/// The slots nearest to what a person asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Nearest {
    /// Free slots starting in the stretch asked for.
    pub wanted: Vec<FreeSlot>,
    /// When none is: the nearest free ones before it, latest first.
    pub before: Vec<FreeSlot>,
    /// When none is: the nearest free ones after it, earliest first.
    pub after: Vec<FreeSlot>,
}

fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

/// The free slots of `calendar` starting in `[from, to)` (ms), bookable at `now`.
pub async fn free_in(
    conn: &mut Conn,
    calendar: &Calendar,
    (from, to): (i64, i64),
    now: i64,
) -> Result<Vec<FreeSlot>, EngineError> {
    let s = &calendar.settings;
    let (earliest, latest) = s.bookable_window(at(now));
    let from = from.max(ms(earliest));
    // The horizon is the last start that can be booked.
    let to = to.min(ms(latest) + 1);
    if from >= to {
        return Ok(vec![]);
    }
    let slots: Vec<Slot> = s.slots(at(from), at(to));
    let taken: HashMap<i64, i64> = places::taken(conn, calendar.id, from, to, now)
        .await?
        .into_iter()
        .collect();
    Ok(slots
        .into_iter()
        .filter_map(|slot| {
            let used = taken.get(&ms(slot.start)).copied().unwrap_or(0);
            let free = i64::from(s.capacity) - used;
            (free > 0).then(|| FreeSlot {
                starts_at: ms(slot.start),
                ends_at: ms(slot.end),
                free: free as u32,
                capacity: s.capacity,
            })
        })
        .collect())
}

/// The tenant's calendar `id` and its free slots in `[from, to)`, at most `limit`.
pub async fn free_slots(
    store: &Store,
    tenant: TenantId,
    id: i64,
    range: (i64, i64),
    now: i64,
    limit: usize,
) -> Result<(Calendar, Vec<FreeSlot>), EngineError> {
    let mut conn = store.conn().await?;
    let calendar = calendars::get_one(&mut conn, tenant, id)
        .await
        .map_err(not_found)?;
    let mut free = free_in(&mut conn, &calendar, range, now).await?;
    free.truncate(limit);
    Ok((calendar, free))
}

/// The first `n` free slots starting after `after` (ms).
pub async fn next_free(
    conn: &mut Conn,
    calendar: &Calendar,
    after: i64,
    now: i64,
    n: usize,
) -> Result<Vec<FreeSlot>, EngineError> {
    let (earliest, latest) = calendar.settings.bookable_window(at(now));
    // A week at a time, so a busy calendar does not read its whole horizon for three slots;
    // from what can be booked at all.
    let mut from = (after + 1).max(ms(earliest));
    let mut found = Vec::new();
    while found.len() < n && from <= ms(latest) {
        let to = from + 7 * 86_400_000;
        found.extend(free_in(conn, calendar, (from, to), now).await?);
        from = to;
    }
    found.truncate(n);
    Ok(found)
}

/// The free slots in what a person asked for; when there are none, the `n` nearest before and
/// after it.
pub async fn nearest(
    store: &Store,
    tenant: TenantId,
    id: i64,
    wanted: Wanted,
    now: i64,
    n: usize,
) -> Result<(Calendar, Nearest), EngineError> {
    let mut conn = store.conn().await?;
    let calendar = calendars::get_one(&mut conn, tenant, id)
        .await
        .map_err(not_found)?;
    let (from, to) = (ms(wanted.from), ms(wanted.to));
    let inside = free_in(&mut conn, &calendar, (from, to), now).await?;
    if !inside.is_empty() {
        return Ok((
            calendar,
            Nearest {
                wanted: inside,
                before: vec![],
                after: vec![],
            },
        ));
    }
    // Before: back from the wish a week at a time, to what can still be booked.
    let (earliest, _) = calendar.settings.bookable_window(at(now));
    let mut before = Vec::new();
    let (_, latest) = calendar.settings.bookable_window(at(now));
    let mut end = from.min(ms(latest) + 1);
    while before.len() < n && end > ms(earliest) {
        let start = end - 7 * 86_400_000;
        let mut week = free_in(&mut conn, &calendar, (start, end), now).await?;
        week.reverse();
        before.extend(week);
        end = start;
    }
    before.truncate(n);
    let after = next_free(&mut conn, &calendar, to - 1, now, n).await?;
    Ok((
        calendar,
        Nearest {
            wanted: vec![],
            before,
            after,
        },
    ))
}

/// The stretch of time `when` names in `zone`: an instant is one slot long, a part of the day
/// its span (open ends: the day's start or end), a day the whole day.
pub fn stretch(
    when: &outdial_understand::When,
    zone: &jiff::tz::TimeZone,
    slot_minutes: u32,
) -> Option<(i64, i64)> {
    use outdial_understand::Kind;
    let date: jiff::civil::Date = when.date.parse().ok()?;
    let at = |hhmm: &str| -> Option<i64> {
        let t: jiff::civil::Time = format!("{hhmm}:00").parse().ok()?;
        Some(
            date.to_datetime(t)
                .to_zoned(zone.clone())
                .ok()?
                .timestamp()
                .as_millisecond(),
        )
    };
    let start_of = |d: jiff::civil::Date| -> Option<i64> {
        Some(d.to_zoned(zone.clone()).ok()?.timestamp().as_millisecond())
    };
    let day_start = start_of(date)?;
    let day_end = start_of(date.tomorrow().ok()?)?;
    match when.kind {
        Kind::Instant => {
            let t = at(when.time.as_deref()?)?;
            Some((t, t + i64::from(slot_minutes) * 60_000))
        }
        Kind::PartOfDay => Some((
            when.from.as_deref().and_then(at).unwrap_or(day_start),
            when.to.as_deref().and_then(at).unwrap_or(day_end),
        )),
        Kind::Day => Some((day_start, day_end)),
    }
}

pub(super) fn not_found(e: outdial_storage::StorageError) -> EngineError {
    match e {
        outdial_storage::StorageError::NotFound => EngineError::NotFound("calendar"),
        other => other.into(),
    }
}
