//! The Janus HTTP API messages the load tool needs (the core's `create`,
//! `attach`, `message`, `keepalive`, `destroy`; the videocall plugin's
//! `register`, `call`, `accept`, `hangup`) and the events it reads back
//! from the long poll. Pure functions on JSON values, tested below.

use serde_json::{Value, json};

/// The plugin a one-to-one call goes through.
pub const VIDEOCALL: &str = "janus.plugin.videocall";

/// An error Janus answered with (core or plugin).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Janus error {code}: {reason}")]
pub struct JanusApiError {
    pub code: i64,
    pub reason: String,
}

/// A random transaction id.
pub fn transaction() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A core request: `{"janus": verb, "transaction": tx}`.
pub fn request(verb: &str, tx: &str) -> Value {
    json!({"janus": verb, "transaction": tx})
}

pub fn attach(tx: &str, plugin: &str) -> Value {
    json!({"janus": "attach", "plugin": plugin, "transaction": tx})
}

/// A message to a plugin handle, with an SDP (`kind` "offer" or "answer").
/// `trickle: false`: the SDP has all our candidates.
pub fn message(tx: &str, body: Value, jsep: Option<(&str, &str)>) -> Value {
    let mut m = json!({"janus": "message", "transaction": tx, "body": body});
    if let Some((kind, sdp)) = jsep {
        m["jsep"] = json!({"type": kind, "sdp": sdp, "trickle": false});
    }
    m
}

/// Videocall plugin requests.
pub fn register(username: &str) -> Value {
    json!({"request": "register", "username": username})
}

pub fn call(username: &str) -> Value {
    json!({"request": "call", "username": username})
}

pub fn accept() -> Value {
    json!({"request": "accept"})
}

pub fn hangup() -> Value {
    json!({"request": "hangup"})
}

/// The answer to a synchronous request: the new id of `create`/`attach`
/// (`data.id`), nothing for an `ack`, or Janus's error.
pub fn reply(v: &Value) -> Result<Option<u64>, JanusApiError> {
    match v["janus"].as_str() {
        Some("success") => Ok(v["data"]["id"].as_u64()),
        Some("ack") => Ok(None),
        Some("error") => Err(JanusApiError {
            code: v["error"]["code"].as_i64().unwrap_or(0),
            reason: v["error"]["reason"].as_str().unwrap_or("").to_owned(),
        }),
        other => Err(JanusApiError { code: 0, reason: format!("unexpected reply {other:?}") }),
    }
}

/// An event from the long poll that matters to a call.
#[derive(Debug, Clone, PartialEq)]
pub enum JanusEvent {
    Registered(String),
    /// Someone calls us, with their offer (as Janus rewrote it).
    IncomingCall {
        username: String,
        offer: Option<String>,
    },
    /// The call was accepted; the caller gets the callee's answer.
    Accepted {
        username: String,
        answer: Option<String>,
    },
    /// The plugin or the core hung up.
    Hangup(String),
    /// A trickled candidate of Janus's (`None`: gathering complete).
    Trickle(Option<Candidate>),
    /// ICE and DTLS are up on Janus's side.
    WebrtcUp,
    /// The plugin refused a request.
    PluginError(JanusApiError),
    Keepalive,
    /// Anything else (`media`, `slowlink`, `detached`, plugin events we do
    /// not use), by name.
    Other(String),
}

/// A trickled candidate as Janus sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub candidate: String,
    pub sdp_mid: Option<String>,
    pub sdp_m_line_index: Option<u16>,
}

/// The events of one long-poll answer (one object, or an array with `maxev`).
pub fn events(v: &Value) -> Vec<JanusEvent> {
    match v {
        Value::Array(items) => items.iter().map(event).collect(),
        one => vec![event(one)],
    }
}

fn sdp_of(v: &Value, kind: &str) -> Option<String> {
    (v["jsep"]["type"].as_str() == Some(kind)).then(|| v["jsep"]["sdp"].as_str().map(str::to_owned))?
}

/// One event object.
pub fn event(v: &Value) -> JanusEvent {
    let name = v["janus"].as_str().unwrap_or("");
    match name {
        "keepalive" => JanusEvent::Keepalive,
        "webrtcup" => JanusEvent::WebrtcUp,
        "hangup" => JanusEvent::Hangup(v["reason"].as_str().unwrap_or("hangup").to_owned()),
        "trickle" => {
            let c = &v["candidate"];
            if c["completed"].as_bool() == Some(true) {
                return JanusEvent::Trickle(None);
            }
            match c["candidate"].as_str() {
                Some(candidate) => JanusEvent::Trickle(Some(Candidate {
                    candidate: candidate.to_owned(),
                    sdp_mid: c["sdpMid"].as_str().map(str::to_owned),
                    sdp_m_line_index: c["sdpMLineIndex"].as_u64().and_then(|i| u16::try_from(i).ok()),
                })),
                None => JanusEvent::Other("trickle".into()),
            }
        }
        "event" => plugin_event(v),
        other => JanusEvent::Other(other.to_owned()),
    }
}

fn plugin_event(v: &Value) -> JanusEvent {
    let data = &v["plugindata"]["data"];
    if let Some(code) = data["error_code"].as_i64() {
        let reason = data["error"].as_str().unwrap_or("").to_owned();
        return JanusEvent::PluginError(JanusApiError { code, reason });
    }
    let result = &data["result"];
    let username = result["username"].as_str().unwrap_or("").to_owned();
    match result["event"].as_str() {
        Some("registered") => JanusEvent::Registered(username),
        Some("incomingcall") => JanusEvent::IncomingCall { username, offer: sdp_of(v, "offer") },
        Some("accepted") => JanusEvent::Accepted { username, answer: sdp_of(v, "answer") },
        Some("hangup") => JanusEvent::Hangup(result["reason"].as_str().unwrap_or("hangup").to_owned()),
        Some(other) => JanusEvent::Other(other.to_owned()),
        None => JanusEvent::Other("event".into()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;

    fn plugin(result: Value, jsep: Option<Value>) -> Value {
        let mut v = json!({
            "janus": "event", "session_id": 1, "sender": 2, "transaction": "t",
            "plugindata": {"plugin": VIDEOCALL, "data": {"videocall": "event", "result": result}}
        });
        if let Some(j) = jsep {
            v["jsep"] = j;
        }
        v
    }

    #[test]
    fn requests_are_what_janus_expects() {
        assert_eq!(request("create", "t1"), json!({"janus": "create", "transaction": "t1"}));
        assert_eq!(
            attach("t2", VIDEOCALL),
            json!({"janus": "attach", "plugin": VIDEOCALL, "transaction": "t2"})
        );
        assert_eq!(
            message("t3", call("bob"), Some(("offer", "v=0"))),
            json!({"janus": "message", "transaction": "t3", "body": {"request": "call", "username": "bob"},
                   "jsep": {"type": "offer", "sdp": "v=0", "trickle": false}})
        );
        assert_eq!(
            message("t4", register("al"), None)["body"],
            json!({"request": "register", "username": "al"})
        );
        assert!(message("t4", accept(), None).get("jsep").is_none());
        assert_eq!(hangup(), json!({"request": "hangup"}));
        assert_ne!(transaction(), transaction());
    }

    #[test]
    fn replies_give_ids_or_errors() {
        assert_eq!(reply(&json!({"janus": "success", "data": {"id": 42}})), Ok(Some(42)));
        assert_eq!(reply(&json!({"janus": "ack"})), Ok(None));
        let e = reply(&json!({"janus": "error", "error": {"code": 458, "reason": "No such session"}}));
        assert_eq!(e, Err(JanusApiError { code: 458, reason: "No such session".into() }));
        assert!(reply(&json!({"nonsense": true})).is_err());
    }

    #[test]
    fn call_events_carry_their_sdp() {
        let incoming = plugin(
            json!({"event": "incomingcall", "username": "caller"}),
            Some(json!({"type": "offer", "sdp": "v=0 offer"})),
        );
        let accepted = plugin(
            json!({"event": "accepted", "username": "callee"}),
            Some(json!({"type": "answer", "sdp": "v=0 a"})),
        );
        let accepted_callee = plugin(json!({"event": "accepted"}), None);
        let got = events(&json!([incoming, accepted, accepted_callee]));
        assert_eq!(
            got,
            vec![
                JanusEvent::IncomingCall { username: "caller".into(), offer: Some("v=0 offer".into()) },
                JanusEvent::Accepted { username: "callee".into(), answer: Some("v=0 a".into()) },
                JanusEvent::Accepted { username: String::new(), answer: None },
            ]
        );
        // An answer is not an offer.
        let odd = plugin(
            json!({"event": "incomingcall", "username": "x"}),
            Some(json!({"type": "answer", "sdp": "s"})),
        );
        assert_eq!(event(&odd), JanusEvent::IncomingCall { username: "x".into(), offer: None });
    }

    #[test]
    fn other_events_are_recognised() {
        assert_eq!(
            event(&plugin(json!({"event": "registered", "username": "u"}), None)),
            JanusEvent::Registered("u".into())
        );
        assert_eq!(
            event(&plugin(
                json!({"event": "hangup", "username": "u", "reason": "Remote WebRTC hangup"}),
                None
            )),
            JanusEvent::Hangup("Remote WebRTC hangup".into())
        );
        let err = json!({"janus": "event", "plugindata": {"plugin": VIDEOCALL,
            "data": {"videocall": "event", "error_code": 478, "error": "Username 'u' already taken"}}});
        assert_eq!(
            event(&err),
            JanusEvent::PluginError(JanusApiError { code: 478, reason: "Username 'u' already taken".into() })
        );
        assert_eq!(events(&json!({"janus": "keepalive"})), vec![JanusEvent::Keepalive]);
        assert_eq!(event(&json!({"janus": "webrtcup", "sender": 2})), JanusEvent::WebrtcUp);
        assert_eq!(
            event(&json!({"janus": "hangup", "reason": "DTLS alert"})),
            JanusEvent::Hangup("DTLS alert".into())
        );
        assert_eq!(event(&json!({"janus": "media", "type": "audio"})), JanusEvent::Other("media".into()));
        let t = json!({"janus": "trickle", "candidate": {"candidate": "candidate:1 1 udp 1 192.0.2.2 4000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}});
        assert_eq!(
            event(&t),
            JanusEvent::Trickle(Some(Candidate {
                candidate: "candidate:1 1 udp 1 192.0.2.2 4000 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0)
            }))
        );
        assert_eq!(
            event(&json!({"janus": "trickle", "candidate": {"completed": true}})),
            JanusEvent::Trickle(None)
        );
    }
}
