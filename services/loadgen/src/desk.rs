//! The REST side of a call, as the agent console and the client page do it:
//! sign in, create the interaction, open the link, consent, and get each
//! party's admission to the media room.

use serde_json::{Value, json};
use vc_protocol::InteractionId;
use vc_protocol::media::MediaAccess;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("{call} answered {status}: {body}")]
    Status { call: String, status: u16, body: String },
    #[error("unexpected answer from {0}")]
    Shape(String),
}

/// An agent at its desk.
#[derive(Clone)]
pub struct Desk {
    base: String,
    http: reqwest::Client,
    token: String,
}

/// Everything both parties need to join one call.
#[derive(Debug, Clone)]
pub struct Tickets {
    pub interaction_id: InteractionId,
    pub client_token: String,
    pub agent: MediaAccess,
    pub client: MediaAccess,
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<Value, DeskError> {
    let mut req = http.request(method.clone(), &url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    let text = res.text().await?;
    if !(200..300).contains(&status) {
        return Err(DeskError::Status { call: format!("{method} {url}"), status, body: text });
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

impl Desk {
    pub async fn sign_in(base: &str, login: &str, password: &str) -> Result<Desk, DeskError> {
        let http = reqwest::Client::new();
        let base = base.trim_end_matches('/').to_owned();
        let r = call(
            &http,
            reqwest::Method::POST,
            format!("{base}/api/auth/login"),
            None,
            Some(json!({"login": login, "password": password})),
        )
        .await?;
        let token = r["access_token"].as_str().ok_or_else(|| DeskError::Shape("login".into()))?.to_owned();
        Ok(Desk { base, http, token })
    }

    /// The signaling URL of a `MediaAccess`, as a `ws://` URL.
    pub fn ws_url(&self, access: &MediaAccess) -> String {
        let url = &access.signaling_url;
        if url.starts_with("ws://") || url.starts_with("wss://") {
            url.clone()
        } else {
            format!("{}{url}", self.base.replacen("http", "ws", 1))
        }
    }

    /// A new interaction with the client joined: tickets for both parties.
    pub async fn new_call(&self, video_mode: &str) -> Result<Tickets, DeskError> {
        let b = &self.base;
        let created = call(
            &self.http,
            reqwest::Method::POST,
            format!("{b}/api/interactions"),
            Some(&self.token),
            Some(json!({"video_mode": video_mode})),
        )
        .await?;
        let id: InteractionId = created["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| DeskError::Shape("create".into()))?;
        let link = created["client_url"]
            .as_str()
            .and_then(|u| u.rsplit('/').next())
            .ok_or_else(|| DeskError::Shape("client_url".into()))?
            .to_owned();
        call(&self.http, reqwest::Method::GET, format!("{b}/api/join/{link}"), None, None).await?;
        let joined = call(
            &self.http,
            reqwest::Method::POST,
            format!("{b}/api/join/{link}"),
            None,
            Some(json!({"consent": true})),
        )
        .await?;
        let client_token =
            joined["client_token"].as_str().ok_or_else(|| DeskError::Shape("join".into()))?.to_owned();
        let agent = self.media(id, &self.token).await?;
        let client = self.media(id, &client_token).await?;
        Ok(Tickets { interaction_id: id, client_token, agent, client })
    }

    /// Admission to the room for the holder of `token` (agent or client).
    pub async fn media(&self, id: InteractionId, token: &str) -> Result<MediaAccess, DeskError> {
        let v = call(
            &self.http,
            reqwest::Method::POST,
            format!("{}/api/interactions/{id}/media", self.base),
            Some(token),
            None,
        )
        .await?;
        serde_json::from_value(v).map_err(|_| DeskError::Shape("media".into()))
    }

    pub async fn end(&self, id: InteractionId) -> Result<Value, DeskError> {
        call(
            &self.http,
            reqwest::Method::POST,
            format!("{}/api/interactions/{id}/end", self.base),
            Some(&self.token),
            Some(json!({})),
        )
        .await
    }

    pub async fn get(&self, id: InteractionId) -> Result<Value, DeskError> {
        call(
            &self.http,
            reqwest::Method::GET,
            format!("{}/api/interactions/{id}", self.base),
            Some(&self.token),
            None,
        )
        .await
    }
}
