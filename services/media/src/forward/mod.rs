//! The forwarding layer's pure pieces: packet demultiplexing, stream
//! rewriting, codec inspection, the data-channel relay's limits. Nothing
//! here knows about HTTP, MQTT or MongoDB.

pub mod codecs;
pub mod demux;
pub mod keyframes;
pub mod relay;
pub mod reports;
pub mod rewriter;
pub mod vp8;
