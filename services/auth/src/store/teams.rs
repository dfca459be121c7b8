//! `teams`: groups of agents that supervisors oversee. Membership is on the
//! users (`team_id` of an agent, `supervises` of a supervisor).

use chrono::Utc;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::TeamId;
use vc_runtime::Db;
use vc_runtime::db::{DbError, is_duplicate_key};

use super::{to_bson, to_chrono};

pub const COLLECTION: &str = "teams";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamDoc {
    #[serde(rename = "_id")]
    pub id: TeamId,
    pub name: String,
    /// Lower-cased name; unique.
    pub name_lc: String,
    pub created_at: bson::DateTime,
}

impl TeamDoc {
    pub fn view(&self, agents: u64, supervisors: u64) -> vc_protocol::auth::Team {
        vc_protocol::auth::Team {
            id: self.id,
            name: self.name.clone(),
            agents,
            supervisors,
            created_at: to_chrono(self.created_at),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("name taken")]
    NameTaken,
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Clone)]
pub struct Teams {
    coll: Collection<TeamDoc>,
}

impl Teams {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"name_lc": 1})
                    .options(
                        IndexOptions::builder().unique(true).name("team_name_unique".to_string()).build(),
                    )
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    pub async fn create(&self, name: String) -> Result<TeamDoc, TeamError> {
        let doc = TeamDoc {
            id: TeamId::new(),
            name_lc: name.to_lowercase(),
            name,
            created_at: to_bson(Utc::now()),
        };
        match self.coll.insert_one(&doc).await {
            Ok(_) => Ok(doc),
            Err(e) if is_duplicate_key(&e) => Err(TeamError::NameTaken),
            Err(e) => Err(TeamError::Db(e.into())),
        }
    }

    pub async fn rename(&self, id: TeamId, name: String) -> Result<Option<TeamDoc>, TeamError> {
        let res = self
            .coll
            .find_one_and_update(
                doc! {"_id": id.to_string()},
                doc! {"$set": {"name_lc": name.to_lowercase(), "name": name}},
            )
            .return_document(mongodb::options::ReturnDocument::After)
            .await;
        match res {
            Ok(d) => Ok(d),
            Err(e) if is_duplicate_key(&e) => Err(TeamError::NameTaken),
            Err(e) => Err(TeamError::Db(e.into())),
        }
    }

    pub async fn delete(&self, id: TeamId) -> Result<bool, DbError> {
        Ok(self.coll.delete_one(doc! {"_id": id.to_string()}).await?.deleted_count == 1)
    }

    pub async fn get(&self, id: TeamId) -> Result<Option<TeamDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": id.to_string()}).await?)
    }

    /// All teams (`None`) or these, by name.
    pub async fn list(&self, only: Option<&[TeamId]>) -> Result<Vec<TeamDoc>, DbError> {
        let filter = match only {
            Some(ids) => doc! {"_id": {"$in": ids.iter().map(ToString::to_string).collect::<Vec<_>>()}},
            None => doc! {},
        };
        Ok(self.coll.find(filter).sort(doc! {"name_lc": 1}).await?.try_collect().await?)
    }

    /// How many of `ids` exist.
    pub async fn count_of(&self, ids: &[TeamId]) -> Result<u64, DbError> {
        Ok(self
            .coll
            .count_documents(doc! {"_id": {"$in": ids.iter().map(ToString::to_string).collect::<Vec<_>>()}})
            .await?)
    }
}
