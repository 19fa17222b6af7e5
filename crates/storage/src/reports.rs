//! Figures for dashboards: a tenant's calls counted by the hour they were placed and how they
//! ended, the appointments its agents booked, and the calls still open. Hours are absolute
//! (epoch hours): the caller turns them into local hours of its own time zone, which no SQL
//! shared by SQLite and PostgreSQL can do.

use crate::calls::{COLUMNS, Call, from_row};
use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::{CampaignId, TenantId};

/// Calls placed in one epoch hour that ended one way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    /// Milliseconds since the epoch / 3,600,000.
    pub epoch_hour: i64,
    /// How the calls ended (`answered`, `voicemail`, …); `None` while still open.
    pub outcome: Option<String>,
    /// How many.
    pub calls: i64,
    /// Their talk time, seconds.
    pub talk_seconds: i64,
}

/// The tenant's calls placed since `since` (epoch ms), of one campaign or all, counted by
/// epoch hour and outcome.
pub async fn calls_by_hour(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
    since: i64,
) -> Result<Vec<HourCount>> {
    let rows = sqlx::query(
        "SELECT CAST(created_at / 3600000 AS BIGINT) AS epoch_hour, outcome, CAST(COUNT(*) AS BIGINT) AS calls, \
         CAST(COALESCE(SUM(talk_seconds), 0) AS BIGINT) AS talk \
         FROM calls WHERE tenant_id = $1 AND created_at >= $2 AND ($3 = 0 OR campaign_id = $3) \
         GROUP BY CAST(created_at / 3600000 AS BIGINT), outcome",
    )
    .bind(tenant.0)
    .bind(since)
    .bind(campaign.map_or(0, |c| c.0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HourCount {
                epoch_hour: get(r, "epoch_hour")?,
                outcome: get(r, "outcome")?,
                calls: get(r, "calls")?,
                talk_seconds: get(r, "talk")?,
            })
        })
        .collect()
}

/// How many appointments calls booked since `since`: those agents disposed as
/// `appointment_booked`, and those a conversation booked (calls placed since then).
pub async fn appointments(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
    since: i64,
) -> Result<i64> {
    let row = sqlx::query(
        "SELECT CAST((SELECT COUNT(*) FROM transfers WHERE tenant_id = $1 \
         AND disposition = 'appointment_booked' AND disposed_at >= $2 AND ($3 = 0 OR campaign_id = $3)) \
         + (SELECT COUNT(*) FROM calls WHERE tenant_id = $1 AND disposition = 'appointment_booked' \
         AND created_at >= $2 AND ($3 = 0 OR campaign_id = $3)) AS BIGINT) AS n",
    )
    .bind(tenant.0)
    .bind(since)
    .bind(campaign.map_or(0, |c| c.0))
    .fetch_one(&mut *conn)
    .await?;
    get(&row, "n")
}

/// The tenant's calls still open that were placed since `since`, newest first, at most
/// `limit`.
pub async fn open_calls(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
    since: i64,
    limit: i64,
) -> Result<Vec<Call>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM calls WHERE tenant_id = $1 AND created_at >= $2 AND ended_at IS NULL \
         AND ($3 = 0 OR campaign_id = $3) ORDER BY id DESC LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(since)
        .bind(campaign.map_or(0, |c| c.0))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// What the calls placed since `since` cost, in their most used currency.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spend {
    /// The currency (`USD`), `null` while no call has a price.
    pub currency: Option<String>,
    /// The total charged, positive (Twilio reports charges negative).
    pub total: f64,
    /// Calls with their price known.
    pub priced_calls: i64,
    /// Ended calls whose price the carrier has not given yet.
    pub awaiting_price: i64,
}

/// What the tenant's calls (of one campaign, or all) placed since `since` cost.
pub async fn spend(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<CampaignId>,
    since: i64,
) -> Result<Spend> {
    let rows = sqlx::query(
        "SELECT price_unit, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(SUM(CAST(price AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS total FROM calls \
         WHERE tenant_id = $1 AND created_at >= $2 AND ($3 = 0 OR campaign_id = $3) AND price IS NOT NULL \
         GROUP BY price_unit ORDER BY n DESC",
    )
    .bind(tenant.0)
    .bind(since)
    .bind(campaign.map_or(0, |c| c.0))
    .fetch_all(&mut *conn)
    .await?;
    let waiting = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM calls WHERE tenant_id = $1 AND created_at >= $2 \
         AND ($3 = 0 OR campaign_id = $3) AND price IS NULL AND ended_at IS NOT NULL \
         AND call_sid IS NOT NULL AND never_placed = 0",
    )
    .bind(tenant.0)
    .bind(since)
    .bind(campaign.map_or(0, |c| c.0))
    .fetch_one(&mut *conn)
    .await?;
    let mut out = Spend {
        awaiting_price: get(&waiting, "n")?,
        ..Spend::default()
    };
    if let Some(row) = rows.first() {
        let total: Option<f64> = get(row, "total")?;
        out.currency = get(row, "price_unit")?;
        out.total = (-total.unwrap_or(0.0) * 100_000.0).round() / 100_000.0;
        out.priced_calls = get(row, "n")?;
    }
    Ok(out)
}
