//! Every change of a lead's status. Each function takes the domain's [`Transition`] (from which
//! statuses to which) rather than writing a status of its own, and moves only the leads still
//! in one of its `from` statuses, so two writers racing cannot move a lead twice.

use super::{COLUMNS, Lead, from_row};
use crate::batch::{self, Batch};
use crate::row::get;
use crate::transition::status_in;
use crate::{Conn, Result, StorageError};
use outdial_domain::Transition;
use outdial_domain::lead::{AfterCall, LeadStatus};
use outdial_domain::{CampaignId, LeadId, TenantId};

/// Claims a lead for a call ([`LeadStatus::CLAIM`]): `None` when it is no longer callable or
/// is marked do-not-call, so two callers can never both dial it.
pub async fn claim_for_call(
    conn: &mut Conn,
    tenant: TenantId,
    id: LeadId,
    now: i64,
) -> Result<Option<Lead>> {
    let t = LeadStatus::CLAIM;
    let sql = format!(
        "UPDATE leads SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 \
         AND {} AND do_not_call = 0 RETURNING {COLUMNS}",
        status_in("status", &t)
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Claims leads for calls ([`LeadStatus::CLAIM`]): `dialing` from now until their call ends.
/// Returns the ids claimed (a lead no longer callable is left out).
pub async fn claim(conn: &mut Conn, ids: &[LeadId], now: i64) -> Result<Vec<LeadId>> {
    let t = LeadStatus::CLAIM;
    let batch = Batch::of(conn);
    let sql = format!(
        "UPDATE leads SET status = $1, hold_reason = NULL, updated_at = $2 WHERE id IN (SELECT CAST(w.value AS BIGINT) FROM {}) \
         AND {} AND do_not_call = 0 RETURNING id",
        batch.texts("$3", "w"),
        status_in("status", &t)
    );
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(t.to_name())
            .bind(now)
            .bind(batch::lead_ids(chunk)?)
            .fetch_all(&mut *conn)
            .await?
        {
            out.push(LeadId(get(&row, "id")?));
        }
    }
    Ok(out)
}

/// Closes callable leads that have used every attempt their campaign allows
/// ([`LeadStatus::EXHAUST`]).
pub async fn exhaust(conn: &mut Conn, ids: &[LeadId], now: i64) -> Result<()> {
    let t = LeadStatus::EXHAUST;
    let batch = Batch::of(conn);
    let sql = format!(
        "UPDATE leads SET status = $1, updated_at = $2 WHERE id IN (SELECT CAST(w.value AS BIGINT) FROM {}) AND {}",
        batch.texts("$3", "w"),
        status_in("status", &t)
    );
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(t.to_name())
            .bind(now)
            .bind(batch::lead_ids(chunk)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records the ends of many call attempts (as [`finish_attempt`] does for one) in one
/// statement per chunk: each lead moves from `dialing` to what its call decided
/// ([`LeadStatus::ended`]). Each lead appears at most once.
pub async fn finish_attempts(
    conn: &mut Conn,
    done: &[(LeadId, AfterCall)],
    now: i64,
) -> Result<()> {
    // Every move is checked before anything is written: one the rules refuse writes nothing.
    let moves: Vec<(LeadId, Transition<LeadStatus>, &AfterCall)> = done
        .iter()
        .map(|(id, a)| Ok((*id, LeadStatus::ended(a.status).map_err(refused)?, a)))
        .collect::<Result<_>>()?;
    // Every call's end moves from the same status (`dialing`).
    let Some((_, first, _)) = moves.first() else {
        return Ok(());
    };
    let batch = Batch::of(conn);
    let (text, int) = (|i| batch.text("r", i), |i| batch.int("r", i));
    let sql = format!(
        "UPDATE leads SET status = {}, attempts = {}, last_attempt_at = $1, next_attempt_at = {}, updated_at = $1 \
         FROM {} WHERE leads.id = {} AND {}",
        text(1),
        int(2),
        int(3),
        batch.rows("$2", "r"),
        int(0),
        status_in("leads.status", first),
    );
    for chunk in moves.chunks(batch::MAX_ITEMS) {
        let rows: Vec<(i64, &str, i64, Option<i64>)> = chunk
            .iter()
            .map(|(id, t, a)| (id.0, t.to_name(), a.attempts, a.next_attempt_at))
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(now)
            .bind(batch::to_json(&rows)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records the end of a call attempt on a lead being dialed.
pub async fn finish_attempt(
    conn: &mut Conn,
    id: LeadId,
    after: &AfterCall,
    now: i64,
) -> Result<()> {
    finish_attempts(conn, &[(id, *after)], now).await
}

/// Releases claims that outlived their call ([`LeadStatus::RELEASE`]): leads still `dialing`
/// since before `before` whose every call has ended (a crash between ending the call and
/// finishing the lead). They go back to `retry`, due at once, without an attempt counted.
/// Returns how many.
pub async fn release_orphaned_claims(conn: &mut Conn, before: i64, now: i64) -> Result<u64> {
    let t = LeadStatus::RELEASE;
    // A bounded batch per sweep: the write lock is never held for long, whatever is claimed.
    let sql = format!(
        "UPDATE leads SET status = $1, next_attempt_at = $2, updated_at = $2 WHERE id IN (\
           SELECT id FROM leads WHERE {from} AND updated_at < $3 \
           AND NOT EXISTS (SELECT 1 FROM calls WHERE calls.lead_id = leads.id AND calls.ended_at IS NULL) \
           ORDER BY updated_at LIMIT 500) AND {from}",
        from = status_in("status", &t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Sets a campaign's leads in any of the transition's `from` statuses back to `new`, due at
/// once, with their attempts cleared ([`LeadStatus::recycle`]: recycling a worked list).
/// Leads marked do-not-call stay as they are. Returns how many.
pub async fn recycle(
    conn: &mut Conn,
    tenant: TenantId,
    campaign: CampaignId,
    t: &Transition<LeadStatus>,
    now: i64,
) -> Result<u64> {
    let sql = format!(
        "UPDATE leads SET status = $1, attempts = 0, next_attempt_at = $2, hold_reason = NULL, updated_at = $2 \
         WHERE tenant_id = $3 AND campaign_id = $4 AND do_not_call = 0 AND {}",
        status_in("status", t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(tenant.0)
        .bind(campaign.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Applies an agent's disposition to a lead whose call is over ([`LeadStatus::settled`]): its
/// status and next attempt, with why it waits. `false` while the lead's call is still being
/// wrapped up by the carrier (status `dialing`): the call's end applies it then.
pub async fn settle(
    conn: &mut Conn,
    tenant: TenantId,
    lead: LeadId,
    after: &AfterCall,
    hold_reason: Option<&str>,
    now: i64,
) -> Result<bool> {
    let t = LeadStatus::settled(after.status).map_err(refused)?;
    let sql = format!(
        "UPDATE leads SET status = $1, next_attempt_at = $2, hold_reason = $3, updated_at = $4 \
         WHERE id = $5 AND tenant_id = $6 AND {}",
        status_in("status", &t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(after.next_attempt_at)
        .bind(hold_reason)
        .bind(now)
        .bind(lead.0)
        .bind(tenant.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A move the rules do not allow, as a conflict naming it.
fn refused(e: outdial_domain::lead::LeadStatusError) -> StorageError {
    StorageError::Conflict(e.reason)
}

/// A user's change of one lead's status ([`LeadStatus::changed_by_user`]), only while the lead
/// is still where the user saw it. Reset to `new`, it is due at once with no hold; set to
/// wait, it keeps its next attempt (or is due now). `false` when the lead moved meanwhile.
pub async fn change_by_user(
    conn: &mut Conn,
    tenant: TenantId,
    id: LeadId,
    t: &Transition<LeadStatus>,
    now: i64,
) -> Result<bool> {
    let (hold, next) = match t.to() {
        LeadStatus::New => ("NULL", "$2"),
        LeadStatus::Retry => ("hold_reason", "COALESCE(next_attempt_at, $2)"),
        _ => ("hold_reason", "next_attempt_at"),
    };
    let sql = format!(
        "UPDATE leads SET status = $1, updated_at = $2, hold_reason = {hold}, next_attempt_at = {next} \
         WHERE tenant_id = $3 AND id = $4 AND {}",
        status_in("status", t)
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(t.to_name())
        .bind(now)
        .bind(tenant.0)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
