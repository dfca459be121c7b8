//! The scheduler's queries on `interactions` (a booked call is an
//! interaction with a `schedule`): indexed look-ups of due work, the
//! compare-and-set writes that need no event, and the staff list.
//!
//! Every change that moves a schedule's `state` (or logs a reminder) goes
//! through [`crate::state::ServerState::commit`], which appends an event
//! under an optimistic check of `next_seq`: of two writers that read the
//! same document, one wins and the other decides again on what the winner
//! wrote. The writes here touch only bookkeeping fields, each guarded by
//! the value it expects.

use chrono::{DateTime, Duration, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{Document, doc};
use mongodb::{Collection, IndexModel};
use vc_protocol::schedule::ScheduleState;
use vc_protocol::{DeliveryId, InteractionId, TeamId, UserId};
use vc_runtime::Db;
use vc_runtime::db::DbError;

use crate::store::{COLLECTION, InteractionDoc, to_bson};

/// Open schedules: the link may still go out, the call may still take place.
const OPEN: [&str; 2] = ["pending", "link_sent"];
/// How many due items one pass of one kind takes.
const BATCH: i64 = 200;

#[derive(Clone)]
pub struct Schedules {
    coll: Collection<InteractionDoc>,
}

/// Whose calls a list shows.
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    /// A supervisor: calls of these teams, of agents outside every team,
    /// and its own (docs/roles.md).
    Teams {
        teams: Vec<TeamId>,
        or_agent: UserId,
    },
    Agent(UserId),
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub scope: Scope,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub agent_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub state: Option<ScheduleState>,
    /// Only calls the agent was reminded of.
    pub reminded: bool,
}

impl ListFilter {
    pub fn new(scope: Scope) -> Self {
        Self { scope, from: None, to: None, agent_id: None, team_id: None, state: None, reminded: false }
    }
}

fn ids(docs: Vec<Document>) -> Vec<InteractionId> {
    docs.iter().filter_map(|d| d.get_str("_id").ok()).filter_map(|s| s.parse().ok()).collect()
}

impl Schedules {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                // Due links, unconfirmed hand-overs.
                IndexModel::builder().keys(doc! {"schedule.state": 1, "schedule.send_at": 1}).build(),
                // Reminders, missed calls, lists by state.
                IndexModel::builder().keys(doc! {"schedule.state": 1, "schedule.at": 1}).build(),
                // Lists: an agent's, a team's, everything.
                IndexModel::builder().keys(doc! {"agent_id": 1, "schedule.at": 1}).build(),
                IndexModel::builder().keys(doc! {"team_id": 1, "schedule.at": 1}).build(),
                IndexModel::builder().keys(doc! {"schedule.at": 1}).build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    async fn find_ids(&self, filter: Document, sort: Document) -> Result<Vec<InteractionId>, DbError> {
        let raw: Collection<Document> = self.coll.clone_with_type();
        let docs: Vec<Document> =
            raw.find(filter).projection(doc! {"_id": 1}).sort(sort).limit(BATCH).await?.try_collect().await?;
        Ok(ids(docs))
    }

    /// Up to a batch of documents (without their event logs) matching `filter`.
    async fn find_docs(&self, filter: Document) -> Result<Vec<InteractionDoc>, DbError> {
        Ok(self.coll.find(filter).projection(doc! {"events": 0}).limit(BATCH).await?.try_collect().await?)
    }

    /// Open schedules whose call started (the client joined) or whose
    /// interaction ended by other means.
    pub async fn to_settle(&self) -> Result<Vec<InteractionId>, DbError> {
        self.find_ids(
            doc! {
                "schedule.state": {"$in": OPEN.to_vec()},
                "$or": [{"started_at": {"$ne": null}}, {"status": {"$in": ["ended", "failed"]}}],
            },
            doc! {"schedule.at": 1},
        )
        .await
    }

    /// Pending calls whose link is due.
    pub async fn due_sends(&self, now: DateTime<Utc>) -> Result<Vec<InteractionId>, DbError> {
        self.find_ids(
            doc! {"schedule.state": "pending", "schedule.send_at": {"$lte": to_bson(now)}},
            doc! {"schedule.send_at": 1},
        )
        .await
    }

    /// Links handed to vc-msg at or before `before` that vc-msg did not confirm.
    pub async fn unconfirmed_links(&self, before: DateTime<Utc>) -> Result<Vec<InteractionDoc>, DbError> {
        self.find_docs(doc! {
            "schedule.state": "link_sent",
            "schedule.delivery_confirmed": false,
            "schedule.claimed_at": {"$lte": to_bson(before)},
        })
        .await
    }

    /// Cancellation messages handed to vc-msg at or before `before` that
    /// vc-msg did not confirm.
    pub async fn unconfirmed_cancellations(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<InteractionDoc>, DbError> {
        self.find_docs(doc! {
            "schedule.state": "cancelled",
            "schedule.cancel_delivery_id": {"$ne": null},
            "schedule.cancel_confirmed": false,
            "schedule.claimed_at": {"$lte": to_bson(before)},
        })
        .await
    }

    /// Calls whose link went out and whose agent is due a reminder: `at`
    /// is at most `lead` away.
    pub async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        lead: Duration,
    ) -> Result<Vec<InteractionId>, DbError> {
        self.find_ids(
            doc! {
                "schedule.state": "link_sent",
                "schedule.at": {"$lte": to_bson(now + lead)},
                "schedule.reminded_at": null,
            },
            doc! {"schedule.at": 1},
        )
        .await
    }

    /// Open calls whose time is more than `grace` past.
    pub async fn overdue(&self, now: DateTime<Utc>, grace: Duration) -> Result<Vec<InteractionId>, DbError> {
        self.find_ids(
            doc! {"schedule.state": {"$in": OPEN.to_vec()}, "schedule.at": {"$lte": to_bson(now - grace)}},
            doc! {"schedule.at": 1},
        )
        .await
    }

    /// Takes over an unconfirmed hand-over (link or cancellation) of
    /// `delivery_id` last handed over at `claimed_at`: `true` for the one
    /// instance that should hand it over again.
    pub async fn reclaim(
        &self,
        id: InteractionId,
        cancellation: bool,
        delivery_id: DeliveryId,
        claimed_at: mongodb::bson::DateTime,
    ) -> Result<bool, DbError> {
        let (key, confirmed) = if cancellation {
            ("schedule.cancel_delivery_id", "schedule.cancel_confirmed")
        } else {
            ("schedule.delivery_id", "schedule.delivery_confirmed")
        };
        let r = self
            .coll
            .update_one(
                doc! {
                    "_id": id.to_string(),
                    key: delivery_id.to_string(),
                    confirmed: false,
                    "schedule.claimed_at": claimed_at,
                },
                doc! {"$set": {"schedule.claimed_at": to_bson(Utc::now())}},
            )
            .await?;
        Ok(r.modified_count == 1)
    }

    /// vc-msg has the delivery (or refused it for good): no more hand-overs.
    pub async fn confirm(
        &self,
        id: InteractionId,
        cancellation: bool,
        delivery_id: DeliveryId,
    ) -> Result<(), DbError> {
        let (key, confirmed) = if cancellation {
            ("schedule.cancel_delivery_id", "schedule.cancel_confirmed")
        } else {
            ("schedule.delivery_id", "schedule.delivery_confirmed")
        };
        self.coll
            .update_one(
                doc! {"_id": id.to_string(), key: delivery_id.to_string()},
                doc! {"$set": {confirmed: true}},
            )
            .await?;
        Ok(())
    }

    /// Booked calls, soonest first, without event logs.
    pub async fn list(
        &self,
        f: ListFilter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<InteractionDoc>, u64), DbError> {
        let mut q = Document::new();
        let mut at = doc! {"$exists": true};
        if let Some(from) = f.from {
            at.insert("$gte", to_bson(from));
        }
        if let Some(to) = f.to {
            at.insert("$lt", to_bson(to));
        }
        q.insert("schedule.at", at);
        match f.scope {
            Scope::All => {}
            Scope::Agent(a) => {
                q.insert("agent_id", a.to_string());
            }
            Scope::Teams { teams, or_agent } => {
                let teams: Vec<String> = teams.iter().map(ToString::to_string).collect();
                q.insert(
                    "$or",
                    vec![
                        doc! {"team_id": {"$in": teams}},
                        doc! {"team_id": null},
                        doc! {"agent_id": or_agent.to_string()},
                    ],
                );
            }
        }
        if let Some(a) = f.agent_id {
            q.insert("agent_id", a.to_string());
        }
        if let Some(t) = f.team_id {
            q.insert("team_id", t.to_string());
        }
        match f.state {
            Some(s) => {
                q.insert("schedule.state", s.as_str());
            }
            None if f.reminded => {
                q.insert("schedule.state", doc! {"$in": OPEN.to_vec()});
            }
            None => {}
        }
        if f.reminded {
            q.insert("schedule.reminded_at", doc! {"$ne": null});
        }
        let total = self.coll.count_documents(q.clone()).await?;
        let items = self
            .coll
            .find(q)
            .projection(doc! {"events": 0})
            .sort(doc! {"schedule.at": 1, "_id": 1})
            .skip(u64::from(offset))
            .limit(i64::from(limit))
            .await?
            .try_collect()
            .await?;
        Ok((items, total))
    }
}
