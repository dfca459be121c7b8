//! E-mail over SMTP with lettre: STARTTLS, implicit TLS or (local relays
//! only) plain; authentication; an HTML part with the company's branding
//! and a plain-text alternative; our own Message-ID, the same on every try.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use vc_protocol::msg::FailureReason;

use super::{SendOutcome, snippet};
use crate::config::{EmailSettings, SmtpSecurity};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    from_name: Option<String>,
}

/// One e-mail to send.
pub struct Mail<'a> {
    pub to: &'a str,
    pub to_name: Option<&'a str>,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    /// `<...@...>`
    pub message_id: &'a str,
    /// The sender's display name when none is configured.
    pub company: &'a str,
}

impl Mailer {
    /// `Err` names what is wrong with the configuration.
    pub fn new(cfg: &EmailSettings) -> Result<Self, String> {
        let host = cfg.host.as_deref().ok_or("msg.email.host is not set")?;
        let from: Mailbox = cfg
            .from
            .as_deref()
            .ok_or("msg.email.from is not set")?
            .parse()
            .map_err(|e| format!("msg.email.from: {e}"))?;
        let tls = || -> Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(host.to_owned());
            if let Some(path) = &cfg.ca_file {
                let pem =
                    std::fs::read(path).map_err(|e| format!("msg.email.ca_file {}: {e}", path.display()))?;
                let cert = Certificate::from_pem(&pem).map_err(|e| format!("msg.email.ca_file: {e}"))?;
                b = b.add_root_certificate(cert);
            }
            b.build_rustls().map_err(|e| format!("msg.email TLS: {e}"))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(cfg.port).tls(
            match cfg.security {
                SmtpSecurity::Starttls => Tls::Required(tls()?),
                SmtpSecurity::Tls => Tls::Wrapper(tls()?),
                SmtpSecurity::None => Tls::None,
            },
        );
        if let (Some(user), Some(password)) = (&cfg.username, &cfg.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let transport = builder.timeout(Some(Duration::from_secs(cfg.timeout_secs.max(1)))).build();
        Ok(Self { transport, from, from_name: cfg.from_name.clone() })
    }

    pub async fn send(&self, mail: &Mail<'_>) -> SendOutcome {
        let to = match mail.to.parse::<lettre::Address>() {
            Ok(a) => Mailbox::new(mail.to_name.map(str::to_owned), a),
            Err(e) => {
                return SendOutcome::Failed {
                    reason: FailureReason::Rejected,
                    detail: format!("{:?} is not an e-mail address: {e}", mail.to),
                };
            }
        };
        let from = Mailbox::new(
            Some(self.from_name.clone().unwrap_or_else(|| mail.company.to_owned())),
            self.from.email.clone(),
        );
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject)
            .message_id(Some(mail.message_id.to_owned()))
            .date_now()
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.to_owned()),
                    )
                    .singlepart(
                        SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html.to_owned()),
                    ),
            );
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                return SendOutcome::Failed {
                    reason: FailureReason::ProviderError,
                    detail: format!("building the e-mail: {e}"),
                };
            }
        };
        match self.transport.send(message).await {
            Ok(response) => {
                SendOutcome::Sent { provider_id: response.message().next().map(|line| snippet(line, 200)) }
            }
            Err(e) => classify(&e),
        }
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> SendOutcome {
    let detail = snippet(&e.to_string(), 300);
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    if e.is_permanent() {
        // 530/534/535: authentication required / refused.
        let reason =
            if code.starts_with("53") { FailureReason::BadCredentials } else { FailureReason::Rejected };
        return SendOutcome::Failed { reason, detail: format!("SMTP {detail}") };
    }
    if e.is_transient() {
        return SendOutcome::Retry { error: format!("SMTP {detail}"), after: None, ambiguous: false };
    }
    if e.is_tls() {
        // A certificate the relay should not have: retrying will not help.
        return SendOutcome::Failed {
            reason: FailureReason::ProviderError,
            detail: format!("SMTP TLS: {detail}"),
        };
    }
    // Connection trouble or a timeout: the server may have taken the
    // message; a retry carries the same Message-ID.
    SendOutcome::Retry { error: format!("SMTP: {detail}"), after: None, ambiguous: true }
}
