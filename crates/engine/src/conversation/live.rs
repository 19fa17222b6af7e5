//! A conversation's actions on a real call: the held slot booked for the call's lead (or the
//! reminded appointment moved to it), the call-back time kept for the dialer, the reminded
//! appointment confirmed or cancelled, the number put on the do-not-call list before the call
//! ends. A transfer is marked for the telephony layer, which knows how to hand a call over.

use super::{Context, OnCall, Reply, slots};
use crate::EngineError;
use crate::booking::{self, Booking};
use outdial_conversation::{AppointmentAction, Effect, Event, Offered, Scheduled};
use outdial_domain::calendar::AppointmentStatus;
use outdial_storage::dnc::{self, Origin};

/// The name of an appointment change, as the action lists say it.
pub(super) fn action_name(action: AppointmentAction) -> &'static str {
    match action {
        AppointmentAction::Confirm => "confirm",
        AppointmentAction::Cancel => "cancel",
    }
}

/// Carries out one action on the call and reports how it went, as the machine's next event.
pub(super) async fn carry_out(
    ctx: &Context<'_>,
    on: &OnCall<'_>,
    effect: Effect,
    reply: &mut Reply,
) -> Result<Event, EngineError> {
    let by = ctx.by;
    Ok(match effect {
        Effect::Book { slot } => Event::Booked(book(ctx, on, &slot, reply).await?),
        Effect::ScheduleCallback { when } => {
            let scheduled = when.as_ref().and_then(|w| slots::callback_time(ctx, w));
            match &scheduled {
                Some((at, spoken)) => {
                    reply.callback_at = Some(*at);
                    reply.actions.push(format!("call-back scheduled {spoken}"));
                }
                None => reply
                    .actions
                    .push("call-back asked for, no time named".into()),
            }
            Event::CallbackScheduled(scheduled.map(|(at, spoken)| Scheduled { at, spoken }))
        }
        Effect::ChangeAppointment { action } => {
            let Some(id) = on.reminds_of else {
                reply
                    .actions
                    .push("no appointment to change: the lead has none".into());
                return Ok(Event::AppointmentChanged(false));
            };
            let to = match action {
                AppointmentAction::Confirm => AppointmentStatus::Confirmed,
                AppointmentAction::Cancel => AppointmentStatus::Cancelled,
            };
            let note = format!("said on call {}", on.call.id);
            let done = match booking::set_status(ctx.store, ctx.tenant, id, to, by, &note, ctx.now)
                .await
            {
                Ok(_) => true,
                // Changed meanwhile (confirmed twice, cancelled by somebody else).
                Err(EngineError::Storage(outdial_storage::StorageError::Conflict(_)))
                | Err(EngineError::NotFound(_)) => false,
                Err(e) => return Err(e),
            };
            reply.actions.push(format!(
                "appointment {id}: {} {}",
                action_name(action),
                if done { "done" } else { "not possible" }
            ));
            Event::AppointmentChanged(done)
        }
        Effect::Transfer => {
            reply.transfer = on.can_transfer;
            reply.actions.push(if on.can_transfer {
                "handing the person over".into()
            } else {
                "transfer asked for, nobody to take it".into()
            });
            Event::Transferred(on.can_transfer)
        }
        Effect::OptOut => {
            let mut tx = ctx.store.begin().await?;
            let origin = Origin {
                source: "conversation",
                reason: "asked not to be called again during a call",
                created_by: by,
            };
            dnc::add(
                &mut tx,
                ctx.tenant,
                std::slice::from_ref(&on.call.to),
                &origin,
                ctx.now,
            )
            .await?;
            tx.commit()
                .await
                .map_err(outdial_storage::StorageError::from)?;
            tracing::info!(tenant_id = %ctx.tenant, call_id = %on.call.id, "number opted out in a conversation");
            reply
                .actions
                .push("number put on the do-not-call list".into());
            Event::OptedOut
        }
        // Listening, ending and finding a slot are the conversation's own (see `advance`).
        Effect::Listen { .. } | Effect::Hangup { .. } | Effect::FindSlot { .. } => Event::Silence,
    })
}

/// Books the held slot for the call's lead, or moves the reminded appointment to it. A slot
/// taken meanwhile is not booked (the flow offers another).
pub(super) async fn book(
    ctx: &Context<'_>,
    on: &OnCall<'_>,
    slot: &Offered,
    reply: &mut Reply,
) -> Result<bool, EngineError> {
    let note = format!("booked on call {}", on.call.id);
    let done = match on.reminds_of {
        Some(id) => {
            // The hold is the person's own: given back so the move can take the place.
            let _ = booking::release(ctx.store, ctx.tenant, &slot.hold).await;
            booking::reschedule(
                ctx.store,
                ctx.tenant,
                id,
                slot.starts_at,
                ctx.by,
                &note,
                ctx.now,
            )
            .await
            .map(|a| a.id)
        }
        None => {
            let booking = Booking {
                calendar: slot.calendar_id,
                starts_at: slot.starts_at,
                lead: on.lead.map(|l| l.id),
                call: Some(on.call.id),
                // A call placed to a number without a lead books under the number.
                name: on.lead.is_none().then(|| on.call.to.as_str().to_string()),
                phone: Some(on.call.to.as_str().to_string()),
                note: note.clone(),
                hold: Some(slot.hold.clone()),
            };
            booking::book(ctx.store, ctx.tenant, &booking, ctx.by, ctx.now)
                .await
                .map(|a| a.id)
        }
    };
    match done {
        Ok(id) => {
            reply
                .actions
                .push(format!("appointment {id} booked {}", slot.spoken));
            Ok(true)
        }
        Err(EngineError::SlotTaken { .. }) => {
            reply
                .actions
                .push(format!("{} was taken meanwhile", slot.spoken));
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
