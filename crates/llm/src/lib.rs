//! A client for chat completions over any OpenAI-compatible API (OpenAI, Azure OpenAI, Groq, a
//! local Ollama or vLLM): messages, tools the model may call, its tool calls and text, answered
//! whole or streamed (server-sent events, assembled here). Errors say what to do. The API key
//! is sent only in the `Authorization` header: it is never logged, shown or put in an error.
//!
//! The caller gives the HTTP client. Outdial's server builds it with its outbound-request
//! guard, so the address checks live in one place.

mod client;
mod error;
mod message;
mod stream;

pub use client::{Client, Provider};
pub use error::LlmError;
pub use message::{ChatRequest, Message, Reply, Role, Tool, ToolCall, Usage};
