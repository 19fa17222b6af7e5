//! `<Play>`: a file fetched from its URL as Twilio fetches it, or touch tones on the line.

use super::{Interrupt, Player};
use crate::twiml::Node;

impl Player {
    /// Fetches a `<Play>` file as Twilio does, then plays it: about 16 kB a second of MP3,
    /// at least a second. A file that cannot be fetched is skipped (Twilio logs error 11100).
    pub(super) async fn play(&mut self, verb: &Node) -> Option<Interrupt> {
        if let Some(digits) = verb.attr("digits") {
            // Touch tones: a tenth of a second each, `w` half a second.
            let secs: f64 = digits
                .chars()
                .map(|c| if c == 'w' { 0.5 } else { 0.1 })
                .sum();
            self.shared
                .played
                .lock()
                .expect("played lock")
                .push(crate::Played {
                    url: format!("digits:{digits}"),
                    status: 200,
                    bytes: 0,
                    content_type: String::new(),
                });
            return self.wait(secs).await;
        }
        let url = verb.text.trim().to_string();
        let (status, bytes, content_type) = match self.shared.http.get(&url).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let content_type = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let body = r.bytes().await.map(|b| b.len()).unwrap_or(0);
                (status, body, content_type)
            }
            Err(_) => (0, 0, String::new()),
        };
        self.shared
            .played
            .lock()
            .expect("played lock")
            .push(crate::Played {
                url,
                status,
                bytes,
                content_type,
            });
        if !(200..300).contains(&status) {
            tracing::warn!(call_sid = %self.sid, status, "simulator: a <Play> file could not be fetched (Twilio error 11100)");
            return None;
        }
        self.wait((bytes as f64 / 16_000.0).max(1.0)).await
    }
}
