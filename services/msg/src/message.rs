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
