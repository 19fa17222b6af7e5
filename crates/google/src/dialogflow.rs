//! Dialogflow CX's `detectIntent`: one turn of a session — the person's words, keys or an
//! event (the call's start, silence) — and what the agent made of it: the matched intent and
//! its confidence, the parameters it holds, what it answers, and whether it ends the talk.

use crate::GoogleError;
use serde_json::{Map, Value, json};

/// The OAuth scope Dialogflow's API takes.
pub const SCOPE: &str = "https://www.googleapis.com/auth/dialogflow";

/// A CX agent's name: `projects/PROJECT/locations/LOCATION/agents/AGENT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentName {
    /// The Google Cloud project.
    pub project: String,
    /// Its region, e.g. `europe-west3`, or `global`.
    pub location: String,
    /// The agent's id.
    pub agent: String,
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

impl AgentName {
    /// Reads an agent's full name.
    pub fn parse(name: &str) -> Result<AgentName, String> {
        let parts: Vec<&str> = name.trim().trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["projects", p, "locations", l, "agents", a] if is_id(p) && is_id(l) && is_id(a) => {
                Ok(AgentName {
                    project: (*p).into(),
                    location: (*l).into(),
                    agent: (*a).into(),
                })
            }
            _ => Err(format!(
                "'{name}' is not an agent's name: use projects/PROJECT/locations/LOCATION/agents/AGENT (the agent's settings show it)"
            )),
        }
    }

    /// The full name.
    pub fn path(&self) -> String {
        format!(
            "projects/{}/locations/{}/agents/{}",
            self.project, self.location, self.agent
        )
    }

    /// Google's address for the agent's region: `https://REGION-dialogflow.googleapis.com`, or
    /// `https://dialogflow.googleapis.com` for `global`.
    pub fn endpoint(&self) -> String {
        if self.location == "global" {
            "https://dialogflow.googleapis.com".into()
        } else {
            format!("https://{}-dialogflow.googleapis.com", self.location)
        }
    }
}

/// What the person did this turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// Their recognised words.
    Text(&'a str),
    /// Keys pressed.
    Keys(&'a str),
    /// An event: `welcome` when the call begins, `sys.no-input-default` after silence.
    Event(&'a str),
}

/// One `detectIntent` request.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    /// What happened.
    pub input: Input<'a>,
    /// The language, e.g. `de` or `en-US`.
    pub language: &'a str,
    /// The person's time zone, for dates the agent reads.
    pub time_zone: Option<&'a str>,
    /// Session parameters to set before the turn (what Outdial offered or booked).
    pub parameters: Map<String, Value>,
}

impl Query<'_> {
    /// The request's JSON body.
    pub fn to_json(&self) -> Value {
        let mut input = match self.input {
            Input::Text(t) => json!({ "text": { "text": t } }),
            Input::Keys(k) => json!({ "dtmf": { "digits": k } }),
            Input::Event(e) => json!({ "event": { "event": e } }),
        };
        input["languageCode"] = json!(self.language);
        let mut params = Map::new();
        if let Some(tz) = self.time_zone {
            params.insert("timeZone".into(), json!(tz));
        }
        if !self.parameters.is_empty() {
            params.insert("parameters".into(), Value::Object(self.parameters.clone()));
        }
        let mut body = json!({ "queryInput": input });
        if !params.is_empty() {
            body["queryParams"] = Value::Object(params);
        }
        body
    }
}

/// What the agent made of a turn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answer {
    /// The matched intent's display name (none on no-match or an event).
    pub intent: Option<String>,
    /// How sure the match is, 0 to 1.
    pub confidence: Option<f64>,
    /// `INTENT`, `NO_MATCH`, `NO_INPUT`, `EVENT`, …
    pub match_type: Option<String>,
    /// The session's parameters after the turn.
    pub parameters: Map<String, Value>,
    /// What the agent answers, in order.
    pub texts: Vec<String>,
    /// Whether the agent ends the conversation (an end-interaction message, or the
    /// `End Session` page).
    pub ends: bool,
    /// The page the session is on.
    pub page: Option<String>,
}

impl Answer {
    /// Reads a `detectIntent` answer's JSON.
    pub fn from_json(v: &Value) -> Result<Answer, GoogleError> {
        let r = v
            .get("queryResult")
            .ok_or_else(|| GoogleError::BadAnswer("no queryResult in the answer".into()))?;
        let m = r.get("match");
        let str_at = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let mut texts = Vec::new();
        let mut ends = false;
        for message in r
            .get("responseMessages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(lines) = message.pointer("/text/text").and_then(Value::as_array) {
                texts.extend(
                    lines
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_string),
                );
            }
            ends |= message.get("endInteraction").is_some();
        }
        let page = str_at(r.pointer("/currentPage/displayName"));
        ends |= page.as_deref() == Some("End Session");
        Ok(Answer {
            intent: str_at(m.and_then(|m| m.pointer("/intent/displayName")))
                .or_else(|| str_at(r.pointer("/intent/displayName"))),
            confidence: m
                .and_then(|m| m.get("confidence"))
                .and_then(Value::as_f64)
                .or_else(|| r.get("intentDetectionConfidence").and_then(Value::as_f64)),
            match_type: str_at(m.and_then(|m| m.get("matchType"))),
            parameters: r
                .get("parameters")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            texts,
            ends,
            page,
        })
    }
}

/// A session id Google takes (letters, digits, `-` and `_`, at most 36) from `raw`.
pub fn session_id(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(36)
        .collect()
}

/// Sends one turn of `session` to `agent` at `endpoint` (its regional address, or a stand-in's)
/// with the bearer `token`.
pub async fn detect_intent(
    http: &reqwest::Client,
    endpoint: &str,
    token: &str,
    agent: &AgentName,
    session: &str,
    query: &Query<'_>,
) -> Result<Answer, GoogleError> {
    let url = format!(
        "{}/v3/{}/sessions/{}:detectIntent",
        endpoint.trim_end_matches('/'),
        agent.path(),
        session_id(session)
    );
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&query.to_json())
        .send()
        .await
        .map_err(|e| GoogleError::transport(&e))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| GoogleError::transport(&e))?;
    if !status.is_success() {
        let message = GoogleError::message_of(&body);
        return Err(match status.as_u16() {
            401 | 403 => GoogleError::Forbidden {
                status: status.as_u16(),
                message,
            },
            404 => GoogleError::NotFound(message),
            429 => GoogleError::RateLimited,
            s => GoogleError::Failed { status: s, message },
        });
    }
    let v: Value = serde_json::from_str(&body)
        .map_err(|e| GoogleError::BadAnswer(format!("not JSON ({e})")))?;
    Answer::from_json(&v)
}
