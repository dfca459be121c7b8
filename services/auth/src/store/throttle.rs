//! `login_failures`: failed sign-ins per login and per IP address, counted
//! over a sliding window.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_runtime::Db;
use vc_runtime::db::DbError;

use super::{to_bson, to_chrono};
use crate::config::ThrottleSettings;

pub const COLLECTION: &str = "login_failures";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Failure {
    key: String,
    at: bson::DateTime,
}

#[derive(Clone)]
pub struct Throttle {
    coll: Collection<Failure>,
    cfg: ThrottleSettings,
}

fn login_key(login: &str) -> String {
    format!("login:{login}")
}

fn ip_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

impl Throttle {
    pub async fn open(db: &Db, cfg: &ThrottleSettings) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder().keys(doc! {"key": 1, "at": -1}).build(),
                IndexModel::builder()
                    .keys(doc! {"at": 1})
                    .options(
                        IndexOptions::builder()
                            .expire_after(std::time::Duration::from_secs(cfg.window_secs.max(1)))
                            .build(),
                    )
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION), cfg: cfg.clone() })
    }

    /// `Some(seconds)` to wait when the login or the address is locked out.
    pub async fn retry_after(&self, login: &str, ip: Option<IpAddr>) -> Result<Option<u64>, DbError> {
        let mut wait = self.wait_for(&login_key(login), self.cfg.max_failures_per_login).await?;
        if let Some(ip) = ip {
            let by_ip = self.wait_for(&ip_key(ip), self.cfg.max_failures_per_ip).await?;
            wait = wait.max(by_ip);
        }
        Ok(wait)
    }

    async fn wait_for(&self, key: &str, limit: u64) -> Result<Option<u64>, DbError> {
        if limit == 0 {
            return Ok(None);
        }
        let window = Duration::seconds(self.cfg.window_secs as i64);
        let now = Utc::now();
        // TTL deletion is lazy: also filter on the window here.
        let recent: Vec<Failure> = self
            .coll
            .find(doc! {"key": key, "at": {"$gt": to_bson(now - window)}})
            .sort(doc! {"at": -1})
            .limit(limit as i64)
            .await?
            .try_collect()
            .await?;
        if (recent.len() as u64) < limit {
            return Ok(None);
        }
        // Unlocked when the limit-th most recent failure leaves the window.
        let Some(oldest) = recent.last() else { return Ok(None) };
        let unlock = to_chrono(oldest.at) + window;
        Ok(Some((unlock - now).num_seconds().max(1) as u64))
    }

    pub async fn record_failure(&self, login: &str, ip: Option<IpAddr>) -> Result<(), DbError> {
        let at = to_bson(Utc::now());
        let mut docs = vec![Failure { key: login_key(login), at }];
        if let Some(ip) = ip {
            docs.push(Failure { key: ip_key(ip), at });
        }
        self.coll.insert_many(docs).await?;
        Ok(())
    }

    /// After a successful sign-in the login's own counter starts afresh (the
    /// address's does not: one success must not unlock guessing at others).
    pub async fn clear_login(&self, login: &str) -> Result<(), DbError> {
        self.coll.delete_many(doc! {"key": login_key(login)}).await?;
        Ok(())
    }
}
