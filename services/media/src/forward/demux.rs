//! Which peer a datagram on the shared UDP port belongs to (RFC 7983 packet
//! classes; STUN binding requests carry the gateway-chosen ICE username).

/// The first byte tells the protocol (RFC 7983).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketClass {
    Stun,
    Dtls,
    /// RTP or RTCP (SRTP / SRTCP).
    Media,
    Other,
}

pub fn classify(datagram: &[u8]) -> PacketClass {
    match datagram.first() {
        Some(0..=3) => PacketClass::Stun,
        Some(20..=63) => PacketClass::Dtls,
        Some(128..=191) => PacketClass::Media,
        _ => PacketClass::Other,
    }
}

const MAGIC_COOKIE: [u8; 4] = [0x21, 0x12, 0xA4, 0x42];
const BINDING_REQUEST: u16 = 0x0001;
const ATTR_USERNAME: u16 = 0x0006;

/// The local (gateway) part of the USERNAME of a STUN binding request
/// (`<local ufrag>:<remote ufrag>`), if this is one.
pub fn binding_request_local_ufrag(datagram: &[u8]) -> Option<&str> {
    if datagram.len() < 20 || datagram[4..8] != MAGIC_COOKIE {
        return None;
    }
    let msg_type = u16::from_be_bytes([datagram[0], datagram[1]]);
    if msg_type != BINDING_REQUEST {
        return None;
    }
    let length = usize::from(u16::from_be_bytes([datagram[2], datagram[3]]));
    let body = datagram.get(20..20 + length)?;
    let mut at = 0;
    while at + 4 <= body.len() {
        let attr = u16::from_be_bytes([body[at], body[at + 1]]);
        let len = usize::from(u16::from_be_bytes([body[at + 2], body[at + 3]]));
        let value = body.get(at + 4..at + 4 + len)?;
        if attr == ATTR_USERNAME {
            let username = std::str::from_utf8(value).ok()?;
            return username.split(':').next();
        }
        // Attributes are padded to 4 bytes.
        at += 4 + len.div_ceil(4) * 4;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding_request(username: &str) -> Vec<u8> {
        let mut attrs = Vec::new();
        attrs.extend_from_slice(&0x0024u16.to_be_bytes()); // PRIORITY first
        attrs.extend_from_slice(&4u16.to_be_bytes());
        attrs.extend_from_slice(&[0, 0, 0, 1]);
        attrs.extend_from_slice(&ATTR_USERNAME.to_be_bytes());
        attrs.extend_from_slice(&(username.len() as u16).to_be_bytes());
        attrs.extend_from_slice(username.as_bytes());
        while attrs.len() % 4 != 0 {
            attrs.push(0);
        }
        let mut msg = Vec::new();
        msg.extend_from_slice(&BINDING_REQUEST.to_be_bytes());
        msg.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
        msg.extend_from_slice(&MAGIC_COOKIE);
        msg.extend_from_slice(&[7; 12]);
        msg.extend_from_slice(&attrs);
        msg
    }

    #[test]
    fn classes_follow_rfc7983() {
        assert_eq!(classify(&[0, 1]), PacketClass::Stun);
        assert_eq!(classify(&[22, 254]), PacketClass::Dtls);
        assert_eq!(classify(&[0x80, 96]), PacketClass::Media);
        assert_eq!(classify(&[0x90, 200]), PacketClass::Media);
        assert_eq!(classify(&[70]), PacketClass::Other);
        assert_eq!(classify(&[]), PacketClass::Other);
    }

    #[test]
    fn username_of_a_binding_request() {
        let msg = binding_request("gw7Xk2:brwsr");
        assert_eq!(binding_request_local_ufrag(&msg), Some("gw7Xk2"));
        // Odd length: padding is skipped correctly.
        let msg = binding_request("abcde:f");
        assert_eq!(binding_request_local_ufrag(&msg), Some("abcde"));
    }

    #[test]
    fn other_stun_messages_and_garbage_have_none() {
        let mut msg = binding_request("a:b");
        msg[1] = 0x01;
        msg[0] = 0x01; // a binding success response
        assert_eq!(binding_request_local_ufrag(&msg), None);
        assert_eq!(binding_request_local_ufrag(&[0u8; 10]), None);
        let mut truncated = binding_request("gw:br");
        truncated.truncate(26);
        assert_eq!(binding_request_local_ufrag(&truncated), None);
    }
}
