//! Calls and their event timelines. A call is read with [`lock`] inside a transaction, changed
//! in Rust by the domain's rules, and written back with [`save`]; each carrier report is stored
//! once as an event, so a repeated report is recognised and ignored.

use crate::batch::{self, Batch};
use crate::dialect::Dialect;
use crate::row::{Arg, Params, bind_all, get};
use crate::{Conn, Result, StorageError};
use outdial_domain::call::{AnsweredBy, CallSid, CallStatus, Disposition, Outcome};
use outdial_domain::{CallId, CampaignId, LeadId, PhoneNumber, TenantId};
use serde::Serialize;

pub mod prices;
mod timeline;
pub use timeline::{CallEvent, NewEvent, add_event, add_events, events, sequences};

/// A stored call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    /// Its id.
    pub id: CallId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The campaign it was made for, if any.
    pub campaign_id: Option<CampaignId>,
    /// The lead called, if any.
    pub lead_id: Option<LeadId>,
    /// `campaign`, `cold_call`, `appointment_booking` or `single`.
    pub call_type: String,
    /// The carrier's id, once the carrier accepted the call.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub call_sid: Option<CallSid>,
    /// Caller ID.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub from: PhoneNumber,
    /// The number called.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: PhoneNumber,
    /// The carrier's status.
    pub status: CallStatus,
    /// Who answered, when detected.
    pub answered_by: Option<AnsweredBy>,
    /// How it turned out, once ended.
    pub outcome: Option<Outcome>,
    /// What happened inside the call.
    pub disposition: Option<Disposition>,
    /// The carrier's error code.
    pub error_code: Option<i64>,
    /// The carrier's error message.
    pub error_message: Option<String>,
    /// Placed, epoch ms.
    pub created_at: i64,
    /// Started ringing, epoch ms.
    pub ringing_at: Option<i64>,
    /// Answered, epoch ms.
    pub answered_at: Option<i64>,
    /// Ended, epoch ms.
    pub ended_at: Option<i64>,
    /// Seconds of ringing before the answer or the end.
    pub ring_seconds: Option<i64>,
    /// Seconds of talk, as the carrier counts them.
    pub talk_seconds: Option<i64>,
    /// The recording's id.
    pub recording_sid: Option<String>,
    /// Where the recording is.
    pub recording_url: Option<String>,
    /// Digits dialed once the call was answered (the number's extension).
    pub extension: Option<String>,
    /// The recording's length.
    pub recording_seconds: Option<i64>,
    /// What the call cost.
    pub price: Option<String>,
    /// The price's currency.
    pub price_unit: Option<String>,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

pub(crate) const COLUMNS: &str = "id, tenant_id, campaign_id, lead_id, call_type, call_sid, from_number, to_number, status, \
    answered_by, outcome, disposition, error_code, error_message, created_at, ringing_at, answered_at, ended_at, \
    talk_seconds, recording_sid, recording_url, recording_seconds, price, price_unit, updated_at, extension";

pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<Call> {
    let status: String = get(row, "status")?;
    let corrupt = |what: &str, v: &str| StorageError::Corrupt(format!("call {what} '{v}'"));
    let answered_by: Option<String> = get(row, "answered_by")?;
    let outcome: Option<String> = get(row, "outcome")?;
    let disposition: Option<String> = get(row, "disposition")?;
    let created_at: i64 = get(row, "created_at")?;
    let ringing_at: Option<i64> = get(row, "ringing_at")?;
    let answered_at: Option<i64> = get(row, "answered_at")?;
    let ended_at: Option<i64> = get(row, "ended_at")?;
    Ok(Call {
        id: CallId(get(row, "id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        campaign_id: get::<Option<i64>>(row, "campaign_id")?.map(CampaignId),
        lead_id: get::<Option<i64>>(row, "lead_id")?.map(LeadId),
        call_type: get(row, "call_type")?,
        call_sid: crate::row::call_sid(row, "call_sid")?,
        from: PhoneNumber::from_trusted(get(row, "from_number")?),
        to: PhoneNumber::from_trusted(get(row, "to_number")?),
        status: CallStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        answered_by: answered_by
            .map(|a| AnsweredBy::parse(&a).ok_or_else(|| corrupt("answered_by", &a)))
            .transpose()?,
        outcome: outcome
            .map(|o| Outcome::parse(&o).ok_or_else(|| corrupt("outcome", &o)))
            .transpose()?,
        disposition: disposition
            .map(|d| Disposition::parse(&d).ok_or_else(|| corrupt("disposition", &d)))
            .transpose()?,
        error_code: get(row, "error_code")?,
        error_message: get(row, "error_message")?,
        created_at,
        ringing_at,
        answered_at,
        ended_at,
        ring_seconds: ringing_at.and_then(|r| {
            answered_at
                .or(ended_at)
                .map(|e| ((e - r).max(0) + 500) / 1000)
        }),
        talk_seconds: get(row, "talk_seconds")?,
        recording_sid: get(row, "recording_sid")?,
        recording_url: get(row, "recording_url")?,
        extension: get(row, "extension")?,
        recording_seconds: get(row, "recording_seconds")?,
        price: get(row, "price")?,
        price_unit: get(row, "price_unit")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// Seconds from ringing to the answer (or the end, if never answered), rounded.
fn ring_seconds(ringing: Option<i64>, answered: Option<i64>, ended: Option<i64>) -> Option<i64> {
    ringing.and_then(|r| answered.or(ended).map(|e| ((e - r).max(0) + 500) / 1000))
}

/// A call about to be placed.
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    /// The campaign it is made for.
    pub campaign: Option<CampaignId>,
    /// The lead called.
    pub lead: Option<LeadId>,
    /// What kind of call.
    pub call_type: &'a str,
    /// Caller ID.
    pub from: &'a PhoneNumber,
    /// The number called.
    pub to: &'a PhoneNumber,
    /// Digits to dial once answered.
    pub extension: Option<&'a str>,
}

/// Records a call before it is handed to the carrier (status `queued`).
pub async fn create(
    conn: &mut Conn,
    tenant: TenantId,
    call: &NewCall<'_>,
    now: i64,
) -> Result<Call> {
    let sql = format!(
        "INSERT INTO calls (tenant_id, campaign_id, lead_id, call_type, from_number, to_number, status, created_at, updated_at, extension) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7, $8) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(call.campaign.map(|c| c.0))
        .bind(call.lead.map(|l| l.0))
        .bind(call.call_type)
        .bind(call.from.as_str())
        .bind(call.to.as_str())
        .bind(now)
        .bind(call.extension)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// Reads a call of `tenant`.
pub async fn get_by_id(conn: &mut Conn, tenant: TenantId, id: CallId) -> Result<Call> {
    let sql = format!("SELECT {COLUMNS} FROM calls WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Reads a call of `tenant` to change it. Inside a transaction it also locks the row on
/// PostgreSQL (SQLite's write transaction already excludes other writers).
pub async fn lock(conn: &mut Conn, tenant: TenantId, id: CallId) -> Result<Call> {
    let lock = Dialect::of(conn).lock_rows();
    let sql = format!("SELECT {COLUMNS} FROM calls WHERE id = $1 AND tenant_id = $2{lock}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .bind(tenant.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    from_row(&row)
}

/// Writes back a call's changing fields; returns the call as now stored.
pub async fn save(conn: &mut Conn, call: &Call, now: i64) -> Result<Call> {
    let mut saved = call.clone();
    saved.updated_at = now;
    saved.ring_seconds = ring_seconds(saved.ringing_at, saved.answered_at, saved.ended_at);
    if save_many(conn, std::slice::from_ref(&saved)).await? == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(saved)
}

/// Filters for listing calls.
#[derive(Debug, Default, Clone)]
pub struct CallFilter {
    /// Only this campaign.
    pub campaign: Option<CampaignId>,
    /// Only this lead.
    pub lead: Option<LeadId>,
    /// Only this status.
    pub status: Option<CallStatus>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Only this disposition (what happened in the answered call; a conversation's outcome).
    pub disposition: Option<Disposition>,
    /// Placed at or after, epoch ms.
    pub from: Option<i64>,
    /// Placed before, epoch ms.
    pub until: Option<i64>,
    /// Only calls with an id below this (the cursor of the previous page; newest first).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// A page of calls of `tenant`, newest first, and the total matching the filter.
pub async fn list(conn: &mut Conn, tenant: TenantId, f: &CallFilter) -> Result<(Vec<Call>, i64)> {
    let mut p = Params::default();
    let mut clauses = vec![format!("tenant_id = {}", p.push(Arg::Int(tenant.0)))];
    if let Some(c) = f.campaign {
        clauses.push(format!("campaign_id = {}", p.push(Arg::Int(c.0))));
    }
    if let Some(l) = f.lead {
        clauses.push(format!("lead_id = {}", p.push(Arg::Int(l.0))));
    }
    if let Some(s) = f.status {
        clauses.push(format!("status = {}", p.push(Arg::Text(s.as_str().into()))));
    }
    if let Some(o) = f.outcome {
        clauses.push(format!(
            "outcome = {}",
            p.push(Arg::Text(o.as_str().into()))
        ));
    }
    if let Some(d) = f.disposition {
        clauses.push(format!(
            "disposition = {}",
            p.push(Arg::Text(d.as_str().into()))
        ));
    }
    if let Some(t) = f.from {
        clauses.push(format!("created_at >= {}", p.push(Arg::Int(t))));
    }
    if let Some(t) = f.until {
        clauses.push(format!("created_at < {}", p.push(Arg::Int(t))));
    }
    let where_sql = clauses.join(" AND ");
    let total: i64 = get(
        &bind_all(
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) AS n FROM calls WHERE {where_sql}"
            ))),
            p.args.clone(),
        )
        .fetch_one(&mut *conn)
        .await?,
        "n",
    )?;
    let mut page_where = where_sql;
    if let Some(b) = f.before {
        page_where.push_str(&format!(" AND id < {}", p.push(Arg::Int(b))));
    }
    let limit = p.push(Arg::Int(f.limit));
    let sql =
        format!("SELECT {COLUMNS} FROM calls WHERE {page_where} ORDER BY id DESC LIMIT {limit}");
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), p.args)
        .fetch_all(conn)
        .await?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, total))
}

/// Reads many calls to change them, whatever their tenant (the caller checks it), locking
/// their rows in id order on PostgreSQL so two transactions locking overlapping sets cannot
/// deadlock. Ids that do not exist are left out.
pub async fn lock_many(conn: &mut Conn, ids: &[CallId]) -> Result<Vec<Call>> {
    let batch = Batch::of(conn);
    let lock = Dialect::of(conn).lock_rows();
    let sql = format!(
        "SELECT {COLUMNS} FROM calls WHERE id IN (SELECT CAST(w.value AS BIGINT) FROM {}) ORDER BY id{lock}",
        batch.texts("$1", "w")
    );
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(batch::to_json(chunk)?)
            .fetch_all(&mut *conn)
            .await?
        {
            out.push(from_row(&row)?);
        }
    }
    Ok(out)
}

/// Marks a call the carrier never made: it stays in the log, and counts neither toward its
/// lead's calls in 24 hours nor toward its campaign's daily limit.
pub async fn mark_never_placed(conn: &mut Conn, id: CallId) -> Result<()> {
    sqlx::query("UPDATE calls SET never_placed = 1 WHERE id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes back many calls' changing fields (as [`save`] does for one), each with its own
/// `updated_at`; returns how many were found.
pub async fn save_many(conn: &mut Conn, changed: &[Call]) -> Result<u64> {
    let batch = Batch::of(conn);
    let (text, int) = (|i| batch.text("r", i), |i| batch.int("r", i));
    let sql = format!(
        "UPDATE calls SET call_sid = {}, status = {}, answered_by = {}, outcome = {}, disposition = {}, \
         error_code = {}, error_message = {}, ringing_at = {}, answered_at = {}, ended_at = {}, talk_seconds = {}, \
         recording_sid = {}, recording_url = {}, recording_seconds = {}, price = {}, price_unit = {}, updated_at = {} \
         FROM {} WHERE calls.id = {}",
        text(1),
        text(2),
        text(3),
        text(4),
        text(5),
        int(6),
        text(7),
        int(8),
        int(9),
        int(10),
        int(11),
        text(12),
        text(13),
        int(14),
        text(15),
        text(16),
        int(17),
        batch.rows("$1", "r"),
        int(0),
    );
    let mut found = 0;
    for chunk in changed.chunks(batch::MAX_ITEMS) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|c| {
                serde_json::json!([
                    c.id,
                    c.call_sid,
                    c.status.as_str(),
                    c.answered_by.map(|a| a.as_str()),
                    c.outcome.map(|o| o.as_str()),
                    c.disposition.map(|d| d.as_str()),
                    c.error_code,
                    c.error_message,
                    c.ringing_at,
                    c.answered_at,
                    c.ended_at,
                    c.talk_seconds,
                    c.recording_sid,
                    c.recording_url,
                    c.recording_seconds,
                    c.price,
                    c.price_unit,
                    c.updated_at,
                ])
            })
            .collect();
        found += sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(batch::to_json(&rows)?)
            .execute(&mut *conn)
            .await
            .map_err(|e| StorageError::on_unique(e, "another call already has that carrier id"))?
            .rows_affected();
    }
    Ok(found)
}

/// Marks calls as looked at now, so they are asked about again only after another quiet spell.
pub async fn touch_calls(conn: &mut Conn, ids: &[CallId], now: i64) -> Result<()> {
    let batch = Batch::of(conn);
    let sql = format!(
        "UPDATE calls SET updated_at = $1 WHERE id IN (SELECT CAST(w.value AS BIGINT) FROM {})",
        batch.texts("$2", "w")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(batch::to_json(ids)?)
        .execute(conn)
        .await?;
    Ok(())
}
