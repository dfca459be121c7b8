#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Read;

use chrono::Utc;
use vc_protocol::msg::Language;

use super::*;

/// The XML of `name` inside the workbook at `path`.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn export(n: u64, lang: Language) -> (tempfile_dir::Dir, std::path::PathBuf, ReportStats, ReportSpec) {
    let spec = sample::spec(lang);
    let agents = sample::agents();
    let now = Utc::now();
    let dir = tempfile_dir::Dir::new();
    let path = dir.0.join("out.xlsx");
    let docs = (0..n).map(|i| Ok::<_, String>(sample::doc(i, now, &spec, &agents)));
    let stats = write_report(&spec, docs, &path, &dir.0).unwrap();
    (dir, path, stats, spec)
}

/// A directory under the system temp dir, removed at the end.
mod tempfile_dir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!("vc-report-test-{:016x}", rand::random::<u64>()));
            std::fs::create_dir_all(&p).unwrap();
            Self(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn every_interaction_is_a_row_under_a_frozen_filtered_header() {
    let (_dir, path, stats, spec) = export(30, Language::En);
    assert_eq!(stats.rows, 30);
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert_eq!(sheet.matches("<row ").count(), 31, "header + 30 rows");
    let cols = columns::fixed().len() + spec.survey.len() + 1 + 2 + spec.fields.len();
    let last = rust_xlsxwriter::utility::column_number_to_name(cols as u16 - 1);
    assert!(sheet.contains(&format!("<autoFilter ref=\"A1:{last}31\"/>")), "{}", &sheet[..600]);
    assert!(sheet.contains("state=\"frozen\""));
    assert!(
        sheet.contains("Created (UTC)")
            && sheet.contains("How was the call?")
            && sheet.contains("Visit date")
    );
    assert!(sheet.contains("<f>HYPERLINK(\"https://va.example.com/api/files/"));
    // A recording the retention policy deleted has no link, and says so.
    assert!(sheet.contains("deleted (retention policy)"));
    assert_eq!(
        sheet.matches("HYPERLINK(").count(),
        (0..30).filter(|i| i % 10 != 3 && i % 3 != 0 && i % 7 != 1).count(),
        "a link for each stored recording"
    );
    let workbook = part(&path, "xl/workbook.xml");
    let (first, second) =
        (workbook.find("name=\"Interactions\"").unwrap(), workbook.find("name=\"Summary\"").unwrap());
    assert!(first < second, "the interactions sheet comes first");
    // The summary is a normal sheet: its text is in the shared strings.
    let strings = part(&path, "xl/sharedStrings.xml");
    assert!(strings.contains("By agent") && strings.contains("Total"));
    assert!(part(&path, "xl/worksheets/sheet2.xml").matches("<row ").count() > 20 + 2 + 2);
}

#[test]
fn titles_and_words_follow_the_language() {
    let (_dir, path, _, _) = export(3, Language::Ru);
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("Создано (UTC)") && sheet.contains("Как прошёл звонок?") && sheet.contains("Договор")
    );
    assert!(sheet.contains("завершено"));
    assert!(part(&path, "xl/workbook.xml").contains("name=\"Обращения\""));
}

#[test]
fn a_failing_source_stops_the_export() {
    let spec = sample::spec(Language::En);
    let dir = tempfile_dir::Dir::new();
    let docs = vec![Err::<ExportDoc, _>("cursor lost")];
    let err = write_report(&spec, docs, &dir.0.join("x.xlsx"), &dir.0).unwrap_err();
    assert!(matches!(err, ReportError::Source(m) if m == "cursor lost"));
}

#[test]
fn cells_are_typed() {
    let spec = sample::spec(Language::En);
    let agents = sample::agents();
    let d = sample::doc(2, Utc::now(), &spec, &agents);
    let ctx = RowCtx { lang: Language::En, public_base: "https://h".into() };
    let cols = columns::fixed();
    let by = |title: &str| (cols.iter().find(|c| c.en == title).unwrap().value)(&d, &ctx);
    assert!(matches!(by("Created (UTC)"), Cell::DateTime(_)));
    assert!(matches!(by("Talk time"), Cell::Duration(s) if s == 62.0));
    assert!(matches!(by("Client → agent: video bitrate avg, kbps"), Cell::Decimal(_)));
    assert_eq!(by("Status"), Cell::text("ended"));
    assert_eq!(survey_cell(&d, &spec.survey[0], Language::En), Cell::Number(3.0));
    assert_eq!(survey_cell(&d, &spec.survey[1], Language::Ru), Cell::text("Да"));
    assert!(matches!(field_cell(&d, &spec.fields[1]), Cell::Number(_)));
    assert!(matches!(field_cell(&d, &spec.fields[2]), Cell::Date(_)));
    // No metrics yet (vc-stat has not run): empty cells.
    let bare = ExportDoc { metrics: None, ..d };
    assert_eq!(by_doc(&cols, &bare, &ctx, "Talk time"), Cell::Empty);
}

fn by_doc<'a>(cols: &[Column], d: &'a ExportDoc, ctx: &RowCtx, title: &str) -> Cell<'a> {
    (cols.iter().find(|c| c.en == title).unwrap().value)(d, ctx)
}
