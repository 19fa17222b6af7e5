//! Appointments: a lead (or anybody) booked into a calendar's slot, with the call that booked
//! it and every change in its history. Places in slots are taken atomically (see [`places`]);
//! booking, moving and status changes are in [`change`]; reminder campaigns find their leads
//! in [`reminders`].

pub mod change;
pub mod places;
pub mod reminders;

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::calendar::AppointmentStatus;
use outdial_domain::{CallId, LeadId, TenantId};
use serde::Serialize;

/// A stored appointment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    /// Its id.
    pub id: i64,
    /// The calendar it is in.
    pub calendar_id: i64,
    /// The calendar's name.
    pub calendar_name: String,
    /// The lead it is for, if any.
    pub lead_id: Option<LeadId>,
    /// The call that booked it, if one did.
    pub call_id: Option<CallId>,
    /// Starts, epoch ms.
    pub starts_at: i64,
    /// Ends, epoch ms.
    pub ends_at: i64,
    /// Where it is.
    pub status: AppointmentStatus,
    /// Who is coming.
    pub name: String,
    /// Their number, E.164, if known.
    pub phone: Option<String>,
    /// Notes.
    pub note: String,
    /// Bumped on every change (the iCalendar `SEQUENCE`).
    pub sequence: i64,
    /// Who booked it (an email, `api-key:<id>`, or `call` for a call).
    pub created_by: String,
    /// Booked, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

/// One change in an appointment's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When, epoch ms.
    pub at: i64,
    /// `booked`, `confirmed`, `rescheduled`, `cancelled`, `no_show`, `completed`,
    /// `reschedule_requested` (the person asked on a reminder call) or `noted`.
    pub kind: String,
    /// Who (an email, `api-key:<id>`, `call`).
    pub by: String,
    /// For a move: the old start, epoch ms.
    pub from_start: Option<i64>,
    /// For a move: the new start, epoch ms.
    pub to_start: Option<i64>,
    /// What was noted with it.
    pub note: String,
}

pub(crate) const SELECT: &str = "SELECT a.id, a.calendar_id, c.name AS calendar_name, a.lead_id, a.call_id, \
    a.starts_at, a.ends_at, a.status, a.name, a.phone, a.note, a.sequence, a.created_by, a.created_at, a.updated_at \
    FROM appointments a JOIN calendars c ON c.id = a.calendar_id";

pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<Appointment> {
    let status: String = get(row, "status")?;
    Ok(Appointment {
        id: get(row, "id")?,
        calendar_id: get(row, "calendar_id")?,
        calendar_name: get(row, "calendar_name")?,
        lead_id: get::<Option<i64>>(row, "lead_id")?.map(LeadId),
        call_id: get::<Option<i64>>(row, "call_id")?.map(CallId),
        starts_at: get(row, "starts_at")?,
        ends_at: get(row, "ends_at")?,
        status: AppointmentStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("appointment status '{status}'")))?,
        name: get(row, "name")?,
        phone: get(row, "phone")?,
        note: get(row, "note")?,
        sequence: get(row, "sequence")?,
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// One appointment of the tenant.
pub async fn get_one(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Appointment> {
    let sql = format!("{SELECT} WHERE a.tenant_id = $1 AND a.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Which appointments a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this calendar's.
    pub calendar: Option<i64>,
    /// Only this lead's.
    pub lead: Option<LeadId>,
    /// Starting at or after, epoch ms.
    pub from: Option<i64>,
    /// Starting before, epoch ms.
    pub to: Option<i64>,
    /// Only in these statuses (all when empty).
    pub statuses: Vec<AppointmentStatus>,
}

/// The tenant's appointments by start time; at most `limit`.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Appointment>> {
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    let status_sql = if statuses.is_empty() {
        String::new()
    } else {
        // The names come from the enum, never from the request.
        format!(
            "AND a.status IN ({})",
            statuses
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let sql = format!(
        "{SELECT} WHERE a.tenant_id = $1 \
         AND (CAST($2 AS BIGINT) IS NULL OR a.calendar_id = CAST($2 AS BIGINT)) \
         AND (CAST($3 AS BIGINT) IS NULL OR a.lead_id = CAST($3 AS BIGINT)) \
         AND (CAST($4 AS BIGINT) IS NULL OR a.starts_at >= CAST($4 AS BIGINT)) \
         AND (CAST($5 AS BIGINT) IS NULL OR a.starts_at < CAST($5 AS BIGINT)) \
         {status_sql} ORDER BY a.starts_at, a.id LIMIT $6"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(filter.calendar)
        .bind(filter.lead.map(|l| l.0))
        .bind(filter.from)
        .bind(filter.to)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// An appointment's history, oldest first.
pub async fn history(conn: &mut Conn, tenant: TenantId, id: i64) -> Result<Vec<HistoryEntry>> {
    let rows = sqlx::query(
        "SELECT e.at, e.kind, e.by_whom, e.from_start, e.to_start, e.note FROM appointment_events e \
         JOIN appointments a ON a.id = e.appointment_id WHERE a.tenant_id = $1 AND a.id = $2 \
         ORDER BY e.at, e.id",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HistoryEntry {
                at: get(row, "at")?,
                kind: get(row, "kind")?,
                by: get(row, "by_whom")?,
                from_start: get(row, "from_start")?,
                to_start: get(row, "to_start")?,
                note: get(row, "note")?,
            })
        })
        .collect()
}

/// Writes one history entry.
pub(crate) async fn record(conn: &mut Conn, id: i64, entry: &HistoryEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO appointment_events (appointment_id, at, kind, by_whom, from_start, to_start, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(entry.at)
    .bind(entry.kind.as_str())
    .bind(entry.by.as_str())
    .bind(entry.from_start)
    .bind(entry.to_start)
    .bind(entry.note.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// The calendar's appointments for its feed: those ending after `since`, cancelled ones
/// included (subscribers must learn to remove them) while they changed after `since`.
pub async fn for_feed(conn: &mut Conn, calendar: i64, since: i64) -> Result<Vec<Appointment>> {
    let sql = format!(
        "{SELECT} WHERE a.calendar_id = $1 AND a.ends_at > $2 \
         AND (a.status <> 'cancelled' OR a.updated_at > $2) ORDER BY a.starts_at, a.id LIMIT 5000"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(calendar)
        .bind(since)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Counts for the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Appointments (not cancelled) starting in the first range.
    pub first: i64,
    /// … in the second range.
    pub second: i64,
    /// Appointments booked in the third range (whatever became of them since).
    pub booked: i64,
}

/// Appointments (not cancelled) starting in `[a.0, a.1)` and in `[b.0, b.1)`, and those booked
/// between `booked.0` and `booked.1`; of one campaign's leads when `campaign` is given.
pub async fn counts(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<outdial_domain::CampaignId>,
    a: (i64, i64),
    b: (i64, i64),
    booked: (i64, i64),
) -> Result<Counts> {
    let row = sqlx::query(
        "SELECT \
           CAST(COALESCE(SUM(CASE WHEN status <> 'cancelled' AND starts_at >= $2 AND starts_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS first, \
           CAST(COALESCE(SUM(CASE WHEN status <> 'cancelled' AND starts_at >= $4 AND starts_at < $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS second, \
           CAST(COALESCE(SUM(CASE WHEN created_at >= $6 AND created_at < $7 THEN 1 ELSE 0 END), 0) AS BIGINT) AS booked \
         FROM appointments WHERE tenant_id = $1 \
         AND ((starts_at >= $2 AND starts_at < $3) OR (starts_at >= $4 AND starts_at < $5) OR (created_at >= $6 AND created_at < $7)) \
         AND (CAST($8 AS BIGINT) IS NULL OR lead_id IN (SELECT id FROM leads WHERE campaign_id = CAST($8 AS BIGINT)))",
    )
    .bind(tenant.0)
    .bind(a.0)
    .bind(a.1)
    .bind(b.0)
    .bind(b.1)
    .bind(booked.0)
    .bind(booked.1)
    .bind(campaign.map(|c| c.0))
    .fetch_one(conn)
    .await?;
    Ok(Counts {
        first: get(&row, "first")?,
        second: get(&row, "second")?,
        booked: get(&row, "booked")?,
    })
}
