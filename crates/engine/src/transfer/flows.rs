//! What the two sides of a warm transfer hear: the caller on hold in the conference, the
//! agent's whisper, and the messages when nobody takes the call.

use crate::telephony::flows::render;
use outdial_domain::campaign::Script;
use outdial_domain::transfer::{Fallback, safe_harbour_text};
use outdial_storage::campaigns::Campaign;
use outdial_storage::leads::Lead;
use outdial_twilio::twiml::{Dial, DialTarget, Gather, Response, Say, Verb};

/// The conference a transfer's caller and agent meet in.
pub fn conference_name(transfer: i64) -> String {
    format!("transfer-{transfer}")
}

fn say(script: &Script, text: impl Into<String>) -> Verb {
    Verb::Say(Say::new(text, &script.voice, &script.language))
}

fn german(script: &Script) -> bool {
    script.language.to_ascii_lowercase().starts_with("de")
}

/// A `<Dial><Conference>` into the transfer's room. The caller waits with hold music (the
/// carrier's default) and ends the room on leaving; the agent starts it on entering.
fn join(transfer: i64, agent: bool, status_callback: String) -> Verb {
    Verb::Dial(Dial {
        caller_id: None,
        timeout_seconds: None,
        action: None,
        answer_on_bridge: false,
        time_limit_seconds: Some(4 * 3600),
        target: DialTarget::Conference {
            name: conference_name(transfer),
            start_on_enter: agent,
            end_on_exit: true,
            wait_url: None,
            status_callback: Some(status_callback),
        },
    })
}

/// The caller, put on hold. After press 1 they hear that they are being connected; a caller
/// the dialer connects hears nothing first (the 2-second rule counts from their greeting).
pub fn caller_hold(
    campaign: &Campaign,
    transfer: i64,
    announce: bool,
    status_callback: String,
) -> Response {
    let script = &campaign.settings.script;
    let mut doc = Response::new();
    if announce {
        let text = if german(script) {
            "Bitte bleiben Sie dran, wir verbinden Sie."
        } else {
            "Please hold while we connect you."
        };
        doc = doc.push(say(script, text));
    }
    doc.push(join(transfer, false, status_callback))
}

/// The agent, once they answered: who is waiting, and a key to accept. Silence passes the call
/// on (`pass_url`).
pub fn whisper(
    campaign: &Campaign,
    lead: Option<&Lead>,
    accept_url: String,
    pass_url: String,
) -> Response {
    let script = &campaign.settings.script;
    let who = lead
        .map(|l| {
            format!("{} {}", l.first_name, l.last_name)
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            if german(script) {
                "einem Kontakt".into()
            } else {
                "a caller".into()
            }
        });
    let text = if german(script) {
        format!(
            "Verbindung mit {who}, Kampagne {}. Drücken Sie eine beliebige Taste, um anzunehmen.",
            campaign.name
        )
    } else {
        format!(
            "Connecting you with {who}, campaign {}. Press any key to accept.",
            campaign.name
        )
    };
    Response::new()
        .push(Verb::Gather(Gather {
            action: accept_url,
            num_digits: Some(1),
            timeout_seconds: campaign.settings.transfer.accept_seconds,
            speech: false,
            hints: Vec::new(),
            language: Some(script.language.clone()),
            prompts: vec![say(script, text)],
            action_on_empty_result: false,
        }))
        .push(Verb::Redirect { url: pass_url })
}

/// The agent accepted: into the room, which starts the conversation.
pub fn agent_join(transfer: i64, status_callback: String) -> Response {
    Response::new().push(join(transfer, true, status_callback))
}

/// The agent is told the caller is gone (hung up, or could not wait) and the leg ends.
pub fn agent_told(campaign: &Campaign, why: AgentNotice) -> Response {
    let script = &campaign.settings.script;
    let text = match (why, german(script)) {
        (AgentNotice::CallerHungUp, false) => "The caller hung up before you were connected.",
        (AgentNotice::CallerHungUp, true) => {
            "Der Anrufer hat aufgelegt, bevor Sie verbunden wurden."
        }
        (AgentNotice::TooLate, false) => {
            "The caller could not wait any longer. No action is needed."
        }
        (AgentNotice::TooLate, true) => "Der Anrufer konnte nicht länger warten.",
        (AgentNotice::Passed, false) => "The call goes to someone else.",
        (AgentNotice::Passed, true) => "Der Anruf geht an jemand anderen.",
    };
    Response::new().push(say(script, text)).hangup()
}

/// Why an agent's leg ends before they were connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentNotice {
    /// The caller hung up.
    CallerHungUp,
    /// Time ran out (safe harbour or the wait limit).
    TooLate,
    /// The agent let the whisper pass.
    Passed,
}

/// No agent within 2 s: the safe-harbour message (seller, number to call back, opt-out), with
/// 2 listened for; `opt_out_url` receives the key.
pub fn safe_harbour(campaign: &Campaign, opt_out_url: String) -> Response {
    let script = &campaign.settings.script;
    let text = safe_harbour_text(&campaign.settings, &campaign.name);
    Response::new()
        .push(Verb::Gather(Gather {
            action: opt_out_url,
            num_digits: Some(1),
            timeout_seconds: 3,
            speech: false,
            hints: Vec::new(),
            language: Some(script.language.clone()),
            prompts: vec![say(script, text)],
            action_on_empty_result: false,
        }))
        .hangup()
}

/// Nobody took the call within the wait limit: the campaign's fallback.
pub fn fallback(campaign: &Campaign, lead: Option<&Lead>, recording_callback: String) -> Response {
    let script = &campaign.settings.script;
    let de = german(script);
    match campaign.settings.transfer.fallback {
        Fallback::Callback => Response::new()
            .push(say(
                script,
                if de {
                    "Leider ist gerade niemand frei. Wir rufen Sie bald zurück. Auf Wiederhören."
                } else {
                    "Sorry, nobody is free to take your call right now. We will call you back soon. Goodbye."
                },
            ))
            .hangup(),
        Fallback::Message => Response::new()
            .push(say(
                script,
                if de {
                    "Leider ist gerade niemand frei. Vielen Dank für Ihre Zeit. Auf Wiederhören."
                } else {
                    "Sorry, nobody is free to take your call right now. Thank you for your time. Goodbye."
                },
            ))
            .hangup(),
        Fallback::Voicemail => {
            let text = if de {
                "Leider ist gerade niemand frei. Bitte hinterlassen Sie nach dem Ton eine Nachricht{name}."
            } else {
                "Sorry, nobody is free right now. Please leave a message after the tone{name}."
            };
            let name = lead
                .map(|l| l.first_name.trim())
                .filter(|n| !n.is_empty())
                .map(|n| format!(", {n}"))
                .unwrap_or_default();
            Response::new()
                .push(say(script, render(&text.replace("{name}", &name), campaign, lead)))
                .push(Verb::Record {
                    max_seconds: 120,
                    recording_callback: Some(recording_callback),
                })
                .hangup()
        }
    }
}
