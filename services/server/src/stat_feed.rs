//! What vc-server gives vc-stat and takes from it: the interaction with its
//! log and the facts only vc-server has (`v1/server/interactions/stat_input`),
//! and the computed metrics summary, kept on the interaction
//! (`v1/server/interactions/metrics`). See `docs/stats.md`.

use vc_protocol::media::Done;
use vc_protocol::stat::{GetStatInput, MetricsComputed, StatInput};
use vc_runtime::{ApiError, RemoteError};

use crate::state::ServerState;

fn remote(e: ApiError) -> RemoteError {
    RemoteError::new(e.code.as_str(), e.message)
}

/// The interaction (events and positions included), the client's
/// User-Agent and the chat's counts.
pub async fn stat_input(state: &ServerState, req: &GetStatInput) -> Result<StatInput, RemoteError> {
    let id = req.interaction_id;
    let doc = state
        .interactions
        .get(id)
        .await
        .map_err(|e| remote(e.into()))?
        .ok_or_else(|| RemoteError::new("interaction_not_found", "no such interaction"))?;
    let mut interaction = doc.view(true);
    interaction.locations = state.chat.locations(id).await.map_err(|e| remote(e.into()))?;
    let counts = state.chat.counts(id).await.map_err(|e| remote(e.into()))?;
    Ok(StatInput {
        interaction,
        client_user_agent: doc.client_user_agent,
        chat_messages: counts.messages,
        files: counts.files,
        screenshots: counts.screenshots,
    })
}

/// Keeps the summary on the interaction (a repeated hand-over overwrites
/// it with the same or a newer one).
pub async fn metrics_computed(state: &ServerState, m: &MetricsComputed) -> Result<Done, RemoteError> {
    let found =
        state.interactions.set_metrics(m.interaction_id, &m.summary).await.map_err(|e| remote(e.into()))?;
    if !found {
        return Err(RemoteError::new("interaction_not_found", "no such interaction"));
    }
    tracing::info!(interaction_id = %m.interaction_id, rating = m.summary.quality.rating.as_str(), "call metrics kept");
    Ok(Done {})
}
