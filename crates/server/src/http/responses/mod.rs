//! What the API answers with, apart from how storage keeps it: each response type names its
//! fields as the API does and is made from the stored record in one `From`.

mod agent;
mod call;
mod campaign;
mod lead;

pub use agent::AgentResponse;
pub use call::{CallResponse, named};
pub use campaign::CampaignResponse;
pub use lead::LeadResponse;
