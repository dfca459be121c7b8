//! The delivery worker: takes due deliveries (under a lease), runs their
//! next step against the provider, records the attempt, and publishes
//! each status change. Restart-safe: the state is in MongoDB; a delivery
//! whose holder died mid-call is handled as an unanswered call.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Semaphore;
use vc_protocol::msg::{
    Channel, DeliveryAttempt, DeliveryKind, DeliveryStatus, DeliveryStatusChanged, FailureReason,
};
use vc_protocol::topics;

use crate::Ctx;
use crate::message::Message;
use crate::providers::SendOutcome;
use crate::providers::email::Mail;
use crate::providers::smsc::SmsStatus;
use crate::providers::webhook::Payload;
use crate::store::{DeliveryDoc, Step, Update, to_chrono};

/// Deliveries worked on at once (provider calls are mostly waiting).
const PARALLEL: usize = 16;
/// The longest the worker sleeps without looking for due work.
const MAX_IDLE: Duration = Duration::from_secs(2);
/// How often unpublished status changes are looked for.
const ANNOUNCE_SWEEP: Duration = Duration::from_secs(5);

pub async fn run(ctx: Arc<Ctx>) {
    let slots = Arc::new(Semaphore::new(PARALLEL));
    let mut last_sweep: Option<tokio::time::Instant> = None;
    loop {
        if last_sweep.is_none_or(|t| t.elapsed() >= ANNOUNCE_SWEEP) {
            announce_pending(&ctx).await;
            last_sweep = Some(tokio::time::Instant::now());
        }
        let Ok(permit) = slots.clone().acquire_owned().await else { return };
        let lease = chrono::Duration::seconds(ctx.cfg.lease_secs.max(5) as i64);
        match ctx.store.claim_due(lease).await {
            Ok(Some((doc, lease))) => {
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    let id = doc.id;
                    if let Err(e) = process(&ctx, doc, lease).await {
                        tracing::warn!(delivery_id = %id, error = %e, "delivery step failed; it is retried after its lease");
                    }
                    drop(permit);
                });
            }
            Ok(None) => {
                drop(permit);
                let wait = match ctx.store.next_due().await {
                    Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or_default().min(MAX_IDLE),
                    _ => MAX_IDLE,
                };
                tokio::select! {
                    _ = ctx.wake.notified() => {}
                    _ = tokio::time::sleep(wait.max(Duration::from_millis(20))) => {}
                }
            }
            Err(e) => {
                drop(permit);
                tracing::warn!(error = %e, "cannot read deliveries");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Publishes what was not published (after a crash or a broker outage).
async fn announce_pending(ctx: &Ctx) {
    match ctx.store.unannounced().await {
        Ok(docs) => {
            for d in docs {
                announce(ctx, &d).await;
            }
        }
        Err(e) => tracing::debug!(error = %e, "cannot look for unpublished statuses"),
    }
}

/// Publishes a delivery's current status on the bus.
pub async fn announce(ctx: &Ctx, d: &DeliveryDoc) {
    let msg = DeliveryStatusChanged {
        delivery_id: d.id,
        interaction_id: d.interaction_id,
        channel: d.channel,
        status: d.status,
        attempt: d.sends,
        provider_id: d.provider_id.clone(),
        reason: d.reason,
        detail: d.detail.clone(),
        start_url: d.start_url.clone(),
        at: to_chrono(d.updated_at),
    };
    match ctx.bus.publish(&topics::msg::delivery_status(), &msg).await {
        Ok(_) => {
            if let Err(e) = ctx.store.announced(d.id, d.status).await {
                tracing::debug!(delivery_id = %d.id, error = %e, "status published, flag not cleared");
            }
        }
        Err(e) => tracing::warn!(delivery_id = %d.id, error = %e, "status not published yet; retried"),
    }
}

/// The wait before retry `n` (1-based): doubling from `retry_initial_ms`,
/// at most `retry_max_ms`, ±20 % so retries of many deliveries spread.
fn backoff(ctx: &Ctx, n: u32) -> Duration {
    let base = ctx.cfg.retry_initial_ms.max(1).saturating_mul(1u64 << n.saturating_sub(1).min(30));
    let capped = base.min(ctx.cfg.retry_max_ms.max(1));
    let jitter = 0.8 + rand::random::<f64>() * 0.4;
    Duration::from_millis((capped as f64 * jitter) as u64)
}

fn attempt(n: u32, outcome: &str, provider_id: Option<String>, error: Option<String>) -> DeliveryAttempt {
    DeliveryAttempt { n, at: Utc::now(), outcome: outcome.into(), provider_id, error }
}

fn in_(d: Duration) -> Option<chrono::DateTime<Utc>> {
    Some(Utc::now() + chrono::Duration::from_std(d).unwrap_or_default())
}

async fn process(ctx: &Ctx, doc: DeliveryDoc, lease: mongodb::bson::DateTime) -> Result<(), String> {
    let update = match doc.step {
        Step::Send => match send(ctx, &doc, lease).await? {
            Some(u) => u,
            None => return Ok(()),
        },
        Step::Check => check(ctx, &doc).await,
        Step::Poll => poll(ctx, &doc).await,
        Step::WaitStart => Update::default().failed(
            FailureReason::StartLinkExpired,
            "the client did not press Start in the Telegram bot in time",
        ),
        Step::Done => Update::default().step(Step::Done, None),
    };
    let before = doc.status;
    match ctx.store.finish(doc.id, lease, update).await.map_err(|e| e.to_string())? {
        Some(after) => {
            if after.status != before {
                ctx.metrics
                    .deliveries
                    .with_label_values(&[after.channel.as_str(), status_name(after.status)])
                    .inc();
                tracing::info!(
                    delivery_id = %after.id,
                    channel = after.channel.as_str(),
                    status = status_name(after.status),
                    reason = after.reason.map(|r| r.as_str()),
                    "delivery status"
                );
            }
            if after.announce_pending {
                announce(ctx, &after).await;
            }
        }
        None => tracing::warn!(delivery_id = %doc.id, "lease lost before the step was recorded"),
    }
    Ok(())
}

pub fn status_name(s: DeliveryStatus) -> &'static str {
    match s {
        DeliveryStatus::Queued => "queued",
        DeliveryStatus::AwaitingStart => "awaiting_start",
        DeliveryStatus::Sent => "sent",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
    }
}

/// Hands the message to the provider. `None`: the lease was lost.
async fn send(
    ctx: &Ctx,
    doc: &DeliveryDoc,
    lease: mongodb::bson::DateTime,
) -> Result<Option<Update>, String> {
    if doc.in_flight {
        // The previous holder died during its call: its outcome is unknown.
        match doc.channel {
            Channel::Sms => {
                return Ok(Some(Update::default().step(Step::Check, in_(Duration::ZERO)).attempt(attempt(
                    doc.sends,
                    "retry",
                    None,
                    Some("interrupted; checking with SMSC.ru".into()),
                ))));
            }
            Channel::Telegram => {
                return Ok(Some(Update::default().failed(
                    FailureReason::UnknownOutcome,
                    "interrupted while sending to Telegram; the message may have arrived",
                )));
            }
            // The same Idempotency-Key / Message-ID make a resend safe.
            Channel::Email | Channel::Webhook => {}
        }
    }
    if !ctx.store.mark_in_flight(doc.id, lease).await.map_err(|e| e.to_string())? {
        return Ok(None);
    }
    let n = doc.sends + 1;
    let outcome = call_provider(ctx, doc).await;
    let outcome_label = match &outcome {
        SendOutcome::Sent { .. } => "sent",
        SendOutcome::Delivered { .. } => "delivered",
        SendOutcome::Retry { .. } => "retry",
        SendOutcome::Failed { .. } => "failed",
    };
    ctx.metrics.provider_calls.with_label_values(&[doc.channel.as_str(), outcome_label]).inc();
    let u = Update::default();
    Ok(Some(match outcome {
        // SMSC.ru refuses an identical SMS within a minute: on a resend
        // after an unanswered try, that means the first one arrived.
        SendOutcome::Failed { reason: FailureReason::FloodLimit, detail }
            if doc.channel == Channel::Sms && doc.sends > 0 =>
        {
            sent_sms(doc, u, n, Some(format!("{detail} (the earlier try was taken)")))
        }
        SendOutcome::Sent { provider_id } => match doc.channel {
            Channel::Sms => sent_sms(doc, u.set("provider_id", provider_id.clone()), n, None),
            // No delivery receipts for e-mail: accepted by the relay is the end.
            _ => u
                .status(DeliveryStatus::Sent)
                .set("provider_id", provider_id.clone())
                .set("sent_at", mongodb::bson::DateTime::now())
                .step(Step::Done, None)
                .attempt(attempt(n, "sent", provider_id, None)),
        },
        SendOutcome::Delivered { provider_id } => u
            .status(DeliveryStatus::Delivered)
            .set("provider_id", provider_id.clone())
            .set("sent_at", mongodb::bson::DateTime::now())
            .step(Step::Done, None)
            .attempt(attempt(n, "delivered", provider_id, None)),
        SendOutcome::Failed { reason, detail } => {
            u.failed(reason, detail.clone()).attempt(attempt(n, "failed", None, Some(detail)))
        }
        SendOutcome::Retry { error, after, ambiguous } => {
            if ambiguous && doc.channel == Channel::Telegram {
                // Telegram has no idempotency key: a resend could arrive twice.
                u.failed(
                    FailureReason::UnknownOutcome,
                    format!("{error}; the message may have arrived — ask the client before sending again"),
                )
                .attempt(attempt(n, "failed", None, Some(error)))
            } else if n >= ctx.cfg.max_attempts.max(1) {
                u.failed(FailureReason::ProviderUnavailable, format!("{error} (after {n} tries)"))
                    .attempt(attempt(n, "failed", None, Some(error)))
            } else {
                let wait = after.unwrap_or_else(|| backoff(ctx, n));
                let step = if ambiguous && doc.channel == Channel::Sms { Step::Check } else { Step::Send };
                u.step(step, in_(wait)).attempt(attempt(n, "retry", None, Some(error)))
            }
        }
    }))
}

fn sent_sms(doc: &DeliveryDoc, u: Update, n: u32, note: Option<String>) -> Update {
    let pid = doc.smsc_id.map(|id| id.to_string());
    u.status(DeliveryStatus::Sent)
        .set("provider_id", pid.clone())
        .set("sent_at", mongodb::bson::DateTime::now())
        .step(Step::Poll, in_(Duration::ZERO))
        .attempt(attempt(n, "sent", pid, note))
}

async fn call_provider(ctx: &Ctx, doc: &DeliveryDoc) -> SendOutcome {
    let not_configured = || SendOutcome::Failed {
        reason: FailureReason::NotConfigured,
        detail: format!("{} is no longer configured", doc.channel.as_str()),
    };
    let m = Message::new(&ctx.cfg.templates, doc);
    match doc.channel {
        Channel::Sms => {
            let (Some(smsc), Some(to), Some(id)) = (&ctx.smsc, &doc.to, doc.smsc_id) else {
                return not_configured();
            };
            smsc.send(to, &m.sms(), id).await
        }
        Channel::Telegram => {
            let Some(tg) = &ctx.telegram else { return not_configured() };
            let Some(chat) = doc.to.as_deref().and_then(|c| c.parse::<i64>().ok()) else {
                return SendOutcome::Failed {
                    reason: FailureReason::ChatNotFound,
                    detail: "no Telegram chat".into(),
                };
            };
            let (text, button) = m.telegram();
            tg.send(chat, &text, button).await
        }
        Channel::Email => {
            let (Some(mailer), Some(to)) = (&ctx.mailer, &doc.to) else { return not_configured() };
            let (subject, text, html) = m.email();
            let message_id = doc.message_id.clone().unwrap_or_else(|| format!("<{}@videoassist>", doc.id));
            mailer
                .send(&Mail {
                    to,
                    to_name: doc.client_name.as_deref(),
                    subject: &subject,
                    text: &text,
                    html: &html,
                    message_id: &message_id,
                    company: &doc.company_name,
                })
                .await
        }
        Channel::Webhook => {
            let Some(hook) = &ctx.webhook else { return not_configured() };
            let text = m.sms();
            let (scheduled_at, time_zone, reason) = match &doc.kind {
                DeliveryKind::Link => (None, None, None),
                DeliveryKind::ScheduledLink { at, time_zone } => (Some(*at), Some(time_zone.as_str()), None),
                DeliveryKind::Cancelled { at, time_zone, reason } => {
                    (Some(*at), Some(time_zone.as_str()), reason.as_deref())
                }
            };
            hook.post(&Payload {
                event: m.event(),
                delivery_id: doc.id,
                interaction_id: doc.interaction_id,
                link: &doc.link,
                language: doc.language,
                text: &text,
                company_name: &doc.company_name,
                agent_name: &doc.agent_name,
                client: &doc.contact,
                created_at: to_chrono(doc.created_at),
                scheduled_at,
                time_zone,
                reason,
            })
            .await
        }
    }
}

/// After an unanswered SMS send: does SMSC.ru have our message id?
async fn check(ctx: &Ctx, doc: &DeliveryDoc) -> Update {
    let (Some(smsc), Some(to), Some(id)) = (&ctx.smsc, &doc.to, doc.smsc_id) else {
        return Update::default().failed(FailureReason::NotConfigured, "SMS is no longer configured");
    };
    let n = doc.sends;
    match smsc.status(to, id).await {
        SmsStatus::NotFound => Update::default().step(Step::Send, in_(Duration::ZERO)).attempt(attempt(
            n,
            "checked",
            None,
            Some("SMSC.ru does not have it; sending again".into()),
        )),
        SmsStatus::Pending => sent_sms(doc, Update::default(), n, Some("SMSC.ru had taken it".into())),
        SmsStatus::Delivered => Update::default()
            .status(DeliveryStatus::Delivered)
            .set("provider_id", id.to_string())
            .step(Step::Done, None)
            .attempt(attempt(n, "delivered", Some(id.to_string()), None)),
        SmsStatus::Failed { reason, detail } => {
            Update::default().failed(reason, detail.clone()).attempt(attempt(n, "failed", None, Some(detail)))
        }
        SmsStatus::Unknown(error) => {
            let age = Utc::now() - to_chrono(doc.created_at);
            if age.num_seconds() as u64 > ctx.cfg.sms.status_max_secs {
                Update::default().failed(
                    FailureReason::UnknownOutcome,
                    format!("SMSC.ru could not say whether it was sent: {error}"),
                )
            } else {
                Update::default().step(Step::Check, in_(backoff(ctx, n.max(1)))).attempt(attempt(
                    n,
                    "checked",
                    None,
                    Some(error),
                ))
            }
        }
    }
}

/// A sent SMS: has it been delivered?
async fn poll(ctx: &Ctx, doc: &DeliveryDoc) -> Update {
    let (Some(smsc), Some(to), Some(id)) = (&ctx.smsc, &doc.to, doc.smsc_id) else {
        return Update::default().step(Step::Done, None);
    };
    let next = in_(Duration::from_secs(ctx.cfg.sms.status_interval_secs.max(1)));
    match smsc.status(to, id).await {
        SmsStatus::Delivered => Update::default()
            .status(DeliveryStatus::Delivered)
            .step(Step::Done, None)
            .attempt(attempt(doc.sends, "delivered", Some(id.to_string()), None)),
        SmsStatus::Failed { reason, detail } => Update::default()
            .failed(reason, detail.clone())
            .attempt(attempt(doc.sends, "failed", None, Some(detail))),
        SmsStatus::Pending | SmsStatus::NotFound | SmsStatus::Unknown(_) => {
            let since = doc.sent_at.map(to_chrono).unwrap_or_else(|| to_chrono(doc.created_at));
            if (Utc::now() - since).num_seconds() as u64 > ctx.cfg.sms.status_max_secs {
                // No report in time: it stays `sent`.
                Update::default()
                    .set("detail", "no delivery report from the operator in time")
                    .step(Step::Done, None)
            } else {
                Update::default().step(Step::Poll, next)
            }
        }
    }
}
