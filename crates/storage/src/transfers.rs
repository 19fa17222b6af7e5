//! Warm transfers and the agent legs tried for each: which caller waits, which agent is offered
//! the call, who took it, and what they recorded afterwards. Every change is a compare-and-set
//! on the status it expects, so two instances (or a webhook racing a deadline) cannot both win.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::transfer::{AgentDisposition, DeadlineKind, TransferEnd, TransferStatus};
use outdial_domain::{CallId, CampaignId, LeadId, TenantId, UserId};
use serde::Serialize;

/// A caller handed to agents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    /// Its id; also names the conference (`transfer-{id}`).
    pub id: i64,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The caller's call.
    pub call_id: CallId,
    /// The campaign.
    pub campaign_id: Option<CampaignId>,
    /// The lead.
    pub lead_id: Option<LeadId>,
    /// Where it is.
    pub status: TransferStatus,
    /// How it ended.
    pub outcome: Option<TransferEnd>,
    /// The agent offered the call now, then the one who took it.
    pub agent_user_id: Option<UserId>,
    /// When the waiting caller's time is up, epoch ms.
    pub deadline_at: i64,
    /// Which limit that is.
    pub deadline_kind: DeadlineKind,
    /// What the agent recorded.
    pub disposition: Option<AgentDisposition>,
    /// The agent's notes.
    pub notes: Option<String>,
    /// When the lead asked to be called back, epoch ms.
    pub callback_at: Option<i64>,
    /// When the disposition was recorded, epoch ms.
    pub disposed_at: Option<i64>,
    /// When the caller was put on hold, epoch ms.
    pub created_at: i64,
    /// When an agent was bridged in, epoch ms.
    pub connected_at: Option<i64>,
    /// When it ended, epoch ms.
    pub ended_at: Option<i64>,
}

const COLUMNS: &str = "id, tenant_id, call_id, campaign_id, lead_id, status, outcome, agent_user_id, \
    deadline_at, deadline_kind, disposition, notes, callback_at, disposed_at, created_at, connected_at, ended_at";

fn corrupt(what: &str, v: &str) -> StorageError {
    StorageError::Corrupt(format!("transfer {what} '{v}'"))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Transfer> {
    let status: String = get(row, "status")?;
    let outcome: Option<String> = get(row, "outcome")?;
    let kind: String = get(row, "deadline_kind")?;
    let disposition: Option<String> = get(row, "disposition")?;
    Ok(Transfer {
        id: get(row, "id")?,
        tenant_id: TenantId(get(row, "tenant_id")?),
        call_id: CallId(get(row, "call_id")?),
        campaign_id: get::<Option<i64>>(row, "campaign_id")?.map(CampaignId),
        lead_id: get::<Option<i64>>(row, "lead_id")?.map(LeadId),
        status: TransferStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        outcome: outcome
            .map(|o| TransferEnd::parse(&o).ok_or_else(|| corrupt("outcome", &o)))
            .transpose()?,
        agent_user_id: get::<Option<i64>>(row, "agent_user_id")?.map(UserId),
        deadline_at: get(row, "deadline_at")?,
        deadline_kind: DeadlineKind::parse(&kind).ok_or_else(|| corrupt("deadline", &kind))?,
        disposition: disposition
            .map(|d| AgentDisposition::parse(&d).ok_or_else(|| corrupt("disposition", &d)))
            .transpose()?,
        notes: get(row, "notes")?,
        callback_at: get(row, "callback_at")?,
        disposed_at: get(row, "disposed_at")?,
        created_at: get(row, "created_at")?,
        connected_at: get(row, "connected_at")?,
        ended_at: get(row, "ended_at")?,
    })
}

/// A caller about to wait for an agent.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    /// The caller's call.
    pub call_id: CallId,
    /// The campaign.
    pub campaign: Option<CampaignId>,
    /// The lead.
    pub lead: Option<LeadId>,
    /// When the caller's time is up.
    pub deadline_at: i64,
    /// Which limit that is.
    pub deadline_kind: DeadlineKind,
}

/// Starts a transfer for a call, or returns the one it already has (the carrier repeats a
/// voice request it got no answer to).
pub async fn start(
    conn: &mut Conn,
    tenant: TenantId,
    new: &NewTransfer,
    now: i64,
) -> Result<Transfer> {
    sqlx::query(
        "INSERT INTO transfers (tenant_id, call_id, campaign_id, lead_id, status, deadline_at, deadline_kind, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'waiting', $5, $6, $7, $7) ON CONFLICT (call_id) DO NOTHING",
    )
    .bind(tenant.0)
    .bind(new.call_id.0)
    .bind(new.campaign.map(|c| c.0))
    .bind(new.lead.map(|l| l.0))
    .bind(new.deadline_at)
    .bind(new.deadline_kind.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    of_call(conn, tenant, new.call_id)
        .await?
        .ok_or(StorageError::NotFound)
}

/// Reads a transfer of `tenant`.
pub async fn get_one(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Transfer> {
    let sql = format!("SELECT {COLUMNS} FROM transfers WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Reads a transfer of `tenant` to change it, holding it until the transaction ends: a row
/// lock on PostgreSQL, the write lock on SQLite (taken by a no-op write), so two instances or
/// a webhook racing a deadline act one after the other.
pub async fn lock(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Transfer> {
    let done = sqlx::query(
        "UPDATE transfers SET updated_at = updated_at WHERE id = $1 AND tenant_id = $2",
    )
    .bind(id)
    .bind(tenant.0)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    get_one(conn, tenant, id).await
}

/// The transfer of a call, if it has one.
pub async fn of_call(conn: &mut Conn, tenant: TenantId, call: CallId) -> Result<Option<Transfer>> {
    let sql = format!("SELECT {COLUMNS} FROM transfers WHERE tenant_id = $1 AND call_id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(call.0)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The agent's latest transfer that is not yet disposed of: the call they are on, or the one
/// they are wrapping up.
pub async fn open_for_agent(
    conn: &mut Conn,
    tenant: TenantId,
    agent: UserId,
) -> Result<Option<Transfer>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM transfers WHERE tenant_id = $1 AND agent_user_id = $2 \
         AND connected_at IS NOT NULL AND disposed_at IS NULL ORDER BY id DESC LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(agent.0)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Moves a transfer on from `from`: `Conflict` when it is no longer there.
pub async fn advance(
    conn: &mut Conn,
    transfer: &Transfer,
    from: TransferStatus,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE transfers SET status = $1, outcome = $2, agent_user_id = $3, deadline_at = $4, \
         connected_at = $5, ended_at = $6, updated_at = $7, deadline_kind = $11 \
         WHERE id = $8 AND tenant_id = $9 AND status = $10",
    )
    .bind(transfer.status.as_str())
    .bind(transfer.outcome.map(|o| o.as_str()))
    .bind(transfer.agent_user_id.map(|u| u.0))
    .bind(transfer.deadline_at)
    .bind(transfer.connected_at)
    .bind(transfer.ended_at)
    .bind(now)
    .bind(transfer.id)
    .bind(transfer.tenant_id.0)
    .bind(from.as_str())
    .bind(transfer.deadline_kind.as_str())
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Conflict(
            "the transfer moved on meanwhile".into(),
        ));
    }
    Ok(())
}

/// Waiting transfers whose time is up, oldest first, at most `limit`: (tenant, id).
pub async fn expired(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<(TenantId, i64)>> {
    let rows = sqlx::query(
        "SELECT tenant_id, id FROM transfers WHERE status = 'waiting' AND deadline_at <= $1 \
         ORDER BY deadline_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((TenantId(get(r, "tenant_id")?), get(r, "id")?)))
        .collect()
}

/// Waiting transfers no agent is being offered (everybody was busy, or the last one passed),
/// whose time is not up yet and whose campaign has an agent available now: (tenant, id),
/// oldest first. Callers with nobody to offer them to cost no write.
pub async fn unoffered(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<(TenantId, i64)>> {
    let rows = sqlx::query(
        "SELECT t.tenant_id, t.id FROM transfers t WHERE t.status = 'waiting' AND t.deadline_at > $1 \
         AND t.deadline_kind <> 'detection' AND NOT EXISTS (SELECT 1 FROM agent_legs l WHERE l.transfer_id = t.id AND l.status IN ('ringing', 'whisper')) \
         AND EXISTS (SELECT 1 FROM agents a JOIN agent_group_members m ON m.user_id = a.user_id \
           JOIN campaign_agent_groups c ON c.group_id = m.group_id \
           WHERE c.campaign_id = t.campaign_id AND a.status = 'available') \
         ORDER BY t.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((TenantId(get(r, "tenant_id")?), get(r, "id")?)))
        .collect()
}

/// What an agent recorded about a call.
#[derive(Debug, Clone)]
pub struct Disposed<'a> {
    /// The disposition.
    pub disposition: AgentDisposition,
    /// Notes.
    pub notes: &'a str,
    /// For a call-back: when.
    pub callback_at: Option<i64>,
}

/// Records the agent's disposition of a transfer (again, if they correct it).
pub async fn dispose(
    conn: &mut Conn,
    transfer: &Transfer,
    d: &Disposed<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE transfers SET disposition = $1, notes = $2, callback_at = $3, disposed_at = $4, updated_at = $4 \
         WHERE id = $5 AND tenant_id = $6",
    )
    .bind(d.disposition.as_str())
    .bind(d.notes)
    .bind(d.callback_at)
    .bind(now)
    .bind(transfer.id)
    .bind(transfer.tenant_id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A campaign's transfer figures since `since`: callers put on hold for an agent or sent to the
/// transfer number, connected to an agent, abandoned (safe-harbour message), and sent to the
/// fallback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Callers handed on: put on hold for an agent, or sent to the transfer number (press 1
    /// with no agent signed in).
    pub handed: i64,
    /// Of those, sent to the campaign's transfer number.
    pub to_number: i64,
    /// Connected to an agent.
    pub connected: i64,
    /// Not connected within 2 s: the safe-harbour message played.
    pub abandoned: i64,
    /// Waited past the limit: the fallback ran.
    pub fallback: i64,
    /// Hung up while waiting.
    pub caller_hung_up: i64,
    /// Turned out to be answering machines.
    pub machine: i64,
}

/// Counts [`Figures`] for a campaign.
pub async fn figures(conn: &mut Conn, campaign: CampaignId, since: i64) -> Result<Figures> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS handed, \
           COALESCE(SUM(CASE WHEN connected_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS connected, \
           COALESCE(SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END), 0) AS abandoned, \
           COALESCE(SUM(CASE WHEN outcome = 'fallback' THEN 1 ELSE 0 END), 0) AS fallback, \
           COALESCE(SUM(CASE WHEN outcome = 'caller_hung_up' THEN 1 ELSE 0 END), 0) AS caller_hung_up, \
           COALESCE(SUM(CASE WHEN outcome = 'machine' THEN 1 ELSE 0 END), 0) AS machine \
         FROM transfers WHERE campaign_id = $1 AND created_at >= $2",
    )
    .bind(campaign.0)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    // Press 1 with no agent signed in dials the transfer number: no transfer row, only the
    // call's disposition says so.
    let direct = sqlx::query(
        "SELECT COUNT(*) AS n FROM calls c WHERE c.campaign_id = $1 AND c.created_at >= $2 \
         AND c.disposition = 'transferred' \
         AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.call_id = c.id)",
    )
    .bind(campaign.0)
    .bind(since)
    .fetch_one(conn)
    .await?;
    let to_number: i64 = get(&direct, "n")?;
    Ok(Figures {
        handed: get::<i64>(&row, "handed")? + to_number,
        to_number,
        connected: get(&row, "connected")?,
        abandoned: get(&row, "abandoned")?,
        fallback: get(&row, "fallback")?,
        caller_hung_up: get(&row, "caller_hung_up")?,
        machine: get(&row, "machine")?,
    })
}

/// The agent a lead asked to be called back by, if any.
pub async fn preferred_agent(conn: &mut Conn, lead: LeadId) -> Result<Option<UserId>> {
    let row = sqlx::query("SELECT preferred_agent_id FROM leads WHERE id = $1")
        .bind(lead.0)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(r) => get::<Option<i64>>(&r, "preferred_agent_id")?.map(UserId),
        None => None,
    })
}

/// The agents' dispositions of the transfers of `calls`: (call, disposition, call-back time).
pub async fn dispositions_of(
    conn: &mut Conn,
    calls: &[CallId],
) -> Result<Vec<(CallId, AgentDisposition, Option<i64>)>> {
    let mut out = Vec::new();
    for chunk in calls.chunks(500) {
        let list = chunk
            .iter()
            .map(|c| c.0.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT call_id, disposition, callback_at FROM transfers WHERE disposition IS NOT NULL AND call_id IN ({list})"
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?
        {
            let d: String = get(&r, "disposition")?;
            out.push((
                CallId(get(&r, "call_id")?),
                AgentDisposition::parse(&d).ok_or_else(|| corrupt("disposition", &d))?,
                get(&r, "callback_at")?,
            ));
        }
    }
    Ok(out)
}

/// A campaign's latest ended dials, oldest first: whether a person answered, and the
/// milliseconds from placing the call to its answer (or its end, unanswered).
pub async fn recent_dials(
    conn: &mut Conn,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<(bool, i64)>> {
    let rows = sqlx::query(
        "SELECT outcome, answered_by, created_at, COALESCE(answered_at, ended_at) AS rang_until FROM calls \
         WHERE campaign_id = $1 AND ended_at IS NOT NULL ORDER BY id DESC LIMIT $2",
    )
    .bind(campaign.0)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            let outcome: Option<String> = get(r, "outcome")?;
            let by: Option<String> = get(r, "answered_by")?;
            let human = outcome.as_deref() == Some("answered")
                && !by
                    .as_deref()
                    .is_some_and(|b| b.starts_with("machine") || b == "fax");
            let created: i64 = get(r, "created_at")?;
            let until: Option<i64> = get(r, "rang_until")?;
            Ok((human, until.unwrap_or(created) - created))
        })
        .collect::<Result<Vec<_>>>()?;
    out.reverse();
    Ok(out)
}

/// A campaign's latest conversations with agents, oldest first: milliseconds from the agent's
/// accepting to the end.
pub async fn recent_handlings(
    conn: &mut Conn,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT ended_at - connected_at AS talk FROM transfers WHERE campaign_id = $1 \
         AND connected_at IS NOT NULL AND ended_at IS NOT NULL ORDER BY id DESC LIMIT $2",
    )
    .bind(campaign.0)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| get(r, "talk"))
        .collect::<Result<Vec<i64>>>()?;
    out.reverse();
    Ok(out)
}

/// Callers of a campaign on hold for an agent now.
pub async fn waiting_count(conn: &mut Conn, campaign: CampaignId) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM transfers WHERE campaign_id = $1 AND status = 'waiting'",
    )
    .bind(campaign.0)
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}
