//! Live fan-out of interaction events to this instance's control
//! connections. Every instance publishes what it appends on the bus and
//! every instance delivers what it hears, so a page connected to any
//! instance sees events made by any other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;
use vc_protocol::InteractionId;
use vc_protocol::interaction::InteractionEvent;

/// The events of one commit, delivered together: a status change and the
/// events written with it (e.g. `ended`) reach a connection at once.
pub type Batch = Arc<Vec<InteractionEvent>>;

#[derive(Default)]
pub struct Hub {
    channels: Mutex<HashMap<InteractionId, broadcast::Sender<Batch>>>,
}

impl Hub {
    /// Events of `id` from now on.
    pub fn subscribe(&self, id: InteractionId) -> broadcast::Receiver<Batch> {
        let mut map = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(id).or_insert_with(|| broadcast::channel(256).0).subscribe()
    }

    pub fn deliver(&self, id: InteractionId, events: &[InteractionEvent]) {
        let mut map = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = map.get(&id) {
            let _ = tx.send(Arc::new(events.to_vec()));
            if tx.receiver_count() == 0 {
                map.remove(&id);
            }
        }
    }
}
