//! System-wide settings that admins manage (vc-server owns them): branding,
//! the call functions on offer, custom interaction fields and the post-call
//! survey. Every page and e-mail reads them as they are now: a change shows
//! on the next page load, without a restart.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::{LogoId, QuestionId};
use crate::interaction::{MaxQuality, VideoMode};
use crate::join::Localized;

/// `GET /api/settings/branding` (any signed-in staff user; the client page
/// gets it inside `GET /api/join/{token}`), `PUT` (admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct BrandingSettings {
    /// 1-100 characters.
    pub company_name: String,
    /// The current logo (`POST /api/settings/branding/logo` uploads one;
    /// `null` removes it). Served at `GET /api/branding/logo/{id}`.
    #[serde(default)]
    pub logo_file_id: Option<LogoId>,
    /// Buttons and accents, `#rrggbb`.
    pub accent_color: String,
    /// The page background, `#rrggbb`.
    pub background_color: String,
    /// What the client accepts before joining; may mention the recording.
    pub consent_text: Localized,
    /// Where the client page sends the client after the call (and the
    /// survey); `null`: the page shows its own "thank you".
    #[serde(default)]
    pub redirect_url: Option<String>,
}

/// Answer to `POST /api/settings/branding/logo`: the stored (resized) logo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct LogoUploaded {
    pub logo_file_id: LogoId,
    pub width: u32,
    pub height: u32,
    /// `GET` this to show it.
    pub url: String,
}

/// Which call functions exist on this platform. New interactions take a
/// copy (`Interaction.features`); a function that is off is absent from both
/// pages and refused by the server (403 `feature_disabled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct FeatureSettings {
    pub two_way_video: bool,
    pub one_way_video: bool,
    pub screen_share: bool,
    pub chat: bool,
    pub files: bool,
    pub pointer: bool,
    pub screenshots: bool,
    pub hd_photo: bool,
    pub geolocation: bool,
    /// Ask for the client's location as soon as it joins (needs `geolocation`).
    pub auto_geolocation: bool,
    pub recording: bool,
    pub survey: bool,
    /// The highest video quality an agent may choose.
    pub max_quality: MaxQuality,
}

impl Default for FeatureSettings {
    fn default() -> Self {
        Self {
            two_way_video: true,
            one_way_video: true,
            screen_share: true,
            chat: true,
            files: true,
            pointer: true,
            screenshots: true,
            hd_photo: true,
            geolocation: true,
            auto_geolocation: false,
            recording: true,
            survey: false,
            max_quality: MaxQuality::P1080,
        }
    }
}

/// The call functions, by name (for errors and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    TwoWayVideo,
    OneWayVideo,
    ScreenShare,
    Chat,
    Files,
    Pointer,
    Screenshots,
    HdPhoto,
    Geolocation,
    Recording,
    Survey,
}

impl Feature {
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::TwoWayVideo => "two_way_video",
            Feature::OneWayVideo => "one_way_video",
            Feature::ScreenShare => "screen_share",
            Feature::Chat => "chat",
            Feature::Files => "files",
            Feature::Pointer => "pointer",
            Feature::Screenshots => "screenshots",
            Feature::HdPhoto => "hd_photo",
            Feature::Geolocation => "geolocation",
            Feature::Recording => "recording",
            Feature::Survey => "survey",
        }
    }
}

impl FeatureSettings {
    pub fn enabled(&self, f: Feature) -> bool {
        match f {
            Feature::TwoWayVideo => self.two_way_video,
            Feature::OneWayVideo => self.one_way_video,
            Feature::ScreenShare => self.screen_share,
            Feature::Chat => self.chat,
            Feature::Files => self.files,
            Feature::Pointer => self.pointer,
            Feature::Screenshots => self.screenshots,
            Feature::HdPhoto => self.hd_photo,
            Feature::Geolocation => self.geolocation,
            Feature::Recording => self.recording,
            Feature::Survey => self.survey,
        }
    }

    /// The feature a video mode needs.
    pub fn for_mode(mode: VideoMode) -> Feature {
        match mode {
            VideoMode::TwoWay => Feature::TwoWayVideo,
            VideoMode::OneWay => Feature::OneWayVideo,
        }
    }
}

/// The type of a custom field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldKind {
    /// Up to 1,000 characters.
    Text,
    /// A JSON number.
    Number,
    /// One of `options`.
    Select,
    /// `YYYY-MM-DD`.
    Date,
}

/// One extra field of interactions, as admins define it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldDef {
    /// 1-40 characters `a-z`, `0-9`, `_`, starting with a letter; unique.
    pub key: String,
    pub label: Localized,
    pub kind: CustomFieldKind,
    /// The choices of a `select` field (1-50, each 1-100 characters).
    #[serde(default)]
    pub options: Vec<String>,
    /// Agents must fill it when creating an interaction.
    #[serde(default)]
    pub required: bool,
}

/// `GET /api/settings/custom-fields` (staff), `PUT` (admin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldsSettings {
    /// At most 30.
    pub fields: Vec<CustomFieldDef>,
}

/// A custom field's value: a number for number fields, a string otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(untagged)]
pub enum CustomValue {
    Number(f64),
    Text(String),
}

impl CustomValue {
    /// As text (for search and display).
    pub fn to_text(&self) -> String {
        match self {
            CustomValue::Number(n) => n.to_string(),
            CustomValue::Text(t) => t.clone(),
        }
    }
}

/// The values of an interaction's custom fields, by key.
pub type CustomValues = BTreeMap<String, CustomValue>;

/// The kind of answer a survey question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 to 5 stars.
    Rating,
    /// One of `options`.
    Choice,
    /// Free text, up to 2,000 characters.
    Text,
}

/// One question of the post-call survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveyQuestion {
    /// Given by the server when absent; keep it when editing so answers stay linked.
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<QuestionId>,
    pub kind: QuestionKind,
    pub text: Localized,
    /// The choices of a `choice` question (2-10).
    #[serde(default)]
    pub options: Vec<Localized>,
    #[serde(default)]
    pub required: bool,
}

/// `GET /api/settings/survey` (staff), `PUT` (admin). The survey is shown
/// when the `survey` feature is on and there is at least one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveySettings {
    /// At most 20.
    pub questions: Vec<SurveyQuestion>,
}

/// One answer: `rating` (1-5), `choice` (index into the options) or `text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    pub question_id: QuestionId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rating: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub choice: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
}

/// `POST /api/interactions/{id}/survey` (the client, once, after the call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveySubmission {
    pub answers: Vec<SurveyAnswer>,
}

/// A stored answer with its question as it was asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct SurveyResponseItem {
    pub question_id: QuestionId,
    pub kind: QuestionKind,
    pub question: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rating: Option<u8>,
    /// The chosen option's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub choice: Option<Localized>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
}

/// The client's answers, on the interaction (`Interaction.survey`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct SurveyResponse {
    pub submitted_at: DateTime<Utc>,
    pub answers: Vec<SurveyResponseItem>,
}
