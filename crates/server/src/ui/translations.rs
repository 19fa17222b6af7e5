//! The web application's translations are complete: every text the pages pass to `t`, `tn` or
//! `key` is in `locales/en.json` and `locales/de.json`, neither file holds a text no page uses,
//! and every translation keeps the text's {placeholders}. Values the server sends (statuses,
//! outcomes) are translated under `=value` keys, which only the German file needs.

use super::assets::FILES;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The texts the scripts hand to `t(`, `tn(` or `key(` as a quoted literal.
fn used_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (name, body, _) in FILES.iter().filter(|(n, ..)| n.ends_with(".js")) {
        let bytes = body.as_bytes();
        for call in ["t(", "tn(", "key("] {
            for (at, _) in body.match_indices(call) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
                    continue;
                }
                let rest = &body[at + call.len()..];
                let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                    continue;
                };
                keys.insert(literal(&rest[1..], quote).unwrap_or_else(|| {
                    panic!("{name}: an unterminated text after {call} at byte {at}")
                }));
            }
        }
    }
    keys
}

/// A JavaScript string literal's text up to its closing `quote`.
fn literal(s: &str, quote: char) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                other => out.push(other),
            },
            c if c == quote => return Some(out),
            c => out.push(c),
        }
    }
    None
}

fn locale(code: &str) -> Map<String, Value> {
    let (_, body, _) = FILES
        .iter()
        .find(|(n, ..)| *n == format!("locales/{code}.json"))
        .unwrap_or_else(|| panic!("locales/{code}.json is served"));
    serde_json::from_str(body).unwrap_or_else(|e| panic!("locales/{code}.json: {e}"))
}

/// The {placeholders} of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                found.insert(after[..close].to_string());
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    found
}

/// Each form of a translation: a string, or plural forms (`other` required).
fn forms<'a>(file: &str, key: &str, value: &'a Value) -> Vec<(&'a str, &'a str)> {
    match value {
        Value::String(s) => vec![("other", s.as_str())],
        Value::Object(m) => {
            assert!(
                m.contains_key("other"),
                "{file}: '{key}' has no 'other' form"
            );
            m.iter()
                .map(|(form, v)| {
                    assert!(
                        ["zero", "one", "two", "few", "many", "other"].contains(&form.as_str()),
                        "{file}: '{key}' has a form '{form}' that Intl.PluralRules never picks"
                    );
                    (
                        form.as_str(),
                        v.as_str()
                            .unwrap_or_else(|| panic!("{file}: '{key}'.{form} is not text")),
                    )
                })
                .collect()
        }
        other => panic!("{file}: '{key}' is {other}, not text"),
    }
}

#[test]
fn every_text_of_the_pages_is_translated_with_its_placeholders() {
    let used = used_keys();
    assert!(
        used.len() > 300,
        "the scan found the pages' texts: {}",
        used.len()
    );
    for code in ["en", "de"] {
        let file = format!("locales/{code}.json");
        let words = locale(code);
        let missing: Vec<_> = used.iter().filter(|k| !words.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{file} lacks {missing:#?}");
        let stale: Vec<_> = words
            .keys()
            .filter(|k| {
                // `=value` keys are the server's values: only other languages need them.
                let server_value = code != "en" && k.starts_with('=');
                !used.contains(*k) && !server_value
            })
            .collect();
        assert!(
            stale.is_empty(),
            "{file} holds texts no page uses: {stale:#?}"
        );
        for (key, value) in &words {
            let wanted = placeholders(key.trim_start_matches('='));
            for (form, text) in forms(&file, key, value) {
                assert!(!text.trim().is_empty(), "{file}: '{key}' is empty");
                let mut got = placeholders(text);
                // A singular may say "the field" instead of "{n} fields".
                if form == "one" {
                    got.insert("n".into());
                }
                let mut want = wanted.clone();
                if form == "one" {
                    want.insert("n".into());
                }
                assert_eq!(
                    got, want,
                    "{file}: '{key}' ({form}) changes the placeholders: '{text}'"
                );
            }
        }
    }
}

#[test]
fn the_scan_reads_quoted_texts_and_skips_other_calls() {
    assert_eq!(literal("it\\'s here') + x", '\''), Some("it's here".into()));
    assert_eq!(literal("a \"b\"", '"'), Some("a ".into()));
    assert_eq!(literal("never closed", '\''), None);
    assert_eq!(
        placeholders("{n} of {total} {not a name}"),
        BTreeSet::from(["n".into(), "total".into()])
    );
}
