//! Warm transfer: hands a person who answered to a human agent.
//!
//! The caller joins a conference of their own and waits with hold music. Outdial calls the
//! longest-idle available agent of the campaign's groups (the agent the lead asked for first,
//! after a call-back). The agent hears a whisper naming the caller and the campaign and presses
//! a key; only then do they join the conference, which starts the conversation. An agent who
//! lets the whisper pass, hangs up, or does not answer is skipped and the next one is called.
//!
//! The caller's wait has a deadline: 2 s in power and predictive modes (then the campaign's
//! safe-harbour message plays and the call counts as abandoned), the campaign's wait limit
//! otherwise (then its fallback runs). The dialer's tick enforces deadlines ([`Transfers::sweep`]),
//! so they hold after a restart and whichever instance gets there first acts, once.
//!
//! Twilio's Participants API cannot ask an agent to accept before joining, so each agent is
//! called with the Calls API and joins the conference by TwiML after pressing a key.

mod deadline;
pub mod flows;
mod offer;

use crate::clock::Clock;
use crate::error::EngineError;
use crate::events::EventBus;
use crate::telephony::Telephony;
use outdial_domain::agent::AgentStatus;
use outdial_domain::campaign::CampaignSettings;
use outdial_domain::transfer::{self as rules, DeadlineKind, TransferEnd, TransferStatus};
use outdial_domain::{CallId, TenantId, UserId};
use outdial_storage::agent_legs::Leg;
use outdial_storage::calls::{self, Call};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::transfers::{self, NewTransfer, Transfer};
use outdial_storage::{StorageError, Store, agents};
use outdial_twilio::twiml::Response;
use serde_json::json;
use std::sync::Arc;

/// Waiting transfers handled per sweep at most.
const SWEEP_BATCH: i64 = 200;

/// Runs warm transfers. Cheap to clone.
#[derive(Clone)]
pub struct Transfers {
    store: Store,
    telephony: Arc<Telephony>,
    clock: Arc<dyn Clock>,
    events: EventBus,
}

impl Transfers {
    /// Transfers through `telephony`, announced on `events`.
    pub fn new(
        store: Store,
        telephony: Arc<Telephony>,
        clock: Arc<dyn Clock>,
        events: EventBus,
    ) -> Transfers {
        Transfers {
            store,
            telephony,
            clock,
            events,
        }
    }

    fn conference_url(&self, tenant: TenantId, call: CallId) -> String {
        self.telephony.webhook_url("conference", tenant, call)
    }

    fn leg_url(&self, hook: &str, leg: &Leg, call: CallId) -> String {
        format!(
            "{}&leg={}",
            self.telephony
                .webhook_url(&format!("agent/{hook}"), leg.tenant_id, call),
            leg.id
        )
    }

    /// Whether a campaign's calls go to agents: some agent of its groups is logged in.
    pub async fn has_agents(&self, campaign: &Campaign) -> Result<bool, EngineError> {
        let mut conn = self.store.conn().await?;
        Ok(agents::of_campaign(&mut conn, campaign.id)
            .await?
            .iter()
            .any(|(s, ..)| s.is_logged_in()))
    }

    /// A person answered `call` in an agent campaign (or pressed 1, `via_menu`): they are put
    /// on hold in the conference and the first agent is called. Returns the caller's TwiML.
    pub async fn hold(
        &self,
        call: &Call,
        campaign: &Campaign,
        via_menu: bool,
    ) -> Result<Response, EngineError> {
        let now = self.clock.now_ms();
        let tenant = call.tenant_id;
        if !self.has_agents(campaign).await? {
            // Nobody signed in could take the call (a call placed by hand while no agent
            // works): the person hears the fallback now, never a wait nobody will end.
            let why = [("agents_signed_in".to_string(), "0".to_string())];
            return self.nobody(call, campaign, ("transfer", &why), now).await;
        }
        let max_wait = campaign.settings.transfer.max_wait_seconds;
        let detection = campaign.settings.machine_detection;
        let (deadline_at, deadline_kind) = if via_menu {
            (now + i64::from(max_wait) * 1000, DeadlineKind::MaxWait)
        } else if detection.enabled && call.answered_by.is_none() {
            // Nobody is called for an answering machine: first detection's verdict.
            (
                rules::detection_deadline(now, detection.timeout_seconds),
                DeadlineKind::Detection,
            )
        } else {
            rules::deadline(&campaign.settings.pacing, now, max_wait)
        };
        let mut conn = self.store.conn().await?;
        let transfer = transfers::start(
            &mut conn,
            tenant,
            &NewTransfer {
                call_id: call.id,
                campaign: Some(campaign.id),
                lead: call.lead_id,
                deadline_at,
                deadline_kind,
            },
            now,
        )
        .await?;
        if transfer.status != TransferStatus::Waiting {
            return Ok(crate::telephony::flows::hang_up());
        }
        calls::add_event(
            &mut conn,
            call.id,
            "transfer",
            Some("waiting"),
            None,
            &json!({"transfer_id": transfer.id, "deadline": deadline_kind, "deadline_at": deadline_at}),
            now,
        )
        .await?;
        // Twilio posts the detection verdict on its own request, which may have landed while
        // this one ran: read it again now that the transfer exists. Whichever of the two
        // requests comes second acts on it (starting the clock twice is harmless).
        let verdict = if deadline_kind == DeadlineKind::Detection {
            calls::get_by_id(&mut conn, tenant, call.id)
                .await?
                .answered_by
        } else {
            None
        };
        drop(conn);
        self.announce(&transfer, "transfer.waiting", json!({}));
        match verdict {
            Some(answered) if answered.is_machine() => {
                self.caller_left(tenant, call.id, true).await?;
            }
            Some(_) => self.start_clock(tenant, transfer.id).await?,
            None if deadline_kind != DeadlineKind::Detection => {
                self.spawn_offer(tenant, transfer.id);
            }
            None => {}
        }
        Ok(flows::caller_hold(
            campaign,
            transfer.id,
            via_menu,
            self.conference_url(tenant, call.id),
        ))
    }

    /// The campaign's fallback for a person nobody can take, recorded as
    /// `transfer_unavailable` (which the fallback's retry rule then follows).
    /// `kind` and `form` are the timeline entry: the key pressed (`gather`), or the hold that
    /// found nobody (`transfer`).
    pub async fn nobody(
        &self,
        call: &Call,
        campaign: &Campaign,
        (kind, form): (&str, &[(String, String)]),
        now: i64,
    ) -> Result<Response, EngineError> {
        crate::telephony::events::set_disposition(
            &self.store,
            call.tenant_id,
            call.id,
            outdial_domain::call::Disposition::TransferUnavailable,
            kind,
            form,
            now,
        )
        .await?;
        let lead = match call.lead_id {
            Some(id) => outdial_storage::leads::get_by_id(
                &mut *self.store.conn().await?,
                call.tenant_id,
                id,
            )
            .await
            .ok(),
            None => None,
        };
        tracing::info!(tenant_id = %call.tenant_id, call_id = %call.id, "no agent signed in: the caller hears the fallback");
        Ok(flows::fallback(
            campaign,
            lead.as_ref(),
            self.telephony
                .webhook_url("recording", call.tenant_id, call.id),
        ))
    }

    async fn wrap_up(
        &self,
        conn: &mut outdial_storage::Conn,
        tenant: TenantId,
        agent: UserId,
        settings: &CampaignSettings,
        now: i64,
    ) -> Result<(), EngineError> {
        if settings.wrap_up_seconds == 0 {
            if agents::release(conn, tenant, agent, &AgentStatus::RELEASE, now).await? {
                self.agent_changed(tenant, agent, AgentStatus::Available, now);
            }
        } else {
            let until = now + i64::from(settings.wrap_up_seconds) * 1000;
            if agents::wrap_up(conn, tenant, agent, until, now).await? {
                self.agent_changed(tenant, agent, AgentStatus::WrapUp, now);
            }
        }
        Ok(())
    }

    async fn finish_conversation(
        &self,
        conn: &mut outdial_storage::Conn,
        transfer: &mut Transfer,
        now: i64,
    ) -> Result<(), EngineError> {
        if transfer.status != TransferStatus::Connected {
            return Ok(());
        }
        transfer.status = TransferStatus::Ended;
        transfer.outcome = Some(TransferEnd::Completed);
        transfer.ended_at = Some(now);
        match transfers::advance(conn, transfer, TransferStatus::Connected, now).await {
            Ok(()) => {
                self.announce(transfer, "transfer.ended", json!({"outcome": "completed"}));
                Ok(())
            }
            // The other side's end got there first.
            Err(StorageError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The caller's call ended (or a machine was detected, `machine`): a waiting transfer ends
    /// and the agent being offered it is told; a connected one is over.
    pub async fn caller_left(
        &self,
        tenant: TenantId,
        call_id: CallId,
        machine: bool,
    ) -> Result<(), EngineError> {
        let now = self.clock.now_ms();
        let mut conn = self.store.conn().await?;
        let Some(mut transfer) = transfers::of_call(&mut conn, tenant, call_id).await? else {
            return Ok(());
        };
        match transfer.status {
            TransferStatus::Waiting => {
                transfer.status = TransferStatus::Ended;
                transfer.outcome = Some(if machine {
                    TransferEnd::Machine
                } else {
                    TransferEnd::CallerHungUp
                });
                transfer.ended_at = Some(now);
                match transfers::advance(&mut conn, &transfer, TransferStatus::Waiting, now).await {
                    Ok(()) => {}
                    Err(StorageError::Conflict(_)) => return Ok(()),
                    Err(e) => return Err(e.into()),
                }
                calls::add_event(
                    &mut conn,
                    call_id,
                    "transfer",
                    Some(transfer.outcome.map(|o| o.as_str()).unwrap_or("ended")),
                    None,
                    &json!({"transfer_id": transfer.id}),
                    now,
                )
                .await?;
                drop(conn);
                self.announce(
                    &transfer,
                    "transfer.ended",
                    json!({"outcome": transfer.outcome}),
                );
                self.cancel_offers(&transfer, "caller_hung_up").await?;
            }
            TransferStatus::Connected => {
                self.finish_conversation(&mut conn, &mut transfer, now)
                    .await?;
            }
            TransferStatus::Ended => {}
        }
        Ok(())
    }

    async fn campaign_of(
        &self,
        conn: &mut outdial_storage::Conn,
        transfer: &Transfer,
    ) -> Result<Campaign, EngineError> {
        let id = transfer
            .campaign_id
            .ok_or_else(|| EngineError::Conflict("the transfer's campaign was deleted".into()))?;
        Ok(campaigns::get_by_id(conn, transfer.tenant_id, id).await?)
    }

    fn announce(&self, transfer: &Transfer, kind: &str, mut extra: serde_json::Value) {
        if let Some(map) = extra.as_object_mut() {
            map.insert("transfer_id".into(), json!(transfer.id));
            map.insert("call_id".into(), json!(transfer.call_id));
            map.insert("campaign_id".into(), json!(transfer.campaign_id));
            map.insert("lead_id".into(), json!(transfer.lead_id));
            map.entry("agent_user_id")
                .or_insert(json!(transfer.agent_user_id));
        }
        self.events.announce(transfer.tenant_id, kind, extra);
    }

    fn agent_changed(&self, tenant: TenantId, agent: UserId, status: AgentStatus, since: i64) {
        self.events.announce(
            tenant,
            "agent.status",
            json!({"user_id": agent, "status": status, "since": since}),
        );
    }
}
