//! The export's words in Russian and English.

use vc_protocol::interaction::{EndedBy, InteractionStatus, VideoMode};
use vc_protocol::msg::Language;
use vc_protocol::stat::{QualityIssue, QualityRating};

fn pick(lang: Language, en: &'static str, ru: &'static str) -> &'static str {
    match lang {
        Language::En => en,
        Language::Ru => ru,
    }
}

pub fn status(s: InteractionStatus, lang: Language) -> &'static str {
    match s {
        InteractionStatus::Created => pick(lang, "created", "создано"),
        InteractionStatus::Waiting => pick(lang, "waiting", "ожидание"),
        InteractionStatus::Active => pick(lang, "active", "идёт"),
        InteractionStatus::Ended => pick(lang, "ended", "завершено"),
        InteractionStatus::Failed => pick(lang, "failed", "не состоялось"),
    }
}

pub fn video_mode(v: VideoMode, lang: Language) -> &'static str {
    match v {
        VideoMode::TwoWay => pick(lang, "two-way", "двустороннее"),
        VideoMode::OneWay => pick(lang, "one-way", "одностороннее"),
    }
}

pub fn ended_by(e: EndedBy, lang: Language) -> &'static str {
    match e {
        EndedBy::Agent => pick(lang, "agent", "оператор"),
        EndedBy::Client => pick(lang, "client", "клиент"),
        EndedBy::Supervisor => pick(lang, "supervisor", "супервизор"),
        EndedBy::System => pick(lang, "system", "система"),
    }
}

pub fn rating(r: QualityRating, lang: Language) -> &'static str {
    match r {
        QualityRating::Unknown => pick(lang, "unknown", "нет данных"),
        QualityRating::Good => pick(lang, "good", "хорошее"),
        QualityRating::Fair => pick(lang, "fair", "удовлетворительное"),
        QualityRating::Poor => pick(lang, "poor", "плохое"),
    }
}

pub fn issue(i: QualityIssue, lang: Language) -> &'static str {
    match i {
        QualityIssue::VideoLoss => pick(lang, "video loss", "потери видео"),
        QualityIssue::AudioLoss => pick(lang, "audio loss", "потери звука"),
        QualityIssue::LowBitrate => pick(lang, "low bitrate", "низкий битрейт"),
        QualityIssue::LowResolution => pick(lang, "low resolution", "низкое разрешение"),
        QualityIssue::LowFrameRate => pick(lang, "low frame rate", "мало кадров/с"),
        QualityIssue::HighRtt => pick(lang, "high RTT", "большая задержка"),
        QualityIssue::HighJitter => pick(lang, "high jitter", "большой джиттер"),
        QualityIssue::Reconnects => pick(lang, "reconnects", "переподключения"),
    }
}

/// In place of the link to a recording the retention policy deleted.
pub fn recording_deleted(lang: Language) -> &'static str {
    pick(lang, "deleted (retention policy)", "удалена (политика хранения)")
}

pub fn yes_no(b: bool, lang: Language) -> &'static str {
    if b { pick(lang, "yes", "да") } else { pick(lang, "no", "нет") }
}

/// Sheet names (the interactions sheet comes first).
pub fn sheets(lang: Language) -> (&'static str, &'static str) {
    (pick(lang, "Interactions", "Обращения"), pick(lang, "Summary", "Сводка"))
}

/// The summary sheet's titles.
pub struct SummaryWords {
    pub by_agent: &'static str,
    pub by_day: &'static str,
    pub agent: &'static str,
    pub day: &'static str,
    pub total: &'static str,
    /// calls, ended, failed, talk total, talk avg, waiting avg, poor, survey avg
    pub columns: [&'static str; 8],
}

pub fn summary(lang: Language) -> SummaryWords {
    match lang {
        Language::En => SummaryWords {
            by_agent: "By agent",
            by_day: "By day (UTC)",
            agent: "Agent",
            day: "Date (UTC)",
            total: "Total",
            columns: [
                "Calls",
                "Ended",
                "Failed",
                "Talk time, total",
                "Talk time, avg",
                "Waiting, avg",
                "Poor quality",
                "Survey rating, avg",
            ],
        },
        Language::Ru => SummaryWords {
            by_agent: "По операторам",
            by_day: "По дням (UTC)",
            agent: "Оператор",
            day: "Дата (UTC)",
            total: "Итого",
            columns: [
                "Обращений",
                "Завершено",
                "Не состоялось",
                "Время разговора, всего",
                "Время разговора, ср.",
                "Ожидание, ср.",
                "Плохое качество",
                "Оценка в опросе, ср.",
            ],
        },
    }
}
