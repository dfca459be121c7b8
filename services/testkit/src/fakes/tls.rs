//! A small certificate authority for the fakes that speak TLS: a CA
//! certificate (what a client is told to trust) and a leaf for
//! `localhost` and `127.0.0.1` signed by it. A self-signed leaf is not
//! enough: rustls refuses a CA certificate as a server's end-entity
//! certificate, and some clients refuse a leaf as a trust anchor.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// PEM texts of a test CA and of a server certificate it signed.
#[derive(Clone, Debug)]
pub struct TestCa {
    /// The CA certificate: give it to the client as its trust root.
    pub ca_pem: String,
    /// The server's certificate (for `localhost` and `127.0.0.1`).
    pub cert_pem: String,
    /// The server's private key (PKCS#8).
    pub key_pem: String,
}

impl TestCa {
    /// A fresh CA and a leaf for `localhost` and `127.0.0.1`.
    pub fn generate() -> Self {
        Self::generate_for(&["localhost", "127.0.0.1"])
    }

    /// A fresh CA and a leaf for `names` (DNS names or IP addresses).
    pub fn generate_for(names: &[&str]) -> Self {
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.distinguished_name.push(DnType::CommonName, "VideoAssist test CA");
        ca.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate().expect("CA key");
        let ca_cert = ca.self_signed(&ca_key).expect("self-signed CA");
        let issuer = Issuer::new(ca, ca_key);

        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut leaf = CertificateParams::new(names.clone()).expect("leaf parameters");
        leaf.distinguished_name.push(DnType::CommonName, names.first().cloned().unwrap_or_default());
        leaf.use_authority_key_identifier_extension = true;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("leaf signed by the CA");
        Self { ca_pem: ca_cert.pem(), cert_pem: leaf_cert.pem(), key_pem: leaf_key.serialize_pem() }
    }
}
