//! What callers hear: the campaign's message with the press-1 / press-2 menu, the voicemail
//! message after the beep, and the answers to a keypress. In the campaign's language and voice.

use outdial_domain::campaign::Script;
use outdial_storage::campaigns::Campaign;
use outdial_storage::leads::Lead;
use outdial_twilio::twiml::{Dial, DialTarget, Gather, Response, Say, Verb};

/// Fixed phrases in one language.
struct Phrases {
    menu: &'static str,
    connecting: &'static str,
    nobody: &'static str,
    opted_out: &'static str,
    goodbye: &'static str,
}

const ENGLISH: Phrases = Phrases {
    menu: "Press 1 to speak with someone. Press 2 to be added to our do-not-call list.",
    connecting: "Please hold while we connect you.",
    nobody: "Sorry, nobody is available to take your call right now. We will call you back. Goodbye.",
    opted_out: "You have been added to our do-not-call list and will not be called again. Goodbye.",
    goodbye: "Thank you. Goodbye.",
};

const GERMAN: Phrases = Phrases {
    menu: "Drücken Sie die 1, um mit einer Person zu sprechen. Drücken Sie die 2, wenn wir Sie nicht mehr anrufen sollen.",
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

/// Fills `{first_name}`, `{last_name}`, `{company}` and `{campaign_name}`.
pub fn render(template: &str, campaign: &Campaign, lead: Option<&Lead>) -> String {
    let field = |f: fn(&Lead) -> &str| lead.map(f).unwrap_or("").to_string();
    template
        .replace("{first_name}", &field(|l| &l.first_name))
        .replace("{last_name}", &field(|l| &l.last_name))
        .replace("{company}", &field(|l| &l.company))
        .replace("{campaign_name}", &campaign.name)
}

fn say(script: &Script, text: impl Into<String>) -> Verb {
    Verb::Say(Say::new(text, &script.voice, &script.language))
}

/// For a person who answered: the message and the menu, waiting for one key.
pub fn greeting(campaign: &Campaign, lead: Option<&Lead>, gather_url: String) -> Response {
    let script = &campaign.settings.script;
    let p = phrases(&script.language);
    let message = if script.message.trim().is_empty() {
        format!("Hello, this is a call from {}.", campaign.name)
    } else {
        render(&script.message, campaign, lead)
    };
    Response::new()
        .push(Verb::Gather(Gather {
            action: gather_url,
            num_digits: Some(1),
            timeout_seconds: 6,
            speech: false,
            language: Some(script.language.clone()),
            prompts: vec![say(script, message), say(script, p.menu)],
            // Silence is an answer too: the gather URL records it as `no_input`.
            action_on_empty_result: true,
        }))
}

/// For an answering machine after its beep: the voicemail message.
pub fn voicemail(campaign: &Campaign, lead: Option<&Lead>) -> Response {
    let script = &campaign.settings.script;
    let text = if script.voicemail_message.trim().is_empty() {
        &script.message
    } else {
        &script.voicemail_message
    };
    Response::new()
        .push(Verb::Pause { seconds: 1 })
        .push(say(script, render(text, campaign, lead)))
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

/// A bare hang-up, for calls Outdial no longer knows how to handle.
pub fn hang_up() -> Response {
    Response::new().hangup()
}
