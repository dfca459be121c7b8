//! The client's side of a link: what the page shows before joining, and the
//! token it gets after consent.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::InteractionId;
use crate::interaction::{InteractionStatus, MaxQuality, VideoMode};

/// Text in the page's two languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct Localized {
    pub ru: String,
    pub en: String,
}

/// The company's look on the client page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Branding {
    pub company_name: String,
    pub logo_url: Option<String>,
    /// CSS colour of buttons and accents.
    pub accent_color: String,
    /// CSS colour of the page background.
    #[serde(default)]
    #[ts(optional)]
    pub background_color: Option<String>,
    /// Where the page sends the client after the call (and the survey).
    #[serde(default)]
    #[ts(optional)]
    pub redirect_url: Option<String>,
}

/// What the call offers the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct JoinFeatures {
    pub video_mode: VideoMode,
    pub max_quality: MaxQuality,
    /// The call is recorded (the page says so before and during the call).
    #[serde(default)]
    pub record: bool,
    /// Which call functions the page offers (absent ones are refused too).
    pub enabled: crate::settings::FeatureSettings,
}

/// `GET /api/join/{token}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct JoinInfo {
    pub interaction_id: InteractionId,
    pub status: InteractionStatus,
    pub branding: Branding,
    pub consent_text: Localized,
    pub features: JoinFeatures,
    pub agent_name: String,
    /// The post-call survey, when there is one.
    #[serde(default)]
    #[ts(optional)]
    pub survey: Option<crate::settings::SurveySettings>,
}

/// `POST /api/join/{token}`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// Must be `true`: the client accepted the consent text.
    pub consent: bool,
}

/// The client's credentials for its one interaction.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, TS)]
pub struct JoinResponse {
    pub client_token: String,
    pub interaction_id: InteractionId,
    /// Seconds until `client_token` expires (join again with the link to renew).
    pub expires_in: u64,
}
