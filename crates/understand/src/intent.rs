//! What a person wants, from what they said or the key they pressed.
//!
//! Phrases are matched as whole words, longest and most decisive first: an opt-out ("nicht mehr
//! anrufen") wins over a plain "nein", "nicht interessiert" over "interessiert", and "kein
//! Interesse" is never read as interest.

use crate::lang::Lang;
use serde::Serialize;

/// What the person wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Intent {
    /// Agrees: "ja", "gerne", "yes", "sure".
    Yes,
    /// Declines: "nein", "no".
    No,
    /// Wants what is offered: "klingt interessant", "tell me more".
    Interested,
    /// Does not: "kein Interesse", "not interested".
    NotInterested,
    /// Not now; call later, at the time given if any: "rufen Sie später an", "call me tomorrow".
    CallLater,
    /// Never call again: "nicht mehr anrufen", "take me off your list".
    OptOut,
    /// Wants to speak with a person: "einen Mitarbeiter bitte", "can I talk to someone".
    AsksForPerson,
    /// Asks who is calling: "wer ist da", "who is this".
    AsksWhoIsCalling,
    /// The number is not theirs: "falsch verbunden", "wrong number".
    WrongPerson,
    /// Did not hear: "wie bitte", "can you repeat that".
    Repeat,
    /// None of these.
    Unknown,
}

/// Phrases per intent, most decisive first. A phrase is words that must follow each other.
fn phrases(lang: Lang) -> &'static [(Intent, &'static [&'static str])] {
    match lang {
        Lang::De => &[
            (
                Intent::OptOut,
                &[
                    "nicht mehr anrufen",
                    "nie wieder anrufen",
                    "rufen sie nicht mehr an",
                    "nicht mehr an",
                    "von ihrer liste",
                    "von der liste",
                    "aus ihrer liste",
                    "keine anrufe mehr",
                    "hören sie auf mich anzurufen",
                    "hören sie auf anzurufen",
                    "lassen sie mich in ruhe",
                    "nummer löschen",
                    "meine nummer löschen",
                    "löschen sie meine",
                    "sperren sie meine nummer",
                    "nie wieder",
                    "austragen",
                    "tragen sie mich aus",
                    "abmelden",
                ],
            ),
            (
                Intent::WrongPerson,
                &[
                    "falsch verbunden",
                    "falsche nummer",
                    "verwählt",
                    "kenne ich nicht",
                    "wohnt hier nicht",
                    "gibt es hier nicht",
                    "bin ich nicht",
                    "heiße nicht",
                    "nicht der richtige",
                    "nicht die richtige",
                ],
            ),
            (
                Intent::AsksWhoIsCalling,
                &[
                    "wer ist da",
                    "wer spricht",
                    "wer sind sie",
                    "wer ruft an",
                    "mit wem spreche ich",
                    "woher haben sie meine nummer",
                    "von welcher firma",
                    "wer ist das",
                ],
            ),
            (
                Intent::AsksForPerson,
                &[
                    "mit einem menschen",
                    "mit einer person",
                    "einen mitarbeiter",
                    "eine mitarbeiterin",
                    "mit einem mitarbeiter",
                    "mit einer mitarbeiterin",
                    "mit einem kollegen",
                    "mit einer kollegin",
                    "einen menschen",
                    "mit jemandem sprechen",
                    "mit jemandem reden",
                    "echte person",
                    "verbinden sie mich",
                    "durchstellen",
                    "berater sprechen",
                    "mit ihnen persönlich",
                    "echten person",
                    "echten menschen",
                    "richtigen menschen",
                ],
            ),
            (
                Intent::Repeat,
                &[
                    "wie bitte",
                    "noch einmal",
                    "nochmal",
                    "wiederholen",
                    "nicht verstanden",
                    "nicht verstehen",
                    "was haben sie gesagt",
                    "bitte was",
                ],
            ),
            (
                Intent::CallLater,
                &[
                    "später",
                    "ein andermal",
                    "ein anderes mal",
                    "keine zeit",
                    "gerade nicht",
                    "jetzt nicht",
                    "passt gerade nicht",
                    "passt jetzt nicht",
                    "unterwegs",
                    "melden sie sich",
                    "rufen sie mich",
                    "rufen sie an",
                    "zurückrufen",
                    "rückruf",
                    "im moment nicht",
                    "gerade schlecht",
                    "gerade beschäftigt",
                    "auf der arbeit",
                ],
            ),
            (
                Intent::NotInterested,
                &[
                    "kein interesse",
                    "nicht interessiert",
                    "nicht interessant",
                    "brauche ich nicht",
                    "brauchen wir nicht",
                    "haben wir schon",
                    "habe ich schon",
                    "will ich nicht",
                    "möchte ich nicht",
                    "nein danke",
                    "danke nein",
                    "lieber nicht",
                    "kein bedarf",
                ],
            ),
            (
                Intent::Interested,
                &[
                    "interessiert",
                    "interessant",
                    "interesse",
                    "erzählen sie mehr",
                    "erzählen sie mir mehr",
                    "mehr erfahren",
                    "mehr wissen",
                    "klingt gut",
                    "hört sich gut an",
                    "gerne mehr",
                    "termin",
                    "beratung",
                    "vorbeikommen",
                ],
            ),
            (
                Intent::No,
                &[
                    "nein",
                    "ne",
                    "nee",
                    "nö",
                    "auf keinen fall",
                    "eher nicht",
                    "nicht",
                ],
            ),
            (
                Intent::Yes,
                &[
                    "ja",
                    "jawohl",
                    "gerne",
                    "gern",
                    "genau",
                    "richtig",
                    "stimmt",
                    "passt",
                    "okay",
                    "ok",
                    "einverstanden",
                    "natürlich",
                    "sicher",
                    "klar",
                    "perfekt",
                    "in ordnung",
                    "machen wir",
                    "das passt",
                    "jo",
                    "jep",
                ],
            ),
        ],
        Lang::En => &[
            (
                Intent::OptOut,
                &[
                    "take me off",
                    "remove me",
                    "off your list",
                    "do not call",
                    "don't call",
                    "dont call",
                    "stop calling",
                    "never call",
                    "unsubscribe",
                    "no more calls",
                    "leave me alone",
                    "put me on your do not call",
                ],
            ),
            (
                Intent::WrongPerson,
                &[
                    "wrong number",
                    "wrong person",
                    "no one by that name",
                    "nobody by that name",
                    "doesn't live here",
                    "does not live here",
                    "you have the wrong",
                    "not me",
                    "who's that",
                ],
            ),
            (
                Intent::AsksWhoIsCalling,
                &[
                    "who is this",
                    "who's this",
                    "who is calling",
                    "who's calling",
                    "who are you",
                    "what company",
                    "where are you calling from",
                    "how did you get my number",
                    "who is it",
                ],
            ),
            (
                Intent::AsksForPerson,
                &[
                    "real person",
                    "a human",
                    "talk to someone",
                    "speak to someone",
                    "speak with someone",
                    "talk to a person",
                    "speak to a person",
                    "representative",
                    "an agent",
                    "operator",
                    "transfer me",
                    "connect me",
                ],
            ),
            (
                Intent::Repeat,
                &[
                    "repeat",
                    "say that again",
                    "come again",
                    "pardon",
                    "didn't catch",
                    "did not catch",
                    "didn't hear",
                    "what did you say",
                    "one more time",
                    "sorry what",
                ],
            ),
            (
                Intent::CallLater,
                &[
                    "call me back",
                    "call back",
                    "call me later",
                    "call later",
                    "later",
                    "another time",
                    "not now",
                    "not right now",
                    "not a good time",
                    "busy right now",
                    "bad time",
                    "i'm busy",
                    "im busy",
                    "i am busy",
                    "at work",
                    "driving",
                    "call me tomorrow",
                    "try again",
                    "call me",
                ],
            ),
            (
                Intent::NotInterested,
                &[
                    "not interested",
                    "no thanks",
                    "no thank you",
                    "don't need",
                    "dont need",
                    "do not need",
                    "not for me",
                    "already have",
                    "i'll pass",
                    "pass on",
                    "no interest",
                ],
            ),
            (
                Intent::Interested,
                &[
                    "interested",
                    "interesting",
                    "tell me more",
                    "sounds good",
                    "sounds great",
                    "love to",
                    "i'd like",
                    "i would like",
                    "appointment",
                    "consultation",
                    "sign me up",
                    "book",
                ],
            ),
            (Intent::No, &["no", "nope", "nah", "not really", "no way"]),
            (
                Intent::Yes,
                &[
                    "yes",
                    "yeah",
                    "yep",
                    "yup",
                    "sure",
                    "okay",
                    "ok",
                    "correct",
                    "right",
                    "absolutely",
                    "of course",
                    "definitely",
                    "that works",
                    "works for me",
                    "perfect",
                    "fine",
                    "sounds fine",
                    "alright",
                    "all right",
                    "please do",
                    "go ahead",
                ],
            ),
        ],
    }
}

fn contains(tokens: &[String], phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split(' ').collect();
    tokens
        .windows(words.len())
        .any(|w| w.iter().zip(&words).all(|(a, b)| a == b))
}

/// The intent of `tokens`, and how sure. `has_time`: the utterance names a day or time, which
/// makes "not now" a call-back and a bare "ja" with a time an acceptance.
pub fn classify(tokens: &[String], lang: Lang, has_time: bool) -> (Intent, f32) {
    if tokens.is_empty() {
        return (Intent::Unknown, 0.0);
    }
    for (intent, list) in phrases(lang) {
        if let Some(p) = list.iter().find(|p| contains(tokens, p)) {
            let words = p.split(' ').count();
            // A longer phrase, or one that is most of what was said, is surer.
            let share = words as f32 / tokens.len() as f32;
            let confidence = (0.7 + 0.1 * words.min(3) as f32 + 0.1 * share).min(0.98);
            return (*intent, confidence);
        }
    }
    if has_time {
        // A day or time offered on its own ("Donnerstag um 15 Uhr?") answers a question about
        // when: the person agrees and names the time.
        return (Intent::Yes, 0.7);
    }
    (Intent::Unknown, 0.3)
}

/// The intent of a key pressed on the phone: 1 yes, 2 no, 3 call later, 0 a person, * repeat,
/// 9 never call again.
pub fn from_key(key: char) -> Intent {
    match key {
        '1' => Intent::Yes,
        '2' => Intent::No,
        '3' => Intent::CallLater,
        '0' => Intent::AsksForPerson,
        '*' => Intent::Repeat,
        '9' => Intent::OptOut,
        _ => Intent::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::tokens;

    fn intent(text: &str, lang: Lang) -> Intent {
        classify(&tokens(text, lang), lang, false).0
    }

    #[test]
    fn the_most_decisive_phrase_wins() {
        assert_eq!(
            intent("nein rufen sie nicht mehr an", Lang::De),
            Intent::OptOut
        );
        assert_eq!(
            intent("nicht interessiert", Lang::De),
            Intent::NotInterested
        );
        assert_eq!(intent("kein interesse", Lang::De), Intent::NotInterested);
        assert_eq!(intent("no thanks", Lang::En), Intent::NotInterested);
        assert_eq!(
            intent("please don't call me again", Lang::En),
            Intent::OptOut
        );
        assert_eq!(intent("", Lang::En), Intent::Unknown);
        assert_eq!(intent("the weather is nice", Lang::En), Intent::Unknown);
        // A time offered alone answers "when": a yes.
        assert_eq!(
            classify(&tokens("donnerstag um drei", Lang::De), Lang::De, true).0,
            Intent::Yes
        );
    }

    #[test]
    fn keys_map_to_intents() {
        assert_eq!(from_key('1'), Intent::Yes);
        assert_eq!(from_key('2'), Intent::No);
        assert_eq!(from_key('9'), Intent::OptOut);
        assert_eq!(from_key('0'), Intent::AsksForPerson);
        assert_eq!(from_key('#'), Intent::Unknown);
        assert_eq!(Lang::parse("de-DE"), Some(Lang::De));
        assert_eq!(Lang::parse("fr"), None);
    }
}
