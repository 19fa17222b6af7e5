//! Requests Outdial makes to addresses a user gave (a recording's URL): HTTPS only, never to
//! loopback, private, link-local or other non-public addresses unless configured, the address
//! checked after the name is resolved and the connection pinned to it (a name that resolves
//! differently a moment later cannot slip through), no redirects, and limits on time and size.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Limits of one outbound fetch.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    /// Allow loopback and private addresses (and plain HTTP to them).
    pub allow_private: bool,
    /// Largest body, in bytes.
    pub max_bytes: u64,
    /// Time for the whole request.
    pub timeout: Duration,
}

/// Why an outbound fetch was refused or failed, in words for the user who gave the address.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address is not one Outdial fetches from.
    #[error("{0}")]
    Refused(String),
    /// The server answered, but not with what was asked for.
    #[error("{0}")]
    Failed(String),
    /// Larger than the limit.
    #[error("the file is larger than the {0} MB limit")]
    TooLarge(u64),
}

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
                || (a == 192 && b == 0) // IETF protocol assignments
                || (a == 198 && (18..20).contains(&b)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || first & 0xfe00 == 0xfc00 // unique local
                || first & 0xffc0 == 0xfe80 // link local
                || first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

/// A client for requests to `url` only: the address checked (public, unless `allow_private`;
/// HTTPS, or plain HTTP to a private address that is allowed), the connection pinned to the
/// address checked, no redirects, `timeout` for each request. `setting` names the
/// configuration that allows private addresses, for the refusal's message.
pub async fn pinned_client(
    url: &str,
    allow_private: bool,
    timeout: Duration,
    setting: &str,
) -> Result<(reqwest::Client, reqwest::Url), FetchError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| FetchError::Refused(format!("'{url}' is not an address: {e}")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| FetchError::Refused("the address names no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| FetchError::Refused(format!("{host} could not be resolved: {e}")))?
        .collect();
    let Some(addr) = addrs.first().copied() else {
        return Err(FetchError::Refused(format!("{host} has no address")));
    };
    let private = addrs.iter().any(|a| !is_public(a.ip()));
    if private && !allow_private {
        return Err(FetchError::Refused(format!(
            "{host} is a loopback or private address ({}); Outdial connects only to the public internet ({setting} allows it)",
            addr.ip()
        )));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if private && allow_private => {}
        other => {
            return Err(FetchError::Refused(format!(
                "'{other}' addresses are not used; give an https:// address"
            )));
        }
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .resolve(&host, addr)
        .build()
        .map_err(|e| FetchError::Failed(format!("could not prepare the request: {e}")))?;
    Ok((client, parsed))
}

/// Fetches `url` within `guard`; returns the body.
pub async fn fetch(url: &str, guard: Guard) -> Result<Vec<u8>, FetchError> {
    let (client, parsed) = pinned_client(
        url,
        guard.allow_private,
        guard.timeout,
        "audio.allow_private_networks",
    )
    .await?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    let mut response = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| FetchError::Failed(format!("{host} could not be reached: {e}")))?;
    if !response.status().is_success() {
        return Err(FetchError::Failed(format!(
            "{host} answered {} (redirects are not followed; give the file's own address)",
            response.status()
        )));
    }
    if response
        .content_length()
        .is_some_and(|n| n > guard.max_bytes)
    {
        return Err(FetchError::TooLarge(guard.max_bytes / 1_000_000));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Failed(format!("the download from {host} broke off: {e}")))?
    {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > guard.max_bytes {
            return Err(FetchError::TooLarge(guard.max_bytes / 1_000_000));
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_count_as_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "151.101.1.69", "2a00:1450:4001:82a::200e"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
