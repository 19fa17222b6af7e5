//! Live events: announcements that something changed (a call's status, an agent's status, a
//! campaign's status), for dashboards and consoles. Durable state is in the database; an event
//! only says where to look, so a client that falls behind is told to read the state again
//! rather than silently missing something.
//!
//! On SQLite (one process) events go straight to this process's subscribers. On PostgreSQL
//! they go through `NOTIFY`, and every instance `LISTEN`s, so a client connected to any
//! instance hears what happened on all of them.

use outdial_domain::TenantId;
use outdial_storage::{Backend, Store};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// The PostgreSQL channel events travel on.
const CHANNEL: &str = "outdial_events";

/// Events kept for a slow subscriber before it is told to resynchronise.
const BUFFER: usize = 1024;

/// One announcement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The tenant it concerns: only that tenant's clients receive it.
    pub tenant: TenantId,
    /// What changed: `call.status`, `agent.status`, `campaign.status`.
    pub kind: String,
    /// The new state, or the ids to read it by.
    pub data: serde_json::Value,
}

impl Event {
    /// Tells every client to read the state again (events may have been missed).
    pub fn resync() -> Event {
        Event {
            tenant: TenantId(0),
            kind: RESYNC.into(),
            data: serde_json::json!({}),
        }
    }

    /// Whether `tenant`'s clients receive this event.
    pub fn is_for(&self, tenant: TenantId) -> bool {
        self.tenant == tenant || self.kind == RESYNC
    }
}

/// The kind of an event that asks clients to read the state again.
pub const RESYNC: &str = "resync";

/// Publishes events and hands them to subscribers.
#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<Arc<Event>>,
    /// On PostgreSQL, events waiting to be sent with `NOTIFY`.
    outbox: Option<mpsc::UnboundedSender<Event>>,
}

/// How long the outbox gathers events before one `NOTIFY` statement sends them.
const GATHER: Duration = Duration::from_millis(20);

/// Events sent by one statement at most.
const SEND_BATCH: usize = 200;

impl EventBus {
    /// Starts the bus; on PostgreSQL also the task that sends events and the one that listens
    /// for every instance's.
    pub fn start(store: Store, database_url: &str) -> EventBus {
        let (local, _) = broadcast::channel(BUFFER);
        let outbox = (store.backend() == Backend::Postgres).then(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(send(store.clone(), rx));
            tokio::spawn(listen(database_url.to_string(), local.clone()));
            tx
        });
        EventBus { local, outbox }
    }

    /// Announces `event`, without waiting: on PostgreSQL it leaves with the next `NOTIFY`
    /// statement (so a busy moment costs a few statements, and never holds up the change
    /// itself: a `NOTIFY` inside a transaction serialises commits).
    pub fn publish(&self, event: Event) {
        match &self.outbox {
            Some(outbox) => {
                let _ = outbox.send(event);
            }
            None => {
                let _ = self.local.send(Arc::new(event));
            }
        }
    }

    /// Publishes `kind` for `tenant` with `data`.
    pub fn announce(&self, tenant: TenantId, kind: &str, data: serde_json::Value) {
        self.publish(Event {
            tenant,
            kind: kind.to_string(),
            data,
        });
    }

    /// Announces that a campaign moved to `status` (by a person, its schedule, or completion).
    pub fn campaign_status(
        &self,
        tenant: TenantId,
        campaign: outdial_domain::CampaignId,
        status: outdial_domain::campaign::CampaignStatus,
    ) {
        self.announce(
            tenant,
            "campaign.status",
            serde_json::json!({"campaign_id": campaign, "status": status}),
        );
    }

    /// A new subscriber to every event (the caller filters by tenant).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.local.subscribe()
    }
}

/// Sends the outbox to PostgreSQL: whatever gathered within [`GATHER`] goes in one statement.
async fn send(store: Store, mut rx: mpsc::UnboundedReceiver<Event>) {
    while let Some(first) = rx.recv().await {
        tokio::time::sleep(GATHER).await;
        let mut events = vec![first];
        while events.len() < SEND_BATCH {
            match rx.try_recv() {
                Ok(e) => events.push(e),
                Err(_) => break,
            }
        }
        let payloads: Vec<String> = events
            .iter()
            .filter_map(|e| serde_json::to_string(e).ok())
            .collect();
        let sent = async {
            let mut tx = store.begin().await?;
            // An announcement lost in a crash costs a client a reload, so its commit need
            // not wait for the disk (and does not hold up the callbacks' commits that do).
            sqlx::query("SET LOCAL synchronous_commit TO OFF")
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "SELECT pg_notify($1, w.value) FROM json_array_elements_text(CAST($2 AS json)) AS w(value)",
            )
            .bind(CHANNEL)
            .bind(serde_json::to_string(&payloads)?)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, anyhow::Error>(())
        }
        .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, events = events.len(), "events could not be announced");
        }
    }
}

/// Forwards every instance's events from PostgreSQL to this process's subscribers, reconnecting
/// when the connection drops.
async fn listen(url: String, local: broadcast::Sender<Arc<Event>>) {
    let mut delay = Duration::from_millis(200);
    let mut first = true;
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "could not listen for events; retrying");
                } else {
                    delay = Duration::from_millis(200);
                    if !first {
                        // Events sent while the connection was down are gone: every client
                        // reads the state again.
                        let _ = local.send(Arc::new(Event::resync()));
                    }
                    first = false;
                    loop {
                        match listener.recv().await {
                            Ok(note) => match serde_json::from_str::<Event>(note.payload()) {
                                Ok(event) => {
                                    let _ = local.send(Arc::new(event));
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "an unreadable event was skipped")
                                }
                            },
                            Err(e) => {
                                tracing::warn!(error = %e, "the event listener lost its connection; reconnecting");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not connect the event listener; retrying"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}
