//! Running a conversation flow against the real engine: the machine
//! (`outdial_conversation`) says what to do, and this module does it — finds and holds the
//! nearest free slot in the calendar, books it, works out a call-back time, and so on — then
//! reports the result back as the machine's next event, until the machine listens or hangs up.
//!
//! It runs a call ([`Context::on_call`] set: [`live`] books, schedules the call-back, confirms
//! or cancels the appointment, opts the number out; a transfer is left to the telephony layer,
//! which ends the conversation with it) and the web app's text chat ("try it"), where slots
//! are really looked for and held but what would change the world is only described. Every
//! action is listed in [`Reply::actions`] either way.

pub mod agent;
pub mod call;
mod live;
mod slots;

use crate::EngineError;
use outdial_conversation::{Effect, Event, Flow, Outcome, Scheduled, State, start, step};
use outdial_domain::TenantId;
use outdial_storage::Store;
use serde::Serialize;

/// Most effects carried out in one turn (a guard; a checked flow needs a handful).
const MAX_EFFECTS: usize = 16;

/// Where the conversation runs.
pub struct Context<'a> {
    /// The database.
    pub store: &'a Store,
    /// The tenant.
    pub tenant: TenantId,
    /// The calendar offers and bookings use when the flow names none.
    pub calendar_id: Option<i64>,
    /// The voice's language (`de…` German, else English), for slots and times said.
    pub language: &'a str,
    /// The person's time zone: where a call-back time named is meant.
    pub zone: &'a jiff::tz::TimeZone,
    /// Values of `{first_name}`, `{campaign_name}`, … .
    pub fields: &'a [(&'a str, String)],
    /// Who holds slots (for the record).
    pub by: &'a str,
    /// Now, epoch ms.
    pub now: i64,
    /// The call the conversation is held on; `None` for the text chat.
    pub on_call: Option<OnCall<'a>>,
}

/// The call a conversation runs on: its actions are carried out, not described.
pub struct OnCall<'a> {
    /// The call.
    pub call: &'a outdial_storage::calls::Call,
    /// Its lead (bookings are made for it).
    pub lead: Option<&'a outdial_storage::leads::Lead>,
    /// The appointment a reminder call is about.
    pub reminds_of: Option<i64>,
    /// Whether anybody could take a transfer (an agent of the campaign, or its number).
    pub can_transfer: bool,
}

/// What one turn of the conversation comes to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    /// What the voice says, in order, with the fields filled in.
    pub say: Vec<String>,
    /// Whether it now listens for an answer.
    pub listening: bool,
    /// Words the recogniser should expect.
    pub hints: Vec<String>,
    /// What was done (on a call) or would be done (in the chat), described: a booking, a
    /// call-back, a transfer….
    pub actions: Vec<String>,
    /// How it ended, once it has.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outcome: Option<Outcome>,
    /// On a call: hand the person over after the words (the flow ended `transferred`).
    #[serde(skip)]
    pub transfer: bool,
    /// On a call: the call-back time the person asked for, epoch ms.
    #[serde(skip)]
    pub callback_at: Option<i64>,
}

impl Reply {
    fn new() -> Reply {
        Reply {
            say: Vec::new(),
            listening: false,
            hints: Vec::new(),
            actions: Vec::new(),
            outcome: None,
            transfer: false,
            callback_at: None,
        }
    }
}

fn render(text: &str, fields: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (name, value) in fields {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Starts the conversation (`event` `None`) or takes the person's answer, and carries out what
/// the flow asks for until it listens or ends.
pub async fn advance(
    ctx: &Context<'_>,
    flow: &Flow,
    state: Option<State>,
    event: Option<Event>,
) -> Result<(State, Reply), EngineError> {
    let (mut state, mut turn) = match (state, event) {
        (Some(mut s), Some(e)) => {
            let turn = step(flow, &mut s, e);
            (s, turn)
        }
        _ => start(flow),
    };
    let mut reply = Reply::new();
    for _ in 0..MAX_EFFECTS {
        reply
            .say
            .extend(turn.say.iter().map(|s| render(s, ctx.fields)));
        let next = match turn.effect {
            Effect::Listen { hints } => {
                reply.listening = true;
                reply.hints = hints;
                return Ok((state, reply));
            }
            Effect::Hangup { outcome } => {
                reply.outcome = Some(outcome);
                // A hold no booking used is given back at the end.
                if let Some(o) = state
                    .offered
                    .as_ref()
                    .filter(|_| outcome != Outcome::AppointmentBooked)
                {
                    let _ = crate::booking::release(ctx.store, ctx.tenant, &o.hold).await;
                }
                return Ok((state, reply));
            }
            Effect::FindSlot {
                calendar_id,
                wanted,
                skip,
                release,
            } => {
                if let Some(token) = release {
                    let _ = crate::booking::release(ctx.store, ctx.tenant, &token).await;
                }
                let calendar = calendar_id.or(ctx.calendar_id);
                let found = match calendar {
                    Some(id) => slots::find_and_hold(ctx, id, wanted.as_ref(), &skip).await?,
                    None => {
                        reply
                            .actions
                            .push("no calendar to offer slots from: choose one".into());
                        None
                    }
                };
                Event::Offered(found)
            }
            effect => match &ctx.on_call {
                Some(call) => live::carry_out(ctx, call, effect, &mut reply).await?,
                None => describe(ctx, effect, &mut reply).await,
            },
        };
        turn = step(flow, &mut state, next);
    }
    reply.outcome = Some(Outcome::NoInput);
    Ok((state, reply))
}

/// The chat's side of an action: said what a call would do, and answered as if it went through.
async fn describe(ctx: &Context<'_>, effect: Effect, reply: &mut Reply) -> Event {
    match effect {
        Effect::Book { slot } => {
            reply
                .actions
                .push(format!("would book {} (held: {})", slot.spoken, slot.hold));
            let _ = crate::booking::release(ctx.store, ctx.tenant, &slot.hold).await;
            Event::Booked(true)
        }
        Effect::ScheduleCallback { when } => {
            let scheduled = when.as_ref().and_then(|w| slots::callback_time(ctx, w));
            reply.actions.push(match &scheduled {
                Some((_, spoken)) => format!("would schedule a call-back {spoken}"),
                None => "would schedule a call-back (no time named)".into(),
            });
            Event::CallbackScheduled(scheduled.map(|(at, spoken)| Scheduled { at, spoken }))
        }
        Effect::ChangeAppointment { action } => {
            reply.actions.push(format!(
                "would {} the appointment the reminder is about",
                live::action_name(action)
            ));
            Event::AppointmentChanged(true)
        }
        Effect::Transfer => {
            reply
                .actions
                .push("would hand the person to an agent".into());
            Event::Transferred(true)
        }
        Effect::OptOut => {
            reply
                .actions
                .push("would put the number on the do-not-call list".into());
            Event::OptedOut
        }
        // Listening, hanging up and finding slots are the same for a call and the chat.
        Effect::Listen { .. } | Effect::Hangup { .. } | Effect::FindSlot { .. } => Event::Silence,
    }
}
