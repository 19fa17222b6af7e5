//! Erasing a person on request (GDPR Art. 17): every lead of the tenant with their number is
//! deleted; their calls stay for the campaign's figures, but without the number, the timeline
//! (what was said to them, the keys they pressed, the carrier's reports naming them), the
//! agents' notes and the recording's address. The caller keeps the do-not-call entry that
//! stops them being called again, and deletes the recordings at the carrier.

use crate::batch::{self, Batch};
use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::{PhoneNumber, TenantId};

/// What stands in for an erased number in a call's record.
pub const ERASED: &str = "[erased]";

/// What was erased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// Leads deleted.
    pub leads: u64,
    /// Calls stripped of the person's data.
    pub calls: u64,
    /// The recordings those calls had, to delete at the carrier.
    pub recording_sids: Vec<String>,
}

/// How many of the tenant's calls to `phone` are still going.
pub async fn live_calls(conn: &mut Conn, tenant: TenantId, phone: &PhoneNumber) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM calls WHERE tenant_id = $1 AND to_number = $2 AND ended_at IS NULL",
    )
    .bind(tenant.0)
    .bind(phone.as_str())
    .fetch_one(conn)
    .await?;
    get(&row, "n")
}

/// Erases the person called on `phone` from the tenant's records. Run it in a transaction.
pub async fn person(conn: &mut Conn, tenant: TenantId, phone: &PhoneNumber) -> Result<Erased> {
    let calls: Vec<(i64, Option<String>)> = sqlx::query(
        "SELECT c.id, c.recording_sid FROM calls c WHERE c.tenant_id = $1 AND (c.to_number = $2 \
         OR c.lead_id IN (SELECT l.id FROM leads l WHERE l.tenant_id = $1 AND l.phone = $2))",
    )
    .bind(tenant.0)
    .bind(phone.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((get(r, "id")?, get(r, "recording_sid")?)))
    .collect::<Result<_>>()?;
    let ids: Vec<i64> = calls.iter().map(|(id, _)| *id).collect();
    let batch = Batch::of(conn);
    let in_ids = format!(
        "(SELECT CAST(w.value AS BIGINT) FROM {})",
        batch.texts("$1", "w")
    );
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        let json = batch::to_json(&chunk.iter().map(|i| i.to_string()).collect::<Vec<_>>())?;
        for sql in [
            format!("DELETE FROM call_events WHERE call_id IN {in_ids}"),
            format!("UPDATE transfers SET notes = NULL WHERE call_id IN {in_ids}"),
            format!("DELETE FROM call_backs WHERE call_id IN {in_ids}"),
            format!("DELETE FROM call_turns WHERE call_id IN {in_ids}"),
            format!("DELETE FROM call_conversations WHERE call_id IN {in_ids}"),
            format!(
                "UPDATE calls SET to_number = '{ERASED}', extension = NULL, recording_sid = NULL, \
                 recording_url = NULL, error_message = NULL WHERE id IN {in_ids}"
            ),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(json.clone())
                .execute(&mut *conn)
                .await?;
        }
    }
    // Their appointments go too (places and history with them), whether booked for one of
    // their leads or by number alone.
    sqlx::query(
        "DELETE FROM appointments WHERE tenant_id = $1 AND (phone = $2 \
         OR lead_id IN (SELECT l.id FROM leads l WHERE l.tenant_id = $1 AND l.phone = $2))",
    )
    .bind(tenant.0)
    .bind(phone.as_str())
    .execute(&mut *conn)
    .await?;
    let leads = sqlx::query("DELETE FROM leads WHERE tenant_id = $1 AND phone = $2")
        .bind(tenant.0)
        .bind(phone.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(Erased {
        leads,
        calls: ids.len() as u64,
        recording_sids: calls.into_iter().filter_map(|(_, sid)| sid).collect(),
    })
}
