//! Handing a booked call's messages to vc-msg: the link (with the call's
//! time) and the cancellation. Each message has a delivery id chosen and
//! stored before it is handed over; vc-msg creates a delivery once per id,
//! so handing it over again after a crash or a lost answer cannot send it
//! twice.

use vc_protocol::interaction::EventKind;
use vc_protocol::msg::{
    CreateDelivery, DeliveryCreated, DeliveryId, DeliveryKind, DeliveryStatus, FailureReason,
};
use vc_protocol::settings::BrandingSettings;
use vc_protocol::topics;
use vc_runtime::BusError;

use super::Schedules;
use crate::creation::recipient;
use crate::state::{PEER_SERVICE_TIMEOUT, ServerState};
use crate::store::{Change, InteractionDoc, ScheduleDoc, to_chrono};

/// Which message of a booked call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    Link,
    Cancellation,
}

impl Message {
    fn is_cancellation(self) -> bool {
        self == Message::Cancellation
    }

    fn delivery_id(self, s: &ScheduleDoc) -> Option<DeliveryId> {
        match self {
            Message::Link => s.delivery_id,
            Message::Cancellation => s.cancel_delivery_id,
        }
    }
}

/// What vc-msg made of a hand-over.
#[derive(Debug)]
pub enum Outcome {
    /// vc-msg has the delivery (now or from an earlier hand-over).
    Accepted(DeliveryCreated),
    /// vc-msg refused it for good; logged as a failed delivery.
    Refused,
    /// No answer: it is handed over again later with the same id.
    Unanswered,
}

fn request(
    state: &ServerState,
    doc: &InteractionDoc,
    s: &ScheduleDoc,
    what: Message,
    id: DeliveryId,
    branding: BrandingSettings,
) -> CreateDelivery {
    let at = to_chrono(s.at);
    let kind = match what {
        Message::Link => DeliveryKind::ScheduledLink { at, time_zone: s.time_zone.clone() },
        Message::Cancellation => {
            DeliveryKind::Cancelled { at, time_zone: s.time_zone.clone(), reason: s.cancel_reason.clone() }
        }
    };
    // The contact was checked when the call was booked; a number that no
    // longer passes is left for vc-msg and the provider to refuse.
    let to = recipient(
        s.send_via,
        doc.client_phone.as_deref(),
        doc.client_email.as_deref(),
        doc.client_telegram.as_deref(),
        &state.cfg.default_phone_region,
    )
    .unwrap_or_else(|_| match s.send_via {
        vc_protocol::msg::Channel::Sms => doc.client_phone.clone(),
        vc_protocol::msg::Channel::Email => doc.client_email.clone(),
        vc_protocol::msg::Channel::Telegram => doc.client_telegram.clone(),
        vc_protocol::msg::Channel::Webhook => None,
    });
    CreateDelivery {
        delivery_id: id,
        interaction_id: doc.id,
        channel: s.send_via,
        to,
        language: s.language,
        link: doc.short_url.clone().unwrap_or_default(),
        company_name: branding.company_name,
        accent_color: branding.accent_color,
        agent_name: doc.agent_name.clone(),
        client_name: doc.client_name.clone(),
        contact: doc.contact(),
        kind,
    }
}

/// Hands `what` of `doc` to vc-msg under its stored delivery id and records
/// the outcome: confirmed when vc-msg has it; when vc-msg refuses it for
/// good, confirmed too and a failed `delivery` event logged (vc-msg logs
/// every status of a delivery it accepted itself).
pub async fn hand_over(
    state: &ServerState,
    schedules: &Schedules,
    doc: &InteractionDoc,
    what: Message,
) -> Outcome {
    let Some(s) = &doc.schedule else { return Outcome::Refused };
    let Some(id) = what.delivery_id(s) else { return Outcome::Refused };
    let branding = match state.settings.branding().await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(interaction_id = %doc.id, error = %e, "no branding; handed over later");
            return Outcome::Unanswered;
        }
    };
    let req = request(state, doc, s, what, id, branding);
    let answer =
        state.bus.request_with_timeout(&topics::msg::create_delivery(), &req, PEER_SERVICE_TIMEOUT).await;
    let outcome = match answer {
        Ok(created) => Outcome::Accepted(created),
        Err(BusError::Remote { code, message, .. }) => {
            let reason = match code.as_str() {
                "channel_not_configured" => FailureReason::NotConfigured,
                "contact_missing" | "validation_failed" => FailureReason::Rejected,
                _ => FailureReason::ProviderError,
            };
            tracing::warn!(interaction_id = %doc.id, delivery_id = %id, %code, %message, "vc-msg refused a booked call's message");
            let logged = state
                .commit(doc.id, |d| {
                    let seen = d.events.iter().any(
                        |e| matches!(&e.event, EventKind::Delivery { delivery_id, .. } if *delivery_id == id),
                    );
                    (!seen).then(|| {
                        Change::default().event(EventKind::Delivery {
                            delivery_id: id,
                            channel: s.send_via,
                            status: DeliveryStatus::Failed,
                            reason: Some(reason),
                            detail: Some(message.clone()),
                            start_url: None,
                        })
                    })
                })
                .await;
            if let Err(e) = logged {
                tracing::warn!(interaction_id = %doc.id, error = %e, "refusal not logged; handed over again later");
                return Outcome::Unanswered;
            }
            Outcome::Refused
        }
        Err(e) => {
            tracing::warn!(interaction_id = %doc.id, delivery_id = %id, error = %e, "vc-msg did not answer; handed over again later");
            return Outcome::Unanswered;
        }
    };
    if let Err(e) = schedules.confirm(doc.id, what.is_cancellation(), id).await {
        // Handed over again later: vc-msg answers with the same delivery.
        tracing::warn!(interaction_id = %doc.id, error = %e, "hand-over not confirmed in the database");
    }
    if let Outcome::Accepted(created) = &outcome {
        tracing::info!(
            interaction_id = %doc.id,
            delivery_id = %created.delivery_id,
            channel = s.send_via.as_str(),
            cancellation = what.is_cancellation(),
            "booked call's message handed to vc-msg"
        );
    }
    outcome
}
