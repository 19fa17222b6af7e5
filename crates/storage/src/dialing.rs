//! What the dialer reads and writes: the campaigns it works, how many calls each has placed and
//! has in flight, the next leads that are due (claimed so no other worker takes them), leads
//! held back by a rule, and claims or calls left open by a crash or a lost callback.
//!
//! Every function here is used by the dialer, which works for all tenants: the ids it passes
//! come from rows it read, never from a request.

use crate::batch::{self, Batch};
use crate::calls::{self, Call};
use crate::campaigns::{self, Campaign};
use crate::dialect::Dialect;
use crate::leads::{self, Lead};
use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::call::CallSid;
use outdial_domain::{CallId, CampaignId, LeadId, PhoneNumber, TenantId};
use std::collections::HashMap;

/// Campaigns the dialer looks at: running ones, and scheduled ones whose start may have come.
pub async fn active_campaigns(conn: &mut Conn) -> Result<Vec<Campaign>> {
    let sql = format!(
        "SELECT {} FROM campaigns WHERE status IN ('running', 'scheduled') ORDER BY id",
        campaigns::COLUMNS
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?;
    rows.iter().map(campaigns::from_row).collect()
}

/// Takes the right to pace a running campaign for the rest of the transaction: on PostgreSQL
/// the campaign's row lock, skipped (`None`) when another instance holds it, so calls are
/// counted and placed by one instance at a time and the campaign's caps hold across instances.
/// SQLite's write transaction already excludes every other writer. `None` also when the
/// campaign is no longer running.
pub async fn lock_running(conn: &mut Conn, id: CampaignId) -> Result<Option<Campaign>> {
    let lock = Dialect::of(conn).lock_free_rows();
    let sql = format!(
        "SELECT {} FROM campaigns WHERE id = $1 AND status = 'running'{lock}",
        campaigns::COLUMNS
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(campaigns::from_row).transpose()
}

/// A campaign's calls as the pacer counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// Calls not ended yet (placed, ringing or talking).
    pub in_flight: i64,
    /// Of those, calls not answered yet.
    pub ringing: i64,
    /// Calls created since `since` (the campaign's midnight), when asked for.
    pub placed_since: i64,
    /// Calls created in the last second.
    pub placed_last_second: i64,
    /// When the last call was created, epoch ms.
    pub last_call_at: Option<i64>,
}

/// Counts a campaign's calls. `since` is the start of the campaign's day when it has a daily
/// limit (otherwise the day's count is not needed, and not paid for).
pub async fn call_counts(
    conn: &mut Conn,
    campaign: CampaignId,
    since: Option<i64>,
    now: i64,
) -> Result<CallCounts> {
    let open = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN answered_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS ringing \
         FROM calls WHERE campaign_id = $1 AND ended_at IS NULL",
    )
    .bind(campaign.0)
    .fetch_one(&mut *conn)
    .await?;
    let last = sqlx::query(
        "SELECT created_at FROM calls WHERE campaign_id = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(campaign.0)
    .fetch_optional(&mut *conn)
    .await?;
    let count_since = |from: i64| {
        sqlx::query("SELECT COUNT(*) AS n FROM calls WHERE campaign_id = $1 AND created_at >= $2")
            .bind(campaign.0)
            .bind(from)
    };
    let last_second = count_since(now - 999).fetch_one(&mut *conn).await?;
    // The day's count leaves out calls the carrier never made: they were never calls.
    let placed_since = match since {
        Some(from) => get(
            &sqlx::query(
                "SELECT COUNT(*) AS n FROM calls WHERE campaign_id = $1 AND created_at >= $2 \
                 AND never_placed = 0",
            )
            .bind(campaign.0)
            .bind(from)
            .fetch_one(&mut *conn)
            .await?,
            "n",
        )?,
        None => 0,
    };
    Ok(CallCounts {
        in_flight: get(&open, "n")?,
        ringing: get(&open, "ringing")?,
        placed_since,
        placed_last_second: get(&last_second, "n")?,
        last_call_at: last.as_ref().map(|r| get(r, "created_at")).transpose()?,
    })
}

/// The priorities, most urgent first (see `Priority::rank`).
const RANKS: [i64; 4] = [3, 2, 1, 0];

/// Up to `limit` leads of a campaign that are due at `now`, most urgent priority first and,
/// within one, longest due first. Inside a transaction on PostgreSQL their rows are locked and
/// rows another instance holds are skipped, so two instances never take the same lead. Each
/// priority is one index range: the cost does not grow with the campaign's size.
pub async fn due_leads(
    conn: &mut Conn,
    campaign: CampaignId,
    now: i64,
    limit: usize,
) -> Result<Vec<Lead>> {
    let lock = Dialect::of(conn).lock_free_rows();
    let sql = format!(
        "SELECT {} FROM leads WHERE campaign_id = $1 AND priority = $2 AND status IN ('new', 'retry') \
         AND do_not_call = 0 AND next_attempt_at <= $3 ORDER BY next_attempt_at, id LIMIT $4{lock}",
        leads::COLUMNS
    );
    let mut out = Vec::new();
    for rank in RANKS {
        if out.len() >= limit {
            break;
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(campaign.0)
            .bind(rank)
            .bind(now)
            .bind((limit - out.len()) as i64)
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            out.push(leads::from_row(row)?);
        }
    }
    Ok(out)
}

/// When the campaign's next lead falls due, and why it waits until then if a rule holds it:
/// `None` when the campaign has no callable lead left.
pub async fn next_due(conn: &mut Conn, campaign: CampaignId) -> Result<Option<NextDue>> {
    let mut next: Option<NextDue> = None;
    for rank in RANKS {
        let row = sqlx::query(
            "SELECT next_attempt_at, hold_reason, phone, timezone FROM leads WHERE campaign_id = $1 \
             AND priority = $2 AND status IN ('new', 'retry') AND do_not_call = 0 \
             ORDER BY next_attempt_at LIMIT 1",
        )
        .bind(campaign.0)
        .bind(rank)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            let at: i64 = get(&row, "next_attempt_at")?;
            if next.as_ref().is_none_or(|n| at < n.at) {
                next = Some(NextDue {
                    at,
                    why: get(&row, "hold_reason")?,
                    phone: PhoneNumber::from_trusted(get(&row, "phone")?),
                    timezone: get(&row, "timezone")?,
                });
            }
        }
    }
    Ok(next)
}

/// The lead a campaign calls next: when it is due, why it waits (if a rule holds it), and
/// what decides its hours.
#[derive(Debug, Clone, PartialEq)]
pub struct NextDue {
    /// Due at, epoch ms.
    pub at: i64,
    /// The rule that holds it, when one does.
    pub why: Option<String>,
    /// Its number.
    pub phone: PhoneNumber,
    /// Its own time zone.
    pub timezone: Option<String>,
}

/// Whether any lead of the campaign is being dialed.
pub async fn has_dialing(conn: &mut Conn, campaign: CampaignId) -> Result<bool> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM leads WHERE campaign_id = $1 AND status = 'dialing' LIMIT 1",
    )
    .bind(campaign.0)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Calls the carrier accepted for each lead since `since`: how many, and the earliest.
pub async fn calls_since(
    conn: &mut Conn,
    ids: &[LeadId],
    since: i64,
) -> Result<HashMap<LeadId, (i64, i64)>> {
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT lead_id, COUNT(*) AS n, MIN(created_at) AS first FROM calls \
         WHERE lead_id IN (SELECT CAST(w.value AS BIGINT) FROM {}) AND created_at >= $2 \
         AND call_sid IS NOT NULL AND never_placed = 0 GROUP BY lead_id",
        batch.texts("$1", "w")
    );
    let mut out = HashMap::new();
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(batch::lead_ids(chunk)?)
            .bind(since)
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert(
                LeadId(get(&row, "lead_id")?),
                (get(&row, "n")?, get(&row, "first")?),
            );
        }
    }
    Ok(out)
}

/// Calls to `phone` in the tenant since `since` that reached the carrier, and when the first
/// of them was made: the per-24-hours limit for a number called without a lead.
pub async fn number_calls_since(
    conn: &mut Conn,
    tenant: TenantId,
    phone: &PhoneNumber,
    since: i64,
) -> Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS first FROM calls \
         WHERE tenant_id = $1 AND to_number = $2 AND created_at >= $3 \
         AND call_sid IS NOT NULL AND never_placed = 0",
    )
    .bind(tenant.0)
    .bind(phone.as_str())
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let n: i64 = get(&row, "n")?;
    Ok(if n == 0 {
        None
    } else {
        Some((n, get(&row, "first")?))
    })
}

/// A running campaign's waiting reason and next call time, as last recorded.
pub async fn waiting(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
) -> Result<(Option<String>, Option<i64>)> {
    let row = sqlx::query(
        "SELECT waiting_reason, next_call_at FROM campaigns WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(campaign.0)
    .fetch_optional(conn)
    .await?
    .ok_or(crate::StorageError::NotFound)?;
    Ok((get(&row, "waiting_reason")?, get(&row, "next_call_at")?))
}

/// Calls not ended whose last news is older than `before`, oldest first: their callbacks may
/// have been lost, so the carrier is asked about them.
pub async fn quiet_calls(conn: &mut Conn, before: i64, limit: i64) -> Result<Vec<Call>> {
    let sql = format!(
        "SELECT {} FROM calls WHERE ended_at IS NULL AND updated_at < $1 ORDER BY updated_at LIMIT $2",
        calls::COLUMNS
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(before)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(calls::from_row).collect()
}

/// An arbitrary constant naming the advisory locks that serialise one tenant's dialing.
const PG_TENANT_LOCK: i32 = 0x6f64;

/// Makes the rest of the transaction the only one placing calls for `tenant` on PostgreSQL
/// (a transaction-scoped advisory lock), so the tenant's calls-per-second rate holds across
/// instances. SQLite's write transaction already does.
pub async fn serialize_tenant(conn: &mut Conn, tenant: TenantId) -> Result<()> {
    if Dialect::of(conn) == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1, CAST($2 AS INTEGER))")
            .bind(PG_TENANT_LOCK)
            .bind(tenant.0)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Calls the tenant created since `since`, across its campaigns and hand-placed calls.
pub async fn tenant_calls_since(conn: &mut Conn, tenant: TenantId, since: i64) -> Result<i64> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM calls WHERE tenant_id = $1 AND created_at >= $2")
            .bind(tenant.0)
            .bind(since)
            .fetch_one(conn)
            .await?;
    get(&row, "n")
}

/// Which of the carrier's call ids some call of ours other than `except` already carries.
pub async fn known_sids(
    conn: &mut Conn,
    sids: &[&CallSid],
    except: CallId,
) -> Result<std::collections::HashSet<CallSid>> {
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT call_sid FROM calls WHERE call_sid IN (SELECT w.value FROM {}) AND id <> $2",
        batch.texts("$1", "w")
    );
    let mut out = std::collections::HashSet::new();
    for chunk in sids.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(batch::to_json(chunk)?)
            .bind(except.0)
            .fetch_all(&mut *conn)
            .await?
        {
            out.extend(crate::row::call_sid(&row, "call_sid")?);
        }
    }
    Ok(out)
}

/// Calls not ended yet, across every tenant (what a shutdown waits for).
pub async fn open_calls(conn: &mut Conn) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM calls WHERE ended_at IS NULL")
        .fetch_one(conn)
        .await?;
    get(&row, "n")
}

/// A campaign's calls so far: how many, how many are in flight, and how many ended with each
/// outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallTotals {
    /// Every call placed.
    pub made: i64,
    /// Calls not ended yet.
    pub in_flight: i64,
    /// Ended calls by outcome name.
    pub outcomes: std::collections::BTreeMap<String, i64>,
}

/// Totals a campaign's calls.
pub async fn call_totals(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
) -> Result<CallTotals> {
    let rows = sqlx::query(
        "SELECT outcome, COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN ended_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS open \
         FROM calls WHERE tenant_id = $1 AND campaign_id = $2 GROUP BY outcome",
    )
    .bind(tenant.0)
    .bind(campaign.0)
    .fetch_all(conn)
    .await?;
    let mut totals = CallTotals::default();
    for row in &rows {
        let n: i64 = get(row, "n")?;
        totals.made += n;
        totals.in_flight += get::<i64>(row, "open")?;
        if let Some(outcome) = get::<Option<String>>(row, "outcome")? {
            totals.outcomes.insert(outcome, n);
        }
    }
    Ok(totals)
}

/// Leads of a campaign still to be called: new, retry or dialing, not do-not-call.
pub async fn callable_count(conn: &mut Conn, campaign: CampaignId) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM leads WHERE campaign_id = $1 AND status IN ('new', 'retry', 'dialing') AND do_not_call = 0",
    )
    .bind(campaign.0)
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}

/// The latest moment anything was recorded about calls or leads: where an accelerated clock
/// resumes after a restart, so it never runs backwards.
pub async fn latest_activity(conn: &mut Conn) -> Result<Option<i64>> {
    let row = sqlx::query(
        "SELECT (SELECT MAX(updated_at) FROM calls) AS calls, (SELECT MAX(updated_at) FROM leads) AS leads",
    )
    .fetch_one(conn)
    .await?;
    let calls: Option<i64> = get(&row, "calls")?;
    let leads: Option<i64> = get(&row, "leads")?;
    Ok(calls.max(leads))
}
