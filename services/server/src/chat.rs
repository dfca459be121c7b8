//! The chat of an interaction: `chat_messages`, one document per message,
//! numbered 1, 2, 3, ... per interaction without gaps (a unique index on
//! `(interaction_id, seq)`; a writer that loses the race for a number takes
//! the next). A message is stored before it is acknowledged; the page's
//! `client_msg_id` (unique per interaction and party) makes a resend
//! return the stored message instead of a second one.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, Document, doc};
use mongodb::options::IndexOptions;
use mongodb::{Collection, IndexModel};
use serde::{Deserialize, Serialize};
use vc_protocol::chat::{ChatMessage, MAX_TEXT_BYTES};
use vc_protocol::files::FileInfo;
use vc_protocol::geo::Location;
use vc_protocol::interaction::Party;
use vc_protocol::{ChatMessageId, ErrorCode, FileId, InteractionId};
use vc_runtime::db::DbError;
use vc_runtime::{ApiError, Db};

use crate::store::{to_bson, to_chrono};

pub const COLLECTION: &str = "chat_messages";

/// The longest `client_msg_id` a page may choose.
const MAX_CLIENT_ID: usize = 64;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct MessageDoc {
    #[serde(rename = "_id")]
    id: ChatMessageId,
    interaction_id: InteractionId,
    seq: i64,
    from: Party,
    author: Option<String>,
    text: String,
    file: Option<FileInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    client_msg_id: String,
    at: bson::DateTime,
}

impl MessageDoc {
    fn view(self) -> ChatMessage {
        ChatMessage {
            id: self.id,
            seq: self.seq.max(0) as u64,
            from: self.from,
            author: self.author,
            text: self.text,
            file: self.file,
            location: self.location,
            at: to_chrono(self.at),
        }
    }
}

/// See [`Chat::counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChatCounts {
    pub messages: u32,
    pub files: u32,
    pub screenshots: u32,
}

/// A message as the page sent it, before it is stored.
pub struct Draft {
    pub from: Party,
    pub author: Option<String>,
    pub client_msg_id: String,
    pub text: String,
    pub file: Option<FileInfo>,
    pub location: Option<Location>,
}

impl Draft {
    /// A resend of a stored message (appending it returns the stored one).
    pub fn existing(m: ChatMessage, client_msg_id: String) -> Self {
        Self {
            from: m.from,
            author: m.author,
            client_msg_id,
            text: m.text,
            file: m.file,
            location: m.location,
        }
    }
}

/// Checks a message's text and id; `Err` carries the code the page shows.
pub fn validate(client_msg_id: &str, text: &str, has_file: bool) -> Result<(), ApiError> {
    if client_msg_id.is_empty()
        || client_msg_id.len() > MAX_CLIENT_ID
        || !client_msg_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::validation("client_msg_id: 1-64 characters of A-Z a-z 0-9 - _"));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ApiError::new(
            ErrorCode::MessageTooLong,
            format!("a message may have at most {MAX_TEXT_BYTES} bytes of text; this one has {}", text.len()),
        ));
    }
    if text.trim().is_empty() && !has_file {
        return Err(ApiError::validation("an empty message"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(ApiError::validation("control characters are not allowed in a message"));
    }
    Ok(())
}

#[derive(Clone)]
pub struct Chat {
    coll: Collection<MessageDoc>,
}

fn duplicate_key(e: &mongodb::error::Error) -> Option<String> {
    use mongodb::error::{ErrorKind, WriteFailure};
    match e.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(w)) if w.code == 11000 => Some(w.message.clone()),
        _ => None,
    }
}

impl Chat {
    pub async fn open(db: &Db) -> Result<Self, DbError> {
        db.ensure_indexes(
            COLLECTION,
            vec![
                IndexModel::builder()
                    .keys(doc! {"interaction_id": 1, "seq": 1})
                    .options(IndexOptions::builder().unique(true).name("seq_unique".to_string()).build())
                    .build(),
                IndexModel::builder()
                    .keys(doc! {"interaction_id": 1, "from": 1, "client_msg_id": 1})
                    .options(
                        IndexOptions::builder().unique(true).name("client_msg_unique".to_string()).build(),
                    )
                    .build(),
            ],
        )
        .await?;
        Ok(Self { coll: db.collection(COLLECTION) })
    }

    pub async fn by_client_id(
        &self,
        id: InteractionId,
        from: Party,
        client_msg_id: &str,
    ) -> Result<Option<ChatMessage>, DbError> {
        let found = self
            .coll
            .find_one(doc! {"interaction_id": id.to_string(), "from": from.as_str(), "client_msg_id": client_msg_id})
            .await?;
        Ok(found.map(MessageDoc::view))
    }

    /// The chat's last `seq` (0 when empty).
    pub async fn last_seq(&self, id: InteractionId) -> Result<u64, DbError> {
        let last = self.coll.find_one(doc! {"interaction_id": id.to_string()}).sort(doc! {"seq": -1}).await?;
        Ok(last.map(|m| m.seq.max(0) as u64).unwrap_or(0))
    }

    /// Stores a message under the next `seq`, or returns the one stored
    /// earlier with the same `client_msg_id`. `bool`: newly stored.
    pub async fn append(&self, id: InteractionId, draft: Draft) -> Result<(ChatMessage, bool), DbError> {
        if let Some(existing) = self.by_client_id(id, draft.from, &draft.client_msg_id).await? {
            return Ok((existing, false));
        }
        for _ in 0..50 {
            let seq = self.last_seq(id).await? + 1;
            let doc = MessageDoc {
                id: ChatMessageId::new(),
                interaction_id: id,
                seq: seq as i64,
                from: draft.from,
                author: draft.author.clone(),
                text: draft.text.clone(),
                file: draft.file.clone(),
                location: draft.location.clone(),
                client_msg_id: draft.client_msg_id.clone(),
                at: to_bson(Utc::now()),
            };
            match self.coll.insert_one(&doc).await {
                Ok(_) => return Ok((doc.view(), true)),
                Err(e) => match duplicate_key(&e) {
                    // The same message again, racing itself (two tabs, a resend).
                    Some(m) if m.contains("client_msg_unique") => {
                        if let Some(existing) =
                            self.by_client_id(id, draft.from, &draft.client_msg_id).await?
                        {
                            return Ok((existing, false));
                        }
                    }
                    // Someone else took this number: take the next.
                    Some(_) => continue,
                    None => return Err(e.into()),
                },
            }
        }
        Err(DbError::Contention(format!("chat of {id}")))
    }

    /// Every position the client sent, oldest first.
    pub async fn locations(&self, id: InteractionId) -> Result<Vec<Location>, DbError> {
        let docs: Vec<MessageDoc> = self
            .coll
            .find(doc! {"interaction_id": id.to_string(), "location": {"$exists": true}})
            .sort(doc! {"seq": 1})
            .await?
            .try_collect()
            .await?;
        Ok(docs.into_iter().filter_map(|d| d.location).collect())
    }

    /// How many messages the chat holds: all of them, those with a file,
    /// and those whose file is a screenshot (drawn on or not).
    pub async fn counts(&self, id: InteractionId) -> Result<ChatCounts, DbError> {
        let of = |extra: Document| {
            let mut q = doc! {"interaction_id": id.to_string()};
            q.extend(extra);
            q
        };
        let count = |q: Document| async move { self.coll.count_documents(q).await.map(|n| n as u32) };
        Ok(ChatCounts {
            messages: count(of(doc! {})).await?,
            files: count(of(doc! {"file": {"$type": "object"}})).await?,
            screenshots: count(of(doc! {"file.kind": {"$in": ["screenshot", "annotated"]}})).await?,
        })
    }

    /// Marks the file of the interaction's messages that carry it as
    /// deleted by the retention policy (their text stays); how many.
    pub async fn mark_file_deleted(
        &self,
        id: InteractionId,
        file_id: FileId,
        at: DateTime<Utc>,
    ) -> Result<u64, DbError> {
        let at = bson::to_bson(&at).map_err(|e| DbError::Encode(e.to_string()))?;
        let r = self
            .coll
            .update_many(
                doc! {"interaction_id": id.to_string(), "file.id": file_id.to_string(), "file.deleted_at": {"$exists": false}},
                doc! {"$set": {"file.deleted_at": at}},
            )
            .await?;
        Ok(r.modified_count)
    }

    /// The client's latest position.
    pub async fn last_location(&self, id: InteractionId) -> Result<Option<Location>, DbError> {
        let last = self
            .coll
            .find_one(doc! {"interaction_id": id.to_string(), "location": {"$exists": true}})
            .sort(doc! {"seq": -1})
            .await?;
        Ok(last.and_then(|d| d.location))
    }

    /// Messages after `after_seq`, in order, at most `limit`.
    pub async fn after(
        &self,
        id: InteractionId,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<ChatMessage>, DbError> {
        let docs: Vec<MessageDoc> = self
            .coll
            .find(doc! {"interaction_id": id.to_string(), "seq": {"$gt": after_seq as i64}})
            .sort(doc! {"seq": 1})
            .limit(i64::from(limit))
            .await?
            .try_collect()
            .await?;
        Ok(docs.into_iter().map(MessageDoc::view).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_checked() {
        assert!(validate("m-1", "hello", false).is_ok());
        assert!(validate("m-1", "", true).is_ok(), "a file alone");
        assert_eq!(validate("m-1", "   ", false).unwrap_err().code, ErrorCode::ValidationFailed);
        assert_eq!(validate("m-1", &"я".repeat(2049), false).unwrap_err().code, ErrorCode::MessageTooLong);
        assert!(validate("m-1", &"я".repeat(2048), false).is_ok(), "4096 bytes exactly");
        assert!(validate("m-1", "line\nline\ttab", false).is_ok());
        assert!(validate("m-1", "bell\u{7}", false).is_err());
        assert!(validate("", "x", false).is_err());
        assert!(validate("a b", "x", false).is_err());
        assert!(validate(&"x".repeat(65), "x", false).is_err());
    }
}
