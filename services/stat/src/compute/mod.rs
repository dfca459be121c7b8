//! The metrics of one call, from what vc-server knows about it and the
//! gateway's samples. Pure: no I/O, no clock. See `docs/stats.md`.

mod acc;
pub mod device;
pub mod media;
pub mod quality;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
pub mod timing;

use chrono::{DateTime, Utc};
use vc_protocol::stat::{CallMetricsSummary, MetricsPoint, StatInput};

pub use media::Sample;

/// The summary and the series of one call, computed at `now`.
pub fn compute(
    input: &StatInput,
    samples: &[Sample],
    now: DateTime<Utc>,
) -> (CallMetricsSummary, Vec<MetricsPoint>) {
    let i = &input.interaction;
    let milestones = timing::Milestones::of(i);
    let (ended_by, end_reason) = timing::ending(i);
    let reconnects = timing::reconnects(i);
    let m = media::media(samples, media::Window { active: milestones.active, ended: milestones.ended });
    let quality = quality::verdict(&quality::Inputs {
        client_to_agent: &m.client_to_agent,
        agent_to_client: &m.agent_to_client,
        agent_rtt_avg_ms: m.agent_rtt_ms.map(|r| r.avg),
        client_rtt_avg_ms: m.client_rtt_ms.map(|r| r.avg),
        reconnects,
        in_call_samples: m.in_call,
    });
    let summary = CallMetricsSummary {
        computed_at: now,
        timing: milestones.timing(),
        ended_by,
        end_reason,
        reconnects,
        client_to_agent: m.client_to_agent,
        agent_to_client: m.agent_to_client,
        agent_rtt_ms: m.agent_rtt_ms,
        client_rtt_ms: m.client_rtt_ms,
        device: input.client_user_agent.as_deref().and_then(device::parse),
        location: i.locations.last().cloned(),
        chat_messages: input.chat_messages,
        files: input.files,
        screenshots: input.screenshots,
        quality,
        samples: u32::try_from(samples.len()).unwrap_or(u32::MAX),
    };
    (summary, m.series)
}
