//! The gateway's Prometheus counters for media: what was forwarded, what
//! went missing, NACKs, ICE failures and connect times.
//!
//! Nothing here runs per packet: the forwarder only bumps the plain
//! counters it keeps per stream anyway (`StreamCounters`), and the engine
//! adds their growth to these counters on its twice-a-second tick and when
//! a peer goes. Every label set is created at registration, so every series
//! is in the scrape from the start.

use std::time::Duration;

use prometheus::{Histogram, HistogramOpts, IntCounter, IntCounterVec, Opts, Registry};
use vc_protocol::interaction::Party;

use super::peer::{Kind, Peer};

/// Handles on every series, resolved once.
#[derive(Debug, Clone)]
pub struct MediaMetrics {
    /// By kind, then by the direction's sending party.
    forwarded_bytes: [[IntCounter; 2]; 2],
    forwarded_packets: [[IntCounter; 2]; 2],
    /// By kind, then by the party whose incoming streams lost them.
    packets_lost: [[IntCounter; 2]; 2],
    /// By the party that sent them.
    nacks: [IntCounter; 2],
    ice_failures: IntCounter,
    connect_seconds: Histogram,
}

const KINDS: [Kind; 2] = [Kind::Audio, Kind::Video];
const PARTIES: [Party; 2] = [Party::Agent, Party::Client];

fn kind_index(kind: Kind) -> usize {
    match kind {
        Kind::Audio => 0,
        Kind::Video => 1,
    }
}

fn party_index(party: Party) -> usize {
    match party {
        Party::Agent => 0,
        Party::Client => 1,
    }
}

/// `agent_to_client` or `client_to_agent`: the label of media `from` sends.
pub(super) fn direction(from: Party) -> &'static str {
    match from {
        Party::Agent => "agent_to_client",
        Party::Client => "client_to_agent",
    }
}

impl MediaMetrics {
    /// `vc_media_forwarded_bytes_total{kind, direction}`,
    /// `vc_media_forwarded_packets_total{kind, direction}`,
    /// `vc_media_packets_lost_total{kind, party}`, `vc_media_nacks_total{party}`,
    /// `vc_media_ice_failures_total`, `vc_media_peer_connect_seconds` (the
    /// registry adds the `vc_` prefix).
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let vec = |name: &str, help: &str, labels: &[&str]| -> Result<IntCounterVec, prometheus::Error> {
            let v = IntCounterVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(v.clone()))?;
            Ok(v)
        };
        let bytes = vec(
            "media_forwarded_bytes_total",
            "RTP payload bytes written to the other party's leg",
            &["kind", "direction"],
        )?;
        let packets = vec(
            "media_forwarded_packets_total",
            "RTP packets written to the other party's leg",
            &["kind", "direction"],
        )?;
        let lost = vec(
            "media_packets_lost_total",
            "Packets missing from a party's incoming streams, by sequence numbers",
            &["kind", "party"],
        )?;
        let nacks = vec("media_nacks_total", "NACKs received from a party", &["party"])?;
        let ice_failures = IntCounter::new(
            "media_ice_failures_total",
            "Peers whose ICE failed, or that were removed before ever connecting",
        )?;
        registry.register(Box::new(ice_failures.clone()))?;
        let connect_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "media_peer_connect_seconds",
                "Time from a peer's join to its first connection",
            )
            .buckets(vec![0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0]),
        )?;
        registry.register(Box::new(connect_seconds.clone()))?;
        let by_direction = |v: &IntCounterVec, kind: Kind| {
            PARTIES.map(|p| v.with_label_values(&[kind.as_str(), direction(p)]))
        };
        let by_party = |v: &IntCounterVec, kind: Kind| {
            PARTIES.map(|p| v.with_label_values(&[kind.as_str(), p.as_str()]))
        };
        Ok(Self {
            forwarded_bytes: KINDS.map(|k| by_direction(&bytes, k)),
            forwarded_packets: KINDS.map(|k| by_direction(&packets, k)),
            packets_lost: KINDS.map(|k| by_party(&lost, k)),
            nacks: PARTIES.map(|p| nacks.with_label_values(&[p.as_str()])),
            ice_failures,
            connect_seconds,
        })
    }

    /// Adds what the peer's counters gained since the last call.
    pub(super) fn export(&self, peer: &mut Peer) {
        // The peer's outgoing tracks carry the other party's media.
        let from = party_index(peer.role.other());
        for (kind, out) in peer.outgoing.iter_mut() {
            let d = out.counters.unexported();
            self.forwarded_bytes[kind_index(*kind)][from].inc_by(d.bytes);
            self.forwarded_packets[kind_index(*kind)][from].inc_by(d.packets);
        }
        let party = party_index(peer.role);
        for incoming in peer.incoming.values_mut() {
            let d = incoming.counters.unexported();
            self.packets_lost[kind_index(incoming.kind)][party].inc_by(d.lost);
        }
        self.nacks[party].inc_by(peer.nacks_received - peer.nacks_exported);
        peer.nacks_exported = peer.nacks_received;
    }

    pub(super) fn ice_failed(&self) {
        self.ice_failures.inc();
    }

    pub(super) fn connected_after(&self, d: Duration) {
        self.connect_seconds.observe(d.as_secs_f64());
    }
}
