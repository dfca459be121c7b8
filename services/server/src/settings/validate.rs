//! Checks of what admins save and of the values agents and clients send
//! against it. Every error names the field.

use std::collections::{BTreeMap, HashSet};

use chrono::{NaiveDate, Utc};
use vc_protocol::QuestionId;
use vc_protocol::join::Localized;
use vc_protocol::settings::{
    BrandingSettings, CustomFieldDef, CustomFieldKind, CustomFieldsSettings, CustomValue, CustomValues,
    FeatureSettings, QuestionKind, SurveyAnswer, SurveyResponse, SurveyResponseItem, SurveySettings,
};
use vc_runtime::ApiError;

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::validation(msg)
}

fn text(field: &str, v: &str, min: usize, max: usize) -> Result<String, ApiError> {
    let v = v.trim();
    let n = v.chars().count();
    if n < min || n > max {
        return Err(invalid(format!("{field}: {min}-{max} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(invalid(format!("{field}: control characters are not allowed")));
    }
    Ok(v.to_owned())
}

fn localized(field: &str, v: &Localized, min: usize, max: usize) -> Result<Localized, ApiError> {
    Ok(Localized {
        ru: text(&format!("{field}.ru"), &v.ru, min, max)?,
        en: text(&format!("{field}.en"), &v.en, min, max)?,
    })
}

/// `#rrggbb`, lower-cased.
pub fn color(field: &str, v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(invalid(format!("{field}: a colour like #1f6feb")));
    }
    Ok(v.to_ascii_lowercase())
}

/// An absolute http(s) URL without spaces or control characters.
pub fn url(field: &str, v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| r.split(['/', '?', '#']).next().is_some_and(|h| !h.is_empty()));
    if !host_ok
        || v.len() > 2000
        || v.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(invalid(format!("{field}: an http:// or https:// address")));
    }
    Ok(v.to_owned())
}

pub fn branding(b: BrandingSettings) -> Result<BrandingSettings, ApiError> {
    Ok(BrandingSettings {
        company_name: text("company_name", &b.company_name, 1, 100)?,
        logo_file_id: b.logo_file_id,
        accent_color: color("accent_color", &b.accent_color)?,
        background_color: color("background_color", &b.background_color)?,
        consent_text: localized("consent_text", &b.consent_text, 1, 4000)?,
        redirect_url: match b.redirect_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(url("redirect_url", u)?),
            None => None,
        },
    })
}

pub fn features(f: FeatureSettings) -> Result<FeatureSettings, ApiError> {
    if !f.two_way_video && !f.one_way_video {
        return Err(invalid("two_way_video, one_way_video: at least one video mode must stay on"));
    }
    // Asking automatically needs geolocation itself.
    Ok(FeatureSettings { auto_geolocation: f.auto_geolocation && f.geolocation, ..f })
}

fn field_key(i: usize, key: &str) -> Result<String, ApiError> {
    let key = key.trim();
    let ok = (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(invalid(format!("fields[{i}].key: 1-40 characters a-z, 0-9, _, starting with a letter")));
    }
    Ok(key.to_owned())
}

pub fn custom_fields(s: CustomFieldsSettings) -> Result<CustomFieldsSettings, ApiError> {
    if s.fields.len() > 30 {
        return Err(invalid("fields: at most 30"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(s.fields.len());
    for (i, f) in s.fields.into_iter().enumerate() {
        let key = field_key(i, &f.key)?;
        if !seen.insert(key.clone()) {
            return Err(invalid(format!("fields[{i}].key: `{key}` is used twice")));
        }
        let label = localized(&format!("fields[{i}].label"), &f.label, 1, 100)?;
        let options = if f.kind == CustomFieldKind::Select {
            if f.options.is_empty() || f.options.len() > 50 {
                return Err(invalid(format!("fields[{i}].options: 1-50 choices for a select field")));
            }
            let opts = f
                .options
                .iter()
                .enumerate()
                .map(|(j, o)| text(&format!("fields[{i}].options[{j}]"), o, 1, 100))
                .collect::<Result<Vec<_>, _>>()?;
            if opts.iter().collect::<HashSet<_>>().len() != opts.len() {
                return Err(invalid(format!("fields[{i}].options: each choice once")));
            }
            opts
        } else {
            Vec::new()
        };
        out.push(CustomFieldDef { key, label, kind: f.kind, options, required: f.required });
    }
    Ok(CustomFieldsSettings { fields: out })
}

/// Gives new questions ids; keeps the ids of edited ones.
pub fn survey(s: SurveySettings) -> Result<SurveySettings, ApiError> {
    if s.questions.len() > 20 {
        return Err(invalid("questions: at most 20"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(s.questions.len());
    for (i, mut q) in s.questions.into_iter().enumerate() {
        let id = q.id.unwrap_or_default();
        if !seen.insert(id) {
            return Err(invalid(format!("questions[{i}].id: used twice")));
        }
        q.id = Some(id);
        q.text = localized(&format!("questions[{i}].text"), &q.text, 1, 500)?;
        if q.kind == QuestionKind::Choice {
            if !(2..=10).contains(&q.options.len()) {
                return Err(invalid(format!("questions[{i}].options: 2-10 choices")));
            }
            q.options = q
                .options
                .iter()
                .enumerate()
                .map(|(j, o)| localized(&format!("questions[{i}].options[{j}]"), o, 1, 200))
                .collect::<Result<_, _>>()?;
        } else {
            q.options = Vec::new();
        }
        out.push(q);
    }
    Ok(SurveySettings { questions: out })
}

/// One value checked against its definition; text values are trimmed.
fn value(def: &CustomFieldDef, v: CustomValue) -> Result<CustomValue, ApiError> {
    let key = &def.key;
    match (def.kind, v) {
        (CustomFieldKind::Number, CustomValue::Number(n)) if n.is_finite() => Ok(CustomValue::Number(n)),
        (CustomFieldKind::Number, CustomValue::Text(t)) => match t.trim().replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(CustomValue::Number(n)),
            _ => Err(invalid(format!("custom_fields.{key}: a number"))),
        },
        (CustomFieldKind::Number, _) => Err(invalid(format!("custom_fields.{key}: a number"))),
        (CustomFieldKind::Text, CustomValue::Text(t)) => {
            Ok(CustomValue::Text(text(&format!("custom_fields.{key}"), &t, 0, 1000)?))
        }
        (CustomFieldKind::Select, CustomValue::Text(t)) => {
            let t = t.trim();
            if def.options.iter().any(|o| o == t) {
                Ok(CustomValue::Text(t.to_owned()))
            } else {
                Err(invalid(format!("custom_fields.{key}: one of {}", def.options.join(", "))))
            }
        }
        (CustomFieldKind::Date, CustomValue::Text(t)) => {
            match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
                Ok(d) => Ok(CustomValue::Text(d.format("%Y-%m-%d").to_string())),
                Err(_) => Err(invalid(format!("custom_fields.{key}: a date YYYY-MM-DD"))),
            }
        }
        (_, CustomValue::Number(_)) => Err(invalid(format!("custom_fields.{key}: text, not a number"))),
    }
}

fn is_blank(v: &CustomValue) -> bool {
    matches!(v, CustomValue::Text(t) if t.trim().is_empty())
}

/// The values of a new interaction: known keys only, right types, required present.
pub fn new_values(defs: &CustomFieldsSettings, given: CustomValues) -> Result<CustomValues, ApiError> {
    let patch = given.into_iter().map(|(k, v)| (k, Some(v))).collect();
    merge_values(defs, &CustomValues::new(), patch)
}

/// `current` with `patch` applied (`None` clears), checked as a whole.
pub fn merge_values(
    defs: &CustomFieldsSettings,
    current: &CustomValues,
    patch: BTreeMap<String, Option<CustomValue>>,
) -> Result<CustomValues, ApiError> {
    let mut out = current.clone();
    for (k, v) in patch {
        let Some(def) = defs.fields.iter().find(|d| d.key == k) else {
            return Err(invalid(format!("custom_fields.{k}: no such field")));
        };
        match v.filter(|v| !is_blank(v)) {
            Some(v) => {
                out.insert(k, value(def, v)?);
            }
            None => {
                out.remove(&k);
            }
        }
    }
    for def in defs.fields.iter().filter(|d| d.required) {
        if !out.contains_key(&def.key) {
            return Err(invalid(format!("custom_fields.{}: required", def.key)));
        }
    }
    Ok(out)
}

/// Lower-cased text of each value, for search.
pub fn search_text(values: &CustomValues) -> BTreeMap<String, String> {
    values.iter().map(|(k, v)| (k.clone(), v.to_text().to_lowercase())).collect()
}

/// The client's answers checked against the questions, stored with the
/// questions as they were asked.
pub fn answers(survey: &SurveySettings, given: Vec<SurveyAnswer>) -> Result<SurveyResponse, ApiError> {
    let mut by_id: BTreeMap<QuestionId, SurveyAnswer> = BTreeMap::new();
    for a in given {
        if by_id.insert(a.question_id, a).is_some() {
            return Err(invalid("answers: one answer per question"));
        }
    }
    let mut items = Vec::new();
    for q in &survey.questions {
        let Some(qid) = q.id else { continue };
        let a = by_id.remove(&qid);
        let item = |rating, choice, text| SurveyResponseItem {
            question_id: qid,
            kind: q.kind,
            question: q.text.clone(),
            rating,
            choice,
            text,
        };
        let answered = match (q.kind, a) {
            (_, None) => None,
            (QuestionKind::Rating, Some(a)) => match a.rating {
                Some(r @ 1..=5) => Some(item(Some(r), None, None)),
                None => None,
                Some(_) => return Err(invalid(format!("answers.{qid}.rating: 1 to 5"))),
            },
            (QuestionKind::Choice, Some(a)) => match a.choice {
                Some(i) => match q.options.get(i as usize) {
                    Some(o) => Some(item(None, Some(o.clone()), None)),
                    None => return Err(invalid(format!("answers.{qid}.choice: no such option"))),
                },
                None => None,
            },
            (QuestionKind::Text, Some(a)) => match a.text.as_deref().map(str::trim).filter(|t| !t.is_empty())
            {
                Some(t) => Some(item(None, None, Some(text(&format!("answers.{qid}.text"), t, 1, 2000)?))),
                None => None,
            },
        };
        match answered {
            Some(i) => items.push(i),
            None if q.required => {
                return Err(invalid(format!("answers.{qid}: this question needs an answer")));
            }
            None => {}
        }
    }
    if let Some(extra) = by_id.keys().next() {
        return Err(invalid(format!("answers.{extra}: no such question")));
    }
    Ok(SurveyResponse { submitted_at: Utc::now(), answers: items })
}

#[cfg(test)]
mod tests {
    use vc_protocol::settings::SurveyQuestion;

    use super::*;

    fn loc(s: &str) -> Localized {
        Localized { ru: s.into(), en: s.into() }
    }

    fn defs() -> CustomFieldsSettings {
        custom_fields(CustomFieldsSettings {
            fields: vec![
                CustomFieldDef {
                    key: "contract".into(),
                    label: loc("Contract"),
                    kind: CustomFieldKind::Text,
                    options: vec![],
                    required: true,
                },
                CustomFieldDef {
                    key: "amount".into(),
                    label: loc("Amount"),
                    kind: CustomFieldKind::Number,
                    options: vec![],
                    required: false,
                },
                CustomFieldDef {
                    key: "tier".into(),
                    label: loc("Tier"),
                    kind: CustomFieldKind::Select,
                    options: vec!["gold".into(), "basic".into()],
                    required: false,
                },
                CustomFieldDef {
                    key: "due".into(),
                    label: loc("Due"),
                    kind: CustomFieldKind::Date,
                    options: vec![],
                    required: false,
                },
            ],
        })
        .unwrap()
    }

    #[test]
    fn colours_and_urls() {
        assert_eq!(color("c", " #1F6FEB ").unwrap(), "#1f6feb");
        assert!(color("c", "red").is_err());
        assert!(color("c", "#12345").is_err());
        assert!(url("u", "https://example.com/thanks?x=1").is_ok());
        assert!(url("u", "javascript:alert(1)").is_err());
        assert!(url("u", "https://").is_err());
        assert!(url("u", "https://a b").is_err());
    }

    #[test]
    fn one_video_mode_stays_and_auto_location_needs_location() {
        let f = FeatureSettings { two_way_video: false, one_way_video: false, ..Default::default() };
        assert!(features(f).is_err());
        let f = FeatureSettings { geolocation: false, auto_geolocation: true, ..Default::default() };
        assert!(!features(f).unwrap().auto_geolocation);
    }

    #[test]
    fn field_definitions_are_checked() {
        let bad_key = CustomFieldsSettings {
            fields: vec![CustomFieldDef {
                key: "Bad Key".into(),
                label: loc("x"),
                kind: CustomFieldKind::Text,
                options: vec![],
                required: false,
            }],
        };
        assert!(custom_fields(bad_key).unwrap_err().message.contains("fields[0].key"));
        let no_options = CustomFieldsSettings {
            fields: vec![CustomFieldDef {
                key: "s".into(),
                label: loc("x"),
                kind: CustomFieldKind::Select,
                options: vec![],
                required: false,
            }],
        };
        assert!(custom_fields(no_options).is_err());
        let mut twice = defs();
        twice.fields.push(twice.fields[0].clone());
        assert!(custom_fields(twice).unwrap_err().message.contains("twice"));
    }

    #[test]
    fn values_follow_their_definitions() {
        let d = defs();
        let v = new_values(
            &d,
            [
                ("contract".to_string(), CustomValue::Text(" A-17 ".into())),
                ("amount".to_string(), CustomValue::Text("12,5".into())),
                ("tier".to_string(), CustomValue::Text("gold".into())),
                ("due".to_string(), CustomValue::Text("2026-12-31".into())),
            ]
            .into(),
        )
        .unwrap();
        assert_eq!(v["contract"], CustomValue::Text("A-17".into()));
        assert_eq!(v["amount"], CustomValue::Number(12.5));
        assert!(new_values(&d, CustomValues::new()).unwrap_err().message.contains("contract: required"));
        let with = |k: &str, val: CustomValue| {
            let mut m: CustomValues = [("contract".to_string(), CustomValue::Text("x".into()))].into();
            m.insert(k.into(), val);
            new_values(&d, m)
        };
        assert!(with("tier", CustomValue::Text("platinum".into())).is_err());
        assert!(with("due", CustomValue::Text("31.12.2026".into())).is_err());
        assert!(with("amount", CustomValue::Text("lots".into())).is_err());
        assert!(with("nope", CustomValue::Text("x".into())).unwrap_err().message.contains("no such field"));
        // A required field cannot be cleared.
        let cleared = merge_values(&d, &v, [("contract".to_string(), None)].into());
        assert!(cleared.is_err());
        let merged = merge_values(&d, &v, [("tier".to_string(), None)].into()).unwrap();
        assert!(!merged.contains_key("tier"));
        assert_eq!(search_text(&merged)["contract"], "a-17");
    }

    #[test]
    fn survey_answers_are_checked_and_keep_the_question() {
        let s = survey(SurveySettings {
            questions: vec![
                SurveyQuestion {
                    id: None,
                    kind: QuestionKind::Rating,
                    text: loc("How was it?"),
                    options: vec![],
                    required: true,
                },
                SurveyQuestion {
                    id: None,
                    kind: QuestionKind::Choice,
                    text: loc("Solved?"),
                    options: vec![loc("yes"), loc("no")],
                    required: false,
                },
                SurveyQuestion {
                    id: None,
                    kind: QuestionKind::Text,
                    text: loc("Anything else?"),
                    options: vec![],
                    required: false,
                },
            ],
        })
        .unwrap();
        let ids: Vec<QuestionId> = s.questions.iter().map(|q| q.id.unwrap()).collect();
        let a = |q: usize, rating, choice, text: Option<&str>| SurveyAnswer {
            question_id: ids[q],
            rating,
            choice,
            text: text.map(Into::into),
        };
        let r = answers(
            &s,
            vec![a(0, Some(4), None, None), a(1, None, Some(1), None), a(2, None, None, Some(" ok "))],
        )
        .unwrap();
        assert_eq!(r.answers.len(), 3);
        assert_eq!(r.answers[1].choice, Some(loc("no")));
        assert_eq!(r.answers[2].text.as_deref(), Some("ok"));
        assert!(
            answers(&s, vec![a(1, None, Some(0), None)]).unwrap_err().message.contains("needs an answer")
        );
        assert!(answers(&s, vec![a(0, Some(6), None, None)]).is_err());
        assert!(answers(&s, vec![a(0, Some(5), None, None), a(1, None, Some(2), None)]).is_err());
        let stranger =
            SurveyAnswer { question_id: QuestionId::new(), rating: Some(1), choice: None, text: None };
        assert!(
            answers(&s, vec![a(0, Some(5), None, None), stranger])
                .unwrap_err()
                .message
                .contains("no such question")
        );
        // Editing keeps ids.
        let again = survey(s.clone()).unwrap();
        assert_eq!(again.questions[0].id, s.questions[0].id);
    }
}
