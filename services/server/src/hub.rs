//! Live fan-out of interaction events and chat to this instance's control
//! connections. Every instance publishes what it appends on the bus and
//! every instance delivers what it hears, so a page connected to any
//! instance sees what any other instance stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;
use vc_protocol::InteractionId;
use vc_protocol::interaction::InteractionEvent;
use vc_protocol::topics::ChatItem;

/// One item of an interaction's live feed.
#[derive(Debug)]
pub enum Live {
    /// The events of one commit, together: a status change and the events
    /// written with it (e.g. `ended`) reach a connection at once.
    Events(Vec<InteractionEvent>),
    /// A chat message or a read mark.
    Chat(ChatItem),
}

pub type Batch = Arc<Live>;

#[derive(Default)]
pub struct Hub {
    channels: Mutex<HashMap<InteractionId, broadcast::Sender<Batch>>>,
}

impl Hub {
    /// The feed of `id` from now on.
    pub fn subscribe(&self, id: InteractionId) -> broadcast::Receiver<Batch> {
        let mut map = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(id).or_insert_with(|| broadcast::channel(256).0).subscribe()
    }

    pub fn deliver(&self, id: InteractionId, events: &[InteractionEvent]) {
        self.send(id, Live::Events(events.to_vec()));
    }

    pub fn deliver_chat(&self, id: InteractionId, item: ChatItem) {
        self.send(id, Live::Chat(item));
    }

    fn send(&self, id: InteractionId, live: Live) {
        let mut map = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = map.get(&id) {
            let _ = tx.send(Arc::new(live));
            if tx.receiver_count() == 0 {
                map.remove(&id);
            }
        }
    }
}
