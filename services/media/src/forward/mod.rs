//! The forwarding layer's pure pieces: packet demultiplexing, stream
//! rewriting, codec inspection. Nothing here knows about HTTP, MQTT or
//! MongoDB.

pub mod codecs;
pub mod demux;
pub mod keyframes;
pub mod rewriter;
pub mod vp8;
