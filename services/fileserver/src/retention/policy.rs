//! Retention policies: how many days each storage class is kept, and the
//! cron schedule of the cleanup. Pure: checked here, stored by
//! [`super::store`], applied by [`super::job`].

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use vc_protocol::files::FileKind;
use vc_protocol::storage::{RetentionSettings, StorageClass};

/// When the cleanup runs unless an admin says otherwise: 03:00 UTC daily.
pub const DEFAULT_SCHEDULE: &str = "0 3 * * *";
/// The longest a policy may keep a class (100 years); `None` keeps it for ever.
pub const MAX_DAYS: u32 = 36_500;

/// The file kinds of a storage class (documents without a kind are chat
/// files; [`crate::store::Files::stored_before`] counts them in).
pub fn kinds_of(class: StorageClass) -> &'static [FileKind] {
    match class {
        StorageClass::ChatFiles => &[FileKind::Chat],
        StorageClass::Screenshots => &[FileKind::Screenshot, FileKind::Photo, FileKind::Annotated],
        StorageClass::Recordings => &[FileKind::Recording],
    }
}

/// A cron expression of 5 fields (minute, hour, day of month, month, day
/// of week; POSIX: a day matches when its day of month or its weekday
/// does), evaluated in UTC.
#[derive(Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The fields joined by single spaces.
    text: String,
    cron: Cron,
}

impl Schedule {
    /// Parses and checks a schedule; the error names the `schedule` field.
    pub fn parse(text: &str) -> Result<Self, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "`schedule` must be a cron expression of 5 fields (minute hour day-of-month month \
                 day-of-week, UTC), e.g. `{DEFAULT_SCHEDULE}`; `{}` has {}",
                text.trim(),
                fields.len()
            ));
        }
        let text = fields.join(" ");
        let parser = CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).build();
        let cron = parser
            .parse(&text)
            .map_err(|e| format!("`schedule` `{text}` is not a valid cron expression: {e}"))?;
        let schedule = Self { text, cron };
        if schedule.next_after(Utc::now()).is_none() {
            return Err(format!("`schedule` `{}` never matches a date (e.g. 30 February)", schedule.text));
        }
        Ok(schedule)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first time the schedule names strictly after `t`; `None` if there is none.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&t, false).ok()
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({:?})", self.text)
    }
}

/// Checked retention settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub chat_files_days: Option<u32>,
    pub screenshots_days: Option<u32>,
    pub recordings_days: Option<u32>,
    pub schedule: Schedule,
}

impl Policy {
    /// Checks each field; the error (for 422 `validation_failed`) names the field.
    pub fn new(
        chat_files_days: Option<u32>,
        screenshots_days: Option<u32>,
        recordings_days: Option<u32>,
        schedule: &str,
    ) -> Result<Self, String> {
        for (field, days) in [
            ("chat_files_days", chat_files_days),
            ("screenshots_days", screenshots_days),
            ("recordings_days", recordings_days),
        ] {
            if let Some(d) = days
                && !(1..=MAX_DAYS).contains(&d)
            {
                return Err(format!(
                    "`{field}` must be between 1 and {MAX_DAYS} days, or null to keep the files for ever; got {d}"
                ));
            }
        }
        Ok(Self { chat_files_days, screenshots_days, recordings_days, schedule: Schedule::parse(schedule)? })
    }

    /// Everything kept for ever; the (idle) cleanup at 03:00 UTC.
    pub fn defaults() -> Result<Self, String> {
        Self::new(None, None, None, DEFAULT_SCHEDULE)
    }

    /// From a `PUT /api/storage/retention` body (`next_run` is ignored).
    pub fn from_settings(s: &RetentionSettings) -> Result<Self, String> {
        Self::new(s.chat_files_days, s.screenshots_days, s.recordings_days, &s.schedule)
    }

    /// The answer of `GET`/`PUT /api/storage/retention`.
    pub fn settings(&self, now: DateTime<Utc>) -> RetentionSettings {
        RetentionSettings {
            chat_files_days: self.chat_files_days,
            screenshots_days: self.screenshots_days,
            recordings_days: self.recordings_days,
            schedule: self.schedule.as_str().to_owned(),
            next_run: self.schedule.next_after(now),
        }
    }

    pub fn days(&self, class: StorageClass) -> Option<u32> {
        match class {
            StorageClass::ChatFiles => self.chat_files_days,
            StorageClass::Screenshots => self.screenshots_days,
            StorageClass::Recordings => self.recordings_days,
        }
    }

    /// Files of `class` stored before this time are past their policy at
    /// `now`; `None`: the class is kept for ever.
    pub fn cutoff(&self, class: StorageClass, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.days(class).map(|d| now - Duration::days(i64::from(d)))
    }

    /// No class has a limit: a cleanup would find nothing.
    pub fn keeps_everything(&self) -> bool {
        StorageClass::ALL.iter().all(|c| self.days(*c).is_none())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn every_kind_is_in_the_class_the_protocol_gives_it() {
        let all =
            [FileKind::Chat, FileKind::Screenshot, FileKind::Photo, FileKind::Annotated, FileKind::Recording];
        for kind in all {
            let classes: Vec<StorageClass> =
                StorageClass::ALL.into_iter().filter(|c| kinds_of(*c).contains(&kind)).collect();
            assert_eq!(classes, vec![StorageClass::of(kind)], "{kind:?}");
        }
    }

    #[test]
    fn the_default_keeps_everything_and_runs_at_three() {
        let p = Policy::defaults().unwrap();
        assert!(p.keeps_everything());
        assert_eq!(p.schedule.as_str(), DEFAULT_SCHEDULE);
        let s = p.settings(at(2026, 11, 21, 10, 15, 0));
        assert_eq!(s.next_run, Some(at(2026, 11, 22, 3, 0, 0)));
        assert_eq!((s.chat_files_days, s.screenshots_days, s.recordings_days), (None, None, None));
    }

    #[test]
    fn the_next_run_is_strictly_after_and_in_utc() {
        let s = Schedule::parse("*/15 * * * *").unwrap();
        assert_eq!(s.next_after(at(2026, 1, 1, 10, 0, 0)), Some(at(2026, 1, 1, 10, 15, 0)));
        assert_eq!(s.next_after(at(2026, 1, 1, 10, 14, 59)), Some(at(2026, 1, 1, 10, 15, 0)));
        let daily = Schedule::parse("  30   2 * *  * ").unwrap();
        assert_eq!(daily.as_str(), "30 2 * * *", "kept with single spaces");
        assert_eq!(daily.next_after(at(2026, 1, 1, 2, 30, 0)), Some(at(2026, 1, 2, 2, 30, 0)));
        // POSIX weekdays: 0 is Sunday; 2026-11-22 is a Sunday.
        let sundays = Schedule::parse("0 4 * * 0").unwrap();
        assert_eq!(sundays.next_after(at(2026, 11, 18, 0, 0, 0)), Some(at(2026, 11, 22, 4, 0, 0)));
        let seven = Schedule::parse("0 4 * * 7").unwrap();
        assert_eq!(
            seven.next_after(at(2026, 11, 18, 0, 0, 0)),
            Some(at(2026, 11, 22, 4, 0, 0)),
            "7 is Sunday too"
        );
        let named = Schedule::parse("0 4 * * SUN").unwrap();
        assert_eq!(named.next_after(at(2026, 11, 18, 0, 0, 0)), Some(at(2026, 11, 22, 4, 0, 0)));
        // Both day fields: either matches (the 1st, or a Sunday).
        let either = Schedule::parse("0 4 1 * 0").unwrap();
        assert_eq!(either.next_after(at(2026, 11, 18, 0, 0, 0)), Some(at(2026, 11, 22, 4, 0, 0)));
        assert_eq!(either.next_after(at(2026, 11, 29, 5, 0, 0)), Some(at(2026, 12, 1, 4, 0, 0)));
        let every_minute = Schedule::parse("* * * * *").unwrap();
        let t = at(2026, 1, 1, 10, 0, 0) + Duration::milliseconds(500);
        assert_eq!(every_minute.next_after(t), Some(at(2026, 1, 1, 10, 1, 0)));
    }

    #[test]
    fn bad_schedules_are_refused_naming_the_field() {
        for bad in [
            "",
            "0 3 * *",
            "0 0 3 * * *",
            "0 3 * * * 2030",
            "61 3 * * *",
            "0 25 * * *",
            "a b c d e",
            "@daily",
        ] {
            let e = Schedule::parse(bad).unwrap_err();
            assert!(e.contains("`schedule`"), "{bad}: {e}");
        }
        let e = Schedule::parse("0 0 30 2 *").unwrap_err();
        assert!(e.contains("never matches"), "{e}");
    }

    #[test]
    fn days_are_bounded_and_null_keeps_for_ever() {
        assert!(Policy::new(Some(1), Some(MAX_DAYS), None, "0 3 * * *").is_ok());
        for (field, p) in [
            ("chat_files_days", Policy::new(Some(0), None, None, "0 3 * * *")),
            ("screenshots_days", Policy::new(None, Some(MAX_DAYS + 1), None, "0 3 * * *")),
            ("recordings_days", Policy::new(None, None, Some(0), "0 3 * * *")),
        ] {
            let e = p.unwrap_err();
            assert!(e.contains(&format!("`{field}`")), "{e}");
        }
        assert!(Policy::new(Some(5), None, None, "nope").unwrap_err().contains("`schedule`"));
    }

    #[test]
    fn the_cutoff_is_that_many_days_before_now() {
        let p = Policy::new(Some(30), None, Some(1), "0 3 * * *").unwrap();
        let now = at(2026, 3, 31, 12, 0, 0);
        assert_eq!(p.cutoff(StorageClass::ChatFiles, now), Some(at(2026, 3, 1, 12, 0, 0)));
        assert_eq!(p.cutoff(StorageClass::Screenshots, now), None);
        assert_eq!(p.cutoff(StorageClass::Recordings, now), Some(at(2026, 3, 30, 12, 0, 0)));
        assert!(!p.keeps_everything());
        let s = p.settings(now);
        assert_eq!(Policy::from_settings(&s).unwrap(), p);
    }
}
