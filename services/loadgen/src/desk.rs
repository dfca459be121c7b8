//! The REST side of a call, as the agent console and the client page do it:
//! sign in, create the interaction, open the link, consent, and get each
//! party's admission to the media room.

use std::sync::{Arc, Mutex};

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

/// An agent at its desk. It signs in again when its access token expires
/// (a soak outlasts one), so clones share the token.
#[derive(Clone)]
pub struct Desk {
    base: String,
    http: reqwest::Client,
    login: String,
    password: String,
    token: Arc<Mutex<String>>,
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

async fn sign_in_token(
    http: &reqwest::Client,
    base: &str,
    login: &str,
    password: &str,
) -> Result<String, DeskError> {
    let r = call(
        http,
        reqwest::Method::POST,
        format!("{base}/api/auth/login"),
        None,
        Some(json!({"login": login, "password": password})),
    )
    .await?;
    r["access_token"].as_str().map(str::to_owned).ok_or_else(|| DeskError::Shape("login".into()))
}

impl Desk {
    pub async fn sign_in(base: &str, login: &str, password: &str) -> Result<Desk, DeskError> {
        let http = reqwest::Client::new();
        let base = base.trim_end_matches('/').to_owned();
        let token = sign_in_token(&http, &base, login, password).await?;
        Ok(Desk {
            base,
            http,
            login: login.to_owned(),
            password: password.to_owned(),
            token: Arc::new(Mutex::new(token)),
        })
    }

    fn token(&self) -> String {
        self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// A call with the agent's token; signs in again once if it was refused.
    async fn staff(
        &self,
        method: reqwest::Method,
        url: String,
        body: Option<Value>,
    ) -> Result<Value, DeskError> {
        match call(&self.http, method.clone(), url.clone(), Some(&self.token()), body.clone()).await {
            Err(DeskError::Status { status: 401, .. }) => {
                let fresh = sign_in_token(&self.http, &self.base, &self.login, &self.password).await?;
                *self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = fresh.clone();
                call(&self.http, method, url, Some(&fresh), body).await
            }
            r => r,
        }
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
        let created = self
            .staff(
                reqwest::Method::POST,
                format!("{b}/api/interactions"),
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
        let agent =
            self.staff(reqwest::Method::POST, format!("{b}/api/interactions/{id}/media"), None).await?;
        let agent = serde_json::from_value(agent).map_err(|_| DeskError::Shape("media".into()))?;
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
        self.staff(reqwest::Method::POST, format!("{}/api/interactions/{id}/end", self.base), Some(json!({})))
            .await
    }

    pub async fn get(&self, id: InteractionId) -> Result<Value, DeskError> {
        self.staff(reqwest::Method::GET, format!("{}/api/interactions/{id}", self.base), None).await
    }
}
