//! A Google service account's key file (the JSON Google Cloud's console downloads), read and
//! checked: its type, the fields a token needs, and a private key that can sign.

use crate::GoogleError;
use serde::Deserialize;

/// A service account. `Debug` hides the private key.
#[derive(Clone, PartialEq)]
pub struct ServiceAccount {
    /// The account's e-mail: the token's issuer.
    pub client_email: String,
    /// Where its tokens are had, `https://oauth2.googleapis.com/token`.
    pub token_uri: String,
    /// The project it belongs to.
    pub project_id: String,
    /// Which of the account's keys this is.
    pub private_key_id: String,
    /// The PEM private key.
    private_key: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .field("project_id", &self.project_id)
            .field("private_key_id", &self.private_key_id)
            .field("private_key", &"[hidden]")
            .finish()
    }
}

#[derive(Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_email: Option<String>,
    private_key: Option<String>,
    private_key_id: Option<String>,
    project_id: Option<String>,
    token_uri: Option<String>,
}

/// Google's token endpoint, for key files that name none.
pub const TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

impl ServiceAccount {
    /// Reads a key file's JSON text.
    pub fn parse(json: &str) -> Result<ServiceAccount, GoogleError> {
        let file: KeyFile = serde_json::from_str(json).map_err(|e| {
            GoogleError::BadKey(format!(
                "paste the whole JSON key file of a service account ({e})"
            ))
        })?;
        if file.kind.as_deref() != Some("service_account") {
            return Err(GoogleError::BadKey(
                "its \"type\" is not \"service_account\": create a key for a service account (IAM → Service accounts → Keys → Add key → JSON)".into(),
            ));
        }
        let need = |v: Option<String>, name: &str| {
            v.map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| GoogleError::BadKey(format!("the key file has no \"{name}\"")))
        };
        let account = ServiceAccount {
            client_email: need(file.client_email, "client_email")?,
            private_key: need(file.private_key, "private_key")?,
            private_key_id: file.private_key_id.unwrap_or_default(),
            project_id: file.project_id.unwrap_or_default(),
            token_uri: file
                .token_uri
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| TOKEN_URI.into()),
        };
        account.signing_key()?;
        Ok(account)
    }

    /// Rebuilds an account stored as its shown fields and its private key.
    pub fn from_parts(
        client_email: String,
        token_uri: String,
        project_id: String,
        private_key_id: String,
        private_key: String,
    ) -> ServiceAccount {
        ServiceAccount {
            client_email,
            token_uri,
            project_id,
            private_key_id,
            private_key,
        }
    }

    /// The PEM private key, to store it (never to show it).
    pub fn private_key(&self) -> &str {
        &self.private_key
    }

    /// The key that signs the account's token requests.
    pub(crate) fn signing_key(&self) -> Result<jsonwebtoken::EncodingKey, GoogleError> {
        jsonwebtoken::EncodingKey::from_rsa_pem(self.private_key.as_bytes()).map_err(|_| {
            GoogleError::BadKey("its \"private_key\" is not an RSA private key in PEM form".into())
        })
    }
}
