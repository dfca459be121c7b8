//! Two parties of this process signaling to each other directly: a call
//! with no server between them, the latency baseline of a benchmark.

use tokio::sync::mpsc;

use super::{Role, SignalCommand, SignalEvent, SignalLink};

/// Both ends of a direct call: the first offers, the second answers.
pub fn pair() -> (SignalLink, SignalLink) {
    let (a_events_tx, a_events) = mpsc::unbounded_channel();
    let (b_events_tx, b_events) = mpsc::unbounded_channel();
    let (a_commands, a_commands_rx) = mpsc::unbounded_channel();
    let (b_commands, b_commands_rx) = mpsc::unbounded_channel();
    let a_task = tokio::spawn(hand_over(a_commands_rx, b_events_tx));
    let b_task = tokio::spawn(hand_over(b_commands_rx, a_events_tx));
    (
        SignalLink::new(Role::Offerer, a_events, a_commands, a_task),
        SignalLink::new(Role::Answerer, b_events, b_commands, b_task),
    )
}

/// What one end says is what the other hears; when one end leaves, the
/// other hears that the call is over.
async fn hand_over(
    mut commands: mpsc::UnboundedReceiver<SignalCommand>,
    other: mpsc::UnboundedSender<SignalEvent>,
) {
    while let Some(c) = commands.recv().await {
        let event = match c {
            SignalCommand::Offer(sdp) => SignalEvent::Offer(sdp),
            SignalCommand::Answer(sdp) => SignalEvent::Answer(sdp),
        };
        if other.send(event).is_err() {
            return;
        }
    }
    let _ = other.send(SignalEvent::Closed("the other party left".into()));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    #[tokio::test]
    async fn offers_and_answers_cross_over() {
        let (mut a, mut b) = pair();
        assert_eq!((a.role, b.role), (Role::Offerer, Role::Answerer));
        assert!(a.send(SignalCommand::Offer("o".into())));
        assert_eq!(b.next().await, Some(SignalEvent::Offer("o".into())));
        assert!(b.send(SignalCommand::Answer("a".into())));
        assert_eq!(a.next().await, Some(SignalEvent::Answer("a".into())));
        a.close().await;
        assert_eq!(b.next().await, Some(SignalEvent::Closed("the other party left".into())));
    }
}
