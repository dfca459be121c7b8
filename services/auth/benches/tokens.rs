//! Token verification throughput per core, and the argon2id cost that
//! dominates a sign-in. Run: `make bench` (results: docs/benchmarks.md).

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

use std::hint::black_box;

use base64::Engine;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use vc_auth::config::Argon2Settings;
use vc_auth::password::PasswordHasher;
use vc_protocol::UserId;
use vc_protocol::auth::{AccessClaims, Role, TOKEN_AUDIENCE, TOKEN_ISSUER, TokenKind};
use vc_protocol::ids::SessionId;
use vc_protocol::topics::{PublicKey, SigningKeys};
use vc_runtime::TokenVerifier;
use vc_runtime::config::TokenConfig;

fn token_and_verifier() -> (String, TokenVerifier) {
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let der = key.to_pkcs8_der().unwrap();
    let public = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
    let verifier = TokenVerifier::new(&TokenConfig::default());
    verifier.insert_keys(&SigningKeys {
        keys: vec![PublicKey {
            kid: "k1".into(),
            alg: "EdDSA".into(),
            public_key: public,
            created_at: chrono::Utc::now(),
        }],
    });
    let now = chrono::Utc::now().timestamp();
    let claims = AccessClaims {
        iss: TOKEN_ISSUER.into(),
        aud: TOKEN_AUDIENCE.into(),
        sub: UserId::new(),
        typ: TokenKind::Access,
        login: "agent1".into(),
        name: "Agent One".into(),
        role: Role::Agent,
        team: None,
        teams: Vec::new(),
        ver: 0,
        sid: SessionId::new(),
        iat: now,
        exp: now + 3600,
        jti: "bench".into(),
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("k1".into());
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(der.as_bytes())).unwrap();
    (token, verifier)
}

fn verification(c: &mut Criterion) {
    let (token, verifier) = token_and_verifier();
    assert!(verifier.verify_access(&token).is_ok());
    c.bench_function("verify_access_token", |b| {
        b.iter(|| verifier.verify_access(black_box(&token)).unwrap())
    });
}

fn password_hashing(c: &mut Criterion) {
    let hasher = PasswordHasher::new(&Argon2Settings::default()).unwrap();
    let phc = hasher.hash("correct horse battery").unwrap();
    let mut group = c.benchmark_group("argon2id_default_params");
    group.sample_size(30);
    group.bench_function("verify", |b| {
        b.iter(|| assert!(hasher.verify(black_box("correct horse battery"), &phc)))
    });
    group.finish();
}

criterion_group!(benches, verification, password_hashing);
criterion_main!(benches);
