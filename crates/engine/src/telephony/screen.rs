//! The screen one call passes before it is recorded, whoever places it: "Call now", the API,
//! "Book appointment", a scheduled call. It applies the rule the dialer applies to every due
//! lead (`outdial_domain::lead::screen`: do-not-call, attempts, the called person's hours in
//! every zone the number may be in), and for a campaign's call also the campaign's window and
//! its daily limit. A refusal names the rule and the next moment the call would pass.

use crate::error::EngineError;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use outdial_domain::PhoneNumber;
use outdial_domain::hours::{Gate, LocalHours};
use outdial_domain::lead::{AttemptLimits, Candidate, Verdict, screen};
use outdial_storage::campaigns::Campaign;
use outdial_storage::leads::Lead;
use outdial_storage::{Conn, dialing, dnc};

/// A day, in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// One call to screen.
pub struct Screened<'a> {
    /// The campaign whose settings the call uses.
    pub campaign: &'a Campaign,
    /// The lead called, if any.
    pub lead: Option<&'a Lead>,
    /// The number called.
    pub to: &'a PhoneNumber,
    /// The call is one of the campaign's (a lead's call): its window and daily limit apply.
    /// A single call to a number only borrows the campaign's caller ID and script.
    pub in_campaign: bool,
}

/// Screens one call at `now_ms`; `Ok` when every rule allows it now. Read in the transaction
/// that records the call, so the counts it reads are those the call joins.
pub async fn check(
    conn: &mut Conn,
    local: &LocalHours,
    call: &Screened<'_>,
    now_ms: i64,
) -> Result<(), EngineError> {
    let campaign = call.campaign;
    let s = &campaign.settings;
    let now = Timestamp::from_millisecond(now_ms)?;
    let listed = dnc::find(conn, campaign.tenant_id, call.to)
        .await?
        .is_some()
        || call.lead.is_some_and(|l| l.do_not_call);
    let last_24h = match call.lead {
        Some(lead) => dialing::calls_since(conn, &[lead.id], now_ms - DAY_MS)
            .await?
            .remove(&lead.id),
        None => {
            dialing::number_calls_since(conn, campaign.tenant_id, call.to, now_ms - DAY_MS).await?
        }
    };
    let lead_zone = call
        .lead
        .and_then(|l| l.timezone.as_deref())
        .and_then(|z| TimeZone::get(z).ok());
    let candidate = Candidate {
        phone: call.to,
        zone: lead_zone.as_ref(),
        attempts: call.lead.map_or(0, |l| l.attempts),
        on_do_not_call_list: listed,
        last_24h: last_24h
            .and_then(|(n, first)| Timestamp::from_millisecond(first).ok().map(|t| (n, t))),
    };
    let campaign_zone = TimeZone::get(&s.timezone).unwrap_or(TimeZone::UTC);
    let gate = if call.in_campaign {
        Gate::new(&s.calling_window, campaign_zone.clone(), local)
    } else {
        Gate::local_only(local)
    };
    let limits = AttemptLimits {
        per_lead: s.max_attempts_per_lead,
        // A number called without a lead keeps the campaign's per-24-hours limit too.
        per_24h: s.max_attempts_per_24h,
    };
    match screen(&candidate, limits, &gate, now) {
        Verdict::Dial => {}
        Verdict::DoNotCall => {
            return Err(EngineError::Refused {
                code: "do_not_call",
                message: format!("{} is on the do-not-call list; it is never called", call.to),
                next_allowed_at: None,
            });
        }
        Verdict::Exhausted => {
            return Err(EngineError::Refused {
                code: "attempts_exhausted",
                message: format!(
                    "the lead has had its {} attempts (the campaign's limit per lead)",
                    s.max_attempts_per_lead
                ),
                next_allowed_at: None,
            });
        }
        Verdict::Hold { why, until } => {
            let known = !matches!(
                why,
                outdial_domain::lead::HoldWhy::Hours(
                    outdial_domain::hours::HoldReason::UnknownTimeZone
                )
            );
            // The moment travels as `next_allowed_at`, shown in the reader's own time.
            return Err(EngineError::Refused {
                code: why.code(),
                message: why.to_string(),
                next_allowed_at: known.then_some(until.as_millisecond()),
            });
        }
    }
    if call.in_campaign
        && let Some(limit) = s.daily_call_limit
    {
        let today = now.to_zoned(campaign_zone.clone());
        let midnight = today.start_of_day()?.timestamp().as_millisecond();
        let counts = dialing::call_counts(conn, campaign.id, Some(midnight), now_ms).await?;
        if counts.placed_since >= i64::from(limit) {
            let tomorrow = today.tomorrow()?.start_of_day()?.timestamp();
            // The next day opens at midnight, or later when the window or the callee's hours
            // open later.
            let next = match gate.check(call.to, lead_zone.as_ref(), tomorrow) {
                Ok(()) => Some(tomorrow),
                Err(blocked) => blocked.until,
            };
            return Err(EngineError::Refused {
                code: "daily_limit_reached",
                message: format!(
                    "the campaign has placed its {limit} calls for today (its daily limit)"
                ),
                next_allowed_at: next.map(|t| t.as_millisecond()),
            });
        }
    }
    Ok(())
}
