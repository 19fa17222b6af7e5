//! Simulated people who answer speech questions (`<Gather input="speech …">`), so conversation
//! campaigns run end to end without a phone. Each person is one persona for the whole call and
//! answers in the question's language. They read the question: a "when?" gets a day and time,
//! "does that suit you?" a yes, anything else their attitude.

use crate::twiml::Node;

/// Who the simulated person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persona {
    /// Wants it: yes, Thursday at three, yes that suits.
    Interested,
    /// No thanks.
    NotInterested,
    /// Not now: call me next Monday morning.
    AnotherTime,
    /// Wants a person.
    AsksForPerson,
    /// Never call again.
    OptsOut,
    /// Says nothing.
    Silent,
    /// Mumbles: recognised with low confidence.
    Mumbles,
}

impl Persona {
    /// Every persona, in the order of `PersonaWeights::as_array`.
    pub const ALL: [Persona; 7] = [
        Persona::Interested,
        Persona::NotInterested,
        Persona::AnotherTime,
        Persona::AsksForPerson,
        Persona::OptsOut,
        Persona::Silent,
        Persona::Mumbles,
    ];
}

/// What a question asks, read from its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    When,
    DoesItSuit,
    Other,
}

fn question(prompt: &str) -> Question {
    let p = prompt.to_lowercase();
    if [
        "passt ihnen",
        "passt das",
        "does that suit",
        "does that work",
    ]
    .iter()
    .any(|w| p.contains(w))
    {
        Question::DoesItSuit
    } else if ["wann ", "when "].iter().any(|w| p.contains(w)) {
        Question::When
    } else {
        Question::Other
    }
}

/// The answer of `persona` to `prompt` (what was said before the question) in `language`
/// (`de…` German, else English): the text and the recogniser's confidence, or `None` for
/// silence.
pub fn answer(persona: Persona, prompt: &str, language: &str) -> Option<(&'static str, f32)> {
    let de = language.to_ascii_lowercase().starts_with("de");
    let q = question(prompt);
    let pick = |g: &'static str, e: &'static str| if de { g } else { e };
    Some(match persona {
        Persona::Silent => return None,
        Persona::Mumbles => (pick("ähm hm", "uh hm"), 0.2),
        Persona::Interested => match q {
            Question::When => (pick("Donnerstag um 15 Uhr", "thursday at 3 pm"), 0.91),
            Question::DoesItSuit => (pick("ja das passt perfekt", "yes that works for me"), 0.93),
            Question::Other => (pick("ja gerne", "yes please"), 0.95),
        },
        Persona::NotInterested => (
            pick("nein danke kein Interesse", "no thanks not interested"),
            0.92,
        ),
        Persona::AnotherTime => (
            pick(
                "rufen Sie mich nächste Woche Montag vormittags an",
                "call me next monday morning",
            ),
            0.88,
        ),
        Persona::AsksForPerson => (
            pick(
                "kann ich mit einem Mitarbeiter sprechen",
                "can I talk to a person",
            ),
            0.9,
        ),
        Persona::OptsOut => (
            pick(
                "bitte rufen Sie mich nicht mehr an",
                "please take me off your list",
            ),
            0.94,
        ),
    })
}

impl super::Player {
    /// Answers a speech `<Gather>` as the call's persona: what comes next (the action's TwiML),
    /// `Ok(None)` for silence the action does not ask to hear of, or `Err` with what ended the
    /// call (`None` when the action could not be fetched).
    pub(super) async fn answer_speech(
        &mut self,
        verb: &Node,
    ) -> Result<Option<Vec<Node>>, Option<super::Interrupt>> {
        let asked: String = verb
            .children
            .iter()
            .filter(|c| c.name == "Say")
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let language = verb.attr("language").unwrap_or("en-US");
        let action = verb.attr("action").map(str::to_string).ok_or(None)?;
        match answer(self.persona, &asked, language) {
            Some((words, confidence)) => {
                if let Some(x) = self.wait((words.len() as f64 / 14.0).max(1.0)).await {
                    return Err(Some(x));
                }
                let fields = [
                    ("SpeechResult".to_string(), words.to_string()),
                    ("Confidence".to_string(), format!("{confidence:.2}")),
                ];
                self.fetch_twiml(&action, &fields)
                    .await
                    .map(Some)
                    .ok_or(None)
            }
            None => {
                let t = verb
                    .attr("timeout")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(5.0);
                if let Some(x) = self.wait(t).await {
                    return Err(Some(x));
                }
                if verb.attr("actionOnEmptyResult") != Some("true") {
                    return Ok(None);
                }
                self.fetch_twiml(&action, &[]).await.map(Some).ok_or(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PersonaWeights;

    #[test]
    fn people_answer_the_question_asked_in_its_language() {
        let i = Persona::Interested;
        assert_eq!(
            answer(i, "Hätten Sie Interesse?", "de-DE").unwrap().0,
            "ja gerne"
        );
        assert_eq!(
            answer(i, "Wann hätten Sie denn Zeit?", "de-DE").unwrap().0,
            "Donnerstag um 15 Uhr"
        );
        assert_eq!(
            answer(
                i,
                "Donnerstag um 15 Uhr wäre frei. Passt Ihnen das?",
                "de-DE"
            )
            .unwrap()
            .0,
            "ja das passt perfekt"
        );
        assert_eq!(
            answer(i, "When would suit you?", "en-US").unwrap().0,
            "thursday at 3 pm"
        );
        assert_eq!(answer(Persona::Silent, "Hallo?", "de-DE"), None);
        assert!(answer(Persona::Mumbles, "Hallo?", "de-DE").unwrap().1 < 0.4);
        assert_eq!(
            PersonaWeights::default().as_array().len(),
            Persona::ALL.len()
        );
    }
}
