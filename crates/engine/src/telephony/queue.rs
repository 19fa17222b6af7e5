//! The status queue: carrier status callbacks applied many to a transaction (group commit) by
//! workers on a thread of their own. Each callback waits until its batch is committed; the
//! batch itself is [`apply_batch`].

use super::events::{Applied, Report, apply_batch};
use crate::error::EngineError;
use outdial_domain::{CallId, TenantId};
use outdial_storage::{Backend, Store};
use outdial_twilio::webhook::CallEvent;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// One status callback waiting to be applied.
struct Job {
    report: Report,
    done: oneshot::Sender<Result<Applied, EngineError>>,
}

/// Status callbacks arrive by the thousand a second when many calls run. They are applied by
/// a queue on a thread of its own, many to a transaction (group commit): each waits until its batch is
/// committed, so an answered callback is a stored one, but a batch pays for one commit and, on
/// SQLite, one turn at the write lock.
#[derive(Clone)]
pub struct StatusQueue {
    jobs: mpsc::Sender<Job>,
}

/// The most callbacks applied in one transaction.
const MAX_BATCH: usize = 256;

/// Batches applied at once on PostgreSQL.
const POSTGRES_WORKERS: usize = 4;

impl StatusQueue {
    /// Starts the applying task on a thread of its own: on the shared runtime it waited its
    /// turn behind thousands of HTTP tasks, and every callback in its batch waited with it
    /// (tens of milliseconds at 5,000 callbacks a second). It stops when the last sender is
    /// dropped.
    pub fn start(store: Store, bus: crate::events::EventBus) -> std::io::Result<StatusQueue> {
        let (jobs, rx) = mpsc::channel(4096);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        // SQLite has one writer. PostgreSQL waits for the disk at each commit: batches in
        // flight on several connections share those waits (its group commit).
        let workers = match store.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_WORKERS,
        };
        let rx = Arc::new(Mutex::new(rx));
        std::thread::Builder::new()
            .name("status-queue".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let mut running = tokio::task::JoinSet::new();
                    for _ in 0..workers {
                        running.spawn(run_queue(store.clone(), bus.clone(), rx.clone()));
                    }
                    while running.join_next().await.is_some() {}
                })
            })?;
        Ok(StatusQueue { jobs })
    }

    /// Applies a status callback and waits until it is committed.
    pub async fn apply(
        &self,
        tenant: TenantId,
        call_id: CallId,
        event: CallEvent,
        form: Vec<(String, String)>,
        now: i64,
    ) -> Result<Applied, EngineError> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            report: Report {
                tenant,
                call_id,
                event,
                form,
                now,
            },
            done,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| EngineError::Internal(anyhow::anyhow!("the status queue stopped")))?;
        answer.await.map_err(|_| {
            EngineError::Internal(anyhow::anyhow!("the status queue dropped a callback"))
        })?
    }
}

/// One worker: takes whatever is waiting (up to [`MAX_BATCH`]) and applies it as a batch.
async fn run_queue(
    store: Store,
    bus: crate::events::EventBus,
    rx: Arc<Mutex<mpsc::Receiver<Job>>>,
) {
    loop {
        let mut batch = Vec::new();
        {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else {
                return;
            };
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        // Rows are locked in call order, so two instances' batches cannot deadlock; a call's
        // own reports keep their order.
        batch.sort_by_key(|j| j.report.call_id);
        let reports: Vec<&Report> = batch.iter().map(|j| &j.report).collect();
        match apply_batch(&store, Some(&bus), "status", &reports).await {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.done.send(result);
                }
            }
            Err(e) => {
                // The batch failed as a whole: apply each on its own, so one bad report cannot
                // lose the others.
                tracing::warn!(error = %e, size = batch.len(), "a batch of status callbacks failed; applying them one by one");
                for job in batch {
                    let result = apply_batch(&store, Some(&bus), "status", &[&job.report])
                        .await
                        .and_then(|mut r| r.pop().unwrap_or(Err(EngineError::NotFound("call"))));
                    let _ = job.done.send(result);
                }
            }
        }
    }
}
