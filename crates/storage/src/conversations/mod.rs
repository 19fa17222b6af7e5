//! Conversations held on calls: the machine's state kept between the carrier's webhooks, and
//! once the call's conversation ends its outcome, what was learned and the call-back time asked
//! for. Its turns are in [`turns`]; a tenant's providers (a language model's API, a Google
//! service account) in [`providers`].

pub mod providers;
pub mod turns;

use crate::row::get;
use crate::{Conn, Result, StorageError};
use outdial_domain::{CallId, TenantId};
use serde::Serialize;

/// A call's conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallConversation {
    /// The call.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub call_id: CallId,
    /// Its tenant.
    #[serde(skip)]
    pub tenant_id: TenantId,
    /// `flow`, `llm` or `dialogflow`.
    pub mode: String,
    /// The conversation's state between turns (the engine's own).
    #[serde(skip)]
    pub state: serde_json::Value,
    /// How it ended (`appointment_booked`, `interested`, …); `null` while it runs.
    pub outcome: Option<String>,
    /// What was learned: intent, requested and booked time, confirmed, call-back time, notes.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub extracted: serde_json::Value,
    /// When the person asked to be called back, epoch ms.
    pub callback_at: Option<i64>,
    /// Tokens a language model used on the call.
    pub tokens: i64,
    /// Begun, epoch ms.
    pub started_at: i64,
    /// Last changed, epoch ms.
    pub updated_at: i64,
}

const COLUMNS: &str = "call_id, tenant_id, mode, state, outcome, extracted, callback_at, tokens, started_at, updated_at";

fn json_of(row: &sqlx::any::AnyRow, column: &str) -> Result<serde_json::Value> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text)
        .map_err(|e| StorageError::Corrupt(format!("call conversation {column}: {e}")))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<CallConversation> {
    Ok(CallConversation {
        call_id: CallId(get(row, "call_id")?),
        tenant_id: TenantId(get(row, "tenant_id")?),
        mode: get(row, "mode")?,
        state: json_of(row, "state")?,
        outcome: get(row, "outcome")?,
        extracted: json_of(row, "extracted")?,
        callback_at: get(row, "callback_at")?,
        tokens: get(row, "tokens")?,
        started_at: get(row, "started_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// The conversation of a call of the tenant's, if it held one.
pub async fn get_for_call(
    conn: &mut Conn,
    tenant: TenantId,
    call: CallId,
) -> Result<Option<CallConversation>> {
    let sql =
        format!("SELECT {COLUMNS} FROM call_conversations WHERE tenant_id = $1 AND call_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(call.0)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// What a turn leaves of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress<'a> {
    /// The engine's state.
    pub state: &'a serde_json::Value,
    /// What was learned so far.
    pub extracted: &'a serde_json::Value,
    /// The outcome, once it ended.
    pub outcome: Option<&'a str>,
    /// The call-back time asked for.
    pub callback_at: Option<i64>,
    /// Tokens used in this turn (added to the call's).
    pub tokens: i64,
}

/// Stores a call's conversation after a turn: begins it on its first turn, updates it after.
/// A conversation that has ended is not changed again (a late or repeated webhook changes
/// nothing): `Conflict` then.
pub async fn save(
    conn: &mut Conn,
    tenant: TenantId,
    call: CallId,
    mode: &str,
    p: &Progress<'_>,
    now: i64,
) -> Result<()> {
    let state = p.state.to_string();
    let extracted = p.extracted.to_string();
    let done = sqlx::query(
        "INSERT INTO call_conversations (call_id, tenant_id, mode, state, outcome, extracted, callback_at, tokens, started_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (call_id) DO UPDATE SET state = excluded.state, outcome = excluded.outcome, \
         extracted = excluded.extracted, callback_at = excluded.callback_at, \
         tokens = call_conversations.tokens + excluded.tokens, updated_at = excluded.updated_at \
         WHERE call_conversations.outcome IS NULL AND call_conversations.tenant_id = excluded.tenant_id",
    )
    .bind(call.0)
    .bind(tenant.0)
    .bind(mode)
    .bind(state)
    .bind(p.outcome)
    .bind(extracted)
    .bind(p.callback_at)
    .bind(p.tokens)
    .bind(now)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Conflict(
            "the call's conversation has ended".into(),
        ));
    }
    Ok(())
}

/// The call-back times asked for on these calls (those whose conversation named one).
pub async fn callbacks_of(conn: &mut Conn, calls: &[CallId]) -> Result<Vec<(CallId, i64)>> {
    if calls.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=calls.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT call_id, callback_at FROM call_conversations WHERE callback_at IS NOT NULL AND call_id IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for c in calls {
        q = q.bind(c.0);
    }
    let rows = q.fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((CallId(get(r, "call_id")?), get(r, "callback_at")?)))
        .collect()
}

/// How many of the tenant's conversations that began in `[from, to)` ended with each outcome
/// (optionally of one campaign's calls).
pub async fn outcome_counts(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: Option<i64>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT cc.outcome AS outcome, COUNT(*) AS n FROM call_conversations cc JOIN calls c ON c.id = cc.call_id \
         WHERE cc.tenant_id = $1 AND cc.outcome IS NOT NULL AND cc.started_at >= $2 AND cc.started_at < $3 \
         AND ($4 < 0 OR c.campaign_id = $4) GROUP BY cc.outcome ORDER BY cc.outcome",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .bind(campaign.unwrap_or(-1))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "outcome")?, get(r, "n")?)))
        .collect()
}
