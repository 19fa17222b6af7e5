//! The messages, tools and answers of a chat completion, as the OpenAI-compatible API writes
//! them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who a message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The instructions.
    System,
    /// The person.
    User,
    /// The model.
    Assistant,
    /// A tool's result.
    Tool,
}

/// A tool call the model made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Its id, quoted by the tool's result.
    pub id: String,
    /// The tool.
    pub name: String,
    /// Its arguments, as the model wrote them (JSON text; may be invalid: the caller checks).
    pub arguments: String,
}

/// One message of the conversation (serialisable, so a conversation can be kept between the
/// turns of a call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who.
    pub role: Role,
    /// The text.
    pub content: Option<String>,
    /// The model's tool calls (assistant messages).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// The call a tool result answers (tool messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl Message {
    /// A system message.
    pub fn system(text: impl Into<String>) -> Message {
        Message {
            role: Role::System,
            content: Some(text.into()),
            tool_calls: vec![],
            tool_call_id: None,
        }
    }
    /// A user message.
    pub fn user(text: impl Into<String>) -> Message {
        Message {
            role: Role::User,
            content: Some(text.into()),
            tool_calls: vec![],
            tool_call_id: None,
        }
    }
    /// The model's answer, to send back with the next request.
    pub fn assistant(reply: &Reply) -> Message {
        Message {
            role: Role::Assistant,
            content: reply.content.clone(),
            tool_calls: reply.tool_calls.clone(),
            tool_call_id: None,
        }
    }
    /// A tool's result.
    pub fn tool(call_id: impl Into<String>, result: impl Into<String>) -> Message {
        Message {
            role: Role::Tool,
            content: Some(result.into()),
            tool_calls: vec![],
            tool_call_id: Some(call_id.into()),
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut m = serde_json::json!({ "role": self.role, "content": self.content });
        if !self.tool_calls.is_empty() {
            m["tool_calls"] = self
                .tool_calls
                .iter()
                .map(|c| serde_json::json!({ "id": c.id, "type": "function", "function": { "name": c.name, "arguments": c.arguments } }))
                .collect();
        }
        if let Some(id) = &self.tool_call_id {
            m["tool_call_id"] = Value::String(id.clone());
        }
        m
    }
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// Its name.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// Its parameters, as JSON Schema.
    pub parameters: Value,
}

/// What to ask.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// The tools the model may call.
    pub tools: Vec<Tool>,
    /// Most tokens to generate.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
}

impl ChatRequest {
    pub(crate) fn to_json(&self, model: &str, stream: bool) -> Value {
        let mut body = serde_json::json!({
            "model": model,
            "messages": self.messages.iter().map(Message::to_json).collect::<Vec<_>>(),
            "stream": stream,
        });
        if !self.tools.is_empty() {
            body["tools"] = self
                .tools
                .iter()
                .map(|t| serde_json::json!({ "type": "function", "function": { "name": t.name, "description": t.description, "parameters": t.parameters } }))
                .collect();
        }
        if let Some(n) = self.max_tokens {
            body["max_tokens"] = n.into();
        }
        if let Some(t) = self.temperature {
            body["temperature"] = serde_json::json!(t);
        }
        if stream {
            body["stream_options"] = serde_json::json!({ "include_usage": true });
        }
        body
    }
}

/// Tokens used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct Usage {
    /// In the request.
    pub prompt_tokens: u32,
    /// In the answer.
    pub completion_tokens: u32,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reply {
    /// Its text, if any.
    pub content: Option<String>,
    /// Its tool calls, in order.
    pub tool_calls: Vec<ToolCall>,
    /// Why it stopped (`stop`, `tool_calls`, `length`…).
    pub finish_reason: Option<String>,
    /// Tokens used, when the provider says.
    pub usage: Option<Usage>,
}

/// Reads a whole (not streamed) answer.
pub(crate) fn read_reply(body: &Value) -> Result<Reply, String> {
    let choice = body["choices"].get(0).ok_or("it holds no choices")?;
    let message = &choice["message"];
    let content = message["content"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut tool_calls = Vec::new();
    if let Some(calls) = message["tool_calls"].as_array() {
        for c in calls {
            tool_calls.push(ToolCall {
                id: c["id"].as_str().ok_or("a tool call has no id")?.to_string(),
                name: c["function"]["name"]
                    .as_str()
                    .ok_or("a tool call names no function")?
                    .to_string(),
                arguments: c["function"]["arguments"]
                    .as_str()
                    .unwrap_or("{}")
                    .to_string(),
            });
        }
    }
    let usage = serde_json::from_value(body["usage"].clone()).ok();
    Ok(Reply {
        content,
        tool_calls,
        finish_reason: choice["finish_reason"].as_str().map(str::to_string),
        usage,
    })
}
