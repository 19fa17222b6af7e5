//! The verbs a call spends its time in with others: a conference (a caller on hold, an agent
//! talking) and `<Record>` (a caller leaving a message).

use super::{Fate, Interrupt, Player};
use crate::conference;
use crate::twiml::Node;
use rand::Rng;

impl Player {
    /// In a conference: an agent talks a drawn time and hangs up; a caller waits on hold
    /// (giving up after a drawn patience) and then talks until the conference ends. Returns
    /// how the call leaves the document; `None` continues after the `<Dial>`.
    pub(super) async fn conference(&mut self, dial: &Node) -> Option<Interrupt> {
        let room = dial.children.iter().find(|c| c.name == "Conference")?;
        let name = room.text.trim().to_string();
        let control = self
            .shared
            .calls
            .lock()
            .expect("calls lock")
            .get(&self.sid)
            .and_then(|c| c.control.clone())?;
        let mut started = conference::join(
            &self.shared,
            conference::Joining {
                name: &name,
                call_sid: &self.sid,
                start_on_enter: room.attr("startConferenceOnEnter") != Some("false"),
                end_on_exit: room.attr("endConferenceOnExit") == Some("true"),
                callback: room.attr("statusCallback").map(str::to_string),
                control,
            },
        )
        .await;
        let outcome = loop {
            let limit = if self.agent.is_some() {
                let [lo, hi] = self.shared.config.agents.talk_seconds;
                f64::from(self.rng.random_range(lo..=hi))
            } else if started {
                // A caller talks until the agent hangs up.
                4.0 * 3600.0
            } else {
                let [lo, hi] = self.shared.config.hold_patience_seconds;
                f64::from(self.rng.random_range(lo..=hi))
            };
            match self.wait(limit).await {
                // Talked enough, or waited long enough: this side hangs up.
                None => break Some(Interrupt::Hangup),
                Some(Interrupt::Started) => started = true,
                Some(Interrupt::Ended) => break None,
                Some(other) => break Some(other),
            }
        };
        conference::leave(&self.shared, &name, &self.sid).await;
        outcome
    }

    /// `<Record>`: a person leaves a message of a few seconds; a recording event follows.
    pub(super) async fn record(&mut self, verb: &Node) -> Option<Interrupt> {
        if self.fate != Fate::Human {
            return None;
        }
        let seconds = self.rng.random_range(4..=15u64);
        if let Some(x) = self.wait(seconds as f64).await {
            return Some(x);
        }
        if let Some(url) = verb.attr("recordingStatusCallback") {
            let rec = format!("RE{:032x}", rand::random::<u128>());
            crate::recordings::recorded(&self.shared, &self.sid, &rec, seconds, url).await;
        }
        None
    }
}
