//! Conversations: what an automated call says, asks and does, as a flow of named steps, and the
//! machine that runs one turn at a time. The machine is pure. It takes what happened (the call
//! began, the person said something or nothing, a slot was found, a booking went through) and
//! returns what to do next: words to say, whether to listen, and an action for the engine to
//! carry out (find a slot, book it, schedule a call-back, transfer, opt out, hang up). The
//! engine runs the actions and reports back. The same machine runs a call and the web app's
//! text chat.

mod flow;
mod machine;
mod outcome;
pub mod templates;

pub use flow::{AppointmentAction, Ask, Flow, FlowError, Step, StepAction, parse};
pub use machine::{Effect, Event, Heard, Offered, Scheduled, State, Turn, start, step};
pub use outcome::{Extracted, Outcome};
