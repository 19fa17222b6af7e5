//! Writes to leads that are not status changes: the do-not-call mark and why a callable lead
//! waits (its next attempt and hold reason).

use crate::batch::{self, Batch};
use crate::{Conn, Result};
use outdial_domain::{LeadId, PhoneNumber, TenantId, UserId};

/// Marks leads do-not-call (their number was found on the tenant's list at dialing time).
pub async fn mark_do_not_call(conn: &mut Conn, ids: &[LeadId], now: i64) -> Result<()> {
    set_where_callable(conn, ids, "do_not_call = 1", now).await
}

async fn set_where_callable(conn: &mut Conn, ids: &[LeadId], set: &str, now: i64) -> Result<()> {
    let batch = Batch::of(conn);
    let sql = format!(
        "UPDATE leads SET {set}, updated_at = $1 WHERE id IN (SELECT CAST(w.value AS BIGINT) FROM {}) \
         AND status IN ('new', 'retry')",
        batch.texts("$2", "w")
    );
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(now)
            .bind(batch::lead_ids(chunk)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A lead held back: until when, and why.
pub type Hold = (LeadId, i64, String);

/// Moves leads' next attempt to a later moment, with the rule that holds them back until
/// then. Only leads still callable are touched.
pub async fn reschedule(conn: &mut Conn, held: &[Hold], now: i64) -> Result<()> {
    let batch = Batch::of(conn);
    let sql = format!(
        "UPDATE leads SET next_attempt_at = {}, hold_reason = {}, updated_at = $1 FROM {} \
         WHERE leads.id = {} AND leads.status IN ('new', 'retry')",
        batch.int("r", 1),
        batch.text("r", 2),
        batch.rows("$2", "r"),
        batch.int("r", 0),
    );
    for chunk in held.chunks(batch::MAX_ITEMS) {
        let rows: Vec<(i64, i64, &str)> = chunk
            .iter()
            .map(|(id, at, why)| (id.0, *at, why.as_str()))
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(now)
            .bind(batch::to_json(&rows)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Marks every lead of `tenant` whose number is one of `phones` do-not-call (the numbers were
/// just added to the tenant's list). Returns how many leads were newly marked.
pub async fn mark_numbers_do_not_call(
    conn: &mut Conn,
    tenant: TenantId,
    phones: &[PhoneNumber],
    now: i64,
) -> Result<u64> {
    let batch = Batch::of(conn);
    // Through the unique (campaign_id, phone) index: leads carry no tenant-wide phone index,
    // which keeps lead imports fast.
    let mark = format!(
        "UPDATE leads SET do_not_call = 1, updated_at = $1 WHERE do_not_call = 0 AND tenant_id = $2 \
         AND campaign_id IN (SELECT id FROM campaigns WHERE tenant_id = $2) \
         AND phone IN (SELECT w.value FROM {})",
        batch.texts("$3", "w")
    );
    let mut marked = 0;
    for chunk in phones.chunks(batch::MAX_ITEMS) {
        let numbers: Vec<&str> = chunk.iter().map(PhoneNumber::as_str).collect();
        marked += sqlx::query(sqlx::AssertSqlSafe(mark.as_str()))
            .bind(now)
            .bind(tenant.0)
            .bind(batch::to_json(&numbers)?)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(marked)
}

/// Remembers the agent a lead asked to be called back by.
pub async fn prefer_agent(conn: &mut Conn, lead: LeadId, agent: Option<UserId>) -> Result<()> {
    sqlx::query("UPDATE leads SET preferred_agent_id = $1 WHERE id = $2")
        .bind(agent.map(|a| a.0))
        .bind(lead.0)
        .execute(conn)
        .await?;
    Ok(())
}
