//! `videoassist`: the whole platform in one process for one machine — every
//! service, an embedded MQTT broker, a local database when none is
//! configured, and the built frontends on one HTTP port.

pub mod broker;
pub mod config;
mod frontends;
pub mod local_mongo;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vc_auth::{Auth, FirstAdmin};
use vc_fileserver::Fileserver;
use vc_geo::Geo;
use vc_media::Media;
use vc_msg::Msg;
use vc_records::Records;
use vc_runtime::service::Service;
use vc_runtime::{Runtime, RuntimeConfig, Server, StartError};
use vc_server::VcServer;
use vc_stat::Stat;
use vc_surl::Surl;

pub use crate::config::Config;
use crate::local_mongo::LocalMongo;

/// Runs the platform until SIGINT or SIGTERM, then stops everything: HTTP
/// (in-flight requests finish), services, bus, database connections, and
/// the local database last.
pub async fn run(mut cfg: Config) -> Result<(), StartError> {
    let other = |e: &dyn std::fmt::Display| StartError::Other(e.to_string());
    cfg.validate().map_err(|e| other(&e))?;
    std::fs::create_dir_all(&cfg.data_dir)
        .map_err(|e| other(&format!("data dir {}: {e}", cfg.data_dir.display())))?;

    let local_mongo = match cfg.mongo.uri.as_deref().filter(|u| !u.is_empty()) {
        Some(_) => None,
        None => {
            let db = LocalMongo::start(&cfg.local_mongo, &cfg.data_dir).map_err(|e| other(&e))?;
            cfg.mongo.uri = Some(db.uri.clone());
            Some(db)
        }
    };
    if cfg.broker.embedded {
        let creds = cfg.mqtt.username.clone().zip(cfg.mqtt.password.clone());
        let b = broker::start(cfg.broker.port, creds).map_err(|e| other(&e))?;
        cfg.mqtt.host = b.addr.ip().to_string();
        cfg.mqtt.port = b.addr.port();
        cfg.mqtt.username = Some(b.username);
        cfg.mqtt.password = Some(b.password);
        // One instance of each service: nothing to share, and rumqttd 0.20
        // mishandles shared groups of persistent sessions.
        cfg.mqtt.shared_subscriptions = false;
    }

    // Listen before anything can take long, so an early Ctrl-C is not lost.
    let mut signals = vc_runtime::shutdown::Signals::new();
    let started = start_services(&cfg).await;
    let (http, first_admin) = match started {
        Ok(v) => v,
        Err(e) => {
            if let Some(db) = local_mongo {
                db.stop(Duration::from_secs(5)).await;
            }
            return Err(e);
        }
    };
    print_banner(&cfg, &http, first_admin.as_ref());

    signals.next().await;
    let stopping = Instant::now();
    // A second Ctrl-C means "now".
    tokio::spawn(async move {
        signals.next().await;
        eprintln!("videoassist: forced exit");
        std::process::exit(130);
    });
    tracing::info!("shutting down");
    let result = http.stop().await;
    if let Some(db) = local_mongo {
        db.stop(Duration::from_secs(5)).await;
    }
    tracing::info!(seconds = stopping.elapsed().as_secs_f64(), "stopped");
    result
}

async fn start_services(cfg: &Config) -> Result<(Server, Option<FirstAdmin>), StartError> {
    let rt = Runtime::start(
        "videoassist",
        RuntimeConfig { http: &cfg.http, mongo: &cfg.mongo, mqtt: &cfg.mqtt, tokens: &cfg.tokens },
    )
    .await?;
    let (auth, first_admin) = Auth::start(&rt, &cfg.auth).await?;
    let r = cfg.resolved();
    let server = VcServer::start(&rt, &r.server).await?;
    let media = Media::start(&rt, &r.media).await?;
    let surl = Surl::start(&rt, &r.surl).await?;
    let msg = Msg::start(&rt, &cfg.msg).await?;
    let geo = Geo::start(&rt, &r.geo).await?;
    let files = Fileserver::start(&rt, &r.fileserver).await?;
    let records = Records::start(&rt, &r.records).await?;
    let stat = Stat::start(&rt, &cfg.stat).await?;
    rt.bus.ready();
    let services: Vec<Arc<dyn Service>> =
        vec![auth, server, media, surl, msg, geo, files, records.clone() as Arc<dyn Service>, stat];
    let http = Server::start(rt, services, Some(frontends::routes(&cfg.frontends)))?;
    if cfg.records.fileserver_url.is_none()
        && let Some(mut addr) = http.local_addr()
    {
        // Recordings are uploaded to this very process, on loopback.
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let scheme = if cfg.http.tls() { "https" } else { "http" };
        records.set_fileserver_url(&format!("{scheme}://{addr}"));
    }
    Ok((http, first_admin))
}

fn print_banner(cfg: &Config, http: &Server, first_admin: Option<&FirstAdmin>) {
    let base = cfg.public_url.clone().unwrap_or_else(|| {
        let port = http.local_addr().map(|a| a.port()).unwrap_or(cfg.http.port);
        let host =
            if cfg.http.host.is_unspecified() { "127.0.0.1".to_string() } else { cfg.http.host.to_string() };
        format!("http://{host}:{port}")
    });
    let base = base.trim_end_matches('/');
    let admin = match first_admin {
        Some(a) => a.announcement(),
        None => format!("Admin login: `{}` (password as set when it was created)", cfg.auth.admin_login),
    };
    println!(
        "\nVideoAssist is running.\n  Agent console: {base}/agent/\n  Client page:   {base}/c/<link>  (agents create the links)\n  Admin panel:   {base}/admin/\n  API:           {base}/api/openapi.json\n  Health:        {base}/healthz\n  {admin}\nPress Ctrl-C to stop.\n"
    );
}

/// `videoassist broker`: only the embedded broker, until a signal.
pub async fn run_broker(args: &[String]) -> ExitCode {
    let mut port = 1883;
    let mut username = None;
    let mut password = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--port", Some(v)) => match v.parse() {
                Ok(p) => port = p,
                Err(_) => {
                    eprintln!("videoassist broker: --port needs a number");
                    return ExitCode::from(2);
                }
            },
            ("--username", Some(v)) => username = Some(v.clone()),
            ("--password", Some(v)) => password = Some(v.clone()),
            _ => {
                eprintln!("usage: videoassist broker [--port N] [--username U --password P]");
                return ExitCode::from(2);
            }
        }
    }
    vc_runtime::telemetry::init(&vc_runtime::config::LogConfig::default());
    match broker::start(port, username.zip(password)) {
        Ok(b) => {
            println!("MQTT broker on {} (user `{}`)", b.addr, b.username);
            vc_runtime::shutdown::signal().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("videoassist broker: {e}");
            ExitCode::FAILURE
        }
    }
}
