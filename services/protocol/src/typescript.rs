//! The TypeScript declarations of every type the frontends use, generated
//! from the Rust types (never retyped). `frontend-shared/src/protocol.ts` is
//! this output; a test fails when the file is stale.

use ts_rs::{Config, TS};

use crate::{
    auth, chat, collab, control, error, files, geo, interaction, join, media, msg, recording, schedule,
    settings, stat, storage, surl,
};

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}", T::decl(cfg))
}

/// The whole `protocol.ts`.
pub fn typescript_bindings() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        decl::<error::ErrorCode>(&cfg),
        decl::<error::ErrorBody>(&cfg),
        decl::<recording::RecordingFormat>(&cfg),
        decl::<recording::RecordingInfo>(&cfg),
        decl::<auth::Role>(&cfg),
        decl::<auth::LoginRequest>(&cfg),
        decl::<auth::RefreshRequest>(&cfg),
        decl::<auth::UserRef>(&cfg),
        decl::<auth::TokenPair>(&cfg),
        decl::<auth::User>(&cfg),
        decl::<auth::CreateUserRequest>(&cfg),
        decl::<auth::UpdateUserRequest>(&cfg),
        decl::<auth::ChangePasswordRequest>(&cfg),
        decl::<auth::UserList>(&cfg),
        decl::<auth::Team>(&cfg),
        decl::<auth::TeamRequest>(&cfg),
        decl::<auth::TeamList>(&cfg),
        decl::<msg::Channel>(&cfg),
        decl::<msg::DeliveryStatus>(&cfg),
        decl::<msg::Language>(&cfg),
        decl::<msg::FailureReason>(&cfg),
        decl::<msg::SendLinkRequest>(&cfg),
        decl::<msg::SendLinkAccepted>(&cfg),
        decl::<msg::DeliveryAttempt>(&cfg),
        decl::<msg::Delivery>(&cfg),
        decl::<msg::Channels>(&cfg),
        decl::<surl::LinkOpen>(&cfg),
        decl::<files::FileKind>(&cfg),
        decl::<files::FileInfo>(&cfg),
        decl::<geo::GeoLang>(&cfg),
        decl::<geo::Address>(&cfg),
        decl::<geo::MapLinks>(&cfg),
        decl::<geo::MapTile>(&cfg),
        decl::<geo::Location>(&cfg),
        decl::<chat::ChatMessage>(&cfg),
        decl::<chat::ReadMarks>(&cfg),
        decl::<chat::ChatHistory>(&cfg),
        decl::<collab::CollabMessage>(&cfg),
        decl::<surl::LinkOpens>(&cfg),
        decl::<stat::MinAvgMax>(&cfg),
        decl::<stat::Direction>(&cfg),
        decl::<stat::MediaAggregate>(&cfg),
        decl::<stat::DirectionMetrics>(&cfg),
        decl::<stat::ClientDevice>(&cfg),
        decl::<stat::CallTiming>(&cfg),
        decl::<stat::Reconnects>(&cfg),
        decl::<stat::QualityRating>(&cfg),
        decl::<stat::QualityIssue>(&cfg),
        decl::<stat::Quality>(&cfg),
        decl::<stat::CallMetricsSummary>(&cfg),
        decl::<stat::MetricsPoint>(&cfg),
        decl::<stat::CallMetrics>(&cfg),
        decl::<interaction::VideoMode>(&cfg),
        decl::<interaction::MaxQuality>(&cfg),
        decl::<interaction::InteractionStatus>(&cfg),
        decl::<interaction::Party>(&cfg),
        decl::<interaction::EndedBy>(&cfg),
        decl::<interaction::EventKind>(&cfg),
        decl::<interaction::InteractionEvent>(&cfg),
        decl::<interaction::Presence>(&cfg),
        decl::<interaction::Interaction>(&cfg),
        decl::<interaction::CreateInteractionRequest>(&cfg),
        decl::<interaction::UpdateInteractionRequest>(&cfg),
        decl::<interaction::EndInteractionRequest>(&cfg),
        decl::<interaction::InteractionList>(&cfg),
        decl::<interaction::ClientLink>(&cfg),
        decl::<join::Localized>(&cfg),
        decl::<settings::BrandingSettings>(&cfg),
        decl::<settings::LogoUploaded>(&cfg),
        decl::<settings::FeatureSettings>(&cfg),
        decl::<settings::Feature>(&cfg),
        decl::<settings::CustomFieldKind>(&cfg),
        decl::<settings::CustomFieldDef>(&cfg),
        decl::<settings::CustomValue>(&cfg),
        decl::<settings::CustomFieldsSettings>(&cfg),
        decl::<settings::QuestionKind>(&cfg),
        decl::<settings::SurveyQuestion>(&cfg),
        decl::<settings::SurveySettings>(&cfg),
        decl::<settings::SurveyAnswer>(&cfg),
        decl::<settings::SurveySubmission>(&cfg),
        decl::<settings::SurveyResponseItem>(&cfg),
        decl::<settings::SurveyResponse>(&cfg),
        decl::<schedule::ScheduleState>(&cfg),
        decl::<schedule::Schedule>(&cfg),
        decl::<schedule::CreateScheduleRequest>(&cfg),
        decl::<schedule::UpdateScheduleRequest>(&cfg),
        decl::<schedule::CancelScheduleRequest>(&cfg),
        decl::<schedule::ScheduledCall>(&cfg),
        decl::<schedule::ScheduleList>(&cfg),
        decl::<storage::StorageClass>(&cfg),
        decl::<storage::ClassUsage>(&cfg),
        decl::<storage::StorageUsage>(&cfg),
        decl::<storage::RetentionSettings>(&cfg),
        decl::<storage::CleanupRequest>(&cfg),
        decl::<storage::CleanupItem>(&cfg),
        decl::<storage::CleanupReport>(&cfg),
        decl::<storage::CleanupLog>(&cfg),
        decl::<join::Branding>(&cfg),
        decl::<join::JoinFeatures>(&cfg),
        decl::<join::JoinInfo>(&cfg),
        decl::<join::JoinRequest>(&cfg),
        decl::<join::JoinResponse>(&cfg),
        decl::<control::ControlIn>(&cfg),
        decl::<control::TimingMark>(&cfg),
        decl::<control::RequestKind>(&cfg),
        decl::<control::RequestOutcome>(&cfg),
        decl::<control::InteractionSnapshot>(&cfg),
        decl::<control::ControlOut>(&cfg),
        decl::<media::IceServer>(&cfg),
        decl::<media::MediaAccess>(&cfg),
        decl::<media::IceCandidate>(&cfg),
        decl::<media::SignalIn>(&cfg),
        decl::<media::SignalOut>(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust protocol crate (services/protocol) by\n\
         // `VC_UPDATE_TS=1 cargo test -p vc-protocol`. Do not edit.\n\n",
    );
    for d in decls {
        out.push_str(d.trim_end_matches(';'));
        out.push_str(";\n\n");
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// `frontend-shared/src/protocol.ts` matches the Rust types. Run with
    /// `VC_UPDATE_TS=1` to rewrite it.
    #[test]
    fn typescript_bindings_are_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../frontend-shared/src/protocol.ts");
        let fresh = super::typescript_bindings();
        if std::env::var_os("VC_UPDATE_TS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `VC_UPDATE_TS=1 cargo test -p vc-protocol`",
            path.display()
        );
    }
}
