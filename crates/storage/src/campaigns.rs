//! Campaigns: stored with their settings as one JSON document next to the columns queries need.

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::campaign::{CampaignStatus, CampaignType, ValidSettings};
use outdial_domain::{CampaignId, TenantId};
use serde::Serialize;

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    /// Its id.
    pub id: CampaignId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// What the calls are for.
    #[serde(rename = "type")]
    pub campaign_type: CampaignType,
    /// Where it is in its life.
    pub status: CampaignStatus,
    /// Everything about how it calls.
    #[cfg_attr(feature = "openapi", schema(value_type = outdial_domain::campaign::CampaignSettings))]
    pub settings: ValidSettings,
    /// Why it last changed status by itself (e.g. the carrier refused the credentials); cleared
    /// when a person changes its status.
    pub status_reason: Option<String>,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

pub(crate) const COLUMNS: &str =
    "id, tenant_id, name, campaign_type, status, status_reason, settings, created_at, updated_at";

pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<Campaign> {
    let kind: String = get(row, "campaign_type")?;
    let status: String = get(row, "status")?;
    let settings: String = get(row, "settings")?;
    Ok(Campaign {
        id: CampaignId(get(row, "id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        name: get(row, "name")?,
        campaign_type: CampaignType::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("campaign type '{kind}'")))?,
        status: CampaignStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("campaign status '{status}'")))?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StorageError::Corrupt(format!("campaign settings: {e}")))?,
        status_reason: get(row, "status_reason")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

fn settings_json(settings: &ValidSettings) -> Result<String> {
    serde_json::to_string(settings).map_err(|e| StorageError::Corrupt(e.to_string()))
}

/// Creates a draft campaign.
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    name: &str,
    kind: CampaignType,
    settings: &ValidSettings,
    now: i64,
) -> Result<Campaign> {
    let sql = format!(
        "INSERT INTO campaigns (tenant_id, name, campaign_type, status, settings, created_at, updated_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $5) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(name)
        .bind(kind.as_str())
        .bind(settings_json(settings)?)
        .bind(now)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// Reads a campaign of `tenant`.
pub async fn get_by_id(conn: &mut Conn, tenant: TenantId, id: CampaignId) -> Result<Campaign> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Reads a campaign by id alone, for trusted callers that learn the tenant from it (the CLI).
pub async fn get_unscoped(conn: &mut Conn, id: CampaignId) -> Result<Campaign> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Lists the campaigns of `tenant`, newest first, optionally of one status.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    status: Option<CampaignStatus>,
) -> Result<Vec<Campaign>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM campaigns WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(status.map(|s| s.as_str().to_string()))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Replaces name, type and settings (status is changed only by [`set_status`]).
#[tracing::instrument(skip_all, fields(tenant_id = %tenant, campaign_id = %id))]
pub async fn update(
    conn: &mut Conn,
    tenant: TenantId,
    id: CampaignId,
    name: &str,
    kind: CampaignType,
    settings: &ValidSettings,
    now: i64,
) -> Result<Campaign> {
    let sql = format!(
        "UPDATE campaigns SET name = $1, campaign_type = $2, settings = $3, updated_at = $4 \
         WHERE tenant_id = $5 AND id = $6 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .bind(kind.as_str())
        .bind(settings_json(settings)?)
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Moves a campaign from `from` to `to`, only if it is still in `from` (so two requests racing
/// cannot both win), recording `reason` when the change was not a person's. `Conflict` when the
/// status changed meanwhile.
#[tracing::instrument(skip_all, fields(tenant_id = %tenant, campaign_id = %id))]
pub async fn set_status(
    conn: &mut Conn,
    tenant: TenantId,
    id: CampaignId,
    from: CampaignStatus,
    to: CampaignStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<Campaign> {
    let sql = format!(
        "UPDATE campaigns SET status = $1, status_reason = $6, updated_at = $2 WHERE tenant_id = $3 AND id = $4 AND status = $5 RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .bind(from.as_str())
        .bind(reason)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| {
            StorageError::Conflict(
                "the campaign's status changed meanwhile; reload and try again".into(),
            )
        })?;
    from_row(&row)
}

/// Deletes a campaign with its leads and imports.
pub async fn delete(conn: &mut Conn, tenant: TenantId, id: CampaignId) -> Result<()> {
    let done = sqlx::query("DELETE FROM campaigns WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id.0)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

/// Lead counts of one campaign.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadCounts {
    /// All leads.
    pub total: i64,
    /// Leads by status name.
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// Leads that must never be dialed.
    pub do_not_call: i64,
}

/// Counts a campaign's leads by status.
pub async fn lead_counts(conn: &mut Conn, tenant: TenantId, id: CampaignId) -> Result<LeadCounts> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n, CAST(COALESCE(SUM(do_not_call), 0) AS BIGINT) AS dnc \
         FROM leads WHERE tenant_id = $1 AND campaign_id = $2 GROUP BY status",
    )
    .bind(tenant.0)
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    let mut counts = LeadCounts::default();
    for row in &rows {
        let n: i64 = get(row, "n")?;
        counts.total += n;
        counts.do_not_call += get::<i64>(row, "dnc")?;
        counts.by_status.insert(get(row, "status")?, n);
    }
    Ok(counts)
}

/// Lead counts of every campaign of `tenant` (campaigns without leads are left out).
pub async fn lead_counts_all(
    conn: &mut Conn,
    tenant: TenantId,
) -> Result<std::collections::HashMap<CampaignId, LeadCounts>> {
    let rows = sqlx::query(
        "SELECT campaign_id, status, COUNT(*) AS n, CAST(COALESCE(SUM(do_not_call), 0) AS BIGINT) AS dnc \
         FROM leads WHERE tenant_id = $1 GROUP BY campaign_id, status",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await?;
    let mut all: std::collections::HashMap<CampaignId, LeadCounts> = Default::default();
    for row in &rows {
        let counts = all.entry(CampaignId(get(row, "campaign_id")?)).or_default();
        let n: i64 = get(row, "n")?;
        counts.total += n;
        counts.do_not_call += get::<i64>(row, "dnc")?;
        counts.by_status.insert(get(row, "status")?, n);
    }
    Ok(all)
}

/// Records why a running campaign waits (`None` when it is calling) and when it calls next.
pub async fn set_waiting(
    conn: &mut Conn,
    campaign: CampaignId,
    reason: Option<&str>,
    next_call_at: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE campaigns SET waiting_reason = $1, next_call_at = $2 WHERE id = $3")
        .bind(reason)
        .bind(next_call_at)
        .bind(campaign.0)
        .execute(conn)
        .await?;
    Ok(())
}
