//! The corpus: what people say, in German and English, with what it means. Prints the accuracy
//! per language and kind, and fails below 95 % of days and times exactly right in a language,
//! or on any day or time found where none was said.

use outdial_understand::{Intent, Lang, corpus, understand};
use std::collections::BTreeMap;

fn cases(file: &str) -> Vec<corpus::Case> {
    let path = format!("{}/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    corpus::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// An intent as the corpus writes it: its JSON name.
fn name(intent: Intent) -> String {
    serde_json_name(&intent)
}

fn serde_json_name(intent: &Intent) -> String {
    // The serde name is snake case of the variant.
    let debug = format!("{intent:?}");
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn the_corpus_is_understood() {
    let mut failures = Vec::new();
    let mut table: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut dated: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut false_dates = 0;
    for (file, lang, code) in [("de.tsv", Lang::De, "de"), ("en.tsv", Lang::En, "en")] {
        for case in cases(file) {
            let got = understand(&case.text, lang, &case.now);
            let date_ok = got.datetime == case.when;
            let intent_ok = case
                .intent
                .as_ref()
                .is_none_or(|want| name(got.intent) == *want);
            let kind = match &case.when {
                None => "no date",
                Some(w) => match w.kind {
                    outdial_understand::Kind::Day => "day",
                    outdial_understand::Kind::Instant => "day and time",
                    outdial_understand::Kind::PartOfDay => "span",
                },
            };
            let cell = table.entry((code, kind)).or_default();
            cell.1 += 1;
            cell.0 += usize::from(date_ok);
            if case.when.is_some() {
                let d = dated.entry(code).or_default();
                d.1 += 1;
                d.0 += usize::from(date_ok);
            } else if got.datetime.is_some() {
                false_dates += 1;
            }
            if case.intent.is_some() {
                let cell = table.entry((code, "intent")).or_default();
                cell.1 += 1;
                cell.0 += usize::from(intent_ok);
            }
            if !date_ok || !intent_ok {
                failures.push(format!(
                    "{file}:{} \"{}\": got {:?} {:?}, want {:?} {:?}",
                    case.line, case.text, got.intent, got.datetime, case.intent, case.when
                ));
            }
        }
    }
    println!("\n| language | kind | right | of | accuracy |\n| --- | --- | --- | --- | --- |");
    for ((lang, kind), (right, of)) in &table {
        println!(
            "| {lang} | {kind} | {right} | {of} | {:.1} % |",
            100.0 * *right as f64 / *of as f64
        );
    }
    for f in &failures {
        println!("MISS {f}");
    }
    assert_eq!(false_dates, 0, "a day or time found where none was said");
    for (lang, (right, of)) in &dated {
        let accuracy = 100.0 * *right as f64 / *of as f64;
        println!("{lang}: {right} of {of} days and times exactly right ({accuracy:.1} %)");
        assert!(
            accuracy >= 95.0,
            "{lang}: {accuracy:.1} % of days and times right"
        );
    }
    let total: usize = table
        .iter()
        .filter(|((l, k), _)| *l == "de" && *k != "intent")
        .map(|(_, (_, of))| of)
        .sum();
    assert!(total >= 250, "at least 250 German utterances: {total}");
    let total: usize = table
        .iter()
        .filter(|((l, k), _)| *l == "en" && *k != "intent")
        .map(|(_, (_, of))| of)
        .sum();
    assert!(total >= 250, "at least 250 English utterances: {total}");
}
