//! Single calls scheduled for later (`scheduled_calls`): made by a user, taken by the dialer at
//! their moment (once, whichever instance gets there first), canceled before it.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::call::ScheduledStatus;
use outdial_domain::{CallId, CampaignId, LeadId, PhoneNumber, TenantId};
use serde::Serialize;

/// A scheduled call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledCall {
    /// Its id.
    pub id: i64,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The campaign whose caller ID and words it uses.
    pub campaign_id: CampaignId,
    /// The lead called, if any.
    pub lead_id: Option<LeadId>,
    /// The number.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: PhoneNumber,
    /// Digits dialed once answered.
    pub extension: Option<String>,
    /// `single`, `cold_call` or `appointment_booking`.
    pub call_type: String,
    /// When it is placed, epoch ms.
    pub scheduled_for: i64,
    /// Where it is.
    pub status: ScheduledStatus,
    /// The call placed, once it is.
    pub call_id: Option<CallId>,
    /// Why it was refused or failed.
    pub reason: Option<String>,
    /// Who scheduled it.
    pub created_by: String,
    /// Scheduled, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

/// A call to schedule.
pub struct NewScheduled<'a> {
    /// The campaign.
    pub campaign: CampaignId,
    /// The lead, if any.
    pub lead: Option<LeadId>,
    /// The number.
    pub to: &'a PhoneNumber,
    /// Its extension.
    pub extension: Option<&'a str>,
    /// What kind of call.
    pub call_type: &'a str,
    /// When, epoch ms.
    pub scheduled_for: i64,
    /// Who.
    pub created_by: &'a str,
}

const COLUMNS: &str = "id, tenant_id, campaign_id, lead_id, to_number, extension, call_type, scheduled_for, \
    status, call_id, reason, created_by, created_at, updated_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ScheduledCall> {
    let status: String = get(row, "status")?;
    Ok(ScheduledCall {
        id: get(row, "id")?,
        tenant_id: TenantId(get(row, "tenant_id")?),
        campaign_id: CampaignId(get(row, "campaign_id")?),
        lead_id: get::<Option<i64>>(row, "lead_id")?.map(LeadId),
        to: PhoneNumber::from_trusted(get(row, "to_number")?),
        extension: get(row, "extension")?,
        call_type: get(row, "call_type")?,
        scheduled_for: get(row, "scheduled_for")?,
        status: ScheduledStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("scheduled call status '{status}'")))?,
        call_id: get::<Option<i64>>(row, "call_id")?.map(CallId),
        reason: get(row, "reason")?,
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// Schedules a call.
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    new: &NewScheduled<'_>,
    now: i64,
) -> Result<ScheduledCall> {
    let sql = format!(
        "INSERT INTO scheduled_calls (tenant_id, campaign_id, lead_id, to_number, extension, call_type, \
         scheduled_for, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(new.campaign.0)
        .bind(new.lead.map(|l| l.0))
        .bind(new.to.as_str())
        .bind(new.extension)
        .bind(new.call_type)
        .bind(new.scheduled_for)
        .bind(ScheduledStatus::Scheduled.as_str())
        .bind(new.created_by)
        .bind(now)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// The tenant's scheduled calls, soonest first: for one lead, and only those still waiting
/// when `upcoming`.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    lead: Option<LeadId>,
    upcoming: bool,
) -> Result<Vec<ScheduledCall>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM scheduled_calls WHERE tenant_id = $1 \
         AND (CAST($2 AS BIGINT) IS NULL OR lead_id = CAST($2 AS BIGINT)) AND (CAST($3 AS BIGINT) = 0 OR status = $4) \
         ORDER BY scheduled_for, id LIMIT 500"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(lead.map(|l| l.0))
        .bind(i64::from(upcoming))
        .bind(ScheduledStatus::Scheduled.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Cancels a call still waiting; `Conflict` once its moment has come.
pub async fn cancel(conn: &mut Conn, tenant: TenantId, id: i64, now: i64) -> Result<ScheduledCall> {
    let sql = format!(
        "UPDATE scheduled_calls SET status = $1, updated_at = $2 \
         WHERE tenant_id = $3 AND id = $4 AND status = $5 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ScheduledStatus::Canceled.as_str())
        .bind(now)
        .bind(tenant.0)
        .bind(id)
        .bind(ScheduledStatus::Scheduled.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => from_row(&row),
        None => {
            let sql =
                format!("SELECT {COLUMNS} FROM scheduled_calls WHERE tenant_id = $1 AND id = $2");
            let found = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(conn)
                .await?
                .ok_or(StorageError::NotFound)?;
            let found = from_row(&found)?;
            Err(StorageError::Conflict(format!(
                "the scheduled call is {} already; only a call still waiting can be canceled",
                found.status.as_str()
            )))
        }
    }
}

/// Takes the calls whose moment has come (`placing`), at most `limit`: each is taken once, by
/// whichever worker gets there first.
pub async fn take_due(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<ScheduledCall>> {
    let sql = format!(
        "UPDATE scheduled_calls SET status = $1, updated_at = $2 WHERE status = $3 AND id IN \
         (SELECT id FROM scheduled_calls WHERE status = $3 AND scheduled_for <= $2 ORDER BY scheduled_for LIMIT $4) \
         RETURNING {COLUMNS}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ScheduledStatus::Placing.as_str())
        .bind(now)
        .bind(ScheduledStatus::Scheduled.as_str())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Records how a taken call went.
pub async fn finish(
    conn: &mut Conn,
    id: i64,
    status: ScheduledStatus,
    call: Option<CallId>,
    reason: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE scheduled_calls SET status = $1, call_id = $2, reason = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(call.map(|c| c.0))
    .bind(reason)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
