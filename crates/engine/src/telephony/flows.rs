//! What callers hear: the call type's message (spoken or a recording) with the campaign's key
//! menu, the voicemail message after the beep, and the answers to a keypress. In the
//! campaign's language and voice.

use super::media::Recordings;
use outdial_domain::campaign::{Script, Words};
use outdial_storage::campaigns::Campaign;
use outdial_storage::leads::Lead;
use outdial_twilio::twiml::{Dial, DialTarget, Gather, Response, Say, Verb};

/// Fixed phrases in one language.
struct Phrases {
    confirmed: &'static str,
    cancelled: &'static str,
    move_asked: &'static str,
    connecting: &'static str,
    nobody: &'static str,
    opted_out: &'static str,
    goodbye: &'static str,
}

const ENGLISH: Phrases = Phrases {
    confirmed: "Thank you, your appointment is confirmed. We look forward to seeing you. Goodbye.",
    cancelled: "Your appointment is cancelled. Thank you for letting us know. Goodbye.",
    move_asked: "We will call you back to find a new time. Goodbye.",
    connecting: "Please hold while we connect you.",
    nobody: "Sorry, nobody is available to take your call right now. We will call you back. Goodbye.",
    opted_out: "You have been added to our do-not-call list and will not be called again. Goodbye.",
    goodbye: "Thank you. Goodbye.",
};

const GERMAN: Phrases = Phrases {
    confirmed: "Vielen Dank, Ihr Termin ist bestätigt. Wir freuen uns auf Sie. Auf Wiederhören.",
    cancelled: "Ihr Termin ist abgesagt. Danke, dass Sie Bescheid gegeben haben. Auf Wiederhören.",
    move_asked: "Wir rufen Sie zurück, um einen neuen Termin zu finden. Auf Wiederhören.",
    connecting: "Bitte bleiben Sie dran, wir verbinden Sie.",
    nobody: "Leider ist gerade niemand erreichbar. Wir rufen Sie zurück. Auf Wiederhören.",
    opted_out: "Wir haben Ihre Nummer gesperrt und rufen Sie nicht mehr an. Auf Wiederhören.",
    goodbye: "Vielen Dank. Auf Wiederhören.",
};

fn phrases(language: &str) -> &'static Phrases {
    if language.to_ascii_lowercase().starts_with("de") {
        &GERMAN
    } else {
        &ENGLISH
    }
}

/// Fills `{first_name}`, `{last_name}`, `{company}` and `{campaign_name}`, and on reminder
/// calls `{appointment_day}`, `{appointment_time}` and `{calendar_name}` (kept with the lead
/// when the appointment made it).
pub fn render(template: &str, campaign: &Campaign, lead: Option<&Lead>) -> String {
    let field = |f: fn(&Lead) -> &str| lead.map(f).unwrap_or("").to_string();
    let custom = |name: &str| {
        lead.and_then(|l| l.custom_fields.get(name))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    template
        .replace("{first_name}", &field(|l| &l.first_name))
        .replace("{last_name}", &field(|l| &l.last_name))
        .replace("{company}", &field(|l| &l.company))
        .replace("{campaign_name}", &campaign.name)
        .replace("{appointment_day}", &custom("appointment_day"))
        .replace("{appointment_time}", &custom("appointment_time"))
        .replace("{calendar_name}", &custom("calendar_name"))
}

/// What a reminder call's key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminded {
    /// The appointment is confirmed.
    Confirmed,
    /// The appointment is cancelled.
    Cancelled,
    /// The person asked to move it; somebody will call back.
    MoveAsked,
}

/// Says what a reminder call's key did, and hangs up.
pub fn reminded(campaign: &Campaign, what: Reminded) -> Response {
    let script = &campaign.settings.script;
    let p = phrases(&script.language);
    let text = match what {
        Reminded::Confirmed => p.confirmed,
        Reminded::Cancelled => p.cancelled,
        Reminded::MoveAsked => p.move_asked,
    };
    Response::new().push(say(script, text)).hangup()
}

fn say(script: &Script, text: impl Into<String>) -> Verb {
    Verb::Say(Say::new(text, &script.voice, &script.language))
}

/// The message's text filled in for the lead, or a plain introduction when there is none.
fn message_text(campaign: &Campaign, lead: Option<&Lead>, text: &str) -> String {
    if text.trim().is_empty() {
        format!("Hello, this is a call from {}.", campaign.name)
    } else {
        render(text, campaign, lead)
    }
}

/// The recording when there is one, the text spoken otherwise.
fn utter(script: &Script, recording: Option<&String>, text: String) -> Verb {
    match recording {
        Some(url) => Verb::Play { url: url.clone() },
        None => say(script, text),
    }
}

/// For a person who answered: the message, then the campaign's key menu waiting for one key
/// (silence too reaches `gather_url`, as `no_input`). Without a menu, the message and goodbye.
/// Keys that connect are not offered when nobody could be connected (`can_connect`).
pub fn greeting(
    campaign: &Campaign,
    lead: Option<&Lead>,
    words: &Words<'_>,
    recordings: &Recordings,
    gather_url: String,
    can_connect: bool,
) -> Response {
    let script = &campaign.settings.script;
    let menu = &campaign.settings.menu;
    let message = utter(
        script,
        recordings.message.as_ref(),
        message_text(campaign, lead, words.message),
    );
    if !menu.enabled {
        return Response::new().push(message).hangup();
    }
    let mut prompts = vec![message];
    let prompt = render(
        &menu.prompt_text(&script.language, can_connect),
        campaign,
        lead,
    );
    if !prompt.trim().is_empty() {
        prompts.push(say(script, prompt));
    }
    Response::new().push(Verb::Gather(Gather {
        action: gather_url,
        num_digits: Some(1),
        timeout_seconds: menu.timeout_seconds,
        speech: false,
        hints: Vec::new(),
        language: Some(script.language.clone()),
        prompts,
        // Silence is an answer too: the gather URL records it as `no_input`.
        action_on_empty_result: true,
    }))
}

/// For an answering machine after its beep: the voicemail message (or recording).
pub fn voicemail(
    campaign: &Campaign,
    lead: Option<&Lead>,
    words: &Words<'_>,
    recordings: &Recordings,
) -> Response {
    let script = &campaign.settings.script;
    Response::new()
        .push(Verb::Pause { seconds: 1 })
        .push(utter(
            script,
            recordings.voicemail.as_ref(),
            message_text(campaign, lead, words.voicemail),
        ))
        .hangup()
}

/// Press 1: connect to the campaign's transfer number, or apologise when there is none.
pub fn transfer(campaign: &Campaign, caller_id: &str) -> Response {
    let script = &campaign.settings.script;
    let p = phrases(&script.language);
    match &script.transfer_number {
        Some(number) => Response::new()
            .push(say(script, p.connecting))
            .push(Verb::Dial(Dial {
                caller_id: Some(caller_id.to_string()),
                timeout_seconds: Some(30),
                action: None,
                answer_on_bridge: true,
                time_limit_seconds: Some(4 * 3600),
                target: DialTarget::Number(number.to_string()),
            })),
        None => Response::new().push(say(script, p.nobody)).hangup(),
    }
}

/// Press 2: confirm the opt-out and hang up.
pub fn opted_out(campaign: &Campaign) -> Response {
    let script = &campaign.settings.script;
    Response::new()
        .push(say(script, phrases(&script.language).opted_out))
        .hangup()
}

/// Anything else: goodbye.
pub fn goodbye(campaign: &Campaign) -> Response {
    let script = &campaign.settings.script;
    Response::new()
        .push(say(script, phrases(&script.language).goodbye))
        .hangup()
}

/// The extension's digits on the answered line (after a second for the switchboard to listen),
/// then two seconds for the extension to pick up.
pub fn extension(digits: &str) -> Response {
    Response::new()
        .push(Verb::PlayDigits {
            digits: format!("ww{digits}"),
        })
        .push(Verb::Pause { seconds: 2 })
}

/// A bare hang-up, for calls Outdial no longer knows how to handle.
pub fn hang_up() -> Response {
    Response::new().hangup()
}
