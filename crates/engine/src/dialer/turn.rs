//! One campaign's turn: in one transaction that only this worker holds for the campaign (and
//! its tenant), count its calls, ask the pacer how many to place, take that many due leads
//! that pass every gate, claim them and record their calls. The calls are handed to the
//! carrier after the commit, so a call exists in the database before it exists anywhere else.

use crate::error::EngineError;
use crate::telephony::place::caller_id;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use outdial_domain::agent::AgentStatus;
use outdial_domain::campaign::CampaignStatus;
use outdial_domain::campaign::Pacing;
use outdial_domain::hours::{Gate, LocalHours};
use outdial_domain::lead::{AttemptLimits, Candidate, Verdict, screen};
use outdial_domain::pacing::{self, Agents, Decision, Limits, Outstanding, Snapshot};
use outdial_domain::{CampaignId, LeadId};
use outdial_storage::calls::{self, Call};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::dialing::CallCounts;
use outdial_storage::leads::Lead;
use outdial_storage::{Conn, StorageError, Store, agents, dialing, dnc, leads};

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
    /// What predictive campaigns learned so far.
    pub history: super::history::History,
}

/// The calls a turn recorded, to hand to the carrier.
pub struct Placed {
    /// The campaign, as read under its lock.
    pub campaign: Campaign,
    /// Each call with its lead.
    pub calls: Vec<(Call, Lead)>,
    /// The campaign completed in this turn.
    pub completed: bool,
}

/// The campaign's agents as the pacer counts them, and how long each busy one has been busy.
async fn agent_pool(
    conn: &mut Conn,
    campaign: CampaignId,
    now_ms: i64,
) -> Result<(Agents, Vec<f64>), EngineError> {
    let pool = agents::of_campaign(conn, campaign).await?;
    let count = |f: fn(&AgentStatus) -> bool| pool.iter().filter(|(s, ..)| f(s)).count() as u32;
    let busy_for_s = pool
        .iter()
        .filter(|(s, ..)| s.is_busy())
        .map(|(_, since, _)| since.map_or(0.0, |t| (now_ms - t).max(0) as f64 / 1000.0))
        .collect();
    Ok((
        Agents {
            logged_in: count(|s| s.is_logged_in()),
            available: count(|s| *s == AgentStatus::Available),
            busy: count(|s| s.is_busy()),
            offered: pool
                .iter()
                .filter(|(s, _, offered)| s.is_busy() && *offered)
                .count() as u32,
        },
        busy_for_s,
    ))
}

/// What the turn found, for the campaign's status.
#[derive(PartialEq)]
struct Outlook {
    waiting: Option<String>,
    next_call_at: Option<i64>,
}

impl Outlook {
    const CALLING: Outlook = Outlook {
        waiting: None,
        next_call_at: None,
    };
}

/// Takes one turn for a running campaign at `now_ms`. `None` when the campaign is not running
/// or another instance is taking its turn.
pub async fn take(
    store: &Store,
    rules: &Rules,
    id: CampaignId,
    now_ms: i64,
) -> Result<Option<Placed>, EngineError> {
    let mut tx = store.begin().await?;
    let Some(campaign) = dialing::lock_running(&mut tx, id).await? else {
        return Ok(None);
    };
    dialing::serialize_tenant(&mut tx, campaign.tenant_id).await?;
    let (counts, decision) = pace(&mut tx, &campaign, rules, now_ms).await?;
    let (placed, any_due) = claim_due(&mut tx, &campaign, rules, decision.place, now_ms).await?;
    let mut completed = false;
    let outlook = if placed.is_empty() && decision.place > 0 {
        // The pacer allowed calls, but no lead could be called now: that is the reason, not
        // a cap that held the pacer below what it wanted.
        let (outlook, done) =
            idle(&mut tx, &campaign, rules, counts.in_flight, any_due, now_ms).await?;
        completed = done;
        outlook
    } else if let Some((why, at)) = decision.wait.filter(|_| placed.is_empty()) {
        truthful(&mut tx, &campaign, rules, why, at, now_ms).await?
    } else {
        Outlook::CALLING
    };
    let (waiting, next_call_at) = dialing::waiting(&mut tx, campaign.tenant_id, id).await?;
    if (Outlook {
        waiting,
        next_call_at,
    }) != outlook
    {
        campaigns::set_waiting(
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
        completed,
    }))
}

/// The pacer's reason for placing nothing, checked against the moment: a cap that holds no
/// call back (no lead is due anyway) gives way to why no lead is due; the daily limit says
/// when the next day's calling opens.
async fn truthful(
    tx: &mut Conn,
    campaign: &Campaign,
    rules: &Rules,
    why: pacing::Wait,
    at: Option<Timestamp>,
    now_ms: i64,
) -> Result<Outlook, EngineError> {
    match why {
        pacing::Wait::CallsPerSecond | pacing::Wait::Interval => {
            let next = dialing::next_due(tx, campaign.id).await?;
            if next.as_ref().is_none_or(|n| n.at > now_ms) {
                return outlook_of(campaign, rules, next);
            }
        }
        pacing::Wait::DailyLimit => {
            let zone = zone(campaign);
            let now = Timestamp::from_millisecond(now_ms)?;
            let tomorrow = now
                .to_zoned(zone.clone())
                .tomorrow()?
                .start_of_day()?
                .timestamp();
            return Ok(Outlook {
                waiting: Some(why.describe().to_string()),
                next_call_at: campaign
                    .settings
                    .calling_window
                    .next_opening(&zone, tomorrow)
                    .map(|t| t.as_millisecond()),
            });
        }
        _ => {}
    }
    Ok(Outlook {
        waiting: Some(why.describe().to_string()),
        next_call_at: at.map(|t| t.as_millisecond()),
    })
}

/// Counts the campaign's calls and agents and asks the pacer what to do now.
async fn pace(
    tx: &mut Conn,
    campaign: &Campaign,
    rules: &Rules,
    now_ms: i64,
) -> Result<(CallCounts, Decision), EngineError> {
    let s = &campaign.settings;
    let now = Timestamp::from_millisecond(now_ms).map_err(|e| EngineError::Internal(e.into()))?;
    let predictive = matches!(s.pacing, Pacing::Predictive { .. });
    let midnight = if s.daily_call_limit.is_some() || predictive {
        Some(
            now.to_zoned(zone(campaign))
                .start_of_day()
                .map_err(|e| EngineError::Internal(e.into()))?
                .timestamp()
                .as_millisecond(),
        )
    } else {
        None
    };
    let counts = dialing::call_counts(tx, campaign.id, midnight, now_ms).await?;
    let tenant_last_second =
        dialing::tenant_calls_since(tx, campaign.tenant_id, now_ms - 999).await?;
    let as_u32 = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let (agents, busy_for_s) = if s.pacing.needs_agents() {
        agent_pool(tx, campaign.id, now_ms).await?
    } else {
        (Agents::default(), Vec::new())
    };
    let waiting_for_agent = if s.pacing.needs_agents() {
        as_u32(outdial_storage::transfers::waiting_count(tx, campaign.id).await?)
    } else {
        0
    };
    let predictive_lines = match s.pacing {
        // The estimator learns from the campaign's recent dials and the calls its agents
        // handled; without enough of them it dials one call per free agent (its cold start).
        Pacing::Predictive {
            target_abandon_percent,
            max_ratio,
        } => rules
            .history
            .predictor(
                tx,
                campaign.id,
                target_abandon_percent,
                midnight.unwrap_or(now_ms),
                f64::from(s.wrap_up_seconds),
                now_ms,
            )
            .await?
            .lines(
                &agents,
                Outstanding {
                    ringing_ages_s: &vec![0.0; as_u32(counts.ringing) as usize],
                    waiting: waiting_for_agent,
                    busy_for_s: &busy_for_s,
                },
                max_ratio,
            ),
        _ => 0,
    };
    let snapshot = Snapshot {
        now,
        in_flight: as_u32(counts.in_flight),
        ringing: as_u32(counts.ringing),
        waiting_for_agent,
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
    Ok((counts, pacing::decide(&s.pacing, &limits, &snapshot)))
}

/// The campaign's time zone (validated with its settings; UTC should a stored one vanish).
fn zone(campaign: &Campaign) -> TimeZone {
    TimeZone::get(&campaign.settings.timezone).unwrap_or(TimeZone::UTC)
}

/// Screens due leads until `want` pass or none is due: held leads are rescheduled, listed ones
/// marked do-not-call, spent ones exhausted, and those that pass claimed with their calls
/// recorded. Returns the calls, and whether any lead was due at all.
async fn claim_due(
    tx: &mut Conn,
    campaign: &Campaign,
    rules: &Rules,
    want: u32,
    now_ms: i64,
) -> Result<(Vec<(Call, Lead)>, bool), EngineError> {
    let (id, tenant, s) = (campaign.id, campaign.tenant_id, &campaign.settings);
    let now = Timestamp::from_millisecond(now_ms).map_err(|e| EngineError::Internal(e.into()))?;
    let gate = Gate::new(&s.calling_window, zone(campaign), &rules.local);
    let limits = AttemptLimits {
        per_lead: s.max_attempts_per_lead,
        per_24h: s.max_attempts_per_24h,
    };
    let mut want = want as usize;
    let mut placed = Vec::new();
    let mut any_due = false;
    for _ in 0..SCREEN_ROUNDS {
        if want == 0 {
            break;
        }
        let batch = SCREEN_BATCH.max(want);
        let due = dialing::due_leads(tx, id, now_ms, batch).await?;
        any_due |= !due.is_empty();
        let last_batch = due.len() < batch;
        let phones: Vec<&str> = due.iter().map(|l| l.phone.as_str()).collect();
        let listed = dnc::listed_among(tx, tenant, &phones).await?;
        let ids: Vec<LeadId> = due.iter().map(|l| l.id).collect();
        let recent = dialing::calls_since(tx, &ids, now_ms - DAY_MS).await?;
        let (mut dial, mut on_list, mut exhausted, mut held) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for lead in due {
            let lead_zone = lead.timezone.as_deref().and_then(|z| TimeZone::get(z).ok());
            let candidate = Candidate {
                phone: &lead.phone,
                zone: lead_zone.as_ref(),
                attempts: lead.attempts,
                on_do_not_call_list: listed.contains(lead.phone.as_str()),
                last_24h: recent.get(&lead.id).and_then(|&(n, first)| {
                    Timestamp::from_millisecond(first).ok().map(|t| (n, t))
                }),
            };
            match screen(&candidate, limits, &gate, now) {
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
        for (verdict, n) in [
            ("do_not_call", on_list.len()),
            ("exhausted", exhausted.len()),
            ("held", held.len()),
        ] {
            metrics::counter!("outdial_dialer_leads_screened_total", "verdict" => verdict)
                .increment(n as u64);
        }
        leads::mark_do_not_call(tx, &on_list, now_ms).await?;
        leads::exhaust(tx, &exhausted, now_ms).await?;
        leads::reschedule(tx, &held, now_ms).await?;
        let dial_ids: Vec<LeadId> = dial.iter().map(|l| l.id).collect();
        let claimed = leads::claim(tx, &dial_ids, now_ms).await?;
        for lead in dial.into_iter().filter(|l| claimed.contains(&l.id)) {
            let from = caller_id(s, now_ms + 1000 * placed.len() as i64)?;
            let call = calls::create(
                tx,
                tenant,
                &calls::NewCall {
                    campaign: Some(id),
                    lead: Some(lead.id),
                    call_type: "campaign",
                    from: &from,
                    to: &lead.phone,
                    extension: lead.extension.as_deref(),
                },
                now_ms,
            )
            .await?;
            placed.push((call, lead));
        }
        want = want.saturating_sub(claimed.len());
        if last_batch {
            break;
        }
    }
    Ok((placed, any_due))
}

/// Why a campaign that wanted calls placed none: its next lead is held (by which rule, until
/// when), not due yet, or it has none yet; or, when nothing is left to call or in flight, it
/// completes.
async fn idle(
    tx: &mut Conn,
    campaign: &Campaign,
    rules: &Rules,
    in_flight: i64,
    any_due: bool,
    now_ms: i64,
) -> Result<(Outlook, bool), EngineError> {
    let id = campaign.id;
    let reminders =
        campaign.campaign_type == outdial_domain::campaign::CampaignType::AppointmentReminder;
    if !leads::campaign_has_leads(tx, id).await? {
        if reminders {
            return Ok((waiting_for_appointments(campaign), false));
        }
        // Started before its list arrived: it waits for leads rather than completing.
        return Ok((
            Outlook {
                waiting: Some("the campaign has no leads yet; add or import some".into()),
                next_call_at: None,
            },
            false,
        ));
    }
    let next = dialing::next_due(tx, id).await?;
    // A reminder campaign never runs out: tomorrow's appointments bring new leads.
    if reminders && next.is_none() {
        return Ok((waiting_for_appointments(campaign), false));
    }
    if next.is_none() && !any_due && in_flight == 0 && !dialing::has_dialing(tx, id).await? {
        campaigns::set_status(
            tx,
            campaign.tenant_id,
            id,
            CampaignStatus::Running,
            CampaignStatus::Completed,
            Some(COMPLETED),
            now_ms,
        )
        .await?;
        tracing::info!(tenant_id = %campaign.tenant_id, campaign_id = %id, "campaign completed");
        return Ok((Outlook::CALLING, true));
    }
    Ok((outlook_of(campaign, rules, next)?, false))
}

/// What a reminder campaign with nobody to call waits for.
fn waiting_for_appointments(campaign: &Campaign) -> Outlook {
    Outlook {
        waiting: Some(format!(
            "waiting for appointments starting within {} hours",
            campaign.settings.reminders.hours_before
        )),
        next_call_at: None,
    }
}

/// Why a campaign with nothing to call now waits, and until when: the next due lead's time,
/// moved on to when its hours and the campaign's window allow (a retry due at 22:00 is called
/// at 09:00, and says so).
fn outlook_of(
    campaign: &Campaign,
    rules: &Rules,
    next: Option<dialing::NextDue>,
) -> Result<Outlook, EngineError> {
    let Some(next) = next else {
        return Ok(Outlook {
            waiting: Some("waiting for the calls in flight to end".into()),
            next_call_at: None,
        });
    };
    let gate = Gate::new(
        &campaign.settings.calling_window,
        zone(campaign),
        &rules.local,
    );
    let lead_zone = next.timezone.as_deref().and_then(|z| TimeZone::get(z).ok());
    let due = Timestamp::from_millisecond(next.at)?;
    let (at, held) = match gate.check(&next.phone, lead_zone.as_ref(), due) {
        Ok(()) => (Some(next.at), None),
        Err(blocked) => (
            blocked.until.map(|t| t.as_millisecond()),
            Some(blocked.reason.to_string()),
        ),
    };
    Ok(Outlook {
        waiting: Some(match (next.why, held) {
            (Some(why), _) => why,
            (None, Some(held)) => format!("no lead is due yet (retry delays), then {held}"),
            (None, None) => "no lead is due yet (retry delays)".into(),
        }),
        next_call_at: at,
    })
}
