//! Typed subscriptions and the acknowledgement of what they deliver.

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use rumqttc::v5::AsyncClient;
use rumqttc::v5::mqttbytes::v5::Publish;
use tokio::sync::mpsc;
use vc_protocol::MessageId;
use vc_protocol::bus::{Envelope, Payload};

use crate::metrics::Metrics;

/// Acknowledgements in the order the messages arrived, as MQTT 5 requires
/// (§4.6) and rumqttd enforces (it disconnects a client that acknowledges
/// out of order): a message's PUBACK goes out once it and every message
/// before it have been handled.
pub(crate) struct AckQueue {
    client: AsyncClient,
    state: std::sync::Mutex<AckState>,
}

#[derive(Default)]
struct AckState {
    next_ticket: u64,
    entries: std::collections::VecDeque<(u64, Publish, bool)>,
}

impl AckQueue {
    pub(crate) fn new(client: AsyncClient) -> Self {
        Self { client, state: std::sync::Mutex::new(AckState::default()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AckState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reserves the publish's place in the acknowledgement order.
    pub(crate) fn enqueue(&self, publish: &Publish) -> u64 {
        let mut st = self.lock();
        st.next_ticket += 1;
        let ticket = st.next_ticket;
        let mut p = publish.clone();
        // Only the packet id and QoS are needed to acknowledge.
        p.payload = Bytes::new();
        st.entries.push_back((ticket, p, false));
        ticket
    }

    /// The message with `ticket` is handled: send every acknowledgement
    /// that is now due.
    pub(crate) fn done(&self, ticket: u64) {
        let due: Vec<Publish> = {
            let mut st = self.lock();
            if let Some(e) = st.entries.iter_mut().find(|e| e.0 == ticket) {
                e.2 = true;
            }
            let mut due = Vec::new();
            while st.entries.front().is_some_and(|e| e.2) {
                if let Some((_, p, _)) = st.entries.pop_front() {
                    due.push(p);
                }
            }
            due
        };
        for p in due {
            ack_now(&self.client, &p);
        }
    }

    /// A new connection: acknowledgements still owed belong to the old one
    /// (the broker redelivers those messages), so they are dropped.
    pub(crate) fn reset(&self) {
        self.lock().entries.clear();
    }
}

/// Marks one publish handled when the last delivery holding it is dropped.
pub(crate) struct AckGuard {
    queue: Arc<AckQueue>,
    ticket: u64,
    armed: AtomicBool,
}

impl AckGuard {
    pub(crate) fn new(queue: Arc<AckQueue>, ticket: u64) -> Self {
        Self { queue, ticket, armed: AtomicBool::new(true) }
    }

    /// The message will be handed out again later (parked): not handled yet.
    pub(crate) fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
    }
}

impl Drop for AckGuard {
    fn drop(&mut self) {
        if self.armed.load(Ordering::SeqCst) {
            self.queue.done(self.ticket);
        }
    }
}

/// Sends the PUBACK for `publish` without waiting.
fn ack_now(client: &AsyncClient, publish: &Publish) {
    if client.try_ack(publish).is_err() {
        // The request queue is full; acknowledge from a task instead.
        let client = client.clone();
        let publish = publish.clone();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let _ = client.ack(&publish).await;
            });
        }
    }
}

/// A raw message on its way to a subscription.
pub(crate) struct Incoming {
    pub(crate) publish: Publish,
    pub(crate) topic: String,
    pub(crate) ack: Arc<AckGuard>,
}

/// A stream of decoded messages of one subscription.
pub struct Subscription<T> {
    rx: mpsc::UnboundedReceiver<Incoming>,
    kind: &'static str,
    metrics: Metrics,
    _payload: PhantomData<fn() -> T>,
}

impl<T: Payload> Subscription<T> {
    pub(crate) fn new(rx: mpsc::UnboundedReceiver<Incoming>, kind: &'static str, metrics: Metrics) -> Self {
        Self { rx, kind, metrics, _payload: PhantomData }
    }

    /// The next message; `None` once the bus has shut down. Messages that do
    /// not decode as `T` are logged, acknowledged and skipped.
    pub async fn next(&mut self) -> Option<Delivery<T>> {
        loop {
            let incoming = self.rx.recv().await?;
            match serde_json::from_slice::<Envelope<T>>(&incoming.publish.payload) {
                Ok(envelope) => {
                    return Some(Delivery {
                        envelope,
                        topic: incoming.topic,
                        redelivered: incoming.publish.dup,
                        reply_to: reply_to(&incoming.publish),
                        _ack: incoming.ack,
                    });
                }
                Err(e) => {
                    self.metrics.bus_undecodable.with_label_values(&[self.kind]).inc();
                    tracing::warn!(topic = %incoming.topic, error = %e, "undecodable bus message skipped");
                }
            }
        }
    }
}

fn reply_to(publish: &Publish) -> Option<(String, Bytes)> {
    let props = publish.properties.as_ref()?;
    Some((props.response_topic.clone()?, props.correlation_data.clone().unwrap_or_default()))
}

/// One received message. The broker is told it was handled when this value
/// (and every other delivery of the same message) is dropped: drop it after
/// the work is done.
pub struct Delivery<T> {
    envelope: Envelope<T>,
    topic: String,
    redelivered: bool,
    reply_to: Option<(String, Bytes)>,
    _ack: Arc<AckGuard>,
}

impl<T> Delivery<T> {
    pub fn id(&self) -> MessageId {
        self.envelope.id
    }
    pub fn body(&self) -> &T {
        &self.envelope.body
    }
    pub fn envelope(&self) -> &Envelope<T> {
        &self.envelope
    }
    /// The topic it arrived on, without the namespace.
    pub fn topic(&self) -> &str {
        &self.topic
    }
    /// The broker marked it as a possible duplicate.
    pub fn redelivered(&self) -> bool {
        self.redelivered
    }
    pub(crate) fn reply_to(&self) -> Option<(String, Bytes)> {
        self.reply_to.clone()
    }
    /// Takes the envelope out; the message is acknowledged when the returned
    /// [`Ack`] is dropped.
    pub fn into_parts(self) -> (Envelope<T>, Ack) {
        (self.envelope, Ack(self._ack))
    }
}

/// Holds back the acknowledgement of a message until dropped.
pub struct Ack(#[allow(dead_code)] Arc<AckGuard>);
