//! What the gateway reports about a call's media, applied to the
//! interaction: connection presence, `active`, and `failed` when a party
//! does not come back.

use chrono::Utc;
use vc_protocol::interaction::{EventKind, InteractionStatus, Party};
use vc_protocol::media::{MediaEvent, MediaEventKind};
use vc_runtime::{ApiError, Subscription};

use crate::lifecycle;
use crate::state::ServerState;
use crate::store::{Change, to_bson};

pub async fn follow(state: std::sync::Arc<ServerState>, mut events: Subscription<MediaEvent>) {
    while let Some(delivery) = events.next().await {
        if let Err(e) = apply(&state, delivery.body()).await {
            tracing::warn!(error = %e, "media event not applied");
        }
        // Dropping the delivery acknowledges it: only after it was applied.
        drop(delivery);
    }
}

fn media_key(role: Party) -> &'static str {
    match role {
        Party::Agent => "media.agent",
        Party::Client => "media.client",
    }
}

async fn apply(state: &ServerState, event: &MediaEvent) -> Result<(), ApiError> {
    let id = event.room_id;
    match &event.event {
        MediaEventKind::PeerConnected { role, .. } => {
            let role = *role;
            state
                .commit(id, |doc| {
                    if doc.status.is_final() {
                        return None;
                    }
                    let mut media = doc.media;
                    match role {
                        Party::Agent => media.agent = true,
                        Party::Client => media.client = true,
                    }
                    let mut change = Change::default()
                        .set(media_key(role), true)
                        .event(EventKind::Media { party: role, connected: true });
                    if let Some(next) = lifecycle::on_media(doc.status, media.agent, media.client) {
                        change = change.set("started_at", to_bson(Utc::now())).status(next, None);
                    }
                    Some(change)
                })
                .await?;
        }
        MediaEventKind::PeerDisconnected { role, .. } => {
            let role = *role;
            state
                .commit(id, |doc| {
                    let connected = match role {
                        Party::Agent => doc.media.agent,
                        Party::Client => doc.media.client,
                    };
                    (connected && !doc.status.is_final()).then(|| {
                        Change::default()
                            .set(media_key(role), false)
                            .event(EventKind::Media { party: role, connected: false })
                    })
                })
                .await?;
        }
        MediaEventKind::PeerTimedOut { role, grace_secs } => {
            let reason = format!("{}_connection_lost", role.as_str());
            let grace = *grace_secs;
            let failed = state
                .commit(id, |doc| {
                    let next = lifecycle::on_timeout(doc.status)?;
                    Some(
                        Change::default()
                            .set("ended_at", to_bson(Utc::now()))
                            .set("end_reason", reason.clone())
                            .set(media_key(*role), false)
                            .status(next, Some(reason.clone())),
                    )
                })
                .await?;
            if let Some((doc, true)) = failed {
                tracing::info!(interaction_id = %id, %reason, grace_secs = grace, status = ?doc.status, "interaction failed");
                debug_assert_eq!(doc.status, InteractionStatus::Failed);
                state.close_room(id, "failed");
            }
        }
        _ => {}
    }
    Ok(())
}
