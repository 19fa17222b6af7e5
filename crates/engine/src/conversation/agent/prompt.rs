//! What the model is told, and the few words Outdial says itself: the greeting (so the person
//! hears somebody at once, before any model answers), "are you still there?", and the polite
//! endings when the model cannot go on.

use outdial_storage::campaigns::Campaign;
use outdial_storage::leads::Lead;

/// The fixed phrases, in the campaign's language.
pub(super) struct Phrases {
    pub greeting: &'static str,
    pub still_there: &'static str,
    pub goodbye: &'static str,
    pub trouble: &'static str,
    pub limit: &'static str,
    /// Outdial's own words for what a Dialogflow agent's action came to.
    pub acted: &'static Acted,
}

/// What Outdial says after acting on a Dialogflow agent's intent (the agent cannot know the
/// slot found or the time understood). `{slot}` and `{when}` are filled in.
pub(super) struct Acted {
    pub offered: &'static str,
    pub none_free: &'static str,
    pub ask_when: &'static str,
    pub booked: &'static str,
    pub taken: &'static str,
    pub callback: &'static str,
    pub ask_callback: &'static str,
    pub nobody: &'static str,
    pub pardon: &'static str,
}

const GERMAN_ACTED: Acted = Acted {
    offered: "{slot} wäre frei. Passt Ihnen das?",
    none_free: "Leider ist dann nichts frei. Wann würde es Ihnen sonst passen?",
    ask_when: "Wann hätten Sie denn Zeit?",
    booked: "Ich habe {slot} für Sie eingetragen.",
    taken: "Dieser Termin ist leider gerade vergeben worden. Wann würde es Ihnen sonst passen?",
    callback: "Gut, wir rufen Sie {when} an.",
    ask_callback: "Wann dürfen wir Sie zurückrufen?",
    nobody: "Leider ist gerade niemand frei. Wir rufen Sie gern zurück.",
    pardon: "Entschuldigung, wie bitte?",
};

const ENGLISH_ACTED: Acted = Acted {
    offered: "{slot} is free. Does that suit you?",
    none_free: "Sorry, nothing is free then. When else would suit you?",
    ask_when: "When would suit you?",
    booked: "I have booked {slot} for you.",
    taken: "Sorry, that slot was just taken. When else would suit you?",
    callback: "Fine, we will call you {when}.",
    ask_callback: "When may we call you back?",
    nobody: "Sorry, nobody is free right now. We will gladly call you back.",
    pardon: "Sorry, could you say that again?",
};

const GERMAN: Phrases = Phrases {
    greeting: "Guten Tag {first_name}, hier ist {campaign_name}. Haben Sie einen Moment Zeit?",
    still_there: "Sind Sie noch da?",
    goodbye: "Vielen Dank für Ihre Zeit. Auf Wiederhören!",
    trouble: "Entschuldigung, wir haben gerade technische Schwierigkeiten. Wir rufen Sie später noch einmal an. Auf Wiederhören!",
    limit: "Vielen Dank für das Gespräch. Wir melden uns wieder bei Ihnen. Auf Wiederhören!",
    acted: &GERMAN_ACTED,
};

const ENGLISH: Phrases = Phrases {
    greeting: "Hello {first_name}, this is {campaign_name}. Do you have a moment?",
    still_there: "Are you still there?",
    goodbye: "Thank you for your time. Goodbye!",
    trouble: "Sorry, we are having technical difficulties. We will call you back later. Goodbye!",
    limit: "Thank you for the conversation. We will be in touch. Goodbye!",
    acted: &ENGLISH_ACTED,
};

/// The phrases of `language` (`de…` German, else English).
pub(super) fn phrases(language: &str) -> &'static Phrases {
    if language.to_ascii_lowercase().starts_with("de") {
        &GERMAN
    } else {
        &ENGLISH
    }
}

const DEFAULT_PROMPT: &str = "You are a friendly, brief phone assistant calling on behalf of \
{campaign_name}. You are speaking with {first_name} {last_name}. Your goal is to book a free \
consultation appointment. Ask when the person has time; call check_availability with their \
own words for the day and time, offer the slot it returns, and call book_appointment with its \
slot_id only once they agree. If they want to be called another time, call schedule_callback \
with their words. If they want a person, call transfer_to_agent. If they ask not to be called \
again, call opt_out. When the conversation is over, say goodbye and call end_call with the \
outcome. Keep every answer to one or two short spoken sentences, no lists or markup. Today is \
{today}.";

/// The system prompt with the lead's fields filled in: the campaign's, else the built-in one,
/// followed by the language to speak.
pub(super) fn system(campaign: &Campaign, lead: Option<&Lead>, phone: &str, today: &str) -> String {
    let own = &campaign.settings.conversation.llm.system_prompt;
    let template = if own.trim().is_empty() {
        DEFAULT_PROMPT
    } else {
        own.as_str()
    };
    let mut text = fill(template, campaign, lead, phone, today);
    let language = &campaign.settings.script.language;
    text.push_str(&format!(
        "\n\nSpeak only in the language {language}. Your words are read aloud by a voice: write them as they are said."
    ));
    text
}

/// Fills `{first_name}`, `{last_name}`, `{company}`, `{campaign_name}`, `{phone}`, `{today}`
/// and `{custom.NAME}`.
pub(super) fn fill(
    template: &str,
    campaign: &Campaign,
    lead: Option<&Lead>,
    phone: &str,
    today: &str,
) -> String {
    let field = |f: fn(&Lead) -> &str| lead.map(f).unwrap_or("").to_string();
    let mut text = template
        .replace("{first_name}", &field(|l| &l.first_name))
        .replace("{last_name}", &field(|l| &l.last_name))
        .replace("{company}", &field(|l| &l.company))
        .replace("{campaign_name}", &campaign.name)
        .replace("{phone}", phone)
        .replace("{today}", today);
    if let Some(l) = lead {
        for (name, value) in &l.custom_fields {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text = text.replace(&format!("{{custom.{name}}}"), &value);
        }
    }
    text
}
