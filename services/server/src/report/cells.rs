//! Typed cells and their formats: dates are Excel dates (UTC), durations
//! fractions of a day shown `[h]:mm:ss`, measurements numbers, links
//! `HYPERLINK()` formulas (a worksheet's hyperlink table is held in memory
//! until the file is saved, and Excel stops at 65,530 of them; a formula is
//! written with its row and has neither limit).

use std::borrow::Cow;

use mongodb::bson;
use rust_xlsxwriter::{Color, Format, FormatBorder, FormatPattern, Formula, Worksheet, XlsxError};

/// Days from Excel's epoch (1899-12-30) to the Unix epoch.
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;
const MS_PER_DAY: f64 = 86_400_000.0;
/// The most characters a cell holds.
const MAX_CELL_CHARS: usize = 32_767;

/// One cell's value; `Empty` writes nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    /// A count or an exact number (general format).
    Number(f64),
    /// A measurement, shown with one decimal.
    Decimal(f64),
    /// An instant, as an Excel serial date-time (UTC).
    DateTime(f64),
    /// A calendar date, as an Excel serial date.
    Date(f64),
    /// Seconds, shown as `[h]:mm:ss`.
    Duration(f64),
    /// A link: the URL and the text shown.
    Link {
        url: String,
        text: Cow<'a, str>,
    },
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<&'a str>) -> Self {
        s.map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s)))
    }

    pub fn opt_number(n: Option<f64>) -> Self {
        n.filter(|n| n.is_finite()).map_or(Cell::Empty, Cell::Number)
    }

    pub fn opt_decimal(n: Option<f64>) -> Self {
        n.filter(|n| n.is_finite()).map_or(Cell::Empty, Cell::Decimal)
    }

    pub fn opt_duration(s: Option<f64>) -> Self {
        s.filter(|s| s.is_finite()).map_or(Cell::Empty, Cell::Duration)
    }

    pub fn instant(t: bson::DateTime) -> Self {
        Cell::DateTime(serial_ms(t.timestamp_millis()))
    }

    pub fn opt_instant(t: Option<bson::DateTime>) -> Self {
        t.map_or(Cell::Empty, Cell::instant)
    }

    pub fn chrono(t: chrono::DateTime<chrono::Utc>) -> Self {
        Cell::DateTime(serial_ms(t.timestamp_millis()))
    }
}

/// The Excel serial date-time of a Unix time in milliseconds.
pub fn serial_ms(ms: i64) -> f64 {
    ms as f64 / MS_PER_DAY + UNIX_EPOCH_SERIAL
}

/// The Excel serial date of `YYYY-MM-DD`.
pub fn serial_date(s: &str) -> Option<f64> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    Some((d - epoch).num_days() as f64)
}

/// The formats cells use, made once per workbook.
pub struct Formats {
    pub header: Format,
    pub total: Format,
    decimal: Format,
    datetime: Format,
    date: Format,
    duration: Format,
    link: Format,
    total_duration: Format,
    total_decimal: Format,
}

impl Formats {
    pub fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_pattern(FormatPattern::Solid)
            .set_background_color(Color::RGB(0xDD_EB_F7))
            .set_border_bottom(FormatBorder::Thin);
        let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
        Self {
            header,
            decimal: Format::new().set_num_format("0.0"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            duration: Format::new().set_num_format("[h]:mm:ss"),
            link: Format::new()
                .set_font_color(Color::Blue)
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            total_duration: total.clone().set_num_format("[h]:mm:ss"),
            total_decimal: total.clone().set_num_format("0.0"),
            total,
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes `cell` at (`row`, `col`); `bold` for a totals row.
pub fn write(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    bold: bool,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            let s = clip(s);
            if bold {
                ws.write_string_with_format(row, col, s, &f.total)?;
            } else {
                ws.write_string(row, col, s)?;
            }
        }
        Cell::Number(n) => {
            if bold {
                ws.write_number_with_format(row, col, *n, &f.total)?;
            } else {
                ws.write_number(row, col, *n)?;
            }
        }
        Cell::Decimal(n) => {
            ws.write_number_with_format(row, col, *n, if bold { &f.total_decimal } else { &f.decimal })?;
        }
        Cell::DateTime(n) => {
            ws.write_number_with_format(row, col, *n, &f.datetime)?;
        }
        Cell::Date(n) => {
            ws.write_number_with_format(row, col, *n, &f.date)?;
        }
        Cell::Duration(secs) => {
            let fmt = if bold { &f.total_duration } else { &f.duration };
            ws.write_number_with_format(row, col, secs / 86_400.0, fmt)?;
        }
        Cell::Link { url, text } => {
            let formula = format!("=HYPERLINK(\"{}\",\"{}\")", quote(url), quote(text));
            ws.write_formula_with_format(row, col, Formula::new(formula).set_result(clip(text)), &f.link)?;
        }
    }
    Ok(())
}

/// At most the characters a cell holds.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A string literal's content inside a formula.
fn quote(s: &str) -> String {
    s.replace('"', "\"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_count_from_1899_12_30() {
        assert_eq!(serial_ms(0), 25_569.0);
        assert_eq!(serial_date("1970-01-01"), Some(25_569.0));
        assert_eq!(serial_date("2026-11-21"), Some(46_347.0));
        assert_eq!(serial_date("21.11.2026"), None);
        // 12:00 UTC is half a day.
        assert_eq!(serial_ms(43_200_000), 25_569.5);
    }

    #[test]
    fn quotes_in_formulas_are_doubled_and_long_text_clipped() {
        assert_eq!(quote("a\"b"), "a\"\"b");
        let long = "я".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(clip(&long).chars().count(), MAX_CELL_CHARS);
        assert_eq!(clip("short"), "short");
    }
}
