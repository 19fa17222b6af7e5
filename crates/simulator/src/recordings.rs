//! Recordings: made when a call asked for one (`Record=true`) or ran a `<Record>` verb, announced
//! to the recording callback as Twilio does, and served as MP3 under Twilio's media URL
//! (`…/Recordings/{Sid}.mp3`, whole or by `Range`). The audio is silence of the recording's
//! length: enough for a player to load, seek and show the duration.

use crate::Shared;
use crate::rest::{authenticate, error};
use crate::webhook::post;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// One MPEG-1 Layer III frame: 32 kbit/s, 32 kHz, mono, no CRC. With its side information all
/// zero it decodes to 36 ms of silence.
const FRAME_BYTES: usize = 144;
const FRAME_HEADER: [u8; 4] = [0xFF, 0xFB, 0x18, 0xC0];
const FRAME_SECONDS: f64 = 1152.0 / 32_000.0;

/// `seconds` of silent MP3.
fn silence(seconds: u64) -> Vec<u8> {
    let frames = ((seconds.max(1) as f64) / FRAME_SECONDS).ceil() as usize;
    let mut out = Vec::with_capacity(frames * FRAME_BYTES);
    for _ in 0..frames {
        out.extend_from_slice(&FRAME_HEADER);
        out.resize(out.len() + FRAME_BYTES - FRAME_HEADER.len(), 0);
    }
    out
}

/// Keeps the recording `rec` of `seconds` and posts its `completed` event to `callback`.
pub(crate) async fn recorded(
    shared: &Shared,
    call_sid: &str,
    rec: &str,
    seconds: u64,
    callback: &str,
) {
    shared
        .recordings
        .lock()
        .expect("recordings lock")
        .insert(rec.to_string(), seconds);
    let fields = vec![
        ("CallSid".to_string(), call_sid.to_string()),
        ("AccountSid".to_string(), shared.account.account_sid.clone()),
        ("RecordingSid".to_string(), rec.to_string()),
        (
            "RecordingUrl".to_string(),
            format!(
                "https://api.twilio.com/2010-04-01/Accounts/{}/Recordings/{rec}",
                shared.account.account_sid
            ),
        ),
        ("RecordingDuration".to_string(), seconds.to_string()),
        ("RecordingStatus".to_string(), "completed".to_string()),
    ];
    let _ = post(shared, callback, &fields).await;
}

/// `GET …/Recordings/{Sid}.mp3`: the audio, or the byte range asked for.
pub(crate) async fn media(
    State(shared): State<Arc<Shared>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = authenticate(&shared, &account, &headers) {
        return refusal;
    }
    let seconds = file.strip_suffix(".mp3").and_then(|sid| {
        shared
            .recordings
            .lock()
            .expect("recordings lock")
            .get(sid)
            .copied()
    });
    let Some(seconds) = seconds else {
        return error(404, 20404, "The requested resource was not found");
    };
    let audio = silence(seconds);
    let total = audio.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|r| parse_range(r, total));
    match range {
        None => (
            [
                (header::CONTENT_TYPE, "audio/mpeg"),
                (header::ACCEPT_RANGES, "bytes"),
            ],
            audio,
        )
            .into_response(),
        Some(Some((start, end))) => (
            StatusCode::PARTIAL_CONTENT,
            [
                (header::CONTENT_TYPE, "audio/mpeg".to_string()),
                (
                    header::CONTENT_RANGE,
                    format!("bytes {start}-{end}/{total}"),
                ),
            ],
            audio[start..=end].to_vec(),
        )
            .into_response(),
        Some(None) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{total}"))],
        )
            .into_response(),
    }
}

/// `DELETE …/Recordings/{Sid}.json`: gone for good (204), or 404 when there is no such one.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = authenticate(&shared, &account, &headers) {
        return refusal;
    }
    let sid = file.strip_suffix(".json").unwrap_or(&file);
    match shared
        .recordings
        .lock()
        .expect("recordings lock")
        .remove(sid)
    {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => error(404, 20404, "The requested resource was not found"),
    }
}

/// The first range of a `Range: bytes=…` header as inclusive offsets; `None` when it cannot
/// be served.
fn parse_range(value: &str, total: usize) -> Option<(usize, usize)> {
    let spec = value.strip_prefix("bytes=")?.split(',').next()?.trim();
    let (from, to) = spec.split_once('-')?;
    let last = total.checked_sub(1)?;
    let (start, end) = if from.is_empty() {
        let n: usize = to.parse().ok()?;
        (total.checked_sub(n.min(total))?, last)
    } else {
        let start: usize = from.parse().ok()?;
        let end = if to.is_empty() {
            last
        } else {
            to.parse::<usize>().ok()?.min(last)
        };
        (start, end)
    };
    (start <= end && start < total).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_whole_frames_covering_the_duration() {
        let audio = silence(10);
        assert_eq!(audio.len() % FRAME_BYTES, 0);
        let frames = audio.len() / FRAME_BYTES;
        assert!(frames as f64 * FRAME_SECONDS >= 10.0);
        assert!((frames - 1) as f64 * FRAME_SECONDS < 10.0);
        assert_eq!(&audio[FRAME_BYTES..FRAME_BYTES + 4], &FRAME_HEADER);
    }

    #[test]
    fn ranges_are_read_as_browsers_send_them() {
        assert_eq!(parse_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(parse_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(parse_range("bytes=90-200", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }
}
