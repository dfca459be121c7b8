//! `[server.schedule]`: the scheduler of booked calls.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleSettings {
    /// How often the scheduler looks for due work (milliseconds).
    pub tick_ms: u64,
    /// The agent is reminded this long before the call (seconds); never
    /// before the client's link went out.
    pub reminder_secs: u64,
    /// A call nobody joined is marked missed this long after its time (seconds).
    pub missed_after_secs: u64,
    /// A message handed to vc-msg that vc-msg did not confirm is handed over
    /// again, with the same delivery id, after this long (seconds).
    pub resend_after_secs: u64,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        Self { tick_ms: 5_000, reminder_secs: 300, missed_after_secs: 1_800, resend_after_secs: 30 }
    }
}
