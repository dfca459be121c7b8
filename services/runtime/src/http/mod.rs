//! The HTTP edge shared by every service.

mod client_ip;
mod error;
pub mod health;

use std::time::Instant;

use std::future::Future;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{HttpResponse, web};
use vc_protocol::ErrorCode;

pub use client_ip::client_ip;
pub use error::{ApiError, json_error, path_error, query_error};

use crate::metrics::Metrics;

/// Extractor configuration: our error shape for bad JSON, queries and paths.
pub fn extractor_config(max_json_bytes: usize) -> (web::JsonConfig, web::QueryConfig, web::PathConfig) {
    (
        web::JsonConfig::default().limit(max_json_bytes).error_handler(json_error),
        web::QueryConfig::default().error_handler(query_error),
        web::PathConfig::default().error_handler(path_error),
    )
}

/// The answer for paths nothing serves.
pub async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::new(ErrorCode::NotFound, "nothing is at this path"))
}

/// Headers every answer carries: no content sniffing, no referrer leaks,
/// and nothing from the API (tokens!) kept in a cache.
fn secure_headers(path: &str, headers: &mut actix_web::http::header::HeaderMap) {
    use actix_web::http::header::{self, HeaderValue};
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if path.starts_with("/api/") && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Paths whose last segment works like a password (client links, short
/// links, the join API) are logged without it.
pub fn redact_path(path: &str) -> String {
    const SECRET_TAIL: [&str; 3] = ["/c/", "/s/", "/api/join/"];
    for prefix in SECRET_TAIL {
        if let Some(rest) = path.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return format!("{prefix}…");
        }
    }
    path.to_owned()
}

/// Records request metrics and logs each request with structured fields.
pub fn observe<S>(
    req: ServiceRequest,
    srv: &S,
    metrics: Metrics,
) -> impl Future<Output = Result<ServiceResponse, actix_web::Error>> + use<S>
where
    S: actix_web::dev::Service<ServiceRequest, Response = ServiceResponse, Error = actix_web::Error>,
    S::Future: 'static,
{
    let started = Instant::now();
    let method = req.method().to_string();
    let path = redact_path(req.path());
    let call = srv.call(req);
    async move {
        let mut res = call.await?;
        secure_headers(&path, res.headers_mut());
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
        let status = res.status().as_u16();
        let elapsed = started.elapsed();
        metrics.http_requests.with_label_values(&[&method, &route, &status.to_string()]).inc();
        metrics.http_duration.with_label_values(&[&method, &route]).observe(elapsed.as_secs_f64());
        let ms = elapsed.as_secs_f64() * 1000.0;
        if route == "/healthz" || route == "/metrics" {
            tracing::debug!(%method, %path, status, ms, "request");
        } else if status >= 500 {
            tracing::warn!(%method, %path, %route, status, ms, "request");
        } else {
            tracing::info!(%method, %path, %route, status, ms, "request");
        }
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn link_secrets_stay_out_of_the_logs() {
        assert_eq!(redact_path("/c/AbCdEf0123456789abcdef0123456789"), "/c/…");
        assert_eq!(redact_path("/s/Xk7pQ2mZr9aB"), "/s/…");
        assert_eq!(redact_path("/api/join/AbCdEf"), "/api/join/…");
        assert_eq!(redact_path("/api/interactions/123"), "/api/interactions/123");
        assert_eq!(redact_path("/c/"), "/c/");
    }
}
