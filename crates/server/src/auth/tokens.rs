//! Bearer tokens: random, shown once, stored only as SHA-256. Session tokens start `ods_`,
//! API keys `odk_`, so a leaked token's kind is obvious and secret scanners can match them.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of login session tokens.
pub const SESSION_PREFIX: &str = "ods_";
/// Prefix of API keys.
pub const API_KEY_PREFIX: &str = "odk_";
/// Characters of an API key kept to recognise it in listings.
pub const DISPLAY_PREFIX_LEN: usize = 12;

/// A new random token with the given prefix (256 bits of randomness, hex).
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hash_stably() {
        let a = generate(API_KEY_PREFIX);
        let b = generate(API_KEY_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with("odk_") && a.len() == 4 + 64);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), a);
    }
}
