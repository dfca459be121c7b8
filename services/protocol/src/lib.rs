//! The VideoAssist protocol: every type that crosses a process boundary.
//!
//! REST bodies, MQTT topic names and payloads, and token claims are defined
//! here once. Services never build topic strings by hand: they call the
//! functions in [`topics`].

pub mod auth;
pub mod bus;
pub mod chat;
pub mod collab;
pub mod control;
pub mod error;
pub mod files;
pub mod geo;
pub mod health;
pub mod ids;
pub mod interaction;
pub mod join;
pub mod media;
pub mod msg;
pub mod recording;
pub mod schedule;
mod serde_util;
pub mod settings;
pub mod stat;
pub mod storage;
pub mod surl;
pub mod topics;
mod typescript;

pub use error::{ErrorBody, ErrorCode};
pub use ids::{
    ChatMessageId, CleanupId, DeliveryId, FileId, InteractionId, LogoId, MessageId, PeerId, QuestionId,
    RequestId, TeamId, UserId,
};
pub use typescript::typescript_bindings;
