//! The codecs the gateway negotiates (and test clients offer): Opus; VP8
//! and H.264 constrained baseline, packetization mode 1 (Safari). No RTX:
//! retransmissions travel on the primary stream, which is what is forwarded.

use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_H264, MIME_TYPE_OPUS, MIME_TYPE_VP8};
use rtc::rtp_transceiver::rtp_sender::{RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters};

pub const OPUS_PT: u8 = 111;
pub const VP8_PT: u8 = 96;
pub const H264_PT: u8 = 102;
pub const H264_FMTP: &str = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

fn feedback(pairs: &[(&str, &str)]) -> Vec<RTCPFeedback> {
    pairs.iter().map(|(t, p)| RTCPFeedback { typ: (*t).into(), parameter: (*p).into() }).collect()
}

/// The video feedback the gateway accepts: REMB, FIR, NACK, PLI.
pub fn gateway_video_feedback() -> Vec<RTCPFeedback> {
    feedback(&[("goog-remb", ""), ("ccm", "fir"), ("nack", ""), ("nack", "pli")])
}

/// The video feedback a plain client asks for: NACK and PLI.
pub fn client_video_feedback() -> Vec<RTCPFeedback> {
    feedback(&[("nack", ""), ("nack", "pli")])
}

pub fn opus() -> RTCRtpCodecParameters {
    RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: MIME_TYPE_OPUS.into(),
            clock_rate: 48_000,
            channels: 2,
            sdp_fmtp_line: "minptime=10;useinbandfec=1".into(),
            rtcp_feedback: vec![],
        },
        payload_type: OPUS_PT,
    }
}

pub fn vp8(rtcp_feedback: Vec<RTCPFeedback>) -> RTCRtpCodecParameters {
    RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: MIME_TYPE_VP8.into(),
            clock_rate: 90_000,
            channels: 0,
            sdp_fmtp_line: String::new(),
            rtcp_feedback,
        },
        payload_type: VP8_PT,
    }
}

pub fn h264(rtcp_feedback: Vec<RTCPFeedback>) -> RTCRtpCodecParameters {
    RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: MIME_TYPE_H264.into(),
            clock_rate: 90_000,
            channels: 0,
            sdp_fmtp_line: H264_FMTP.into(),
            rtcp_feedback,
        },
        payload_type: H264_PT,
    }
}
