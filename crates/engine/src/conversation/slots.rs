//! The conversation's dealings with the calendar: the free slot nearest to what the person
//! named, held while they decide and said in their language; and the moment a named call-back
//! time stands for.

use super::Context;
use crate::EngineError;
use crate::booking::at;
use outdial_conversation::Offered;
use outdial_domain::calendar::{Wanted, spoken};
use outdial_storage::calendars;
use outdial_understand::When;

/// How long an offered slot is held for the person.
const HOLD_MINUTES: u32 = 5;
/// How many free slots one look at the calendar lists.
const CANDIDATES: usize = 4;
/// How many looks at the calendar before "nothing is free".
const ROUNDS: usize = 5;

/// Finds the free slot of `calendar` nearest to `wanted` (the next free one without a wish),
/// not one of `skip`, and holds it.
pub(super) async fn find_and_hold(
    ctx: &Context<'_>,
    calendar: i64,
    wanted: Option<&When>,
    skip: &[i64],
) -> Result<Option<Offered>, EngineError> {
    let cal = {
        let mut conn = ctx.store.conn().await?;
        match calendars::get_one(&mut conn, ctx.tenant, calendar).await {
            Ok(c) => c,
            Err(outdial_storage::StorageError::NotFound) => {
                return Err(EngineError::NotFound("calendar"));
            }
            Err(e) => return Err(e.into()),
        }
    };
    let zone = cal.settings.zone();
    // Calls at the same moment list the same free slots and race for them: when every one
    // listed was taken meanwhile, the calendar is read again (it no longer shows those), a few
    // times, before the person hears that nothing is free.
    let mut tried: Vec<i64> = skip.to_vec();
    for _ in 0..ROUNDS {
        let candidates = candidates(ctx, &cal, wanted, &zone).await?;
        let fresh: Vec<i64> = candidates
            .into_iter()
            .filter(|s| !tried.contains(s))
            .collect();
        if fresh.is_empty() {
            return Ok(None);
        }
        for start in fresh {
            tried.push(start);
            match crate::booking::hold(
                ctx.store,
                ctx.tenant,
                calendar,
                start,
                None,
                HOLD_MINUTES,
                ctx.by,
                ctx.now,
            )
            .await
            {
                Ok(hold) => {
                    return Ok(Some(Offered {
                        calendar_id: calendar,
                        starts_at: start,
                        spoken: spoken::moment(at(start), &zone, ctx.language),
                        hold: hold.token,
                    }));
                }
                // Taken since it was listed: the next one.
                Err(EngineError::SlotTaken { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(None)
}

/// The free slots to offer, best first: what was asked for, else the nearest after, then
/// before; without a wish, the next free ones.
async fn candidates(
    ctx: &Context<'_>,
    cal: &calendars::Calendar,
    wanted: Option<&When>,
    zone: &jiff::tz::TimeZone,
) -> Result<Vec<i64>, EngineError> {
    Ok(
        match wanted.and_then(|w| crate::booking::stretch(w, zone, cal.settings.slot_minutes)) {
            Some((from, to)) => {
                let wish = Wanted {
                    from: at(from),
                    to: at(to),
                };
                let (_, near) = crate::booking::nearest(
                    ctx.store, ctx.tenant, cal.id, wish, ctx.now, CANDIDATES,
                )
                .await?;
                near.wanted
                    .iter()
                    .chain(near.after.iter())
                    .chain(near.before.iter())
                    .map(|s| s.starts_at)
                    .collect()
            }
            None => {
                let mut conn = ctx.store.conn().await?;
                crate::booking::next_free(&mut conn, cal, ctx.now, ctx.now, CANDIDATES)
                    .await?
                    .iter()
                    .map(|s| s.starts_at)
                    .collect()
            }
        },
    )
}

/// The moment a call-back wish stands for, in the person's zone: a time said is
/// that time, a part of the day its start, a day alone 10:00. With how it is said.
pub(super) fn callback_time(ctx: &Context<'_>, when: &When) -> Option<(i64, String)> {
    use outdial_understand::Kind;
    let zone = ctx.zone.clone();
    let date: jiff::civil::Date = when.date.parse().ok()?;
    let hhmm = match when.kind {
        Kind::Instant => when.time.clone()?,
        Kind::PartOfDay => when.from.clone().unwrap_or_else(|| "09:00".into()),
        Kind::Day => "10:00".into(),
    };
    let time: jiff::civil::Time = format!("{hhmm}:00").parse().ok()?;
    let ms = date
        .to_datetime(time)
        .to_zoned(zone.clone())
        .ok()?
        .timestamp()
        .as_millisecond();
    let said = spoken::moment(at(ms), &zone, ctx.language);
    let spoken = if ctx.language.to_ascii_lowercase().starts_with("de") {
        format!("am {said}")
    } else {
        format!("on {said}")
    };
    Some((ms, spoken))
}
