//! The embedded MQTT broker (rumqttd, MQTT v5) on loopback, protected by
//! credentials generated for this run.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use base64::Engine;
use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};

#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("embedded broker: {0}")]
    Start(String),
    #[error("embedded broker did not accept connections on {0} in time")]
    NotListening(SocketAddr),
}

/// The running broker: where to connect and with which credentials.
pub struct EmbeddedBroker {
    pub addr: SocketAddr,
    pub username: String,
    pub password: String,
}

/// A free loopback port (bound and released; the caller binds it next).
pub fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Starts rumqttd on `127.0.0.1:port` (0: a free port) in its own threads.
/// With `credentials` unset, a random user and password are generated.
pub fn start(port: u16, credentials: Option<(String, String)>) -> Result<EmbeddedBroker, BrokerError> {
    let port = if port == 0 { free_port().map_err(|e| BrokerError::Start(e.to_string()))? } else { port };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let (username, password) = credentials.unwrap_or_else(|| {
        let secret: [u8; 24] = rand::random();
        ("videoassist".into(), base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret))
    });
    let mut auth = HashMap::new();
    auth.insert(username.clone(), password.clone());
    let server = ServerSettings {
        name: "v5".into(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 1,
        connections: ConnectionSettings {
            connection_timeout_ms: 10_000,
            max_payload_size: 4 * 1024 * 1024,
            max_inflight_count: 500,
            auth: Some(auth),
            external_auth: None,
            dynamic_filters: true,
        },
    };
    let mut v5 = HashMap::new();
    v5.insert("v5".to_string(), server);
    let config = Config {
        id: 0,
        router: RouterConfig {
            max_connections: 10_000,
            max_outgoing_packet_count: 500,
            // What the router keeps of each subscription filter's messages
            // for subscribers to read (and catch up after a reconnect), in
            // memory: at most 3 MiB a filter (it was 160 MiB). Everything
            // here reads promptly, and the broker shares the process with
            // its subscribers, so nothing catches up after a longer gap.
            max_segment_size: 1024 * 1024,
            max_segment_count: 3,
            custom_segment: None,
            initialized_filters: None,
            shared_subscriptions_strategy: Default::default(),
        },
        v5: Some(v5),
        ..Default::default()
    };
    std::thread::Builder::new()
        .name("mqtt-broker".into())
        .spawn(move || {
            let mut broker = Broker::new(config);
            if let Err(e) = broker.start() {
                tracing::error!(error = %e, "embedded MQTT broker stopped");
            }
        })
        .map_err(|e| BrokerError::Start(e.to_string()))?;
    // Listening once the port can no longer be bound (probing with a
    // connection would make the broker log an aborted handshake).
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpListener::bind(addr).is_ok() {
        if Instant::now() >= deadline {
            return Err(BrokerError::NotListening(addr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    tracing::info!(%addr, "embedded MQTT broker listening");
    Ok(EmbeddedBroker { addr, username, password })
}
