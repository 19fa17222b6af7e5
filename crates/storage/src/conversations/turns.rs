//! A conversation's turns, in order: what the voice said, what the person said (with the
//! recogniser's confidence), and for a language model the tools it called and their results.

use crate::row::get;
use crate::{Conn, Result};
use outdial_domain::{CallId, TenantId};
use serde::Serialize;

/// Who a turn is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// Outdial's voice.
    Agent,
    /// The called person.
    Person,
    /// A tool the language model called (or an action the flow took), with its result.
    Tool,
}

impl Speaker {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Person => "person",
            Speaker::Tool => "tool",
        }
    }
}

/// One stored turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Turn {
    /// `agent` (Outdial's voice), `person` (the called person) or `tool` (a tool called, or
    /// an action taken, with its result).
    pub speaker: String,
    /// What was said (empty for silence), or the tool's name.
    pub text: String,
    /// The recogniser's confidence in what the person said, 0 to 1.
    pub confidence: Option<f64>,
    /// A tool's arguments and result, or keys pressed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
    /// When, epoch ms.
    pub at: i64,
}

/// A turn to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTurn {
    /// Who.
    pub speaker: Speaker,
    /// What.
    pub text: String,
    /// The recogniser's confidence.
    pub confidence: Option<f64>,
    /// Tool arguments and result, keys pressed.
    pub data: Option<serde_json::Value>,
}

/// Appends turns to a call's conversation, all at `now`, in the order given.
pub async fn add(conn: &mut Conn, call: CallId, turns: &[NewTurn], now: i64) -> Result<()> {
    for t in turns {
        // A missing confidence is left out rather than bound as NULL: the `Any` driver types a
        // NULL float as PostgreSQL's float4, and the statement prepared with it would then
        // refuse the 8-byte confidences that follow.
        let q = match t.confidence {
            Some(_) => sqlx::query(
                "INSERT INTO call_turns (call_id, speaker, text, data, at, confidence) VALUES ($1, $2, $3, $4, $5, $6)",
            ),
            None => sqlx::query(
                "INSERT INTO call_turns (call_id, speaker, text, data, at) VALUES ($1, $2, $3, $4, $5)",
            ),
        };
        let q = q
            .bind(call.0)
            .bind(t.speaker.as_str())
            .bind(&t.text)
            .bind(t.data.as_ref().map(|d| d.to_string()))
            .bind(now);
        match t.confidence {
            Some(c) => q.bind(c),
            None => q,
        }
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A call's turns, in order (the call must be the tenant's).
pub async fn list(conn: &mut Conn, tenant: TenantId, call: CallId) -> Result<Vec<Turn>> {
    let rows = sqlx::query(
        "SELECT t.speaker, t.text, t.confidence, t.data, t.at FROM call_turns t JOIN calls c ON c.id = t.call_id \
         WHERE c.tenant_id = $1 AND t.call_id = $2 ORDER BY t.id",
    )
    .bind(tenant.0)
    .bind(call.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let data: Option<String> = get(r, "data")?;
            Ok(Turn {
                speaker: get(r, "speaker")?,
                text: get(r, "text")?,
                confidence: get(r, "confidence")?,
                data: data.and_then(|d| serde_json::from_str(&d).ok()),
                at: get(r, "at")?,
            })
        })
        .collect()
}
