//! Call-back tasks (`call_backs`): a person asked for somebody (pressed 1) when nobody could take
//! them and was told they would be called back. Each stays open, at the top of the lead list and
//! on the dashboard, until a user marks it done.

use crate::calls::Call;
use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::{CallId, CampaignId, LeadId, TenantId};
use serde::Serialize;

/// A call-back task, with the names a person reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallBack {
    /// Its id.
    pub id: i64,
    /// The call in which the person asked for somebody.
    pub call_id: CallId,
    /// The lead, when the call was to one.
    pub lead_id: Option<LeadId>,
    /// The lead's name, when it has one.
    pub lead_name: Option<String>,
    /// The campaign of the call.
    pub campaign_id: Option<CampaignId>,
    /// The campaign's name.
    pub campaign_name: Option<String>,
    /// The number to call back, E.164.
    pub to: String,
    /// When the person asked, epoch ms.
    pub created_at: i64,
    /// `open` or `done`.
    pub status: String,
    /// When it was marked done, epoch ms.
    pub done_at: Option<i64>,
    /// Who marked it done (an email, or `api-key:<id>`).
    pub done_by: Option<String>,
    /// What was said or agreed, as the user noted it.
    pub note: Option<String>,
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Not yet done.
    Open,
    /// Done.
    Done,
    /// Both.
    All,
}

const SELECT: &str = "SELECT b.id, b.call_id, b.lead_id, b.campaign_id, b.to_number, b.created_at, \
    b.done_at, b.done_by, b.note, l.first_name, l.last_name, c.name AS campaign_name \
    FROM call_backs b LEFT JOIN leads l ON l.id = b.lead_id LEFT JOIN campaigns c ON c.id = b.campaign_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<CallBack> {
    let first: Option<String> = get(row, "first_name")?;
    let last: Option<String> = get(row, "last_name")?;
    let done_at: Option<i64> = get(row, "done_at")?;
    Ok(CallBack {
        id: get(row, "id")?,
        call_id: CallId(get(row, "call_id")?),
        lead_id: get::<Option<i64>>(row, "lead_id")?.map(LeadId),
        lead_name: crate::leads::full_name(
            first.as_deref().unwrap_or(""),
            last.as_deref().unwrap_or(""),
        ),
        campaign_id: get::<Option<i64>>(row, "campaign_id")?.map(CampaignId),
        campaign_name: get(row, "campaign_name")?,
        to: get(row, "to_number")?,
        created_at: get(row, "created_at")?,
        status: if done_at.is_some() { "done" } else { "open" }.into(),
        done_at,
        done_by: get(row, "done_by")?,
        note: get(row, "note")?,
    })
}

/// Opens the task for `call`; a second report of the same call changes nothing.
pub async fn open(conn: &mut Conn, call: &Call, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO call_backs (tenant_id, call_id, lead_id, campaign_id, to_number, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO NOTHING",
    )
    .bind(call.tenant_id.0)
    .bind(call.id.0)
    .bind(call.lead_id.map(|l| l.0))
    .bind(call.campaign_id.map(|c| c.0))
    .bind(call.to.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tenant's tasks: open ones oldest first (the longest waiting on top), done ones newest
/// first; at most `limit`.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
    which: Which,
    limit: i64,
) -> Result<Vec<CallBack>> {
    let (filter, order) = match which {
        Which::Open => ("AND b.done_at IS NULL", "b.created_at, b.id"),
        Which::Done => ("AND b.done_at IS NOT NULL", "b.done_at DESC, b.id DESC"),
        Which::All => (
            "",
            "CASE WHEN b.done_at IS NULL THEN 0 ELSE 1 END, b.created_at DESC, b.id DESC",
        ),
    };
    let sql = format!(
        "{SELECT} WHERE b.tenant_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR b.campaign_id = CAST($2 AS BIGINT)) \
         {filter} ORDER BY {order} LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(campaign.map(|c| c.0))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// How many of the tenant's tasks (of one campaign, if given) are open.
pub async fn count_open(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM call_backs WHERE tenant_id = $1 AND done_at IS NULL \
         AND (CAST($2 AS BIGINT) IS NULL OR campaign_id = CAST($2 AS BIGINT))",
    )
    .bind(tenant.0)
    .bind(campaign.map(|c| c.0))
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}

/// One task of the tenant.
pub async fn get_one(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<CallBack> {
    let sql = format!("{SELECT} WHERE b.tenant_id = $1 AND b.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Marks an open task done by `by`, with an optional note; `Conflict` when it was done already.
pub async fn done(
    conn: &mut Conn,
    tenant: TenantId,
    id: i64,
    by: &str,
    note: Option<&str>,
    now: i64,
) -> Result<CallBack> {
    let changed = sqlx::query(
        "UPDATE call_backs SET done_at = $1, done_by = $2, note = $3 \
         WHERE tenant_id = $4 AND id = $5 AND done_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(note)
    .bind(tenant.0)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let task = get_one(conn, tenant, id).await?;
    if changed == 0 {
        return Err(StorageError::Conflict(format!(
            "this call-back was marked done already by {}",
            task.done_by.as_deref().unwrap_or("someone")
        )));
    }
    Ok(task)
}

/// Marks the lead's open tasks done because `call` reached somebody (the dialer's own retry, or
/// a call by hand, connected them).
pub async fn settle(
    conn: &mut Conn,
    tenant: TenantId,
    lead: LeadId,
    call: CallId,
    now: i64,
) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE call_backs SET done_at = $1, done_by = 'outdial', note = $2 \
         WHERE tenant_id = $3 AND lead_id = $4 AND done_at IS NULL AND call_id <> $5",
    )
    .bind(now)
    .bind(format!("connected on call {call}"))
    .bind(tenant.0)
    .bind(lead.0)
    .bind(call.0)
    .execute(conn)
    .await?
    .rows_affected())
}
