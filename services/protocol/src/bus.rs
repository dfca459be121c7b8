//! The shapes of MQTT traffic: typed topics, the envelope every message is
//! wrapped in, and the reply of a request/response exchange.
//!
//! Topic names are relative (`v1/auth/revocations`); the bus client prefixes
//! them with the deployment's namespace (`vc/` by default), so several
//! installations (or test runs) can share one broker without meeting.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::MessageId;

/// Anything that can travel on the bus.
pub trait Payload: Serialize + DeserializeOwned + Send + Sync + 'static {}
impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> Payload for T {}

/// A concrete topic to publish `T` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic<T> {
    name: String,
    kind: &'static str,
    _payload: PhantomData<fn() -> T>,
}

impl<T> Topic<T> {
    pub(crate) fn new(kind: &'static str, name: String) -> Self {
        Self { name, kind, _payload: PhantomData }
    }
    /// The relative topic name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// A fixed label (no ids in it) for metrics and logs.
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

/// A subscription filter (may hold `+` / `#` wildcards) whose messages carry `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFilter<T> {
    filter: String,
    kind: &'static str,
    _payload: PhantomData<fn() -> T>,
}

impl<T> TopicFilter<T> {
    pub(crate) fn new(kind: &'static str, filter: String) -> Self {
        Self { filter, kind, _payload: PhantomData }
    }
    pub fn filter(&self) -> &str {
        &self.filter
    }
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

impl<T> From<Topic<T>> for TopicFilter<T> {
    fn from(t: Topic<T>) -> Self {
        Self::new(t.kind, t.name)
    }
}

/// A request/response endpoint: `Req` sent to the topic, answered with `Resp`
/// on the requester's response topic (MQTT v5 response topic + correlation data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint<Req, Resp> {
    name: String,
    kind: &'static str,
    _payload: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> Endpoint<Req, Resp> {
    pub(crate) fn new(kind: &'static str, name: String) -> Self {
        Self { name, kind, _payload: PhantomData }
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn kind(&self) -> &'static str {
        self.kind
    }
    /// The topic requests are published on.
    pub fn request_topic(&self) -> Topic<Req> {
        Topic::new(self.kind, self.name.clone())
    }
}

/// Every message on the bus is wrapped in an envelope whose `id` lets a
/// handler recognise a redelivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: MessageId,
    pub sent_at: DateTime<Utc>,
    /// The sending service instance (its MQTT client id).
    pub source: String,
    pub body: T,
}

impl<T> Envelope<T> {
    pub fn new(source: impl Into<String>, body: T) -> Self {
        Self { id: MessageId::new(), sent_at: Utc::now(), source: source.into(), body }
    }
}

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Reply<T> {
    Ok { body: T },
    Error { code: String, message: String },
}
