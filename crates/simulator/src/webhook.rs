//! Posting to Outdial's webhooks as Twilio does: form fields signed with the account's Auth
//! Token (`X-Twilio-Signature`), an idempotency token, and Twilio's error 11200 logged when the
//! webhook fails.

use crate::Shared;
use outdial_twilio::signature::{Algorithm, sign};

/// Posts signed form fields to a webhook; the answer's body when it succeeded.
pub(crate) async fn post(
    shared: &Shared,
    url: &str,
    fields: &[(String, String)],
) -> Option<String> {
    let signature = sign(
        shared.account.auth_token.as_bytes(),
        Algorithm::Sha1,
        url,
        fields,
    );
    let result = shared
        .http
        .post(url)
        .header("X-Twilio-Signature", signature)
        .header(
            "I-Twilio-Idempotency-Token",
            format!("{:x}", rand::random::<u64>()),
        )
        .form(fields)
        .send()
        .await;
    match result {
        Ok(r) if r.status().is_success() => r.text().await.ok(),
        Ok(r) => {
            tracing::warn!(%url, status = r.status().as_u16(), "simulator: webhook answered with an error (Twilio error 11200)");
            None
        }
        Err(e) => {
            tracing::warn!(%url, error = %e, "simulator: webhook unreachable (Twilio error 11200)");
            None
        }
    }
}
