//! What other services report about an interaction, applied to it: the
//! short link was opened (vc-surl), a delivery changed status (vc-msg), the
//! recording is ready (vc-records).
//! Each message is acknowledged only after it was applied; applying one
//! twice changes nothing.

use std::sync::Arc;

use vc_protocol::InteractionId;
use vc_protocol::files::InteractionAccess;
use vc_protocol::interaction::EventKind;
use vc_protocol::media::Done;
use vc_protocol::msg::DeliveryStatusChanged;
use vc_protocol::recording::{RecordingOutcome, RecordingResult};
use vc_protocol::storage::FileDeleted;
use vc_protocol::surl::ShortLinkOpened;
use vc_runtime::{ApiError, RemoteError, Subscription};

use crate::lifecycle;
use crate::state::ServerState;
use crate::store::Change;

pub async fn link_opens(state: Arc<ServerState>, mut opens: Subscription<ShortLinkOpened>) {
    while let Some(delivery) = opens.next().await {
        if let Err(e) = link_opened(&state, delivery.body()).await {
            tracing::warn!(error = %e, "short-link open not applied");
        }
        drop(delivery);
    }
}

/// The client opened the short link: `created` → `waiting`.
async fn link_opened(state: &ServerState, open: &ShortLinkOpened) -> Result<(), ApiError> {
    state
        .commit(open.interaction_id, |doc| {
            lifecycle::on_link_opened(doc.status)
                .map(|next| Change::default().event(EventKind::LinkOpened).status(next, None))
        })
        .await?;
    Ok(())
}

pub async fn delivery_statuses(state: Arc<ServerState>, mut changes: Subscription<DeliveryStatusChanged>) {
    while let Some(delivery) = changes.next().await {
        if let Err(e) = delivery_status(&state, delivery.body()).await {
            tracing::warn!(error = %e, "delivery status not applied");
        }
        drop(delivery);
    }
}

/// Appends a `delivery` event (each status of a delivery once), which the
/// agent's control channel shows live.
async fn delivery_status(state: &ServerState, change: &DeliveryStatusChanged) -> Result<(), ApiError> {
    state
        .commit(change.interaction_id, |doc| {
            let seen = doc.events.iter().any(|e| {
                matches!(&e.event, EventKind::Delivery { delivery_id, status, .. }
                    if *delivery_id == change.delivery_id && *status == change.status)
            });
            (!seen).then(|| {
                Change::default().event(EventKind::Delivery {
                    delivery_id: change.delivery_id,
                    channel: change.channel,
                    status: change.status,
                    reason: change.reason,
                    detail: change.detail.clone(),
                    start_url: change.start_url.clone(),
                })
            })
        })
        .await?;
    Ok(())
}

/// `v1/server/interactions/access`: who may reach an interaction.
pub async fn access(state: &ServerState, id: InteractionId) -> Result<InteractionAccess, RemoteError> {
    match state.interactions.get(id).await {
        Ok(Some(doc)) => {
            let location = state
                .chat
                .last_location(id)
                .await
                .map_err(|e| RemoteError::new("service_unavailable", e.to_string()))?;
            Ok(InteractionAccess {
                interaction_id: doc.id,
                agent_id: doc.agent_id,
                status: doc.status,
                presence: doc.media,
                location: location.as_ref().map(Into::into),
                features: doc.features,
                team_id: doc.team_id,
            })
        }
        Ok(None) => Err(RemoteError::new("interaction_not_found", "no such interaction")),
        Err(e) => Err(RemoteError::new("service_unavailable", e.to_string())),
    }
}

/// `v1/server/interactions/recording`: vc-records merged (or failed to
/// merge) the call's recording. Puts it on the interaction and logs
/// `recording_ready` / `recording_failed`, which the agent's console shows
/// live. Reporting the same outcome twice changes nothing.
pub async fn recording_outcome(state: &ServerState, outcome: &RecordingOutcome) -> Result<Done, RemoteError> {
    let remote = |e: ApiError| RemoteError::new(e.code.as_str(), e.message);
    let recording = match &outcome.result {
        RecordingResult::Ready { recording } => Some(
            mongodb::bson::to_bson(recording)
                .map_err(|e| RemoteError::new("validation_failed", format!("recording: {e}")))?,
        ),
        RecordingResult::Failed { .. } => None,
    };
    let applied = state
        .commit(outcome.interaction_id, |doc| match &outcome.result {
            RecordingResult::Ready { recording: info } => {
                if doc.recording.as_ref().is_some_and(|r| r.file_id == info.file_id) {
                    return None;
                }
                let mut change = Change::default()
                    .event(EventKind::RecordingReady { file_id: info.file_id, duration_s: info.duration_s });
                change.set.insert("recording", recording.clone().unwrap_or(mongodb::bson::Bson::Null));
                Some(change)
            }
            RecordingResult::Failed { reason } => {
                let seen = doc
                    .events
                    .iter()
                    .any(|e| matches!(&e.event, EventKind::RecordingFailed { reason: r } if r == reason));
                (!seen && doc.recording.is_none())
                    .then(|| Change::default().event(EventKind::RecordingFailed { reason: reason.clone() }))
            }
        })
        .await
        .map_err(remote)?;
    match applied {
        Some(_) => Ok(Done {}),
        None => Err(RemoteError::new("interaction_not_found", "no such interaction")),
    }
}

/// vc-fileserver's retention cleanup deleted a file of the interaction:
/// its chat messages show the file as deleted, a deleted recording gets
/// `deleted_at`, and `file_deleted` is logged once per file.
pub async fn file_deleted(state: &ServerState, m: &FileDeleted) -> Result<Done, RemoteError> {
    let remote = |e: ApiError| RemoteError::new(e.code.as_str(), e.message);
    state
        .chat
        .mark_file_deleted(m.interaction_id, m.file_id, m.deleted_at)
        .await
        .map_err(|e| remote(e.into()))?;
    let at = mongodb::bson::to_bson(&m.deleted_at)
        .map_err(|e| RemoteError::new("validation_failed", format!("deleted_at: {e}")))?;
    let applied = state
        .commit(m.interaction_id, |doc| {
            let logged = doc
                .events
                .iter()
                .any(|e| matches!(&e.event, EventKind::FileDeleted { file_id, .. } if *file_id == m.file_id));
            if logged {
                return None;
            }
            let mut change = Change::default().event(EventKind::FileDeleted {
                file_id: m.file_id,
                class: m.class,
                name: m.name.clone(),
            });
            if doc.recording.as_ref().is_some_and(|r| r.file_id == m.file_id) {
                change = change.set("recording.deleted_at", at.clone());
            }
            Some(change)
        })
        .await
        .map_err(remote)?;
    match applied {
        Some(_) => Ok(Done {}),
        None => Err(RemoteError::new("interaction_not_found", "no such interaction")),
    }
}
