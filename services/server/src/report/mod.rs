//! The Excel export of interactions (`GET /api/reports/interactions.xlsx`,
//! `docs/reports.md`). [`write_report`] turns a stream of interactions into
//! an `.xlsx` file with bounded memory: the interactions sheet is a
//! constant-memory worksheet (each row goes to a temporary file as it is
//! written), and only the summary's per-agent and per-day sums stay in
//! memory. The endpoint feeds it from a MongoDB cursor; the benchmark
//! (`benches/export.rs`) from generated documents.

mod cells;
mod columns;
pub mod rows;
pub mod sample;
mod summary;
mod words;

use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};
use vc_protocol::msg::Language;
use vc_protocol::settings::{CustomFieldDef, CustomFieldKind, CustomValue, QuestionKind, SurveyQuestion};

use cells::{Cell, Formats};
use columns::{Column, RowCtx};
pub use rows::ExportDoc;

/// What shapes the workbook besides the rows.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub lang: Language,
    /// The platform's public origin, e.g. `https://va.example.com` (recording links).
    pub public_base: String,
    /// The current survey's questions: one column each.
    pub survey: Vec<SurveyQuestion>,
    /// The current custom fields: one column each.
    pub fields: Vec<CustomFieldDef>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("reading the interactions: {0}")]
    Source(String),
    #[error("more interactions than a worksheet holds ({0} rows)")]
    TooManyRows(u32),
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportStats {
    pub rows: u32,
}

/// Rows of a worksheet, the header's included.
const MAX_ROWS: u32 = 1_048_576;

/// Writes the workbook for `docs` (newest first) to `path`; temporary
/// files of the constant-memory worksheet go to `temp_dir`. Stops at the
/// first `Err` of `docs`.
pub fn write_report<E: std::fmt::Display>(
    spec: &ReportSpec,
    docs: impl IntoIterator<Item = Result<ExportDoc, E>>,
    path: &Path,
    temp_dir: &Path,
) -> Result<ReportStats, ReportError> {
    let formats = Formats::new();
    let ctx = RowCtx { lang: spec.lang, public_base: spec.public_base.trim_end_matches('/').to_owned() };
    let (fixed, submitted, recording) = (columns::fixed(), columns::survey_submitted(), columns::recording());
    let mut titles: Vec<(String, f64)> =
        fixed.iter().map(|c| (c.title(spec.lang).to_owned(), c.width)).collect();
    titles.extend(spec.survey.iter().map(|q| (localized(&q.text, spec.lang).to_owned(), 16.0)));
    titles
        .extend([&submitted].into_iter().chain(&recording).map(|c| (c.title(spec.lang).to_owned(), c.width)));
    titles.extend(spec.fields.iter().map(|f| (localized(&f.label, spec.lang).to_owned(), 18.0)));
    let last_col = (titles.len() as u16).saturating_sub(1);

    let mut wb = Workbook::new();
    wb.set_tempdir(temp_dir)?;
    let (sheet1, sheet2) = words::sheets(spec.lang);
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet1)?;
    for (i, (title, width)) in titles.iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, *width)?;
        ws.write_string_with_format(0, col, title.as_str(), &formats.header)?;
    }
    ws.set_freeze_panes(1, 0)?;

    let mut summary = summary::Summary::default();
    let mut row = 0u32;
    for doc in docs {
        let doc = doc.map_err(|e| ReportError::Source(e.to_string()))?;
        row += 1;
        if row >= MAX_ROWS {
            return Err(ReportError::TooManyRows(MAX_ROWS));
        }
        let mut col = 0u16;
        let mut put = |cell: Cell<'_>| -> Result<(), XlsxError> {
            cells::write(ws, &formats, row, col, &cell, false)?;
            col += 1;
            Ok(())
        };
        let value = |c: &Column| (c.value)(&doc, &ctx);
        for c in &fixed {
            put(value(c))?;
        }
        for q in &spec.survey {
            put(survey_cell(&doc, q, spec.lang))?;
        }
        put(value(&submitted))?;
        for c in &recording {
            put(value(c))?;
        }
        for f in &spec.fields {
            put(field_cell(&doc, f))?;
        }
        summary.add(&doc);
    }
    ws.autofilter(0, 0, row, last_col)?;

    let ws2 = wb.add_worksheet();
    ws2.set_name(sheet2)?;
    summary.write(ws2, &formats, spec.lang)?;
    wb.save(path)?;
    Ok(ReportStats { rows: row })
}

fn localized(l: &vc_protocol::join::Localized, lang: Language) -> &str {
    let (first, other) = match lang {
        Language::Ru => (&l.ru, &l.en),
        Language::En => (&l.en, &l.ru),
    };
    if first.trim().is_empty() { other } else { first }
}

/// The answer to `q` (by the question's id): a rating as a number, a
/// choice or text as text.
fn survey_cell<'a>(d: &'a ExportDoc, q: &SurveyQuestion, lang: Language) -> Cell<'a> {
    let Some(a) = d.survey.as_ref().and_then(|s| s.answers.iter().find(|a| Some(a.question_id) == q.id))
    else {
        return Cell::Empty;
    };
    match a.kind {
        QuestionKind::Rating => Cell::opt_number(a.rating.map(f64::from)),
        QuestionKind::Choice => Cell::opt_text(a.choice.as_ref().map(|c| localized(c, lang))),
        QuestionKind::Text => Cell::opt_text(a.text.as_deref()),
    }
}

/// A custom field's value: numbers as numbers, dates as dates, else text
/// (a value that does not fit its field's kind is written as it is).
fn field_cell<'a>(d: &'a ExportDoc, f: &CustomFieldDef) -> Cell<'a> {
    match (d.custom_fields.get(&f.key), f.kind) {
        (None, _) => Cell::Empty,
        (Some(CustomValue::Number(n)), _) => Cell::opt_number(Some(*n)),
        (Some(CustomValue::Text(t)), CustomFieldKind::Date) => match cells::serial_date(t) {
            Some(s) => Cell::Date(s),
            None => Cell::text(t.as_str()),
        },
        (Some(CustomValue::Text(t)), _) => Cell::text(t.as_str()),
    }
}

#[cfg(test)]
mod tests;
