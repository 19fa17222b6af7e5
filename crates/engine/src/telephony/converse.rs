//! What a conversation's turn sounds like on the phone: its words inside a `<Gather>` that
//! listens for speech and keys (silence too comes back, as `no_input` after the re-prompt), or
//! its last words and a hang-up, or a hand-over when it ended in a transfer.

use outdial_domain::campaign::Script;
use outdial_storage::campaigns::Campaign;
use outdial_twilio::twiml::{Gather, Response, Say, Verb};

use crate::conversation::Reply;

/// Seconds of silence before a question counts as unanswered.
pub const LISTEN_SECONDS: u32 = 5;

fn say(script: &Script, text: &str) -> Verb {
    Verb::Say(Say::new(text, &script.voice, &script.language))
}

/// A turn that listens: its words as the gather's prompts, answers posted to `action`.
pub fn listen(campaign: &Campaign, reply: &Reply, action: String) -> Response {
    let script = &campaign.settings.script;
    Response::new().push(Verb::Gather(Gather {
        action,
        num_digits: Some(1),
        timeout_seconds: LISTEN_SECONDS,
        speech: true,
        hints: reply.hints.clone(),
        language: Some(script.language.clone()),
        prompts: reply.say.iter().map(|s| say(script, s)).collect(),
        action_on_empty_result: true,
    }))
}

/// A turn that ends: its words, then `then` (a hand-over) or a hang-up.
pub fn finish(campaign: &Campaign, reply: &Reply, then: Option<Response>) -> Response {
    let script = &campaign.settings.script;
    let words = reply
        .say
        .iter()
        .fold(Response::new(), |r, s| r.push(say(script, s)));
    match then {
        Some(rest) => words.then(rest),
        None => words.hangup(),
    }
}
