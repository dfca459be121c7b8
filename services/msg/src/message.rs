//! What a delivery says on each channel, from the templates of its kind:
//! the link now, the link of a call booked for later (with its time in the
//! client's time zone and language), or a booked call's cancellation (no
//! link, no button; the reason added when staff gave one). Everything
//! depends only on the delivery, so a retry sends the same text.

use vc_protocol::join::Localized;
use vc_protocol::msg::DeliveryKind;

use crate::config::Templates;
use crate::store::{DeliveryDoc, to_chrono};
use crate::template::{self, Vars, pick};

pub struct Message<'a> {
    t: &'a Templates,
    doc: &'a DeliveryDoc,
    time: String,
    reason: Option<&'a str>,
}

/// The templates of one kind.
struct Set<'a> {
    sms: &'a Localized,
    telegram: &'a Localized,
    email_subject: &'a Localized,
    email_text: &'a Localized,
}

impl<'a> Message<'a> {
    pub fn new(t: &'a Templates, doc: &'a DeliveryDoc) -> Self {
        // "This year" is the delivery's creation year, so a retry on
        // 1 January writes the same text.
        let now = to_chrono(doc.created_at);
        let (time, reason) = match &doc.kind {
            DeliveryKind::Link => (String::new(), None),
            DeliveryKind::ScheduledLink { at, time_zone } => {
                (template::call_time(*at, time_zone, doc.language, now), None)
            }
            DeliveryKind::Cancelled { at, time_zone, reason } => (
                template::call_time(*at, time_zone, doc.language, now),
                reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
            ),
        };
        Self { t, doc, time, reason }
    }

    fn set(&self) -> Set<'a> {
        let t = self.t;
        match self.doc.kind {
            DeliveryKind::Link => Set {
                sms: &t.sms,
                telegram: &t.telegram,
                email_subject: &t.email_subject,
                email_text: &t.email_text,
            },
            DeliveryKind::ScheduledLink { .. } => Set {
                sms: &t.sms_scheduled,
                telegram: &t.telegram_scheduled,
                email_subject: &t.email_subject_scheduled,
                email_text: &t.email_text_scheduled,
            },
            DeliveryKind::Cancelled { .. } => Set {
                sms: &t.sms_cancelled,
                telegram: &t.telegram_cancelled,
                email_subject: &t.email_subject_cancelled,
                email_text: &t.email_text_cancelled,
            },
        }
    }

    fn cancelled(&self) -> bool {
        matches!(self.doc.kind, DeliveryKind::Cancelled { .. })
    }

    fn vars(&self) -> Vars<'_> {
        Vars {
            company: &self.doc.company_name,
            link: &self.doc.link,
            agent: &self.doc.agent_name,
            client: self.doc.client_name.as_deref(),
            time: &self.time,
            reason: self.reason.unwrap_or_default(),
        }
    }

    /// `template` filled in, with the reason after `sep` when there is one.
    fn text(&self, template: &Localized, sep: &str) -> String {
        let v = self.vars();
        let mut out = template::render(pick(template, self.doc.language), &v);
        if self.reason.is_some() {
            out.push_str(sep);
            out.push_str(&template::render(pick(&self.t.cancel_reason, self.doc.language), &v));
        }
        out
    }

    pub fn sms(&self) -> String {
        self.text(self.set().sms, " ")
    }

    /// The text and, unless it is a cancellation, the join button (caption, link).
    pub fn telegram(&self) -> (String, Option<(&'a str, &'a str)>) {
        let button = (!self.cancelled())
            .then(|| (pick(&self.t.telegram_button, self.doc.language), self.doc.link.as_str()));
        (self.text(self.set().telegram, "\n\n"), button)
    }

    /// Subject, plain text and HTML.
    pub fn email(&self) -> (String, String, String) {
        let set = self.set();
        let text = self.text(set.email_text, "\n\n");
        let (link, button) = if self.cancelled() {
            ("", None)
        } else {
            (self.doc.link.as_str(), Some(pick(&self.t.email_button, self.doc.language)))
        };
        let html = template::email_html(
            &text,
            link,
            &self.doc.company_name,
            &self.doc.accent_color,
            button,
            self.doc.language,
        );
        (template::render(pick(set.email_subject, self.doc.language), &self.vars()), text, html)
    }

    /// The webhook's `event`.
    pub fn event(&self) -> &'static str {
        match self.doc.kind {
            DeliveryKind::Link => "link",
            DeliveryKind::ScheduledLink { .. } => "scheduled_link",
            DeliveryKind::Cancelled { .. } => "cancelled",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use vc_protocol::InteractionId;
    use vc_protocol::msg::{Channel, ClientContact, DeliveryId, DeliveryStatus, Language};

    use super::*;
    use crate::store::{Step, to_bson};

    fn doc(kind: DeliveryKind, language: Language) -> DeliveryDoc {
        let created: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        DeliveryDoc {
            id: DeliveryId::new(),
            interaction_id: InteractionId::new(),
            channel: Channel::Sms,
            to: Some("+79161234567".into()),
            telegram_contact: None,
            language,
            link: "https://va.example/s/AbC23456".into(),
            company_name: "Acme <Bank>".into(),
            accent_color: "#123456".into(),
            agent_name: "Ann".into(),
            client_name: Some("Ivan".into()),
            contact: ClientContact::default(),
            kind,
            status: DeliveryStatus::Queued,
            provider_id: None,
            reason: None,
            detail: None,
            created_at: to_bson(created),
            updated_at: to_bson(created),
            attempts: Vec::new(),
            step: Step::Send,
            next_at: None,
            lease_until: None,
            in_flight: false,
            sends: 0,
            smsc_id: None,
            sent_at: None,
            start_payload: None,
            start_url: None,
            message_id: None,
            announce_pending: false,
        }
    }

    fn at() -> DateTime<Utc> {
        "2026-12-05T12:30:00Z".parse().unwrap()
    }

    #[test]
    fn the_link_now_reads_as_before() {
        let t = Templates::default();
        let d = doc(DeliveryKind::Link, Language::Ru);
        let m = Message::new(&t, &d);
        assert_eq!(m.sms(), "Acme <Bank>: видеозвонок с оператором https://va.example/s/AbC23456");
        assert_eq!(m.event(), "link");
        assert_eq!(m.telegram().1, Some(("Присоединиться", "https://va.example/s/AbC23456")));
    }

    #[test]
    fn a_booked_link_names_the_time_in_the_clients_zone() {
        let t = Templates::default();
        let d =
            doc(DeliveryKind::ScheduledLink { at: at(), time_zone: "Europe/Moscow".into() }, Language::Ru);
        let m = Message::new(&t, &d);
        let sms = m.sms();
        assert!(sms.contains("5 декабря в 15:30 (MSK)") && sms.contains(&d.link), "{sms}");
        let (text, button) = m.telegram();
        assert!(text.contains("5 декабря в 15:30 (MSK)") && text.contains("Ann"), "{text}");
        assert!(button.is_some());
        let (subject, text, html) = m.email();
        assert_eq!(subject, "Acme <Bank>: видеозвонок 5 декабря в 15:30 (MSK)");
        assert!(text.contains("Здравствуйте, Ivan!") && text.contains(&d.link), "{text}");
        assert!(
            html.contains("Acme &lt;Bank&gt;") && html.contains(r#"<a href="https://va.example/s/AbC23456""#)
        );
        assert_eq!(m.event(), "scheduled_link");
    }

    #[test]
    fn a_cancellation_has_no_link_and_carries_the_reason() {
        let t = Templates::default();
        let kind = DeliveryKind::Cancelled {
            at: at(),
            time_zone: "Europe/London".into(),
            reason: Some("the <agent> is ill".into()),
        };
        let d = doc(kind, Language::En);
        let m = Message::new(&t, &d);
        assert_eq!(
            m.sms(),
            "Acme <Bank>: the video call on 5 December at 12:30 (GMT) is cancelled. Reason: the <agent> is ill"
        );
        let (text, button) = m.telegram();
        assert!(button.is_none() && !text.contains("/s/"), "{text}");
        assert!(text.ends_with("\n\nReason: the <agent> is ill"), "{text}");
        let (subject, text, html) = m.email();
        assert_eq!(subject, "Acme <Bank>: your video call on 5 December at 12:30 (GMT) is cancelled");
        assert!(!text.contains("/s/") && text.contains("Reason: the <agent> is ill"), "{text}");
        assert!(!html.contains("<a href") && html.contains("the &lt;agent&gt; is ill"), "{html}");
        assert_eq!(m.event(), "cancelled");
        let quiet =
            doc(DeliveryKind::Cancelled { at: at(), time_zone: "UTC".into(), reason: None }, Language::En);
        assert_eq!(
            Message::new(&t, &quiet).sms(),
            "Acme <Bank>: the video call on 5 December at 12:30 (UTC) is cancelled."
        );
    }
}
