//! Reminder campaigns take their leads from upcoming appointments: each open appointment with
//! a number, starting within the campaign's lead time, becomes a lead of the campaign that
//! names the appointment (once: a lead that already names it is not made again). A number the
//! campaign already has is reused for its next appointment, unless it is being called.

use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::lead::Priority;
use outdial_domain::{CampaignId, PhoneNumber, TenantId};

/// Makes leads of `campaign` for the tenant's open appointments (of `calendar`, or of every
/// calendar) starting in `(from, to]`; how many were made or renewed.
pub async fn enroll(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    calendar: Option<i64>,
    (from, to): (i64, i64),
    now: i64,
) -> Result<u64> {
    let rows = sqlx::query(
        "SELECT a.id, a.phone, a.name, l.country, l.first_name, l.last_name, l.email, l.company, l.timezone, \
         l.extension FROM appointments a LEFT JOIN leads l ON l.id = a.lead_id \
         WHERE a.tenant_id = $1 AND a.status IN ('booked', 'confirmed') AND a.phone IS NOT NULL \
         AND a.starts_at > $2 AND a.starts_at <= $3 \
         AND (CAST($4 AS BIGINT) IS NULL OR a.calendar_id = CAST($4 AS BIGINT)) \
         AND NOT EXISTS (SELECT 1 FROM leads r WHERE r.campaign_id = $5 AND r.appointment_id = a.id) \
         ORDER BY a.starts_at, a.id LIMIT 500",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .bind(calendar)
    .bind(campaign.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut made = 0;
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        let phone: String = get(row, "phone")?;
        // The earliest appointment of a number first; a later one waits for the next round.
        if !seen.insert(phone.clone()) {
            continue;
        }
        let appointment: i64 = get(row, "id")?;
        let name: String = get(row, "name")?;
        let first: Option<String> = get(row, "first_name")?;
        let last: Option<String> = get(row, "last_name")?;
        let country: Option<String> = get(row, "country")?;
        let country = country.unwrap_or_else(|| {
            PhoneNumber::from_trusted(phone.clone())
                .country()
                .map(|c| c.code())
                .unwrap_or_default()
        });
        let done = sqlx::query(
            "INSERT INTO leads (tenant_id, campaign_id, phone, country, first_name, last_name, email, company, timezone, \
             lead_type, priority, status, do_not_call, notes, attempts, next_attempt_at, created_at, updated_at, extension, appointment_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'appointment', $10, 'new', 0, '', 0, $11, $11, $11, $12, $13) \
             ON CONFLICT (campaign_id, phone) DO UPDATE SET appointment_id = excluded.appointment_id, status = 'new', \
               attempts = 0, last_attempt_at = NULL, next_attempt_at = excluded.next_attempt_at, hold_reason = NULL, \
               first_name = excluded.first_name, last_name = excluded.last_name, updated_at = excluded.updated_at \
             WHERE leads.status <> 'dialing'",
        )
        .bind(tenant.0)
        .bind(campaign.0)
        .bind(phone.as_str())
        .bind(country)
        .bind(first.unwrap_or(name))
        .bind(last.unwrap_or_default())
        .bind(get::<Option<String>>(row, "email")?.unwrap_or_default())
        .bind(get::<Option<String>>(row, "company")?.unwrap_or_default())
        .bind(get::<Option<String>>(row, "timezone")?)
        .bind(Priority::High.rank())
        .bind(now)
        .bind(get::<Option<String>>(row, "extension")?)
        .bind(appointment)
        .execute(&mut *conn)
        .await?;
        made += done.rows_affected();
    }
    Ok(made)
}
