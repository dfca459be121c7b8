//! `settings`: the admins' system-wide settings (branding, features, custom
//! fields, survey), one document each, read from the database on every use
//! so a change shows on the next page load on every instance; and
//! `branding_logos`: uploaded logos, resized, immutable (a new upload is a
//! new id, so a logo URL can be cached for ever).

pub mod logo;
pub mod validate;

use chrono::Utc;
use mongodb::Collection;
use mongodb::bson::{self, Document, doc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use vc_protocol::settings::{BrandingSettings, CustomFieldsSettings, FeatureSettings, SurveySettings};
use vc_protocol::{LogoId, UserId};
use vc_runtime::Db;
use vc_runtime::db::DbError;

use crate::config::ServerSettings;

pub const COLLECTION: &str = "settings";
pub const LOGOS: &str = "branding_logos";

const BRANDING: &str = "branding";
const FEATURES: &str = "features";
const CUSTOM_FIELDS: &str = "custom_fields";
const SURVEY: &str = "survey";

/// A stored logo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoDoc {
    #[serde(rename = "_id")]
    pub id: LogoId,
    pub content_type: String,
    pub data: bson::Binary,
    pub width: u32,
    pub height: u32,
    pub created_at: bson::DateTime,
    pub created_by: UserId,
}

#[derive(Clone)]
pub struct Settings {
    coll: Collection<Document>,
    logos: Collection<LogoDoc>,
    /// Branding until admins save their own (from the config file).
    default_branding: BrandingSettings,
    default_features: FeatureSettings,
}

impl Settings {
    pub async fn open(db: &Db, cfg: &ServerSettings) -> Result<Self, DbError> {
        let default_branding = BrandingSettings {
            company_name: cfg.company_name.clone(),
            logo_file_id: None,
            accent_color: cfg.accent_color.clone(),
            background_color: "#f6f8fa".into(),
            consent_text: cfg.consent_text.clone(),
            redirect_url: None,
        };
        let default_features = FeatureSettings {
            auto_geolocation: cfg.auto_geolocation,
            recording: true,
            ..FeatureSettings::default()
        };
        Ok(Self {
            coll: db.collection(COLLECTION),
            logos: db.collection(LOGOS),
            default_branding,
            default_features,
        })
    }

    async fn load<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, DbError> {
        let Some(found) = self.coll.find_one(doc! {"_id": key}).await? else { return Ok(None) };
        let Some(value) = found.get("value") else { return Ok(None) };
        match bson::from_bson(value.clone()) {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                // A document from an older version that no longer fits:
                // the defaults serve until an admin saves again.
                tracing::warn!(setting = key, error = %e, "stored setting unreadable; using defaults");
                Ok(None)
            }
        }
    }

    async fn store<T: Serialize>(&self, key: &str, value: &T, by: UserId) -> Result<(), DbError> {
        let value = bson::to_bson(value).map_err(|e| DbError::Encode(e.to_string()))?;
        self.coll
            .replace_one(
                doc! {"_id": key},
                doc! {"_id": key, "value": value, "updated_at": bson::DateTime::from_millis(Utc::now().timestamp_millis()), "updated_by": by.to_string()},
            )
            .upsert(true)
            .await?;
        tracing::info!(setting = key, by = %by, "settings saved");
        Ok(())
    }

    pub async fn branding(&self) -> Result<BrandingSettings, DbError> {
        Ok(self.load(BRANDING).await?.unwrap_or_else(|| self.default_branding.clone()))
    }

    pub async fn put_branding(&self, v: &BrandingSettings, by: UserId) -> Result<(), DbError> {
        self.store(BRANDING, v, by).await
    }

    pub async fn features(&self) -> Result<FeatureSettings, DbError> {
        Ok(self.load(FEATURES).await?.unwrap_or(self.default_features))
    }

    pub async fn put_features(&self, v: &FeatureSettings, by: UserId) -> Result<(), DbError> {
        self.store(FEATURES, v, by).await
    }

    pub async fn custom_fields(&self) -> Result<CustomFieldsSettings, DbError> {
        Ok(self.load(CUSTOM_FIELDS).await?.unwrap_or_default())
    }

    pub async fn put_custom_fields(&self, v: &CustomFieldsSettings, by: UserId) -> Result<(), DbError> {
        self.store(CUSTOM_FIELDS, v, by).await
    }

    pub async fn survey(&self) -> Result<SurveySettings, DbError> {
        Ok(self.load(SURVEY).await?.unwrap_or_default())
    }

    pub async fn put_survey(&self, v: &SurveySettings, by: UserId) -> Result<(), DbError> {
        self.store(SURVEY, v, by).await
    }

    pub async fn insert_logo(&self, logo: &LogoDoc) -> Result<(), DbError> {
        self.logos.insert_one(logo).await?;
        Ok(())
    }

    pub async fn logo(&self, id: LogoId) -> Result<Option<LogoDoc>, DbError> {
        Ok(self.logos.find_one(doc! {"_id": id.to_string()}).await?)
    }

    /// Whether a logo with this id exists (branding may only name one that does).
    pub async fn logo_exists(&self, id: LogoId) -> Result<bool, DbError> {
        Ok(self.logos.count_documents(doc! {"_id": id.to_string()}).await? > 0)
    }
}

/// The path a logo is served at.
pub fn logo_url(id: LogoId) -> String {
    format!("/api/branding/logo/{id}")
}
