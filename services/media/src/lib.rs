//! vc-media: the WebRTC media gateway. Rooms of two peers (agent and
//! client), all peers on one UDP port, media forwarded between them.
//!
//! Layers, one way only: `signaling` (WebSocket, tokens) → `engine` (rooms,
//! peers, the event loop) → `forward` (packet-level logic). The engine and
//! the forwarding layer know nothing of HTTP, MQTT or MongoDB.

pub mod config;
pub mod engine;
pub mod forward;
pub mod record;
mod signaling;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::media::{Done, RoomOpened};
use vc_protocol::topics;
use vc_runtime::{RemoteError, Runtime, Service, StartError};

pub use config::MediaSettings;
use engine::{Command, EngineConfig, EngineHandle};

vc_runtime::service_config! {
    /// The vc-media binary's configuration file.
    pub struct Config {
        /// Raw recordings go to `<data_dir>/recordings/raw` unless
        /// `media.raw_recordings_dir` is set.
        pub data_dir: Option<std::path::PathBuf>,
        pub media: MediaSettings,
    }
}

/// The bus group gateways share room requests in.
const GROUP: &str = "vc-media";

/// The running gateway.
pub struct Media {
    engine: EngineHandle,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Media {
    /// Binds the UDP port, starts the engine, and answers room requests.
    pub async fn start(rt: &Runtime, cfg: &MediaSettings) -> Result<Arc<Self>, StartError> {
        let mut advertised = cfg.advertised_ips.clone();
        if advertised.is_empty() {
            if cfg.udp_host.is_unspecified() {
                advertised.extend(config::default_route_ip());
            } else {
                advertised.push(cfg.udp_host);
            }
        }
        let (events_tx, mut events_rx) = mpsc::unbounded_channel();
        let data_messages =
            data_message_counter(rt).map_err(|e| StartError::Other(format!("vc-media metrics: {e}")))?;
        let metrics = engine::MediaMetrics::register(rt.metrics.registry())
            .map_err(|e| StartError::Other(format!("vc-media metrics: {e}")))?;
        let recording = match (&cfg.raw_recordings_dir, cfg.recording) {
            (Some(dir), true) => Some(engine::RecordingSetup {
                dir: dir.clone(),
                // Only a label in the raw files' headers.
                gateway_id: cfg
                    .gateway_id
                    .clone()
                    .unwrap_or_else(|| format!("vc-media-{}", std::process::id())),
                metrics: recording_metrics(rt)
                    .map_err(|e| StartError::Other(format!("vc-media metrics: {e}")))?,
            }),
            (None, true) => {
                tracing::warn!("no raw_recordings_dir: calls are not recorded");
                None
            }
            (_, false) => None,
        };
        let engine_cfg = EngineConfig {
            recording,
            bind: SocketAddr::new(cfg.udp_host, cfg.udp_port),
            advertised: advertised.clone(),
            grace: Duration::from_secs(cfg.grace_secs),
            stats_interval: Duration::from_secs(cfg.stats_interval_secs.max(1)),
            idle_room_ttl: Duration::from_secs(cfg.grace_secs.max(60) * 10),
            data_messages,
            metrics,
        };
        let (engine, engine_task) = engine::spawn(engine_cfg, events_tx).await?;
        let gateway_id = cfg
            .gateway_id
            .clone()
            .unwrap_or_else(|| vc_runtime::service::default_client_id("vc-media", engine.local_addr.port()));
        tracing::info!(udp = %engine.local_addr, ?advertised, %gateway_id, "media gateway listening");

        let bus = rt.bus.clone();
        let publisher = tokio::spawn(async move {
            while let Some(event) = events_rx.recv().await {
                if let Err(e) = bus.publish(&topics::media::room_events(event.room_id), &event).await {
                    tracing::warn!(error = %e, "could not publish a media event");
                }
            }
        });

        let (e, id, url) = (engine.clone(), gateway_id.clone(), cfg.public_ws_url.clone());
        let open = rt
            .bus
            .serve(GROUP, &topics::media::open_room(), move |req| {
                let (engine, gateway_id, url) = (e.clone(), id.clone(), url.clone());
                async move {
                    let r = req.body;
                    let (reply, done) = oneshot::channel();
                    engine
                        .send(Command::OpenRoom {
                            room: r.room_id,
                            video_mode: r.video_mode,
                            max_quality: r.max_quality,
                            record: r.record,
                            pointer: r.pointer,
                            reply,
                        })
                        .map_err(unavailable)?;
                    done.await.map_err(unavailable)?;
                    Ok(RoomOpened { room_id: r.room_id, gateway_id, signaling_url: url })
                }
            })
            .await?;
        let e = engine.clone();
        let update = rt
            .bus
            .serve(GROUP, &topics::media::update_room(), move |req| {
                let engine = e.clone();
                async move {
                    let r = req.body;
                    let (reply, done) = oneshot::channel();
                    engine
                        .send(Command::UpdateRoom {
                            room: r.room_id,
                            video_mode: r.video_mode,
                            max_quality: r.max_quality,
                            reply,
                        })
                        .map_err(unavailable)?;
                    match done.await.map_err(unavailable)? {
                        true => Ok(Done {}),
                        false => Err(RemoteError::new("room_not_found", "no such room on this gateway")),
                    }
                }
            })
            .await?;
        let e = engine.clone();
        let close = rt
            .bus
            .serve(GROUP, &topics::media::close_room(), move |req| {
                let engine = e.clone();
                async move {
                    let r = req.body;
                    let (reply, done) = oneshot::channel();
                    engine
                        .send(Command::CloseRoom { room: r.room_id, reason: r.reason, reply })
                        .map_err(unavailable)?;
                    done.await.map_err(unavailable)?;
                    Ok(Done {})
                }
            })
            .await?;
        let gauges = census_gauges(rt).map_err(|e| StartError::Other(format!("vc-media metrics: {e}")))?;
        let e = engine.clone();
        let census = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                tick.tick().await;
                let Ok(c) = e.census().await else { break };
                gauges[0].set(c.rooms as i64);
                gauges[1].set(c.peers as i64);
                gauges[2].set(c.connections as i64);
            }
        });
        Ok(Arc::new(Self { engine, tasks: vec![engine_task, publisher, open, update, close, census] }))
    }

    pub fn engine(&self) -> &EngineHandle {
        &self.engine
    }
}

/// `vc_media_rooms`, `vc_media_peers`, `vc_media_connections`.
fn census_gauges(rt: &Runtime) -> Result<[prometheus::IntGauge; 3], prometheus::Error> {
    let make = |name: &str, help: &str| -> Result<prometheus::IntGauge, prometheus::Error> {
        let g = prometheus::IntGauge::new(name, help)?;
        rt.metrics.registry().register(Box::new(g.clone()))?;
        Ok(g)
    };
    Ok([
        make("media_rooms", "Rooms the gateway hosts")?,
        make("media_peers", "Parties seated in rooms")?,
        make("media_connections", "Peer connections alive")?,
    ])
}

/// `media_recording_packets_total{outcome}`.
fn recording_metrics(rt: &Runtime) -> Result<record::RecorderMetrics, prometheus::Error> {
    let c = prometheus::IntCounterVec::new(
        prometheus::Opts::new(
            "media_recording_packets_total",
            "Recorded packets: written to disk, dropped (writer behind) or failed (disk error)",
        ),
        &["outcome"],
    )?;
    rt.metrics.registry().register(Box::new(c.clone()))?;
    Ok(record::RecorderMetrics { packets: c })
}

/// `vc_media_datachannel_messages_total{direction, outcome}`.
fn data_message_counter(rt: &Runtime) -> Result<prometheus::IntCounterVec, prometheus::Error> {
    let c = prometheus::IntCounterVec::new(
        prometheus::Opts::new(
            "media_datachannel_messages_total",
            "Data-channel messages parties sent: relayed, or dropped and why",
        ),
        &["direction", "outcome"],
    )?;
    rt.metrics.registry().register(Box::new(c.clone()))?;
    Ok(c)
}

fn unavailable<E>(_: E) -> RemoteError {
    RemoteError::new("unavailable", "the media engine has stopped")
}

impl Service for Media {
    fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(web::Data::new(self.engine.clone())).service(signaling::signaling);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}
