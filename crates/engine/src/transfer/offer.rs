//! Offering a waiting caller to agents, one at a time: calling the next agent, the whisper, a
//! key (or the console) to accept, passing, missed calls, and ending offers the caller no
//! longer needs.

use super::Transfers;
use super::flows::{self, AgentNotice};
use crate::error::EngineError;
use outdial_domain::Transition;
use outdial_domain::agent::AgentStatus;
use outdial_domain::call::Disposition;
use outdial_domain::transfer::{LegStatus, TransferStatus};
use outdial_domain::{TenantId, UserId};
use outdial_storage::agent_legs::{self, Leg};
use outdial_storage::transfers::{self, Transfer};
use outdial_storage::{StorageError, agents, calls, campaigns, leads};
use outdial_twilio::twiml::Response;
use outdial_twilio::{CallUpdate, NewCall};
use serde_json::json;

impl Transfers {
    /// Calls the next agent for a waiting transfer, unless one is already being offered it or
    /// nobody is free (the sweep tries again).
    pub async fn offer_next(&self, tenant: TenantId, id: i64) -> Result<(), EngineError> {
        loop {
            match self.offer_once(tenant, id).await? {
                Offer::Placed | Offer::Nothing => return Ok(()),
                // The agent's phone could not be called: the next agent, at once.
                Offer::Refused => continue,
            }
        }
    }

    pub(super) async fn offer_once(&self, tenant: TenantId, id: i64) -> Result<Offer, EngineError> {
        let now = self.clock.now_ms();
        let mut tx = self.store.begin().await?;
        let mut transfer = transfers::lock(&mut tx, tenant, id).await?;
        if transfer.status != TransferStatus::Waiting {
            return Ok(Offer::Nothing);
        }
        let legs = agent_legs::legs(&mut tx, tenant, id).await?;
        if legs.iter().any(|l| l.status.is_offer()) {
            return Ok(Offer::Nothing);
        }
        let Some(campaign_id) = transfer.campaign_id else {
            return Ok(Offer::Nothing);
        };
        let preferred = match transfer.lead_id {
            Some(lead) => transfers::preferred_agent(&mut tx, lead).await?,
            None => None,
        };
        let Some(agent) = agents::take(&mut tx, tenant, campaign_id, id, preferred, now).await?
        else {
            return Ok(Offer::Nothing);
        };
        let leg = agent_legs::add_leg(&mut tx, tenant, id, agent, now).await?;
        transfer.agent_user_id = Some(agent);
        transfers::advance(&mut tx, &transfer, TransferStatus::Waiting, now).await?;
        let agent_row = agents::get_one(&mut tx, tenant, agent).await?;
        let call = calls::get_by_id(&mut tx, tenant, transfer.call_id).await?;
        let campaign = campaigns::get_by_id(&mut tx, tenant, campaign_id).await?;
        calls::add_event(
            &mut tx,
            transfer.call_id,
            "transfer",
            Some("offered"),
            None,
            &json!({"transfer_id": id, "agent_user_id": agent, "leg_id": leg.id}),
            now,
        )
        .await?;
        tx.commit().await.map_err(StorageError::from)?;
        self.agent_changed(tenant, agent, AgentStatus::OnCall, now);
        self.announce(
            &transfer,
            "transfer.offer",
            json!({"agent_user_id": agent, "leg_id": leg.id, "campaign": campaign.name}),
        );

        let account = self.telephony.account_for(&self.store, tenant).await?;
        self.telephony.expect_agent(&account, &agent_row.phone);
        let request = NewCall {
            to: agent_row.phone.clone(),
            from: call.from.to_string(),
            url: self.leg_url("voice", &leg, call.id),
            status_callback: self.leg_url("status", &leg, call.id),
            timeout_seconds: campaign.settings.transfer.agent_ring_seconds,
            time_limit_seconds: Some(4 * 3600),
            machine_detection: None,
            recording_callback: None,
        };
        match account.carrier.create_call(&account.creds, &request).await {
            Ok(info) => {
                let mut conn = self.store.conn().await?;
                agent_legs::set_leg_sid(&mut conn, leg.id, &info.sid, self.clock.now_ms()).await?;
                tracing::info!(tenant_id = %tenant, transfer_id = id, agent_user_id = agent.0, call_sid = %info.sid, "agent called");
                Ok(Offer::Placed)
            }
            Err(e) => {
                tracing::warn!(tenant_id = %tenant, transfer_id = id, agent_user_id = agent.0, error = %e, "the agent's phone could not be called; the agent is paused");
                let now = self.clock.now_ms();
                let mut conn = self.store.conn().await?;
                if agent_legs::move_leg(&mut conn, &leg, LegStatus::Ringing, LegStatus::Missed, now)
                    .await?
                    && agents::release(
                        &mut conn,
                        tenant,
                        agent,
                        &AgentStatus::PAUSE_AFTER_MISS,
                        now,
                    )
                    .await?
                {
                    self.agent_changed(tenant, agent, AgentStatus::Paused, now);
                }
                Ok(Offer::Refused)
            }
        }
    }

    /// The agent answered their phone: the whisper, or word that the caller is gone.
    pub async fn agent_answered(
        &self,
        tenant: TenantId,
        leg_id: i64,
    ) -> Result<Response, EngineError> {
        let now = self.clock.now_ms();
        let mut conn = self.store.conn().await?;
        let leg = agent_legs::leg(&mut conn, tenant, leg_id).await?;
        let transfer = transfers::get_one(&mut conn, tenant, leg.transfer_id).await?;
        let campaign = self.campaign_of(&mut conn, &transfer).await?;
        if leg.status == LegStatus::Ringing
            && transfer.status == TransferStatus::Waiting
            && transfer.agent_user_id == Some(leg.user_id)
            && agent_legs::move_leg(&mut conn, &leg, LegStatus::Ringing, LegStatus::Whisper, now)
                .await?
        {
            let lead = match transfer.lead_id {
                Some(l) => leads::get_by_id(&mut conn, tenant, l).await.ok(),
                None => None,
            };
            self.announce(
                &transfer,
                "transfer.whisper",
                json!({"leg_id": leg.id, "agent_user_id": leg.user_id}),
            );
            calls::add_event(
                &mut conn,
                transfer.call_id,
                "transfer",
                Some("whisper"),
                None,
                &json!({"transfer_id": transfer.id, "agent_user_id": leg.user_id, "leg_id": leg.id}),
                now,
            )
            .await?;
            return Ok(flows::whisper(
                &campaign,
                lead.as_ref(),
                self.leg_url("accept", &leg, transfer.call_id),
                self.leg_url("pass", &leg, transfer.call_id),
            ));
        }
        drop(conn);
        self.end_offer(&leg, LegStatus::Canceled, AgentStatus::RELEASE)
            .await?;
        Ok(flows::agent_told(&campaign, AgentNotice::TooLate))
    }

    /// The agent pressed a key (or accepted in the console): bridged with the caller, unless the
    /// caller is gone or time ran out meanwhile.
    pub async fn agent_accepted(
        &self,
        tenant: TenantId,
        leg_id: i64,
    ) -> Result<Response, EngineError> {
        let now = self.clock.now_ms();
        let mut tx = self.store.begin().await?;
        let leg = agent_legs::leg(&mut tx, tenant, leg_id).await?;
        let mut transfer = transfers::lock(&mut tx, tenant, leg.transfer_id).await?;
        let campaign = self.campaign_of(&mut tx, &transfer).await?;
        if transfer.status == TransferStatus::Waiting
            && leg.status == LegStatus::Whisper
            && transfer.agent_user_id == Some(leg.user_id)
            && agent_legs::move_leg(&mut tx, &leg, LegStatus::Whisper, LegStatus::Connected, now)
                .await?
        {
            transfer.status = TransferStatus::Connected;
            transfer.connected_at = Some(now);
            transfers::advance(&mut tx, &transfer, TransferStatus::Waiting, now).await?;
            calls::add_event(
                &mut tx,
                transfer.call_id,
                "transfer",
                Some("connected"),
                None,
                &json!({"transfer_id": transfer.id, "agent_user_id": leg.user_id, "leg_id": leg.id,
                        "waited_ms": now - transfer.created_at}),
                now,
            )
            .await?;
            tx.commit().await.map_err(StorageError::from)?;
            crate::telephony::events::set_disposition(
                &self.store,
                tenant,
                transfer.call_id,
                Disposition::Transferred,
                "transfer",
                &[],
                now,
            )
            .await?;
            self.announce(
                &transfer,
                "transfer.connected",
                json!({"agent_user_id": leg.user_id}),
            );
            tracing::info!(tenant_id = %tenant, transfer_id = transfer.id, agent_user_id = leg.user_id.0, waited_ms = now - transfer.created_at, "caller connected to an agent");
            return Ok(flows::agent_join(
                transfer.id,
                self.conference_url(tenant, transfer.call_id),
            ));
        }
        drop(tx);
        self.end_offer(&leg, LegStatus::Canceled, AgentStatus::RELEASE)
            .await?;
        Ok(flows::agent_told(&campaign, AgentNotice::TooLate))
    }

    /// The whisper ended without a key: the agent lets the call pass; the next one is called.
    pub async fn agent_passed(
        &self,
        tenant: TenantId,
        leg_id: i64,
    ) -> Result<Response, EngineError> {
        let mut conn = self.store.conn().await?;
        let leg = agent_legs::leg(&mut conn, tenant, leg_id).await?;
        let transfer = transfers::get_one(&mut conn, tenant, leg.transfer_id).await?;
        let campaign = self.campaign_of(&mut conn, &transfer).await?;
        drop(conn);
        self.end_offer(&leg, LegStatus::Declined, AgentStatus::RELEASE)
            .await?;
        self.spawn_offer(tenant, transfer.id);
        Ok(flows::agent_told(&campaign, AgentNotice::Passed))
    }

    /// Declines from the agent console: the agent's phone is hung up and the next agent called.
    pub async fn decline(&self, tenant: TenantId, agent: UserId) -> Result<(), EngineError> {
        let Some(leg) = self.current_offer(tenant, agent).await? else {
            return Err(EngineError::Conflict(
                "no call is being offered to you".into(),
            ));
        };
        self.end_offer(&leg, LegStatus::Declined, AgentStatus::RELEASE)
            .await?;
        self.hang_up_leg(&leg).await;
        self.spawn_offer(tenant, leg.transfer_id);
        Ok(())
    }

    /// Accepts from the agent console: the agent's phone, hearing the whisper, is moved on as if
    /// they had pressed a key.
    pub async fn accept(&self, tenant: TenantId, agent: UserId) -> Result<(), EngineError> {
        let Some(leg) = self.current_offer(tenant, agent).await? else {
            return Err(EngineError::Conflict(
                "no call is being offered to you".into(),
            ));
        };
        if leg.status != LegStatus::Whisper {
            return Err(EngineError::Conflict(
                "answer your phone first: the call is accepted once you hear who is waiting".into(),
            ));
        }
        let mut conn = self.store.conn().await?;
        let transfer = transfers::get_one(&mut conn, tenant, leg.transfer_id).await?;
        drop(conn);
        let url = self.leg_url("accept", &leg, transfer.call_id) + "&console=1";
        self.update_leg(&leg, CallUpdate::Redirect(url)).await
    }

    /// The leg an agent is being offered now, if any.
    pub async fn current_offer(
        &self,
        tenant: TenantId,
        agent: UserId,
    ) -> Result<Option<Leg>, EngineError> {
        let mut conn = self.store.conn().await?;
        Ok(agent_legs::offer_of_agent(&mut conn, tenant, agent).await?)
    }

    /// A status report of an agent's leg: a missed call pauses the agent and the next one is
    /// called; a finished conversation starts the agent's wrap-up.
    pub async fn agent_leg_status(
        &self,
        tenant: TenantId,
        leg_id: i64,
        carrier_status: &str,
    ) -> Result<(), EngineError> {
        let now = self.clock.now_ms();
        let mut conn = self.store.conn().await?;
        let leg = agent_legs::leg(&mut conn, tenant, leg_id).await?;
        let Some(next) = leg.status.after_carrier(carrier_status) else {
            return Ok(());
        };
        match next {
            LegStatus::Missed => {
                drop(conn);
                // An agent who does not pick up is probably away: paused until they are back.
                self.end_offer(&leg, LegStatus::Missed, AgentStatus::PAUSE_AFTER_MISS)
                    .await?;
                self.spawn_offer(tenant, leg.transfer_id);
            }
            LegStatus::Declined => {
                drop(conn);
                self.end_offer(&leg, LegStatus::Declined, AgentStatus::RELEASE)
                    .await?;
                self.spawn_offer(tenant, leg.transfer_id);
            }
            LegStatus::Canceled => {
                drop(conn);
                self.end_offer(&leg, LegStatus::Canceled, AgentStatus::RELEASE)
                    .await?;
            }
            LegStatus::Ended => {
                if !agent_legs::move_leg(
                    &mut conn,
                    &leg,
                    LegStatus::Connected,
                    LegStatus::Ended,
                    now,
                )
                .await?
                {
                    return Ok(());
                }
                let mut transfer = transfers::get_one(&mut conn, tenant, leg.transfer_id).await?;
                let settings = self.campaign_of(&mut conn, &transfer).await?.settings;
                self.finish_conversation(&mut conn, &mut transfer, now)
                    .await?;
                self.wrap_up(&mut conn, tenant, leg.user_id, &settings, now)
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends the legs still offering a transfer that no longer waits; the agents are told why
    /// (on the phone when they are listening to the whisper) and are free again.
    pub(super) async fn cancel_offers(
        &self,
        transfer: &Transfer,
        why: &str,
    ) -> Result<(), EngineError> {
        let mut conn = self.store.conn().await?;
        let legs = agent_legs::legs(&mut conn, transfer.tenant_id, transfer.id).await?;
        drop(conn);
        for leg in legs.into_iter().filter(|l| l.status.is_offer()) {
            let was = leg.status;
            if !self
                .end_offer(&leg, LegStatus::Canceled, AgentStatus::RELEASE)
                .await?
            {
                continue;
            }
            let update = if was == LegStatus::Whisper {
                CallUpdate::Redirect(format!(
                    "{}&why={why}",
                    self.leg_url("told", &leg, transfer.call_id)
                ))
            } else {
                CallUpdate::Hangup
            };
            self.update_leg(&leg, update).await.ok();
        }
        Ok(())
    }

    /// Moves an offered leg to `to` and moves its agent along `agent_to`; `false` when the leg had
    /// already moved on (someone else handled it). The leg, the agent and the call's timeline
    /// change in one transaction, so nobody reads a leg that ended with its agent still busy.
    pub(super) async fn end_offer(
        &self,
        leg: &Leg,
        to: LegStatus,
        agent_to: Transition<AgentStatus>,
    ) -> Result<bool, EngineError> {
        let now = self.clock.now_ms();
        let mut tx = self.store.begin().await?;
        let current = agent_legs::leg(&mut tx, leg.tenant_id, leg.id).await?;
        if !current.status.is_offer()
            || !agent_legs::move_leg(&mut tx, &current, current.status, to, now).await?
        {
            return Ok(false);
        }
        let released = agents::release(&mut tx, leg.tenant_id, leg.user_id, &agent_to, now).await?;
        let transfer = transfers::get_one(&mut tx, leg.tenant_id, leg.transfer_id).await?;
        calls::add_event(
            &mut tx,
            transfer.call_id,
            "transfer",
            Some(to.as_str()),
            None,
            &json!({"transfer_id": transfer.id, "agent_user_id": leg.user_id, "leg_id": leg.id}),
            now,
        )
        .await?;
        tx.commit().await.map_err(StorageError::from)?;
        if released {
            self.agent_changed(leg.tenant_id, leg.user_id, agent_to.to(), now);
        }
        Ok(true)
    }

    pub(super) async fn hang_up_leg(&self, leg: &Leg) {
        self.update_leg(leg, CallUpdate::Hangup).await.ok();
    }

    pub(super) async fn update_leg(
        &self,
        leg: &Leg,
        update: CallUpdate,
    ) -> Result<(), EngineError> {
        let mut conn = self.store.conn().await?;
        let Some(sid) = agent_legs::leg(&mut conn, leg.tenant_id, leg.id)
            .await?
            .call_sid
        else {
            return Ok(());
        };
        drop(conn);
        let account = self
            .telephony
            .account_for(&self.store, leg.tenant_id)
            .await?;
        account
            .carrier
            .update_call(&account.creds, &sid, &update)
            .await
            .map_err(|e| {
                tracing::warn!(call_sid = %sid, error = %e, "could not change the agent's call");
                EngineError::from(e)
            })?;
        Ok(())
    }

    pub(super) fn spawn_offer(&self, tenant: TenantId, id: i64) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.offer_next(tenant, id).await {
                tracing::warn!(tenant_id = %tenant, transfer_id = id, error = %e, "could not offer the call to the next agent");
            }
        });
    }
}

/// What one offering attempt came to.
pub(super) enum Offer {
    /// An agent's phone is ringing.
    Placed,
    /// Nothing to do: the transfer is over, already offered, or nobody is free.
    Nothing,
    /// The carrier refused the agent's number: try the next agent.
    Refused,
}
