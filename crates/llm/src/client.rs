//! Talking to the provider: one POST to `{base_url}/chat/completions`, answered whole or as a
//! stream, with a deadline for the whole answer.

use crate::error::LlmError;
use crate::message::{ChatRequest, Reply, read_reply};
use crate::stream::Assembler;
use std::time::Duration;

/// Where the model is and how to reach it.
#[derive(Clone)]
pub struct Provider {
    /// The API's base address, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub base_url: String,
    /// The model, e.g. `gpt-4o-mini` or `llama3.1`.
    pub model: String,
    /// The API key (none for a local server).
    pub api_key: Option<String>,
    /// How long one answer may take, whole.
    pub timeout: Duration,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[hidden]"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A chat-completions client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    provider: Provider,
}

impl Client {
    /// A client over `http` (built by the caller with its outbound guard).
    pub fn new(http: reqwest::Client, provider: Provider) -> Client {
        Client { http, provider }
    }

    fn url(&self) -> String {
        format!(
            "{}/chat/completions",
            self.provider.base_url.trim_end_matches('/')
        )
    }

    async fn send(
        &self,
        request: &ChatRequest,
        stream: bool,
    ) -> Result<reqwest::Response, LlmError> {
        let mut post = self
            .http
            .post(self.url())
            .timeout(self.provider.timeout)
            .json(&request.to_json(&self.provider.model, stream));
        if let Some(key) = &self.provider.api_key {
            post = post.bearer_auth(key).header("api-key", key);
        }
        let response = post.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = response.text().await.unwrap_or_default();
        Err(match status.as_u16() {
            401 | 403 => LlmError::Unauthorized,
            429 => LlmError::RateLimited(retry.unwrap_or(10)),
            s => LlmError::Failed {
                status: s,
                message: provider_message(&body),
            },
        })
    }

    fn transport(&self, e: reqwest::Error) -> LlmError {
        if e.is_timeout() {
            LlmError::Timeout(self.provider.timeout.as_secs().max(1))
        } else {
            // The error names the address, never the key (it is only in a header).
            LlmError::Unreachable(without_url_secrets(&e.to_string()))
        }
    }

    /// Asks for the whole answer at once.
    pub async fn complete(&self, request: &ChatRequest) -> Result<Reply, LlmError> {
        let response = self.send(request, false).await?;
        let body: serde_json::Value = response.json().await.map_err(|e| {
            if e.is_timeout() {
                LlmError::Timeout(self.provider.timeout.as_secs().max(1))
            } else {
                LlmError::BadAnswer(format!("it is not JSON ({e})"))
            }
        })?;
        read_reply(&body).map_err(LlmError::BadAnswer)
    }

    /// Asks for the answer as a stream and assembles it (the first words arrive sooner; the
    /// whole still has to arrive within the timeout).
    pub async fn complete_streaming(&self, request: &ChatRequest) -> Result<Reply, LlmError> {
        let mut response = self.send(request, true).await?;
        let mut assembler = Assembler::default();
        loop {
            match response.chunk().await {
                Ok(Some(bytes)) => assembler.feed(&bytes).map_err(LlmError::BadAnswer)?,
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(LlmError::Timeout(self.provider.timeout.as_secs().max(1)));
                }
                Err(e) => {
                    return Err(LlmError::Unreachable(format!(
                        "the stream broke off: {}",
                        without_url_secrets(&e.to_string())
                    )));
                }
            }
        }
        assembler.finish().map_err(LlmError::BadAnswer)
    }
}

/// The provider's own error message (`{"error": {"message": …}}`), or the start of the body.
fn provider_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

/// An error text without a query string (where some providers are given keys).
fn without_url_secrets(text: &str) -> String {
    match text.find('?') {
        Some(i) => {
            let end = text[i..]
                .find([' ', ')'])
                .map(|e| i + e)
                .unwrap_or(text.len());
            format!("{}{}", &text[..i], &text[end..])
        }
        None => text.to_string(),
    }
}
