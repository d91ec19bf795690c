//! Secrets and their digests, the same for every front end: random bytes from the
//! operating system, SHA-256 digests (what the store keeps of a session id, an API
//! token or an invitation code), argon2id password hashes, and personal access
//! tokens. The web app signs people in with these; the command line makes users
//! and tokens with them.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use pullback_store::Digest;
use sha2::Digest as _;
use sha2::Sha256;

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no random source: {0}")]
    NoRandomSource(String),
    #[error("salt: {0}")]
    Salt(String),
    #[error("hashing the password: {0}")]
    Hash(String),
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The prefix of every personal access token, so that one is easy to recognise
/// (and to find if leaked).
pub const TOKEN_PREFIX: &str = "pb_";

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::NoRandomSource(e.to_string()))?;
    Ok(bytes)
}

pub fn sha256(bytes: &[u8]) -> Digest {
    Sha256::digest(bytes).into()
}

/// An argon2id PHC string of `password`. Slow on purpose: run it off the async threads.
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| SecretError::Salt(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

/// Whether `password` matches `hash`. With no hash (an unknown user, or one who
/// never set a password) a dummy hash is checked, so both take the same time.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let (hash, real) = match hash {
        Some(hash) => (hash, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// A new personal access token: its text (shown once) and its digest (stored).
pub fn new_token() -> Result<(String, Digest), SecretError> {
    let text = format!("{TOKEN_PREFIX}{}", hex::encode(random_bytes::<24>()?));
    let digest = sha256(text.as_bytes());
    Ok((text, digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", Some(&hash)));
        assert!(!verify_password("wrong horse", Some(&hash)));
        assert!(!verify_password("not a real password", None), "the dummy hash never lets anyone in");
    }

    #[test]
    fn a_token_carries_the_prefix_and_its_digest_is_its_sha256() {
        let (text, digest) = new_token().unwrap_or_default();
        assert!(text.starts_with(TOKEN_PREFIX) && text.len() == TOKEN_PREFIX.len() + 48, "{text}");
        assert_eq!(digest, sha256(text.as_bytes()));
        assert_ne!(new_token().map(|t| t.0).unwrap_or_default(), text, "tokens are random");
    }
}
