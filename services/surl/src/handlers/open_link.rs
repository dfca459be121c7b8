//! `GET /s/{code}` (and `HEAD`): the short link itself.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, get, head, web};
use chrono::{DateTime, Utc};
use vc_protocol::surl::ShortLinkOpened;
use vc_protocol::topics;
use vc_runtime::http::client_ip;

use crate::code;
use crate::page::{self, Page};
use crate::preview::is_preview;
use crate::state::{SurlState, outcome};
use crate::store::links::{LinkDoc, LinkState};
use crate::store::opens::{OpenDoc, clean_user_agent};

/// For the HTML pages: nothing but their own inline style.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; \
                        frame-ancestors 'none'";

/// Redirects to the client link while the link works, and logs the open (a
/// link-preview robot's fetch is logged as such and not counted).
#[utoipa::path(
    tag = "short-links",
    params(("code" = String, Path, description = "the short link's code")),
    responses(
        (status = 302, description = "to the client link",
            headers(("Location" = String, description = "the client link"))),
        (status = 404, description = "no such link: an HTML page", body = String, content_type = "text/html"),
        (status = 410, description = "expired, replaced by a newer link, or the call is over: an HTML page",
            body = String, content_type = "text/html"),
        (status = 503, description = "the link store is not reachable: an HTML page",
            body = String, content_type = "text/html"),
    )
)]
#[get("/s/{code}")]
pub async fn open_link(
    req: HttpRequest,
    state: web::Data<SurlState>,
    code: web::Path<String>,
) -> HttpResponse {
    answer(&req, &state, code.into_inner()).await
}

/// The answer `GET` would give, without a body and without logging an open.
#[utoipa::path(
    tag = "short-links",
    params(("code" = String, Path, description = "the short link's code")),
    responses(
        (status = 302, description = "the link works",
            headers(("Location" = String, description = "the client link"))),
        (status = 404, description = "no such link"),
        (status = 410, description = "expired, replaced by a newer link, or the call is over"),
        (status = 503, description = "the link store is not reachable"),
    )
)]
#[head("/s/{code}")]
pub async fn check_link(
    req: HttpRequest,
    state: web::Data<SurlState>,
    code: web::Path<String>,
) -> HttpResponse {
    answer(&req, &state, code.into_inner()).await
}

/// `GET` and `HEAD` alike; only `GET` logs an open.
async fn answer(req: &HttpRequest, state: &SurlState, code: String) -> HttpResponse {
    let english =
        page::prefers_english(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let show = |p: Page| page_response(state, p, english);
    if !code::is_well_formed(&code) {
        return show(Page::NotFound);
    }
    let link = match state.links.by_code(&code).await {
        Ok(Some(link)) => link,
        Ok(None) => return show(Page::NotFound),
        Err(e) => {
            tracing::warn!(error = %e, "short link lookup failed");
            return show(Page::Unavailable);
        }
    };
    let now = Utc::now();
    match link.state(now) {
        LinkState::Live => {}
        LinkState::Expired => return show(Page::Expired),
        LinkState::Closed(reason) => return show(Page::Closed(reason)),
    }
    let Ok(location) = HeaderValue::from_str(&link.target_url) else {
        // Targets are checked when the link is created: this document is corrupt.
        tracing::error!(interaction_id = %link.interaction_id, "stored short link target is not a valid header");
        return show(Page::Unavailable);
    };
    if req.method() != Method::HEAD {
        record_open(state, req, &link, now).await;
    }
    state.metrics.redirects.with_label_values(&[outcome::REDIRECT]).inc();
    common_headers(HttpResponse::Found()).insert_header((header::LOCATION, location)).finish()
}

/// Logs one GET of a working link and, unless it was a preview robot, counts
/// it and tells vc-server. Failures are logged: the client is redirected anyway.
async fn record_open(state: &SurlState, req: &HttpRequest, link: &LinkDoc, at: DateTime<Utc>) {
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| clean_user_agent(&String::from_utf8_lossy(v.as_bytes())));
    let preview = user_agent.as_deref().is_some_and(is_preview);
    let ip_hash = client_ip(req, &state.trusted_proxies).and_then(|ip| state.hasher.hash(ip));
    let open = OpenDoc::new(&link.code, link.interaction_id, at, user_agent, ip_hash, preview);
    if let Err(e) = state.opens.record(&open).await {
        tracing::warn!(interaction_id = %link.interaction_id, error = %e, "could not log a short link open");
    }
    state.metrics.opens.with_label_values(&[if preview { "preview" } else { "client" }]).inc();
    if preview {
        tracing::info!(interaction_id = %link.interaction_id, "short link fetched by a link-preview robot");
        return;
    }
    let first = match state.links.count_open(&link.code).await {
        Ok(before) => before.unwrap_or(0) == 0,
        Err(e) => {
            tracing::warn!(interaction_id = %link.interaction_id, error = %e, "could not count a short link open");
            false
        }
    };
    tracing::info!(interaction_id = %link.interaction_id, first, "short link opened");
    let msg = ShortLinkOpened { interaction_id: link.interaction_id, code: link.code.clone(), first, at };
    if let Err(e) = state.bus.publish(&topics::surl::link_opened(), &msg).await {
        tracing::warn!(interaction_id = %link.interaction_id, error = %e, "could not announce a short link open");
    }
}

/// Headers of every answer: never cached (a link's answer changes when it
/// closes), never indexed, no referrer to the target.
fn common_headers(mut res: HttpResponseBuilder) -> HttpResponseBuilder {
    res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .insert_header(("x-robots-tag", HeaderValue::from_static("noindex, nofollow")));
    res
}

fn page_response(state: &SurlState, page: Page, english_first: bool) -> HttpResponse {
    let label = match page {
        Page::NotFound => Some(outcome::NOT_FOUND),
        Page::Expired | Page::Closed(_) => Some(outcome::EXPIRED),
        Page::Unavailable => None,
    };
    if let Some(label) = label {
        state.metrics.redirects.with_label_values(&[label]).inc();
    }
    let status = StatusCode::from_u16(page.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = common_headers(HttpResponse::build(status));
    res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")))
        .insert_header((header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP)))
        .insert_header((header::VARY, HeaderValue::from_static("Accept-Language")));
    if page == Page::Unavailable {
        res.insert_header((header::RETRY_AFTER, HeaderValue::from_static("30")));
    }
    res.body(page.render(english_first))
}
