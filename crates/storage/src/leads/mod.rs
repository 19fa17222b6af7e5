//! Leads: stored one row each, unique per campaign and number.

mod marks;
mod moves;
pub use marks::{Hold, mark_do_not_call, mark_numbers_do_not_call, prefer_agent, reschedule};
pub use moves::{
    change_by_user, claim, claim_for_call, exhaust, finish_attempt, finish_attempts, recycle,
    release_orphaned_claims, settle,
};

use crate::batch::{self, Batch};
use crate::dialect::Dialect;
use crate::row::{Arg, Params, bind_all, get};
use crate::{Conn, Result, StorageError};
use outdial_domain::lead::{LeadStatus, NewLead, Priority};
use outdial_domain::{CampaignId, ImportId, LeadId, PhoneNumber, TenantId};
use serde::Serialize;
use std::collections::HashSet;

/// A stored lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lead {
    /// Its id.
    pub id: LeadId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Its campaign.
    pub campaign_id: CampaignId,
    /// The number, E.164.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub phone: PhoneNumber,
    /// The country the number was read in.
    pub country: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Company.
    pub company: String,
    /// The lead's own IANA time zone.
    pub timezone: Option<String>,
    /// Digits dialed once the call is answered, if the number has an extension.
    pub extension: Option<String>,
    /// Free-form category.
    #[serde(rename = "type")]
    pub lead_type: String,
    /// How urgently to call.
    pub priority: Priority,
    /// Where the lead is in its campaign.
    pub status: LeadStatus,
    /// Must never be dialed.
    pub do_not_call: bool,
    /// Notes.
    pub notes: String,
    /// Extra columns from the list.
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    /// Calls made so far.
    pub attempts: i64,
    /// Last call, epoch ms.
    pub last_attempt_at: Option<i64>,
    /// Earliest next call, epoch ms.
    pub next_attempt_at: Option<i64>,
    /// Why the dialer waits until `next_attempt_at` to call it, when a rule holds it back
    /// (calling hours, attempts in the last 24 hours).
    pub hold_reason: Option<String>,
    /// The import that brought it, if any.
    pub import_id: Option<ImportId>,
    /// The appointment a reminder campaign's lead reminds of.
    pub appointment_id: Option<i64>,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

pub(crate) const COLUMNS: &str = "id, tenant_id, campaign_id, phone, country, first_name, last_name, email, company, timezone, \
    lead_type, priority, status, do_not_call, notes, custom_fields, attempts, last_attempt_at, next_attempt_at, \
    hold_reason, import_id, created_at, updated_at, extension, appointment_id";

pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<Lead> {
    let status: String = get(row, "status")?;
    let custom: Option<String> = get(row, "custom_fields")?;
    Ok(Lead {
        id: LeadId(get(row, "id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        campaign_id: CampaignId(get(row, "campaign_id")?),
        phone: PhoneNumber::from_trusted(get(row, "phone")?),
        country: get(row, "country")?,
        first_name: get(row, "first_name")?,
        last_name: get(row, "last_name")?,
        email: get(row, "email")?,
        company: get(row, "company")?,
        timezone: get(row, "timezone")?,
        extension: get(row, "extension")?,
        lead_type: get(row, "lead_type")?,
        priority: Priority::from_rank(get(row, "priority")?),
        status: LeadStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("lead status '{status}'")))?,
        do_not_call: get::<i64>(row, "do_not_call")? != 0,
        notes: get(row, "notes")?,
        custom_fields: match custom {
            Some(s) => serde_json::from_str(&s)
                .map_err(|e| StorageError::Corrupt(format!("custom fields: {e}")))?,
            None => serde_json::Map::new(),
        },
        attempts: get(row, "attempts")?,
        last_attempt_at: get(row, "last_attempt_at")?,
        next_attempt_at: get(row, "next_attempt_at")?,
        hold_reason: get(row, "hold_reason")?,
        import_id: get::<Option<i64>>(row, "import_id")?.map(ImportId),
        appointment_id: get(row, "appointment_id")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

fn custom_json(fields: &[(String, String)]) -> Option<String> {
    if fields.is_empty() {
        return None;
    }
    let map: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    Some(serde_json::Value::Object(map).to_string())
}

/// Rows the import hands to [`insert_many`] at a time.
pub const INSERT_BATCH: usize = 1000;

/// One lead as an element of the JSON batch [`insert_many`] binds, in column order.
type LeadRow = (
    String,         // phone
    String,         // country
    String,         // first_name
    String,         // last_name
    String,         // email
    String,         // company
    Option<String>, // timezone
    String,         // lead_type
    i64,            // priority
    i64,            // do_not_call
    String,         // notes
    Option<String>, // custom_fields
    Option<String>, // extension
);

/// Inserts leads of one campaign. Numbers already in the campaign are skipped, not an error;
/// returns the skipped numbers (empty when every lead was inserted). `exclusive` promises that
/// the caller holds a write transaction and removed numbers already in the campaign.
/// The leads travel as one JSON parameter per statement (see [`crate::batch`]).
#[tracing::instrument(skip_all, fields(tenant_id = %tenant, campaign_id = %campaign, count = leads.len()))]
pub async fn insert_many(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    import: Option<ImportId>,
    leads: Vec<NewLead>,
    exclusive: bool,
    now: i64,
) -> Result<HashSet<String>> {
    let batch = Batch::of(conn);
    // Under SQLite's write lock, with numbers already in the campaign filtered out by the
    // caller (`exclusive`), no conflict can happen: a plain INSERT skips returning a row per
    // lead, and an impossible conflict fails loudly instead of being skipped.
    let conflict = if exclusive && Dialect::of(conn) == Dialect::Sqlite {
        ""
    } else {
        "ON CONFLICT (campaign_id, phone) DO NOTHING RETURNING phone"
    };
    let (text, int) = (|i| batch.text("r", i), |i| batch.int("r", i));
    let sql = format!(
        "INSERT INTO leads (tenant_id, campaign_id, phone, country, first_name, last_name, email, company, timezone, \
         lead_type, priority, status, do_not_call, notes, custom_fields, attempts, next_attempt_at, import_id, created_at, updated_at, extension) \
         SELECT $1, $2, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'new', {}, {}, {}, 0, $4, $3, $4, $4, {} FROM {} WHERE TRUE {conflict}",
        text(0),
        text(1),
        text(2),
        text(3),
        text(4),
        text(5),
        text(6),
        text(7),
        int(8),
        int(9),
        text(10),
        text(11),
        text(12),
        batch.rows("$5", "r"),
    );
    let mut leads = leads.into_iter().peekable();
    let mut skipped = HashSet::new();
    while leads.peek().is_some() {
        let rows: Vec<LeadRow> = leads
            .by_ref()
            .take(batch::MAX_ITEMS)
            .map(|lead| {
                let custom = custom_json(&lead.custom_fields);
                (
                    lead.phone.to_string(),
                    lead.country.code(),
                    lead.first_name,
                    lead.last_name,
                    lead.email,
                    lead.company,
                    lead.timezone,
                    lead.lead_type,
                    lead.priority.rank(),
                    i64::from(lead.do_not_call),
                    lead.notes,
                    custom,
                    lead.extension,
                )
            })
            .collect();
        let query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(tenant.0)
            .bind(campaign.0)
            .bind(import.map(|i| i.0))
            .bind(now)
            .bind(batch::to_json(&rows)?);
        if conflict.is_empty() {
            query.execute(&mut *conn).await.map_err(|e| StorageError::on_unique(e, "a number was added to the campaign during the import; nothing was imported, try again"))?;
            continue;
        }
        let inserted: HashSet<String> = query
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| get::<String>(r, "phone"))
            .collect::<Result<_>>()?;
        if inserted.len() < rows.len() {
            skipped.extend(
                rows.into_iter()
                    .map(|r| r.0)
                    .filter(|p| !inserted.contains(p)),
            );
        }
    }
    Ok(skipped)
}

/// Creates one lead; `Conflict` when the number is already in the campaign.
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    lead: &NewLead,
    now: i64,
) -> Result<Lead> {
    let skipped = insert_many(conn, tenant, campaign, None, vec![lead.clone()], false, now).await?;
    if !skipped.is_empty() {
        return Err(StorageError::Conflict(format!(
            "{} is already a lead in this campaign",
            lead.phone
        )));
    }
    let sql = format!("SELECT {COLUMNS} FROM leads WHERE campaign_id = $1 AND phone = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(campaign.0)
        .bind(lead.phone.as_str())
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// Which of `phones` are already leads of `campaign`.
pub async fn existing_phones(
    conn: &mut Conn,
    campaign: CampaignId,
    phones: &[&str],
) -> Result<HashSet<String>> {
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT phone FROM leads WHERE campaign_id = $1 AND phone IN (SELECT w.value FROM {})",
        batch.texts("$2", "w")
    );
    let mut out = HashSet::new();
    for chunk in phones.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(campaign.0)
            .bind(batch::to_json(chunk)?)
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert(get(&row, "phone")?);
        }
    }
    Ok(out)
}

/// Whether a campaign has any lead (an index probe, not a count).
pub async fn campaign_has_leads(conn: &mut Conn, campaign: CampaignId) -> Result<bool> {
    // Portable: SQLite answers EXISTS with an integer, PostgreSQL with a boolean.
    let row = sqlx::query("SELECT 1 AS one FROM leads WHERE campaign_id = $1 LIMIT 1")
        .bind(campaign.0)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// How many leads a campaign has.
pub async fn count_in_campaign(conn: &mut Conn, campaign: CampaignId) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM leads WHERE campaign_id = $1")
        .bind(campaign.0)
        .fetch_one(conn)
        .await?;
    get(&row, "n")
}

/// Reads a lead of `tenant`.
pub async fn get_by_id(conn: &mut Conn, tenant: TenantId, id: LeadId) -> Result<Lead> {
    let sql = format!("SELECT {COLUMNS} FROM leads WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Filters for listing leads.
#[derive(Debug, Default, Clone)]
pub struct LeadFilter {
    /// Only this campaign.
    pub campaign: Option<CampaignId>,
    /// Only this status.
    pub status: Option<LeadStatus>,
    /// Only leads flagged (or not) do-not-call.
    pub do_not_call: Option<bool>,
    /// Text in the name, phone, email or company (case-insensitive).
    pub search: Option<String>,
    /// The cursor of the previous page: only leads past this id, in the list's order.
    pub after: Option<LeadId>,
    /// Newest first (by id, descending) instead of oldest first.
    pub newest_first: bool,
    /// Page size.
    pub limit: i64,
}

fn filter_sql(tenant: TenantId, f: &LeadFilter, p: &mut Params) -> String {
    let mut clauses = vec![format!("tenant_id = {}", p.push(Arg::Int(tenant.0)))];
    if let Some(c) = f.campaign {
        clauses.push(format!("campaign_id = {}", p.push(Arg::Int(c.0))));
    }
    if let Some(s) = f.status {
        clauses.push(format!("status = {}", p.push(Arg::Text(s.as_str().into()))));
    }
    if let Some(d) = f.do_not_call {
        clauses.push(format!("do_not_call = {}", i64::from(d)));
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let like = p.push(Arg::Text(format!("%{escaped}%")));
        let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
        let mut alternatives: Vec<String> =
            ["first_name", "last_name", "email", "company", "notes"]
                .iter()
                .map(|col| format!("LOWER({col}) LIKE {like} ESCAPE '\\'"))
                .collect();
        alternatives.push(format!(
            "LOWER(first_name || ' ' || last_name) LIKE {like} ESCAPE '\\'"
        ));
        if digits.len() >= 3 {
            alternatives.push(format!(
                "phone LIKE {}",
                p.push(Arg::Text(format!("%{digits}%")))
            ));
        }
        clauses.push(format!("({})", alternatives.join(" OR ")));
    }
    clauses.join(" AND ")
}

/// A page of leads of `tenant`, by id (oldest or newest first), plus the total matching the
/// filter.
pub async fn list(
    conn: &mut Conn,
    tenant: TenantId,
    filter: &LeadFilter,
) -> Result<(Vec<Lead>, i64)> {
    let mut p = Params::default();
    let mut where_sql = filter_sql(tenant, filter, &mut p);
    let count_sql = format!("SELECT COUNT(*) AS n FROM leads WHERE {where_sql}");
    let total: i64 = get(
        &bind_all(sqlx::query(sqlx::AssertSqlSafe(count_sql)), p.args.clone())
            .fetch_one(&mut *conn)
            .await?,
        "n",
    )?;
    let (past, order) = if filter.newest_first {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(after) = filter.after {
        where_sql.push_str(&format!(" AND id {past} {}", p.push(Arg::Int(after.0))));
    }
    let limit = p.push(Arg::Int(filter.limit));
    let sql =
        format!("SELECT {COLUMNS} FROM leads WHERE {where_sql} ORDER BY id {order} LIMIT {limit}");
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), p.args)
        .fetch_all(conn)
        .await?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, total))
}

/// Writes back a lead's editable fields; its status changes only through [`change_by_user`]
/// and the dialer's moves.
#[tracing::instrument(skip_all, fields(tenant_id = %lead.tenant_id, lead_id = %lead.id))]
pub async fn save(conn: &mut Conn, lead: &Lead, now: i64) -> Result<Lead> {
    let sql = format!(
        "UPDATE leads SET phone = $1, country = $2, first_name = $3, last_name = $4, email = $5, company = $6, \
         timezone = $7, lead_type = $8, priority = $9, do_not_call = $10, notes = $11, \
         custom_fields = $12, updated_at = $13, extension = $16, \
         next_attempt_at = CASE WHEN status IN ('new', 'retry') THEN COALESCE(next_attempt_at, $13) ELSE next_attempt_at END \
         WHERE tenant_id = $14 AND id = $15 RETURNING {COLUMNS}"
    );
    let custom = if lead.custom_fields.is_empty() {
        None
    } else {
        Some(serde_json::Value::Object(lead.custom_fields.clone()).to_string())
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(lead.phone.as_str())
        .bind(&lead.country)
        .bind(&lead.first_name)
        .bind(&lead.last_name)
        .bind(&lead.email)
        .bind(&lead.company)
        .bind(lead.timezone.clone())
        .bind(&lead.lead_type)
        .bind(lead.priority.rank())
        .bind(i64::from(lead.do_not_call))
        .bind(&lead.notes)
        .bind(custom)
        .bind(now)
        .bind(lead.tenant_id.0)
        .bind(lead.id.0)
        .bind(lead.extension.clone())
        .fetch_optional(conn)
        .await
        .map_err(|e| {
            StorageError::on_unique(e, "another lead in this campaign has that phone number")
        })?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Deletes a lead of `tenant`.
pub async fn delete(conn: &mut Conn, tenant: TenantId, id: LeadId) -> Result<()> {
    let done = sqlx::query("DELETE FROM leads WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id.0)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

/// Reads many leads by id, whatever their tenant (for records that already name them, such as
/// calls). Ids that do not exist are left out.
pub async fn get_many(conn: &mut Conn, ids: &[LeadId]) -> Result<Vec<Lead>> {
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT {COLUMNS} FROM leads WHERE id IN (SELECT CAST(w.value AS BIGINT) FROM {})",
        batch.texts("$1", "w")
    );
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(batch::lead_ids(chunk)?)
            .fetch_all(&mut *conn)
            .await?
        {
            out.push(from_row(&row)?);
        }
    }
    Ok(out)
}

/// The names of the tenant's leads among `ids` (first and last name, as a person reads them),
/// for lists of calls that show who was called rather than a lead number. Leads without a name
/// are left out.
pub async fn names(
    conn: &mut Conn,
    tenant: TenantId,
    ids: &[LeadId],
) -> Result<std::collections::HashMap<LeadId, String>> {
    let mut out = std::collections::HashMap::new();
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT id, first_name, last_name FROM leads WHERE tenant_id = $2 AND id IN \
         (SELECT CAST(w.value AS BIGINT) FROM {})",
        batch.texts("$1", "w")
    );
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        let json = batch::to_json(&chunk.iter().map(|i| i.0.to_string()).collect::<Vec<_>>())?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(json)
            .bind(tenant.0)
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            if let Some(name) = full_name(
                &get::<String>(row, "first_name")?,
                &get::<String>(row, "last_name")?,
            ) {
                out.insert(LeadId(get(row, "id")?), name);
            }
        }
    }
    Ok(out)
}

/// A person's name from their first and last names, as a person reads it; `None` when both
/// are blank.
pub fn full_name(first: &str, last: &str) -> Option<String> {
    let name = format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_string();
    (!name.is_empty()).then_some(name)
}
