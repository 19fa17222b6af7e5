//! TwiML, typed: the instructions a voice webhook answers with. Built from values, rendered with
//! XML escaping, so text from a lead list (`O'Brien & <Sons>`) can never break the document.

use std::fmt::Write;

/// A TwiML document: `<Response>` and its verbs, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    verbs: Vec<Verb>,
}

/// One instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// Speak text.
    Say(Say),
    /// Play an audio file.
    Play {
        /// The file's URL.
        url: String,
    },
    /// Send touch tones on the answered line (`<Play digits>`), e.g. an extension; `w` waits
    /// half a second.
    PlayDigits {
        /// Digits, `w` pauses included.
        digits: String,
    },
    /// Wait in silence.
    Pause {
        /// Seconds.
        seconds: u32,
    },
    /// Collect keypresses or speech while prompting.
    Gather(Gather),
    /// Connect the call onwards.
    Dial(Dial),
    /// Fetch new instructions from a URL.
    Redirect {
        /// Where.
        url: String,
    },
    /// Record what the caller says after a beep (a voicemail box).
    Record {
        /// Longest recording, in seconds.
        max_seconds: u32,
        /// Where the finished recording is announced.
        recording_callback: Option<String>,
    },
    /// End the call.
    Hangup,
}

/// `<Say>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Say {
    /// What to say.
    pub text: String,
    /// Text-to-speech voice, e.g. `Polly.Joanna`.
    pub voice: Option<String>,
    /// Language, e.g. `en-US`.
    pub language: Option<String>,
}

/// `<Gather>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Gather {
    /// Where the result is posted.
    pub action: String,
    /// Keys to wait for; `None` waits for `#` or the timeout.
    pub num_digits: Option<u32>,
    /// Seconds of silence that end the gather.
    pub timeout_seconds: u32,
    /// Also listen for speech.
    pub speech: bool,
    /// Words and phrases the speech recogniser should expect (`hints`).
    pub hints: Vec<String>,
    /// Recognition language.
    pub language: Option<String>,
    /// Prompts played while listening (`Say`, `Play` and `Pause` only).
    pub prompts: Vec<Verb>,
    /// Post to `action` even when nothing was pressed or said (Twilio otherwise moves on to
    /// the next verb on a timeout, and the action never hears of the silence).
    pub action_on_empty_result: bool,
}

/// `<Dial>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dial {
    /// Number shown to the called party.
    pub caller_id: Option<String>,
    /// Seconds to ring.
    pub timeout_seconds: Option<u32>,
    /// Where the outcome is posted when the dialed leg ends.
    pub action: Option<String>,
    /// Keep the caller hearing ringing until the other side answers.
    pub answer_on_bridge: bool,
    /// Longest the bridged call may last, in seconds.
    pub time_limit_seconds: Option<u32>,
    /// Whom to connect to.
    pub target: DialTarget,
}

/// What `<Dial>` connects to.
#[derive(Debug, Clone, PartialEq)]
pub enum DialTarget {
    /// A phone number (E.164).
    Number(String),
    /// A named conference room.
    Conference {
        /// The room's name.
        name: String,
        /// The conference starts when this participant enters.
        start_on_enter: bool,
        /// The conference ends when this participant leaves.
        end_on_exit: bool,
        /// Hold music or message URL while waiting.
        wait_url: Option<String>,
        /// Where conference events are posted.
        status_callback: Option<String>,
    },
}

impl Response {
    /// An empty document (Twilio hangs up after it).
    pub fn new() -> Response {
        Response::default()
    }

    /// Adds a verb.
    pub fn push(mut self, verb: Verb) -> Response {
        self.verbs.push(verb);
        self
    }

    /// Adds `<Say>` with the voice and language given.
    pub fn say(self, text: impl Into<String>, voice: &str, language: &str) -> Response {
        self.push(Verb::Say(Say::new(text, voice, language)))
    }

    /// Adds `<Hangup/>`.
    pub fn hangup(self) -> Response {
        self.push(Verb::Hangup)
    }

    /// Adds every verb of `other` after these.
    pub fn then(mut self, other: Response) -> Response {
        self.verbs.extend(other.verbs);
        self
    }

    /// The verbs so far.
    pub fn verbs(&self) -> &[Verb] {
        &self.verbs
    }

    /// What this document has Twilio say, in order (see [`Spoken`]); a recording played
    /// stands as [`PLAYED`] (its link is not kept).
    pub fn spoken(&self) -> Spoken {
        let mut out = Spoken::default();
        let mut gathered = false;
        for verb in &self.verbs {
            let lines = if gathered {
                &mut out.unless_answered
            } else {
                &mut out.said
            };
            match verb {
                Verb::Say(say) => lines.push(say.text.clone()),
                Verb::Play { .. } => lines.push(PLAYED.to_string()),
                Verb::Gather(g) if !gathered => {
                    lines.extend(g.prompts.iter().filter_map(|p| match p {
                        Verb::Say(say) => Some(say.text.clone()),
                        Verb::Play { .. } => Some(PLAYED.to_string()),
                        _ => None,
                    }));
                    gathered = true;
                }
                _ => {}
            }
        }
        out
    }

    /// The XML document.
    pub fn render(&self) -> String {
        let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#);
        for v in &self.verbs {
            v.render(&mut out);
        }
        out.push_str("</Response>");
        out
    }
}

/// How a played recording appears among the lines a document speaks.
pub const PLAYED: &str = "[recording]";

/// The words a TwiML document speaks: `said` up to and including the first `<Gather>`'s
/// prompts, and `unless_answered`, the lines after that gather, which Twilio speaks only when
/// the person answers nothing (an answer fetches the gather's action instead).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spoken {
    /// Spoken as soon as the document runs.
    pub said: Vec<String>,
    /// Spoken only if the gather gets no answer.
    pub unless_answered: Vec<String>,
}

impl Spoken {
    /// Whether the document says nothing.
    pub fn is_empty(&self) -> bool {
        self.said.is_empty() && self.unless_answered.is_empty()
    }
}

impl Say {
    /// `<Say>` with a voice and language; empty strings leave the attribute out.
    pub fn new(text: impl Into<String>, voice: &str, language: &str) -> Say {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Say {
            text: text.into(),
            voice: opt(voice),
            language: opt(language),
        }
    }
}

impl Verb {
    fn render(&self, out: &mut String) {
        match self {
            Verb::Say(s) => {
                out.push_str("<Say");
                attr(out, "voice", s.voice.as_deref());
                attr(out, "language", s.language.as_deref());
                out.push('>');
                escape_into(out, &s.text);
                out.push_str("</Say>");
            }
            Verb::Play { url } => {
                out.push_str("<Play>");
                escape_into(out, url);
                out.push_str("</Play>");
            }
            Verb::PlayDigits { digits } => {
                out.push_str("<Play");
                attr(out, "digits", Some(digits));
                out.push_str("/>");
            }
            Verb::Pause { seconds } => {
                let _ = write!(out, r#"<Pause length="{seconds}"/>"#);
            }
            Verb::Gather(g) => {
                out.push_str("<Gather");
                attr(
                    out,
                    "input",
                    Some(if g.speech { "dtmf speech" } else { "dtmf" }),
                );
                attr(out, "action", Some(&g.action));
                attr(out, "method", Some("POST"));
                attr(
                    out,
                    "numDigits",
                    g.num_digits.map(|n| n.to_string()).as_deref(),
                );
                attr(out, "timeout", Some(&g.timeout_seconds.to_string()));
                attr(out, "language", g.language.as_deref());
                if g.speech {
                    // Twilio ends the utterance at a pause, rather than after `timeout`.
                    attr(out, "speechTimeout", Some("auto"));
                    let hints = g.hints.join(", ");
                    attr(out, "hints", (!hints.is_empty()).then_some(hints.as_str()));
                }
                if g.action_on_empty_result {
                    attr(out, "actionOnEmptyResult", Some("true"));
                }
                out.push('>');
                for p in &g.prompts {
                    p.render(out);
                }
                out.push_str("</Gather>");
            }
            Verb::Dial(d) => {
                out.push_str("<Dial");
                attr(out, "callerId", d.caller_id.as_deref());
                attr(
                    out,
                    "timeout",
                    d.timeout_seconds.map(|n| n.to_string()).as_deref(),
                );
                attr(out, "action", d.action.as_deref());
                if d.action.is_some() {
                    attr(out, "method", Some("POST"));
                }
                if d.answer_on_bridge {
                    attr(out, "answerOnBridge", Some("true"));
                }
                attr(
                    out,
                    "timeLimit",
                    d.time_limit_seconds.map(|n| n.to_string()).as_deref(),
                );
                out.push('>');
                match &d.target {
                    DialTarget::Number(n) => {
                        out.push_str("<Number>");
                        escape_into(out, n);
                        out.push_str("</Number>");
                    }
                    DialTarget::Conference {
                        name,
                        start_on_enter,
                        end_on_exit,
                        wait_url,
                        status_callback,
                    } => {
                        out.push_str("<Conference");
                        attr(
                            out,
                            "startConferenceOnEnter",
                            Some(bool_str(*start_on_enter)),
                        );
                        attr(out, "endConferenceOnExit", Some(bool_str(*end_on_exit)));
                        attr(out, "beep", Some("false"));
                        attr(out, "waitUrl", wait_url.as_deref());
                        if status_callback.is_some() {
                            attr(out, "statusCallback", status_callback.as_deref());
                            attr(out, "statusCallbackEvent", Some("start end join leave"));
                        }
                        out.push('>');
                        escape_into(out, name);
                        out.push_str("</Conference>");
                    }
                }
                out.push_str("</Dial>");
            }
            Verb::Redirect { url } => {
                out.push_str(r#"<Redirect method="POST">"#);
                escape_into(out, url);
                out.push_str("</Redirect>");
            }
            Verb::Record {
                max_seconds,
                recording_callback,
            } => {
                out.push_str("<Record");
                attr(out, "maxLength", Some(&max_seconds.to_string()));
                attr(out, "playBeep", Some("true"));
                attr(out, "finishOnKey", Some("#"));
                attr(
                    out,
                    "recordingStatusCallback",
                    recording_callback.as_deref(),
                );
                out.push_str("/>");
            }
            Verb::Hangup => out.push_str("<Hangup/>"),
        }
    }
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_into(out, v);
        out.push('"');
    }
}

/// Escapes text for XML content and attributes. Characters XML 1.0 cannot hold at all (most
/// control characters) are dropped rather than producing a document Twilio refuses.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}
