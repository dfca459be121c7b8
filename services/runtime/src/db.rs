//! The MongoDB handle: explicit timeouts, index creation at start-up, a ping
//! for health checks, and a graceful shutdown.

use std::time::{Duration, Instant};

use mongodb::bson::{Document, doc};
use mongodb::options::ClientOptions;
use mongodb::{Client, Collection, Database, IndexModel};

use crate::config::MongoConfig;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("mongo.uri is not set")]
    NoUri,
    #[error("invalid mongo.uri: {0}")]
    Uri(mongodb::error::Error),
    #[error("MongoDB: {0}")]
    Mongo(#[from] mongodb::error::Error),
    #[error("MongoDB did not answer within {0:?}")]
    Timeout(Duration),
    #[error("could not encode a document: {0}")]
    Encode(String),
    #[error("gave up after too many concurrent changes of {0}")]
    Contention(String),
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Db {
    client: Client,
    database: Database,
    health_timeout: Duration,
}

impl Db {
    /// Builds the client. The driver connects lazily; call [`Db::ping`] or
    /// create indexes to find out whether the server is there.
    pub async fn connect(cfg: &MongoConfig, app_name: &str) -> Result<Self, DbError> {
        let uri = cfg.uri.as_deref().filter(|u| !u.is_empty()).ok_or(DbError::NoUri)?;
        let mut options = ClientOptions::parse(uri).await.map_err(DbError::Uri)?;
        options.app_name = Some(app_name.to_owned());
        options.server_selection_timeout = Some(Duration::from_millis(cfg.server_selection_timeout_ms));
        options.connect_timeout = Some(Duration::from_millis(cfg.connect_timeout_ms));
        let client = Client::with_options(options)?;
        let database = client.database(&cfg.database);
        Ok(Self { client, database, health_timeout: Duration::from_millis(cfg.health_timeout_ms) })
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn collection<T: Send + Sync>(&self, name: &str) -> Collection<T> {
        self.database.collection(name)
    }

    /// Round trip to the server, bounded by `mongo.health_timeout_ms`.
    pub async fn ping(&self) -> Result<Duration, DbError> {
        let started = Instant::now();
        match tokio::time::timeout(self.health_timeout, self.database.run_command(doc! {"ping": 1})).await {
            Ok(Ok(_)) => Ok(started.elapsed()),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(DbError::Timeout(self.health_timeout)),
        }
    }

    /// Creates the given indexes on `collection` (a no-op when they exist).
    /// An existing index whose options changed (e.g. a TTL taken from the
    /// configuration) is dropped and created again with the new options.
    pub async fn ensure_indexes(&self, collection: &str, indexes: Vec<IndexModel>) -> Result<(), DbError> {
        let coll = self.database.collection::<Document>(collection);
        for index in indexes {
            match coll.create_index(index.clone()).await {
                Ok(_) => {}
                Err(e) if is_index_conflict(&e) => {
                    let name = index
                        .options
                        .as_ref()
                        .and_then(|o| o.name.clone())
                        .unwrap_or_else(|| default_index_name(&index.keys));
                    tracing::info!(collection, index = %name, "index options changed; recreating it");
                    coll.drop_index(&name).await?;
                    coll.create_index(index).await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Waits until the server answers, at most `timeout` (start-up).
    pub async fn wait_ready(&self, timeout: Duration) -> Result<(), DbError> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.ping().await {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(e) => {
                    tracing::info!(error = %e, "waiting for MongoDB");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        }
    }

    /// Closes every connection after in-flight operations finish.
    pub async fn shutdown(&self) {
        self.client.clone().shutdown().await;
    }
}

/// MongoDB's name for an index without an explicit one: `field_1_other_-1`.
fn default_index_name(keys: &Document) -> String {
    keys.iter()
        .map(|(k, v)| format!("{k}_{}", v.as_i32().map(|n| n.to_string()).unwrap_or_else(|| v.to_string())))
        .collect::<Vec<_>>()
        .join("_")
}

/// IndexOptionsConflict (85) or IndexKeySpecsConflict (86).
fn is_index_conflict(e: &mongodb::error::Error) -> bool {
    matches!(e.kind.as_ref(), mongodb::error::ErrorKind::Command(c) if c.code == 85 || c.code == 86)
}

/// Whether an error is a unique-index violation (E11000).
pub fn is_duplicate_key(e: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    match e.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(we)) => we.code == 11000,
        ErrorKind::Command(ce) => ce.code == 11000,
        ErrorKind::InsertMany(im) => {
            im.write_errors.as_ref().is_some_and(|errs| errs.iter().any(|e| e.code == 11000))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_follow_mongodb() {
        assert_eq!(default_index_name(&doc! {"at": 1}), "at_1");
        assert_eq!(default_index_name(&doc! {"key": 1, "at": -1}), "key_1_at_-1");
    }
}
