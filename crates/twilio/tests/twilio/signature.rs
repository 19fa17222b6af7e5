use outdial_twilio::signature::{Algorithm, SignatureError, sign, verify, verify_json};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/twilio/signature-vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn params(case: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(map) = case["params"].as_object() {
        for (k, v) in map {
            match v {
                Value::Array(vs) => {
                    for x in vs {
                        out.push((k.clone(), x.as_str().unwrap().to_string()))
                    }
                }
                v => out.push((k.clone(), v.as_str().unwrap().to_string())),
            }
        }
    }
    out
}

fn algorithm(case: &Value) -> Algorithm {
    match case["algorithm"].as_str().unwrap() {
        "HMAC_SHA256" => Algorithm::Sha256,
        _ => Algorithm::Sha1,
    }
}

#[test]
fn every_vector_behaves_as_stated() {
    let cases = vectors();
    assert!(cases.len() >= 10);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let url = case["url"].as_str().unwrap();
        let token = case["token"].as_str().unwrap().as_bytes();
        let signature = case["signature"].as_str().unwrap();
        let valid = case["valid"].as_bool().unwrap_or(true);
        let result = match case["body"].as_str() {
            Some(body) => verify_json(token, algorithm(case), url, body.as_bytes(), signature),
            None => verify(token, algorithm(case), url, &params(case), signature),
        };
        assert_eq!(result.is_ok(), valid, "case {name}: {result:?}");
    }
}

#[test]
fn signing_reproduces_the_vectors_for_the_url_as_signed() {
    for case in vectors() {
        let name = case["name"].as_str().unwrap();
        if case["valid"].as_bool().is_some() || case["body"].is_string() {
            continue; // Those cases are about what a validator accepts.
        }
        let got = sign(
            case["token"].as_str().unwrap().as_bytes(),
            algorithm(&case),
            case["url"].as_str().unwrap(),
            &params(&case),
        );
        assert_eq!(got, case["signature"].as_str().unwrap(), "case {name}");
    }
}

#[test]
fn forged_and_malformed_signatures_are_refused() {
    let url = "https://outdial.example/twilio/status";
    let form = vec![("CallSid".to_string(), "CA1".to_string())];
    let good = sign(b"token", Algorithm::Sha1, url, &form);
    assert!(verify(b"token", Algorithm::Sha1, url, &form, &good).is_ok());
    // Another key, another URL, another algorithm, garbage, empty.
    assert_eq!(
        verify(b"other", Algorithm::Sha1, url, &form, &good),
        Err(SignatureError::Mismatch)
    );
    assert!(
        verify(
            b"token",
            Algorithm::Sha1,
            "https://evil.example/twilio/status",
            &form,
            &good
        )
        .is_err()
    );
    assert!(verify(b"token", Algorithm::Sha256, url, &form, &good).is_err());
    assert!(verify(b"token", Algorithm::Sha1, url, &form, "not base64!").is_err());
    assert!(verify(b"token", Algorithm::Sha1, url, &form, "").is_err());
    // An added parameter breaks it.
    let mut more = form.clone();
    more.push(("Digits".into(), "2".into()));
    assert!(verify(b"token", Algorithm::Sha1, url, &more, &good).is_err());
}

#[test]
fn a_json_body_must_match_its_hash() {
    let case = vectors()
        .into_iter()
        .find(|c| c["name"] == "json_body")
        .unwrap();
    let url = case["url"].as_str().unwrap();
    let sig = case["signature"].as_str().unwrap();
    assert!(
        verify_json(
            b"12345",
            Algorithm::Sha1,
            url,
            br#"{"property": "value", "boolean": true}"#,
            sig
        )
        .is_ok()
    );
    assert_eq!(
        verify_json(
            b"12345",
            Algorithm::Sha1,
            url,
            br#"{"property": "other", "boolean": true}"#,
            sig
        ),
        Err(SignatureError::BodyMismatch)
    );
}
