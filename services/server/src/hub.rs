//! Live fan-out of interaction events to this instance's control
//! connections. Every instance publishes what it appends on the bus and
//! every instance delivers what it hears, so a page connected to any
//! instance sees events made by any other.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::broadcast;
use vc_protocol::InteractionId;
use vc_protocol::interaction::InteractionEvent;

#[derive(Default)]
pub struct Hub {
    channels: Mutex<HashMap<InteractionId, broadcast::Sender<InteractionEvent>>>,
}

impl Hub {
    /// Events of `id` from now on.
    pub fn subscribe(&self, id: InteractionId) -> broadcast::Receiver<InteractionEvent> {
        let mut map = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(id).or_insert_with(|| broadcast::channel(256).0).subscribe()
    }

    pub fn deliver(&self, id: InteractionId, events: &[InteractionEvent]) {
        let mut map = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = map.get(&id) {
            for e in events {
                let _ = tx.send(e.clone());
            }
            if tx.receiver_count() == 0 {
                map.remove(&id);
            }
        }
    }
}
