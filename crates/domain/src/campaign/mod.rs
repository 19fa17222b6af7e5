//! Campaigns: what kind of calling they do, their settings, and the statuses they move through.

mod kind;
mod settings;
mod status;
mod valid;
mod window;

pub use kind::CampaignType;
pub use settings::{
    ASSISTANT_CALL, AmdMode, Audio, CallTypeConversation, CallTypeConversations, CallTypeScript,
    CallTypeScripts, CampaignSettings, ConversationMode, ConversationSettings, DialogflowAgent,
    KeyAction, LlmAgent, MachineDetection, Menu, MenuKey, Pacing, Reminders, RetryPolicy,
    RetryRule, Script, SettingsProblem, VoicemailAction, VoicemailSettings, Words,
};
pub use status::{CampaignStatus, StatusChangeError};
pub use valid::{InvalidSettings, ValidSettings};
pub use window::{CallingWindow, ClockTime, Weekday};
