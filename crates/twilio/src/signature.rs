//! `X-Twilio-Signature`: how Twilio signs every webhook request, and checking it.
//!
//! The signature is base64(HMAC(key, url + params)), where `url` is the full URL as Twilio
//! requested it and `params` are the POST form fields, names sorted, each name followed by its
//! value (repeated names: each distinct value, sorted). HMAC-SHA1 with the account's Auth Token by
//! default; accounts that opted into shared keys sign with HMAC-SHA256 and say so in the
//! `X-Twilio-Webhooks-Signature-Settings` header. A JSON body is not signed itself: the URL carries
//! `bodySHA256`, the hex SHA-256 of the body, and the URL alone is signed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The header Twilio's signature arrives in.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";
/// The header that names the signing scheme on accounts using shared keys.
pub const SETTINGS_HEADER: &str = "x-twilio-webhooks-signature-settings";

/// Which HMAC signs the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA1 keyed with the account's Auth Token (the default).
    Sha1,
    /// HMAC-SHA256 keyed with a webhook shared key.
    Sha256,
}

impl Algorithm {
    /// The algorithm named by an `X-Twilio-Webhooks-Signature-Settings` header
    /// (`key=…,algorithm=HMAC_SHA256`); `None` for a value it does not understand.
    pub fn from_settings(header: &str) -> Option<Algorithm> {
        header
            .split(',')
            .filter_map(|part| part.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("algorithm"))
            .and_then(|(_, v)| match v.trim().to_ascii_uppercase().as_str() {
                "HMAC_SHA256" => Some(Algorithm::Sha256),
                "HMAC_SHA1" => Some(Algorithm::Sha1),
                _ => None,
            })
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-Twilio-Signature` header.
    #[error("the request carries no X-Twilio-Signature header")]
    Missing,
    /// The header does not match the request.
    #[error("the X-Twilio-Signature does not match the request")]
    Mismatch,
    /// The signing scheme is not one Outdial knows or has a key for.
    #[error("the request is signed with a scheme this account has no key for")]
    UnknownScheme,
    /// A JSON body whose hash differs from the URL's `bodySHA256`.
    #[error("the body does not match the bodySHA256 the URL was signed with")]
    BodyMismatch,
}

/// The signature Twilio would send for a form request to `url` with `params`.
pub fn sign(key: &[u8], algorithm: Algorithm, url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac(key, algorithm, &signed_data(url, params)))
}

/// The HMAC of `data` under `key`.
fn mac(key: &[u8], algorithm: Algorithm, data: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so building one cannot fail.
    match algorithm {
        Algorithm::Sha1 => {
            let mut m = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
            m.update(data.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        Algorithm::Sha256 => {
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
            m.update(data.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
    }
}

/// Checks `signature` for a form request to `url` (as Twilio requested it: the configured
/// public URL, not the local socket) with `params`. The URL is tried as given and with the
/// scheme's default port added or removed, since Twilio may have signed either.
pub fn verify(
    key: &[u8],
    algorithm: Algorithm,
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> Result<(), SignatureError> {
    let given = STANDARD
        .decode(signature.trim())
        .map_err(|_| SignatureError::Mismatch)?;
    let matches = url_variants(url).iter().any(|candidate| {
        constant_time_eq(
            &mac(key, algorithm, &signed_data(candidate, params)),
            &given,
        )
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Checks a request with a JSON body: the URL (which carries `bodySHA256`) is signed alone, and
/// the body must hash to that value.
pub fn verify_json(
    key: &[u8],
    algorithm: Algorithm,
    url: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    verify(key, algorithm, url, &[], signature)?;
    let expected = url
        .split_once('?')
        .map(|(_, q)| q)
        .into_iter()
        .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
        .ok_or(SignatureError::BodyMismatch)?;
    let actual = hex::encode(Sha256::digest(body));
    if constant_time_eq(actual.as_bytes(), expected.to_ascii_lowercase().as_bytes()) {
        Ok(())
    } else {
        Err(SignatureError::BodyMismatch)
    }
}

/// The URL followed by each parameter name and value, names sorted, repeated names' distinct
/// values sorted.
fn signed_data(url: &str, params: &[(String, String)]) -> String {
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in params {
        by_name.entry(k).or_default().push(v);
    }
    let mut out = String::with_capacity(url.len() + params.len() * 32);
    out.push_str(url);
    for (name, mut values) in by_name {
        values.sort_unstable();
        values.dedup();
        for v in values {
            out.push_str(name);
            out.push_str(v);
        }
    }
    out
}

/// `url` as given, then with its scheme's default port removed if present, or added if absent.
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return out;
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return out,
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(host_end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    // An IPv6 literal's colons are not a port separator.
    let port_sep = hostport
        .rfind(':')
        .filter(|&i| !hostport[i..].contains(']'));
    let other = match port_sep {
        Some(i) if &hostport[i + 1..] == default_port => hostport[..i].to_string(),
        Some(_) => return out,
        None => format!("{hostport}:{default_port}"),
    };
    out.push(format!("{scheme}://{userinfo}{other}{tail}"));
    out
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_tried_both_ways_and_other_ports_kept() {
        assert_eq!(
            url_variants("https://a.example/x?y=1"),
            vec!["https://a.example/x?y=1", "https://a.example:443/x?y=1"]
        );
        assert_eq!(
            url_variants("https://a.example:443/x"),
            vec!["https://a.example:443/x", "https://a.example/x"]
        );
        assert_eq!(
            url_variants("http://a.example:80"),
            vec!["http://a.example:80", "http://a.example"]
        );
        assert_eq!(
            url_variants("http://a.example:1234/x"),
            vec!["http://a.example:1234/x"]
        );
        assert_eq!(
            url_variants("https://[::1]/x"),
            vec!["https://[::1]/x", "https://[::1]:443/x"]
        );
    }

    #[test]
    fn the_settings_header_names_the_algorithm() {
        assert_eq!(
            Algorithm::from_settings("key=abc,algorithm=HMAC_SHA256"),
            Some(Algorithm::Sha256)
        );
        assert_eq!(
            Algorithm::from_settings("algorithm=hmac_sha1"),
            Some(Algorithm::Sha1)
        );
        assert_eq!(Algorithm::from_settings("key=abc,algorithm=MD5"), None);
        assert_eq!(Algorithm::from_settings("nonsense"), None);
    }
}
