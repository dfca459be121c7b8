//! Every topic name in the system. Call sites never `format!` a topic.
//!
//! Naming: `v1/<owning service>/<subject>[/<id>]`; request endpoints end in a
//! verb (`.../get`, `.../list`). See `docs/mqtt.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bus::{Endpoint, Topic, TopicFilter};
use crate::ids::{InteractionId, UserId};
use crate::interaction::{MaxQuality, Party, VideoMode};
use crate::media::{CloseRoom, Done, MediaEvent, OpenRoom, RoomOpened, UpdateRoom};

/// The inbox a bus client receives replies on (its MQTT v5 response topic).
pub fn reply_inbox(client_id: &str) -> TopicFilter<serde_json::Value> {
    TopicFilter::new("reply", format!("v1/reply/{client_id}"))
}

/// Topics owned by vc-auth.
pub mod auth {
    use super::*;

    /// vc-auth publishes one message per revocation: every verifier drops the
    /// user's tokens whose version is below `min_token_version`.
    pub fn revocations() -> Topic<UserRevoked> {
        Topic::new("auth.revocations", "v1/auth/revocations".into())
    }

    /// The public keys that verify access tokens.
    pub fn signing_keys() -> Endpoint<SigningKeysRequest, SigningKeys> {
        Endpoint::new("auth.keys.get", "v1/auth/keys/get".into())
    }

    /// Revocations still relevant (younger than the longest access-token
    /// lifetime), so a verifier that starts late knows them.
    pub fn revocation_list() -> Endpoint<RevocationListRequest, RevocationList> {
        Endpoint::new("auth.revocations.list", "v1/auth/revocations/list".into())
    }

    /// vc-server asks vc-auth to sign a client or room token (only vc-auth
    /// holds the signing key).
    pub fn issue_token() -> Endpoint<IssueToken, IssuedToken> {
        Endpoint::new("auth.tokens.issue", "v1/auth/tokens/issue".into())
    }

    /// A staff user's role, state and team (vc-server checks the agent a
    /// call is booked for or reassigned to).
    pub fn get_user() -> Endpoint<GetUser, UserSummary> {
        Endpoint::new("auth.users.get", "v1/auth/users/get".into())
    }
}

/// Topics owned by vc-media, the gateway.
pub mod media {
    use super::*;

    /// Host a room (answered by one gateway).
    pub fn open_room() -> Endpoint<OpenRoom, RoomOpened> {
        Endpoint::new("media.rooms.open", "v1/media/rooms/open".into())
    }

    /// New video mode / quality for a room.
    pub fn update_room() -> Endpoint<UpdateRoom, Done> {
        Endpoint::new("media.rooms.update", "v1/media/rooms/update".into())
    }

    /// Close a room and disconnect its peers.
    pub fn close_room() -> Endpoint<CloseRoom, Done> {
        Endpoint::new("media.rooms.close", "v1/media/rooms/close".into())
    }

    /// Events of one room.
    pub fn room_events(room: InteractionId) -> Topic<MediaEvent> {
        Topic::new("media.rooms.events", format!("v1/media/rooms/{room}/events"))
    }

    /// Events of every room.
    pub fn all_room_events() -> TopicFilter<MediaEvent> {
        TopicFilter::new("media.rooms.events", "v1/media/rooms/+/events".into())
    }
}

/// Topics owned by vc-server.
pub mod server {
    use super::*;

    /// New events of one interaction's log, for every vc-server instance's
    /// control connections (and anyone else who follows calls).
    pub fn interaction_events(id: InteractionId) -> Topic<InteractionEventMsg> {
        Topic::new("server.interactions.events", format!("v1/server/interactions/{id}/events"))
    }

    pub fn all_interaction_events() -> TopicFilter<InteractionEventMsg> {
        TopicFilter::new("server.interactions.events", "v1/server/interactions/+/events".into())
    }

    /// Chat messages and read marks of one interaction, for every vc-server
    /// instance's control connections.
    pub fn chat(id: InteractionId) -> Topic<ChatFanout> {
        Topic::new("server.interactions.chat", format!("v1/server/interactions/{id}/chat"))
    }

    pub fn all_chat() -> TopicFilter<ChatFanout> {
        TopicFilter::new("server.interactions.chat", "v1/server/interactions/+/chat".into())
    }

    /// vc-records reports a merged (or failed) recording; vc-server puts it
    /// on the interaction and logs `recording_ready` / `recording_failed`.
    pub fn recording_outcome() -> Endpoint<crate::recording::RecordingOutcome, crate::media::Done> {
        Endpoint::new("server.interactions.recording", "v1/server/interactions/recording".into())
    }

    /// vc-fileserver's retention cleanup deleted a file of the interaction;
    /// vc-server marks the recording or the chat message's file deleted and
    /// logs `file_deleted` (once per file, so repeats are harmless).
    pub fn file_deleted() -> Endpoint<crate::storage::FileDeleted, crate::media::Done> {
        Endpoint::new("server.interactions.file_deleted", "v1/server/interactions/file_deleted".into())
    }

    /// What vc-stat needs to compute a call's metrics: the interaction with
    /// its log, the client's User-Agent, chat and file counts.
    pub fn stat_input() -> Endpoint<crate::stat::GetStatInput, crate::stat::StatInput> {
        Endpoint::new("server.interactions.stat_input", "v1/server/interactions/stat_input".into())
    }

    /// vc-stat hands over a call's metrics summary; vc-server keeps it on
    /// the interaction (`metrics`).
    pub fn metrics_computed() -> Endpoint<crate::stat::MetricsComputed, crate::media::Done> {
        Endpoint::new("server.interactions.metrics", "v1/server/interactions/metrics".into())
    }

    /// Who may reach an interaction (vc-fileserver authorises with it).
    pub fn interaction_access()
    -> Endpoint<crate::files::GetInteractionAccess, crate::files::InteractionAccess> {
        Endpoint::new("server.interactions.access", "v1/server/interactions/access".into())
    }
}

/// Topics owned by vc-fileserver.
pub mod files {
    use super::*;
    use crate::files::{FileInfo, GetFile};

    /// A file's metadata.
    pub fn get_file() -> Endpoint<GetFile, FileInfo> {
        Endpoint::new("files.get", "v1/files/get".into())
    }
}

/// Topics owned by vc-geo.
pub mod geo {
    use super::*;
    use crate::geo::{ReverseGeocode, ReverseGeocoded};

    /// The street address of a point (cached; the provider is asked at most
    /// once a second).
    pub fn reverse() -> Endpoint<ReverseGeocode, ReverseGeocoded> {
        Endpoint::new("geo.reverse", "v1/geo/reverse".into())
    }
}

/// What vc-server instances tell each other about a chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatFanout {
    pub interaction_id: InteractionId,
    pub item: ChatItem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChatItem {
    /// A stored message.
    Message { message: Box<crate::chat::ChatMessage> },
    /// `party` has read up to `seq`.
    Read { party: Party, seq: u64 },
}

/// Topics owned by vc-surl.
pub mod surl {
    use super::*;
    use crate::surl::{CreateShortLink, ShortLinkCreated, ShortLinkOpened};

    /// vc-server asks for the short form of a client link.
    pub fn create_link() -> Endpoint<CreateShortLink, ShortLinkCreated> {
        Endpoint::new("surl.links.create", "v1/surl/links/create".into())
    }

    /// A short link was opened (vc-server moves the interaction to `waiting`).
    pub fn link_opened() -> Topic<ShortLinkOpened> {
        Topic::new("surl.links.opened", "v1/surl/links/opened".into())
    }
}

/// Topics owned by vc-msg.
pub mod msg {
    use super::*;
    use crate::msg::{
        Channels, CreateDelivery, Delivery, DeliveryCreated, DeliveryStatusChanged, GetChannels, GetDelivery,
    };

    pub fn create_delivery() -> Endpoint<CreateDelivery, DeliveryCreated> {
        Endpoint::new("msg.deliveries.create", "v1/msg/deliveries/create".into())
    }

    pub fn get_delivery() -> Endpoint<GetDelivery, Delivery> {
        Endpoint::new("msg.deliveries.get", "v1/msg/deliveries/get".into())
    }

    pub fn channels() -> Endpoint<GetChannels, Channels> {
        Endpoint::new("msg.channels.get", "v1/msg/channels/get".into())
    }

    /// Every status change of every delivery.
    pub fn delivery_status() -> Topic<DeliveryStatusChanged> {
        Topic::new("msg.deliveries.status", "v1/msg/deliveries/status".into())
    }
}

/// Events appended to an interaction's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteractionEventMsg {
    pub interaction_id: InteractionId,
    pub events: Vec<crate::interaction::InteractionEvent>,
}

/// What a token is issued for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenGrant {
    /// The client of one interaction.
    Client { interaction_id: InteractionId },
    /// One party's admission to one media room.
    Room {
        interaction_id: InteractionId,
        role: Party,
        video_mode: VideoMode,
        max_quality: MaxQuality,
        #[serde(default)]
        record: bool,
        #[serde(default = "crate::serde_util::yes")]
        pointer: bool,
    },
    /// vc-records storing one interaction's recording.
    Recording { interaction_id: InteractionId },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueToken {
    pub grant: TokenGrant,
    pub ttl_secs: u64,
}

/// `v1/auth/users/get`; answered with `user_not_found` when there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUser {
    pub user_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub role: crate::auth::Role,
    pub disabled: bool,
    /// An agent's team.
    #[serde(default)]
    pub team_id: Option<crate::ids::TeamId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Why a user's tokens were revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    Disabled,
    RoleChanged,
    PasswordChanged,
    /// The user's team or supervised teams changed (the claims carry them).
    TeamsChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRevoked {
    pub user_id: UserId,
    /// Access tokens with `ver` below this are rejected.
    pub min_token_version: u32,
    pub reason: RevocationReason,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeysRequest {}

/// An Ed25519 public key; `public_key` is the raw 32 bytes, base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: String,
    pub alg: String,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeys {
    pub keys: Vec<PublicKey>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationListRequest {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    pub entries: Vec<UserRevoked>,
}
