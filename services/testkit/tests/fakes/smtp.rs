//! `SmtpSink`: a real SMTP server in each mode, driven by lettre.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use vc_testkit::fakes::{SmtpMode, SmtpSink};

fn message(to: &str) -> Message {
    Message::builder()
        .from("VideoAssist <noreply@va.example>".parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Ссылка на видеозвонок")
        .header(ContentType::TEXT_PLAIN)
        .body("Откройте ссылку: https://va.example/l/abc".to_owned())
        .unwrap()
}

fn transport(
    sink: &SmtpSink,
    tls: Option<bool>,
    auth: Option<(&str, &str, Mechanism)>,
) -> AsyncSmtpTransport<Tokio1Executor> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.port)
        .timeout(Some(Duration::from_secs(10)));
    if let Some(wrapper) = tls {
        let params = TlsParameters::builder("localhost".into())
            .add_root_certificate(Certificate::from_pem(sink.ca_pem().as_bytes()).unwrap())
            .build_rustls()
            .unwrap();
        builder = builder.tls(if wrapper { Tls::Wrapper(params) } else { Tls::Required(params) });
    }
    if let Some((user, password, mechanism)) = auth {
        builder = builder
            .credentials(Credentials::new(user.into(), password.into()))
            .authentication(vec![mechanism]);
    }
    builder.build()
}

#[tokio::test]
async fn plain_smtp_with_auth_plain() {
    let sink = SmtpSink::start(SmtpMode::Plain, Some(("mailer", "pw-123"))).await;
    // AUTH is required before MAIL.
    assert!(transport(&sink, None, None).send(message("client@example.org")).await.is_err());
    let wrong = transport(&sink, None, Some(("mailer", "nope", Mechanism::Plain)));
    assert!(wrong.send(message("client@example.org")).await.is_err());

    transport(&sink, None, Some(("mailer", "pw-123", Mechanism::Plain)))
        .send(message("client@example.org"))
        .await
        .unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails[0].mail_from, "noreply@va.example");
    assert_eq!(mails[0].rcpt_to, vec!["client@example.org".to_owned()]);
    assert_eq!(mails[0].auth_user.as_deref(), Some("mailer"));
    assert!(!mails[0].tls);
    assert!(mails[0].text().contains("Subject: =?utf-8?b?"), "{}", mails[0].text());
}

#[tokio::test]
async fn starttls_is_required_and_verified_against_the_test_ca() {
    let sink = SmtpSink::start(SmtpMode::StartTls, Some(("mailer", "pw-123"))).await;
    let no_tls = transport(&sink, None, Some(("mailer", "pw-123", Mechanism::Plain)));
    assert!(no_tls.send(message("a@example.org")).await.is_err(), "AUTH and MAIL need STARTTLS first");

    transport(&sink, Some(false), Some(("mailer", "pw-123", Mechanism::Login)))
        .send(message("a@example.org"))
        .await
        .unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert!(mails[0].tls);
    assert_eq!(mails[0].auth_user.as_deref(), Some("mailer"));
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn implicit_tls_without_auth() {
    let sink = SmtpSink::start(SmtpMode::Tls, None).await;
    transport(&sink, Some(true), None).send(message("b@example.org")).await.unwrap();
    transport(&sink, Some(true), None).send(message("c@example.org")).await.unwrap();
    let mails = sink.wait_for(2, Duration::from_secs(5)).await;
    assert!(mails.iter().all(|m| m.tls && m.auth_user.is_none()));
    assert_eq!(mails[1].rcpt_to, vec!["c@example.org".to_owned()]);

    // A client that does not trust the test CA is refused by its own TLS.
    let untrusting = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.port)
        .tls(Tls::Wrapper(TlsParameters::builder("localhost".into()).build_rustls().unwrap()))
        .build();
    assert!(untrusting.send(message("d@example.org")).await.is_err());
    assert_eq!(sink.messages().len(), 2);
}
