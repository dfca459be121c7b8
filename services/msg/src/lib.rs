//! vc-msg: delivers client links by SMS (SMSC.ru), Telegram, e-mail and a
//! webhook to the customer's own systems. Commanded over the bus by
//! vc-server; every delivery and every attempt is stored, a worker resumes
//! unfinished deliveries after a restart, and each status change is
//! published on the bus.

mod bot;
pub mod config;
mod message;
pub mod providers;
mod store;
pub mod template;
mod worker;

use std::sync::Arc;

use actix_web::web;
use chrono::Utc;
use futures_util::future::BoxFuture;
use prometheus::{IntCounterVec, Opts};
use tokio::sync::{Mutex, Notify};
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::msg::{
    Channel, Channels, CreateDelivery, Delivery, DeliveryCreated, DeliveryStatus, GetChannels, GetDelivery,
};
use vc_protocol::topics;
use vc_runtime::{Bus, RemoteError, Runtime, Service, StartError};

pub use config::MsgSettings;
use config::TelegramUpdates;
use providers::email::Mailer;
use providers::smsc::Smsc;
use providers::telegram::{Telegram, new_start_payload};
use providers::webhook::Webhook;
use store::{DeliveryDoc, Step, Store, to_bson};

vc_runtime::service_config! {
    /// The vc-msg binary's configuration file.
    pub struct Config {
        pub msg: MsgSettings,
    }
}

/// The bus group vc-msg instances share commands in.
const GROUP: &str = "vc-msg";

pub(crate) struct MsgMetrics {
    pub deliveries: IntCounterVec,
    pub provider_calls: IntCounterVec,
}

/// What the worker, the bot and the handlers share.
pub(crate) struct Ctx {
    pub cfg: MsgSettings,
    pub store: Store,
    pub bus: Bus,
    pub smsc: Option<Smsc>,
    pub telegram: Option<Arc<Telegram>>,
    pub mailer: Option<Mailer>,
    pub webhook: Option<Webhook>,
    /// The domain of our Message-IDs (the sender address's).
    pub mail_domain: String,
    /// Rings when work became due before the worker expected.
    pub wake: Notify,
    pub bot_username: Mutex<Option<String>>,
    pub metrics: MsgMetrics,
}

impl Ctx {
    pub fn webhook_secret(&self) -> Option<&str> {
        match self.cfg.telegram.updates {
            TelegramUpdates::Webhook => self.cfg.telegram.webhook_secret.as_deref(),
            TelegramUpdates::Polling => None,
        }
    }

    fn configured(&self, channel: Channel) -> bool {
        match channel {
            Channel::Sms => self.smsc.is_some(),
            Channel::Telegram => self.telegram.is_some(),
            Channel::Email => self.mailer.is_some(),
            Channel::Webhook => self.webhook.is_some(),
        }
    }

    /// The bot's @username: configured, or asked from Telegram once.
    async fn bot_username(&self) -> Result<String, RemoteError> {
        let mut known = self.bot_username.lock().await;
        if let Some(u) = known.as_ref() {
            return Ok(u.clone());
        }
        let tg = self.telegram.as_ref().ok_or_else(|| not_configured(Channel::Telegram))?;
        let u = tg.username().await.map_err(|e| {
            RemoteError::new(
                "service_unavailable",
                format!("cannot reach the Telegram bot to make a start link: {e}"),
            )
        })?;
        *known = Some(u.clone());
        Ok(u)
    }
}

fn not_configured(channel: Channel) -> RemoteError {
    RemoteError::new(
        "channel_not_configured",
        format!("delivery by {} is not configured on this platform", channel.as_str()),
    )
}

/// A Telegram username as Telegram allows them: 5–32 of `[A-Za-z0-9_]`.
fn telegram_username(s: &str) -> Option<&str> {
    let u = s.strip_prefix('@').unwrap_or(s);
    let u = u.strip_prefix("https://t.me/").or_else(|| u.strip_prefix("t.me/")).unwrap_or(u);
    ((5..=32).contains(&u.len()) && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(u)
}

/// `v1/msg/deliveries/create`: stores the delivery (once per id) and lets
/// the worker send it.
async fn create(ctx: &Ctx, req: CreateDelivery) -> Result<DeliveryCreated, RemoteError> {
    let internal = |e: vc_runtime::db::DbError| RemoteError::new("service_unavailable", e.to_string());
    if let Some(existing) = ctx.store.get(req.delivery_id).await.map_err(internal)? {
        return Ok(created(&existing));
    }
    if !ctx.configured(req.channel) {
        return Err(not_configured(req.channel));
    }
    let now = Utc::now();
    let mut doc = DeliveryDoc {
        id: req.delivery_id,
        interaction_id: req.interaction_id,
        channel: req.channel,
        to: None,
        telegram_contact: None,
        language: req.language,
        link: req.link,
        company_name: req.company_name,
        accent_color: req.accent_color,
        agent_name: req.agent_name,
        client_name: req.client_name,
        contact: req.contact,
        kind: req.kind,
        status: DeliveryStatus::Queued,
        provider_id: None,
        reason: None,
        detail: None,
        created_at: to_bson(now),
        updated_at: to_bson(now),
        attempts: Vec::new(),
        step: Step::Send,
        next_at: Some(to_bson(now)),
        lease_until: None,
        in_flight: false,
        sends: 0,
        smsc_id: None,
        sent_at: None,
        start_payload: None,
        start_url: None,
        message_id: None,
        announce_pending: true,
    };
    let missing = |what: &str| RemoteError::new("contact_missing", format!("no {what} to send to"));
    match req.channel {
        Channel::Sms => {
            doc.to = Some(req.to.ok_or_else(|| missing("phone number"))?);
            // SMSC.ru message ids are positive 32-bit numbers.
            doc.smsc_id = Some(i64::from(rand::random::<u32>() >> 1).max(1));
        }
        Channel::Email => {
            doc.to = Some(req.to.ok_or_else(|| missing("e-mail address"))?);
            doc.message_id = Some(format!("<{}@{}>", doc.id, ctx.mail_domain));
        }
        Channel::Webhook => doc.to = ctx.webhook.as_ref().map(Webhook::target),
        Channel::Telegram => {
            let contact = req.to.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
            let contact = contact.ok_or_else(|| missing("Telegram contact"))?;
            doc.telegram_contact = Some(contact.clone());
            if contact.parse::<i64>().is_ok() {
                doc.to = Some(contact);
            } else {
                let username = telegram_username(&contact).ok_or_else(|| {
                    RemoteError::new(
                        "validation_failed",
                        format!("client_telegram: {contact:?} is neither a Telegram @username nor a chat id"),
                    )
                })?;
                match ctx.store.telegram_chat(username).await.map_err(internal)? {
                    Some(chat) => doc.to = Some(chat.to_string()),
                    None => {
                        // Bots cannot write first: the client opens the bot
                        // with this link and presses Start.
                        let bot = ctx.bot_username().await?;
                        let payload = new_start_payload();
                        doc.start_url = Some(format!("https://t.me/{bot}?start={payload}"));
                        doc.start_payload = Some(payload);
                        doc.status = DeliveryStatus::AwaitingStart;
                        doc.step = Step::WaitStart;
                        let ttl = chrono::Duration::seconds(ctx.cfg.telegram.start_link_ttl_secs as i64);
                        doc.next_at = Some(to_bson(now + ttl));
                    }
                }
            }
        }
    }
    if !ctx.store.insert(&doc).await.map_err(internal)? {
        // The same command again (a redelivered request).
        if let Some(existing) = ctx.store.get(req.delivery_id).await.map_err(internal)? {
            return Ok(created(&existing));
        }
    }
    ctx.metrics.deliveries.with_label_values(&[doc.channel.as_str(), worker::status_name(doc.status)]).inc();
    tracing::info!(delivery_id = %doc.id, interaction_id = %doc.interaction_id, channel = doc.channel.as_str(), status = worker::status_name(doc.status), "delivery accepted");
    worker::announce(ctx, &doc).await;
    ctx.wake.notify_one();
    Ok(created(&doc))
}

fn created(d: &DeliveryDoc) -> DeliveryCreated {
    DeliveryCreated { delivery_id: d.id, status: d.status, telegram_start_url: d.start_url.clone() }
}

async fn get(ctx: &Ctx, req: GetDelivery) -> Result<Delivery, RemoteError> {
    match ctx.store.get(req.delivery_id).await {
        Ok(Some(d)) => Ok(d.view()),
        Ok(None) => Err(RemoteError::new("delivery_not_found", "no such delivery")),
        Err(e) => Err(RemoteError::new("service_unavailable", e.to_string())),
    }
}

fn channels(ctx: &Ctx) -> Channels {
    Channels {
        sms: ctx.smsc.is_some(),
        telegram: ctx.telegram.is_some(),
        email: ctx.mailer.is_some(),
        webhook: ctx.webhook.is_some(),
        webhook_label: ctx.cfg.webhook.label.clone(),
    }
}

/// The running delivery service.
pub struct Msg {
    ctx: Arc<Ctx>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Msg {
    pub async fn start(rt: &Runtime, cfg: &MsgSettings) -> Result<Arc<Self>, StartError> {
        let config_error = |e: String| StartError::Other(format!("vc-msg configuration: {e}"));
        cfg.validate().map_err(config_error)?;
        let mailer =
            if cfg.email.configured() { Some(Mailer::new(&cfg.email).map_err(config_error)?) } else { None };
        let mail_domain = cfg
            .email
            .from
            .as_deref()
            .and_then(|f| f.parse::<lettre::Address>().ok())
            .map(|a| a.domain().to_owned())
            .unwrap_or_else(|| "videoassist.local".into());
        let metrics = MsgMetrics {
            deliveries: IntCounterVec::new(
                Opts::new("msg_deliveries_total", "Link deliveries by channel and status reached"),
                &["channel", "status"],
            )
            .map_err(|e| StartError::Other(e.to_string()))?,
            provider_calls: IntCounterVec::new(
                Opts::new("msg_provider_calls_total", "Sends to providers by channel and outcome"),
                &["channel", "outcome"],
            )
            .map_err(|e| StartError::Other(e.to_string()))?,
        };
        rt.metrics
            .registry()
            .register(Box::new(metrics.deliveries.clone()))
            .map_err(|e| StartError::Other(e.to_string()))?;
        rt.metrics
            .registry()
            .register(Box::new(metrics.provider_calls.clone()))
            .map_err(|e| StartError::Other(e.to_string()))?;
        // Every series from the start, so dashboards see zeros, not gaps.
        for channel in [Channel::Sms, Channel::Telegram, Channel::Email, Channel::Webhook] {
            for status in [
                DeliveryStatus::Queued,
                DeliveryStatus::AwaitingStart,
                DeliveryStatus::Sent,
                DeliveryStatus::Delivered,
                DeliveryStatus::Failed,
            ] {
                metrics.deliveries.with_label_values(&[channel.as_str(), worker::status_name(status)]);
            }
            for outcome in ["sent", "delivered", "retry", "failed"] {
                metrics.provider_calls.with_label_values(&[channel.as_str(), outcome]);
            }
        }
        let telegram = cfg.telegram.configured().then(|| Arc::new(Telegram::new(&cfg.telegram)));
        let ctx = Arc::new(Ctx {
            store: Store::open(&rt.db).await?,
            bus: rt.bus.clone(),
            smsc: cfg.sms.configured().then(|| Smsc::new(&cfg.sms)),
            telegram: telegram.clone(),
            mailer,
            webhook: if cfg.webhook.configured() { Webhook::new(&cfg.webhook) } else { None },
            mail_domain,
            wake: Notify::new(),
            bot_username: Mutex::new(cfg.telegram.bot_username.clone()),
            metrics,
            cfg: cfg.clone(),
        });
        let mut tasks = Vec::new();
        let c = ctx.clone();
        tasks.push(
            rt.bus
                .serve(GROUP, &topics::msg::create_delivery(), move |env| {
                    let c = c.clone();
                    async move { create(&c, env.body).await }
                })
                .await?,
        );
        let c = ctx.clone();
        tasks.push(
            rt.bus
                .serve(GROUP, &topics::msg::get_delivery(), move |env| {
                    let c = c.clone();
                    async move { get(&c, env.body).await }
                })
                .await?,
        );
        let c = ctx.clone();
        tasks.push(
            rt.bus
                .serve(
                    GROUP,
                    &topics::msg::channels(),
                    move |_env: vc_protocol::bus::Envelope<GetChannels>| {
                        let c = c.clone();
                        async move { Ok(channels(&c)) }
                    },
                )
                .await?,
        );
        tasks.push(tokio::spawn(worker::run(ctx.clone())));
        if let Some(tg) = telegram {
            match cfg.telegram.updates {
                TelegramUpdates::Polling => tasks.push(tokio::spawn(bot::poll(ctx.clone(), tg))),
                TelegramUpdates::Webhook => {
                    if let (true, Some(url), Some(secret)) = (
                        cfg.telegram.set_webhook,
                        cfg.telegram.webhook_url.clone(),
                        cfg.telegram.webhook_secret.clone(),
                    ) {
                        tasks.push(tokio::spawn(bot::register_webhook(tg, url, secret)));
                    }
                }
            }
        }
        tracing::info!(channels = ?channels(&ctx), "vc-msg started");
        Ok(Arc::new(Self { ctx, tasks }))
    }
}

impl Service for Msg {
    fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(web::Data::new(self.ctx.clone())).service(bot::telegram_webhook);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_contacts_are_read() {
        assert_eq!(telegram_username("@ann_smith"), Some("ann_smith"));
        assert_eq!(telegram_username("ann_smith"), Some("ann_smith"));
        assert_eq!(telegram_username("https://t.me/ann_smith"), Some("ann_smith"));
        assert_eq!(telegram_username("@ann"), None, "too short");
        assert_eq!(telegram_username("+79161234567"), None);
        assert_eq!(telegram_username("ann smith"), None);
    }
}
