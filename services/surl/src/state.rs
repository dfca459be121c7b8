//! vc-surl's shared state and metrics.

use std::net::IpAddr;

use prometheus::{IntCounter, IntCounterVec, Opts};
use vc_runtime::{Bus, Metrics};

use crate::ip_hash::IpHasher;
use crate::store::links::Links;
use crate::store::opens::Opens;

/// `vc_surl_*` metrics.
pub struct SurlMetrics {
    /// Answers of `GET/HEAD /s/{code}` by outcome: `redirect`, `not_found`, `expired`.
    pub redirects: IntCounterVec,
    /// Logged opens by kind: `client` (counted) or `preview` (a link-preview robot).
    pub opens: IntCounterVec,
    pub created: IntCounter,
}

/// The outcomes of a short link request, as metric labels.
pub mod outcome {
    pub const REDIRECT: &str = "redirect";
    pub const NOT_FOUND: &str = "not_found";
    pub const EXPIRED: &str = "expired";
}

impl SurlMetrics {
    pub fn register(metrics: &Metrics) -> Result<Self, prometheus::Error> {
        let redirects = IntCounterVec::new(
            Opts::new(
                "surl_redirects_total",
                "Short link requests by outcome (redirect, not_found, expired)",
            ),
            &["outcome"],
        )?;
        let opens = IntCounterVec::new(
            Opts::new("surl_link_opens_total", "Logged short link opens by kind (client, preview)"),
            &["kind"],
        )?;
        let created = IntCounter::new("surl_links_created_total", "Short links created")?;
        let r = metrics.registry();
        r.register(Box::new(redirects.clone()))?;
        r.register(Box::new(opens.clone()))?;
        r.register(Box::new(created.clone()))?;
        // Every series from the start, so rates work before the first event.
        for o in [outcome::REDIRECT, outcome::NOT_FOUND, outcome::EXPIRED] {
            redirects.with_label_values(&[o]);
        }
        for k in ["client", "preview"] {
            opens.with_label_values(&[k]);
        }
        Ok(Self { redirects, opens, created })
    }
}

pub struct SurlState {
    pub links: Links,
    pub opens: Opens,
    pub hasher: IpHasher,
    /// `surl.public_base_url` without a trailing slash.
    pub base_url: Option<String>,
    pub code_length: usize,
    pub metrics: SurlMetrics,
    pub bus: Bus,
    pub trusted_proxies: Vec<IpAddr>,
}
