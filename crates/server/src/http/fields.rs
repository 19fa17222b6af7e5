//! Reading a JSON body into a request type field by field: every wrong field named at once, in
//! words a user understands, and characters that have no place in a field refused.

use crate::error::AppError;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Wrong fields reported at most in one answer.
const MAX_PROBLEMS: usize = 20;

pub(crate) use outdial_domain::text::control_character;

/// What is said of a field holding `c`.
pub(crate) fn control_message(c: char) -> String {
    format!(
        "contains the control character U+{:04X}, which has no place here; remove it",
        c as u32
    )
}

/// `message` without a parser's " at line 1 column 76".
pub(crate) fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// Stand-ins tried in turn for a field whose own value is wrong or missing, so that reading
/// goes on to the next wrong field.
const STAND_INS: [fn() -> Value; 6] = [
    || Value::Null,
    || json!(""),
    || json!(0),
    || json!(false),
    || json!([]),
    || json!({}),
];

/// Reads `value` as `T`, or answers 422 naming every wrong field. After each problem the wrong
/// value is replaced by a stand-in of the expected kind (or taken out) and the body read again,
/// until it reads or a field's stand-ins are used up.
pub(crate) fn parse<T: DeserializeOwned>(mut value: Value) -> Result<T, AppError> {
    let mut problems: Vec<(String, String)> = Vec::new();
    control_characters(&value, "", &mut problems);
    if !problems.is_empty() {
        return Err(answer(problems));
    }
    let mut tried: std::collections::HashMap<String, usize> = Default::default();
    for _ in 0..(MAX_PROBLEMS * (STAND_INS.len() + 2)) {
        let e = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(parsed) if problems.is_empty() => return Ok(parsed),
            Ok(_) => return Err(answer(problems)),
            Err(e) => e,
        };
        let at = e.path().to_string();
        let at = if at == "." { String::new() } else { at };
        let (field, message, stand_in) = describe(&at, &e.inner().to_string());
        if field.is_empty() {
            problems.push((field, message));
            return Err(answer(problems));
        }
        let next = if problems.iter().any(|(f, _)| *f == field) {
            // The stand-in did not fit either: the next one.
            let n = tried.entry(field.clone()).or_insert(0);
            *n += 1;
            match STAND_INS.get(*n - 1) {
                Some(make) => Some(make()),
                None => return Err(answer(problems)),
            }
        } else {
            if problems.len() >= MAX_PROBLEMS {
                return Err(answer(problems));
            }
            problems.push((field.clone(), message));
            stand_in
        };
        let placed = match next {
            Some(v) => set(&mut value, &field, Some(v)),
            None => set(&mut value, &field, None),
        };
        if !placed {
            return Err(answer(problems));
        }
    }
    Err(answer(problems))
}

fn answer(problems: Vec<(String, String)>) -> AppError {
    let message = problems
        .iter()
        .map(|(f, m)| {
            if f.is_empty() {
                m.clone()
            } else {
                format!("{f}: {m}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let details = problems
        .into_iter()
        .map(|(f, m)| json!({ "field": if f.is_empty() { Value::Null } else { Value::String(f) }, "message": m }))
        .collect();
    AppError::Validation {
        message,
        details: Value::Array(details),
    }
}

fn control_characters(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => {
            if let Some(c) = control_character(s) {
                out.push((at.to_string(), control_message(c)));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                control_characters(v, &format!("{at}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                if let Some(c) = control_character(k) {
                    out.push((here.clone(), format!("its name {}", control_message(c))));
                }
                control_characters(v, &here, out);
            }
        }
        _ => {}
    }
}

/// The field a serde error is about, the problem in words, and a value of the expected kind to
/// stand in for it (`None`: take the value out).
fn describe(at: &str, raw: &str) -> (String, String, Option<Value>) {
    let raw = without_position(raw);
    let join = |name: &str| {
        if at.is_empty() {
            name.to_string()
        } else {
            format!("{at}.{name}")
        }
    };
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return (join(name), "is required".into(), Some(Value::Null));
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (name, expected) = rest
            .split_once("`, expected ")
            .unwrap_or((rest.trim_end_matches('`'), ""));
        let message = if expected.is_empty() || expected == "no fields" {
            "is not a field here".to_string()
        } else {
            format!("is not a field here; the fields are {}", names(expected))
        };
        return (join(name), message, None);
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (given, expected) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        let first = variants(expected).first().map(|v| json!(v));
        return (
            at.to_string(),
            format!("must be {} (not \"{given}\")", one_of(expected)),
            first,
        );
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((got, expected)) = rest.split_once(", expected ")
        {
            return (
                at.to_string(),
                format!(
                    "must be {} (not {})",
                    expected_words(expected),
                    got_words(got)
                ),
                stand_in_for(expected),
            );
        }
    }
    (at.to_string(), raw, None)
}

/// A value of the kind serde expected, when it says.
fn stand_in_for(expected: &str) -> Option<Value> {
    Some(match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => json!(0),
        "f32" | "f64" => json!(0.0),
        "a string" | "a borrowed string" => json!(""),
        "a boolean" => json!(false),
        "a sequence" => json!([]),
        "a map" => json!({}),
        e if e.starts_with("struct ") => json!({}),
        e if e.starts_with("one of ") || e.starts_with('`') => json!(variants(e).first()?),
        _ => return None,
    })
}

/// The names serde lists between backticks (`` `a`, `b` or `c` ``).
fn variants(list: &str) -> Vec<&str> {
    list.split('`').skip(1).step_by(2).collect()
}

fn names(list: &str) -> String {
    variants(list).join(", ")
}

fn one_of(expected: &str) -> String {
    match variants(expected).as_slice() {
        [] => expected.to_string(),
        [one] => (*one).to_string(),
        [a, b] => format!("{a} or {b}"),
        many => format!("one of {}", many.join(", ")),
    }
}

fn expected_words(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a string" | "a borrowed string" => "text".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list".into(),
        "a map" => "an object".into(),
        e if e.starts_with("struct ") => "an object".into(),
        e if e.starts_with("one of ") || e.starts_with('`') => one_of(e),
        e => e.to_string(),
    }
}

fn got_words(got: &str) -> String {
    if let Some(text) = got.strip_prefix("string ") {
        return format!("the text {text}");
    }
    for kind in ["integer ", "floating point ", "boolean "] {
        if let Some(v) = got.strip_prefix(kind) {
            return v.trim_matches('`').to_string();
        }
    }
    match got {
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        "null" | "unit value" => "null".into(),
        other => other.to_string(),
    }
}

/// Puts `new` at `at` (`a.b[2].c`) in `value`, or takes the value there out when `new` is
/// `None`; false when the place does not exist.
fn set(value: &mut Value, at: &str, new: Option<Value>) -> bool {
    let mut steps: Vec<Step> = Vec::new();
    for part in at.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            steps.push(Step::Key(name.to_string()));
        }
        for index in rest.split('[') {
            if let Ok(i) = index.trim_end_matches(']').parse::<usize>() {
                steps.push(Step::Index(i));
            }
        }
    }
    let Some(last) = steps.pop() else {
        return false;
    };
    let mut here = value;
    for step in steps {
        let next = match (step, here) {
            (Step::Key(k), Value::Object(map)) => map.get_mut(&k),
            (Step::Index(i), Value::Array(items)) => items.get_mut(i),
            _ => None,
        };
        match next {
            Some(v) => here = v,
            None => return false,
        }
    }
    match (last, here, new) {
        (Step::Key(k), Value::Object(map), Some(v)) => {
            map.insert(k, v);
            true
        }
        (Step::Key(k), Value::Object(map), None) => map.remove(&k).is_some(),
        // An element cannot be taken out without moving the rest: it becomes null.
        (Step::Index(i), Value::Array(items), v) if i < items.len() => {
            items[i] = v.unwrap_or(Value::Null);
            true
        }
        _ => false,
    }
}

enum Step {
    Key(String),
    Index(usize),
}

/// A moment the request gives as RFC 3339 (any offset), as epoch ms; 422 naming `field`
/// otherwise.
pub(crate) fn rfc3339(field: &str, value: &str) -> Result<i64, AppError> {
    value
        .trim()
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|e| {
            AppError::invalid(
                field,
                format!(
                    "'{value}' is not an RFC 3339 time such as 2026-12-08T09:00:00+01:00 ({e})"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        mode: Mode,
        seconds: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        Fast,
        Slow,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: Option<u32>,
        inner: Option<Inner>,
    }

    fn problems(v: Value) -> Vec<(String, String)> {
        match parse::<Body>(v) {
            Err(AppError::Validation { details, .. }) => details
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["field"].as_str().unwrap_or("").to_string(),
                        d["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect(),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn every_wrong_field_is_named_at_once_in_words() {
        let found = problems(json!({
            "name": 5, "count": "many", "inner": { "mode": "warp", "seconds": -3 }
        }));
        assert_eq!(
            found,
            vec![
                (
                    "count".to_string(),
                    "must be a whole number, 0 or more (not the text \"many\")".to_string()
                ),
                (
                    "inner.mode".to_string(),
                    "must be fast or slow (not \"warp\")".to_string()
                ),
                (
                    "inner.seconds".to_string(),
                    "must be a whole number, 0 or more (not -3)".to_string()
                ),
                ("name".to_string(), "must be text (not 5)".to_string()),
            ]
        );
    }

    #[test]
    fn a_missing_field_is_required_and_a_nul_is_refused_wherever_it_is() {
        assert_eq!(
            problems(json!({})),
            vec![("name".to_string(), "is required".to_string())]
        );
        let found = problems(json!({ "name": "a\u{0}b", "inner": { "mode": "fast\u{1b}" } }));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "inner.mode");
        assert!(found[1].1.contains("U+0000"), "{found:?}");
    }

    #[test]
    fn good_input_parses_and_positions_are_never_shown() {
        let b: Body =
            parse(json!({ "name": "x", "inner": { "mode": "slow", "seconds": 3 } })).unwrap();
        assert_eq!(b.name, "x");
        assert_eq!(
            without_position("expected value at line 1 column 76"),
            "expected value"
        );
    }
}
