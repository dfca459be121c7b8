//! The summary sheet: counts and times per agent and per day (UTC), and the
//! totals. The only state the export keeps while rows stream past: one
//! small aggregate per agent and per day.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{Worksheet, XlsxError};
use vc_protocol::UserId;
use vc_protocol::interaction::InteractionStatus;
use vc_protocol::msg::Language;
use vc_protocol::stat::QualityRating;

use super::cells::{Cell, Formats, write};
use super::rows::ExportDoc;
use super::words;

const DAY_MS: i64 = 86_400_000;
/// Excel's serial number of 1970-01-01.
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;

/// Sums over a set of interactions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agg {
    pub calls: u64,
    pub ended: u64,
    pub failed: u64,
    pub talk_s: f64,
    pub talked: u64,
    pub waiting_s: f64,
    pub waited: u64,
    pub poor: u64,
    pub rating_sum: f64,
    pub ratings: u64,
}

impl Agg {
    fn add(&mut self, d: &ExportDoc) {
        self.calls += 1;
        match d.status {
            InteractionStatus::Ended => self.ended += 1,
            InteractionStatus::Failed => self.failed += 1,
            _ => {}
        }
        if let Some(m) = &d.metrics {
            if let Some(t) = m.timing.talk_s.filter(|t| t.is_finite()) {
                self.talk_s += t;
                self.talked += 1;
            }
            if let Some(w) = m.timing.waiting_s.filter(|w| w.is_finite()) {
                self.waiting_s += w;
                self.waited += 1;
            }
            if m.quality.rating == QualityRating::Poor {
                self.poor += 1;
            }
        }
        if let Some(s) = &d.survey {
            for r in s.answers.iter().filter_map(|a| a.rating) {
                self.rating_sum += f64::from(r);
                self.ratings += 1;
            }
        }
    }

    fn cells(&self) -> [Cell<'static>; 8] {
        let mean = |sum: f64, n: u64| if n == 0 { None } else { Some(sum / n as f64) };
        [
            Cell::Number(self.calls as f64),
            Cell::Number(self.ended as f64),
            Cell::Number(self.failed as f64),
            Cell::Duration(self.talk_s),
            Cell::opt_duration(mean(self.talk_s, self.talked)),
            Cell::opt_duration(mean(self.waiting_s, self.waited)),
            Cell::Number(self.poor as f64),
            Cell::opt_decimal(mean(self.rating_sum, self.ratings)),
        ]
    }
}

/// Aggregates per agent and per UTC day, and overall.
#[derive(Debug, Default)]
pub struct Summary {
    /// Agent id -> (its name on its newest call, sums).
    pub agents: HashMap<UserId, (String, Agg)>,
    /// Days since the Unix epoch (UTC) -> sums.
    pub days: BTreeMap<i64, Agg>,
    pub total: Agg,
}

impl Summary {
    pub fn add(&mut self, d: &ExportDoc) {
        self.agents.entry(d.agent_id).or_insert_with(|| (d.agent_name.clone(), Agg::default())).1.add(d);
        self.days.entry(d.created_at.timestamp_millis().div_euclid(DAY_MS)).or_default().add(d);
        self.total.add(d);
    }

    /// Writes both tables on `ws`.
    pub fn write(&self, ws: &mut Worksheet, f: &Formats, lang: Language) -> Result<(), XlsxError> {
        let w = words::summary(lang);
        ws.set_column_width(0, 24)?;
        for c in 1..=8u16 {
            ws.set_column_width(c, 14)?;
        }
        let mut agents: Vec<&(String, Agg)> = self.agents.values().collect();
        agents.sort_by(|a, b| a.0.to_lowercase().cmp(&b.0.to_lowercase()).then(b.1.calls.cmp(&a.1.calls)));
        let mut row = 0u32;
        row = table(
            ws,
            f,
            row,
            w.by_agent,
            w.agent,
            &w,
            agents.iter().map(|(n, a)| (Cell::text(n.as_str()), a)),
        )?;
        row = totals(ws, f, row, &w, &self.total)? + 1;
        let days = self.days.iter().map(|(day, a)| (Cell::Date(*day as f64 + UNIX_EPOCH_SERIAL), a));
        row = table(ws, f, row, w.by_day, w.day, &w, days)?;
        totals(ws, f, row, &w, &self.total)?;
        Ok(())
    }
}

/// A title, a header and a row per entry; returns the next free row.
fn table<'a>(
    ws: &mut Worksheet,
    f: &Formats,
    mut row: u32,
    title: &str,
    first: &str,
    w: &words::SummaryWords,
    entries: impl Iterator<Item = (Cell<'a>, &'a Agg)>,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, title, &f.total)?;
    row += 1;
    ws.write_string_with_format(row, 0, first, &f.header)?;
    for (i, t) in w.columns.iter().enumerate() {
        ws.write_string_with_format(row, i as u16 + 1, *t, &f.header)?;
    }
    row += 1;
    for (key, agg) in entries {
        write(ws, f, row, 0, &key, false)?;
        for (i, c) in agg.cells().iter().enumerate() {
            write(ws, f, row, i as u16 + 1, c, false)?;
        }
        row += 1;
    }
    Ok(row)
}

fn totals(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    w: &words::SummaryWords,
    agg: &Agg,
) -> Result<u32, XlsxError> {
    write(ws, f, row, 0, &Cell::text(w.total), true)?;
    for (i, c) in agg.cells().iter().enumerate() {
        write(ws, f, row, i as u16 + 1, c, true)?;
    }
    Ok(row + 1)
}
