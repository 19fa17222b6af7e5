//! A call's timeline: every carrier report and what happened inside the call, stored once
//! each (a repeat, recognised by its kind and sequence number, is skipped).

use super::CallId;
use crate::batch::{self, Batch};
use crate::row::get;
use crate::{Conn, Result, StorageError};
use serde::Serialize;
use std::collections::HashSet;

/// One entry of a call's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallEvent {
    /// `status`, `voice`, `amd`, `gather`, `recording`, `carrier`…
    pub kind: String,
    /// The status reported, for status events.
    pub status: Option<String>,
    /// The carrier's sequence number, for status events.
    pub sequence: Option<i64>,
    /// What the event carried (fields vary by kind).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
    /// Received, epoch ms.
    pub received_at: i64,
}

/// Adds an event to a call's timeline. With a `sequence`, an event of the same kind and
/// sequence already stored makes this a repeat: nothing is written and `false` is returned.
pub async fn add_event(
    conn: &mut Conn,
    call: CallId,
    kind: &str,
    status: Option<&str>,
    sequence: Option<i64>,
    detail: &serde_json::Value,
    now: i64,
) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO call_events (call_id, kind, status, sequence, detail, received_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (call_id, kind, sequence) DO NOTHING",
    )
    .bind(call.0)
    .bind(kind)
    .bind(status)
    .bind(sequence)
    .bind(detail.to_string())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// A call's timeline, oldest first.
pub async fn events(conn: &mut Conn, call: CallId) -> Result<Vec<CallEvent>> {
    let rows = sqlx::query(
        "SELECT kind, status, sequence, detail, received_at FROM call_events WHERE call_id = $1 ORDER BY id",
    )
    .bind(call.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let detail: String = get(r, "detail")?;
            Ok(CallEvent {
                kind: get(r, "kind")?,
                status: get(r, "status")?,
                sequence: get(r, "sequence")?,
                detail: serde_json::from_str(&detail)
                    .map_err(|e| StorageError::Corrupt(format!("call event: {e}")))?,
                received_at: get(r, "received_at")?,
            })
        })
        .collect()
}

/// An event to add with [`add_events`].
#[derive(Debug, Clone, Serialize)]
pub struct NewEvent {
    /// The call it belongs to.
    pub call_id: CallId,
    /// Its kind (see [`CallEvent::kind`]).
    pub kind: String,
    /// The status reported.
    pub status: Option<String>,
    /// The carrier's sequence number.
    pub sequence: Option<i64>,
    /// What it carried, as JSON text.
    pub detail: String,
    /// Received, epoch ms.
    pub received_at: i64,
}

/// The `(call, sequence)` pairs already stored for events of `kind` of these calls.
pub async fn sequences(
    conn: &mut Conn,
    kind: &str,
    ids: &[CallId],
) -> Result<HashSet<(CallId, i64)>> {
    let batch = Batch::of(conn);
    let sql = format!(
        "SELECT call_id, sequence FROM call_events WHERE kind = $1 AND sequence IS NOT NULL \
         AND call_id IN (SELECT CAST(w.value AS BIGINT) FROM {})",
        batch.texts("$2", "w")
    );
    let mut out = HashSet::new();
    for chunk in ids.chunks(batch::MAX_ITEMS) {
        for row in sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(kind)
            .bind(batch::to_json(chunk)?)
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert((CallId(get(&row, "call_id")?), get(&row, "sequence")?));
        }
    }
    Ok(out)
}

/// Adds many events in one statement per chunk. An event whose kind and sequence are already
/// stored for its call is skipped, as with [`add_event`].
pub async fn add_events(conn: &mut Conn, events: &[NewEvent]) -> Result<()> {
    let batch = Batch::of(conn);
    let (text, int) = (|i| batch.text("r", i), |i| batch.int("r", i));
    let sql = format!(
        "INSERT INTO call_events (call_id, kind, status, sequence, detail, received_at) \
         SELECT {}, {}, {}, {}, {}, {} FROM {} WHERE TRUE ON CONFLICT (call_id, kind, sequence) DO NOTHING",
        int(0),
        text(1),
        text(2),
        int(3),
        text(4),
        int(5),
        batch.rows("$1", "r")
    );
    for chunk in events.chunks(batch::MAX_ITEMS) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|e| {
                (
                    e.call_id,
                    &e.kind,
                    &e.status,
                    e.sequence,
                    &e.detail,
                    e.received_at,
                )
            })
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(batch::to_json(&rows)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
