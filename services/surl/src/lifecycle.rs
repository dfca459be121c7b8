//! Follows vc-server's interaction events: when a call reaches a final
//! status (ended, failed) its short links stop working.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use vc_protocol::interaction::{EventKind, InteractionEvent};
use vc_protocol::topics::InteractionEventMsg;
use vc_runtime::Subscription;

use crate::state::SurlState;
use crate::store::links::CloseReason;

/// How long one message is retried while the database is unreachable. The
/// broker is acknowledged in arrival order, so holding a message holds back
/// every later one of this process; after this the message is given up
/// (logged): its links still stop at their expiry, and vc-server refuses
/// the client link of a finished call anyway.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);

/// The close reason if these events include a final status.
pub fn final_status(events: &[InteractionEvent]) -> Option<CloseReason> {
    events.iter().find_map(|e| match &e.event {
        EventKind::Status { status, .. } => CloseReason::for_status(*status),
        _ => None,
    })
}

/// Runs until the bus shuts down. Each message is acknowledged (dropped)
/// only once its links are closed.
pub async fn follow(state: Arc<SurlState>, mut events: Subscription<InteractionEventMsg>) {
    while let Some(delivery) = events.next().await {
        let msg = delivery.body();
        let Some(reason) = final_status(&msg.events) else { continue };
        let id = msg.interaction_id;
        let started = Instant::now();
        let mut delay = Duration::from_millis(200);
        loop {
            match state.links.close(id, None, reason, Utc::now()).await {
                Ok(closed) => {
                    tracing::info!(interaction_id = %id, reason = reason.as_str(), closed, "short links closed");
                    break;
                }
                Err(e) if started.elapsed() < GIVE_UP_AFTER => {
                    tracing::warn!(interaction_id = %id, error = %e, "could not close short links; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(e) => {
                    tracing::error!(
                        interaction_id = %id, error = %e,
                        "gave up closing the short links of a finished call; they stop at their expiry"
                    );
                    break;
                }
            }
        }
        drop(delivery);
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use vc_protocol::UserId;
    use vc_protocol::interaction::InteractionStatus;

    use super::*;

    fn ev(seq: u64, event: EventKind) -> InteractionEvent {
        InteractionEvent { seq, at: Utc::now(), event }
    }

    fn status(s: InteractionStatus) -> EventKind {
        EventKind::Status { status: s, reason: None }
    }

    #[test]
    fn only_final_statuses_close() {
        assert_eq!(final_status(&[]), None);
        assert_eq!(final_status(&[ev(1, EventKind::Created { by: UserId::new() })]), None);
        assert_eq!(final_status(&[ev(2, status(InteractionStatus::Waiting))]), None);
        assert_eq!(final_status(&[ev(3, status(InteractionStatus::Active))]), None);
        assert_eq!(
            final_status(&[
                ev(4, status(InteractionStatus::Active)),
                ev(5, status(InteractionStatus::Ended))
            ]),
            Some(CloseReason::Ended)
        );
        assert_eq!(final_status(&[ev(6, status(InteractionStatus::Failed))]), Some(CloseReason::Failed));
    }
}
