//! `[media]`: the gateway's settings.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vc_runtime::config::string_or_seq;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    /// Address of the one UDP socket all media uses. Loopback by default;
    /// `0.0.0.0` (plus `advertised_ips`) to take calls from other machines.
    pub udp_host: IpAddr,
    /// Its port; 0 picks a free one (fine on one machine; set a fixed port
    /// for firewalls and NAT).
    pub udp_port: u16,
    /// Addresses put in the gateway's ICE candidates: the public or LAN
    /// address browsers reach it at. Default: `udp_host` when it is a
    /// concrete address, else the address of the default route.
    #[serde(deserialize_with = "string_or_seq")]
    pub advertised_ips: Vec<IpAddr>,
    /// How long a party that dropped keeps its place (page reload, network switch).
    pub grace_secs: u64,
    /// How often a `stats` event is sent per connected peer.
    pub stats_interval_secs: u64,
    /// Where browsers open the signaling WebSocket (a path on the public
    /// origin, or an absolute `wss://` URL).
    pub public_ws_url: String,
    /// This gateway's name in events; default `<hostname>-<udp port>`.
    pub gateway_id: Option<String>,
    /// Record calls whose interaction asks for it. Off: no call is recorded.
    pub recording: bool,
    /// Where raw recordings are written (vc-records reads the same
    /// directory). Default: `<data_dir>/recordings/raw`.
    pub raw_recordings_dir: Option<PathBuf>,
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            udp_host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            udp_port: 0,
            advertised_ips: Vec::new(),
            grace_secs: 60,
            stats_interval_secs: 5,
            public_ws_url: "/media/ws".into(),
            gateway_id: None,
            recording: true,
            raw_recordings_dir: None,
        }
    }
}

impl MediaSettings {
    /// `raw_recordings_dir`, or its default under `data_dir`.
    pub fn raw_dir_in(&self, data_dir: &Path) -> PathBuf {
        self.raw_recordings_dir
            .clone()
            .unwrap_or_else(|| data_dir.join(vc_protocol::recording::DEFAULT_RAW_SUBDIR))
    }
}

/// The local address of the default route (no packet is sent), for
/// advertising when bound to every interface.
pub fn default_route_ip() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}
