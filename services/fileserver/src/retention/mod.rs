//! Storage management: how long each storage class (chat files,
//! screenshots, recordings) is kept, the cleanup that deletes what is past
//! its time (by an admin, or on a cron schedule), and the log of its runs.
//! See "Storage management" in `docs/files.md`.

pub mod job;
pub mod policy;
pub mod store;
pub mod tombstones;

use tokio::sync::{Mutex, Notify};

pub use store::RetentionStore;
pub use tombstones::Tombstones;

/// The retention state a fileserver keeps.
pub struct Retention {
    pub store: RetentionStore,
    /// What the cleanup deleted (see `tombstones`).
    pub tombstones: Tombstones,
    /// Wakes this process's scheduler when an admin changed the settings
    /// here (other instances see them at their next look, within a minute).
    pub changed: Notify,
    /// One cleanup at a time in this process (runs of other instances are
    /// kept apart by the slot claim and by conditional deletes).
    pub running: Mutex<()>,
    /// Names this process in the claims of scheduled runs.
    pub instance: String,
}

impl Retention {
    pub fn new(store: RetentionStore, tombstones: Tombstones) -> Self {
        let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty());
        let instance = format!(
            "{}-{}-{}",
            host.as_deref().unwrap_or("vc-fileserver"),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self { store, tombstones, changed: Notify::new(), running: Mutex::new(()), instance }
    }
}
