//! The MQTT bus: typed publish / subscribe / request-response over MQTT v5.
//!
//! * Every message is an [`Envelope`] (JSON) with a fresh [`MessageId`], so a
//!   handler can recognise a redelivery.
//! * QoS 1 everywhere, a persistent session (`clean_start = false` plus a
//!   session expiry), and manual acknowledgement: a message is acknowledged to
//!   the broker only when every [`Delivery`] of it has been dropped, so a
//!   process that dies mid-handler gets the message again on reconnect.
//! * Request/response uses the MQTT v5 response topic and correlation data;
//!   a request carries a message expiry equal to its timeout so a late
//!   responder does not act on it.
//! * Reconnects by itself with exponential backoff; when the broker has lost
//!   the session it resubscribes everything.
//! * Topic names and payload types come from `vc_protocol` only.

mod connection;
mod delivery;
pub mod matching;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::{Publish, PublishProperties};
use rumqttc::v5::{AsyncClient, MqttOptions};
use tokio::sync::{Mutex, mpsc, oneshot, watch};
use vc_protocol::MessageId;
use vc_protocol::bus::{Endpoint, Envelope, Payload, Reply, Topic, TopicFilter};

use crate::config::MqttConfig;
use crate::metrics::Metrics;

pub use delivery::{Ack, Delivery, Subscription};

/// Errors of the bus API.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("the bus client has shut down")]
    Closed,
    #[error("could not encode the message: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("no answer from {endpoint} within {timeout:?}")]
    Timeout { endpoint: String, timeout: Duration },
    #[error("{endpoint} answered with an error: {code}: {message}")]
    Remote { endpoint: String, code: String, message: String },
    #[error("could not decode the answer from {endpoint}: {message}")]
    Decode { endpoint: String, message: String },
    #[error("invalid bus configuration: {0}")]
    Config(String),
}

/// An error a request handler answers with; it reaches the requester as
/// [`BusError::Remote`].
#[derive(Debug, Clone)]
pub struct RemoteError {
    pub code: String,
    pub message: String,
}

impl RemoteError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into() }
    }
}

/// One registered subscription: the wire filter and where matching messages go.
struct SubEntry {
    wire_filter: String,
    kind: &'static str,
    tx: mpsc::UnboundedSender<delivery::Incoming>,
}

pub(crate) struct Inner {
    client: AsyncClient,
    client_id: String,
    namespace: String,
    inbox: String,
    request_timeout: Duration,
    shared_subscriptions: bool,
    subs: std::sync::Mutex<Vec<SubEntry>>,
    pending: std::sync::Mutex<HashMap<Bytes, oneshot::Sender<Bytes>>>,
    /// Messages that arrived before the services registered their
    /// subscriptions (a persistent session replays as soon as we connect),
    /// with their place in the acknowledgement order.
    parked: std::sync::Mutex<Vec<(Publish, u64)>>,
    acks: Arc<delivery::AckQueue>,
    ready: AtomicBool,
    connected: watch::Sender<bool>,
    /// Bumped whenever the broker had no session for us (first connect, or
    /// the broker lost it): anything learned from retained state may be stale.
    session_epoch: watch::Sender<u64>,
    metrics: Metrics,
    shutdown: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// A handle on the process's connection to the broker. Cheap to clone.
#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

impl Bus {
    /// Creates the client and starts connecting in the background. The bus
    /// is usable at once: requests made before the connection is up are sent
    /// when it is.
    pub fn connect(cfg: &MqttConfig, client_id: &str, metrics: &Metrics) -> Result<Bus, BusError> {
        if cfg.namespace.is_empty() || cfg.namespace.contains(['+', '#']) {
            return Err(BusError::Config(format!(
                "mqtt.namespace `{}` must be non-empty and free of wildcards",
                cfg.namespace
            )));
        }
        let client_id = matching::sanitize_level(client_id);
        let mut options = MqttOptions::new(client_id.clone(), cfg.host.clone(), cfg.port);
        options
            .set_keep_alive(Duration::from_secs(cfg.keep_alive_secs.max(1)))
            .set_clean_start(false)
            .set_session_expiry_interval(Some(cfg.session_expiry_secs))
            .set_manual_acks(true)
            .set_connection_timeout(5)
            .set_max_packet_size(Some(4 * 1024 * 1024));
        if let Some(user) = &cfg.username {
            options.set_credentials(user.clone(), cfg.password.clone().unwrap_or_default());
        }
        let (client, eventloop) = AsyncClient::new(options, 1024);
        let acks = Arc::new(delivery::AckQueue::new(client.clone()));
        let inbox_filter = vc_protocol::topics::reply_inbox(&client_id);
        let inbox = format!("{}/{}", cfg.namespace, inbox_filter.filter());
        // The inbox subscription is the first request of the session: every
        // barrier and reply depends on it.
        client.try_subscribe(inbox.clone(), QoS::AtLeastOnce).map_err(|_| BusError::Closed)?;
        let (connected, _) = watch::channel(false);
        let (shutdown, _) = watch::channel(false);
        let (session_epoch, _) = watch::channel(0);
        let inner = Arc::new(Inner {
            client,
            client_id,
            namespace: cfg.namespace.clone(),
            inbox,
            request_timeout: Duration::from_millis(cfg.request_timeout_ms.max(1)),
            shared_subscriptions: cfg.shared_subscriptions,
            subs: std::sync::Mutex::new(Vec::new()),
            pending: std::sync::Mutex::new(HashMap::new()),
            parked: std::sync::Mutex::new(Vec::new()),
            acks,
            ready: AtomicBool::new(false),
            connected,
            session_epoch,
            metrics: metrics.clone(),
            shutdown,
            task: Mutex::new(None),
        });
        let backoff = connection::Backoff::new(
            Duration::from_millis(cfg.reconnect_min_ms.max(10)),
            Duration::from_millis(cfg.reconnect_max_ms.max(cfg.reconnect_min_ms.max(10))),
        );
        let task = tokio::spawn(connection::drive(eventloop, inner.clone(), backoff));
        if let Ok(mut slot) = inner.task.try_lock() {
            *slot = Some(task);
        }
        Ok(Bus { inner })
    }

    /// The MQTT client id (also the `source` of every envelope we send).
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// Whether the broker connection is up right now.
    pub fn is_connected(&self) -> bool {
        *self.inner.connected.borrow()
    }

    /// Changes whenever the broker started a fresh session for us: whoever
    /// keeps state fed by the bus should reload it then.
    pub fn session_resets(&self) -> watch::Receiver<u64> {
        self.inner.session_epoch.subscribe()
    }

    /// Waits until the connection is up, at most `timeout`.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let mut rx = self.inner.connected.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|c| *c)).await.is_ok_and(|r| r.is_ok())
    }

    /// Declares that every subscription of this process is registered:
    /// messages the broker replayed before then are dispatched now, and
    /// messages without a subscriber are acknowledged and dropped from here on.
    pub fn ready(&self) {
        self.inner.ready.store(true, Ordering::SeqCst);
        let parked = std::mem::take(&mut *lock(&self.inner.parked));
        for (publish, ticket) in parked {
            self.inner.route(publish, Some(ticket));
        }
    }

    fn wire(&self, relative: &str) -> String {
        format!("{}/{}", self.inner.namespace, relative)
    }

    /// Publishes `body` on `topic` (QoS 1) and returns the message id.
    pub async fn publish<T: Payload>(&self, topic: &Topic<T>, body: &T) -> Result<MessageId, BusError> {
        let envelope = Envelope::new(self.inner.client_id.clone(), body);
        let payload = serde_json::to_vec(&envelope)?;
        self.inner
            .client
            .publish(self.wire(topic.name()), QoS::AtLeastOnce, false, payload)
            .await
            .map_err(|_| BusError::Closed)?;
        self.inner.metrics.bus_published.with_label_values(&[topic.kind()]).inc();
        Ok(envelope.id)
    }

    /// Subscribes to a filter; every matching message arrives on the
    /// returned stream (this process receives each one).
    pub async fn subscribe<T: Payload>(
        &self,
        filter: impl Into<TopicFilter<T>>,
    ) -> Result<Subscription<T>, BusError> {
        let filter = filter.into();
        let wire = self.wire(filter.filter());
        self.add_subscription(wire, filter.kind()).await
    }

    /// Subscribes as a member of `group`: each message goes to one member
    /// of the group (MQTT shared subscription), so instances of a service
    /// share the work. With `mqtt.shared_subscriptions = false` this is a
    /// plain subscription.
    pub async fn subscribe_shared<T: Payload>(
        &self,
        group: &str,
        filter: impl Into<TopicFilter<T>>,
    ) -> Result<Subscription<T>, BusError> {
        let filter = filter.into();
        if !self.inner.shared_subscriptions {
            return self.subscribe(filter).await;
        }
        let wire = format!("$share/{}/{}", matching::sanitize_level(group), self.wire(filter.filter()));
        self.add_subscription(wire, filter.kind()).await
    }

    async fn add_subscription<T: Payload>(
        &self,
        wire_filter: String,
        kind: &'static str,
    ) -> Result<Subscription<T>, BusError> {
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.inner.subs).push(SubEntry { wire_filter: wire_filter.clone(), kind, tx });
        self.inner
            .client
            .subscribe(wire_filter.clone(), QoS::AtLeastOnce)
            .await
            .map_err(|_| BusError::Closed)?;
        // When this returns the broker has the subscription (unless we are
        // disconnected: then it is sent, and confirmed, on reconnect).
        if !self.inner.barrier(self.inner.request_timeout).await {
            tracing::debug!(filter = %wire_filter, "subscription not confirmed yet (broker unreachable)");
        }
        Ok(Subscription::new(rx, kind, self.inner.metrics.clone()))
    }

    /// Sends a request and waits for its answer, at most the configured
    /// `mqtt.request_timeout_ms`.
    pub async fn request<Req: Payload, Resp: Payload>(
        &self,
        endpoint: &Endpoint<Req, Resp>,
        body: &Req,
    ) -> Result<Resp, BusError> {
        self.request_with_timeout(endpoint, body, self.inner.request_timeout).await
    }

    /// Sends a request and waits for its answer, at most `timeout`.
    pub async fn request_with_timeout<Req: Payload, Resp: Payload>(
        &self,
        endpoint: &Endpoint<Req, Resp>,
        body: &Req,
        timeout: Duration,
    ) -> Result<Resp, BusError> {
        let started = Instant::now();
        let correlation = Bytes::from(uuid::Uuid::new_v4().as_bytes().to_vec());
        let (tx, rx) = oneshot::channel();
        lock(&self.inner.pending).insert(correlation.clone(), tx);
        let envelope = Envelope::new(self.inner.client_id.clone(), body);
        let payload = serde_json::to_vec(&envelope)?;
        let properties = PublishProperties {
            response_topic: Some(self.inner.inbox.clone()),
            correlation_data: Some(correlation.clone()),
            message_expiry_interval: Some(timeout.as_secs().max(1) as u32),
            content_type: Some("application/json".into()),
            ..Default::default()
        };
        let sent = self
            .inner
            .client
            .publish_with_properties(self.wire(endpoint.name()), QoS::AtLeastOnce, false, payload, properties)
            .await;
        if sent.is_err() {
            lock(&self.inner.pending).remove(&correlation);
            return Err(BusError::Closed);
        }
        self.inner.metrics.bus_published.with_label_values(&[endpoint.kind()]).inc();
        let outcome = tokio::time::timeout(timeout, rx).await;
        lock(&self.inner.pending).remove(&correlation);
        let result = match outcome {
            Err(_) | Ok(Err(_)) => Err(BusError::Timeout { endpoint: endpoint.name().into(), timeout }),
            Ok(Ok(bytes)) => decode_reply::<Resp>(endpoint.name(), &bytes),
        };
        let label = match &result {
            Ok(_) => "ok",
            Err(BusError::Timeout { .. }) => "timeout",
            Err(_) => "error",
        };
        self.inner
            .metrics
            .bus_request_seconds
            .with_label_values(&[endpoint.kind(), label])
            .observe(started.elapsed().as_secs_f64());
        result
    }

    /// Answers requests to `endpoint` with `handler`, as a member of `group`
    /// (instances of one service share the requests). Runs until shutdown.
    pub async fn serve<Req, Resp, F, Fut>(
        &self,
        group: &str,
        endpoint: &Endpoint<Req, Resp>,
        handler: F,
    ) -> Result<tokio::task::JoinHandle<()>, BusError>
    where
        Req: Payload,
        Resp: Payload,
        F: Fn(Envelope<Req>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, RemoteError>> + Send + 'static,
    {
        self.serve_concurrent(group, endpoint, 1, handler).await
    }

    /// Like [`Bus::serve`] (which is this with one request at a time), but
    /// up to `limit` requests are handled at once, so a slow answer (e.g. one
    /// waiting for an external provider) does not hold up quick ones.
    /// Acknowledgements still leave in arrival order.
    pub async fn serve_concurrent<Req, Resp, F, Fut>(
        &self,
        group: &str,
        endpoint: &Endpoint<Req, Resp>,
        limit: usize,
        handler: F,
    ) -> Result<tokio::task::JoinHandle<()>, BusError>
    where
        Req: Payload,
        Resp: Payload,
        F: Fn(Envelope<Req>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, RemoteError>> + Send + 'static,
    {
        let filter: TopicFilter<Req> = TopicFilter::from(endpoint.request_topic());
        let mut sub = self.subscribe_shared(group, filter).await?;
        let bus = self.clone();
        let name = endpoint.name().to_owned();
        let slots = Arc::new(tokio::sync::Semaphore::new(limit.max(1)));
        Ok(tokio::spawn(async move {
            while let Some(delivery) = sub.next().await {
                let Some((response_topic, correlation)) = delivery.reply_to() else {
                    tracing::warn!(endpoint = %name, "request without a response topic ignored");
                    continue;
                };
                let Ok(permit) = slots.clone().acquire_owned().await else { break };
                let (envelope, ack) = delivery.into_parts();
                let answer = handler(envelope);
                let (bus, name) = (bus.clone(), name.clone());
                tokio::spawn(async move {
                    let reply = match answer.await {
                        Ok(body) => Reply::Ok { body },
                        Err(e) => Reply::Error { code: e.code, message: e.message },
                    };
                    if let Err(e) = bus.respond(response_topic, correlation, reply).await {
                        tracing::warn!(endpoint = %name, error = %e, "could not send a reply");
                    }
                    drop(ack);
                    drop(permit);
                });
            }
        }))
    }

    async fn respond<T: Payload>(
        &self,
        response_topic: String,
        correlation: Bytes,
        reply: Reply<T>,
    ) -> Result<(), BusError> {
        let envelope = Envelope::new(self.inner.client_id.clone(), reply);
        let payload = serde_json::to_vec(&envelope)?;
        let properties = PublishProperties {
            correlation_data: Some(correlation),
            content_type: Some("application/json".into()),
            ..Default::default()
        };
        self.inner
            .client
            .publish_with_properties(response_topic, QoS::AtLeastOnce, false, payload, properties)
            .await
            .map_err(|_| BusError::Closed)
    }

    /// Waits (at most `timeout`) for outgoing messages to be acknowledged by
    /// the broker, then disconnects cleanly.
    pub async fn shutdown(&self, timeout: Duration) {
        self.inner.shutdown.send_replace(true);
        let task = self.inner.task.lock().await.take();
        if let Some(task) = task
            && tokio::time::timeout(timeout, task).await.is_err()
        {
            tracing::warn!("bus did not drain in time; disconnecting anyway");
        }
        self.inner.connected.send_replace(false);
    }
}

fn decode_reply<T: Payload>(endpoint: &str, bytes: &[u8]) -> Result<T, BusError> {
    let envelope: Envelope<Reply<T>> = serde_json::from_slice(bytes)
        .map_err(|e| BusError::Decode { endpoint: endpoint.into(), message: e.to_string() })?;
    match envelope.body {
        Reply::Ok { body } => Ok(body),
        Reply::Error { code, message } => Err(BusError::Remote { endpoint: endpoint.into(), code, message }),
    }
}

impl Inner {
    /// Hands one incoming publish to the request waiting for it or to the
    /// subscriptions it matches.
    fn dispatch(self: &Arc<Self>, publish: Publish) {
        self.route(publish, None);
    }

    /// `ticket`: the publish's place in the acknowledgement order, when it
    /// already has one (a parked message).
    fn route(self: &Arc<Self>, publish: Publish, ticket: Option<u64>) {
        let ticket = ticket.unwrap_or_else(|| self.acks.enqueue(&publish));
        let guard = Arc::new(delivery::AckGuard::new(self.acks.clone(), ticket));
        let Ok(topic) = std::str::from_utf8(&publish.topic).map(str::to_owned) else {
            tracing::warn!("message with a non-UTF-8 topic dropped");
            return;
        };
        if topic == self.inbox {
            let correlation = publish.properties.as_ref().and_then(|p| p.correlation_data.clone());
            let waiter = correlation.and_then(|c| lock(&self.pending).remove(&c));
            match waiter {
                Some(tx) => {
                    let _ = tx.send(publish.payload.clone());
                }
                None => tracing::debug!("late or unknown reply dropped"),
            }
            return;
        }
        let relative = topic
            .strip_prefix(&self.namespace)
            .and_then(|t| t.strip_prefix('/'))
            .unwrap_or(&topic)
            .to_owned();
        let mut delivered = false;
        {
            let mut subs = lock(&self.subs);
            subs.retain(|s| !s.tx.is_closed());
            for sub in subs.iter().filter(|s| matching::matches(&s.wire_filter, &topic)) {
                let incoming = delivery::Incoming {
                    publish: publish.clone(),
                    topic: relative.clone(),
                    ack: guard.clone(),
                };
                if sub.tx.send(incoming).is_ok() {
                    delivered = true;
                    self.metrics.bus_received.with_label_values(&[sub.kind]).inc();
                }
            }
        }
        if !delivered {
            if self.ready.load(Ordering::SeqCst) {
                tracing::debug!(topic = %topic, "message without a subscriber dropped");
            } else {
                // Keep it unacknowledged until the services have subscribed.
                guard.disarm();
                lock(&self.parked).push((publish, ticket));
            }
        }
    }

    /// Resolves once every packet we sent before it has been processed by
    /// the broker: a message to our own inbox comes back only after the
    /// broker handled everything this connection sent earlier (MQTT keeps a
    /// connection's packets in order). `false` on timeout.
    async fn barrier(&self, timeout: Duration) -> bool {
        let correlation = Bytes::from(uuid::Uuid::new_v4().as_bytes().to_vec());
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(correlation.clone(), tx);
        let properties =
            PublishProperties { correlation_data: Some(correlation.clone()), ..Default::default() };
        let sent = self
            .client
            .publish_with_properties(self.inbox.clone(), QoS::AtLeastOnce, false, Bytes::new(), properties)
            .await
            .is_ok();
        let ok = sent && matches!(tokio::time::timeout(timeout, rx).await, Ok(Ok(_)));
        lock(&self.pending).remove(&correlation);
        ok
    }

    /// Re-sends every subscription (the broker lost our session), then tells
    /// whoever follows `session_resets` to reload.
    async fn resubscribe(&self) {
        let filters: Vec<String> = {
            let mut subs = lock(&self.subs);
            subs.retain(|s| !s.tx.is_closed());
            subs.iter().map(|s| s.wire_filter.clone()).collect()
        };
        let mut all = vec![self.inbox.clone()];
        all.extend(filters);
        all.dedup();
        for f in all {
            if self.client.subscribe(f, QoS::AtLeastOnce).await.is_err() {
                return;
            }
        }
        if self.barrier(self.request_timeout).await {
            self.session_epoch.send_modify(|e| *e += 1);
        }
    }
}

/// Locks a std mutex, recovering from poisoning (the data stays usable: every
/// critical section here leaves it consistent).
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
