//! Keyed hashes of client addresses: two opens from one address get the
//! same hash, but the address cannot be recovered from it, not even by
//! trying every IPv4 address, without this installation's key.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub struct IpHasher {
    key: Vec<u8>,
}

impl IpHasher {
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    /// HMAC-SHA256 of the address's canonical text (an IPv4-mapped IPv6
    /// address counts as its IPv4 address), hex.
    pub fn hash(&self, ip: IpAddr) -> Option<String> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(ip.to_canonical().to_string().as_bytes());
        Some(hex::encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_keyed_and_hide_the_address() {
        let h = IpHasher::new(vec![7; 32]);
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let a = h.hash(ip).unwrap();
        assert_eq!(a.len(), 64);
        assert_eq!(a, h.hash(ip).unwrap(), "stable");
        assert!(!a.contains("203.0.113.9"));
        assert_ne!(a, h.hash("203.0.113.10".parse().unwrap()).unwrap());
        assert_ne!(a, IpHasher::new(vec![8; 32]).hash(ip).unwrap(), "another installation, another hash");
        // RFC 4231 test case 2 checks that this is HMAC-SHA256 and not a home-made construction.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn mapped_ipv4_counts_as_ipv4() {
        let h = IpHasher::new(vec![1; 32]);
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(h.hash(v4), h.hash(mapped));
    }
}
