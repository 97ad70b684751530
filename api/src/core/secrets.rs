//! Bearer secrets the server issues (provisioning tokens, private calendar feed URLs): made
//! here, stored only as a digest, so a copy of the database holds nothing that works as a secret.
//!
//! A secret is 32 random bytes, URL-safe base64, after a prefix that names its use (so a leaked
//! one is recognised by secret scanners and by people). Its SHA-256, in hex, is what is stored
//! and what a presented secret is looked up by: the secrets are random and long, so no salt or
//! slow hash is needed, and an equality lookup on an indexed column stays constant-time enough
//! (the digest, not the secret, is compared).

use base64::Engine;
use sha2::{Digest, Sha256};

/// A new secret: `prefix` then 32 random bytes in URL-safe base64 (43 characters).
pub fn issue(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of `secret`: its SHA-256 in lower-case hex.
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_stored_as_their_digest() {
        let a = issue("csp_test_");
        let b = issue("csp_test_");
        assert!(a.starts_with("csp_test_") && a.len() == "csp_test_".len() + 43);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        // The digest of the empty string, as published for SHA-256.
        assert_eq!(
            digest(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
