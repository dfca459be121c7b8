//! Password hashing with argon2id, and the password policy.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::config::Argon2Settings;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("invalid argon2 parameters: {0}")]
    Params(String),
    #[error("hashing failed: {0}")]
    Hash(String),
}

/// Hashes and verifies passwords. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    argon: Argon2<'static>,
    params: Params,
    /// Verified against when the login does not exist, so a wrong login
    /// costs as much time as a wrong password.
    dummy: String,
}

impl PasswordHasher {
    pub fn new(cfg: &Argon2Settings) -> Result<Self, HashError> {
        let params = Params::new(cfg.memory_kib, cfg.iterations, cfg.parallelism, None)
            .map_err(|e| HashError::Params(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut hasher = Self { argon, params, dummy: String::new() };
        hasher.dummy = hasher.hash("not a real password, only for timing")?;
        Ok(hasher)
    }

    /// A PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`).
    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError::Hash(e.to_string()))
    }

    /// Whether `password` matches `phc`. A malformed hash never matches.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        match PasswordHash::new(phc) {
            Ok(parsed) => self.argon.verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    }

    /// Spends the time of one verification (for unknown logins).
    pub fn verify_dummy(&self, password: &str) {
        let _ = self.verify(password, &self.dummy);
    }

    /// Whether `phc` was made with other parameters than the current ones.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else { return true };
        let Ok(params) = Params::try_from(&parsed) else { return true };
        parsed.algorithm.as_str() != "argon2id"
            || params.m_cost() != self.params.m_cost()
            || params.t_cost() != self.params.t_cost()
            || params.p_cost() != self.params.p_cost()
    }
}

/// Why a password is refused.
pub fn check_policy(password: &str, login: &str, min_length: usize) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < min_length {
        return Err(format!("the password needs at least {min_length} characters"));
    }
    if password.len() > 1024 {
        return Err("the password is longer than 1024 bytes".into());
    }
    if password.trim().is_empty() {
        return Err("the password cannot be blank".into());
    }
    if password.eq_ignore_ascii_case(login) {
        return Err("the password cannot be the login".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordHasher {
        PasswordHasher::new(&Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 }).unwrap()
    }

    #[test]
    fn hash_verifies_and_wrong_password_does_not() {
        let h = fast();
        let phc = h.hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(h.verify("correct horse", &phc));
        assert!(!h.verify("correct hors", &phc));
        assert!(!h.verify("correct horse", "garbage"));
    }

    #[test]
    fn hashes_are_salted() {
        let h = fast();
        assert_ne!(h.hash("same").unwrap(), h.hash("same").unwrap());
    }

    #[test]
    fn changed_parameters_ask_for_rehash() {
        let h = fast();
        let phc = h.hash("pw-123456").unwrap();
        assert!(!h.needs_rehash(&phc));
        let stronger =
            PasswordHasher::new(&Argon2Settings { memory_kib: 2048, iterations: 1, parallelism: 1 }).unwrap();
        assert!(stronger.needs_rehash(&phc));
        // Old hashes still verify after the parameters change.
        assert!(stronger.verify("pw-123456", &phc));
    }

    #[test]
    fn policy() {
        assert!(check_policy("short", "bob", 8).is_err());
        assert!(check_policy("        ", "bob", 8).is_err());
        assert!(check_policy("BobBobBob", "bobbobbob", 8).is_err());
        assert!(check_policy("a good passphrase", "bob", 8).is_ok());
    }
}
