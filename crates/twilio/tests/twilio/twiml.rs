use outdial_twilio::twiml::{Dial, DialTarget, Gather, Response, Say, Verb};
use quick_xml::Reader;
use quick_xml::events::Event;

/// Parses the document fully; returns the text of every `<Say>` and the attributes seen.
fn parse(xml: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut reader = Reader::from_str(xml);
    let mut says = Vec::new();
    let mut attrs = Vec::new();
    let mut in_say = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                in_say = e.name().as_ref() == b"Say";
                for a in e.attributes() {
                    let a = a.unwrap();
                    attrs.push((
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.unescape_value().unwrap().into_owned(),
                    ));
                }
            }
            Event::Text(t) if in_say => says.push(t.decode().unwrap().into_owned()),
            Event::GeneralRef(r) if in_say => {
                let name = r.decode().unwrap();
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                says.last_mut()
                    .map(|s| s.push_str(c))
                    .unwrap_or_else(|| says.push(c.into()));
            }
            Event::Text(t) if !in_say && !t.decode().unwrap().trim().is_empty() => {}
            Event::End(_) => in_say = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (says, attrs)
}

#[test]
fn awkward_names_yield_valid_xml_with_the_text_intact() {
    let name = r#"O'Brien & <Sons> "Ltd""#;
    let doc = Response::new()
        .say(format!("Hello {name}"), "Polly.Joanna", "en-US")
        .push(Verb::Gather(Gather {
            action: "https://o.example/twilio/gather?call=1&step=menu".into(),
            num_digits: Some(1),
            timeout_seconds: 6,
            speech: false,
            hints: Vec::new(),
            language: Some("en-US".into()),
            prompts: vec![Verb::Say(Say::new("Press 1 <now>", "", ""))],
            action_on_empty_result: false,
        }))
        .hangup()
        .render();
    assert!(doc.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#));
    let (says, attrs) = parse(&doc);
    assert_eq!(says.concat(), format!("Hello {name}Press 1 <now>"));
    assert!(attrs.contains(&(
        "action".to_string(),
        "https://o.example/twilio/gather?call=1&step=menu".to_string()
    )));
    assert!(attrs.contains(&("numDigits".into(), "1".into())));
    assert!(
        !doc.contains("actionOnEmptyResult"),
        "only asked for when wanted"
    );
    assert!(doc.ends_with("<Hangup/></Response>"));
}

#[test]
fn control_characters_cannot_break_the_document() {
    let doc = Response::new()
        .say("bell\u{7} and nul\u{0} and tab\t", "", "")
        .render();
    let (says, _) = parse(&doc);
    assert_eq!(says.concat(), "bell and nul and tab\t");
}

#[test]
fn dial_renders_numbers_and_conferences() {
    let doc = Response::new()
        .push(Verb::Dial(Dial {
            caller_id: Some("+18134893200".into()),
            timeout_seconds: Some(20),
            action: Some("https://o.example/twilio/dial".into()),
            answer_on_bridge: true,
            time_limit_seconds: None,
            target: DialTarget::Number("+18134893201".into()),
        }))
        .push(Verb::Dial(Dial {
            caller_id: None,
            timeout_seconds: None,
            action: None,
            answer_on_bridge: false,
            time_limit_seconds: Some(3600),
            target: DialTarget::Conference {
                name: "call-1".into(),
                start_on_enter: false,
                end_on_exit: true,
                wait_url: None,
                status_callback: Some("https://o.example/twilio/conference".into()),
            },
        }))
        .render();
    parse(&doc);
    assert!(doc.contains(r#"<Dial callerId="+18134893200" timeout="20" action="https://o.example/twilio/dial" method="POST" answerOnBridge="true"><Number>+18134893201</Number></Dial>"#), "{doc}");
    assert!(doc.contains(r#"<Conference startConferenceOnEnter="false" endConferenceOnExit="true" beep="false" statusCallback="https://o.example/twilio/conference" statusCallbackEvent="start end join leave">call-1</Conference>"#), "{doc}");
}

#[test]
fn what_a_document_says_splits_at_its_first_gather() {
    use outdial_twilio::twiml::Spoken;
    let doc = Response::new()
        .say("Hello Ada.", "", "")
        .push(Verb::Gather(Gather {
            action: "https://o.example/twilio/gather?call=1".into(),
            num_digits: Some(1),
            timeout_seconds: 6,
            speech: false,
            hints: Vec::new(),
            language: None,
            prompts: vec![
                Verb::Say(Say::new("Spring offers are here.", "", "")),
                Verb::Say(Say::new(
                    "Press 1 for an agent, 2 to stop these calls.",
                    "",
                    "",
                )),
            ],
            action_on_empty_result: false,
        }))
        .say("Goodbye.", "", "")
        .hangup();
    assert_eq!(
        doc.spoken(),
        Spoken {
            said: vec![
                "Hello Ada.".into(),
                "Spring offers are here.".into(),
                "Press 1 for an agent, 2 to stop these calls.".into()
            ],
            unless_answered: vec!["Goodbye.".into()],
        }
    );
    assert!(Response::new().hangup().spoken().is_empty());
}

#[test]
fn a_speech_gather_listens_for_words_and_keys_with_hints() {
    let doc = Response::new()
        .push(Verb::Gather(Gather {
            action: "https://o.example/twilio/converse?tenant=1&call=2".into(),
            num_digits: Some(1),
            timeout_seconds: 5,
            speech: true,
            hints: vec!["Donnerstag".into(), "15 Uhr".into()],
            language: Some("de-DE".into()),
            prompts: vec![Verb::Say(Say::new("Wann hätten Sie Zeit?", "", "de-DE"))],
            action_on_empty_result: true,
        }))
        .render();
    assert!(
        doc.contains(r#"<Gather input="dtmf speech" action="https://o.example/twilio/converse?tenant=1&amp;call=2" method="POST" numDigits="1" timeout="5" language="de-DE" speechTimeout="auto" hints="Donnerstag, 15 Uhr" actionOnEmptyResult="true">"#),
        "{doc}"
    );
}
