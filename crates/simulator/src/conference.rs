//! Conference rooms (`<Dial><Conference>`): who is in each, whether it has started, and the
//! status events Twilio posts as participants join and leave.

use crate::Control;
use crate::Shared;
use crate::webhook::post;
use std::sync::Arc;
use tokio::sync::mpsc;

/// A conference in progress.
pub(crate) struct Room {
    sid: String,
    started: bool,
    members: Vec<Member>,
    sequence: u32,
}

struct Member {
    call_sid: String,
    end_on_exit: bool,
    callback: Option<String>,
    control: mpsc::UnboundedSender<Control>,
}

/// How a participant joins.
pub(crate) struct Joining<'a> {
    pub(crate) name: &'a str,
    pub(crate) call_sid: &'a str,
    pub(crate) start_on_enter: bool,
    pub(crate) end_on_exit: bool,
    pub(crate) callback: Option<String>,
    pub(crate) control: mpsc::UnboundedSender<Control>,
}

/// A status event to post once the rooms are unlocked.
struct Notice {
    url: String,
    fields: Vec<(String, String)>,
}

impl Room {
    fn notices(
        &mut self,
        shared: &Shared,
        name: &str,
        event: &str,
        call_sid: Option<&str>,
        extra: Option<&Option<String>>,
    ) -> Vec<Notice> {
        let mut urls: Vec<String> = self
            .members
            .iter()
            .filter_map(|m| m.callback.clone())
            .collect();
        if let Some(Some(url)) = extra {
            urls.push(url.clone());
        }
        urls.sort();
        urls.dedup();
        let sequence = self.sequence;
        self.sequence += 1;
        urls.into_iter()
            .map(|url| {
                let mut fields = vec![
                    ("ConferenceSid".to_string(), self.sid.clone()),
                    ("FriendlyName".to_string(), name.to_string()),
                    ("AccountSid".to_string(), shared.account.account_sid.clone()),
                    ("StatusCallbackEvent".to_string(), event.to_string()),
                    ("SequenceNumber".to_string(), sequence.to_string()),
                ];
                if let Some(sid) = call_sid {
                    fields.push(("CallSid".to_string(), sid.to_string()));
                }
                Notice { url, fields }
            })
            .collect()
    }
}

async fn send(shared: &Shared, notices: Vec<Notice>) {
    for n in notices {
        let _ = post(shared, &n.url, &n.fields).await;
    }
}

/// Adds a participant; returns whether the conference is running (someone who starts it is
/// in). Entering with `start_on_enter` starts it and tells everyone waiting.
pub(crate) async fn join(shared: &Arc<Shared>, j: Joining<'_>) -> bool {
    let (started, notices) = {
        let mut rooms = shared.rooms.lock().expect("rooms lock");
        let room = rooms.entry(j.name.to_string()).or_insert_with(|| Room {
            sid: format!("CF{:032x}", rand::random::<u128>()),
            started: false,
            members: Vec::new(),
            sequence: 0,
        });
        room.members.push(Member {
            call_sid: j.call_sid.to_string(),
            end_on_exit: j.end_on_exit,
            callback: j.callback.clone(),
            control: j.control,
        });
        let mut notices = room.notices(shared, j.name, "participant-join", Some(j.call_sid), None);
        if j.start_on_enter && !room.started {
            room.started = true;
            for m in room.members.iter().filter(|m| m.call_sid != j.call_sid) {
                let _ = m.control.send(Control::RoomStarted);
            }
            notices.extend(room.notices(shared, j.name, "conference-start", None, None));
        }
        (room.started, notices)
    };
    send(shared, notices).await;
    started
}

/// Removes a participant. One who ends the conference on exit ends it for everyone left.
pub(crate) async fn leave(shared: &Arc<Shared>, name: &str, call_sid: &str) {
    let notices = {
        let mut rooms = shared.rooms.lock().expect("rooms lock");
        let Some(room) = rooms.get_mut(name) else {
            return;
        };
        let Some(at) = room.members.iter().position(|m| m.call_sid == call_sid) else {
            return;
        };
        let gone = room.members.remove(at);
        let mut notices = room.notices(
            shared,
            name,
            "participant-leave",
            Some(call_sid),
            Some(&gone.callback),
        );
        if gone.end_on_exit || room.members.is_empty() {
            for m in &room.members {
                let _ = m.control.send(Control::RoomEnded);
            }
            notices.extend(room.notices(
                shared,
                name,
                "conference-end",
                None,
                Some(&gone.callback),
            ));
            rooms.remove(name);
        }
        notices
    };
    send(shared, notices).await;
}
