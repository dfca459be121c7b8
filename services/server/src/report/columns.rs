//! The interactions sheet's columns: one table, so titles and values stay
//! in step. The fixed columns come first, then one per survey question and
//! the survey's submission time, the recording, and one per custom field.

use std::borrow::Cow;

use vc_protocol::msg::Language;
use vc_protocol::stat::{CallMetricsSummary, DirectionMetrics, MinAvgMax};

use super::cells::Cell;
use super::rows::ExportDoc;
use super::words;

/// What values need besides the interaction.
pub struct RowCtx {
    pub lang: Language,
    /// The platform's public origin (recording links).
    pub public_base: String,
}

type Value = for<'a> fn(&'a ExportDoc, &RowCtx) -> Cell<'a>;

/// A column with a value for every interaction.
pub struct Column {
    pub en: &'static str,
    pub ru: &'static str,
    pub width: f64,
    pub value: Value,
}

impl Column {
    pub fn title(&self, lang: Language) -> &'static str {
        match lang {
            Language::Ru => self.ru,
            Language::En => self.en,
        }
    }
}

fn m(d: &ExportDoc) -> Option<&CallMetricsSummary> {
    d.metrics.as_ref()
}

fn avg(x: Option<MinAvgMax>) -> Option<f64> {
    x.map(|x| x.avg)
}

fn c2a(d: &ExportDoc) -> Option<&DirectionMetrics> {
    m(d).map(|m| &m.client_to_agent)
}

fn a2c(d: &ExportDoc) -> Option<&DirectionMetrics> {
    m(d).map(|m| &m.agent_to_client)
}

macro_rules! col {
    ($en:expr, $ru:expr, $w:expr, $f:expr) => {
        Column { en: $en, ru: $ru, width: $w, value: $f }
    };
}

/// The direction columns, for `$dir` (a function to the direction's metrics).
macro_rules! direction {
    ($en:literal, $ru:literal, $dir:ident) => {
        [
            col!(
                concat!($en, ": video bitrate avg, kbps"),
                concat!($ru, ": битрейт видео ср., кбит/с"),
                14.0,
                |d, _| { Cell::opt_decimal($dir(d).and_then(|x| avg(x.video.bitrate_kbps))) }
            ),
            col!(
                concat!($en, ": video loss avg, %"),
                concat!($ru, ": потери видео ср., %"),
                12.0,
                |d, _| { Cell::opt_decimal($dir(d).and_then(|x| avg(x.video.loss_pct))) }
            ),
            col!(
                concat!($en, ": video loss max, %"),
                concat!($ru, ": потери видео макс., %"),
                12.0,
                |d, _| { Cell::opt_decimal($dir(d).and_then(|x| x.video.loss_pct.map(|l| l.max))) }
            ),
            col!(
                concat!($en, ": video jitter avg, ms"),
                concat!($ru, ": джиттер видео ср., мс"),
                12.0,
                |d, _| { Cell::opt_decimal($dir(d).and_then(|x| avg(x.video.jitter_ms))) }
            ),
            col!(
                concat!($en, ": video height avg, px"),
                concat!($ru, ": высота кадра ср., пикс."),
                12.0,
                |d, _| { Cell::opt_decimal($dir(d).and_then(|x| avg(x.video.height))) }
            ),
            col!(concat!($en, ": fps avg"), concat!($ru, ": кадров/с ср."), 10.0, |d, _| {
                Cell::opt_decimal($dir(d).and_then(|x| avg(x.video.fps)))
            }),
            col!(
                concat!($en, ": audio loss avg, %"),
                concat!($ru, ": потери звука ср., %"),
                12.0,
                |d, _| { Cell::opt_decimal($dir(d).and_then(|x| avg(x.audio.loss_pct))) }
            ),
        ]
    };
}

/// The columns before the survey's.
pub fn fixed() -> Vec<Column> {
    let mut cols = vec![
        col!("Interaction ID", "ID обращения", 38.0, |d, _| Cell::text(d.id.to_string())),
        col!("Created (UTC)", "Создано (UTC)", 20.0, |d, _| Cell::instant(d.created_at)),
        col!("Agent", "Оператор", 22.0, |d, _| Cell::text(d.agent_name.as_str())),
        col!("Team ID", "ID команды", 38.0, |d, _| match d.team_id {
            Some(t) => Cell::text(t.to_string()),
            None => Cell::Empty,
        }),
        col!("Client", "Клиент", 22.0, |d, _| Cell::opt_text(d.client_name.as_deref())),
        col!("Client phone", "Телефон клиента", 16.0, |d, _| Cell::opt_text(
            d.client_phone.as_deref()
        )),
        col!("Client e-mail", "E-mail клиента", 24.0, |d, _| Cell::opt_text(
            d.client_email.as_deref()
        )),
        col!("Status", "Статус", 14.0, |d, c| Cell::text(words::status(d.status, c.lang))),
        col!("Video", "Видео", 14.0, |d, c| Cell::text(words::video_mode(d.video_mode, c.lang))),
        col!("Started (UTC)", "Начало (UTC)", 20.0, |d, _| Cell::opt_instant(d.started_at)),
        col!("Ended (UTC)", "Окончание (UTC)", 20.0, |d, _| Cell::opt_instant(d.ended_at)),
        col!("Link sent → opened", "Ссылка → открыта", 12.0, |d, _| {
            Cell::opt_duration(m(d).and_then(|m| m.timing.to_link_opened_s))
        }),
        col!("Link sent → joined", "Ссылка → вход", 12.0, |d, _| {
            Cell::opt_duration(m(d).and_then(|m| m.timing.to_joined_s))
        }),
        col!("Link sent → connected", "Ссылка → соединение", 12.0, |d, _| {
            Cell::opt_duration(m(d).and_then(|m| m.timing.to_connected_s))
        }),
        col!("Waiting", "Ожидание", 11.0, |d, _| Cell::opt_duration(
            m(d).and_then(|m| m.timing.waiting_s)
        )),
        col!("Talk time", "Время разговора", 11.0, |d, _| Cell::opt_duration(
            m(d).and_then(|m| m.timing.talk_s)
        )),
        col!("Ended by", "Кто завершил", 14.0, |d, c| match m(d).and_then(|m| m.ended_by) {
            Some(e) => Cell::text(words::ended_by(e, c.lang)),
            None => Cell::Empty,
        }),
        col!("End reason", "Причина завершения", 20.0, |d, _| {
            Cell::opt_text(m(d).and_then(|m| m.end_reason.as_deref()).or(d.end_reason.as_deref()))
        }),
        col!("Reconnects (agent)", "Переподключения (оператор)", 14.0, |d, _| {
            Cell::opt_number(m(d).map(|m| f64::from(m.reconnects.agent)))
        }),
        col!("Reconnects (client)", "Переподключения (клиент)", 14.0, |d, _| {
            Cell::opt_number(m(d).map(|m| f64::from(m.reconnects.client)))
        }),
    ];
    cols.extend(direction!("Client → agent", "Клиент → оператор", c2a));
    cols.extend(direction!("Agent → client", "Оператор → клиент", a2c));
    cols.extend([
        col!("RTT avg (agent), ms", "RTT ср. (оператор), мс", 12.0, |d, _| {
            Cell::opt_decimal(m(d).and_then(|m| avg(m.agent_rtt_ms)))
        }),
        col!("RTT avg (client), ms", "RTT ср. (клиент), мс", 12.0, |d, _| {
            Cell::opt_decimal(m(d).and_then(|m| avg(m.client_rtt_ms)))
        }),
        col!("Quality", "Качество", 12.0, |d, c| match m(d) {
            Some(m) => Cell::text(words::rating(m.quality.rating, c.lang)),
            None => Cell::Empty,
        }),
        col!("Quality issues", "Проблемы качества", 28.0, |d, c| match m(d) {
            Some(m) if !m.quality.issues.is_empty() => Cell::Text(Cow::Owned(
                m.quality.issues.iter().map(|i| words::issue(*i, c.lang)).collect::<Vec<_>>().join(", "),
            )),
            _ => Cell::Empty,
        }),
        col!("Client OS", "ОС клиента", 14.0, |d, _| {
            Cell::opt_text(m(d).and_then(|m| m.device.as_ref()).and_then(|x| x.os.as_deref()))
        }),
        col!("Browser", "Браузер", 14.0, |d, _| {
            Cell::opt_text(m(d).and_then(|m| m.device.as_ref()).and_then(|x| x.browser.as_deref()))
        }),
        col!("Browser version", "Версия браузера", 12.0, |d, _| {
            Cell::opt_text(m(d).and_then(|m| m.device.as_ref()).and_then(|x| x.browser_version.as_deref()))
        }),
        col!("Mobile", "Мобильное", 10.0, |d, c| match m(d).and_then(|m| m.device.as_ref()) {
            Some(x) => Cell::text(words::yes_no(x.mobile, c.lang)),
            None => Cell::Empty,
        }),
        col!("Location", "Местоположение", 36.0, |d, _| {
            Cell::opt_text(
                m(d).and_then(|m| m.location.as_ref())
                    .and_then(|l| l.address.as_ref())
                    .map(|a| a.display.as_str()),
            )
        }),
        col!("Latitude", "Широта", 11.0, |d, _| Cell::opt_number(
            m(d).and_then(|m| m.location.as_ref()).map(|l| l.lat)
        )),
        col!("Longitude", "Долгота", 11.0, |d, _| {
            Cell::opt_number(m(d).and_then(|m| m.location.as_ref()).map(|l| l.lon))
        }),
        col!("Chat messages", "Сообщений в чате", 11.0, |d, _| {
            Cell::opt_number(m(d).map(|m| f64::from(m.chat_messages)))
        }),
        col!("Files", "Файлов", 9.0, |d, _| Cell::opt_number(m(d).map(|m| f64::from(m.files)))),
        col!("Screenshots", "Снимков экрана", 11.0, |d, _| Cell::opt_number(
            m(d).map(|m| f64::from(m.screenshots))
        )),
    ]);
    cols
}

/// After the survey's questions.
pub fn survey_submitted() -> Column {
    col!("Survey submitted (UTC)", "Опрос пройден (UTC)", 20.0, |d, _| match &d.survey {
        Some(s) => Cell::chrono(s.submitted_at),
        None => Cell::Empty,
    })
}

/// After the survey: the recording and its length.
pub fn recording() -> [Column; 2] {
    [
        col!("Recording", "Запись", 50.0, |d, c| match &d.recording {
            // No link to a file the retention policy deleted.
            Some(r) if r.deleted_at.is_some() => Cell::text(words::recording_deleted(c.lang)),
            Some(r) => {
                // The URL is the text too: it survives a CSV export or a copy.
                let url = format!("{}/api/files/{}", c.public_base, r.file_id);
                Cell::Link { text: Cow::Owned(url.clone()), url }
            }
            None => Cell::Empty,
        }),
        col!("Recording length", "Длительность записи", 12.0, |d, _| {
            Cell::opt_duration(d.recording.as_ref().map(|r| r.duration_s))
        }),
    ]
}
