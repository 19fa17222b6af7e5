//! What Outdial answers when the carrier asks what a call should hear: a person who answered
//! (the call type's message and the campaign's menu, or the hold for an agent), a machine
//! (the voicemail after its greeting, or a hang-up — never the menu), and a key pressed or
//! silence at the menu. The HTTP layer checks the request and hands the call here.

use super::media::{self, Recordings};
use super::{Telephony, converse, events, flows};
use crate::conversation::call::{self, Said, Talk};
use crate::error::EngineError;
use crate::transfer::Transfers;
use outdial_domain::call::{AnsweredBy, Disposition};
use outdial_domain::campaign::{KeyAction, VoicemailAction};
use outdial_storage::Store;
use outdial_storage::calls::Call;
use outdial_storage::campaigns::Campaign;
use outdial_storage::dnc::{self, Origin};
use outdial_storage::leads::Lead;
use outdial_twilio::twiml::Response;

/// How many times `repeat` lets one call hear the message.
pub const MAX_PLAYS: u32 = 3;

/// What the answers need.
pub struct Answers<'a> {
    /// The database.
    pub store: &'a Store,
    /// Webhook URLs and recording links.
    pub telephony: &'a Telephony,
    /// Hands people to agents.
    pub transfers: &'a Transfers,
    /// The tenant's language model, for calls a model leads.
    pub model: Option<crate::conversation::agent::Model>,
    /// The campaign's Dialogflow CX agent, for calls one leads.
    pub dialogflow: Option<crate::conversation::agent::dialogflow::Dialogflow>,
}

/// One call being answered: the call, its campaign and lead, and the webhook's fields.
pub struct Asked<'a> {
    /// The call.
    pub call: &'a Call,
    /// Its campaign.
    pub campaign: &'a Campaign,
    /// Its lead, if any.
    pub lead: Option<&'a Lead>,
    /// The webhook's fields, kept in the timeline.
    pub form: &'a [(String, String)],
    /// Now, epoch ms.
    pub now: i64,
}

impl Answers<'_> {
    /// The call was answered: by a machine (known when detection was synchronous), the
    /// voicemail or a hang-up; in an agent campaign, the hold; otherwise the message and menu.
    pub async fn answered(
        &self,
        a: &Asked<'_>,
        answered_by: Option<AnsweredBy>,
    ) -> Result<Response, EngineError> {
        if answered_by.is_some_and(|by| by.is_machine()) {
            return self.machine(a).await;
        }
        // An extension is dialed first, then whoever picks up there hears the call.
        let extension = match &a.call.extension {
            Some(ext) => flows::extension(ext),
            None => Response::new(),
        };
        let (mode, _) = a.campaign.settings.conversation.for_call(&a.call.call_type);
        let rest = if mode.converses() {
            self.converse(a, Said::Start).await?
        } else if a.campaign.settings.pacing.needs_agents() {
            self.transfers.hold(a.call, a.campaign, false).await?
        } else {
            self.greeting(a, 1).await?
        };
        Ok(extension.then(rest))
    }

    /// One turn of the call's conversation: begins it, or answers what the person said or
    /// pressed. Words and a question listen again; an ending says goodbye and hangs up, or
    /// hands the person over when the conversation ended in a transfer.
    pub async fn converse(&self, a: &Asked<'_>, said: Said) -> Result<Response, EngineError> {
        let can_connect = a.campaign.settings.script.transfer_number.is_some()
            || self.transfers.has_agents(a.campaign).await?;
        let talk = Talk {
            store: self.store,
            call: a.call,
            campaign: a.campaign,
            lead: a.lead,
            can_transfer: can_connect,
            model: self.model.as_ref(),
            dialogflow: self.dialogflow.as_ref(),
            now: a.now,
        };
        let reply = match call::turn(&talk, said).await {
            Ok(reply) => reply,
            // A definition that no longer reads (it is checked when saved): a polite end.
            Err(EngineError::Invalid { field, message }) => {
                tracing::error!(tenant_id = %a.call.tenant_id, call_id = %a.call.id, %field, %message, "conversation could not run");
                return Ok(flows::goodbye(a.campaign));
            }
            Err(e) => return Err(e),
        };
        if reply.listening {
            let url = self
                .telephony
                .webhook_url("converse", a.call.tenant_id, a.call.id);
            return Ok(converse::listen(a.campaign, &reply, url));
        }
        let hand_over = if reply.transfer {
            Some(if self.transfers.has_agents(a.campaign).await? {
                self.transfers.hold(a.call, a.campaign, true).await?
            } else {
                events::set_disposition(
                    self.store,
                    a.call.tenant_id,
                    a.call.id,
                    Disposition::Transferred,
                    "conversation",
                    a.form,
                    a.now,
                )
                .await?;
                flows::transfer(a.campaign, a.call.from.as_str())
            })
        } else {
            None
        };
        Ok(converse::finish(a.campaign, &reply, hand_over))
    }

    /// The message and the menu, heard for the `heard`th time (again, for `repeat`).
    async fn greeting(&self, a: &Asked<'_>, heard: u32) -> Result<Response, EngineError> {
        let words = a.campaign.settings.script.words(&a.call.call_type);
        let recordings = self.recordings(a, &words).await?;
        let can_connect = a.campaign.settings.script.transfer_number.is_some()
            || self.transfers.has_agents(a.campaign).await?;
        let gather = format!(
            "{}&heard={heard}",
            self.telephony
                .webhook_url("gather", a.call.tenant_id, a.call.id)
        );
        Ok(flows::greeting(
            a.campaign,
            a.lead,
            &words,
            &recordings,
            gather,
            can_connect,
        ))
    }

    async fn recordings(
        &self,
        a: &Asked<'_>,
        words: &outdial_domain::campaign::Words<'_>,
    ) -> Result<Recordings, EngineError> {
        if words.message_audio.is_none() && words.voicemail_audio.is_none() {
            return Ok(Recordings::default());
        }
        let mut conn = self.store.conn().await?;
        media::links(&mut conn, self.telephony, a.call.tenant_id, words, a.now).await
    }

    /// A machine whose greeting is over: the voicemail message when the campaign leaves one,
    /// else a hang-up.
    pub async fn machine(&self, a: &Asked<'_>) -> Result<Response, EngineError> {
        let leave = a.campaign.settings.voicemail.action == VoicemailAction::LeaveMessage;
        let disposition = if leave {
            Disposition::VoicemailLeft
        } else {
            Disposition::MachineHungUp
        };
        events::set_disposition(
            self.store,
            a.call.tenant_id,
            a.call.id,
            disposition,
            "voicemail",
            a.form,
            a.now,
        )
        .await?;
        if !leave {
            return Ok(flows::hang_up());
        }
        let words = a.campaign.settings.script.words(&a.call.call_type);
        let recordings = self.recordings(a, &words).await?;
        Ok(flows::voicemail(a.campaign, a.lead, &words, &recordings))
    }

    /// The menu's answer: what the pressed key does, or `no_input` for silence and keys the
    /// menu does not have. `heard` is how often the message has played: `repeat` plays it at
    /// most [`MAX_PLAYS`] times, then says goodbye.
    pub async fn pressed(
        &self,
        a: &Asked<'_>,
        digits: Option<&str>,
        heard: u32,
    ) -> Result<Response, EngineError> {
        let menu = &a.campaign.settings.menu;
        let action = digits.and_then(|d| menu.action(d.trim()));
        let (tenant, id) = (a.call.tenant_id, a.call.id);
        let mark = |d: Disposition| {
            events::set_disposition(self.store, tenant, id, d, "gather", a.form, a.now)
        };
        Ok(match action {
            Some(KeyAction::Connect) if self.transfers.has_agents(a.campaign).await? => {
                self.transfers.hold(a.call, a.campaign, true).await?
            }
            Some(KeyAction::Connect) if a.campaign.settings.script.transfer_number.is_some() => {
                mark(Disposition::Transferred).await?;
                flows::transfer(a.campaign, a.call.from.as_str())
            }
            // Nobody to connect to: the campaign's fallback, and the call ends.
            Some(KeyAction::Connect) => {
                self.transfers
                    .nobody(a.call, a.campaign, ("gather", a.form), a.now)
                    .await?
            }
            Some(KeyAction::OptOut) => {
                self.opt_out(a).await?;
                mark(Disposition::OptedOut).await?;
                flows::opted_out(a.campaign)
            }
            Some(KeyAction::Repeat) if heard < MAX_PLAYS => self.greeting(a, heard + 1).await?,
            Some(KeyAction::Repeat) => flows::goodbye(a.campaign),
            Some(KeyAction::Goodbye) => flows::goodbye(a.campaign),
            Some(
                action
                @ (KeyAction::Confirm | KeyAction::Reschedule | KeyAction::CancelAppointment),
            ) => self.reminded(a, action).await?,
            None => {
                mark(Disposition::NoInput).await?;
                flows::goodbye(a.campaign)
            }
        })
    }

    /// A key of a reminder call: confirms, cancels or asks to move the appointment the lead
    /// names, records it as the call's disposition (asking to move opens a call-back task), and
    /// says so. A call whose lead names no open appointment just says goodbye.
    async fn reminded(&self, a: &Asked<'_>, action: KeyAction) -> Result<Response, EngineError> {
        use outdial_domain::calendar::AppointmentStatus;
        let (tenant, call) = (a.call.tenant_id, a.call.id);
        let Some(appointment) = a.lead.and_then(|l| l.appointment_id) else {
            return Ok(flows::goodbye(a.campaign));
        };
        let note = format!("pressed on reminder call {call}");
        let (disposition, said) = match action {
            KeyAction::Confirm | KeyAction::CancelAppointment => {
                let (to, disposition, said) = if action == KeyAction::Confirm {
                    (
                        AppointmentStatus::Confirmed,
                        Disposition::AppointmentConfirmed,
                        flows::Reminded::Confirmed,
                    )
                } else {
                    (
                        AppointmentStatus::Cancelled,
                        Disposition::AppointmentCancelled,
                        flows::Reminded::Cancelled,
                    )
                };
                match crate::booking::set_status(
                    self.store,
                    tenant,
                    appointment,
                    to,
                    "call",
                    &note,
                    a.now,
                )
                .await
                {
                    Ok(_) => {}
                    // Confirmed twice, or cancelled meanwhile by somebody else: what the
                    // person wanted holds or cannot be had; the call still ends politely.
                    Err(EngineError::Storage(outdial_storage::StorageError::Conflict(why))) => {
                        tracing::info!(tenant_id = %tenant, call_id = %call, appointment_id = appointment, %why, "reminder answer not applied");
                    }
                    Err(EngineError::NotFound(_)) => return Ok(flows::goodbye(a.campaign)),
                    Err(e) => return Err(e),
                }
                (disposition, said)
            }
            _ => {
                let mut conn = self.store.conn().await?;
                match outdial_storage::appointments::change::note(
                    &mut conn,
                    tenant,
                    appointment,
                    "reschedule_requested",
                    "call",
                    &note,
                    a.now,
                )
                .await
                {
                    Ok(()) => {}
                    Err(outdial_storage::StorageError::NotFound) => {
                        return Ok(flows::goodbye(a.campaign));
                    }
                    Err(e) => return Err(e.into()),
                }
                (Disposition::RescheduleRequested, flows::Reminded::MoveAsked)
            }
        };
        events::set_disposition(
            self.store,
            tenant,
            call,
            disposition,
            "gather",
            a.form,
            a.now,
        )
        .await?;
        Ok(flows::reminded(a.campaign, said))
    }

    /// Puts the called number on the tenant's do-not-call list, which also marks its leads.
    pub async fn opt_out(&self, a: &Asked<'_>) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        let origin = Origin {
            source: "ivr",
            reason: "pressed the opt-out key during a call",
            created_by: "ivr",
        };
        dnc::add(
            &mut tx,
            a.call.tenant_id,
            std::slice::from_ref(&a.call.to),
            &origin,
            a.now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(outdial_storage::StorageError::from)?;
        tracing::info!(tenant_id = %a.call.tenant_id, call_id = %a.call.id, "number opted out by keypress");
        Ok(())
    }
}
