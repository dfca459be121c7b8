//! `link_opens`: every GET of a working short link, with the time, the
//! User-Agent and a keyed hash of the client's address (never the address).
//! Fetches by link-preview robots are kept too, marked `preview`.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::InteractionId;
use vc_protocol::surl::LinkOpen;
use vc_runtime::Db;
use vc_runtime::db::DbError;

use super::{to_bson, to_chrono};

pub const COLLECTION: &str = "link_opens";

/// User-Agents longer than this many characters are cut (real ones are
/// rarely over 300).
pub const MAX_USER_AGENT_CHARS: usize = 512;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenDoc {
    pub code: String,
    pub interaction_id: InteractionId,
    pub at: bson::DateTime,
    pub user_agent: Option<String>,
    /// HMAC-SHA256 (hex) of the client's address with this installation's key.
    pub ip_hash: Option<String>,
    /// A link-preview robot, not the client: not counted as an open.
    pub preview: bool,
}

impl OpenDoc {
    pub fn new(
        code: &str,
        interaction_id: InteractionId,
        at: DateTime<Utc>,
        user_agent: Option<String>,
        ip_hash: Option<String>,
        preview: bool,
    ) -> Self {
        Self { code: code.to_owned(), interaction_id, at: to_bson(at), user_agent, ip_hash, preview }
    }

    pub fn view(&self) -> LinkOpen {
        LinkOpen {
            at: to_chrono(self.at),
            user_agent: self.user_agent.clone(),
            ip_hash: self.ip_hash.clone(),
        }
    }
}

/// A User-Agent as it is stored: control characters dropped, surrounding
/// space trimmed, at most [`MAX_USER_AGENT_CHARS`] characters; `None` if
/// nothing is left.
pub fn clean_user_agent(raw: &str) -> Option<String> {
    let cleaned: String =
        raw.chars().filter(|c| !c.is_control()).take(MAX_USER_AGENT_CHARS).collect::<String>();
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[derive(Clone)]
pub struct Opens {
    coll: Collection<OpenDoc>,
}

impl Opens {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![IndexModel::builder().keys(doc! {"interaction_id": 1, "at": 1}).build()],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    pub async fn record(&self, open: &OpenDoc) -> Result<(), DbError> {
        self.coll.insert_one(open).await?;
        Ok(())
    }

    /// The interaction's opens, oldest first, previews left out; at most `limit`.
    pub async fn of_interaction(&self, id: InteractionId, limit: i64) -> Result<Vec<OpenDoc>, DbError> {
        Ok(self
            .coll
            .find(doc! {"interaction_id": id.to_string(), "preview": false})
            .sort(doc! {"at": 1, "_id": 1})
            .limit(limit)
            .await?
            .try_collect()
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_cleaned_and_bounded() {
        assert_eq!(clean_user_agent("  Mozilla/5.0 (X11)  ").as_deref(), Some("Mozilla/5.0 (X11)"));
        assert_eq!(clean_user_agent("a\u{0}b\r\nc\u{7f}").as_deref(), Some("abc"));
        assert_eq!(clean_user_agent("   "), None);
        assert_eq!(clean_user_agent(""), None);
        let long = "ж".repeat(MAX_USER_AGENT_CHARS + 100);
        let cut = clean_user_agent(&long).unwrap();
        assert_eq!(cut.chars().count(), MAX_USER_AGENT_CHARS, "cut at a character boundary");
    }

    #[test]
    fn the_view_has_no_address() {
        let open = OpenDoc::new(
            "abcdefgh",
            InteractionId::new(),
            Utc::now(),
            Some("UA".into()),
            Some("ff".repeat(32)),
            false,
        );
        let v = serde_json::to_value(open.view()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 3);
        assert!(keys.contains(&"at") && keys.contains(&"user_agent") && keys.contains(&"ip_hash"));
    }
}
