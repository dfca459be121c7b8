//! A WebRTC client without a browser, on the same sans-I/O core as the
//! gateway: it joins calls the way the pages do (REST, then the signaling
//! WebSocket), sends synthetic audio and video or real Opus and VP8 made
//! once with ffmpeg (`media`), and optionally talks on the `collab` data
//! channel. Used by the gateway's system tests and by the `vc-load` tool.

pub mod desk;
pub mod media;
pub mod party;
mod source;

pub use desk::{Desk, Tickets};
pub use media::{LoadedMedia, MediaFiles, MediaSpec};
pub use party::{DataMessage, Party, PartyConfig, PartyStats, VideoCodec};
