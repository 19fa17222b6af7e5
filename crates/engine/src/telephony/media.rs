//! Recordings played in calls: each stored recording a call's words name gets an unguessable
//! link that expires, which the carrier fetches (`GET /media/audio/{token}`). A recording that
//! is gone, or an address not yet fetched, leaves the text to be spoken instead.

use super::Telephony;
use crate::error::EngineError;
use outdial_domain::TenantId;
use outdial_domain::campaign::{Audio, Words};
use outdial_storage::{Conn, audio};
use rand::Rng;

/// How long a link to a recording stays valid: long enough for a voicemail after a long ring.
pub const LINK_TTL_MS: i64 = 2 * 3_600_000;

/// The links a call plays, where its words name a recording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recordings {
    /// Played instead of the message's text.
    pub message: Option<String>,
    /// Played instead of the voicemail's text.
    pub voicemail: Option<String>,
}

/// Links for the recordings `words` name.
pub async fn links(
    conn: &mut Conn,
    telephony: &Telephony,
    tenant: TenantId,
    words: &Words<'_>,
    now: i64,
) -> Result<Recordings, EngineError> {
    Ok(Recordings {
        message: link(conn, telephony, tenant, words.message_audio, now).await?,
        voicemail: link(conn, telephony, tenant, words.voicemail_audio, now).await?,
    })
}

async fn link(
    conn: &mut Conn,
    telephony: &Telephony,
    tenant: TenantId,
    audio: Option<&Audio>,
    now: i64,
) -> Result<Option<String>, EngineError> {
    let id = match audio {
        None => return Ok(None),
        Some(Audio::Upload(id)) => match audio::get_by_id(conn, tenant, *id).await {
            Ok(file) => file.id,
            Err(outdial_storage::StorageError::NotFound) => {
                tracing::warn!(tenant_id = %tenant, audio_id = id, "a script names a recording that is gone; its text is spoken");
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        },
        Some(Audio::Url(url)) => match audio::by_source(conn, tenant, url).await? {
            Some(file) => file.id,
            None => {
                tracing::warn!(tenant_id = %tenant, "a script's recording address has not been fetched; its text is spoken");
                return Ok(None);
            }
        },
    };
    let token: String = {
        let bytes: [u8; 24] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    audio::link(conn, tenant, id, &token, now + LINK_TTL_MS, now).await?;
    Ok(Some(format!(
        "{}/media/audio/{token}",
        telephony.public_base_url().trim_end_matches('/')
    )))
}
