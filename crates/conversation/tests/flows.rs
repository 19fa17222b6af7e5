//! The shipped flows are valid, mistakes in a flow are named with their line, and the machine
//! holds the conversations the studio system promised, turn by turn, on real understanding.

use outdial_conversation::{
    Effect, Event, Flow, Heard, Offered, Outcome, Scheduled, State, parse, start, step, templates,
};
use outdial_understand::{Lang, understand};

/// Tuesday 17 November 2026, 10:00 in Berlin.
fn now() -> jiff::Zoned {
    "2026-11-17T10:00:00+01:00[Europe/Berlin]".parse().unwrap()
}

fn said(text: &str, lang: Lang) -> Event {
    Event::Heard(Heard {
        text: text.into(),
        understanding: understand(text, lang, &now()),
    })
}

fn flow(call_type: &str, lang: &str) -> Flow {
    parse(templates::template(call_type, lang).unwrap()).unwrap()
}

fn slot(at: i64, hold: &str) -> Offered {
    Offered {
        calendar_id: 1,
        starts_at: at,
        spoken: "Donnerstag, den 19. November um 15 Uhr".into(),
        hold: hold.into(),
    }
}

#[test]
fn every_shipped_flow_is_valid() {
    for (call_type, lang, text) in templates::ALL {
        let f = parse(text).unwrap_or_else(|e| panic!("{call_type}.{lang}: {e:?}"));
        assert_eq!(f.language, lang);
    }
    assert!(templates::template("cold_call", "de-DE").is_some());
    assert!(templates::template("nonsense", "de").is_none());
}

#[test]
fn mistakes_are_named_with_their_line() {
    let text = r#"{
  "language": "de",
  "start": "greet",
  "steps": [
    {"id": "greet", "ask": {"prompt": "Hallo {vorname}?", "on": {"yes": "nowhere", "maybe": "greet"}}},
    {"id": "both", "say": "x", "end": "interested", "goto": "greet"},
    {"id": "lonely", "end": "no_input"}
  ]
}"#;
    let errors = parse(text).unwrap_err();
    let has = |line: usize, part: &str| {
        errors
            .iter()
            .any(|e| e.line == line && e.message.contains(part))
    };
    assert!(has(5, "unknown placeholder {vorname}"), "{errors:?}");
    assert!(has(5, "goes to 'nowhere'"), "{errors:?}");
    assert!(has(5, "'maybe' is no answer"), "{errors:?}");
    assert!(has(6, "exactly one thing"), "{errors:?}");
    assert!(has(7, "never reached"), "{errors:?}");
    // A syntax error names its line; an unknown field too.
    let broken = "{\n  \"language\": \"de\",\n  \"start\": \"a\"\n  \"steps\": []\n}";
    assert_eq!(parse(broken).unwrap_err()[0].line, 4);
    let unknown = "{\n  \"language\": \"de\", \"start\": \"a\",\n  \"steps\": [{\"id\": \"a\", \"end\": \"interested\", \"colour\": 1}]\n}";
    let e = parse(unknown).unwrap_err();
    assert!(e[0].line == 3 && e[0].message.contains("colour"), "{e:?}");
    let no_start = "{\n  \"language\": \"en\",\n  \"start\": \"x\",\n  \"steps\": [{\"id\": \"a\", \"end\": \"interested\"}]\n}";
    assert!(
        parse(no_start)
            .unwrap_err()
            .iter()
            .any(|e| e.line == 3 && e.message.contains("'x'"))
    );
    let circle = r#"{"language": "en", "start": "a", "steps": [{"id": "a", "goto": "b"}, {"id": "b", "goto": "a"}]}"#;
    assert!(
        parse(circle)
            .unwrap_err()
            .iter()
            .any(|e| e.message.contains("circle"))
    );
}

/// The studio's conversation: interest, a day and time, the slot, yes — booked.
#[test]
fn the_studio_conversation_books_thursday_at_three() {
    let f = flow("cold_call", "de");
    let (mut state, turn) = start(&f);
    assert_eq!(
        turn.say,
        [
            "Guten Tag {first_name}! Hier ist {campaign_name}.",
            "Hätten Sie Interesse an einer kostenlosen Beratung?"
        ]
    );
    assert!(matches!(turn.effect, Effect::Listen { .. }));

    let turn = step(&f, &mut state, said("ja gerne", Lang::De));
    assert_eq!(
        turn.say,
        ["Wunderbar! Möchten Sie einen Termin für eine kostenlose Beratung vereinbaren?"]
    );
    let turn = step(&f, &mut state, said("ja", Lang::De));
    assert_eq!(turn.say, ["Wann hätten Sie denn Zeit?"]);

    let turn = step(&f, &mut state, said("Donnerstag um 15 Uhr", Lang::De));
    let Effect::FindSlot {
        wanted: Some(w),
        release: None,
        ..
    } = &turn.effect
    else {
        panic!("{turn:?}")
    };
    assert_eq!(
        (w.date.as_str(), w.time.as_deref()),
        ("2026-11-19", Some("15:00"))
    );

    let turn = step(
        &f,
        &mut state,
        Event::Offered(Some(slot(1795096800000, "hold_1"))),
    );
    assert_eq!(
        turn.say,
        ["Donnerstag, den 19. November um 15 Uhr wäre frei. Passt Ihnen das?"]
    );
    let turn = step(&f, &mut state, said("ja das passt perfekt", Lang::De));
    let Effect::Book { slot } = &turn.effect else {
        panic!("{turn:?}")
    };
    assert_eq!(slot.hold, "hold_1");

    let turn = step(&f, &mut state, Event::Booked(true));
    assert_eq!(
        turn.effect,
        Effect::Hangup {
            outcome: Outcome::AppointmentBooked
        }
    );
    assert!(turn.say[0].starts_with(
        "Ausgezeichnet! Ihr Termin am Donnerstag, den 19. November um 15 Uhr ist gebucht."
    ));
    assert_eq!(state.ended, Some(Outcome::AppointmentBooked));
    let x = &state.extracted;
    assert_eq!(
        (x.requested.as_deref(), x.booked_at, x.confirmed),
        (Some("2026-11-19 15:00"), Some(1795096800000), true)
    );
    assert_eq!(x.intent.as_deref(), Some("yes"));
}

#[test]
fn another_time_is_offered_instead_and_a_slot_gone_meanwhile_is_not_offered_again() {
    let f = flow("appointment_booking", "en");
    let (mut state, turn) = start(&f);
    assert_eq!(turn.say.last().unwrap(), "When would suit you?");
    step(&f, &mut state, said("thursday afternoon", Lang::En));
    step(&f, &mut state, Event::Offered(Some(slot(1, "hold_a"))));
    // "Rather Friday at 10": the first hold is released and Friday looked for.
    let turn = step(&f, &mut state, said("rather friday at 10", Lang::En));
    let Effect::FindSlot {
        wanted: Some(w),
        release,
        ..
    } = &turn.effect
    else {
        panic!("{turn:?}")
    };
    assert_eq!(
        (w.date.as_str(), release.as_deref()),
        ("2026-11-20", Some("hold_a"))
    );
    step(&f, &mut state, Event::Offered(Some(slot(2, "hold_b"))));
    step(&f, &mut state, said("yes", Lang::En));
    // The booking failed (the hold lapsed and the place was taken): the next slot, not that one.
    let turn = step(&f, &mut state, Event::Booked(false));
    let Effect::FindSlot { skip, release, .. } = &turn.effect else {
        panic!("{turn:?}")
    };
    assert_eq!((skip.as_slice(), release.as_deref()), (&[2][..], None));
    // No slot at all: said so, and asked again when.
    let turn = step(&f, &mut state, Event::Offered(None));
    assert_eq!(
        turn.say,
        ["Sorry, nothing is free then.", "When would suit you?"]
    );
}

#[test]
fn silence_or_mumbling_gets_one_more_try_then_a_polite_end() {
    let f = flow("cold_call", "en");
    let (mut state, _) = start(&f);
    let turn = step(&f, &mut state, Event::Silence);
    assert_eq!(
        turn.say,
        [
            "Sorry, I did not catch that.",
            "Would you be interested in a free consultation?"
        ]
    );
    let turn = step(&f, &mut state, said("hmm blub", Lang::En));
    assert_eq!(
        turn.effect,
        Effect::Hangup {
            outcome: Outcome::NoInput
        }
    );
    assert_eq!(turn.say, ["Thank you for your time. Goodbye."]);
    // Anything after the end changes nothing.
    assert_eq!(
        step(&f, &mut state, said("yes", Lang::En)).effect,
        Effect::Hangup {
            outcome: Outcome::NoInput
        }
    );
}

#[test]
fn a_call_back_at_the_time_named_and_an_opt_out_anywhere() {
    let f = flow("cold_call", "de");
    let (mut state, _) = start(&f);
    let turn = step(
        &f,
        &mut state,
        said(
            "rufen Sie mich nächste Woche Montag vormittags an",
            Lang::De,
        ),
    );
    let Effect::ScheduleCallback { when: Some(w) } = &turn.effect else {
        panic!("{turn:?}")
    };
    assert_eq!(
        (w.date.as_str(), w.from.as_deref(), w.to.as_deref()),
        ("2026-11-23", Some("08:00"), Some("12:00"))
    );
    let turn = step(
        &f,
        &mut state,
        Event::CallbackScheduled(Some(Scheduled {
            at: 1795420800000,
            spoken: "am Montag, den 23. November um 8 Uhr".into(),
        })),
    );
    assert_eq!(
        turn.say,
        ["Gerne, wir rufen Sie am Montag, den 23. November um 8 Uhr wieder an. Auf Wiederhören!"]
    );
    assert_eq!(
        turn.effect,
        Effect::Hangup {
            outcome: Outcome::CallBackRequested
        }
    );
    assert_eq!(state.extracted.callback_at, Some(1795420800000));

    // "Later" without a time: asked when; no answer twice: a call-back without a time.
    let (mut state, _) = start(&f);
    let turn = step(&f, &mut state, said("rufen sie später an", Lang::De));
    assert_eq!(turn.say, ["Wann dürfen wir Sie wieder anrufen?"]);
    step(&f, &mut state, Event::Silence);
    let turn = step(&f, &mut state, Event::Silence);
    assert_eq!(turn.effect, Effect::ScheduleCallback { when: None });

    // Never call again, in the middle of booking.
    let (mut state, _) = start(&f);
    step(&f, &mut state, said("ja", Lang::De));
    let turn = step(
        &f,
        &mut state,
        said("rufen sie mich nie wieder an", Lang::De),
    );
    assert_eq!(turn.effect, Effect::OptOut);
    assert_eq!(
        step(&f, &mut state, Event::OptedOut).effect,
        Effect::Hangup {
            outcome: Outcome::OptedOut
        }
    );
    // A person, please: a transfer; nobody free: a call-back.
    let (mut state, _) = start(&f);
    assert_eq!(
        step(
            &f,
            &mut state,
            said("kann ich mit einem Mitarbeiter sprechen", Lang::De)
        )
        .effect,
        Effect::Transfer
    );
    let turn = step(&f, &mut state, Event::Transferred(false));
    assert_eq!(
        turn.say,
        [
            "Leider ist gerade niemand frei.",
            "Wann dürfen wir Sie wieder anrufen?"
        ]
    );
}

#[test]
fn a_reminder_confirms_moves_or_cancels_its_appointment() {
    let f = flow("appointment_reminder", "de");
    let (mut state, turn) = start(&f);
    assert!(turn.say[0].contains("{appointment_day} um {appointment_time}"));
    let turn = step(&f, &mut state, said("ja", Lang::De));
    assert!(
        matches!(turn.effect, Effect::ChangeAppointment { action } if serde_json::to_value(action).unwrap() == "confirm")
    );
    assert_eq!(
        step(&f, &mut state, Event::AppointmentChanged(true)).effect,
        Effect::Hangup {
            outcome: Outcome::AppointmentBooked
        }
    );

    let (mut state, _) = start(&f);
    let turn = step(&f, &mut state, said("nein, lieber freitag um 10", Lang::De));
    assert!(matches!(turn.effect, Effect::FindSlot { .. }), "{turn:?}");

    let (mut state, _): (State, _) = start(&f);
    step(&f, &mut state, said("nein", Lang::De));
    let turn = step(&f, &mut state, said("nein", Lang::De));
    assert!(
        matches!(turn.effect, Effect::ChangeAppointment { action } if serde_json::to_value(action).unwrap() == "cancel")
    );
}
