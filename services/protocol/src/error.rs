//! The one error shape every REST endpoint answers with, and the stable codes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// `{"code": "...", "message": "..."}`: `code` is stable and machine-readable,
/// `message` is for people and may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// Every error code a client can see. Renaming one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request body or query is not well-formed (bad JSON, missing field, wrong type).
    BadRequest,
    /// No bearer token was sent.
    Unauthorized,
    /// The token is malformed, signed by an unknown key, or its signature is wrong.
    InvalidToken,
    /// The token was valid but has expired; refresh it.
    TokenExpired,
    /// The token was revoked (user disabled, role or password changed).
    TokenRevoked,
    /// Login or password is wrong.
    InvalidCredentials,
    /// The refresh token is unknown, expired or revoked.
    RefreshTokenInvalid,
    /// An already-used refresh token was presented again; its whole session was revoked.
    RefreshTokenReused,
    /// Authenticated, but the role does not allow this.
    Forbidden,
    /// The account is disabled.
    UserDisabled,
    /// Nothing is at this path.
    NotFound,
    /// No user with this id.
    UserNotFound,
    /// Another user already has this login.
    LoginTaken,
    /// The change would leave no active admin.
    LastAdmin,
    /// A field's value is not acceptable; the message names the field.
    ValidationFailed,
    /// The password does not meet the password policy.
    WeakPassword,
    /// Too many failed attempts; retry after the `Retry-After` header's seconds.
    TooManyAttempts,
    /// The body is larger than this endpoint accepts.
    PayloadTooLarge,
    /// The method is not allowed on this path.
    MethodNotAllowed,
    /// A dependency (database, broker, auth keys) is not reachable right now.
    ServiceUnavailable,
    /// No interaction with this id (or not one the caller may see).
    InteractionNotFound,
    /// No client link like this one.
    LinkNotFound,
    /// The client link expired, was replaced, or its call is over.
    LinkExpired,
    /// The call is over; nothing more can happen in it.
    InteractionEnded,
    /// The client has to accept the consent text first.
    ConsentRequired,
    /// No media gateway answered.
    MediaUnavailable,
    /// The phone number is not a valid number (it is normalised to E.164 when it is).
    InvalidPhone,
    /// The client has no contact for this channel (no phone for SMS, no e-mail, no Telegram).
    ContactMissing,
    /// This delivery channel is not configured on this platform.
    ChannelNotConfigured,
    /// No delivery with this id (or not one the caller may see).
    DeliveryNotFound,
    /// A chat text is longer than 4 KB.
    MessageTooLong,
    /// The file is larger than the per-file limit (100 MB by default).
    FileTooLarge,
    /// The storage quota is used up.
    StorageFull,
    /// No file with this id (or not one the caller may see).
    FileNotFound,
    /// The file was deleted by the storage retention policy (the message says when).
    FileDeleted,
    /// This call function is switched off (by the admins' features or for this interaction).
    FeatureDisabled,
    /// No team with this id.
    TeamNotFound,
    /// The client already answered this call's survey.
    AlreadyAnswered,
    /// The upload is not an image we accept (PNG, JPEG, WebP, GIF), or is too large in pixels.
    InvalidImage,
    /// The interaction is not a scheduled call that can still be changed.
    NotScheduled,
    /// The call has not ended yet, so vc-stat has no metrics for it.
    MetricsNotReady,
    /// Something went wrong on our side; the message carries a reference for the logs.
    Internal,
}

impl ErrorCode {
    /// Every code, for documentation and consistency tests.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidToken,
        ErrorCode::TokenExpired,
        ErrorCode::TokenRevoked,
        ErrorCode::InvalidCredentials,
        ErrorCode::RefreshTokenInvalid,
        ErrorCode::RefreshTokenReused,
        ErrorCode::Forbidden,
        ErrorCode::UserDisabled,
        ErrorCode::NotFound,
        ErrorCode::UserNotFound,
        ErrorCode::LoginTaken,
        ErrorCode::LastAdmin,
        ErrorCode::ValidationFailed,
        ErrorCode::WeakPassword,
        ErrorCode::TooManyAttempts,
        ErrorCode::PayloadTooLarge,
        ErrorCode::MethodNotAllowed,
        ErrorCode::ServiceUnavailable,
        ErrorCode::InteractionNotFound,
        ErrorCode::LinkNotFound,
        ErrorCode::LinkExpired,
        ErrorCode::InteractionEnded,
        ErrorCode::ConsentRequired,
        ErrorCode::MediaUnavailable,
        ErrorCode::InvalidPhone,
        ErrorCode::ContactMissing,
        ErrorCode::ChannelNotConfigured,
        ErrorCode::DeliveryNotFound,
        ErrorCode::MessageTooLong,
        ErrorCode::FileTooLarge,
        ErrorCode::StorageFull,
        ErrorCode::FileNotFound,
        ErrorCode::FileDeleted,
        ErrorCode::FeatureDisabled,
        ErrorCode::TeamNotFound,
        ErrorCode::AlreadyAnswered,
        ErrorCode::InvalidImage,
        ErrorCode::NotScheduled,
        ErrorCode::MetricsNotReady,
        ErrorCode::Internal,
    ];

    /// The HTTP status this code is always answered with.
    pub fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            BadRequest => 400,
            Unauthorized | InvalidToken | TokenExpired | TokenRevoked | InvalidCredentials
            | RefreshTokenInvalid | RefreshTokenReused => 401,
            Forbidden | UserDisabled | FeatureDisabled => 403,
            NotFound | UserNotFound | InteractionNotFound | LinkNotFound | DeliveryNotFound
            | FileNotFound | TeamNotFound => 404,
            MethodNotAllowed => 405,
            LoginTaken | LastAdmin | InteractionEnded | ChannelNotConfigured | AlreadyAnswered
            | NotScheduled | MetricsNotReady => 409,
            LinkExpired | FileDeleted => 410,
            PayloadTooLarge | FileTooLarge => 413,
            ValidationFailed | WeakPassword | ConsentRequired | InvalidPhone | ContactMissing
            | MessageTooLong | InvalidImage => 422,
            TooManyAttempts => 429,
            Internal => 500,
            ServiceUnavailable | MediaUnavailable => 503,
            StorageFull => 507,
        }
    }

    /// The wire name, as serialised.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            BadRequest => "bad_request",
            Unauthorized => "unauthorized",
            InvalidToken => "invalid_token",
            TokenExpired => "token_expired",
            TokenRevoked => "token_revoked",
            InvalidCredentials => "invalid_credentials",
            RefreshTokenInvalid => "refresh_token_invalid",
            RefreshTokenReused => "refresh_token_reused",
            Forbidden => "forbidden",
            UserDisabled => "user_disabled",
            NotFound => "not_found",
            UserNotFound => "user_not_found",
            LoginTaken => "login_taken",
            LastAdmin => "last_admin",
            ValidationFailed => "validation_failed",
            WeakPassword => "weak_password",
            TooManyAttempts => "too_many_attempts",
            PayloadTooLarge => "payload_too_large",
            MethodNotAllowed => "method_not_allowed",
            ServiceUnavailable => "service_unavailable",
            MediaUnavailable => "media_unavailable",
            InvalidPhone => "invalid_phone",
            ContactMissing => "contact_missing",
            ChannelNotConfigured => "channel_not_configured",
            DeliveryNotFound => "delivery_not_found",
            MessageTooLong => "message_too_long",
            FileTooLarge => "file_too_large",
            StorageFull => "storage_full",
            FileNotFound => "file_not_found",
            FileDeleted => "file_deleted",
            ConsentRequired => "consent_required",
            InteractionEnded => "interaction_ended",
            LinkExpired => "link_expired",
            LinkNotFound => "link_not_found",
            InteractionNotFound => "interaction_not_found",
            FeatureDisabled => "feature_disabled",
            TeamNotFound => "team_not_found",
            AlreadyAnswered => "already_answered",
            InvalidImage => "invalid_image",
            NotScheduled => "not_scheduled",
            MetricsNotReady => "metrics_not_ready",
            Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_name_matches_serde() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().into()));
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code} maps to {status}");
        }
    }

    #[test]
    fn all_lists_every_variant_once() {
        let mut seen = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code), "{code} listed twice");
            // A new variant must be added to ALL: this match stops compiling otherwise.
            match code {
                ErrorCode::BadRequest
                | ErrorCode::Unauthorized
                | ErrorCode::InvalidToken
                | ErrorCode::TokenExpired
                | ErrorCode::TokenRevoked
                | ErrorCode::InvalidCredentials
                | ErrorCode::RefreshTokenInvalid
                | ErrorCode::RefreshTokenReused
                | ErrorCode::Forbidden
                | ErrorCode::UserDisabled
                | ErrorCode::NotFound
                | ErrorCode::UserNotFound
                | ErrorCode::LoginTaken
                | ErrorCode::LastAdmin
                | ErrorCode::ValidationFailed
                | ErrorCode::WeakPassword
                | ErrorCode::TooManyAttempts
                | ErrorCode::PayloadTooLarge
                | ErrorCode::MethodNotAllowed
                | ErrorCode::ServiceUnavailable
                | ErrorCode::InteractionNotFound
                | ErrorCode::LinkNotFound
                | ErrorCode::LinkExpired
                | ErrorCode::InteractionEnded
                | ErrorCode::ConsentRequired
                | ErrorCode::MediaUnavailable
                | ErrorCode::InvalidPhone
                | ErrorCode::ContactMissing
                | ErrorCode::ChannelNotConfigured
                | ErrorCode::DeliveryNotFound
                | ErrorCode::MessageTooLong
                | ErrorCode::FileTooLarge
                | ErrorCode::StorageFull
                | ErrorCode::FileNotFound
                | ErrorCode::FileDeleted
                | ErrorCode::FeatureDisabled
                | ErrorCode::TeamNotFound
                | ErrorCode::AlreadyAnswered
                | ErrorCode::InvalidImage
                | ErrorCode::NotScheduled
                | ErrorCode::MetricsNotReady
                | ErrorCode::Internal => {}
            }
        }
        assert_eq!(seen.len(), 42);
    }
}
