//! Placing one call: checks that it may be made, records it, hands it to the carrier, and acts
//! on the carrier's refusal.

use super::Telephony;
use super::screen::{self, Screened};
use crate::error::EngineError;
use crate::events::EventBus;
use outdial_domain::PhoneNumber;
use outdial_domain::call::{CallStatus, Outcome};
use outdial_domain::campaign::{CampaignSettings, CampaignStatus, VoicemailAction};
use outdial_domain::hours::LocalHours;
use outdial_domain::lead::after_call;
use outdial_storage::Store;
use outdial_storage::calls::{self, Call};
use outdial_storage::campaigns::{self, Campaign};
use outdial_storage::leads::{self, Lead};
use outdial_twilio::{Detection, ErrorKind, NewCall};

/// A call to place.
pub struct CallRequest<'a> {
    /// The campaign whose script and settings the call uses.
    pub campaign: &'a Campaign,
    /// The lead called, if the call is for one.
    pub lead: Option<&'a Lead>,
    /// The number to call.
    pub to: PhoneNumber,
    /// Digits to dial once answered (the lead's, or written with a single call's number).
    pub extension: Option<String>,
    /// What kind of call (`single`, `cold_call`, `appointment_booking`, `campaign`).
    pub call_type: &'a str,
}

/// Places a call and returns it as recorded. Refuses leads that are not callable now,
/// campaigns without a caller ID, and every call the screen forbids now (`screen::check`:
/// do-not-call, attempts, the callee's hours, the campaign's window and daily limit); a
/// carrier refusal is recorded on the call (and an invalid number closes the lead) before the
/// error is returned.
pub async fn place(
    store: &Store,
    telephony: &Telephony,
    events: &EventBus,
    local: &LocalHours,
    req: CallRequest<'_>,
    now: i64,
) -> Result<Call, EngineError> {
    let campaign = req.campaign;
    let tenant = campaign.tenant_id;
    let from = caller_id(&campaign.settings, now)?;
    // Before anything is recorded: without an account there is nothing to place.
    telephony.account_for(store, tenant).await?;
    let mut tx = store.begin().await?;
    // The lead is claimed first, so the screen reads it as it is now and no other caller can
    // dial it meanwhile; a refusal rolls the claim back with the transaction.
    let lead = match req.lead {
        Some(lead) => Some(
            leads::claim_for_call(&mut tx, tenant, lead.id, now)
                .await?
                .ok_or_else(|| match lead.do_not_call {
                    true => EngineError::Refused {
                        code: "do_not_call",
                        message: format!("lead {} is marked do-not-call; it is never called", lead.id),
                        next_allowed_at: None,
                    },
                    false => EngineError::Conflict(format!(
                        "lead {} cannot be called now: it is {} (only new and retry leads are called)",
                        lead.id, lead.status
                    )),
                })?,
        ),
        None => None,
    };
    screen::check(
        &mut tx,
        local,
        &Screened {
            campaign,
            lead: lead.as_ref(),
            to: &req.to,
            in_campaign: lead.is_some(),
        },
        now,
    )
    .await?;
    let call = calls::create(
        &mut tx,
        tenant,
        &calls::NewCall {
            campaign: Some(campaign.id),
            lead: req.lead.map(|l| l.id),
            call_type: req.call_type,
            from: &from,
            to: &req.to,
            extension: req.extension.as_deref(),
        },
        now,
    )
    .await?;
    tx.commit()
        .await
        .map_err(outdial_storage::StorageError::from)?;
    dispatch(store, telephony, events, campaign, req.lead, call, now).await
}

/// The campaign's caller ID for a call at `now` (several numbers are rotated).
pub fn caller_id(settings: &CampaignSettings, now: i64) -> Result<PhoneNumber, EngineError> {
    settings
        .caller_ids
        .get((now as usize / 1000) % settings.caller_ids.len().max(1))
        .cloned()
        .ok_or_else(|| {
            EngineError::invalid(
                "settings.caller_ids",
                "the campaign has no caller ID to call from; add one of your Twilio numbers",
            )
        })
}

/// Hands a recorded call (status `queued`, its lead already `dialing`) to the carrier and
/// records the answer: the carrier's id, or the refusal, which ends the call and hands its
/// lead back (closed as invalid, or to be called again later without an attempt counted).
pub async fn dispatch(
    store: &Store,
    telephony: &Telephony,
    events: &EventBus,
    campaign: &Campaign,
    lead: Option<&Lead>,
    call: Call,
    now: i64,
) -> Result<Call, EngineError> {
    let tenant = campaign.tenant_id;
    let settings = &campaign.settings;
    let account = telephony.account_for(store, tenant).await?;
    let detection = settings.machine_detection;
    let wants_detection = detection.enabled;
    let request = NewCall {
        to: call.to.to_string(),
        from: call.from.to_string(),
        url: telephony.webhook_url("voice", tenant, call.id),
        status_callback: telephony.webhook_url("status", tenant, call.id),
        timeout_seconds: settings.ring_timeout_seconds,
        time_limit_seconds: Some(4 * 3600),
        machine_detection: wants_detection.then(|| Detection {
            // A message is left only after the greeting: detection waits for its end
            // (`enable` would report the machine at its first word, and the message would be
            // spoken over the greeting). `enable` is used when nothing is left.
            detect_message_end: settings.voicemail.action == VoicemailAction::LeaveMessage,
            timeout_seconds: detection.timeout_seconds,
            // Calls handed to agents learn who answered while the caller is on hold; calls
            // with a message learn it before anything is played, so a machine never hears
            // the menu (Twilio asks for the voice TwiML once it knows, with `AnsweredBy`).
            // A call to an extension reaches a switchboard first: the digits are dialed on
            // answer, and detection reports while the extension rings.
            callback: (settings.pacing.needs_agents() || call.extension.is_some())
                .then(|| telephony.webhook_url("amd", tenant, call.id)),
        }),
        recording_callback: settings
            .recording
            .then(|| telephony.webhook_url("recording", tenant, call.id)),
    };
    let result = account.carrier.create_call(&account.creds, &request).await;
    let mut conn = store.conn().await?;
    let detail = serde_json::json!({ "source": account.source });
    match result {
        Ok(info) => {
            let mut tx = store.begin().await?;
            // Row lock first, then the event (see `events::apply_batch`).
            let mut current = calls::lock(&mut tx, tenant, call.id).await?;
            calls::add_event(
                &mut tx,
                call.id,
                "carrier",
                Some(info.status.as_str()),
                None,
                &serde_json::json!({"call_sid": info.sid, "account": detail["source"]}),
                now,
            )
            .await?;
            // A fast status callback may have recorded the sid already.
            current.call_sid.get_or_insert(info.sid);
            if current.status.progress(info.status) == outdial_domain::call::Progress::Advance {
                current.status = info.status;
            }
            let saved = calls::save(&mut tx, &current, now).await?;
            tx.commit()
                .await
                .map_err(outdial_storage::StorageError::from)?;
            tracing::info!(tenant_id = %tenant, call_id = %saved.id, call_sid = ?saved.call_sid, source = ?account.source, "call placed");
            Ok(saved)
        }
        Err(err) if err.kind == ErrorKind::Unavailable => {
            // The request may have reached the carrier: the call may exist. It stays open, its
            // lead claimed, until reconciliation asks the carrier (`dialer::reconcile`) — a
            // retry now could call the person twice.
            calls::add_event(&mut conn, call.id, "carrier", Some("unknown"), None, &serde_json::json!({"error": err.message, "http_status": err.http_status, "next": "asked again at the carrier by reconciliation"}), now).await?;
            tracing::warn!(tenant_id = %tenant, call_id = %call.id, error = %err, "the carrier did not answer a call creation; it will be reconciled");
            Err(EngineError::Upstream(format!(
                "{err}; the call may have been placed: Outdial checks with the carrier before calling this lead again"
            )))
        }
        Err(err) => {
            let mut failed = call.clone();
            failed.status = CallStatus::Failed;
            failed.error_code = err.code;
            failed.error_message = Some(err.message.clone());
            failed.ended_at = Some(now);
            failed.outcome = Some(if err.kind == ErrorKind::InvalidNumber {
                Outcome::Invalid
            } else {
                Outcome::Failed
            });
            calls::add_event(&mut conn, call.id, "carrier", Some("failed"), None, &serde_json::json!({"error_code": err.code, "error": err.message, "http_status": err.http_status}), now).await?;
            calls::save(&mut conn, &failed, now).await?;
            if let Some(lead) = lead {
                let after = match err.kind {
                    ErrorKind::InvalidNumber => {
                        after_call(Outcome::Invalid, lead.attempts, settings, now)
                    }
                    // Not the lead's fault: it goes back to be called later, no attempt counted.
                    _ => outdial_domain::lead::AfterCall {
                        status: outdial_domain::lead::LeadStatus::Retry,
                        attempts: lead.attempts,
                        next_attempt_at: Some(now + 5 * 60_000),
                    },
                };
                leads::finish_attempt(&mut conn, lead.id, &after, now).await?;
            }
            if err.kind == ErrorKind::Authentication && campaign.status == CampaignStatus::Running {
                let reason = format!(
                    "Twilio refused the account's credentials ({err}); fix them in the Twilio settings, then resume the campaign"
                );
                // Only the first refused call pauses it (the others find it paused already);
                // that one tells the pages watching the campaign.
                if campaigns::set_status(
                    &mut conn,
                    tenant,
                    campaign.id,
                    CampaignStatus::Running,
                    CampaignStatus::Paused,
                    Some(&reason),
                    now,
                )
                .await
                .is_ok()
                {
                    events.campaign_status(tenant, campaign.id, CampaignStatus::Paused);
                    tracing::warn!(tenant_id = %tenant, campaign_id = %campaign.id, "campaign paused: carrier authentication failed");
                }
            }
            events.announce(
                tenant,
                "call.status",
                serde_json::json!({ "calls": [{ "call_id": call.id, "status": CallStatus::Failed.as_str() }] }),
            );
            tracing::warn!(tenant_id = %tenant, call_id = %call.id, error = %err, "the carrier refused the call");
            Err(match err.kind {
                ErrorKind::InvalidNumber => EngineError::invalid("to", err.to_string()),
                _ => err.into(),
            })
        }
    }
}
