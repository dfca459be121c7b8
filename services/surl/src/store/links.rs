//! `short_links`: one document per short link, keyed by its code. A link
//! works until `expires_at` unless it was closed earlier (`closed_at`,
//! `close_reason`): its call ended, or a newer link replaced it.

use chrono::{DateTime, Utc};
use mongodb::bson::{self, doc};
use mongodb::options::ReturnDocument;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::interaction::InteractionStatus;
use vc_protocol::{InteractionId, UserId};
use vc_runtime::Db;
use vc_runtime::db::DbError;

use super::to_bson;

pub const COLLECTION: &str = "short_links";

/// Why a link was closed before its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// A newer link was created for the same interaction.
    Replaced,
    /// The interaction ended.
    Ended,
    /// The interaction failed.
    Failed,
}

impl CloseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::Replaced => "replaced",
            CloseReason::Ended => "ended",
            CloseReason::Failed => "failed",
        }
    }

    /// The reason for an interaction's final status (`None` while it goes on).
    pub fn for_status(status: InteractionStatus) -> Option<Self> {
        match status {
            InteractionStatus::Ended => Some(CloseReason::Ended),
            InteractionStatus::Failed => Some(CloseReason::Failed),
            InteractionStatus::Created | InteractionStatus::Waiting | InteractionStatus::Active => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkDoc {
    #[serde(rename = "_id")]
    pub code: String,
    pub interaction_id: InteractionId,
    /// The interaction's agent: who may read the open log.
    pub agent_id: UserId,
    /// Where the link leads (the client link).
    pub target_url: String,
    pub created_at: bson::DateTime,
    pub expires_at: bson::DateTime,
    #[serde(default)]
    pub closed_at: Option<bson::DateTime>,
    #[serde(default)]
    pub close_reason: Option<CloseReason>,
    /// The bus message that asked for it: a redelivered request gets the
    /// same link instead of a second one.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Opens counted so far (link previews excluded).
    #[serde(default)]
    pub opens: i64,
}

/// What a link does right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Live,
    Expired,
    Closed(CloseReason),
}

impl LinkDoc {
    /// Closed wins over expired: it says more about why.
    pub fn state(&self, now: DateTime<Utc>) -> LinkState {
        match (self.closed_at, self.close_reason) {
            (Some(_), Some(reason)) => LinkState::Closed(reason),
            // Closed without a reason should not happen; treat it as expired.
            (Some(_), None) => LinkState::Expired,
            (None, _) if now.timestamp_millis() >= self.expires_at.timestamp_millis() => LinkState::Expired,
            (None, _) => LinkState::Live,
        }
    }
}

#[derive(Clone)]
pub struct Links {
    coll: Collection<LinkDoc>,
}

impl Links {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder().keys(doc! {"interaction_id": 1, "created_at": 1}).build(),
                IndexModel::builder().keys(doc! {"request_id": 1}).build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    pub async fn by_code(&self, code: &str) -> Result<Option<LinkDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": code}).await?)
    }

    /// The link a bus request already created, if it was delivered before.
    pub async fn by_request(&self, request_id: &str) -> Result<Option<LinkDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"request_id": request_id}).await?)
    }

    /// The newest link of an interaction (any state).
    pub async fn latest_of(&self, id: InteractionId) -> Result<Option<LinkDoc>, DbError> {
        Ok(self
            .coll
            .find_one(doc! {"interaction_id": id.to_string()})
            .sort(doc! {"created_at": -1, "_id": -1})
            .await?)
    }

    /// Whether a link of the interaction was closed because its call is over.
    pub async fn interaction_over(&self, id: InteractionId) -> Result<bool, DbError> {
        let filter = doc! {
            "interaction_id": id.to_string(),
            "close_reason": {"$in": [CloseReason::Ended.as_str(), CloseReason::Failed.as_str()]},
        };
        Ok(self.coll.find_one(filter).await?.is_some())
    }

    /// Stores a new link; a duplicate code is a `mongodb` duplicate-key error.
    pub async fn insert(&self, link: &LinkDoc) -> Result<(), mongodb::error::Error> {
        self.coll.insert_one(link).await.map(|_| ())
    }

    /// Closes every open link of an interaction except `keep`; returns how many.
    pub async fn close(
        &self,
        id: InteractionId,
        keep: Option<&str>,
        reason: CloseReason,
        now: DateTime<Utc>,
    ) -> Result<u64, DbError> {
        let mut filter = doc! {"interaction_id": id.to_string(), "closed_at": null};
        if let Some(code) = keep {
            filter.insert("_id", doc! {"$ne": code});
        }
        // The target (the client link, token included) is useless from now
        // on: forget it, so a database copy holds no live client links.
        let update =
            doc! {"$set": {"closed_at": to_bson(now), "close_reason": reason.as_str(), "target_url": ""}};
        Ok(self.coll.update_many(filter, update).await?.modified_count)
    }

    /// Counts one open; returns the count before it (0: this is the first),
    /// or `None` when the link is gone.
    pub async fn count_open(&self, code: &str) -> Result<Option<i64>, DbError> {
        let before = self
            .coll
            .find_one_and_update(doc! {"_id": code}, doc! {"$inc": {"opens": 1_i64}})
            .return_document(ReturnDocument::Before)
            .await?;
        Ok(before.map(|d| d.opens))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn link(expires_in: Duration) -> LinkDoc {
        let now = Utc::now();
        LinkDoc {
            code: "abcdefgh".into(),
            interaction_id: InteractionId::new(),
            agent_id: UserId::new(),
            target_url: "https://va.example/c/token".into(),
            created_at: to_bson(now),
            expires_at: to_bson(now + expires_in),
            closed_at: None,
            close_reason: None,
            request_id: None,
            opens: 0,
        }
    }

    #[test]
    fn a_link_works_until_it_expires() {
        let l = link(Duration::minutes(5));
        assert_eq!(l.state(Utc::now()), LinkState::Live);
        assert_eq!(l.state(Utc::now() + Duration::minutes(6)), LinkState::Expired);
        let l = link(Duration::seconds(-1));
        assert_eq!(l.state(Utc::now()), LinkState::Expired);
    }

    #[test]
    fn closing_wins_over_expiry() {
        let mut l = link(Duration::seconds(-1));
        l.closed_at = Some(to_bson(Utc::now()));
        l.close_reason = Some(CloseReason::Replaced);
        assert_eq!(l.state(Utc::now()), LinkState::Closed(CloseReason::Replaced));
        let mut l = link(Duration::minutes(5));
        l.closed_at = Some(to_bson(Utc::now()));
        l.close_reason = Some(CloseReason::Ended);
        assert_eq!(l.state(Utc::now()), LinkState::Closed(CloseReason::Ended));
    }

    #[test]
    fn final_statuses_close_links() {
        assert_eq!(CloseReason::for_status(InteractionStatus::Ended), Some(CloseReason::Ended));
        assert_eq!(CloseReason::for_status(InteractionStatus::Failed), Some(CloseReason::Failed));
        assert_eq!(CloseReason::for_status(InteractionStatus::Waiting), None);
        assert_eq!(CloseReason::for_status(InteractionStatus::Active), None);
    }

    #[test]
    fn documents_round_trip_through_bson() {
        let mut l = link(Duration::minutes(5));
        l.close_reason = Some(CloseReason::Failed);
        let doc = bson::to_document(&l).unwrap();
        assert_eq!(doc.get_str("_id").unwrap(), "abcdefgh");
        assert_eq!(doc.get_str("close_reason").unwrap(), "failed");
        assert_eq!(doc.get_str("interaction_id").unwrap(), l.interaction_id.to_string());
        let back: LinkDoc = bson::from_document(doc).unwrap();
        assert_eq!(back.code, l.code);
        assert_eq!(back.close_reason, Some(CloseReason::Failed));
    }
}
