//! The names of the domain's enums, as the API, the database and the carrier read them, come
//! from strum's derive; serde's come from its own `rename_all`. This proves the two agree for
//! every variant, and that every name reads back to its variant.

use serde::Serialize;
use strum::VariantArray;

fn agree<T>(as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
where
    T: VariantArray + Serialize + Copy + PartialEq + std::fmt::Debug,
{
    for v in T::VARIANTS {
        let name = as_str(*v);
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::json!(name),
            "{v:?}"
        );
        assert_eq!(parse(name), Some(*v), "{name}");
    }
}

#[test]
fn strum_and_serde_name_every_variant_alike() {
    use crate::call::{AnsweredBy, CallStatus, Disposition, Outcome};
    use crate::campaign::{CampaignStatus, CampaignType};
    use crate::lead::LeadStatus;
    use crate::transfer::{AgentDisposition, DeadlineKind, LegStatus, TransferEnd, TransferStatus};
    agree(CampaignType::as_str, CampaignType::parse);
    agree(CampaignStatus::as_str, CampaignStatus::parse);
    agree(crate::Role::as_str, crate::Role::parse);
    agree(LeadStatus::as_str, LeadStatus::parse);
    agree(
        crate::agent::AgentStatus::as_str,
        crate::agent::AgentStatus::parse,
    );
    agree(AnsweredBy::as_str, AnsweredBy::parse);
    agree(Outcome::as_str, Outcome::parse);
    agree(Disposition::as_str, Disposition::parse);
    agree(CallStatus::as_str, CallStatus::parse);
    agree(TransferStatus::as_str, TransferStatus::parse);
    agree(TransferEnd::as_str, TransferEnd::parse);
    agree(LegStatus::as_str, LegStatus::parse);
    agree(DeadlineKind::as_str, DeadlineKind::parse);
    agree(AgentDisposition::as_str, AgentDisposition::parse);
    agree(crate::lead::Priority::as_str, |s| {
        crate::lead::Priority::parse(s).ok()
    });
    assert_eq!(
        CallStatus::parse("answered"),
        Some(CallStatus::InProgress),
        "Twilio's event name"
    );
    for kind in crate::import::RejectKind::VARIANTS {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::json!(kind.as_str())
        );
    }
}
