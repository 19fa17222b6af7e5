//! Whether a campaign's answered calls hear the key menu or hold a conversation, and which:
//! a flow (the campaign's own definition or the shipped template for the kind of call), or a
//! language model or a Dialogflow CX agent leading the talk.
//! The definitions are checked by
//! the conversation crate, line by line; here only the choices and the limits.

use serde::{Deserialize, Serialize};

/// What a person who answers talks with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationMode {
    /// The message and the key menu.
    #[default]
    Menu,
    /// A conversation flow over speech and keys.
    Flow,
    /// A language model leads the conversation (the tenant's provider settings).
    Llm,
    /// A Dialogflow CX agent leads the conversation (the tenant's service account).
    Dialogflow,
}

impl ConversationMode {
    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationMode::Menu => "menu",
            ConversationMode::Flow => "flow",
            ConversationMode::Llm => "llm",
            ConversationMode::Dialogflow => "dialogflow",
        }
    }

    /// Whether the call holds a conversation rather than playing the menu.
    pub fn converses(self) -> bool {
        self != ConversationMode::Menu
    }
}

/// One kind of call's own choice; unset fields follow the campaign's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CallTypeConversation {
    /// The mode for this kind of call; `null`: the campaign's.
    pub mode: Option<ConversationMode>,
    /// A flow definition (JSON) for this kind of call; empty: the campaign's, else the shipped
    /// template for the kind of call.
    pub definition: String,
}

/// The conversation of each kind of call a user places on a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CallTypeConversations {
    /// "Call now".
    pub cold_call: CallTypeConversation,
    /// "Call to book" (and "Let the assistant call to book", which always converses).
    pub appointment_booking: CallTypeConversation,
}

/// How a language model leads a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LlmAgent {
    /// What the model is told it is and must do. May use `{first_name}`, `{last_name}`,
    /// `{company}`, `{campaign_name}`, `{phone}`, `{today}` and the lead's custom fields as
    /// `{custom.NAME}`. Empty: a built-in prompt for booking an appointment.
    pub system_prompt: String,
    /// The model's first words when the person answers; empty: a greeting by the prompt's
    /// language.
    pub greeting: String,
    /// Most answers the person may give (1 to 50).
    pub max_turns: u32,
    /// Longest conversation, in seconds (30 to 1800).
    pub max_call_seconds: u32,
    /// Most tokens the model may use over the whole call (1,000 to 200,000).
    pub max_tokens: u32,
}

impl Default for LlmAgent {
    fn default() -> Self {
        LlmAgent {
            system_prompt: String::new(),
            greeting: String::new(),
            max_turns: 20,
            max_call_seconds: 600,
            max_tokens: 20_000,
        }
    }
}

/// A Dialogflow CX agent that leads the call: each utterance goes to it, and its intents name
/// what Outdial does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DialogflowAgent {
    /// The agent's name: `projects/P/locations/L/agents/A`.
    pub agent: String,
    /// The agent's language, e.g. `de`; empty: the campaign's.
    pub language_code: String,
    /// Most answers the person may give (1 to 50).
    pub max_turns: u32,
    /// Longest conversation, in seconds (30 to 1800).
    pub max_call_seconds: u32,
}

impl Default for DialogflowAgent {
    fn default() -> Self {
        DialogflowAgent {
            agent: String::new(),
            language_code: String::new(),
            max_turns: 20,
            max_call_seconds: 600,
        }
    }
}

/// What answered calls talk with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ConversationSettings {
    /// The mode of the campaign's own calls (and of kinds of call that choose none).
    pub mode: ConversationMode,
    /// The campaign's flow definition (JSON); empty: the shipped template for the campaign's
    /// type in the campaign's language.
    pub definition: String,
    /// Each kind of call's own choice.
    pub call_types: CallTypeConversations,
    /// The calendar slots are offered from and booked in.
    pub calendar_id: Option<i64>,
    /// The language model's prompt and limits (mode `llm`).
    pub llm: LlmAgent,
    /// The Dialogflow CX agent (mode `dialogflow`).
    pub dialogflow: DialogflowAgent,
}

/// The kind of call a lead's "Let the assistant call to book" places: it always converses.
pub const ASSISTANT_CALL: &str = "assistant";

impl ConversationSettings {
    /// The mode and the definition (empty: the template's) a call of `call_type` runs.
    pub fn for_call(&self, call_type: &str) -> (ConversationMode, &str) {
        let own = match call_type {
            "cold_call" => Some(&self.call_types.cold_call),
            "appointment_booking" | ASSISTANT_CALL => Some(&self.call_types.appointment_booking),
            _ => None,
        };
        let mode = own.and_then(|o| o.mode).unwrap_or(self.mode);
        let mode = if call_type == ASSISTANT_CALL && !mode.converses() {
            ConversationMode::Flow
        } else {
            mode
        };
        let definition = own
            .map(|o| o.definition.as_str())
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(&self.definition);
        (mode, definition)
    }

    /// Range checks of the limits and names; the flow definitions are checked by the
    /// conversation crate.
    pub fn problems(&self, bad: &mut impl FnMut(&str, String)) {
        let l = &self.llm;
        if !(1..=50).contains(&l.max_turns) {
            bad(
                "conversation.llm.max_turns",
                "must be between 1 and 50".into(),
            );
        }
        if !(30..=1800).contains(&l.max_call_seconds) {
            bad(
                "conversation.llm.max_call_seconds",
                "must be between 30 and 1800 seconds".into(),
            );
        }
        if !(1_000..=200_000).contains(&l.max_tokens) {
            bad(
                "conversation.llm.max_tokens",
                "must be between 1000 and 200000".into(),
            );
        }
        if l.system_prompt.chars().count() > 8_000 {
            bad(
                "conversation.llm.system_prompt",
                "must be at most 8000 characters".into(),
            );
        }
        let df = &self.dialogflow;
        let agent = &df.agent;
        if !agent.is_empty() && !is_agent_name(agent) {
            bad(
                "conversation.dialogflow.agent",
                format!(
                    "'{agent}' is not an agent's name: use projects/PROJECT/locations/LOCATION/agents/AGENT"
                ),
            );
        }
        if !(1..=50).contains(&df.max_turns) {
            bad(
                "conversation.dialogflow.max_turns",
                "must be between 1 and 50".into(),
            );
        }
        if !(30..=1800).contains(&df.max_call_seconds) {
            bad(
                "conversation.dialogflow.max_call_seconds",
                "must be between 30 and 1800 seconds".into(),
            );
        }
        let code = df.language_code.trim();
        let well_formed =
            code.len() <= 10 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !code.is_empty() && !well_formed {
            bad(
                "conversation.dialogflow.language_code",
                format!("'{code}' is not a language code such as de or en-US"),
            );
        }
        let uses = |m: ConversationMode| {
            self.mode == m
                || self.call_types.cold_call.mode == Some(m)
                || self.call_types.appointment_booking.mode == Some(m)
        };
        if uses(ConversationMode::Dialogflow) && agent.trim().is_empty() {
            bad(
                "conversation.dialogflow.agent",
                "name the Dialogflow CX agent the calls talk with (projects/PROJECT/locations/LOCATION/agents/AGENT)".into(),
            );
        }
    }
}

fn is_agent_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    let ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 100
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    };
    parts.len() == 6
        && parts[0] == "projects"
        && parts[2] == "locations"
        && parts[4] == "agents"
        && ok(parts[1])
        && ok(parts[3])
        && ok(parts[5])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_of_call_follows_the_campaign_unless_it_chooses() {
        let mut s = ConversationSettings {
            mode: ConversationMode::Flow,
            definition: "{campaign}".into(),
            ..Default::default()
        };
        assert_eq!(
            s.for_call("campaign"),
            (ConversationMode::Flow, "{campaign}")
        );
        s.call_types.cold_call.mode = Some(ConversationMode::Menu);
        assert_eq!(s.for_call("cold_call").0, ConversationMode::Menu);
        s.call_types.appointment_booking.definition = "{booking}".into();
        assert_eq!(
            s.for_call("appointment_booking"),
            (ConversationMode::Flow, "{booking}")
        );
        s.mode = ConversationMode::Menu;
        // The assistant always converses, even where the campaign plays the menu.
        assert_eq!(s.for_call(ASSISTANT_CALL).0, ConversationMode::Flow);
    }

    #[test]
    fn limits_and_agent_names_are_checked() {
        let mut s = ConversationSettings::default();
        s.llm.max_turns = 0;
        s.mode = ConversationMode::Dialogflow;
        let mut out = Vec::new();
        s.problems(&mut |f: &str, m: String| out.push(format!("{f}: {m}")));
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[1].contains("name the Dialogflow CX agent"), "{out:?}");
        s.mode = ConversationMode::Flow;
        s.llm.max_turns = 10;
        s.dialogflow.agent = "projects/p/locations/global/agents/a-1".into();
        out.clear();
        s.problems(&mut |f: &str, m: String| out.push(format!("{f}: {m}")));
        assert!(out.is_empty(), "{out:?}");
        s.dialogflow.agent = "agents/a".into();
        s.problems(&mut |f: &str, m: String| out.push(format!("{f}: {m}")));
        assert!(out[0].contains("not an agent's name"), "{out:?}");
        out.clear();
        s.dialogflow.agent = "projects/p/locations/europe-west3/agents/a-1".into();
        s.dialogflow.max_turns = 0;
        s.dialogflow.language_code = "de DE".into();
        s.mode = ConversationMode::Dialogflow;
        s.problems(&mut |f: &str, m: String| out.push(format!("{f}: {m}")));
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out[0].starts_with("conversation.dialogflow.max_turns"),
            "{out:?}"
        );
        assert!(out[1].contains("not a language code"), "{out:?}");
    }
}
