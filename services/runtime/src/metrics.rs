//! Prometheus metrics shared by every service of a process: HTTP requests,
//! bus traffic, plus whatever each service registers itself.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// Cheap to clone: every field is a handle on the same registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub bus_published: IntCounterVec,
    pub bus_received: IntCounterVec,
    pub bus_undecodable: IntCounterVec,
    pub bus_request_seconds: HistogramVec,
    pub bus_connected: IntGauge,
    pub bus_reconnects: IntCounter,
}

#[derive(Debug, thiserror::Error)]
#[error("metrics: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

impl Metrics {
    pub fn new() -> Result<Self, MetricsError> {
        let registry = Registry::new_custom(Some("vc".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, route and status"),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route"],
        )?;
        let bus_published = IntCounterVec::new(
            Opts::new("bus_messages_published_total", "MQTT messages published, by topic kind"),
            &["kind"],
        )?;
        let bus_received = IntCounterVec::new(
            Opts::new("bus_messages_received_total", "MQTT messages received, by topic kind"),
            &["kind"],
        )?;
        let bus_undecodable = IntCounterVec::new(
            Opts::new("bus_messages_undecodable_total", "MQTT messages that did not decode"),
            &["kind"],
        )?;
        let bus_request_seconds = HistogramVec::new(
            HistogramOpts::new("bus_request_duration_seconds", "MQTT request/response latency")
                .buckets(vec![0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]),
            &["kind", "outcome"],
        )?;
        let bus_connected = IntGauge::new("bus_connected", "1 while the broker connection is up")?;
        let bus_reconnects = IntCounter::new("bus_reconnects_total", "Lost broker connections")?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(bus_published.clone()))?;
        registry.register(Box::new(bus_received.clone()))?;
        registry.register(Box::new(bus_undecodable.clone()))?;
        registry.register(Box::new(bus_request_seconds.clone()))?;
        registry.register(Box::new(bus_connected.clone()))?;
        registry.register(Box::new(bus_reconnects.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            bus_published,
            bus_received,
            bus_undecodable,
            bus_request_seconds,
            bus_connected,
            bus_reconnects,
        })
    }

    /// Where services register their own metrics.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The Prometheus text exposition of everything registered.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::warn!(error = %e, "could not encode metrics");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}
