//! Made-up interactions shaped like real ones (metrics, survey, recording,
//! custom fields on most), for the export's benchmark and unit tests.
//! Deterministic: the same `seed` gives the same documents.

use chrono::{DateTime, Utc};
use mongodb::bson;
use vc_protocol::geo::{Address, GeoLang, Location, MapLinks};
use vc_protocol::interaction::{EndedBy, InteractionStatus, VideoMode};
use vc_protocol::join::Localized;
use vc_protocol::msg::Language;
use vc_protocol::recording::{RecordingFormat, RecordingInfo};
use vc_protocol::settings::{
    CustomFieldDef, CustomFieldKind, CustomValue, QuestionKind, SurveyQuestion, SurveyResponse,
    SurveyResponseItem,
};
use vc_protocol::stat::{
    CallMetricsSummary, CallTiming, ClientDevice, DirectionMetrics, MediaAggregate, MinAvgMax, Quality,
    QualityIssue, QualityRating, Reconnects,
};
use vc_protocol::{FileId, InteractionId, QuestionId, TeamId, UserId};

use super::{ExportDoc, ReportSpec};

fn l(en: &str, ru: &str) -> Localized {
    Localized { en: en.into(), ru: ru.into() }
}

/// A survey of three questions and three custom fields (text, number, date).
pub fn spec(lang: Language) -> ReportSpec {
    let q = |kind, en: &str, ru: &str| SurveyQuestion {
        id: Some(QuestionId::new()),
        kind,
        text: l(en, ru),
        options: Vec::new(),
        required: false,
    };
    let f = |key: &str, kind, en: &str, ru: &str| CustomFieldDef {
        key: key.into(),
        label: l(en, ru),
        kind,
        options: Vec::new(),
        required: false,
    };
    ReportSpec {
        lang,
        public_base: "https://va.example.com".into(),
        survey: vec![
            q(QuestionKind::Rating, "How was the call?", "Как прошёл звонок?"),
            q(QuestionKind::Choice, "Was the issue solved?", "Вопрос решён?"),
            q(QuestionKind::Text, "Comments", "Комментарий"),
        ],
        fields: vec![
            f("contract", CustomFieldKind::Text, "Contract", "Договор"),
            f("amount", CustomFieldKind::Number, "Amount", "Сумма"),
            f("visit_date", CustomFieldKind::Date, "Visit date", "Дата визита"),
        ],
    }
}

fn mam(avg: f64) -> Option<MinAvgMax> {
    Some(MinAvgMax { min: avg * 0.5, avg, max: avg * 1.8 })
}

fn direction(k: f64) -> DirectionMetrics {
    DirectionMetrics {
        audio: MediaAggregate {
            bitrate_kbps: mam(32.0),
            loss_pct: mam(0.2 * k),
            jitter_ms: mam(8.0),
            ..Default::default()
        },
        video: MediaAggregate {
            bitrate_kbps: mam(900.0 * k),
            loss_pct: mam(0.7 * k),
            jitter_ms: mam(12.0 * k),
            height: mam(540.0),
            width: Some(960),
            fps: mam(27.5),
        },
    }
}

/// The `i`-th of a run of interactions, one minute apart going back from
/// `newest`, by one of 20 agents in 4 teams; `spec` is that of [`spec`].
pub fn doc(i: u64, newest: DateTime<Utc>, spec: &ReportSpec, agents: &[(UserId, TeamId)]) -> ExportDoc {
    let created = newest - chrono::Duration::minutes(i as i64);
    let (agent_id, team_id) = agents[(i as usize) % agents.len()];
    let ended = i % 10 != 3;
    let k = 1.0 + (i % 7) as f64 / 10.0;
    let ts = |offset_s: i64| {
        bson::DateTime::from_millis((created + chrono::Duration::seconds(offset_s)).timestamp_millis())
    };
    let metrics = (ended && !i.is_multiple_of(5)).then(|| CallMetricsSummary {
        computed_at: created,
        timing: CallTiming {
            link_sent_at: Some(created),
            to_link_opened_s: Some(20.0 + (i % 40) as f64),
            to_joined_s: Some(35.0 + (i % 40) as f64),
            to_connected_s: Some(38.5 + (i % 40) as f64),
            waiting_s: Some(3.5),
            talk_s: Some(60.0 + (i % 900) as f64),
        },
        ended_by: Some(if i.is_multiple_of(2) { EndedBy::Agent } else { EndedBy::Client }),
        end_reason: Some("hangup".into()),
        reconnects: Reconnects { agent: (i % 3) as u32, client: (i % 2) as u32 },
        client_to_agent: direction(k),
        agent_to_client: direction(k * 0.9),
        agent_rtt_ms: mam(24.0),
        client_rtt_ms: mam(61.0 * k),
        device: Some(ClientDevice {
            user_agent: "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36".into(),
            os: Some("Android".into()),
            os_version: Some("14".into()),
            browser: Some("Chrome".into()),
            browser_version: Some("131.0".into()),
            mobile: true,
        }),
        location: Some(Location {
            lat: 55.75 + (i % 100) as f64 / 1000.0,
            lon: 37.61,
            accuracy_m: 20.0,
            altitude_m: None,
            measured_at: created,
            received_at: created,
            address: Some(Address {
                display: format!("Тверская улица, {}, Москва, Россия", i % 30 + 1),
                lang: GeoLang::Ru,
                road: None,
                house_number: None,
                city: None,
                postcode: None,
                country: None,
            }),
            links: MapLinks { yandex: String::new(), osm: String::new() },
            tile: None,
        }),
        chat_messages: (i % 12) as u32,
        files: (i % 3) as u32,
        screenshots: (i % 2) as u32,
        quality: if i.is_multiple_of(9) {
            Quality {
                rating: QualityRating::Poor,
                issues: vec![QualityIssue::VideoLoss, QualityIssue::HighRtt],
            }
        } else {
            Quality { rating: QualityRating::Good, issues: Vec::new() }
        },
        samples: 40,
    });
    let survey = (ended && i.is_multiple_of(2)).then(|| SurveyResponse {
        submitted_at: created + chrono::Duration::minutes(20),
        answers: spec
            .survey
            .iter()
            .filter_map(|q| {
                Some(SurveyResponseItem {
                    question_id: q.id?,
                    kind: q.kind,
                    question: q.text.clone(),
                    rating: (q.kind == QuestionKind::Rating).then_some((i % 5 + 1) as u8),
                    choice: (q.kind == QuestionKind::Choice).then(|| l("Yes", "Да")),
                    text: (q.kind == QuestionKind::Text).then(|| "Всё понятно, спасибо".to_owned()),
                })
            })
            .collect(),
    });
    let mut custom_fields = std::collections::BTreeMap::new();
    custom_fields.insert("contract".to_owned(), CustomValue::Text(format!("Д-{:06}", i)));
    custom_fields.insert("amount".to_owned(), CustomValue::Number(1000.0 + (i % 5000) as f64 * 3.5));
    custom_fields.insert("visit_date".to_owned(), CustomValue::Text("2026-11-30".into()));
    ExportDoc {
        id: InteractionId::new(),
        status: if ended { InteractionStatus::Ended } else { InteractionStatus::Failed },
        agent_id,
        agent_name: format!("Оператор {:02}", (i as usize) % agents.len() + 1),
        team_id: Some(team_id),
        client_name: Some(format!("Клиент {i}")),
        client_phone: Some(format!("+7912{:07}", i % 10_000_000)),
        client_email: (i.is_multiple_of(4)).then(|| format!("client{i}@example.com")),
        video_mode: if i.is_multiple_of(6) { VideoMode::OneWay } else { VideoMode::TwoWay },
        created_at: ts(0),
        started_at: ended.then(|| ts(40)),
        ended_at: Some(ts(700)),
        end_reason: None,
        recording: (ended && !i.is_multiple_of(3)).then(|| RecordingInfo {
            file_id: FileId::new(),
            format: RecordingFormat::Webm,
            duration_s: 60.0 + (i % 900) as f64,
            size: 12_000_000,
            sha256: "0".repeat(64),
            started_at: created,
            has_video: true,
            partial: false,
            // Some recordings are past the retention policy.
            deleted_at: (i % 7 == 1).then_some(created),
        }),
        custom_fields,
        survey,
        metrics,
    }
}

/// 20 agents in 4 teams.
pub fn agents() -> Vec<(UserId, TeamId)> {
    let teams: Vec<TeamId> = (0..4).map(|_| TeamId::new()).collect();
    (0..20).map(|i| (UserId::new(), teams[i % 4])).collect()
}
