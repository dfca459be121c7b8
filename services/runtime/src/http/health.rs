//! `GET /healthz` and `GET /metrics`.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use vc_protocol::health::{CheckResult, HealthReport, HealthStatus};

use crate::service::Runtime;

/// Health of this process: 200 only when MongoDB and the broker are reachable
/// and the token-verification keys are loaded; 503 naming what fails otherwise.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "every check passed", body = HealthReport),
        (status = 503, description = "at least one check failed; `failing` names them", body = HealthReport),
    )
)]
#[get("/healthz")]
pub async fn healthz(rt: web::Data<Runtime>) -> HttpResponse {
    let report = check(&rt).await;
    let mut res = if report.status == HealthStatus::Ok {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header((header::CACHE_CONTROL, "no-store")).json(report)
}

/// Runs every check of this process.
pub async fn check(rt: &Runtime) -> HealthReport {
    let mut checks = BTreeMap::new();
    let mongo = match rt.db.ping().await {
        Ok(latency) => CheckResult {
            status: HealthStatus::Ok,
            latency_ms: Some(latency.as_secs_f64() * 1000.0),
            error: None,
        },
        Err(e) => {
            CheckResult { status: HealthStatus::Unavailable, latency_ms: None, error: Some(e.to_string()) }
        }
    };
    checks.insert("mongodb".to_string(), mongo);
    let broker = if rt.bus.is_connected() {
        CheckResult { status: HealthStatus::Ok, latency_ms: None, error: None }
    } else {
        CheckResult {
            status: HealthStatus::Unavailable,
            latency_ms: None,
            error: Some("not connected to the MQTT broker".into()),
        }
    };
    checks.insert("broker".to_string(), broker);
    let keys = if rt.verifier.has_keys() {
        CheckResult { status: HealthStatus::Ok, latency_ms: None, error: None }
    } else {
        CheckResult {
            status: HealthStatus::Unavailable,
            latency_ms: None,
            error: Some("token verification keys not loaded from vc-auth yet".into()),
        }
    };
    checks.insert("auth_keys".to_string(), keys);
    let failing: Vec<String> =
        checks.iter().filter(|(_, c)| c.status != HealthStatus::Ok).map(|(name, _)| name.clone()).collect();
    HealthReport {
        status: if failing.is_empty() { HealthStatus::Ok } else { HealthStatus::Unavailable },
        service: rt.name.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        checks,
        failing,
    }
}

/// Prometheus metrics of this process (text exposition format). Open to
/// loopback peers; others need `Authorization: Bearer <http.metrics_token>`.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 403, description = "not from loopback and no valid metrics token", body = vc_protocol::ErrorBody),
    )
)]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, rt: web::Data<Runtime>) -> Result<HttpResponse, super::ApiError> {
    let loopback = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    let token_ok = rt.http.metrics_token.as_deref().is_some_and(|expected| {
        req.headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| crate::auth::constant_time_eq(given.as_bytes(), expected.as_bytes()))
    });
    if !loopback && !token_ok {
        return Err(super::ApiError::forbidden(
            "metrics are available from loopback or with the metrics token",
        ));
    }
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(rt.metrics.render()))
}
