//! An interceptor that lets keyframe requests (and NACKs and reception
//! reports) through to the application.
//!
//! In rtc 0.21 inbound RTCP ends at the interceptor chain's terminus unless
//! an interceptor marks a packet `DeliverToApplication`. A forwarder needs
//! exactly the keyframe requests (PLI, FIR) a receiver sends about a
//! forwarded stream, to pass them on to its sender. NACKs, which the NACK
//! responder before this slot has already answered, come through too, only
//! to be counted (the core's own `nack_count` statistic is never updated in
//! 0.21.1). Sender and receiver reports with reception report blocks come
//! through too, for the loss, jitter and round trip the party measured
//! (`reports`: rtc's own statistics leave them out). Everything else
//! (transport feedback) stays with the interceptors that act on it.

use std::collections::VecDeque;
use std::time::Instant;

use rtc::interceptor::{Attribute, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::transport_feedbacks::transport_layer_nack::TransportLayerNack;
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

/// Where it sits: after every interceptor that reads RTCP (just before the
/// jitter buffer, which only holds RTP).
pub const SLOT: usize = 12_500;

#[derive(Default)]
pub struct KeyframeRequests {
    read: VecDeque<TaggedPacket>,
    write: VecDeque<TaggedPacket>,
}

/// Whether an RTCP compound packet asks for a keyframe.
pub fn asks_for_keyframe(packets: &[Box<dyn rtc::rtcp::Packet>]) -> bool {
    packets.iter().any(|p| {
        p.as_any().downcast_ref::<PictureLossIndication>().is_some()
            || p.as_any().downcast_ref::<FullIntraRequest>().is_some()
    })
}

/// How many NACKs an RTCP compound packet holds.
pub fn nacks(packets: &[Box<dyn rtc::rtcp::Packet>]) -> u64 {
    packets.iter().filter(|p| p.as_any().downcast_ref::<TransportLayerNack>().is_some()).count() as u64
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for KeyframeRequests {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = Error;
    type Time = Instant;

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Error> {
        if let Packet::Rtcp(packets) = &msg.message.packet
            && (asks_for_keyframe(packets) || nacks(packets) > 0 || super::reports::has_blocks(packets))
        {
            msg.message.add(Attribute::DeliverToApplication);
        }
        self.read.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.read.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Error> {
        self.write.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.write.pop_front()
    }
}

impl Interceptor for KeyframeRequests {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _: &StreamInfo) {}
}

#[cfg(test)]
mod tests {
    use rtc::interceptor::{AttributedPacket, Registry, Slot};
    use rtc::rtcp::receiver_report::ReceiverReport;
    use rtc::shared::TransportContext;

    use super::*;

    fn rtcp(p: Box<dyn rtc::rtcp::Packet>) -> TaggedPacket {
        TaggedPacket {
            now: Instant::now(),
            transport: TransportContext::default(),
            message: AttributedPacket::new(Packet::Rtcp(vec![p])),
        }
    }

    #[test]
    fn keyframe_requests_reach_the_application_and_reports_do_not() {
        let mut chain = Registry::new().with(Slot::from(SLOT), KeyframeRequests::default()).build();
        chain.handle_read(rtcp(Box::new(ReceiverReport::default()))).unwrap();
        assert!(chain.poll_read().is_none(), "a receiver report stays in the chain");
        chain.handle_read(rtcp(Box::new(PictureLossIndication { sender_ssrc: 1, media_ssrc: 2 }))).unwrap();
        let got = chain.poll_read().expect("the PLI comes through");
        assert!(matches!(&got.message.packet, Packet::Rtcp(p) if asks_for_keyframe(p)));
        let nack = TransportLayerNack { sender_ssrc: 1, media_ssrc: 2, nacks: vec![] };
        chain.handle_read(rtcp(Box::new(nack))).unwrap();
        let got = chain.poll_read().expect("the NACK comes through, to be counted");
        assert!(matches!(&got.message.packet, Packet::Rtcp(p) if nacks(p) == 1 && !asks_for_keyframe(p)));
    }
}
