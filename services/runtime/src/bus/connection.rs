//! Drives the MQTT event loop: reconnects with backoff, resubscribes when the
//! broker lost the session, dispatches incoming messages, drains on shutdown.

use std::sync::Arc;
use std::time::Duration;

use rumqttc::Outgoing;
use rumqttc::v5::mqttbytes::v5::Packet;
use rumqttc::v5::{Event, EventLoop};

use super::Inner;

/// Exponential backoff with jitter between reconnect attempts.
pub(crate) struct Backoff {
    min: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    pub(crate) fn new(min: Duration, max: Duration) -> Self {
        Self { min, max, current: min }
    }

    fn reset(&mut self) {
        self.current = self.min;
    }

    fn next(&mut self) -> Duration {
        let base = self.current;
        self.current = (self.current * 2).min(self.max);
        // Up to 25% jitter so a fleet does not reconnect in lockstep.
        let jitter = base.mul_f64(rand::random::<f64>() * 0.25);
        base + jitter
    }
}

pub(crate) async fn drive(mut eventloop: EventLoop, inner: Arc<Inner>, mut backoff: Backoff) {
    let mut shutdown = inner.shutdown.subscribe();
    let mut draining = false;
    let mut drain_deadline = tokio::time::Instant::now();
    loop {
        if !draining && *shutdown.borrow() {
            draining = true;
            drain_deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        }
        if draining {
            let idle = eventloop.state.inflight() == 0;
            let connected = *inner.connected.borrow();
            if idle || !connected || tokio::time::Instant::now() >= drain_deadline {
                if connected {
                    let _ = inner.client.try_disconnect();
                    // Let the DISCONNECT go out.
                    let _ = tokio::time::timeout(Duration::from_millis(500), async {
                        loop {
                            match eventloop.poll().await {
                                Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                                Ok(_) => {}
                            }
                        }
                    })
                    .await;
                }
                inner.connected.send_replace(false);
                return;
            }
        }
        let event = tokio::select! {
            ev = eventloop.poll() => ev,
            _ = shutdown.changed(), if !draining => continue,
            _ = tokio::time::sleep(Duration::from_millis(50)), if draining => continue,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                backoff.reset();
                inner.acks.reset();
                inner.connected.send_replace(true);
                inner.metrics.bus_connected.set(1);
                tracing::info!(
                    client_id = %inner.client_id,
                    session_present = ack.session_present,
                    "connected to the MQTT broker"
                );
                if !ack.session_present {
                    // The broker has no subscriptions of ours: send them all
                    // (from a task: the event loop must keep polling meanwhile).
                    let inner = inner.clone();
                    tokio::spawn(async move { inner.resubscribe().await });
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => inner.dispatch(publish),
            Ok(Event::Incoming(Packet::Disconnect(d))) => {
                tracing::warn!(reason = ?d.reason_code, "the broker closed the connection");
                inner.connected.send_replace(false);
                inner.metrics.bus_connected.set(0);
            }
            Ok(_) => {}
            Err(e) => {
                let was_connected = inner.connected.send_replace(false);
                inner.metrics.bus_connected.set(0);
                if was_connected {
                    inner.metrics.bus_reconnects.inc();
                    tracing::warn!(error = %e, "lost the MQTT broker; reconnecting");
                } else {
                    tracing::debug!(error = %e, "MQTT broker not reachable yet");
                }
                if draining {
                    return;
                }
                let delay = backoff.next();
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }
}
