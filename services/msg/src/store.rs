//! `deliveries`: one document per delivery with every attempt; the worker
//! claims due deliveries under a lease, so a crashed worker's delivery is
//! taken over and nothing is left half-done. `telegram_chats`: Telegram
//! usernames the bot has seen, with their chat ids. `msg_state`: the
//! Telegram updates offset.

use chrono::{DateTime, Duration, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use mongodb::options::{IndexOptions, ReturnDocument};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::InteractionId;
use vc_protocol::msg::{
    Channel, ClientContact, Delivery, DeliveryAttempt, DeliveryId, DeliveryKind, DeliveryStatus,
    FailureReason, Language,
};
use vc_runtime::Db;
use vc_runtime::db::DbError;

pub const DELIVERIES: &str = "deliveries";
pub const TELEGRAM_CHATS: &str = "telegram_chats";
pub const STATE: &str = "msg_state";

pub fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

pub fn to_chrono(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

/// What the worker does next with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Hand the message to the provider.
    Send,
    /// A send went unanswered: ask the provider whether it arrived before
    /// sending again (SMSC.ru: status by our message id).
    Check,
    /// Sent: ask the provider for the delivery status (SMS).
    Poll,
    /// Telegram: waiting for the client to press Start.
    WaitStart,
    /// Nothing more to do.
    Done,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Send => "send",
            Step::Check => "check",
            Step::Poll => "poll",
            Step::WaitStart => "wait_start",
            Step::Done => "done",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryDoc {
    #[serde(rename = "_id")]
    pub id: DeliveryId,
    pub interaction_id: InteractionId,
    pub channel: Channel,
    /// E.164 phone, e-mail address, or Telegram chat id (once known).
    pub to: Option<String>,
    /// What the agent gave for Telegram (`@name` or a chat id).
    pub telegram_contact: Option<String>,
    pub language: Language,
    pub link: String,
    pub company_name: String,
    pub accent_color: String,
    pub agent_name: String,
    pub client_name: Option<String>,
    pub contact: ClientContact,
    /// What the message says (the link now, a booked call's link, a cancellation).
    #[serde(default)]
    pub kind: DeliveryKind,
    pub status: DeliveryStatus,
    pub provider_id: Option<String>,
    pub reason: Option<FailureReason>,
    pub detail: Option<String>,
    pub created_at: bson::DateTime,
    pub updated_at: bson::DateTime,
    pub attempts: Vec<DeliveryAttempt>,
    pub step: Step,
    /// When the worker acts next (none: nothing scheduled).
    pub next_at: Option<bson::DateTime>,
    /// Held by a worker until then.
    pub lease_until: Option<bson::DateTime>,
    /// A provider call was under way when the lease was taken: if the
    /// lease runs out with this set, the call's outcome is unknown.
    pub in_flight: bool,
    /// Sends tried so far.
    pub sends: u32,
    /// SMSC.ru message id we assign, so a send can be looked up (and a
    /// retry is recognised) by it.
    pub smsc_id: Option<i64>,
    /// When the provider accepted it (status polling stops a while after).
    pub sent_at: Option<bson::DateTime>,
    /// Telegram deep link payload (`/start <payload>`), while waiting.
    pub start_payload: Option<String>,
    pub start_url: Option<String>,
    /// The e-mail's Message-ID: the same on every try.
    pub message_id: Option<String>,
    /// The current status still has to be published on the bus.
    pub announce_pending: bool,
}

impl DeliveryDoc {
    pub fn view(&self) -> Delivery {
        Delivery {
            id: self.id,
            interaction_id: self.interaction_id,
            channel: self.channel,
            to: self.to.clone().or_else(|| self.telegram_contact.clone()).unwrap_or_default(),
            status: self.status,
            provider_id: self.provider_id.clone(),
            reason: self.reason,
            detail: self.detail.clone(),
            start_url: self.start_url.clone(),
            created_at: to_chrono(self.created_at),
            updated_at: to_chrono(self.updated_at),
            attempts: self.attempts.clone(),
        }
    }
}

/// How a claimed delivery changes. Applied only while the claim's lease
/// is still ours.
#[derive(Debug, Default)]
pub struct Update {
    pub set: Document,
    pub attempt: Option<DeliveryAttempt>,
}

impl Update {
    pub fn set(mut self, key: &str, value: impl Into<bson::Bson>) -> Self {
        self.set.insert(key, value);
        self
    }

    pub fn status(self, status: DeliveryStatus) -> Self {
        let s = bson::to_bson(&status).unwrap_or(bson::Bson::Null);
        self.set("status", s).set("announce_pending", true)
    }

    pub fn step(self, step: Step, next_at: Option<DateTime<Utc>>) -> Self {
        self.set("step", step.as_str()).set("next_at", next_at.map(to_bson))
    }

    pub fn failed(self, reason: FailureReason, detail: impl Into<String>) -> Self {
        self.status(DeliveryStatus::Failed)
            .set("reason", reason.as_str())
            .set("detail", detail.into())
            .step(Step::Done, None)
    }

    pub fn attempt(mut self, a: DeliveryAttempt) -> Self {
        self.attempt = Some(a);
        self
    }
}

#[derive(Clone)]
pub struct Store {
    deliveries: Collection<DeliveryDoc>,
    chats: Collection<Document>,
    state: Collection<Document>,
}

impl Store {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            DELIVERIES,
            vec![
                IndexModel::builder().keys(doc! {"next_at": 1}).build(),
                IndexModel::builder().keys(doc! {"interaction_id": 1, "created_at": -1}).build(),
                IndexModel::builder()
                    .keys(doc! {"start_payload": 1})
                    .options(IndexOptions::builder().sparse(true).build())
                    .build(),
                IndexModel::builder().keys(doc! {"announce_pending": 1}).build(),
            ],
        )
        .await?;
        db.ensure_indexes(TELEGRAM_CHATS, vec![]).await?;
        Ok(Self {
            deliveries: db.collection(DELIVERIES),
            chats: db.collection(TELEGRAM_CHATS),
            state: db.collection(STATE),
        })
    }

    /// Inserts a new delivery; `false` when one with this id exists (a
    /// repeated command).
    pub async fn insert(&self, d: &DeliveryDoc) -> Result<bool, DbError> {
        match self.deliveries.insert_one(d).await {
            Ok(_) => Ok(true),
            Err(e) if is_duplicate(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn get(&self, id: DeliveryId) -> Result<Option<DeliveryDoc>, DbError> {
        Ok(self.deliveries.find_one(doc! {"_id": id.to_string()}).await?)
    }

    /// Takes the most overdue delivery that nobody holds, for `lease`.
    /// Returns it as it was before the claim (so `in_flight` tells whether
    /// an earlier holder died mid-call) and the lease it now has.
    pub async fn claim_due(&self, lease: Duration) -> Result<Option<(DeliveryDoc, bson::DateTime)>, DbError> {
        let now = Utc::now();
        let until = to_bson(now + lease);
        let found = self
            .deliveries
            .find_one_and_update(
                doc! {
                    "next_at": {"$lte": to_bson(now)},
                    "$or": [{"lease_until": null}, {"lease_until": {"$lte": to_bson(now)}}],
                },
                doc! {"$set": {"lease_until": until}},
            )
            .sort(doc! {"next_at": 1})
            .return_document(ReturnDocument::Before)
            .await?;
        Ok(found.map(|d| (d, until)))
    }

    /// Marks a provider call as started (under our lease).
    pub async fn mark_in_flight(&self, id: DeliveryId, lease: bson::DateTime) -> Result<bool, DbError> {
        let r = self
            .deliveries
            .update_one(
                doc! {"_id": id.to_string(), "lease_until": lease},
                doc! {"$set": {"in_flight": true}, "$inc": {"sends": 1}},
            )
            .await?;
        Ok(r.matched_count == 1)
    }

    /// Applies `u` and releases the lease; `None` when the lease was lost
    /// (another worker took over).
    pub async fn finish(
        &self,
        id: DeliveryId,
        lease: bson::DateTime,
        u: Update,
    ) -> Result<Option<DeliveryDoc>, DbError> {
        let mut set = u.set;
        set.insert("lease_until", bson::Bson::Null);
        set.insert("in_flight", false);
        set.insert("updated_at", to_bson(Utc::now()));
        let mut update = doc! {"$set": set};
        if let Some(a) = u.attempt {
            let a = bson::to_bson(&a).map_err(|e| DbError::Encode(e.to_string()))?;
            update.insert("$push", doc! {"attempts": a});
        }
        Ok(self
            .deliveries
            .find_one_and_update(doc! {"_id": id.to_string(), "lease_until": lease}, update)
            .return_document(ReturnDocument::After)
            .await?)
    }

    /// Changes a delivery nobody holds (e.g. the client pressed Start):
    /// only if it is still at `step`.
    pub async fn update_at_step(
        &self,
        id: DeliveryId,
        step: Step,
        u: Update,
    ) -> Result<Option<DeliveryDoc>, DbError> {
        let mut set = u.set;
        set.insert("updated_at", to_bson(Utc::now()));
        let mut update = doc! {"$set": set};
        if let Some(a) = u.attempt {
            let a = bson::to_bson(&a).map_err(|e| DbError::Encode(e.to_string()))?;
            update.insert("$push", doc! {"attempts": a});
        }
        Ok(self
            .deliveries
            .find_one_and_update(
                doc! {"_id": id.to_string(), "step": step.as_str(), "lease_until": null},
                update,
            )
            .return_document(ReturnDocument::After)
            .await?)
    }

    /// The delivery waiting for this Telegram Start payload.
    pub async fn by_start_payload(&self, payload: &str) -> Result<Option<DeliveryDoc>, DbError> {
        Ok(self
            .deliveries
            .find_one(doc! {"start_payload": payload, "step": Step::WaitStart.as_str()})
            .await?)
    }

    /// Deliveries whose status was not published yet.
    pub async fn unannounced(&self) -> Result<Vec<DeliveryDoc>, DbError> {
        Ok(self.deliveries.find(doc! {"announce_pending": true}).limit(500).await?.try_collect().await?)
    }

    /// Published: clear the flag unless the status moved on meanwhile.
    pub async fn announced(&self, id: DeliveryId, status: DeliveryStatus) -> Result<(), DbError> {
        let s = bson::to_bson(&status).map_err(|e| DbError::Encode(e.to_string()))?;
        self.deliveries
            .update_one(doc! {"_id": id.to_string(), "status": s}, doc! {"$set": {"announce_pending": false}})
            .await?;
        Ok(())
    }

    /// When the next scheduled step is due (for the worker's sleep).
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, DbError> {
        let d = self
            .deliveries
            .find_one(doc! {"next_at": {"$ne": null}})
            .sort(doc! {"next_at": 1})
            .projection(doc! {"next_at": 1})
            .await?;
        Ok(d.and_then(|d| d.next_at).map(to_chrono))
    }

    /// A Telegram username's chat, if the client ever pressed Start.
    pub async fn telegram_chat(&self, username: &str) -> Result<Option<i64>, DbError> {
        let d = self.chats.find_one(doc! {"_id": username.to_lowercase()}).await?;
        Ok(d.and_then(|d| d.get_i64("chat_id").ok()))
    }

    pub async fn remember_telegram_chat(&self, username: &str, chat_id: i64) -> Result<(), DbError> {
        self.chats
            .update_one(
                doc! {"_id": username.to_lowercase()},
                doc! {"$set": {"chat_id": chat_id, "seen_at": to_bson(Utc::now())}},
            )
            .upsert(true)
            .await?;
        Ok(())
    }

    /// The next Telegram update to ask for.
    pub async fn telegram_offset(&self) -> Result<i64, DbError> {
        let d = self.state.find_one(doc! {"_id": "telegram"}).await?;
        Ok(d.and_then(|d| d.get_i64("offset").ok()).unwrap_or(0))
    }

    pub async fn set_telegram_offset(&self, offset: i64) -> Result<(), DbError> {
        self.state
            .update_one(doc! {"_id": "telegram"}, doc! {"$set": {"offset": offset}})
            .upsert(true)
            .await?;
        Ok(())
    }
}

fn is_duplicate(e: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    matches!(e.kind.as_ref(), ErrorKind::Write(WriteFailure::WriteError(w)) if w.code == 11000)
}
