//! vc-server's shared state and the operations several handlers need.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::HttpRequest;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use vc_protocol::auth::Role;
use vc_protocol::files::{FileInfo, GetFile};
use vc_protocol::interaction::{InteractionEvent, MaxQuality, Party, VideoMode};
use vc_protocol::media::{CloseRoom, IceServer, OpenRoom, RoomOpened, UpdateRoom};
use vc_protocol::settings::{Feature, FeatureSettings};
use vc_protocol::surl::CreateShortLink;
use vc_protocol::topics::{
    self, ChatFanout, ChatItem, InteractionEventMsg, IssueToken, IssuedToken, TokenGrant,
};
use vc_protocol::{ErrorCode, FileId, InteractionId, UserId};
use vc_runtime::{ApiError, Bus, Caller, Staff};

use crate::config::ServerSettings;
use crate::hub::Hub;
use crate::store::{Change, InteractionDoc, Interactions};

pub struct ServerState {
    pub interactions: Interactions,
    pub settings: crate::settings::Settings,
    pub chat: crate::chat::Chat,
    pub hub: Hub,
    pub bus: Bus,
    pub cfg: ServerSettings,
    /// Excel exports running at once; more wait their turn (each holds a
    /// blocking thread and a database cursor).
    pub exports: tokio::sync::Semaphore,
}

/// See [`ServerState::exports`].
pub const CONCURRENT_EXPORTS: usize = 2;

/// How long vc-server waits for the gateway and vc-auth.
pub const PEER_SERVICE_TIMEOUT: Duration = Duration::from_secs(3);

pub fn not_found() -> ApiError {
    ApiError::new(ErrorCode::InteractionNotFound, "no such interaction")
}

pub fn ended() -> ApiError {
    ApiError::new(ErrorCode::InteractionEnded, "this call is over")
}

pub fn feature_disabled(f: Feature) -> ApiError {
    ApiError::new(ErrorCode::FeatureDisabled, format!("`{}` is switched off for this call", f.as_str()))
}

/// 403 `feature_disabled` unless `f` is on in `features`.
pub fn require_feature(features: &FeatureSettings, f: Feature) -> Result<(), ApiError> {
    if features.enabled(f) { Ok(()) } else { Err(feature_disabled(f)) }
}

impl ServerState {
    /// Applies a change and tells every control connection about its
    /// events. `None`: no such interaction; `Some((doc, false))`: `decide`
    /// found nothing to change.
    pub async fn commit<F>(
        &self,
        id: InteractionId,
        decide: F,
    ) -> Result<Option<(InteractionDoc, bool)>, ApiError>
    where
        F: Fn(&InteractionDoc) -> Option<Change>,
    {
        let Some((doc, events)) = self.interactions.change(id, decide).await? else { return Ok(None) };
        let changed = !events.is_empty();
        self.announce(id, events).await;
        Ok(Some((doc, changed)))
    }

    /// Publishes appended events (the hub of every instance delivers them).
    pub async fn announce(&self, id: InteractionId, events: Vec<InteractionEvent>) {
        if events.is_empty() {
            return;
        }
        let msg = InteractionEventMsg { interaction_id: id, events };
        if let Err(e) = self.bus.publish(&topics::server::interaction_events(id), &msg).await {
            tracing::warn!(interaction_id = %id, error = %e, "could not announce events; delivering locally");
            self.hub.deliver(id, &msg.events);
        }
    }

    /// Publishes a chat message or read mark (every instance's hub delivers it).
    pub async fn announce_chat(&self, id: InteractionId, item: ChatItem) {
        let msg = ChatFanout { interaction_id: id, item };
        if let Err(e) = self.bus.publish(&topics::server::chat(id), &msg).await {
            tracing::warn!(interaction_id = %id, error = %e, "could not announce chat; delivering locally");
            self.hub.deliver_chat(id, msg.item);
        }
    }

    /// A file of this interaction (for a chat attachment), from vc-fileserver.
    pub async fn file_of(&self, id: InteractionId, file_id: FileId) -> Result<FileInfo, ApiError> {
        let not_found = || ApiError::new(ErrorCode::FileNotFound, "no such file in this interaction");
        let file: FileInfo = self
            .bus
            .request_with_timeout(&topics::files::get_file(), &GetFile { file_id }, PEER_SERVICE_TIMEOUT)
            .await
            .map_err(|e| match e {
                vc_runtime::BusError::Remote { .. } => not_found(),
                other => other.into(),
            })?;
        if file.interaction_id != id {
            return Err(not_found());
        }
        Ok(file)
    }

    /// The interaction, if `staff` may see it: its own agent, supervisors of
    /// its team, admins.
    pub async fn load_for_staff(&self, staff: &Staff, id: InteractionId) -> Result<InteractionDoc, ApiError> {
        let doc = self.interactions.get(id).await?.ok_or_else(not_found)?;
        if !staff.reaches(doc.agent_id, doc.team_id) {
            return Err(match staff.role {
                Role::Supervisor => {
                    ApiError::forbidden("this interaction belongs to an agent outside your teams")
                }
                _ => ApiError::forbidden("this interaction belongs to another agent"),
            });
        }
        Ok(doc)
    }

    /// The interaction and the caller's party in it.
    pub async fn load_for_caller(
        &self,
        caller: &Caller,
        id: InteractionId,
    ) -> Result<(InteractionDoc, Party), ApiError> {
        match caller {
            Caller::Staff(staff) => Ok((self.load_for_staff(staff, id).await?, Party::Agent)),
            Caller::Client(claims) => {
                if claims.sub != id {
                    return Err(ApiError::forbidden("a client reaches only its own interaction"));
                }
                let doc = self.interactions.get(id).await?.ok_or_else(not_found)?;
                Ok((doc, Party::Client))
            }
        }
    }

    /// The origin client links start with.
    pub fn public_base(&self, req: &HttpRequest) -> String {
        match &self.cfg.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let info = req.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        }
    }

    /// The short form of a client link from vc-surl; the long link itself
    /// when vc-surl does not answer (the link still works, only longer).
    pub async fn short_link(
        &self,
        id: InteractionId,
        agent_id: UserId,
        target_url: &str,
        expires_at: DateTime<Utc>,
        origin: &str,
    ) -> String {
        let req = CreateShortLink {
            interaction_id: id,
            agent_id,
            target_url: target_url.to_owned(),
            expires_at,
            origin: origin.to_owned(),
        };
        match self.bus.request_with_timeout(&topics::surl::create_link(), &req, PEER_SERVICE_TIMEOUT).await {
            Ok(created) => created.short_url,
            Err(e) => {
                tracing::warn!(interaction_id = %id, error = %e, "no short link; the long link is used");
                target_url.to_owned()
            }
        }
    }

    /// Asks vc-auth to sign a token.
    pub async fn issue(&self, grant: TokenGrant, ttl_secs: u64) -> Result<IssuedToken, ApiError> {
        Ok(self
            .bus
            .request_with_timeout(
                &topics::auth::issue_token(),
                &IssueToken { grant, ttl_secs },
                PEER_SERVICE_TIMEOUT,
            )
            .await?)
    }

    /// Makes sure a gateway hosts the room; returns where to signal.
    pub async fn open_room(
        &self,
        id: InteractionId,
        video_mode: VideoMode,
        max_quality: MaxQuality,
        record: bool,
        pointer: bool,
    ) -> Result<RoomOpened, ApiError> {
        self.bus
            .request_with_timeout(
                &topics::media::open_room(),
                &OpenRoom { room_id: id, video_mode, max_quality, record, pointer },
                PEER_SERVICE_TIMEOUT,
            )
            .await
            .map_err(|e| {
                tracing::warn!(interaction_id = %id, error = %e, "no media gateway answered");
                ApiError::new(
                    ErrorCode::MediaUnavailable,
                    "the media gateway is not reachable; try again shortly",
                )
                .with_retry_after(5)
            })
    }

    /// Tells the gateway about new settings (best effort: the room may not exist yet).
    pub async fn update_room(&self, id: InteractionId, video_mode: VideoMode, max_quality: MaxQuality) {
        let req = UpdateRoom { room_id: id, video_mode, max_quality };
        if let Err(e) =
            self.bus.request_with_timeout(&topics::media::update_room(), &req, PEER_SERVICE_TIMEOUT).await
        {
            tracing::debug!(interaction_id = %id, error = %e, "room update not applied");
        }
    }

    /// Closes the room (best effort, in the background).
    pub fn close_room(&self, id: InteractionId, reason: &str) {
        let bus = self.bus.clone();
        let req = CloseRoom { room_id: id, reason: reason.to_owned() };
        tokio::spawn(async move {
            if let Err(e) =
                bus.request_with_timeout(&topics::media::close_room(), &req, PEER_SERVICE_TIMEOUT).await
            {
                tracing::debug!(interaction_id = %req.room_id, error = %e, "room close not confirmed");
            }
        });
    }

    /// STUN and TURN servers for a browser; TURN credentials expire after
    /// `turn.ttl_secs` (coturn REST API).
    pub fn ice_servers(&self, id: InteractionId, role: Party) -> Vec<IceServer> {
        let mut servers = Vec::new();
        if !self.cfg.stun_urls.is_empty() {
            servers.push(IceServer { urls: self.cfg.stun_urls.clone(), username: None, credential: None });
        }
        if let (false, Some(secret)) = (self.cfg.turn.urls.is_empty(), &self.cfg.turn.secret) {
            let expiry =
                SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
                    + self.cfg.turn.ttl_secs;
            let username = format!("{expiry}:{id}-{}", role.as_str());
            if let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
                mac.update(username.as_bytes());
                let credential =
                    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
                servers.push(IceServer {
                    urls: self.cfg.turn.urls.clone(),
                    username: Some(username),
                    credential: Some(credential),
                });
            }
        }
        servers
    }
}
