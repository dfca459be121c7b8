//! How a party exchanges offers and answers, whoever carries them: our
//! gateway's signaling WebSocket ([`gateway`]), Janus's videocall plugin
//! over its HTTP API ([`crate::janus`]), or a hand-over between two parties
//! of this process for a direct peer-to-peer call ([`direct`]). Each is a
//! task behind a [`SignalLink`]: the party sends [`SignalCommand`]s and
//! reads [`SignalEvent`]s, so the same media loop runs against all three.
//! Full SDP with candidates, no trickling from the party.

pub mod direct;
pub mod gateway;

use std::time::Duration;

use rtc::peer_connection::transport::RTCIceCandidateInit;
use tokio::sync::mpsc;

/// Who makes the first offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The party offers as soon as it starts (a page joining our gateway,
    /// the Janus caller, the direct call's first party).
    Offerer,
    /// The party waits for an offer and answers it (the Janus callee).
    Answerer,
}

/// What the other side said.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalEvent {
    Offer(String),
    Answer(String),
    /// A trickled remote candidate.
    Candidate(RTCIceCandidateInit),
    /// The call is over (the reason as the other side gave it).
    Closed(String),
}

/// What the party says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalCommand {
    Offer(String),
    Answer(String),
}

/// A running signaling channel. Dropping the command side (`close`) ends
/// it: the gateway's socket is closed, the Janus call hung up and its
/// session destroyed.
pub struct SignalLink {
    pub role: Role,
    events: mpsc::UnboundedReceiver<SignalEvent>,
    commands: Option<mpsc::UnboundedSender<SignalCommand>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl SignalLink {
    /// A link whose `task` reads `commands` until they close and feeds `events`.
    pub fn new(
        role: Role,
        events: mpsc::UnboundedReceiver<SignalEvent>,
        commands: mpsc::UnboundedSender<SignalCommand>,
        task: tokio::task::JoinHandle<()>,
    ) -> Self {
        Self { role, events, commands: Some(commands), task: Some(task) }
    }

    /// The next event; `None` once the channel is gone. Cancel-safe.
    pub async fn next(&mut self) -> Option<SignalEvent> {
        self.events.recv().await
    }

    /// Sends a command; false if the channel is gone.
    pub fn send(&self, command: SignalCommand) -> bool {
        self.commands.as_ref().is_some_and(|c| c.send(command).is_ok())
    }

    /// Ends the channel and waits (at most 3 s) for its task to finish.
    pub async fn close(mut self) {
        self.commands = None;
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(3), task).await;
        }
    }
}

impl Drop for SignalLink {
    fn drop(&mut self) {
        // Not closed: the task sees its commands end and finishes on its own.
        self.commands = None;
    }
}
