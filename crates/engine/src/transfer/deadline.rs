//! A waiting caller's deadline: answering-machine detection first, then 2 s (power and
//! predictive) or the campaign's wait limit. Enforced by a sweep every tick, from the database,
//! so deadlines hold across restarts and exactly one instance acts.

use super::{SWEEP_BATCH, Transfers};
use crate::error::EngineError;
use outdial_domain::CallId;
use outdial_domain::TenantId;
use outdial_domain::call::Disposition;
use outdial_domain::transfer::{self as rules, DeadlineKind, TransferEnd, TransferStatus};
use outdial_storage::StorageError;
use outdial_storage::{calls, transfers};
use outdial_twilio::CallUpdate;
use serde_json::json;

impl Transfers {
    /// Answering-machine detection found a person (or could not tell) on a call on hold: its
    /// deadline starts now (2 s from the end of the greeting, in power and predictive modes)
    /// and the first agent is called.
    pub async fn detected(&self, tenant: TenantId, call_id: CallId) -> Result<(), EngineError> {
        let mut conn = self.store.conn().await?;
        let Some(transfer) = transfers::of_call(&mut conn, tenant, call_id).await? else {
            return Ok(());
        };
        drop(conn);
        self.start_clock(tenant, transfer.id).await
    }

    pub(super) async fn start_clock(&self, tenant: TenantId, id: i64) -> Result<(), EngineError> {
        let now = self.clock.now_ms();
        let mut tx = self.store.begin().await?;
        let mut transfer = transfers::lock(&mut tx, tenant, id).await?;
        if transfer.status != TransferStatus::Waiting
            || transfer.deadline_kind != DeadlineKind::Detection
        {
            return Ok(());
        }
        let campaign = self.campaign_of(&mut tx, &transfer).await?;
        let (at, kind) = rules::deadline(
            &campaign.settings.pacing,
            now,
            campaign.settings.transfer.max_wait_seconds,
        );
        transfer.deadline_at = at;
        transfer.deadline_kind = kind;
        transfers::advance(&mut tx, &transfer, TransferStatus::Waiting, now).await?;
        calls::add_event(
            &mut tx,
            transfer.call_id,
            "transfer",
            Some("person"),
            None,
            &json!({"transfer_id": id, "deadline": kind, "deadline_at": at}),
            now,
        )
        .await?;
        tx.commit().await.map_err(StorageError::from)?;
        self.offer_next(tenant, id).await
    }

    /// Sweeps every `tick` (real time) for as long as the process runs: deadlines must hold
    /// whether or not this instance dials.
    pub fn start_sweeper(&self, tick: std::time::Duration) {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                if let Err(e) = me.sweep().await {
                    tracing::warn!(error = %e, "the transfer sweep failed; trying again at the next tick");
                }
            }
        });
    }

    /// Acts on waiting transfers: those whose time is up get the safe-harbour message or the
    /// fallback; those nobody is being offered are offered again (an agent may be free now).
    /// Called by the dialer's tick.
    pub async fn sweep(&self) -> Result<(), EngineError> {
        let now = self.clock.now_ms();
        let mut conn = self.store.conn().await?;
        let due = transfers::expired(&mut conn, now, SWEEP_BATCH).await?;
        let idle = transfers::unoffered(&mut conn, now, SWEEP_BATCH).await?;
        drop(conn);
        // Each at once: a caller whose time is up must hear the message now, not after the
        // carrier has answered for every other one.
        let mut work = tokio::task::JoinSet::new();
        for (tenant, id) in due {
            let me = self.clone();
            work.spawn(async move {
                if let Err(e) = me.time_up(tenant, id, now).await {
                    tracing::warn!(tenant_id = %tenant, transfer_id = id, error = %e, "could not end a transfer whose time is up");
                }
            });
        }
        for (tenant, id) in idle {
            let me = self.clone();
            work.spawn(async move {
                if let Err(e) = me.offer_next(tenant, id).await {
                    tracing::warn!(tenant_id = %tenant, transfer_id = id, error = %e, "could not offer the call to an agent");
                }
            });
        }
        while work.join_next().await.is_some() {}
        Ok(())
    }

    /// A waiting caller's time is up: the safe-harbour message (counted as abandoned) or the
    /// campaign's fallback.
    pub(super) async fn time_up(
        &self,
        tenant: TenantId,
        id: i64,
        now: i64,
    ) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        let mut transfer = transfers::lock(&mut tx, tenant, id).await?;
        if transfer.status != TransferStatus::Waiting || transfer.deadline_at > now {
            return Ok(());
        }
        let (outcome, disposition, hook) = match transfer.deadline_kind {
            DeadlineKind::Detection => {
                // Detection stayed silent: taken for a person.
                drop(tx);
                return self.start_clock(tenant, id).await;
            }
            DeadlineKind::SafeHarbour => (
                TransferEnd::Abandoned,
                Disposition::Abandoned,
                "safe-harbour",
            ),
            DeadlineKind::MaxWait => (
                TransferEnd::Fallback,
                Disposition::TransferUnavailable,
                "fallback",
            ),
        };
        transfer.status = TransferStatus::Ended;
        transfer.outcome = Some(outcome);
        transfer.ended_at = Some(now);
        transfers::advance(&mut tx, &transfer, TransferStatus::Waiting, now).await?;
        let call = calls::get_by_id(&mut tx, tenant, transfer.call_id).await?;
        tx.commit().await.map_err(StorageError::from)?;
        crate::telephony::events::set_disposition(
            &self.store,
            tenant,
            transfer.call_id,
            disposition,
            "transfer",
            &[(
                "waited_ms".to_string(),
                (now - transfer.created_at).to_string(),
            )],
            now,
        )
        .await?;
        self.announce(&transfer, "transfer.ended", json!({"outcome": outcome}));
        tracing::info!(tenant_id = %tenant, transfer_id = id, outcome = %outcome, "no agent took the call in time");
        self.cancel_offers(&transfer, "too_late").await?;
        if let Some(sid) = call.call_sid.filter(|_| !call.status.is_final()) {
            let account = self.telephony.account_for(&self.store, tenant).await?;
            let url = self.telephony.webhook_url(hook, tenant, call.id);
            if let Err(e) = account
                .carrier
                .update_call(&account.creds, &sid, &CallUpdate::Redirect(url))
                .await
            {
                tracing::warn!(call_sid = %sid, error = %e, "could not play the message to the waiting caller");
            }
        }
        Ok(())
    }
}
