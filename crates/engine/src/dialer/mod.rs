//! The dialer: runs campaigns by themselves. Every tick it starts scheduled campaigns whose
//! time has come, gives each running campaign a turn (see [`turn`]), hands the calls recorded
//! to the carrier, and now and then reconciles calls whose news stopped coming (see
//! [`reconcile`]).
//!
//! Several instances on one PostgreSQL database share the work: a campaign's turn holds its
//! row lock (others skip it) and its tenant's advisory lock, so caps hold across instances.

pub mod history;
pub mod reconcile;
pub mod reminders;
pub mod turn;

use crate::clock::Clock;
use crate::config::DialerConfig;
use crate::telephony::Telephony;
use crate::telephony::place::dispatch;
use outdial_domain::campaign::CampaignStatus;
use outdial_domain::hours::LocalHours;
use outdial_storage::{Store, agents, campaigns, dialing};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Time between two reconciliation sweeps (real time: what they look for is measured on the
/// clock, but a stopped test clock must not stop them).
const RECONCILE_EVERY: Duration = Duration::from_secs(1);

/// Time between two sweeps of lapsed slot holds: a write, so not on every look.
const HOLD_SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Everything the dialer works with.
#[derive(Clone)]
pub struct Context {
    /// The database.
    pub store: Store,
    /// Carrier accounts.
    pub telephony: Arc<Telephony>,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Its settings.
    pub config: DialerConfig,
    /// Calling-hours rules.
    pub rules: Arc<turn::Rules>,
    /// Where campaign changes are announced.
    pub events: crate::events::EventBus,
}

/// The running dialer.
pub struct Dialer {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Dialer {
    /// Starts the dialer's loop.
    pub fn start(ctx: Context) -> Dialer {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(ctx, stopped));
        Dialer { stop, task }
    }

    /// Stops placing calls and waits until the calls already recorded have been handed to the
    /// carrier (their webhooks are still served by the HTTP server).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the dialer stopped abnormally");
        }
    }
}

async fn run(ctx: Context, mut stopped: watch::Receiver<bool>) {
    let tick = Duration::from_millis(ctx.config.tick_ms);
    let mut sending = JoinSet::new();
    let mut last_sweep: Option<std::time::Instant> = None;
    let mut last_hold_sweep: Option<std::time::Instant> = None;
    tracing::info!(tick_ms = ctx.config.tick_ms, "dialer started");
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            _ = tokio::time::sleep(tick) => {}
        }
        while sending.try_join_next().is_some() {}
        let now = ctx.clock.now_ms();
        let started = std::time::Instant::now();
        let result = round(&ctx, now, &mut sending).await;
        metrics::histogram!("outdial_dialer_round_seconds").record(started.elapsed().as_secs_f64());
        if let Err(e) = result {
            tracing::warn!(error = %e, "a dialer round failed; trying again at the next tick");
        }
        if last_sweep.is_none_or(|at| at.elapsed() >= RECONCILE_EVERY) {
            last_sweep = Some(std::time::Instant::now());
            if let Err(e) = reconcile::sweep(&ctx, now).await {
                tracing::warn!(error = %e, "reconciling calls failed; trying again later");
            }
            if let Err(e) = crate::telephony::prices::sweep(&ctx.store, &ctx.telephony, now).await {
                tracing::warn!(error = %e, "fetching call prices failed; trying again later");
            }
        }
        if last_hold_sweep.is_none_or(|at| at.elapsed() >= HOLD_SWEEP_EVERY) {
            last_hold_sweep = Some(std::time::Instant::now());
            if let Err(e) = sweep_holds(&ctx.store, now).await {
                tracing::warn!(error = %e, "clearing lapsed holds failed; trying again later");
            }
        }
    }
    let left = sending.len();
    if left > 0 {
        tracing::info!(
            calls = left,
            "dialer stopping: handing the last recorded calls to the carrier"
        );
    }
    while sending.join_next().await.is_some() {}
    tracing::info!("dialer stopped: no new calls are placed");
}

/// Deletes slot holds that lapsed more than an hour ago. Nothing depends on it (a booking
/// takes over a lapsed hold's place by itself); it keeps the places table to what is taken.
async fn sweep_holds(store: &outdial_storage::Store, now: i64) -> Result<(), crate::EngineError> {
    // A write: through the store's writer (on SQLite, in turn with the other writes).
    let mut tx = store.begin().await?;
    let cleared = outdial_storage::appointments::places::sweep(&mut tx, now - 3_600_000).await?;
    tx.commit()
        .await
        .map_err(outdial_storage::StorageError::from)?;
    if cleared > 0 {
        tracing::debug!(holds = cleared, "lapsed slot holds cleared");
    }
    Ok(())
}

/// One look at every active campaign.
pub async fn round(
    ctx: &Context,
    now: i64,
    sending: &mut JoinSet<()>,
) -> Result<(), crate::error::EngineError> {
    let ended = agents::end_wrap_ups(&mut *ctx.store.conn().await?, now).await?;
    if ended > 0 {
        tracing::debug!(agents = ended, "wrap-up time over: agents available again");
    }
    // Single calls scheduled for now, screened and placed like calls by hand.
    crate::telephony::scheduled::run_due(
        &ctx.store,
        &ctx.telephony,
        &ctx.events,
        &ctx.rules.local,
        now,
    )
    .await?;
    let active = dialing::active_campaigns(&mut *ctx.store.conn().await?).await?;
    for campaign in active {
        let id = campaign.id;
        if campaign.status == CampaignStatus::Scheduled {
            let due = campaign
                .settings
                .scheduled_start_at
                .is_some_and(|at| at.as_millisecond() <= now);
            if due {
                let started = campaigns::set_status(
                    &mut *ctx.store.conn().await?,
                    campaign.tenant_id,
                    id,
                    CampaignStatus::Scheduled,
                    CampaignStatus::Running,
                    Some("started at its scheduled time"),
                    now,
                )
                .await;
                if started.is_ok() {
                    tracing::info!(tenant_id = %campaign.tenant_id, campaign_id = %id, "scheduled campaign started");
                    ctx.events
                        .campaign_status(campaign.tenant_id, id, CampaignStatus::Running);
                }
            }
            continue;
        }
        if let Err(e) = reminders::enroll(&ctx.store, &campaign, now).await {
            tracing::warn!(campaign_id = %id, error = %e, "making reminder leads failed; trying again next round");
        }
        let placed = match turn::take(&ctx.store, &ctx.rules, id, now).await {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(campaign_id = %id, error = %e, "a campaign's turn failed");
                continue;
            }
        };
        if placed.completed {
            ctx.events
                .campaign_status(placed.campaign.tenant_id, id, CampaignStatus::Completed);
        } else if !placed.calls.is_empty() {
            ctx.events.announce(
                placed.campaign.tenant_id,
                "campaign.progress",
                serde_json::json!({"campaign_id": id, "calls_placed": placed.calls.len()}),
            );
        }
        let campaign = Arc::new(placed.campaign);
        for (call, lead) in placed.calls {
            let (ctx, campaign) = (ctx.clone(), campaign.clone());
            sending.spawn(async move {
                let now = ctx.clock.now_ms();
                let id = call.id;
                if let Err(e) = dispatch(
                    &ctx.store,
                    &ctx.telephony,
                    &ctx.events,
                    &campaign,
                    Some(&lead),
                    call,
                    now,
                )
                .await
                {
                    tracing::warn!(call_id = %id, error = %e, "a dialer call was not placed");
                }
            });
        }
    }
    Ok(())
}

/// The local-hours rules: the built-in ones, or those of `path` (JSON, see
/// `crates/domain/data/local_hours.json`).
pub fn local_hours(path: Option<&std::path::Path>) -> anyhow::Result<LocalHours> {
    use anyhow::Context as _;
    match path {
        None => Ok(LocalHours::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("while reading the local-hours rules {}", p.display()))?;
            LocalHours::parse(&text)
                .with_context(|| format!("in the local-hours rules {}", p.display()))
        }
    }
}
