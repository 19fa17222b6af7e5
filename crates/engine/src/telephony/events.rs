//! Carrier reports applied to calls: each is stored in the call's timeline once (a repeat is
//! recognised by its sequence number and ignored), and a call only ever moves forward.

use crate::error::EngineError;
use outdial_domain::call::{AnsweredBy, CallStatus, Disposition, Outcome, Progress};
use outdial_domain::campaign::ValidSettings;
use outdial_domain::lead::{Handover, after_call, after_handover, after_no_input};
use outdial_domain::transfer::{AgentDisposition, Fallback};
use outdial_domain::{CallId, CampaignId, LeadId, TenantId};
use outdial_storage::calls::{self, Call};
use outdial_storage::leads::Lead;
use outdial_storage::{Conn, StorageError, Store, call_backs, campaigns, leads};
use outdial_twilio::webhook::{CallEvent, RecordingEvent};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What applying a status report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Already received: nothing changed.
    Duplicate,
    /// Recorded in the timeline; older than what is known, so the status stayed.
    Stale,
    /// The call moved on.
    Advanced,
}

/// The form fields as the timeline's detail.
pub fn detail(form: &[(String, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        form.iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

/// One carrier report of a call's status, as [`apply_batch`] takes it.
pub struct Report {
    pub(super) tenant: TenantId,
    pub(super) call_id: CallId,
    pub(super) event: CallEvent,
    pub(super) form: Vec<(String, String)>,
    pub(super) now: i64,
}

impl Report {
    /// `event` (with its form fields, for the timeline) about `tenant`'s call `call_id`,
    /// received at `now`.
    pub fn new(
        tenant: TenantId,
        call_id: CallId,
        event: CallEvent,
        form: Vec<(String, String)>,
        now: i64,
    ) -> Report {
        Report {
            tenant,
            call_id,
            event,
            form,
            now,
        }
    }

    /// The call it is about.
    pub fn call_id(&self) -> CallId {
        self.call_id
    }
}

/// Applies a status callback (or the status carried by a voice request, `kind` `voice`) in a
/// transaction of its own: a batch of one.
pub async fn apply_status(
    store: &Store,
    tenant: TenantId,
    call_id: CallId,
    kind: &str,
    event: &CallEvent,
    form: &[(String, String)],
    now: i64,
) -> Result<Applied, EngineError> {
    let report = Report {
        tenant,
        call_id,
        event: event.clone(),
        form: form.to_vec(),
        now,
    };
    let mut results = apply_batch(store, None, kind, &[&report]).await?;
    results.pop().unwrap_or(Err(EngineError::NotFound("call")))
}

/// Takes a fresh report into the call (in memory): the carrier's id and who answered when not
/// yet known, and the reported status when it is a step forward.
fn take(call: &mut Call, event: &CallEvent, now: i64) -> Applied {
    call.call_sid.get_or_insert_with(|| event.call_sid.clone());
    if call.answered_by.is_none() {
        call.answered_by = event.answered_by;
    }
    call.updated_at = now;
    match call.status.progress(event.status) {
        Progress::Stale => Applied::Stale,
        Progress::Advance => {
            advance(call, event, now);
            Applied::Advanced
        }
    }
}

/// The announcements of the calls a batch moved on: one event per tenant, listing each call's
/// new status, so a busy second costs one announcement per batch, not one per callback.
fn moved_calls(moved: &[&Report]) -> Vec<crate::events::Event> {
    let mut by_tenant: HashMap<TenantId, Vec<serde_json::Value>> = HashMap::new();
    for r in moved {
        by_tenant
            .entry(r.tenant)
            .or_default()
            .push(serde_json::json!({"call_id": r.call_id, "status": r.event.status.as_str()}));
    }
    by_tenant
        .into_iter()
        .map(|(tenant, calls)| crate::events::Event {
            tenant,
            kind: "call.status".into(),
            data: serde_json::json!({ "calls": calls }),
        })
        .collect()
}

/// Applies reports of one `kind`, sorted by call, in one transaction with a handful of
/// set-based statements whatever their number: lock the calls, read which sequence numbers
/// they already have, decide each report in memory, then write the new events, the changed
/// calls and the finished leads. Per-report outcomes that leave the transaction usable (a call
/// that does not exist) are returned per report. The status queue's step: the queue hands it
/// what waits, a test hands it reports of its own.
pub async fn apply_batch(
    store: &Store,
    bus: Option<&crate::events::EventBus>,
    kind: &str,
    batch: &[&Report],
) -> Result<Vec<Result<Applied, EngineError>>, EngineError> {
    let mut ids: Vec<CallId> = batch.iter().map(|j| j.call_id).collect();
    ids.dedup(); // the batch is sorted by call
    let mut tx = store.begin().await?;
    // The row locks come first: storing an event takes a key-share lock on its call (the
    // foreign key), and taking the row lock after that deadlocks with a concurrent report.
    let mut calls: HashMap<CallId, Call> = calls::lock_many(&mut tx, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut known = calls::sequences(&mut tx, kind, &ids).await?;
    let mut events = Vec::with_capacity(batch.len());
    let mut finished = HashSet::new();
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let Some(call) = calls
            .get_mut(&job.call_id)
            .filter(|c| c.tenant_id == job.tenant)
        else {
            results.push(Err(EngineError::NotFound("call")));
            continue;
        };
        if let Some(seq) = job.event.sequence
            && !known.insert((job.call_id, seq))
        {
            results.push(Ok(Applied::Duplicate));
            continue;
        }
        events.push(calls::NewEvent {
            call_id: job.call_id,
            kind: kind.into(),
            status: Some(job.event.status.as_str().into()),
            sequence: job.event.sequence,
            detail: detail(&job.form).to_string(),
            received_at: job.now,
        });
        let applied = take(call, &job.event, job.now);
        if applied == Applied::Advanced && job.event.status.is_final() {
            finished.insert(call.id);
        }
        results.push(Ok(applied));
    }
    let changed: Vec<Call> = events
        .iter()
        .map(|e| e.call_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter_map(|id| calls.remove(&id))
        .collect();
    calls::add_events(&mut tx, &events).await?;
    calls::save_many(&mut tx, &changed).await?;
    let ended: Vec<Call> = changed
        .into_iter()
        .filter(|c| finished.contains(&c.id))
        .collect();
    let now = batch.iter().map(|j| j.now).max().unwrap_or_default();
    finish_leads(&mut tx, &ended, now).await?;
    tx.commit().await.map_err(StorageError::from)?;
    if let Some(bus) = bus {
        let moved: Vec<&Report> = batch
            .iter()
            .zip(&results)
            .filter(|(_, r)| matches!(r, Ok(Applied::Advanced)))
            .map(|(j, _)| *j)
            .collect();
        for event in moved_calls(&moved) {
            bus.publish(event);
        }
    }
    Ok(results)
}

/// Moves a call to the reported status, with the times and figures that come with it.
fn advance(call: &mut Call, event: &CallEvent, now: i64) {
    let to = event.status;
    match to {
        CallStatus::Ringing => {
            call.ringing_at.get_or_insert(now);
        }
        CallStatus::InProgress => {
            call.answered_at.get_or_insert(now);
        }
        _ => {}
    }
    if to.is_final() {
        call.ended_at.get_or_insert(now);
        call.talk_seconds = event.duration_seconds.or(call.talk_seconds);
        if event.error_code.is_some() {
            call.error_code = event.error_code;
            call.error_message = event.error_message.clone();
        }
        call.outcome = Outcome::of(to, call.answered_by, call.error_code);
    }
    call.status = to;
}

/// Records the ended calls' attempts on their leads: each lead's next status, attempts and
/// retry time by its campaign's rules.
async fn finish_leads(conn: &mut Conn, ended: &[Call], now: i64) -> Result<(), EngineError> {
    let ids: Vec<LeadId> = ended.iter().filter_map(|c| c.lead_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let found: HashMap<LeadId, Lead> = leads::get_many(conn, &ids)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    // Conversations in which the person asked to be called back at a time.
    let asking: Vec<CallId> = ended
        .iter()
        .filter(|c| c.disposition == Some(Disposition::CallBackRequested))
        .map(|c| c.id)
        .collect();
    let asked_back: HashMap<CallId, i64> =
        outdial_storage::conversations::callbacks_of(conn, &asking)
            .await?
            .into_iter()
            .collect();
    // Agents who recorded a disposition before the carrier reported the call's end.
    let transferred: Vec<CallId> = ended
        .iter()
        .filter(|c| c.disposition == Some(Disposition::Transferred))
        .map(|c| c.id)
        .collect();
    let disposed: HashMap<CallId, (AgentDisposition, Option<i64>)> = if transferred.is_empty() {
        HashMap::new()
    } else {
        outdial_storage::transfers::dispositions_of(conn, &transferred)
            .await?
            .into_iter()
            .map(|(call, d, at)| (call, (d, at)))
            .collect()
    };
    let mut settings: HashMap<CampaignId, ValidSettings> = HashMap::new();
    let mut done = Vec::with_capacity(ids.len());
    for call in ended {
        let (Some(lead_id), Some(campaign_id), Some(outcome)) =
            (call.lead_id, call.campaign_id, call.outcome)
        else {
            continue;
        };
        let Some(lead) = found
            .get(&lead_id)
            .filter(|l| l.tenant_id == call.tenant_id)
        else {
            continue;
        };
        let rules = match settings.entry(campaign_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let campaign = campaigns::get_by_id(conn, call.tenant_id, campaign_id).await?;
                slot.insert(campaign.settings)
            }
        };
        let after = match call.disposition {
            Some(Disposition::Abandoned) => after_handover(
                Handover::Missed {
                    delay_ms: i64::from(rules.transfer.callback_delay_minutes) * 60_000,
                },
                lead.attempts,
                now,
            ),
            Some(Disposition::TransferUnavailable)
                if rules.transfer.fallback == Fallback::Callback =>
            {
                after_handover(
                    Handover::Missed {
                        delay_ms: i64::from(rules.transfer.callback_delay_minutes) * 60_000,
                    },
                    lead.attempts,
                    now,
                )
            }
            Some(Disposition::Transferred) if disposed.contains_key(&call.id) => {
                let (disposition, callback_at) = disposed[&call.id];
                after_handover(
                    Handover::Disposed {
                        disposition,
                        callback_at,
                    },
                    lead.attempts,
                    now,
                )
            }
            // The person named a time to be called again: then (the dialer keeps to the
            // calling hours); without a time, after the campaign's call-back delay.
            Some(Disposition::CallBackRequested) => after_handover(
                match asked_back.get(&call.id) {
                    Some(at) => Handover::Disposed {
                        disposition: AgentDisposition::CallBack,
                        callback_at: Some(*at),
                    },
                    None => Handover::Missed {
                        delay_ms: i64::from(rules.transfer.callback_delay_minutes) * 60_000,
                    },
                },
                lead.attempts,
                now,
            ),
            // Answered, heard the message, pressed nothing: not reached in any useful sense.
            Some(Disposition::NoInput) if outcome == Outcome::Answered => {
                after_no_input(lead.attempts, rules, now)
            }
            _ => after_call(outcome, lead.attempts, rules, now),
        };
        done.push((lead_id, after));
    }
    leads::finish_attempts(conn, &done, now).await?;
    Ok(())
}

/// One report that is not a status event: its timeline entry, then a change to the call.
/// `change` returns false when the call is left as it was.
async fn record(
    store: &Store,
    tenant: TenantId,
    call_id: CallId,
    report: (&str, &str, &[(String, String)]),
    now: i64,
    change: impl FnOnce(&mut Call) -> bool,
) -> Result<Option<Call>, EngineError> {
    let mut tx = store.begin().await?;
    let saved = record_in(&mut tx, tenant, call_id, report, now, change).await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(saved)
}

/// [`record`] inside the caller's transaction.
async fn record_in(
    tx: &mut Conn,
    tenant: TenantId,
    call_id: CallId,
    (kind, label, form): (&str, &str, &[(String, String)]),
    now: i64,
    change: impl FnOnce(&mut Call) -> bool,
) -> Result<Option<Call>, EngineError> {
    // Row lock first, then the event (see `apply_batch`).
    let mut call = calls::lock(tx, tenant, call_id).await?;
    calls::add_event(tx, call_id, kind, Some(label), None, &detail(form), now).await?;
    Ok(if change(&mut call) {
        Some(calls::save(tx, &call, now).await?)
    } else {
        None
    })
}

/// Applies an asynchronous answering-machine result. Returns the call as updated, or `None`
/// when the result was already known.
pub async fn apply_detection(
    store: &Store,
    tenant: TenantId,
    call_id: CallId,
    answered_by: AnsweredBy,
    form: &[(String, String)],
    now: i64,
) -> Result<Option<Call>, EngineError> {
    let report = ("amd", answered_by.as_str(), form);
    record(store, tenant, call_id, report, now, |call| {
        if call.answered_by.is_some() {
            return false;
        }
        call.answered_by = Some(answered_by);
        if call.status.is_final() {
            call.outcome = Outcome::of(call.status, call.answered_by, call.error_code);
        }
        true
    })
    .await
}

/// Records what happened inside the call (a keypress, a voicemail left) and a timeline entry.
pub async fn set_disposition(
    store: &Store,
    tenant: TenantId,
    call_id: CallId,
    disposition: Disposition,
    kind: &str,
    form: &[(String, String)],
    now: i64,
) -> Result<(), EngineError> {
    let report = (kind, disposition.as_str(), form);
    let mut tx = store.begin().await?;
    let call = record_in(&mut tx, tenant, call_id, report, now, |call| {
        call.disposition = Some(disposition);
        true
    })
    .await?;
    if let Some(call) = call {
        if disposition.leaves_a_call_back_task() {
            call_backs::open(&mut tx, &call, now).await?;
        } else if let Some(lead) = call.lead_id.filter(|_| disposition.settles_call_backs()) {
            call_backs::settle(&mut tx, call.tenant_id, lead, call.id, now).await?;
        }
    }
    tx.commit().await.map_err(StorageError::from)?;
    Ok(())
}

/// Records a finished recording.
pub async fn apply_recording(
    store: &Store,
    tenant: TenantId,
    call_id: CallId,
    event: &RecordingEvent,
    form: &[(String, String)],
    now: i64,
) -> Result<(), EngineError> {
    let report = ("recording", event.status.as_str(), form);
    record(store, tenant, call_id, report, now, |call| {
        if event.status != "completed" {
            return false;
        }
        call.recording_sid = Some(event.recording_sid.clone());
        call.recording_url = Some(event.url.clone());
        call.recording_seconds = event.duration_seconds;
        true
    })
    .await?;
    Ok(())
}
