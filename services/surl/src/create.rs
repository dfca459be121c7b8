//! `v1/surl/links/create`: vc-server asks for the short form of a client
//! link, when it creates an interaction and when it renews the client link.
//! The newest link of an interaction is its only working one: older ones are
//! closed as `replaced`.

use chrono::Utc;
use vc_protocol::ErrorCode;
use vc_protocol::bus::Envelope;
use vc_protocol::surl::{CreateShortLink, ShortLinkCreated};
use vc_runtime::RemoteError;
use vc_runtime::db::{DbError, is_duplicate_key};

use crate::code;
use crate::config::normalize_base;
use crate::state::SurlState;
use crate::store::links::{CloseReason, LinkDoc};
use crate::store::to_bson;

/// Longer targets are refused (a client link is about 60 characters).
pub const MAX_TARGET_CHARS: usize = 2048;

/// Draws of a fresh code before giving up on duplicate-key collisions
/// (each has a chance of about n / 56^length, n the links stored).
const MAX_DRAWS: usize = 5;

fn invalid(message: impl Into<String>) -> RemoteError {
    RemoteError::new(ErrorCode::ValidationFailed.as_str(), message)
}

fn unavailable(e: impl Into<DbError>) -> RemoteError {
    let e = e.into();
    tracing::warn!(error = %e, "short link store unavailable");
    RemoteError::new(ErrorCode::ServiceUnavailable.as_str(), "the short link store is not reachable")
}

/// A target must be an absolute http(s) URL with a host, without spaces or
/// control characters: it goes into a `Location` header as it is.
pub fn validate_target(url: &str) -> Result<(), String> {
    if url.chars().count() > MAX_TARGET_CHARS {
        return Err(format!("target_url: at most {MAX_TARGET_CHARS} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("target_url: spaces and control characters are not allowed".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("target_url: must be an http(s) URL")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(['@', '\\']) {
        return Err("target_url: must name a host (and no credentials)".into());
    }
    Ok(())
}

/// `<base>/s/<code>`.
pub fn short_url(base: &str, code: &str) -> String {
    format!("{base}/s/{code}")
}

/// Handles one request (redeliveries included: the same message id gets
/// the same link).
pub async fn create_link(
    state: &SurlState,
    request: Envelope<CreateShortLink>,
) -> Result<ShortLinkCreated, RemoteError> {
    let req = &request.body;
    let id = req.interaction_id;
    let base = match &state.base_url {
        Some(base) => base.clone(),
        None => normalize_base(&req.origin).map_err(|e| invalid(format!("origin: {e}")))?,
    };
    validate_target(&req.target_url).map_err(invalid)?;
    let request_id = request.id.to_string();

    if let Some(existing) = state.links.by_request(&request_id).await.map_err(unavailable)? {
        // Seen before: finish what may have been cut short (closing older links).
        let latest = state.links.latest_of(id).await.map_err(unavailable)?;
        if existing.closed_at.is_none() && latest.is_some_and(|l| l.code == existing.code) {
            state
                .links
                .close(id, Some(&existing.code), CloseReason::Replaced, Utc::now())
                .await
                .map_err(unavailable)?;
        }
        return Ok(ShortLinkCreated { short_url: short_url(&base, &existing.code), code: existing.code });
    }
    if state.links.interaction_over(id).await.map_err(unavailable)? {
        return Err(RemoteError::new(ErrorCode::InteractionEnded.as_str(), "this call is over"));
    }

    let now = Utc::now();
    for draw in 1..=MAX_DRAWS {
        let link = LinkDoc {
            code: code::generate(state.code_length),
            interaction_id: id,
            agent_id: req.agent_id,
            target_url: req.target_url.clone(),
            created_at: to_bson(now),
            expires_at: to_bson(req.expires_at),
            closed_at: None,
            close_reason: None,
            request_id: Some(request_id.clone()),
            opens: 0,
        };
        match state.links.insert(&link).await {
            Ok(()) => {
                let replaced = state
                    .links
                    .close(id, Some(&link.code), CloseReason::Replaced, now)
                    .await
                    .map_err(unavailable)?;
                state.metrics.created.inc();
                tracing::info!(interaction_id = %id, replaced, expires_at = %req.expires_at, "short link created");
                return Ok(ShortLinkCreated { short_url: short_url(&base, &link.code), code: link.code });
            }
            Err(e) if is_duplicate_key(&e) => {
                tracing::warn!(interaction_id = %id, draw, "short link code collision; drawing another");
            }
            Err(e) => return Err(unavailable(e)),
        }
    }
    Err(RemoteError::new(ErrorCode::Internal.as_str(), "could not draw an unused short link code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_plain_http_urls() {
        for ok in [
            "https://va.example/c/AbC-123_x",
            "http://127.0.0.1:8080/c/token",
            "https://va.example:8443/c/t?x=1#f",
            "HTTPS://VA.EXAMPLE/c/t",
        ] {
            assert!(validate_target(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/c/token",
            "javascript:alert(1)",
            "data:text/html,hi",
            "//evil.example/c/t",
            "https:///c/t",
            "https://user:pw@evil.example/",
            "https://va.example/c/t\r\nSet-Cookie: x=1",
            "https://va.example/c/ t",
            "ftp://va.example/c/t",
        ] {
            assert!(validate_target(bad).is_err(), "{bad}");
        }
        let long = format!("https://va.example/{}", "a".repeat(MAX_TARGET_CHARS));
        assert!(validate_target(&long).is_err());
    }

    #[test]
    fn short_urls_are_base_s_code() {
        assert_eq!(short_url("https://va.example", "AbCdEfGh"), "https://va.example/s/AbCdEfGh");
    }
}
