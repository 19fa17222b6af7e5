//! Campaign settings: reading, defaults and every check.

use super::checks::is_language_tag;
use super::*;

fn parse(json: &str) -> Result<CampaignSettings, serde_json::Error> {
    serde_json::from_str(json)
}

#[test]
fn an_empty_object_is_a_valid_draft_but_not_ready() {
    let s = parse("{}").unwrap();
    assert!(s.problems().is_empty(), "{:?}", s.problems());
    let missing: Vec<_> = s
        .readiness_problems()
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert!(missing.contains(&"settings.caller_ids".to_string()));
    assert!(missing.contains(&"settings.script.message".to_string()));
}

#[test]
fn a_complete_campaign_is_ready() {
    let s = parse(r#"{
        "caller_ids": ["+18134893222"],
        "timezone": "Europe/Berlin",
        "default_country": "DE",
        "calling_window": {"start": "10:00", "end": "18:00", "days": ["mon", "sat"]},
        "pacing": {"mode": "predictive", "target_abandon_percent": 2.5},
        "script": {"message": "Hallo {first_name}", "voicemail_message": "Bitte rufen Sie zurück", "language": "de-DE", "voice": "Polly.Vicki"},
        "scheduled_start_at": "2026-12-01T09:00:00Z"
    }"#).unwrap();
    assert!(
        s.readiness_problems().is_empty(),
        "{:?}",
        s.readiness_problems()
    );
    assert_eq!(s.default_country.code(), "DE");
    assert!(s.pacing.needs_agents());
}

#[test]
fn malformed_fields_are_refused_when_parsed() {
    assert!(
        parse(r#"{"caller_ids": ["555"]}"#)
            .unwrap_err()
            .to_string()
            .contains("E.164")
    );
    assert!(
        parse(r#"{"calling_window": {"start": "25:00", "end": "20:00", "days": []}}"#).is_err()
    );
    assert!(parse(r#"{"pacing": {"mode": "warp"}}"#).is_err());
    assert!(
        parse(r#"{"daily_limt": 5}"#)
            .unwrap_err()
            .to_string()
            .contains("unknown field")
    );
    assert!(parse(r#"{"default_country": "Narnia"}"#).is_err());
}

#[test]
fn out_of_range_values_are_reported_by_field() {
    let s = parse(
        r#"{
        "timezone": "Mars/Olympus",
        "calling_window": {"start": "20:00", "end": "09:00", "days": []},
        "max_concurrent_calls": 0,
        "ring_timeout_seconds": 5,
        "pacing": {"mode": "predictive", "target_abandon_percent": 10},
        "script": {"message": "Hi {frist_name}"}
    }"#,
    )
    .unwrap();
    let fields: Vec<_> = s.problems().into_iter().map(|p| p.field).collect();
    for f in [
        "timezone",
        "calling_window",
        "calling_window.days",
        "max_concurrent_calls",
        "ring_timeout_seconds",
        "pacing.target_abandon_percent",
        "script.message",
    ] {
        assert!(
            fields.contains(&format!("settings.{f}")),
            "missing {f} in {fields:?}"
        );
    }
}

#[test]
fn settings_round_trip_through_json() {
    let s =
        parse(r#"{"pacing": {"mode": "power", "ratio": 2.5}, "daily_call_limit": 200}"#).unwrap();
    let again: CampaignSettings =
        serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
    assert_eq!(again, s);
}

#[test]
fn language_tags_are_checked() {
    assert!(is_language_tag("en-US"));
    assert!(is_language_tag("de"));
    assert!(!is_language_tag("english please"));
    assert!(!is_language_tag(""));
}

#[test]
fn a_message_with_a_blank_left_in_it_is_refused_by_field() {
    let s = parse(
        r#"{"script": {"message": "Hi {first_name}, this is … calling about …",
            "call_types": {"appointment_booking": {"voicemail_message": "..."}}},
            "menu": {"prompt": "Press 1 for [...]"}}"#,
    )
    .unwrap();
    assert!(s.problems().is_empty(), "stored settings still read");
    let fields: Vec<String> = s.wording_problems().into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "settings.script.message",
            "settings.script.call_types.appointment_booking.voicemail_message",
            "settings.menu.prompt",
        ]
    );
    let silent = parse(r#"{"script": {"message": " . "}}"#).unwrap();
    assert_eq!(silent.wording_problems().len(), 1);
    let fine =
        parse(r#"{"script": {"message": "Hi {first_name}, this is Ana from Studio Nord."}}"#)
            .unwrap();
    assert!(fine.wording_problems().is_empty());
}

#[test]
fn menu_keys_are_phone_keys_once_each() {
    let s = parse(
        r#"{"menu": {"keys": [{"key": "1", "action": "connect"}, {"key": "1", "action": "opt_out"},
            {"key": "12", "action": "repeat"}], "timeout_seconds": 60}}"#,
    )
    .unwrap();
    let fields: Vec<String> = s.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "settings.menu.timeout_seconds",
            "settings.menu.keys[1].key",
            "settings.menu.keys[2].key"
        ]
    );
    let off = parse(r#"{"menu": {"enabled": false, "keys": []}}"#).unwrap();
    assert!(off.problems().is_empty(), "an announcement needs no keys");
}
