//! The VideoAssist protocol: every type that crosses a process boundary.
//!
//! REST bodies, MQTT topic names and payloads, and token claims are defined
//! here once. Services never build topic strings by hand: they call the
//! functions in [`topics`].

pub mod auth;
pub mod bus;
pub mod error;
pub mod health;
pub mod ids;
pub mod topics;

pub use error::{ErrorBody, ErrorCode};
pub use ids::{MessageId, UserId};
