//! `[server]`: vc-server's settings.

use serde::{Deserialize, Serialize};
use vc_protocol::join::Localized;
use vc_runtime::config::string_or_seq;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// The address clients reach the platform at; client links start with
    /// it. Default: the origin the agent's request came to.
    pub public_url: Option<String>,
    /// How long a client link works (seconds).
    pub link_ttl_secs: u64,
    /// Lifetime of a client token (seconds); joining again renews it.
    pub client_token_ttl_secs: u64,
    /// Lifetime of a room token for joining the media gateway (seconds).
    pub room_token_ttl_secs: u64,
    /// STUN servers given to browsers.
    #[serde(deserialize_with = "string_or_seq")]
    pub stun_urls: Vec<String>,
    pub turn: TurnSettings,
    /// Shown on the client page until admins set branding.
    pub company_name: String,
    pub accent_color: String,
    /// The country (ISO 3166 code) of phone numbers written without
    /// `+<country code>`, e.g. `8 912 345-67-89` in Russia.
    pub default_phone_region: String,
    pub consent_text: Localized,
    /// The client's page asks for the client's position as soon as it
    /// joins (the browser still asks the client first).
    pub auto_geolocation: bool,
    /// Calls are recorded unless the agent's request says otherwise
    /// (vc-records merges and stores the recording after the call).
    pub record_calls: bool,
    /// The scheduler of booked calls.
    pub schedule: crate::schedule::ScheduleSettings,
}

/// TURN (coturn) with time-limited credentials (coturn's REST API: the
/// `static-auth-secret` shared with coturn signs each credential).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TurnSettings {
    /// e.g. `["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"]`.
    #[serde(deserialize_with = "string_or_seq")]
    pub urls: Vec<String>,
    /// coturn's `static-auth-secret`; set through VC_SERVER__TURN__SECRET.
    pub secret: Option<String>,
    /// How long a credential is valid (seconds).
    pub ttl_secs: u64,
}

impl Default for TurnSettings {
    fn default() -> Self {
        Self { urls: Vec::new(), secret: None, ttl_secs: 6 * 3600 }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            link_ttl_secs: 24 * 3600,
            client_token_ttl_secs: 4 * 3600,
            room_token_ttl_secs: 300,
            stun_urls: Vec::new(),
            turn: TurnSettings::default(),
            company_name: "VideoAssist".into(),
            accent_color: "#1f6feb".into(),
            default_phone_region: "RU".into(),
            consent_text: Localized {
                ru: "Нажимая «Присоединиться», вы соглашаетесь на видеозвонок с оператором. Звонок может \
                     записываться для контроля качества обслуживания."
                    .into(),
                en: "By tapping \"Join\" you agree to a video call with our agent. The call may be recorded \
                     for quality assurance."
                    .into(),
            },
            auto_geolocation: false,
            record_calls: true,
            schedule: Default::default(),
        }
    }
}
