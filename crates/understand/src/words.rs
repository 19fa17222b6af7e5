//! From what speech recognition wrote to a list of words: lower case, punctuation gone (except
//! inside numbers: "15:30", "15.2.", "18."), hesitations ("äh", "uh") left out, and numbers
//! glued to their unit split off ("3pm" → "3", "pm").

use crate::lang::Lang;

/// Hesitations that carry no meaning, per language ("um" is a German word).
fn fillers(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::De => &[
            "äh", "ähm", "ähh", "öhm", "öh", "hm", "hmm", "hmmm", "mhm", "ehm", "eh",
        ],
        Lang::En => &[
            "uh", "uhm", "um", "umm", "er", "erm", "hm", "hmm", "hmmm", "ah", "eh",
        ],
    }
}

/// The words of `text`.
pub fn tokens(text: &str, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let prev_letter = i > 0 && chars[i - 1].is_alphabetic();
        let next_letter = chars.get(i + 1).is_some_and(|c| c.is_alphabetic());
        let keep = c.is_alphanumeric()
            || ((c == '.' || c == ':') && prev_digit && (next_digit || c == '.'))
            // "who's", "don't", "o'clock" stay one word.
            || ((c == '\'' || c == '’') && prev_letter && next_letter);
        if keep {
            word.push(c);
        } else {
            push(&mut out, &mut word, lang);
        }
    }
    push(&mut out, &mut word, lang);
    out
}

fn push(out: &mut Vec<String>, word: &mut String, lang: Lang) {
    if word.is_empty() {
        return;
    }
    let w = std::mem::take(word).replace('’', "'");
    if fillers(lang).contains(&w.as_str()) {
        return;
    }
    // "3pm", "10am": the number and its unit.
    for unit in ["pm", "am", "uhr", "h"] {
        if let Some(num) = w.strip_suffix(unit)
            && !num.is_empty()
            && num
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
        {
            out.push(num.to_string());
            out.push(unit.to_string());
            return;
        }
    }
    out.push(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_numbers_and_drop_hesitations() {
        assert_eq!(
            tokens("Äh, Donnerstag um 15:30 Uhr? Am 15.2. oder 18.", Lang::De),
            [
                "donnerstag",
                "um",
                "15:30",
                "uhr",
                "am",
                "15.2.",
                "oder",
                "18."
            ]
        );
        assert_eq!(
            tokens("uh tomorrow at 3pm, the 18th", Lang::En),
            ["tomorrow", "at", "3", "pm", "the", "18th"]
        );
        assert_eq!(tokens("Ja. Gerne!", Lang::De), ["ja", "gerne"]);
    }
}
