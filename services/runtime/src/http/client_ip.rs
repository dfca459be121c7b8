//! The client's address: the TCP peer, or, when the peer is a trusted proxy,
//! the last untrusted hop of `X-Forwarded-For`.

use std::net::IpAddr;

use actix_web::HttpRequest;

pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    // Walk from the nearest hop back; the first address we do not trust is the client.
    forwarded.iter().rev().find(|ip| !trusted.contains(ip)).copied().or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn untrusted_peer_is_the_client() {
        let req = TestRequest::default()
            .peer_addr("10.1.1.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_ip(&req, &[]), Some("10.1.1.1".parse().unwrap()));
    }

    #[test]
    fn trusted_proxy_forwards_the_client() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "6.6.6.6, 1.2.3.4"))
            .to_http_request();
        // 6.6.6.6 could be forged by the client; 1.2.3.4 was added by our proxy.
        assert_eq!(client_ip(&req, &[proxy]), Some("1.2.3.4".parse().unwrap()));
    }
}
