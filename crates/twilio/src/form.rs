//! The form fields Twilio's Calls API takes, in Twilio's names: a call's creation and a change
//! to a call in progress.

use crate::carrier::{CallUpdate, NewCall};

/// The form fields of a call creation, in Twilio's names. List values repeat their key.
pub fn create_call_form(call: &NewCall) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("To", call.to.clone()),
        ("From", call.from.clone()),
        ("Url", call.url.clone()),
        ("Method", "POST".to_string()),
        ("StatusCallback", call.status_callback.clone()),
        ("StatusCallbackMethod", "POST".to_string()),
    ];
    for event in ["initiated", "ringing", "answered", "completed"] {
        form.push(("StatusCallbackEvent", event.to_string()));
    }
    form.push(("Timeout", call.timeout_seconds.max(15).to_string()));
    if let Some(limit) = call.time_limit_seconds {
        form.push(("TimeLimit", limit.to_string()));
    }
    if let Some(d) = &call.machine_detection {
        let mode = if d.detect_message_end {
            "DetectMessageEnd"
        } else {
            "Enable"
        };
        form.push(("MachineDetection", mode.to_string()));
        form.push(("MachineDetectionTimeout", d.timeout_seconds.to_string()));
        if let Some(callback) = &d.callback {
            form.push(("AsyncAmd", "true".to_string()));
            form.push(("AsyncAmdStatusCallback", callback.clone()));
            form.push(("AsyncAmdStatusCallbackMethod", "POST".to_string()));
        }
    }
    if let Some(cb) = &call.recording_callback {
        form.push(("Record", "true".to_string()));
        form.push(("RecordingStatusCallback", cb.clone()));
        form.push(("RecordingStatusCallbackMethod", "POST".to_string()));
        form.push(("RecordingStatusCallbackEvent", "completed".to_string()));
    }
    form
}

/// The form fields of a call update.
pub fn update_call_form(update: &CallUpdate) -> Vec<(&'static str, String)> {
    match update {
        CallUpdate::Hangup => vec![("Status", "completed".to_string())],
        CallUpdate::Cancel => vec![("Status", "canceled".to_string())],
        CallUpdate::Redirect(url) => vec![("Url", url.clone()), ("Method", "POST".to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_call() -> NewCall {
        NewCall {
            to: "+18134893222".into(),
            from: "+18134893200".into(),
            url: "https://o.example/voice".into(),
            status_callback: "https://o.example/status".into(),
            timeout_seconds: 5,
            time_limit_seconds: Some(600),
            machine_detection: Some(crate::carrier::Detection {
                detect_message_end: true,
                timeout_seconds: 30,
                callback: Some("https://o.example/amd".into()),
            }),
            recording_callback: None,
        }
    }

    #[test]
    fn a_creation_asks_for_every_status_event_and_async_detection() {
        let form = create_call_form(&sample_call());
        let events: Vec<&str> = form
            .iter()
            .filter(|(k, _)| *k == "StatusCallbackEvent")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(events, ["initiated", "ringing", "answered", "completed"]);
        let get = |k: &str| form.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("Timeout"), Some("15"), "at least 15 s of ringing");
        assert_eq!(get("MachineDetection"), Some("DetectMessageEnd"));
        assert_eq!(get("AsyncAmd"), Some("true"));
        assert_eq!(get("Record"), None);
        // Synchronous detection: no AsyncAmd at all, so Twilio asks for the TwiML only once
        // it knows who answered.
        let sync = create_call_form(&NewCall {
            machine_detection: Some(crate::carrier::Detection {
                detect_message_end: false,
                timeout_seconds: 30,
                callback: None,
            }),
            ..sample_call()
        });
        let get = |k: &str| sync.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("MachineDetection"), Some("Enable"));
        assert_eq!(get("AsyncAmd"), None);
        assert_eq!(get("AsyncAmdStatusCallback"), None);
    }
}
