//! A streamed answer (server-sent events of `chat.completion.chunk`), assembled: text deltas
//! appended, tool calls built from their pieces by index, until `data: [DONE]`.

use crate::message::{Reply, ToolCall, Usage};
use serde_json::Value;

/// Builds a reply from the events of a stream.
#[derive(Default)]
pub(crate) struct Assembler {
    buffer: String,
    content: String,
    calls: Vec<ToolCall>,
    finish: Option<String>,
    usage: Option<Usage>,
    done: bool,
}

impl Assembler {
    /// Takes the next bytes of the stream.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.buffer.push_str(&String::from_utf8_lossy(bytes));
        while let Some(end) = self.buffer.find('\n') {
            let line = self.buffer[..end].trim_end_matches('\r').to_string();
            self.buffer.drain(..=end);
            self.line(&line)?;
        }
        Ok(())
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        let Some(data) = line.strip_prefix("data:") else {
            return Ok(()); // comments, event names, blank lines
        };
        let data = data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        let chunk: Value =
            serde_json::from_str(data).map_err(|e| format!("an event is not JSON: {e}"))?;
        if let Some(u) = chunk.get("usage").filter(|u| !u.is_null()) {
            self.usage = serde_json::from_value(u.clone()).ok();
        }
        let Some(choice) = chunk["choices"].get(0) else {
            return Ok(());
        };
        let delta = &choice["delta"];
        if let Some(text) = delta["content"].as_str() {
            self.content.push_str(text);
        }
        if let Some(calls) = delta["tool_calls"].as_array() {
            for c in calls {
                let index = c["index"].as_u64().unwrap_or(0) as usize;
                while self.calls.len() <= index {
                    self.calls.push(ToolCall {
                        id: String::new(),
                        name: String::new(),
                        arguments: String::new(),
                    });
                }
                let call = &mut self.calls[index];
                if let Some(id) = c["id"].as_str() {
                    call.id = id.to_string();
                }
                if let Some(name) = c["function"]["name"].as_str() {
                    call.name.push_str(name);
                }
                if let Some(args) = c["function"]["arguments"].as_str() {
                    call.arguments.push_str(args);
                }
            }
        }
        if let Some(reason) = choice["finish_reason"].as_str() {
            self.finish = Some(reason.to_string());
        }
        Ok(())
    }

    /// The reply, once the stream has ended.
    pub(crate) fn finish(mut self) -> Result<Reply, String> {
        if !self.buffer.trim().is_empty() {
            let rest = std::mem::take(&mut self.buffer);
            self.line(rest.trim())?;
        }
        if !self.done && self.finish.is_none() {
            return Err("the stream ended before the answer did".into());
        }
        if self.calls.iter().any(|c| c.name.is_empty()) {
            return Err("a tool call came without a name".into());
        }
        Ok(Reply {
            content: Some(self.content).filter(|c| !c.is_empty()),
            tool_calls: self.calls,
            finish_reason: self.finish,
            usage: self.usage,
        })
    }
}
