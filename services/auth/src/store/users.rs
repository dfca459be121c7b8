//! `users`: staff accounts.

use chrono::Utc;
use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::auth::{Role, User};
use vc_protocol::{TeamId, UserId};
use vc_runtime::Db;
use vc_runtime::db::{DbError, is_duplicate_key};

use super::{to_bson, to_chrono};

pub const COLLECTION: &str = "users";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub id: UserId,
    /// Normalised (lower-case); unique.
    pub login: String,
    pub name: String,
    /// Lower-cased name, for prefix search.
    pub name_lc: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    /// An agent's team.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// A supervisor's teams.
    #[serde(default)]
    pub supervises: Vec<TeamId>,
    /// Raised on disable, role or password change; tokens carry the version
    /// they were issued under.
    pub token_version: u32,
    pub created_at: bson::DateTime,
    pub updated_at: bson::DateTime,
}

impl UserDoc {
    pub fn view(&self) -> User {
        User {
            id: self.id,
            login: self.login.clone(),
            name: self.name.clone(),
            role: self.role,
            disabled: self.disabled,
            team_id: self.team_id,
            supervises: self.supervises.clone(),
            created_at: to_chrono(self.created_at),
            updated_at: to_chrono(self.updated_at),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    #[error("login taken")]
    LoginTaken,
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Clone)]
pub struct Users {
    coll: Collection<UserDoc>,
}

/// What an admin may change; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct Changes {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
    /// `Some(None)` takes the user out of its team.
    pub team_id: Option<Option<TeamId>>,
    pub supervises: Option<Vec<TeamId>>,
    pub bump_version: bool,
}

/// Search filters for the admin list.
#[derive(Debug, Default)]
pub struct Filter {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub prefix: Option<String>,
    /// Agents of any of these teams.
    pub teams: Option<Vec<TeamId>>,
    /// With `teams`: also users without a team.
    pub teamless: bool,
}

impl Users {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"login": 1})
                    .options(IndexOptions::builder().unique(true).name("login_unique".to_string()).build())
                    .build(),
                IndexModel::builder().keys(doc! {"role": 1, "disabled": 1}).build(),
                IndexModel::builder().keys(doc! {"name_lc": 1}).build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    pub async fn insert(&self, user: &UserDoc) -> Result<(), InsertError> {
        match self.coll.insert_one(user).await {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => Err(InsertError::LoginTaken),
            Err(e) => Err(InsertError::Db(e.into())),
        }
    }

    pub async fn by_login(&self, login: &str) -> Result<Option<UserDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"login": login}).await?)
    }

    pub async fn by_id(&self, id: UserId) -> Result<Option<UserDoc>, DbError> {
        Ok(self.coll.find_one(doc! {"_id": id.to_string()}).await?)
    }

    pub async fn count_all(&self) -> Result<u64, DbError> {
        Ok(self.coll.count_documents(doc! {}).await?)
    }

    /// Active admins other than `except`.
    pub async fn other_active_admins(&self, except: UserId) -> Result<u64, DbError> {
        Ok(self
            .coll
            .count_documents(doc! {"role": "admin", "disabled": false, "_id": {"$ne": except.to_string()}})
            .await?)
    }

    /// Applies `changes` and returns the updated user (`None`: no such user).
    pub async fn update(&self, id: UserId, changes: Changes) -> Result<Option<UserDoc>, DbError> {
        let mut set = Document::new();
        if let Some(name) = changes.name {
            set.insert("name_lc", name.to_lowercase());
            set.insert("name", name);
        }
        if let Some(role) = changes.role {
            set.insert("role", role.as_str());
        }
        if let Some(hash) = changes.password_hash {
            set.insert("password_hash", hash);
        }
        if let Some(disabled) = changes.disabled {
            set.insert("disabled", disabled);
        }
        if let Some(team) = changes.team_id {
            set.insert("team_id", team.map(|t| t.to_string()));
        }
        if let Some(teams) = changes.supervises {
            set.insert("supervises", teams.iter().map(ToString::to_string).collect::<Vec<_>>());
        }
        set.insert("updated_at", to_bson(Utc::now()));
        let mut update = doc! {"$set": set};
        if changes.bump_version {
            update.insert("$inc", doc! {"token_version": 1});
        }
        Ok(self
            .coll
            .find_one_and_update(doc! {"_id": id.to_string()}, update)
            .return_document(mongodb::options::ReturnDocument::After)
            .await?)
    }

    /// Agents in `team` and supervisors of it.
    pub async fn team_counts(&self, team: TeamId) -> Result<(u64, u64), DbError> {
        let t = team.to_string();
        let agents = self.coll.count_documents(doc! {"team_id": &t}).await?;
        let supervisors = self.coll.count_documents(doc! {"supervises": &t}).await?;
        Ok((agents, supervisors))
    }

    /// Users who are in `team` or oversee it.
    pub async fn members_of(&self, team: TeamId) -> Result<Vec<UserDoc>, DbError> {
        let t = team.to_string();
        Ok(self.coll.find(doc! {"$or": [{"team_id": &t}, {"supervises": &t}]}).await?.try_collect().await?)
    }

    /// Replaces the hash of a password verified with old parameters.
    pub async fn rehash(&self, id: UserId, hash: String) -> Result<(), DbError> {
        self.coll.update_one(doc! {"_id": id.to_string()}, doc! {"$set": {"password_hash": hash}}).await?;
        Ok(())
    }

    pub async fn list(
        &self,
        filter: Filter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<UserDoc>, u64), DbError> {
        let mut query = Document::new();
        if let Some(role) = filter.role {
            query.insert("role", role.as_str());
        }
        if let Some(disabled) = filter.disabled {
            query.insert("disabled", disabled);
        }
        if let Some(teams) = filter.teams {
            let mut any: Vec<bson::Bson> = teams.iter().map(|t| bson::Bson::String(t.to_string())).collect();
            if filter.teamless {
                any.push(bson::Bson::Null);
            }
            query.insert("team_id", doc! {"$in": any});
        }
        if let Some(prefix) = filter.prefix.filter(|p| !p.is_empty()) {
            // Anchored, escaped prefix: an index-friendly search without $text.
            let pattern = format!("^{}", escape_regex(&prefix.to_lowercase()));
            query.insert(
                "$or",
                vec![doc! {"login": {"$regex": &pattern}}, doc! {"name_lc": {"$regex": &pattern}}],
            );
        }
        let total = self.coll.count_documents(query.clone()).await?;
        let items = self
            .coll
            .find(query)
            .sort(doc! {"login": 1})
            .skip(u64::from(offset))
            .limit(i64::from(limit))
            .await?
            .try_collect()
            .await?;
        Ok((items, total))
    }
}

fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn regex_metacharacters_are_escaped() {
        assert_eq!(super::escape_regex("a.b*(c)"), "a\\.b\\*\\(c\\)");
    }
}
