//! Browser sessions: the web UI's login token travels in an `HttpOnly` cookie, out of reach of
//! scripts. A cookie is sent by the browser whoever made the page, so a request authenticated
//! by it must also prove it comes from Outdial's own pages: its `Origin` (when sent) is this
//! host, and a request that changes something carries the session's CSRF token in the
//! `X-CSRF-Token` header — a value derived from the session token that only a page able to
//! read Outdial's answers can know.

use crate::error::AppError;
use axum::http::header::{COOKIE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, Method};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "outdial_session";

/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session token in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of a session, from the session token's hash (what [`super::Auth`] holds): a
/// hash under a purpose label, so it reveals nothing of the token and needs no storage.
pub fn csrf_token(token_hash: &str) -> String {
    hex::encode(Sha256::digest(
        format!("outdial-csrf:{token_hash}").as_bytes(),
    ))
}

/// Checks that a cookie-authenticated request comes from Outdial's own pages: the `Origin`
/// (browsers send it on every cross-site request and every non-GET) names this host, and a
/// request that may change something carries the session's CSRF token.
pub fn check_request(method: &Method, headers: &HeaderMap, token: &str) -> Result<(), AppError> {
    if let Some(origin) = headers.get(ORIGIN) {
        let host = headers.get(HOST).and_then(|h| h.to_str().ok());
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://").map(|(_, rest)| rest))
            .is_some_and(|rest| Some(rest) == host);
        if !same {
            return Err(AppError::Forbidden(
                "this request came from another site's page; use Outdial's own pages or an API token".into(),
            ));
        }
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let sent = headers
        .get(CSRF_HEADER)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if !constant_time_eq(sent, csrf_token(&super::tokens::hash(token)).as_bytes()) {
        return Err(AppError::Forbidden(
            "missing or wrong X-CSRF-Token header: reload the page (a browser session must send the token it was given at sign-in)".into(),
        ));
    }
    Ok(())
}

/// The `Set-Cookie` value that stores a session for `max_age_secs` (`Secure` when the site is
/// served over HTTPS).
pub fn set_session(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session(secure: bool) -> String {
    set_session("", 0, secure)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "theme=dark; outdial_session=ods_abc ; x=1")]);
        assert_eq!(session_token(&h).as_deref(), Some("ods_abc"));
        assert_eq!(
            session_token(&headers(&[("cookie", "outdial_session=")])),
            None
        );
        assert_eq!(session_token(&HeaderMap::new()), None);
    }

    #[test]
    fn a_change_needs_the_sessions_csrf_token_and_a_foreign_origin_is_refused() {
        let token = "ods_secret";
        let good = csrf_token(&crate::auth::tokens::hash(token));
        assert_ne!(good, csrf_token(&crate::auth::tokens::hash("ods_other")));
        let host = ("host", "127.0.0.1:3000");
        assert!(check_request(&Method::GET, &headers(&[host]), token).is_ok());
        assert!(check_request(&Method::POST, &headers(&[host]), token).is_err());
        assert!(
            check_request(
                &Method::POST,
                &headers(&[host, ("x-csrf-token", &good)]),
                token
            )
            .is_ok()
        );
        assert!(
            check_request(
                &Method::POST,
                &headers(&[host, ("x-csrf-token", "00")]),
                token
            )
            .is_err()
        );
        let evil = ("origin", "https://evil.example");
        assert!(check_request(&Method::GET, &headers(&[host, evil]), token).is_err());
        let own = ("origin", "http://127.0.0.1:3000");
        assert!(
            check_request(
                &Method::PUT,
                &headers(&[host, own, ("x-csrf-token", &good)]),
                token
            )
            .is_ok()
        );
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let c = set_session("ods_x", 3600, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(clear_session(false).contains("Max-Age=0"));
    }
}
