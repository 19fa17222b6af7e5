//! One campaign's turn: in one transaction that only this worker holds for the campaign (and
//! its tenant), count its calls, ask the pacer how many to place, take that many due leads
//! that pass every gate, claim them and record their calls. The calls are handed to the
//! carrier after the commit, so a call exists in the database before it exists anywhere else.

use crate::error::AppError;
use crate::telephony::place::caller_id;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use outdial_domain::agent::AgentStatus;
use outdial_domain::campaign::CampaignStatus;
use outdial_domain::campaign::Pacing;
use outdial_domain::hours::{Gate, LocalHours};
use outdial_domain::lead::{AttemptLimits, Candidate, Verdict, screen};
use outdial_domain::pacing::{self, Agents, Limits, Outstanding, Predictor, Snapshot};
use outdial_domain::{CampaignId, LeadId, PhoneNumber};
use outdial_storage::calls::{self, Call};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::leads::Lead;
use outdial_storage::{StorageError, Store, agents, dialing, dnc, leads};

/// Due leads screened at a time. Leads held back by a gate are rescheduled as they are
/// screened, so a campaign whose due leads are all out of hours clears them in a few turns.
const SCREEN_BATCH: usize = 200;

/// Batches screened in one turn at most.
const SCREEN_ROUNDS: usize = 5;

/// A day, in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// The reason recorded when a campaign completes by itself.
pub const COMPLETED: &str = "every lead is done: reached, do-not-call, invalid or out of attempts";

/// What a turn needs besides the database.
pub struct Rules {
    /// The called person's local hours.
    pub local: LocalHours,
    /// Calls a tenant may start per second.
    pub calls_per_second: u32,
}

/// The calls a turn recorded, to hand to the carrier.
pub struct Placed {
    /// The campaign, as read under its lock.
    pub campaign: Campaign,
    /// Each call with its lead.
    pub calls: Vec<(Call, Lead)>,
}

/// The campaign's agents as the pacer counts them, and how long each busy one has been busy.
async fn agent_pool(
    conn: &mut outdial_storage::Conn,
    campaign: CampaignId,
    now_ms: i64,
) -> Result<(Agents, Vec<f64>), AppError> {
    let pool = agents::of_campaign(conn, campaign).await?;
    let count = |f: fn(&AgentStatus) -> bool| pool.iter().filter(|(s, _)| f(s)).count() as u32;
    let busy_for_s = pool
        .iter()
        .filter(|(s, _)| s.is_busy())
        .map(|(_, since)| since.map_or(0.0, |t| (now_ms - t).max(0) as f64 / 1000.0))
        .collect();
    Ok((
        Agents {
            logged_in: count(|s| s.is_logged_in()),
            available: count(|s| *s == AgentStatus::Available),
            busy: count(|s| s.is_busy()),
        },
        busy_for_s,
    ))
}

/// What the turn found, for the campaign's status.
struct Outlook {
    waiting: Option<String>,
    next_call_at: Option<i64>,
}

/// Takes one turn for a running campaign at `now_ms`. `None` when the campaign is not running
/// or another instance is taking its turn.
pub async fn take(
    store: &Store,
    rules: &Rules,
    id: CampaignId,
    now_ms: i64,
) -> Result<Option<Placed>, AppError> {
    let mut tx = store.begin().await?;
    let Some(campaign) = dialing::lock_running(&mut tx, id).await? else {
        return Ok(None);
    };
    let tenant = campaign.tenant_id;
    dialing::serialize_tenant(&mut tx, tenant).await?;
    let s = &campaign.settings;
    let zone = TimeZone::get(&s.timezone).unwrap_or(TimeZone::UTC);
    let now = Timestamp::from_millisecond(now_ms).map_err(|e| AppError::Internal(e.into()))?;
    let midnight = match s.daily_call_limit {
        Some(_) => Some(
            now.to_zoned(zone.clone())
                .start_of_day()
                .map_err(|e| AppError::Internal(e.into()))?
                .timestamp()
                .as_millisecond(),
        ),
        None => None,
    };
    let counts = dialing::call_counts(&mut tx, id, midnight, now_ms).await?;
    let tenant_last_second = dialing::tenant_calls_since(&mut tx, tenant, now_ms - 999).await?;
    let as_u32 = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let (agents, busy_for_s) = if s.pacing.needs_agents() {
        agent_pool(&mut tx, id, now_ms).await?
    } else {
        (Agents::default(), Vec::new())
    };
    let predictive_lines = match s.pacing {
        // The estimator learns from calls handed to agents; until transfers record them it
        // has no history and dials one call per free agent (its cold start).
        Pacing::Predictive {
            target_abandon_percent,
            max_ratio,
        } => {
            Predictor::new(target_abandon_percent).lines(
                &agents,
                Outstanding {
                    ringing_ages_s: &[],
                    waiting: 0,
                    busy_for_s: &busy_for_s,
                },
                max_ratio,
            ) + as_u32(counts.ringing)
        }
        _ => 0,
    };
    let snapshot = Snapshot {
        now,
        in_flight: as_u32(counts.in_flight),
        ringing: as_u32(counts.ringing),
        waiting_for_agent: 0,
        agents,
        last_call_at: counts
            .last_call_at
            .and_then(|t| Timestamp::from_millisecond(t).ok()),
        placed_today: as_u32(counts.placed_since),
        placed_last_second: as_u32(tenant_last_second),
        predictive_lines,
    };
    let limits = Limits {
        max_concurrent: s.max_concurrent_calls,
        daily_limit: s.daily_call_limit,
        calls_per_second: rules.calls_per_second,
    };
    let decision = pacing::decide(&s.pacing, &limits, &snapshot);
    let gate = Gate::new(&s.calling_window, zone, &rules.local);
    let attempt_limits = AttemptLimits {
        per_lead: s.max_attempts_per_lead,
        per_24h: s.max_attempts_per_24h,
    };

    let mut want = decision.place as usize;
    let mut placed = Vec::new();
    let mut any_due = false;
    for _ in 0..SCREEN_ROUNDS {
        if want == 0 {
            break;
        }
        let due = dialing::due_leads(&mut tx, id, now_ms, SCREEN_BATCH.max(want)).await?;
        any_due |= !due.is_empty();
        let exhausted_batch = due.len() < SCREEN_BATCH.max(want);
        let phones: Vec<&str> = due.iter().map(|l| l.phone.as_str()).collect();
        let listed = dnc::listed_among(&mut tx, tenant, &phones).await?;
        let ids: Vec<LeadId> = due.iter().map(|l| l.id).collect();
        let recent = dialing::calls_since(&mut tx, &ids, now_ms - DAY_MS).await?;
        let (mut dial, mut on_list, mut exhausted, mut held) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for lead in due {
            let phone = PhoneNumber::from_trusted(lead.phone.clone());
            let lead_zone = lead.timezone.as_deref().and_then(|z| TimeZone::get(z).ok());
            let candidate = Candidate {
                phone: &phone,
                zone: lead_zone.as_ref(),
                attempts: lead.attempts,
                on_do_not_call_list: listed.contains(&lead.phone),
                last_24h: recent.get(&lead.id).and_then(|&(n, first)| {
                    Timestamp::from_millisecond(first).ok().map(|t| (n, t))
                }),
            };
            match screen(&candidate, attempt_limits, &gate, now) {
                Verdict::Dial if dial.len() < want => dial.push(lead),
                // Passed, but the pacer wants no more now: it stays due.
                Verdict::Dial => {}
                Verdict::DoNotCall => on_list.push(lead.id),
                Verdict::Exhausted => exhausted.push(lead.id),
                Verdict::Hold { why, until } => {
                    held.push((lead.id, until.as_millisecond(), why.to_string()));
                }
            }
        }
        metrics::counter!("outdial_dialer_leads_screened_total", "verdict" => "do_not_call")
            .increment(on_list.len() as u64);
        metrics::counter!("outdial_dialer_leads_screened_total", "verdict" => "exhausted")
            .increment(exhausted.len() as u64);
        metrics::counter!("outdial_dialer_leads_screened_total", "verdict" => "held")
            .increment(held.len() as u64);
        dialing::mark_do_not_call(&mut tx, &on_list, now_ms).await?;
        dialing::exhaust(&mut tx, &exhausted, now_ms).await?;
        dialing::reschedule(&mut tx, &held, now_ms).await?;
        let dial_ids: Vec<LeadId> = dial.iter().map(|l| l.id).collect();
        let claimed = dialing::claim(&mut tx, &dial_ids, now_ms).await?;
        for lead in dial.into_iter().filter(|l| claimed.contains(&l.id)) {
            let from = caller_id(s, now_ms + 1000 * placed.len() as i64)?;
            let call = calls::create(
                &mut tx,
                tenant,
                &calls::NewCall {
                    campaign: Some(id),
                    lead: Some(lead.id),
                    call_type: "campaign",
                    from: &from,
                    to: &lead.phone,
                },
                now_ms,
            )
            .await?;
            placed.push((call, lead));
        }
        want = want.saturating_sub(claimed.len());
        if exhausted_batch {
            break;
        }
    }

    let current = dialing::waiting(&mut tx, tenant, id).await?;
    let outlook = if let Some((why, at)) = decision.wait.filter(|_| placed.is_empty()) {
        Outlook {
            waiting: Some(why.describe().to_string()),
            next_call_at: at.map(|t| t.as_millisecond()),
        }
    } else if placed.is_empty() && decision.place > 0 {
        // The pacer wanted calls, but no lead could be called now.
        let next = dialing::next_due(&mut tx, id).await?;
        let has_leads = leads::campaign_has_leads(&mut tx, id).await?;
        if !has_leads {
            // Started before its list arrived: it waits for leads rather than completing.
            Outlook {
                waiting: Some("the campaign has no leads yet; add or import some".into()),
                next_call_at: None,
            }
        } else if next.is_none()
            && !any_due
            && counts.in_flight == 0
            && !dialing::has_dialing(&mut tx, id).await?
        {
            campaigns::set_status(
                &mut tx,
                tenant,
                id,
                CampaignStatus::Running,
                CampaignStatus::Completed,
                Some(COMPLETED),
                now_ms,
            )
            .await?;
            tracing::info!(tenant_id = %tenant, campaign_id = %id, "campaign completed");
            Outlook {
                waiting: None,
                next_call_at: None,
            }
        } else {
            Outlook {
                waiting: Some(match &next {
                    Some((_, Some(why))) => why.clone(),
                    Some((_, None)) => "no lead is due yet (retry delays)".into(),
                    None => "waiting for the calls in flight to end".into(),
                }),
                next_call_at: next.map(|(at, _)| at),
            }
        }
    } else {
        Outlook {
            waiting: None,
            next_call_at: None,
        }
    };
    if current != (outlook.waiting.clone(), outlook.next_call_at) {
        dialing::set_waiting(
            &mut tx,
            id,
            outlook.waiting.as_deref(),
            outlook.next_call_at,
        )
        .await?;
    }
    tx.commit().await.map_err(StorageError::from)?;
    metrics::counter!("outdial_dialer_calls_placed_total").increment(placed.len() as u64);
    Ok(Some(Placed {
        campaign,
        calls: placed,
    }))
}
