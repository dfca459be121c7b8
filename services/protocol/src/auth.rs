//! vc-auth's REST bodies and the claims of the tokens it signs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

use crate::ids::{InteractionId, SessionId, TeamId, UserId};
use crate::interaction::{MaxQuality, Party, VideoMode};

/// A staff role. Admins manage users and settings, supervisors oversee calls,
/// agents hold calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Supervisor,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `POST /api/auth/login`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// `POST /api/auth/refresh` and `POST /api/auth/logout`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The short summary of a user carried in a token answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct UserRef {
    pub id: UserId,
    pub login: String,
    pub role: Role,
}

/// Answer to login and refresh: a short-lived access token (JWT, EdDSA) and a
/// single-use refresh token that rotates on every refresh.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
    pub token_type: String,
    pub user: UserRef,
}

/// A user as admins (and the user itself) see it. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    /// The team an agent works in (supervisors of that team see its calls).
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// The teams a supervisor oversees.
    #[serde(default)]
    pub supervises: Vec<TeamId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/users` (admin)
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3-64 characters: latin letters, digits, `.`, `_`, `-`, `@`. Case-insensitive, unique.
    pub login: String,
    pub password: String,
    pub role: Role,
    /// Display name, 1-200 characters.
    pub name: String,
    /// An agent's team.
    #[serde(default)]
    #[ts(optional)]
    pub team_id: Option<TeamId>,
    /// A supervisor's teams.
    #[serde(default)]
    #[ts(optional)]
    pub supervises: Option<Vec<TeamId>>,
}

/// `PATCH /api/users/{id}` (admin). Absent fields are left unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// Sets a new password and ends every session of the user.
    pub password: Option<String>,
    /// `true` disables the account: its tokens stop working everywhere within seconds.
    pub disabled: Option<bool>,
    /// An agent's team; `null` takes the agent out of its team.
    #[serde(default, deserialize_with = "crate::serde_util::double_option")]
    #[ts(optional, type = "string | null")]
    pub team_id: Option<Option<TeamId>>,
    /// A supervisor's teams (replaces the list).
    #[serde(default)]
    #[ts(optional)]
    pub supervises: Option<Vec<TeamId>>,
}

/// `POST /api/auth/password`: a user changes its own password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// `GET /api/users` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    /// Case-insensitive prefix of the login or the name.
    pub q: Option<String>,
    /// Members of this team.
    pub team_id: Option<TeamId>,
    /// Default 50, at most 500.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// `GET /api/users` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct UserList {
    pub items: Vec<User>,
    pub total: u64,
}

/// The `typ` claim, so a token of one kind is never accepted as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A staff user's access token.
    Access,
    /// A client's token for its one interaction.
    Client,
    /// Admission of one party to one media room.
    Room,
    /// vc-records storing one interaction's recording in vc-fileserver.
    Recording,
}

/// Claims of a staff access token. Every service verifies these locally with
/// vc-auth's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: UserId,
    pub typ: TokenKind,
    pub login: String,
    /// Display name, for what other services show (e.g. the agent's name to a client).
    #[serde(default)]
    pub name: String,
    pub role: Role,
    /// An agent's team when the token was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// A supervisor's teams when the token was issued.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamId>,
    /// The user's token version when this token was issued; a token whose
    /// version is below the user's current one is revoked.
    pub ver: u32,
    /// The refresh-token family (login session) this token belongs to.
    pub sid: SessionId,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

/// Token issuer and audience for every VideoAssist token.
pub const TOKEN_ISSUER: &str = "videoassist";
pub const TOKEN_AUDIENCE: &str = "videoassist";

/// Claims of a client token: it reaches only the interaction in `sub`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientClaims {
    pub iss: String,
    pub aud: String,
    pub sub: InteractionId,
    pub typ: TokenKind,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

/// Claims of a room token: one party of one room, for a few minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomClaims {
    pub iss: String,
    pub aud: String,
    /// The room (= interaction) id.
    pub sub: InteractionId,
    pub typ: TokenKind,
    pub role: Party,
    /// The call's settings at issue time, so a gateway that restarted can
    /// host the room again from a valid join.
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    /// Whether the gateway records the call.
    #[serde(default)]
    pub record: bool,
    /// Whether the gateway relays the `collab` channel (the pointer).
    #[serde(default = "crate::serde_util::yes")]
    pub pointer: bool,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

/// Claims of a recording token: vc-records may store the recording of the
/// interaction in `sub` (and nothing else), for a few minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingClaims {
    pub iss: String,
    pub aud: String,
    pub sub: InteractionId,
    pub typ: TokenKind,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

/// The claims every token kind shares, for generic verification.
pub trait Claims {
    fn kind(&self) -> TokenKind;
}

impl Claims for AccessClaims {
    fn kind(&self) -> TokenKind {
        self.typ
    }
}

impl Claims for ClientClaims {
    fn kind(&self) -> TokenKind {
        self.typ
    }
}

impl Claims for RoomClaims {
    fn kind(&self) -> TokenKind {
        self.typ
    }
}

impl Claims for RecordingClaims {
    fn kind(&self) -> TokenKind {
        self.typ
    }
}

/// A team of agents, overseen by its supervisors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    /// Agents in it.
    pub agents: u64,
    /// Supervisors overseeing it.
    pub supervisors: u64,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/teams`, `PATCH /api/teams/{id}` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct TeamRequest {
    /// 1-100 characters, unique.
    pub name: String,
}

/// `GET /api/teams`: all teams (admins), a supervisor's own teams, an agent's team.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct TeamList {
    pub items: Vec<Team>,
}
