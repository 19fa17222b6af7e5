//! Every change of an agent's status. Each function takes or uses the domain's [`Transition`]
//! rather than writing a status of its own, and moves an agent only while they are still in
//! one of its `from` statuses, so two changes racing cannot both win.

use super::{Agent, get_one};
use crate::row::get;
use crate::transition::status_in;
use crate::{Conn, Result, StorageError};
use outdial_domain::Transition;
use outdial_domain::agent::AgentStatus;
use outdial_domain::{CampaignId, TenantId, UserId};

/// Moves an agent along `t` ([`AgentStatus::moved`]), only while they are still in its `from`,
/// so two changes racing cannot both win. `wrap_up_until` is kept for `wrap_up` and cleared
/// otherwise; the call's start is kept while busy.
pub async fn set_status(
    conn: &mut Conn,
    tenant: TenantId,
    user: UserId,
    t: &Transition<AgentStatus>,
    wrap_up_until: Option<i64>,
    now: i64,
) -> Result<Agent> {
    let to = t.to();
    let busy_since = match to {
        AgentStatus::OnCall => "$2",
        AgentStatus::WrapUp => "busy_since",
        _ => "NULL",
    };
    let sql = format!(
        "UPDATE agents SET status = $1, status_since = $2, updated_at = $2, wrap_up_until = $3, \
         busy_since = {busy_since} WHERE tenant_id = $4 AND user_id = $5 AND {}",
        status_in("status", t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(wrap_up_until.filter(|_| to == AgentStatus::WrapUp))
        .bind(tenant.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Conflict(
            "the agent's status changed meanwhile; reload and try again".into(),
        ));
    }
    get_one(conn, tenant, user).await
}

/// Moves the wrap-up end of an agent still wrapping up (no change of status).
pub async fn extend_wrap_up(
    conn: &mut Conn,
    tenant: TenantId,
    user: UserId,
    until: i64,
    now: i64,
) -> Result<Agent> {
    let done = sqlx::query(
        "UPDATE agents SET wrap_up_until = $1, updated_at = $2 WHERE tenant_id = $3 AND user_id = $4 AND status = $5",
    )
    .bind(until)
    .bind(now)
    .bind(tenant.0)
    .bind(user.0)
    .bind(AgentStatus::WrapUp.as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Conflict(
            "the agent is not wrapping up a call".into(),
        ));
    }
    get_one(conn, tenant, user).await
}

/// Ends every wrap-up whose time ran out ([`AgentStatus::END_WRAP_UP`]): those agents are
/// available again. Returns how many. The wrap-up expiry's step: the dialer's tick calls it.
pub async fn end_wrap_ups(conn: &mut Conn, now: i64) -> Result<u64> {
    let t = AgentStatus::END_WRAP_UP;
    let sql = format!(
        "UPDATE agents SET status = $1, status_since = wrap_up_until, updated_at = $2, \
         wrap_up_until = NULL, busy_since = NULL WHERE {} AND wrap_up_until <= $2",
        status_in("status", &t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Takes the longest-idle available agent of the campaign's groups who has not been offered
/// this transfer yet — `preferred` first when free — and puts them on the call
/// ([`AgentStatus::TAKE_CALL`]), so no other transfer offers them too. `None` when nobody is
/// free.
pub async fn take(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    transfer: i64,
    preferred: Option<UserId>,
    now: i64,
) -> Result<Option<UserId>> {
    let t = AgentStatus::TAKE_CALL;
    let pick = format!(
        "SELECT a.user_id FROM agents a WHERE a.tenant_id = $1 AND {} \
         AND a.user_id IN (SELECT m.user_id FROM agent_group_members m \
           JOIN campaign_agent_groups c ON c.group_id = m.group_id WHERE c.campaign_id = $2) \
         AND a.user_id NOT IN (SELECT l.user_id FROM agent_legs l WHERE l.transfer_id = $3) \
         ORDER BY CASE WHEN a.user_id = $4 THEN 0 ELSE 1 END, a.status_since, a.user_id LIMIT 1",
        status_in("a.status", &t)
    );
    let mark = format!(
        "UPDATE agents SET status = $1, status_since = $2, busy_since = $2, updated_at = $2, \
         wrap_up_until = NULL WHERE user_id = $3 AND tenant_id = $4 AND {}",
        status_in("status", &t)
    );
    for _ in 0..5 {
        let row = sqlx::query(sqlx::AssertSqlSafe(pick.as_str()))
            .bind(tenant.0)
            .bind(campaign.0)
            .bind(transfer)
            .bind(preferred.map(|p| p.0).unwrap_or(0))
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user = UserId(get(&row, "user_id")?);
        let done = sqlx::query(sqlx::AssertSqlSafe(mark.as_str()))
            .bind(t.to_name())
            .bind(now)
            .bind(user.0)
            .bind(tenant.0)
            .execute(&mut *conn)
            .await?;
        if done.rows_affected() == 1 {
            return Ok(Some(user));
        }
    }
    Ok(None)
}

/// Hands an agent whose offer ended back along `t` ([`AgentStatus::released`]: available, or
/// paused after a missed call), only while they are still marked on a call.
pub async fn release(
    conn: &mut Conn,
    tenant: TenantId,
    agent: UserId,
    t: &Transition<AgentStatus>,
    now: i64,
) -> Result<bool> {
    let sql = format!(
        "UPDATE agents SET status = $1, status_since = $2, busy_since = NULL, updated_at = $2 \
         WHERE user_id = $3 AND tenant_id = $4 AND {}",
        status_in("status", t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(agent.0)
        .bind(tenant.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts an agent whose call ended into wrap-up until `until` ([`AgentStatus::WRAP_UP`]).
pub async fn wrap_up(
    conn: &mut Conn,
    tenant: TenantId,
    agent: UserId,
    until: i64,
    now: i64,
) -> Result<bool> {
    let t = AgentStatus::WRAP_UP;
    let sql = format!(
        "UPDATE agents SET status = $1, status_since = $2, wrap_up_until = $3, updated_at = $2 \
         WHERE user_id = $4 AND tenant_id = $5 AND {}",
        status_in("status", &t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(until)
        .bind(agent.0)
        .bind(tenant.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
