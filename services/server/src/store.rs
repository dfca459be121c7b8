//! `interactions`: one document per interaction with its event log. Every
//! change appends events under an optimistic check of `next_seq`, so `seq`
//! is gap-free and a status change and its event are one write.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use vc_protocol::chat::ReadMarks;
use vc_protocol::interaction::{
    EventKind, Interaction, InteractionEvent, InteractionStatus, MaxQuality, Party, Presence, VideoMode,
};
use vc_protocol::stat::CallMetricsSummary;

use vc_protocol::msg::{Channel, Language};
use vc_protocol::schedule::{Schedule, ScheduleState};
use vc_protocol::settings::{CustomValues, FeatureSettings, SurveyResponse};
use vc_protocol::{DeliveryId, InteractionId, TeamId, UserId};
use vc_runtime::Db;
use vc_runtime::db::DbError;

pub const COLLECTION: &str = "interactions";

pub fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

pub fn to_chrono(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerMediaDoc {
    pub agent_audio: bool,
    pub agent_video: bool,
    pub client_audio: bool,
    pub client_video: bool,
    /// The party's video is a shared screen.
    #[serde(default)]
    pub agent_screen: bool,
    #[serde(default)]
    pub client_screen: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InteractionDoc {
    #[serde(rename = "_id")]
    pub id: InteractionId,
    pub status: InteractionStatus,
    pub agent_id: UserId,
    pub agent_name: String,
    pub client_name: Option<String>,
    pub client_phone: Option<String>,
    pub client_email: Option<String>,
    pub client_telegram: Option<String>,
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    pub created_at: bson::DateTime,
    pub updated_at: bson::DateTime,
    /// SHA-256 (hex) of the client link's token; the token itself is not kept.
    pub link_hash: String,
    pub link_expires_at: bson::DateTime,
    /// The short link (vc-surl) to the current client link: kept so the
    /// link can be sent again (SMS, e-mail, ...) and copied after a reload.
    /// Equal to the long link when vc-surl did not answer.
    #[serde(default)]
    pub short_url: Option<String>,
    pub started_at: Option<bson::DateTime>,
    pub ended_at: Option<bson::DateTime>,
    pub end_reason: Option<String>,
    /// Media connection per party, as the gateway reports it.
    pub media: Presence,
    pub peer_media: PeerMediaDoc,
    /// When the client last tapped "join" (epoch ms), for connect timing.
    pub join_tap_ms: Option<i64>,
    /// Up to which chat `seq` each party has read.
    #[serde(default)]
    pub chat_read: ReadMarks,
    pub next_seq: u64,
    /// Whether the gateway records the call.
    #[serde(default)]
    pub record: bool,
    /// The merged recording (reported by vc-records).
    #[serde(default)]
    pub recording: Option<vc_protocol::recording::RecordingInfo>,
    /// The agent's team when it was created (supervisors of it see it).
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// The call functions, copied from the admins' defaults at creation.
    #[serde(default)]
    pub features: FeatureSettings,
    #[serde(default)]
    pub custom_fields: CustomValues,
    /// Custom field values as lower-case text, for search.
    #[serde(default)]
    pub custom_search: BTreeMap<String, String>,
    #[serde(default)]
    pub survey: Option<SurveyResponse>,
    /// Set for a scheduled call.
    #[serde(default)]
    pub schedule: Option<ScheduleDoc>,
    /// The User-Agent of the client's last join (vc-stat parses it).
    #[serde(default)]
    pub client_user_agent: Option<String>,
    /// The call's metrics summary, from vc-stat once the call has ended.
    #[serde(default)]
    pub metrics: Option<vc_protocol::stat::CallMetricsSummary>,
    #[serde(default)]
    pub events: Vec<InteractionEvent>,
}

/// The schedule of a booked call, with times the database can compare.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScheduleDoc {
    pub at: bson::DateTime,
    pub time_zone: String,
    pub send_via: Channel,
    pub language: Language,
    pub lead_minutes: u32,
    pub state: ScheduleState,
    pub created_by: UserId,
    /// When the link is due to go out (`at` - `lead_minutes`).
    pub send_at: bson::DateTime,
    #[serde(default)]
    pub link_sent_at: Option<bson::DateTime>,
    #[serde(default)]
    pub delivery_id: Option<DeliveryId>,
    #[serde(default)]
    pub reminded_at: Option<bson::DateTime>,
    #[serde(default)]
    pub cancelled_at: Option<bson::DateTime>,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// vc-msg confirmed it has the link's delivery (`delivery_id`); until
    /// then the scheduler hands it over again with the same id.
    #[serde(default)]
    pub delivery_confirmed: bool,
    /// When the link's (or the cancellation's) delivery was last handed to vc-msg.
    #[serde(default)]
    pub claimed_at: Option<bson::DateTime>,
    /// The message telling the client of the cancellation.
    #[serde(default)]
    pub cancel_delivery_id: Option<DeliveryId>,
    #[serde(default)]
    pub cancel_confirmed: bool,
}

impl ScheduleDoc {
    pub fn view(&self) -> Schedule {
        Schedule {
            at: to_chrono(self.at),
            time_zone: self.time_zone.clone(),
            send_via: self.send_via,
            language: self.language,
            lead_minutes: self.lead_minutes,
            state: self.state,
            created_by: self.created_by,
            link_sent_at: self.link_sent_at.map(to_chrono),
            delivery_id: self.delivery_id,
            reminded_at: self.reminded_at.map(to_chrono),
            cancelled_at: self.cancelled_at.map(to_chrono),
            cancel_reason: self.cancel_reason.clone(),
            cancel_delivery_id: self.cancel_delivery_id,
        }
    }
}

impl InteractionDoc {
    /// The staff view (events included when `with_events`).
    pub fn view(&self, with_events: bool) -> Interaction {
        Interaction {
            id: self.id,
            status: self.status,
            agent_id: self.agent_id,
            agent_name: self.agent_name.clone(),
            client_name: self.client_name.clone(),
            client_phone: self.client_phone.clone(),
            client_email: self.client_email.clone(),
            client_telegram: self.client_telegram.clone(),
            video_mode: self.video_mode,
            max_quality: self.max_quality,
            created_at: to_chrono(self.created_at),
            updated_at: to_chrono(self.updated_at),
            link_expires_at: to_chrono(self.link_expires_at),
            started_at: self.started_at.map(to_chrono),
            ended_at: self.ended_at.map(to_chrono),
            end_reason: self.end_reason.clone(),
            presence: self.media,
            client_url: None,
            short_url: self.short_url.clone(),
            locations: Vec::new(),
            record: self.record,
            recording: self.recording.clone(),
            team_id: self.team_id,
            features: self.features,
            custom_fields: self.custom_fields.clone(),
            survey: self.survey.clone(),
            schedule: self.schedule.as_ref().map(ScheduleDoc::view),
            metrics: self.metrics.clone(),
            events: if with_events { self.events.clone() } else { Vec::new() },
        }
    }

    /// The client's contacts, for a delivery (the webhook connector gets them all).
    pub fn contact(&self) -> vc_protocol::msg::ClientContact {
        vc_protocol::msg::ClientContact {
            name: self.client_name.clone(),
            phone: self.client_phone.clone(),
            email: self.client_email.clone(),
            telegram: self.client_telegram.clone(),
        }
    }

    /// The other party's last announced microphone / camera state, for `role`.
    pub fn peer_media_for(&self, role: Party) -> (bool, bool) {
        match role {
            Party::Agent => (self.peer_media.client_audio, self.peer_media.client_video),
            Party::Client => (self.peer_media.agent_audio, self.peer_media.agent_video),
        }
    }
}

/// What one write changes: fields to `$set` and events to append.
#[derive(Debug, Default)]
pub struct Change {
    pub set: Document,
    pub events: Vec<EventKind>,
}

impl Change {
    pub fn event(mut self, e: EventKind) -> Self {
        self.events.push(e);
        self
    }

    pub fn set(mut self, key: &str, value: impl Into<bson::Bson>) -> Self {
        self.set.insert(key, value);
        self
    }

    /// A status transition and its logged event.
    pub fn status(self, status: InteractionStatus, reason: Option<String>) -> Self {
        self.set("status", status.as_str()).event(EventKind::Status { status, reason })
    }
}

#[derive(Clone)]
pub struct Interactions {
    coll: Collection<InteractionDoc>,
}

/// Search filters for the list.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub agent_id: Option<UserId>,
    pub status: Option<InteractionStatus>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub teams: Option<TeamScope>,
    /// E.164.
    pub phone: Option<String>,
    /// A custom field's key and its lower-cased value.
    pub field: Option<(String, String)>,
    /// The quality vc-stat rated the call (`unknown` also matches calls
    /// without metrics).
    pub quality: Option<vc_protocol::stat::QualityRating>,
}

/// Interactions of these teams (or of one agent besides).
#[derive(Debug, Default)]
pub struct TeamScope {
    pub teams: Vec<TeamId>,
    /// Also interactions without a team.
    pub teamless: bool,
    pub or_agent: Option<UserId>,
}

impl Interactions {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"link_hash": 1})
                    .options(
                        IndexOptions::builder().unique(true).name("link_hash_unique".to_string()).build(),
                    )
                    .build(),
                IndexModel::builder().keys(doc! {"agent_id": 1, "created_at": -1}).build(),
                IndexModel::builder().keys(doc! {"status": 1, "created_at": -1}).build(),
                IndexModel::builder().keys(doc! {"created_at": -1}).build(),
                IndexModel::builder().keys(doc! {"team_id": 1, "created_at": -1}).build(),
                IndexModel::builder().keys(doc! {"client_phone": 1, "created_at": -1}).build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    /// The collection, for readers with their own projection (the Excel export).
    pub(crate) fn collection(&self) -> &Collection<InteractionDoc> {
        &self.coll
    }

    pub async fn insert(&self, doc: &InteractionDoc) -> Result<(), DbError> {
        self.coll.insert_one(doc).await?;
        Ok(())
    }

    pub async fn get(&self, id: InteractionId) -> Result<Option<InteractionDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": id.to_string()}).await?)
    }

    pub async fn by_link_hash(&self, hash: &str) -> Result<Option<InteractionDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"link_hash": hash}).await?)
    }

    pub async fn list(
        &self,
        f: ListFilter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<InteractionDoc>, u64), DbError> {
        let q = crate::store_filter::list_filter_doc(&f);
        let total = self.coll.count_documents(q.clone()).await?;
        let items = self
            .coll
            .find(q)
            .projection(doc! {"events": 0})
            .sort(doc! {"created_at": -1, "_id": -1})
            .skip(u64::from(offset))
            .limit(i64::from(limit))
            .await?;
        let items: Vec<InteractionDoc> = items.try_collect().await?;
        Ok((items, total))
    }

    /// Stores the client's survey answers unless some are there already;
    /// `false`: they were.
    pub async fn set_survey(&self, id: InteractionId, response: &SurveyResponse) -> Result<bool, DbError> {
        let value = bson::to_bson(response).map_err(|e| DbError::Encode(e.to_string()))?;
        let res = self
            .coll
            .update_one(
                doc! {"_id": id.to_string(), "survey": null},
                doc! {"$set": {"survey": value, "updated_at": to_bson(Utc::now())}},
            )
            .await?;
        Ok(res.modified_count == 1)
    }

    /// Keeps vc-stat's summary of the call (the latest one wins); `false`
    /// when there is no such interaction.
    pub async fn set_metrics(
        &self,
        id: InteractionId,
        summary: &CallMetricsSummary,
    ) -> Result<bool, DbError> {
        let value = bson::to_bson(summary).map_err(|e| DbError::Encode(e.to_string()))?;
        let res =
            self.coll.update_one(doc! {"_id": id.to_string()}, doc! {"$set": {"metrics": value}}).await?;
        Ok(res.matched_count == 1)
    }

    /// Moves `party`'s read mark up to `seq` (never down); `true` if it moved.
    pub async fn mark_read(&self, id: InteractionId, party: Party, seq: u64) -> Result<bool, DbError> {
        let key = format!("chat_read.{}", party.as_str());
        let res = self
            .coll
            .update_one(
                doc! {"_id": id.to_string(), "$or": [{key.clone(): {"$lt": seq as i64}}, {key.clone(): {"$exists": false}}]},
                doc! {"$set": {key: seq as i64}},
            )
            .await?;
        Ok(res.modified_count == 1)
    }

    /// Applies the change `decide` makes from the current document, with its
    /// events numbered after the document's last `seq`. Retries when another
    /// writer got in between. `None` from `decide` changes nothing.
    pub async fn change<F>(
        &self,
        id: InteractionId,
        decide: F,
    ) -> Result<Option<(InteractionDoc, Vec<InteractionEvent>)>, DbError>
    where
        F: Fn(&InteractionDoc) -> Option<Change>,
    {
        for _ in 0..20 {
            let Some(current) = self.get(id).await? else { return Ok(None) };
            let Some(change) = decide(&current) else { return Ok(Some((current, Vec::new()))) };
            let now = Utc::now();
            let events: Vec<InteractionEvent> = change
                .events
                .into_iter()
                .enumerate()
                .map(|(i, event)| InteractionEvent { seq: current.next_seq + 1 + i as u64, at: now, event })
                .collect();
            let next = current.next_seq + events.len() as u64;
            let mut set = change.set;
            set.insert("next_seq", next as i64);
            set.insert("updated_at", to_bson(now));
            let pushed = bson::to_bson(&events).map_err(|e| DbError::Encode(e.to_string()))?;
            let res = self
                .coll
                .update_one(
                    doc! {"_id": id.to_string(), "next_seq": current.next_seq as i64},
                    doc! {"$set": set, "$push": {"events": {"$each": pushed}}},
                )
                .await?;
            if res.matched_count == 1 {
                let Some(updated) = self.get(id).await? else { return Ok(None) };
                return Ok(Some((updated, events)));
            }
        }
        Err(DbError::Contention(format!("interaction {id}")))
    }
}
