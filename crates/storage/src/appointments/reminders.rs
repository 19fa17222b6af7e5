//! Reminder campaigns take their leads from upcoming appointments: each open appointment with
//! a number, starting within the campaign's lead time, becomes a lead of the campaign that
//! names the appointment (once: a lead that already names it is not made again). A number the
//! campaign already has is reused for its next appointment, unless it is being called or its
//! number proved invalid.

use crate::row::get;
use crate::transition::status_in;
use crate::{Conn, Result};
use outdial_domain::lead::{LeadStatus, Priority};
use outdial_domain::{CampaignId, PhoneNumber, TenantId};

/// An appointment due a reminder, with what its lead is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// The appointment.
    pub appointment: i64,
    /// Its start, epoch ms.
    pub starts_at: i64,
    /// Its calendar's name.
    pub calendar_name: String,
    /// Its calendar's rules (for the time zone the time is said in).
    pub calendar_settings: String,
    /// The number to call.
    pub phone: String,
    /// Who is coming.
    pub name: String,
    /// The appointment's own lead's fields, when it has one.
    source: Option<Source>,
}

#[derive(Debug, Clone, PartialEq)]
struct Source {
    country: String,
    first_name: String,
    last_name: String,
    email: String,
    company: String,
    timezone: Option<String>,
    extension: Option<String>,
}

/// The tenant's open appointments (of `calendar`, or of every calendar) starting in
/// `(from, to]` that have no lead in `campaign` yet, earliest first; one per number (a later
/// appointment of the same number waits for the next round).
pub async fn due(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    calendar: Option<i64>,
    (from, to): (i64, i64),
) -> Result<Vec<Due>> {
    let rows = sqlx::query(
        "SELECT a.id, a.starts_at, a.phone, a.name, c.name AS calendar_name, c.settings, a.lead_id, l.country, \
         l.first_name, l.last_name, l.email, l.company, l.timezone, l.extension \
         FROM appointments a JOIN calendars c ON c.id = a.calendar_id LEFT JOIN leads l ON l.id = a.lead_id \
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
    .fetch_all(conn)
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for row in &rows {
        let phone: String = get(row, "phone")?;
        if !seen.insert(phone.clone()) {
            continue;
        }
        let source = match get::<Option<i64>>(row, "lead_id")? {
            Some(_) => Some(Source {
                country: get::<Option<String>>(row, "country")?.unwrap_or_default(),
                first_name: get::<Option<String>>(row, "first_name")?.unwrap_or_default(),
                last_name: get::<Option<String>>(row, "last_name")?.unwrap_or_default(),
                email: get::<Option<String>>(row, "email")?.unwrap_or_default(),
                company: get::<Option<String>>(row, "company")?.unwrap_or_default(),
                timezone: get(row, "timezone")?,
                extension: get(row, "extension")?,
            }),
            None => None,
        };
        out.push(Due {
            appointment: get(row, "id")?,
            starts_at: get(row, "starts_at")?,
            calendar_name: get(row, "calendar_name")?,
            calendar_settings: get(row, "settings")?,
            name: get(row, "name")?,
            phone,
            source,
        });
    }
    Ok(out)
}

/// Makes (or renews) the lead of `campaign` for `due`, with `custom_fields` (a JSON object:
/// what the message says of the appointment); whether a lead was made or renewed.
pub async fn enroll(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    due: &Due,
    custom_fields: &str,
    now: i64,
) -> Result<bool> {
    let source = due.source.clone().unwrap_or_else(|| Source {
        country: PhoneNumber::from_trusted(due.phone.clone())
            .country()
            .map(|c| c.code())
            .unwrap_or_default(),
        first_name: due.name.clone(),
        last_name: String::new(),
        email: String::new(),
        company: String::new(),
        timezone: None,
        extension: None,
    });
    let renew = LeadStatus::RENEW;
    let sql = format!(
        "INSERT INTO leads (tenant_id, campaign_id, phone, country, first_name, last_name, email, company, timezone, \
         lead_type, priority, status, do_not_call, notes, custom_fields, attempts, next_attempt_at, created_at, updated_at, \
         extension, appointment_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'appointment', $10, $15, 0, '', $11, 0, $12, $12, $12, $13, $14) \
         ON CONFLICT (campaign_id, phone) DO UPDATE SET appointment_id = excluded.appointment_id, status = excluded.status, \
           attempts = 0, last_attempt_at = NULL, next_attempt_at = excluded.next_attempt_at, hold_reason = NULL, \
           first_name = excluded.first_name, last_name = excluded.last_name, custom_fields = excluded.custom_fields, \
           updated_at = excluded.updated_at \
         WHERE {}",
        status_in("leads.status", &renew)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(campaign.0)
        .bind(due.phone.as_str())
        .bind(source.country)
        .bind(source.first_name)
        .bind(source.last_name)
        .bind(source.email)
        .bind(source.company)
        .bind(source.timezone)
        .bind(Priority::High.rank())
        .bind(custom_fields)
        .bind(now)
        .bind(source.extension)
        .bind(due.appointment)
        .bind(renew.to_name())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
