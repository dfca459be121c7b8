//! One party's Janus session over the HTTP transport: a session, a
//! videocall handle registered under a name, and a long poll for events;
//! then the call as a [`SignalLink`] (caller: `call` with our offer, then
//! `accepted` with Janus's answer; callee: `incomingcall` with Janus's
//! offer, then `accept` with our answer).

use std::time::Duration;

use rtc::peer_connection::transport::RTCIceCandidateInit;
use serde_json::Value;
use tokio::sync::mpsc;

use super::JanusError;
use super::api::{self, JanusEvent};
use crate::signal::{Role, SignalCommand, SignalEvent, SignalLink};

/// How long a registration may take.
const REGISTER_TIMEOUT: Duration = Duration::from_secs(10);
/// Janus drops sessions idle for 60 s (the long poll does not count on
/// every version); a keepalive every 25 s keeps ours.
const KEEPALIVE: Duration = Duration::from_secs(25);

/// A registered videocall user, ready to call or be called.
pub struct JanusPeer {
    http: reqwest::Client,
    /// `http://host:port/janus/<session>`
    session_url: String,
    handle_url: String,
    pub username: String,
    events: mpsc::UnboundedReceiver<JanusEvent>,
    poll: tokio::task::JoinHandle<()>,
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> Result<Option<u64>, JanusError> {
    let v: Value = http.post(url).json(body).send().await?.error_for_status()?.json().await?;
    Ok(api::reply(&v)?)
}

impl JanusPeer {
    /// Opens a session on Janus at `base` (`http://host:port/janus`),
    /// attaches the videocall plugin and registers `username`.
    pub async fn register(base: &str, username: &str) -> Result<JanusPeer, JanusError> {
        let http = reqwest::Client::new();
        let base = base.trim_end_matches('/');
        let session = post(&http, base, &api::request("create", &api::transaction()))
            .await?
            .ok_or(JanusError::Shape("create: no session id"))?;
        let session_url = format!("{base}/{session}");
        let handle = post(&http, &session_url, &api::attach(&api::transaction(), api::VIDEOCALL))
            .await?
            .ok_or(JanusError::Shape("attach: no handle id"))?;
        let handle_url = format!("{session_url}/{handle}");
        let (tx, events) = mpsc::unbounded_channel();
        let poll = tokio::spawn(long_poll(http.clone(), session_url.clone(), tx));
        let mut peer =
            JanusPeer { http, session_url, handle_url, username: username.to_owned(), events, poll };
        let register = api::message(&api::transaction(), api::register(username), None);
        post(&peer.http, &peer.handle_url, &register).await?;
        let registered = tokio::time::timeout(REGISTER_TIMEOUT, async {
            loop {
                match peer.events.recv().await {
                    Some(JanusEvent::Registered(_)) => return Ok(()),
                    Some(JanusEvent::PluginError(e)) => return Err(JanusError::Api(e)),
                    Some(_) => {}
                    None => return Err(JanusError::Shape("the long poll ended")),
                }
            }
        });
        match registered.await {
            Ok(r) => r.map(|_| peer),
            Err(_) => Err(JanusError::Timeout("register")),
        }
    }

    /// The call to `callee` (registered on the same Janus): we offer.
    pub fn call(self, callee: &str) -> SignalLink {
        self.link(Role::Offerer, Some(callee.to_owned()))
    }

    /// Waiting to be called: we answer the incoming call.
    pub fn answer(self) -> SignalLink {
        self.link(Role::Answerer, None)
    }

    fn link(self, role: Role, callee: Option<String>) -> SignalLink {
        let (events_tx, events) = mpsc::unbounded_channel();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(self.pump(callee, commands_rx, events_tx));
        SignalLink::new(role, events, commands, task)
    }

    /// Carries the party's offer or answer to the plugin and the plugin's
    /// events to the party; on the way out hangs up and destroys the session.
    async fn pump(
        mut self,
        callee: Option<String>,
        mut commands: mpsc::UnboundedReceiver<SignalCommand>,
        events: mpsc::UnboundedSender<SignalEvent>,
    ) {
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        keepalive.tick().await;
        loop {
            tokio::select! {
                c = commands.recv() => {
                    let msg = match (c, &callee) {
                        (Some(SignalCommand::Offer(sdp)), Some(callee)) => {
                            api::message(&api::transaction(), api::call(callee), Some(("offer", &sdp)))
                        }
                        (Some(SignalCommand::Answer(sdp)), _) => {
                            api::message(&api::transaction(), api::accept(), Some(("answer", &sdp)))
                        }
                        // The callee does not offer (no renegotiation through the plugin).
                        (Some(SignalCommand::Offer(_)), None) => continue,
                        (None, _) => break,
                    };
                    if let Err(e) = post(&self.http, &self.handle_url, &msg).await {
                        let _ = events.send(SignalEvent::Closed(e.to_string()));
                        break;
                    }
                }
                e = self.events.recv() => {
                    let event = match e {
                        Some(JanusEvent::IncomingCall { offer: Some(sdp), .. }) => SignalEvent::Offer(sdp),
                        Some(JanusEvent::Accepted { answer: Some(sdp), .. }) => SignalEvent::Answer(sdp),
                        Some(JanusEvent::Trickle(Some(c))) => SignalEvent::Candidate(RTCIceCandidateInit {
                            candidate: c.candidate,
                            sdp_mid: c.sdp_mid,
                            sdp_mline_index: c.sdp_m_line_index,
                            ..Default::default()
                        }),
                        Some(JanusEvent::Hangup(reason)) => SignalEvent::Closed(reason),
                        Some(JanusEvent::PluginError(e)) => SignalEvent::Closed(e.to_string()),
                        Some(_) => continue,
                        None => SignalEvent::Closed("the long poll ended".into()),
                    };
                    let closed = matches!(event, SignalEvent::Closed(_));
                    if events.send(event).is_err() || closed {
                        break;
                    }
                }
                _ = keepalive.tick() => {
                    let _ = post(&self.http, &self.session_url, &api::request("keepalive", &api::transaction())).await;
                }
            }
        }
        self.leave().await;
    }

    /// Hangs up and destroys the session (best effort).
    async fn leave(self) {
        let hangup = api::message(&api::transaction(), api::hangup(), None);
        let _ = post(&self.http, &self.handle_url, &hangup).await;
        let _ = post(&self.http, &self.session_url, &api::request("destroy", &api::transaction())).await;
        self.poll.abort();
    }
}

impl Drop for JanusPeer {
    fn drop(&mut self) {
        self.poll.abort();
    }
}

/// Reads the session's events until the session or the receiver is gone.
async fn long_poll(http: reqwest::Client, session_url: String, tx: mpsc::UnboundedSender<JanusEvent>) {
    let url = format!("{session_url}?maxev=10");
    let mut failures = 0;
    while !tx.is_closed() {
        let got: Result<Value, reqwest::Error> = async { http.get(&url).send().await?.json().await }.await;
        match got {
            Ok(v) if v["janus"] == "error" => return,
            Ok(v) => {
                failures = 0;
                for e in api::events(&v) {
                    if tx.send(e).is_err() {
                        return;
                    }
                }
            }
            Err(_) => {
                failures += 1;
                if failures > 5 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}
