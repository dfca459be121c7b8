//! A WebRTC client without a browser, on the same sans-I/O core as the
//! gateway: it joins calls the way the pages do (REST, then the signaling
//! WebSocket), sends synthetic audio and video or real Opus and VP8 made
//! once with ffmpeg (`media`), and optionally talks on the `collab` data
//! channel. Used by the gateway's system tests and by the `vc-load` tool.
//!
//! For load and benchmarks: the same party signals through our gateway,
//! through Janus's videocall plugin (`janus`) or directly to another party
//! of the process (`signal`); it can stamp its payloads with the send time
//! (`stamp`) and counts what it receives (`recv`); `run` opens and closes
//! calls through any of them into per-call reports (`report`); `bench` and
//! `procstat` measure a server process for `vc-sfu-bench`.

pub mod bench;
pub mod desk;
pub mod janus;
pub mod media;
pub mod party;
pub mod procstat;
pub mod recv;
pub mod report;
pub mod run;
pub mod signal;
mod source;
pub mod stamp;

pub use desk::{Desk, Tickets};
pub use media::{LoadedMedia, MediaFiles, MediaSpec};
pub use party::{DataMessage, Party, PartyConfig, PartyStats, VideoCodec};
pub use report::{CallReport, Summary};
pub use run::{Call, CallSpec, Target};
pub use signal::{Role, SignalLink};
