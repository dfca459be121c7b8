//! HTTPS for a service's listener: a certificate from files, or one
//! generated at start.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::HttpConfig;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("http.tls_cert_file and http.tls_key_file go together")]
    Incomplete,
    #[error("reading {file}: {message}")]
    Pem { file: String, message: String },
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
    #[error("generating a certificate: {0}")]
    Generate(#[from] rcgen::Error),
}

/// The rustls configuration for `cfg`, or `None` for plain HTTP. A generated
/// certificate's SHA-256 fingerprint is logged, so users can check it.
pub fn server_config(cfg: &HttpConfig) -> Result<Option<ServerConfig>, TlsError> {
    let (certs, key) = match (&cfg.tls_cert_file, &cfg.tls_key_file, cfg.tls_self_signed) {
        (Some(cert), Some(key), _) => {
            let pem_err = |file: &std::path::Path, e: rustls_pki_types::pem::Error| TlsError::Pem {
                file: file.display().to_string(),
                message: e.to_string(),
            };
            let certs = CertificateDer::pem_file_iter(cert)
                .map_err(|e| pem_err(cert, e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| pem_err(cert, e))?;
            let key = PrivateKeyDer::from_pem_file(key).map_err(|e| pem_err(key, e))?;
            (certs, key)
        }
        (Some(_), None, _) | (None, Some(_), _) => return Err(TlsError::Incomplete),
        (None, None, true) => {
            let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
            if !cfg.host.is_unspecified() {
                names.push(cfg.host.to_string());
            }
            names.extend(cfg.tls_names.iter().cloned());
            names.dedup();
            let generated = rcgen::generate_simple_self_signed(names.clone())?;
            let der = generated.cert.der().clone();
            tracing::warn!(
                names = ?names,
                "serving HTTPS with a self-signed certificate: browsers will ask to accept it"
            );
            let key = PrivateKeyDer::try_from(generated.signing_key.serialize_der())
                .map_err(|e| TlsError::Pem { file: "generated key".into(), message: e.to_string() })?;
            (vec![der], key)
        }
        (None, None, false) => return Ok(None),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    Ok(Some(config))
}
