//! The agents called into a warm transfer, one leg each: ringing, hearing the whisper,
//! connected, or how the offer ended. Every move is a compare-and-set on the status expected.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::call::CallSid;
use outdial_domain::transfer::LegStatus;
use outdial_domain::{TenantId, UserId};
use serde::Serialize;

/// One agent called into a transfer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leg {
    /// Its id.
    pub id: i64,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The transfer.
    pub transfer_id: i64,
    /// The agent.
    pub user_id: UserId,
    /// The carrier's id of the agent's call.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub call_sid: Option<CallSid>,
    /// Where it is.
    pub status: LegStatus,
    /// Placed, epoch ms.
    pub created_at: i64,
    /// The agent answered, epoch ms.
    pub answered_at: Option<i64>,
    /// The agent accepted, epoch ms.
    pub connected_at: Option<i64>,
    /// Ended, epoch ms.
    pub ended_at: Option<i64>,
}

const LEG_COLUMNS: &str = "id, tenant_id, transfer_id, user_id, call_sid, status, created_at, answered_at, connected_at, ended_at";

fn leg_from_row(row: &sqlx::any::AnyRow) -> Result<Leg> {
    let status: String = get(row, "status")?;
    Ok(Leg {
        id: get(row, "id")?,
        tenant_id: TenantId(get(row, "tenant_id")?),
        transfer_id: get(row, "transfer_id")?,
        user_id: UserId(get(row, "user_id")?),
        call_sid: crate::row::call_sid(row, "call_sid")?,
        status: LegStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("agent leg status '{status}'")))?,
        created_at: get(row, "created_at")?,
        answered_at: get(row, "answered_at")?,
        connected_at: get(row, "connected_at")?,
        ended_at: get(row, "ended_at")?,
    })
}

/// The leg offering a call to `agent` now (ringing or whispering), if any.
pub async fn offer_of_agent(
    conn: &mut Conn,
    tenant: TenantId,
    agent: UserId,
) -> Result<Option<Leg>> {
    let sql = format!(
        "SELECT {LEG_COLUMNS} FROM agent_legs WHERE tenant_id = $1 AND user_id = $2 \
         AND status IN ('ringing', 'whisper') ORDER BY id DESC LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(agent.0)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(leg_from_row)
        .transpose()
}

/// Records a new leg to `agent`, ringing.
pub async fn add_leg(
    conn: &mut Conn,
    tenant: TenantId,
    transfer: i64,
    agent: UserId,
    now: i64,
) -> Result<Leg> {
    let sql = format!(
        "INSERT INTO agent_legs (tenant_id, transfer_id, user_id, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 'ringing', $4, $4) RETURNING {LEG_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(transfer)
        .bind(agent.0)
        .bind(now)
        .fetch_one(conn)
        .await?;
    leg_from_row(&row)
}

/// Reads a leg of `tenant`.
pub async fn leg(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Leg> {
    let sql = format!("SELECT {LEG_COLUMNS} FROM agent_legs WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    leg_from_row(&row)
}

/// A transfer's legs, in the order they were tried.
pub async fn legs(conn: &mut Conn, tenant: TenantId, transfer: i64) -> Result<Vec<Leg>> {
    let sql = format!(
        "SELECT {LEG_COLUMNS} FROM agent_legs WHERE tenant_id = $1 AND transfer_id = $2 ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(transfer)
        .fetch_all(conn)
        .await?;
    rows.iter().map(leg_from_row).collect()
}

/// Records the carrier's id of a leg's call.
pub async fn set_leg_sid(conn: &mut Conn, leg: i64, sid: &CallSid, now: i64) -> Result<()> {
    sqlx::query("UPDATE agent_legs SET call_sid = $1, updated_at = $2 WHERE id = $3")
        .bind(sid.as_str())
        .bind(now)
        .bind(leg)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a leg from `from` to `to`, stamping the moment the new status stands for; `false`
/// when it was no longer in `from`.
pub async fn move_leg(
    conn: &mut Conn,
    leg: &Leg,
    from: LegStatus,
    to: LegStatus,
    now: i64,
) -> Result<bool> {
    let stamp = match to {
        LegStatus::Ringing => "updated_at",
        LegStatus::Whisper => "answered_at",
        LegStatus::Connected => "connected_at",
        _ => "ended_at",
    };
    let sql = format!(
        "UPDATE agent_legs SET status = $1, {stamp} = $2, updated_at = $2 WHERE id = $3 AND tenant_id = $4 AND status = $5"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(now)
        .bind(leg.id)
        .bind(leg.tenant_id.0)
        .bind(from.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
